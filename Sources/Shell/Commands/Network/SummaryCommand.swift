/// `summary net`: layers, shapes and parameter counts.
struct SummaryCommand: Command {
    static let name = "summary"
    static let group = CommandGroup.network
    static let summary = "Show a network's layers, shapes, parameter counts, cost and training so far."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
    ]
    static let example = """
        net = network 784
        add net dense 10 softmax
        summary net
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        shell.print(try a.network("net").summary(named: argumentText(a, "net")))
        return .none
    }
}
