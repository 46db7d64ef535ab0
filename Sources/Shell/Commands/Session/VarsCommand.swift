/// `vars`: the session's variables and procedures with a short description each.
struct VarsCommand: Command {
    static let name = "vars"
    static let group = CommandGroup.session
    static let summary = "List the variables and procedures of this session."
    static let parameters: [Parameter] = []
    static let example = """
        lr = 0.01
        vars
        """

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
            shell.print(name.padding(toLength: width, withPad: " ", startingAt: 0) + text)
        }
        return .none
    }
}
