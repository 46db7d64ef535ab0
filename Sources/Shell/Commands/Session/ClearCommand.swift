/// `clear`: clears the terminal's screen, as in every shell. Variables are deleted by `forget`.
struct ClearCommand: Command {
    static let name = "clear"
    static let group = CommandGroup.session
    static let summary = "Clear the screen (variables stay; forget deletes them)."
    static let parameters: [Parameter] = [
        .variadic("names", .column, help: "none: to delete variables write forget x or forget all"),
    ]
    static let example = "clear"
    static let details = """
        Where output is not a terminal that can move its cursor (a file, a pipe, TERM=dumb) it does
        nothing. In a notebook it clears the output of its cell.
        """

    /// Cursor to the top left, then erase the whole screen.
    static let clearScreen = "\u{1b}[H\u{1b}[2J"

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        guard a.rest.isEmpty else {
            throw CommandError("clear clears the screen and takes no names; to delete variables write forget "
                               + a.rest.map(\.display).joined(separator: " "), parameter: "names")
        }
        if let clearOutput = shell.clearOutput {
            clearOutput()
        } else if shell.canRedrawLine {
            shell.output(clearScreen)
        }
        return .none
    }
}
