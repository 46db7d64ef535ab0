import CEditLine
import DigitPad
import Foundation
import Glibc
import Shell

/// `nnsh --kernel`: one long-lived Session driven by JSON requests, for a notebook front end
/// (protocol: `KernelRequest`, `KernelChannel`). Cells run one at a time in this thread; SIGINT
/// while a cell runs stops it as Ctrl-C does at the prompt (training pauses, `resume` goes on).
/// Variables, networks and settings persist across cells and survive every error.
final class Kernel {
    let session: Session
    let channel: KernelChannel
    let output: KernelOutput

    init(channel: KernelChannel) {
        self.channel = channel
        let output = KernelOutput(channel: channel)
        self.output = output
        session = Session(output: { output.write($0) })
        session.isInteractive = true
        session.drawsProgressLine = true
        session.showPicture = { text, svg in output.picture(text: text, svg: svg) }
        session.clearOutput = { output.clear() }
        session.startDigitPad = DigitPadServer.start
    }

    /// Reads requests until end of input, `shutdown` or `quit`; returns the exit code. Standard
    /// output becomes the protocol's alone: anything else printed there goes to standard error.
    static func run() -> Int32 {
        nnsh_flush_stdout()
        let descriptor = dup(STDOUT_FILENO)
        guard descriptor >= 0 else { return 1 }
        dup2(STDERR_FILENO, STDOUT_FILENO)
        InterruptSignal.install()
        let kernel = Kernel(channel: KernelChannel(descriptor: descriptor))
        while let line = readLine(strippingNewline: true) {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            if let code = kernel.handle(line) { return code }
        }
        return 0
    }

    /// Answers one request line; an exit code when the kernel should end.
    func handle(_ line: String) -> Int32? {
        let request: KernelRequest
        switch KernelRequest.decode(line) {
        case .success(let r): request = r
        case .failure(let error):
            channel.reply(id: nil, status: "error", ["evalue": "nnsh --kernel: " + error.message])
            return nil
        }
        let code = request.code ?? ""
        switch request.type {
        case .execute: return execute(code, id: request.id)
        case .complete: complete(code, cursor: request.cursor ?? code.unicodeScalars.count, id: request.id)
        case .inspect: inspect(code, cursor: request.cursor ?? code.unicodeScalars.count, id: request.id)
        case .isComplete:
            channel.reply(id: request.id, ["state": session.isIncomplete(code) ? "incomplete" : "complete"])
        case .shutdown:
            channel.reply(id: request.id)
            return 0
        }
        return nil
    }

    /// Runs a cell: its output as stream and display messages, an error as an error message
    /// (the rendered error with its caret, in colour; `evalue` plain), then the reply.
    func execute(_ code: String, id: String?) -> Int32? {
        output.begin(id)
        defer { output.end() }
        guard !code.allSatisfy(\.isWhitespace) else {
            channel.reply(id: id)
            return nil
        }
        Interrupt.clear()
        let result = session.execute(code, file: "cell")
        Interrupt.clear()
        output.closeProgress()
        switch result {
        case .ok:
            session.recordEntry(code, ran: true)
            channel.reply(id: id)
            return nil
        case .error(let error):
            session.recordEntry(code, ran: false)
            // Coloured as at the prompt (a red "error:", a green caret): Jupyter shows a
            // traceback's ANSI colours, as it does Python's.
            let traceback = error.rendered(width: 100, colour: true)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let fields: [String: Any] = ["ename": error.isInterruption ? "Interrupted" : "Error",
                                         "evalue": error.message, "traceback": traceback]
            channel.send("error", id: id, fields)
            channel.reply(id: id, status: "error", fields)
            return nil
        case .quit(let exitCode):
            channel.reply(id: id, ["quit": Int(exitCode)])
            return exitCode
        }
    }

    /// Tab: the REPL's completions for the line the cursor is on. `cursor_start` is where the
    /// word they replace begins (code points from the start of the cell).
    func complete(_ code: String, cursor: Int, id: String?) {
        let scalars = Array(code.unicodeScalars)
        let cursor = max(0, min(cursor, scalars.count))
        let lineStart = scalars[..<cursor].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = scalars[cursor...].firstIndex(of: "\n") ?? scalars.count
        let line = String(String.UnicodeScalarView(scalars[lineStart..<lineEnd]))
        let matches = session.completions(line: line, cursor: cursor - lineStart)
        let before = Array(scalars[lineStart..<cursor])
        // The typed word: the longest end of the text before the cursor that every match starts with.
        var typed = 0
        if !matches.isEmpty {
            for k in stride(from: before.count, through: 1, by: -1) {
                let tail = String(String.UnicodeScalarView(before.suffix(k)))
                if matches.allSatisfy({ $0.hasPrefix(tail) }) { typed = k; break }
            }
        }
        channel.reply(id: id, ["matches": matches, "cursor_start": cursor - typed, "cursor_end": cursor])
    }

    /// Shift-Tab: the help of the word at the cursor (a command, concept or procedure) or what
    /// the variable of that name holds.
    func inspect(_ code: String, cursor: Int, id: String?) {
        let scalars = Array(code.unicodeScalars)
        let cursor = max(0, min(cursor, scalars.count))
        let isWordScalar = { (s: Unicode.Scalar) in s == "_" || s.properties.isAlphabetic || s.properties.numericType != nil }
        var start = cursor, end = cursor
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
        let word = String(String.UnicodeScalarView(scalars[start..<end]))
        if !word.isEmpty, let text = session.helpText(for: word) {
            channel.reply(id: id, ["found": true, "data": ["text/plain": text]])
        } else {
            channel.reply(id: id, ["found": false, "data": [String: String]()])
        }
    }
}
