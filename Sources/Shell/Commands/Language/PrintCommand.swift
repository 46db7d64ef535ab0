/// `print a b c`: the values' text separated by spaces.
struct PrintCommand: Command {
    static let name = "print"
    static let group = CommandGroup.language
    static let summary = "Print values separated by spaces (strings without quotes)."
    static let parameters: [Parameter] = [
        .variadic("values", .any, help: "what to print; \"{x:.3f}\" in a string formats a value"),
        .option("sep", .string, default: .string(" "), help: "text between values"),
    ]
    static let example = """
        acc = 0.98254
        print "accuracy" acc
        print "accuracy {acc:.1%}, error {1 - acc:.4f}"
        """
    static let details = """
        Inside a string, {expression} inserts a value and {expression:format} formats it:
          :.3f  3 decimals   :8.2f  width 8   :.1%  percent   :.2e  exponent   :d  integer
          :<10  pad to 10 on the right   :>10  pad on the left   (write \\{ for a brace)
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let sep = try a.string("sep")
        shell.print(a.rest.map(\.display).joined(separator: sep))
        return .none
    }
}
