import CEditLine
import Foundation
import Glibc

/// Shows long text page by page, as `git` and `man` do: `$PAGER` when set (an empty one means
/// none), else `less -FRX` (`-F` quits when the text fits after all, `-R` shows colour, `-X`
/// leaves the text on the screen afterwards). The session calls it only for output to a
/// terminal that is longer than the screen (`Interpreter.page`).
enum Pager {
    /// Runs the pager with `text` on its standard input and waits for it; false when there is
    /// no pager or it could not start (the caller prints the text instead).
    static func show(_ text: String) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        let command = environment["PAGER"] ?? "less -FRX"
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { return false }
        nnsh_flush_stdout()

        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return false }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // The pager gets the default actions for the keys it handles itself.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        [SIGINT, SIGPIPE, SIGWINCH].forEach { sigaddset(&defaults, $0) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(readEnd)
        guard status == 0 else {
            close(writeEnd)
            return false
        }
        // Quitting the pager early closes the pipe: the write then fails instead of killing nnsh.
        let oldPipe = signal(SIGPIPE, SIG_IGN)
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { break }
            bytes = bytes.dropFirst(written)
        }
        close(writeEnd)
        signal(SIGPIPE, oldPipe)
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0, errno == EINTR {}
        // 127: the shell found no such command; nothing was shown.
        let exited = exitStatus & 0x7f == 0
        return !(exited && (exitStatus >> 8) & 0xff == 127)
    }
}
