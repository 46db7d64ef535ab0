import Engine

/// `net = network 784`: an empty network with 784 inputs.
struct NetworkCommand: Command {
    static let name = "network"
    static let group = CommandGroup.network
    static let summary = "A new network with the given input width; add layers with add."
    static let parameters: [Parameter] = [
        .positional("inputs", .integer(1...100_000_000), help: "features per example (784 for MNIST, 1 for Runge)"),
        .option("precision", .cases(Precision.self),
                help: "\(alternatives(Precision.allCases.map(\.rawValue))) (default: set precision, \(Interpreter.defaultPrecision.rawValue) at start)"),
    ]
    static let example = """
        net = network 784
        add net dense 300 relu
        add net dense 10 softmax
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let precision = try a.optionalChoice("precision", as: Precision.self) ?? shell.precision
        do {
            let net = NetworkObject(try AnyNetwork(inputWidth: try a.int("inputs"), precision: precision))
            net.log.append("network \(net.network.inputWidth) precision=\(precision.rawValue)")
            return .object(net)
        } catch {
            throw CommandError(error, parameter: "inputs")
        }
    }
}
