/// `quit` / `exit`: end the session (the REPL or the script) with an exit code.
struct QuitCommand: Command {
    static let name = "quit"
    static let group = CommandGroup.session
    static let summary = "End the session (Ctrl-D does too); an optional exit code."
    static let parameters: [Parameter] = [
        .positional("code", .integer(0...255), default: .number(0), help: "the process exit code"),
    ]
    static let example = "quit"

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        shell.quitCode = Int32(try a.int("code"))
        return .none
    }
}

struct ExitCommand: Command {
    static let name = "exit"
    static let group = CommandGroup.session
    static let summary = "The same as quit."
    static let parameters = QuitCommand.parameters
    static let example = "exit 1"

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        try QuitCommand.run(a, shell)
    }
}
