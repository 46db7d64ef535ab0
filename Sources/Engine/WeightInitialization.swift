/// How a new dense layer's weights are drawn (biases always start at zero).
///
/// | case            | weights drawn from                         | default for          |
/// |-----------------|--------------------------------------------|----------------------|
/// | `he`            | N(0, 2 / inputs)                           | relu, leaky_relu     |
/// | `xavier`        | N(0, 2 / (inputs + outputs))  (Glorot)     | every other activation |
/// | `normal(stddev)`| N(0, stddev²)                              | —                    |
///
/// Draws come from the caller's `RandomGenerator`, row by row of W (inputs × outputs), so a
/// seed fixes the weights on every platform.
public enum WeightInitialization: Hashable, Sendable {
    case he
    case xavier
    case normal(stddev: Double)

    public static func `default`(for activation: Activation) -> WeightInitialization {
        activation.isReLUFamily ? .he : .xavier
    }

    /// Parses "he", "xavier" ("glorot"); `normal(stddev:)` has no name.
    public init(parsing name: String) throws(EngineError) {
        switch name.lowercased() {
        case "he", "kaiming": self = .he
        case "xavier", "glorot": self = .xavier
        default: throw EngineError(.invalidArgument, "unknown initialisation '\(name)' (expected he or xavier)")
        }
    }

    /// The standard deviation of the weights of a layer with these fan-in and fan-out.
    public func standardDeviation(inputs: Int, outputs: Int) -> Double {
        switch self {
        case .he: (2 / Double(Swift.max(inputs, 1))).squareRoot()
        case .xavier: (2 / Double(Swift.max(inputs + outputs, 1))).squareRoot()
        case .normal(let s): s
        }
    }
}
