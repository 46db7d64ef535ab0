import Engine
import Foundation
import Shell

/// The interactive loop: read a line, keep reading with the continuation prompt while a block is
/// left open (`Session.isIncomplete`), run it, print errors, repeat. An error never ends the
/// session: the Session keeps every variable, network and dataset defined before the failed line.
///
/// Ctrl-C or Ctrl-D inside an open block drops the block; Ctrl-D at the top-level prompt, `quit`
/// or `exit` end the session, after asking once when trained networks were not saved.
final class REPL {
    static let prompt = "nnsh> "
    static let continuationPrompt = "...> "

    let session: Session
    let reader: LineReader
    /// Where errors go (standard error).
    let reportError: (String) -> Void
    /// The unsaved networks the last quit warned about: quitting again with the same ones goes.
    private var warnedAbout: [String]?

    init(session: Session, reader: LineReader, reportError: @escaping (String) -> Void) {
        self.session = session
        self.reader = reader
        self.reportError = reportError
        session.confirm = { [weak self] question in self?.ask(question) == .yes }
        session.isInteractive = true
    }

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
                if !pending.isEmpty {   // Ctrl-D in a block drops the block, as Ctrl-C does
                    pending = []
                    continue
                }
                if mayQuit() { return 0 }
            case .line(let line):
                pending.append(line)
                let source = pending.joined(separator: "\n")
                if session.isIncomplete(source) { continue }
                pending = []
                reader.addToHistory(source)
                if let code = evaluate(source), mayQuit() { return code }
            }
        }
    }

    /// Runs one entry; returns an exit code when it asked to quit.
    private func evaluate(_ source: String) -> Int32? {
        guard !source.allSatisfy(\.isWhitespace) else { return nil }
        Interrupt.clear()
        defer { Interrupt.clear() }
        switch TypeAhead.keptThroughInterrupts({ session.execute(source, file: "repl") }) {
        case .ok:
            session.recordEntry(source, ran: true)
            return nil
        case .error(let error):
            session.recordEntry(source, ran: false)
            reportError(ErrorDisplay.render(error))
            return nil
        case .quit(let code):
            return code
        }
    }

    /// True to end the session: no network has unsaved training, or the person says yes (or
    /// presses Ctrl-D again), or they were already warned about these same networks.
    private func mayQuit() -> Bool {
        let unsaved = session.unsavedNetworks
        guard !unsaved.isEmpty, unsaved != warnedAbout else { return true }
        warnedAbout = unsaved
        print(Session.unsavedWarning(unsaved) + ".")
        switch ask("Quit anyway?") {
        case .yes, .endOfInput: return true
        case .no: return false
        }
    }

    enum Answer { case yes, no, endOfInput }

    /// Asks a yes/no question on the prompt line: y or yes is yes; anything else, Enter and
    /// Ctrl-C are no. The answer is not kept in the history.
    func ask(_ question: String) -> Answer {
        switch reader.readLine(prompt: question + " [y/N] ") {
        case .line(let answer):
            let word = answer.trimmingCharacters(in: .whitespaces).lowercased()
            return word == "y" || word == "yes" ? .yes : .no
        case .interrupted: return .no
        case .endOfInput:
            print("")
            return .endOfInput
        }
    }

    static func banner() -> String {
        "nnsh \(NNSHVersion.string): a neural-network shell. Type help for commands, Ctrl-D to quit."
    }
}
