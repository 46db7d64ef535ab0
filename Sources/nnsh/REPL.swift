import Engine
import Shell

/// The interactive loop: read a line, keep reading with the continuation prompt while a block is
/// left open (`Session.isIncomplete`), run it, print errors, repeat. An error never ends the
/// session: the Session keeps every variable, network and dataset defined before the failed line.
struct REPL {
    static let prompt = "nnsh> "
    static let continuationPrompt = "...> "

    let session: Session
    let reader: LineReader
    /// Where errors go (standard error).
    let reportError: (String) -> Void

    /// Runs until Ctrl-D, end of input or `quit`; returns the process exit code.
    func run() -> Int32 {
        var pending: [String] = []
        while true {
            let prompt = pending.isEmpty ? Self.prompt : Self.continuationPrompt
            switch reader.readLine(prompt: prompt) {
            case .interrupted:
                pending = []
            case .endOfInput:
                print("")   // leave the terminal's next prompt on a line of its own
                if !pending.isEmpty, let code = evaluate(pending.joined(separator: "\n")) { return code }
                return 0
            case .line(let line):
                reader.addToHistory(line)
                pending.append(line)
                let source = pending.joined(separator: "\n")
                if session.isIncomplete(source) { continue }
                pending = []
                if let code = evaluate(source) { return code }
            }
        }
    }

    /// Runs one entry; returns an exit code when it asked to quit.
    private func evaluate(_ source: String) -> Int32? {
        guard !source.allSatisfy(\.isWhitespace) else { return nil }
        Interrupt.clear()
        defer { Interrupt.clear() }
        switch session.execute(source, file: "repl") {
        case .ok:
            return nil
        case .error(let error):
            reportError(ErrorDisplay.render(error))
            return nil
        case .quit(let code):
            return code
        }
    }

    static func banner() -> String {
        "nnsh \(NNSHVersion.string): a neural-network shell. Type help for commands, Ctrl-D to quit."
    }
}
