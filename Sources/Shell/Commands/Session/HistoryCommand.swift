/// `history`: the entries typed at the prompt this session, numbered.
struct HistoryCommand: Command {
    static let name = "history"
    static let group = CommandGroup.session
    static let summary = "List what was typed at the prompt this session (save transcript \"f.nnsh\" keeps it as a script)."
    static let parameters: [Parameter] = []
    static let example = "history"
    static let details = "Entries that failed are marked with !; save transcript leaves them out."

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        guard !shell.transcript.isEmpty else {
            shell.print("(nothing typed at the prompt yet)")
            return .none
        }
        let width = String(shell.transcript.count).count
        for (i, entry) in shell.transcript.enumerated() {
            let number = padLeft(String(i + 1), width) + (entry.ran ? "   " : " ! ")
            let indent = String(repeating: " ", count: width + 3)
            let lines = entry.source.split(separator: "\n", omittingEmptySubsequences: false)
            shell.print(([number + lines[0]] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n"))
        }
        return .none
    }
}
