import Engine

/// `vars`: the session's variables and procedures with a short description each, and the
/// memory those holding 1 MB or more take (what the memory budget charges, `MemoryLimit`).
struct VarsCommand: Command {
    static let name = "vars"
    static let group = CommandGroup.session
    static let summary = "List the variables and procedures of this session, and the memory they hold."
    static let parameters: [Parameter] = []
    static let example = """
        lr = 0.01
        vars
        """

    /// Sizes below this are not shown.
    static let shownBytes = 1 << 20

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let names = shell.globals.keys.sorted()
        guard !names.isEmpty else {
            shell.print("(no variables)")
            return .none
        }
        let width = (names.map(\.count).max() ?? 0) + 2
        for name in names {
            guard let v = shell.globals[name] else { continue }
            var text = v.literal
            if text.count > 70 { text = String(text.prefix(67)) + "..." }
            var tally = MemoryTally()
            tally.add(v)
            if tally.bytes >= VarsCommand.shownBytes { text += "  (\(MemoryLimit.describe(tally.bytes)))" }
            shell.print(name.padding(toLength: width, withPad: " ", startingAt: 0) + text)
        }
        let inUse = shell.bytesInUse
        if inUse >= VarsCommand.shownBytes {
            shell.print("\(MemoryLimit.describe(inUse)) of the memory limit of \(MemoryLimit.describe(MemoryLimit.bytes)) in use")
        }
        return .none
    }
}
