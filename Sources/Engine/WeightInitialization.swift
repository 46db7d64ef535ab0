/// How a new dense layer's weights (and biases) are drawn; n_in = inputs, n_out = outputs.
///
/// | case            | weights drawn from                     | biases            | default for            |
/// |-----------------|----------------------------------------|-------------------|------------------------|
/// | `he`            | N(0, 2 / n_in)          (He, Kaiming)  | 0                 | relu, leaky_relu       |
/// | `xavier`        | N(0, 2 / (n_in + n_out)) (Glorot)      | 0                 | every other activation |
/// | `pytorch`       | U(−1/√n_in, 1/√n_in)                   | U(−1/√n_in, 1/√n_in) | —                   |
/// | `normal(stddev)`| N(0, stddev²)                          | 0                 | —                      |
///
/// `pytorch` is PyTorch's `nn.Linear` default: `kaiming_uniform_(a=√5)` gives the bound
/// gain·√(3/n_in) with gain = √(2/(1 + a²)) = √(1/3), i.e. 1/√n_in, so the weights' variance is
/// 1/(3 n_in): a sixth of He's and, for a square layer, a third of Xavier's. Its biases are
/// drawn too, from the same interval. (Keras's `Dense` default is Glorot uniform, zero biases.)
///
/// Draws come from the caller's `RandomGenerator`, row by row of W (inputs × outputs), then the
/// biases (for `pytorch`), so a seed fixes the layer on every platform.
public enum WeightInitialization: Hashable, Sendable {
    case he
    case xavier
    case pytorch
    case normal(stddev: Double)

    public static func `default`(for activation: Activation) -> WeightInitialization {
        activation.isReLUFamily ? .he : .xavier
    }

    /// The names `init=` accepts, in order.
    public static let names = ["he", "xavier", "pytorch"]

    /// Parses "he" ("kaiming"), "xavier" ("glorot"), "pytorch" ("torch");
    /// `normal(stddev:)` has no name.
    public init(parsing name: String) throws(EngineError) {
        switch name.lowercased() {
        case "he", "kaiming": self = .he
        case "xavier", "glorot": self = .xavier
        case "pytorch", "torch": self = .pytorch
        default: throw EngineError(.invalidArgument, "unknown initialisation '\(name)' (expected he, xavier or pytorch)")
        }
    }

    /// The standard deviation of the weights of a layer with these fan-in and fan-out.
    public func standardDeviation(inputs: Int, outputs: Int) -> Double {
        switch self {
        case .he: (2 / Double(Swift.max(inputs, 1))).squareRoot()
        case .xavier: (2 / Double(Swift.max(inputs + outputs, 1))).squareRoot()
        case .pytorch: uniformBound(inputs: inputs) / Double(3).squareRoot()
        case .normal(let s): s
        }
    }

    /// `pytorch`'s bound 1/√inputs.
    private func uniformBound(inputs: Int) -> Double { 1 / Double(Swift.max(inputs, 1)).squareRoot() }

    /// Draws a layer's weights (`inputs × outputs`, row by row) and then its biases.
    public func draw<T: Scalar>(inputs: Int, outputs: Int, generator: inout RandomGenerator) -> (weights: Matrix<T>, bias: [T]) {
        var w = Matrix<T>(rows: inputs, columns: outputs)
        var b = [T](repeating: 0, count: outputs)
        switch self {
        case .pytorch:
            let bound = uniformBound(inputs: inputs)
            for i in 0..<w.count { w.storage[i] = T(bound * (2 * generator.nextUniform() - 1)) }
            for j in 0..<outputs { b[j] = T(bound * (2 * generator.nextUniform() - 1)) }
        case .he, .xavier, .normal:
            let std = standardDeviation(inputs: inputs, outputs: outputs)
            for i in 0..<w.count { w.storage[i] = T(std * generator.nextGaussian()) }
        }
        return (w, b)
    }
}
