import Foundation
import Glibc

/// Runs `nnsh` on a pseudo-terminal, as a user at a terminal would: keys go in, the screen's
/// bytes come out. Every wait has a timeout and the child is killed at the end, so a test can
/// fail but never hang.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible { let description: String }

    private let pid: pid_t
    private let master: Int32
    /// Everything the program has written, escape sequences included.
    private(set) var bytes: [UInt8] = []
    /// Where the next `expect` starts looking in `screen`.
    private var searchFrom: String.Index

    /// Starts `nnsh arguments` with `environment` added to a minimal one (TERM=xterm).
    init(arguments: [String] = [], environment: [String: String] = [:],
         columns: UInt16 = 100, rows: UInt16 = 30) throws {
        let executable = nnshExecutable().path
        // EDITRC: the user's ~/.editrc must not change the keys a test types.
        var env = ["TERM": "xterm", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "EDITRC": "/dev/null"]
        // HOME, and the sanitizers' options when Scripts/sanitize.sh runs the suite.
        for name in ["HOME", "ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"] {
            if let value = ProcessInfo.processInfo.environment[name] { env[name] = value }
        }
        env.merge(environment) { _, new in new }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        var master: Int32 = -1, slave: Int32 = -1
        var slaveName = [CChar](repeating: 0, count: 256)
        guard openpty(&master, &slave, &slaveName, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: errno \(errno)")
        }
        defer { close(slave) }   // the child opens the terminal by name
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)

        // posix_spawn, not fork: fork runs every library's at-fork handlers in this
        // multi-threaded test process, and OpenBLAS's (it shuts its thread pool down) deadlocks
        // with a concurrent fork or stalls a concurrent matrix product.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()   // the test runner's threads block most signals
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        [SIGINT, SIGTSTP, SIGQUIT, SIGPIPE].forEach { sigaddset(&defaults, $0) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A new session (glibc's POSIX_SPAWN_SETSID), so that opening the terminal below makes it
        // the controlling terminal: Ctrl-C then raises SIGINT in the program.
        let setSessionID: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setSessionID))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Failure(description: "posix_spawn failed: error \(status)")
        }
        self.pid = pid
        self.master = master
        self.searchFrom = "".startIndex
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `keys`: "\r" is Enter, "\t" Tab, "\u{3}" Ctrl-C, "\u{1b}[A" the up arrow. Type a
    /// line, then wait for the prompt: keys typed ahead while a command runs are echoed by the
    /// terminal driver itself, as in any shell.
    func type(_ keys: String) {
        var data = Array(keys.utf8)
        while !data.isEmpty {
            let written = write(master, data, data.count)
            guard written > 0 else { return }
            data.removeFirst(written)
        }
    }

    /// What the screen shows: the output with escape sequences and carriage returns removed.
    var screen: String { Self.plainText(bytes) }

    /// The rows the program wrote, each as the text between line ends and carriage returns with
    /// escape sequences removed: a row wider than the terminal wraps, and a line redrawn in
    /// place (`\r`) that wraps leaves a row behind at every redraw.
    var writtenRows: [String] { Self.writtenRows(bytes) }

    static func writtenRows(_ bytes: [UInt8]) -> [String] {
        plainText(bytes.map { $0 == 0x0d ? 0x0a : $0 }).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Cells a row takes on the screen: East Asian wide characters take two, combining marks
    /// none (enough for the text nnsh writes; written apart from nnsh's own counting).
    static func cells(_ row: String) -> Int {
        row.unicodeScalars.reduce(0) { total, s in
            let v = s.value
            if s.properties.generalCategory == .nonspacingMark { return total }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
            return total + (wide ? 2 : 1)
        }
    }

    /// The widest row written since byte `start` (see `writtenRows`), in cells.
    func widestRow(since start: Int = 0) -> (width: Int, row: String) {
        let rows = Self.writtenRows(Array(bytes[min(start, bytes.count)...]))
        return rows.map { (Self.cells($0), $0) }.max { $0.0 < $1.0 } ?? (0, "")
    }

    /// Resizes the terminal, as dragging its window does: the program gets SIGWINCH.
    func resize(columns: UInt16, rows: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Waits until `text` appears on the screen after the previous match; moves past it.
    /// Throws, with the screen so far, after `timeout` seconds.
    func expect(_ text: String, timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let current = screen
            let start = searchFrom <= current.endIndex ? searchFrom : current.endIndex
            if let found = current.range(of: text, range: start..<current.endIndex) {
                searchFrom = found.upperBound
                return
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0, readOutput(waitingAtMost: remaining) else {
                throw Failure(description: "timed out waiting for \(text.debugDescription); screen:\n\(current)\nraw: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// Waits until the program reads keys one by one (the terminal is out of line mode), as a
    /// line editor does once it has drawn its prompt. libedit draws the prompt a moment before it
    /// switches modes, and a key typed in between is handled by the terminal driver instead
    /// (Ctrl-C would become SIGINT). A person never types that fast; a test does.
    func waitUntilReadingKeys(timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            var settings = termios()   // on Linux the master reports the terminal's settings
            if tcgetattr(master, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) == 0 { return }
            guard Date() < deadline else {
                throw Failure(description: "the program never switched the terminal to key-by-key reading")
            }
            readOutput(waitingAtMost: 0.005)
        }
    }

    /// Reads whatever arrives within `seconds`; false on timeout or when the program has gone.
    @discardableResult
    func readOutput(waitingAtMost seconds: Double) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(min(max(seconds, 0), 60) * 1000)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else { return false }
        bytes += buffer[0..<count]
        return true
    }

    /// Waits for the program to exit; its exit status, or nil if it is still running.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            readOutput(waitingAtMost: 0.05)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        }
        return nil
    }

    /// Drops CSI sequences (ESC [ ... letter), other two-byte escapes, carriage returns and
    /// bells, and lets a backspace erase the character before it: close enough to the screen
    /// to find what the program printed.
    static func plainText(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x1b {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    i += 1
                    while i < bytes.count, !(0x40...0x7e).contains(bytes[i]) { i += 1 }
                }
                i += 1
            } else if byte == 0x0d || byte == 0x07 {
                i += 1
            } else if byte == 0x08 {
                if !out.isEmpty { out.removeLast() }
                i += 1
            } else {
                out.append(byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
