/// `clear` forgets every variable and procedure; `clear x y` forgets some.
struct ClearCommand: Command {
    static let name = "clear"
    static let group = CommandGroup.session
    static let summary = "Forget all variables and procedures, or the ones named."
    static let parameters: [Parameter] = [
        .variadic("names", .column, help: "variables to forget (all when none is given)"),
    ]
    static let example = """
        x = 1
        clear x
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        if a.rest.isEmpty {
            shell.globals.removeAll()
            return .none
        }
        for case .string(let name) in a.rest {
            guard shell.globals.removeValue(forKey: name) != nil else {
                throw CommandError("no variable '\(name)'" + Suggest.didYouMean(name, among: Array(shell.globals.keys)))
            }
        }
        return .none
    }
}
