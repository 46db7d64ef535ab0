import Data
import Engine

/// `net = network 784`: an empty network with 784 inputs; `net = network data`: one for the
/// examples of a dataset (images: 1×28×28).
struct NetworkCommand: Command {
    static let name = "network"
    static let group = CommandGroup.network
    static let summary = "A new network with the given input width, or for a dataset's examples; add layers with add."
    static let parameters: [Parameter] = [
        .positional("inputs", .oneOf([.integer(1...100_000_000), CommonParameters.dataset, .splitRecord]),
                    help: "features per example (784 for MNIST, 1 for Runge), or a dataset (or a record with .train) "
                        + "whose examples it takes: images as channels×height×width (MNIST: 1×28×28), others flat"),
        .option("precision", .cases(Precision.self),
                help: "\(alternatives(Precision.allCases.map(\.rawValue))) (default: set precision, \(Interpreter.defaultPrecision.rawValue) at start)"),
    ]
    static let example = """
        net = network 784
        add net dense 300 relu
        add net dense 10 softmax
        """
    static let details = """
        Made from a dataset, a network takes the shape of its examples: an image dataset (mnist,
        image folders) gives channels×height×width, which convolutions need; any other gives a
        flat vector of its features. `network data` and `network data.train` are the same.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let precision = try a.optionalChoice("precision", as: Precision.self) ?? shell.precision
        let shape: Shape
        var written = ""
        switch try a.value("inputs") {
        case .object(let d as DatasetObject):
            shape = d.dataset.exampleShape
            written = argumentSource(a, "inputs")
        case .record(let r):
            guard case .object(let d as DatasetObject)? = r["train"] else {
                throw CommandError("inputs: a record needs a .train dataset", parameter: "inputs")
            }
            shape = d.dataset.exampleShape
            written = argumentSource(a, "inputs")
        default:
            shape = Shape(try a.int("inputs"))
        }
        do {
            let net = NetworkObject(try AnyNetwork(inputShape: shape, precision: precision))
            let from = written.isEmpty ? "\(shape)" : "\(written) (\(shape))"
            net.log.append("network \(from) precision=\(precision.rawValue)")
            return .object(net)
        } catch {
            throw CommandError(error, parameter: "inputs")
        }
    }
}
