/// A fully connected layer: `out[batch, outputs] = f(x[batch, inputs] · W[inputs, outputs] + b[outputs])`.
///
/// W is stored `inputs × outputs`, row-major, so a batch's forward pass is one GEMM without a
/// transpose, and the backward pass's products are `∂W = xᵀ · δ` and `∂x = δ · Wᵀ` (BLAS
/// transposes by flag, nothing is copied).
public struct DenseLayer<T: Scalar>: Equatable, Sendable {
    /// `inputs × outputs`.
    public var weights: Matrix<T>
    /// `outputs` values, added to every row.
    public var bias: [T]
    public var activation: Activation
    /// The rate p of the dropout layer in front of this one (0: none), in `Network.layers`
    /// (the view of a network's dense layers) and when adding a layer (`Network.add` puts a
    /// `DropoutLayer` of this rate in front of it). In the network's stack it is always 0: the
    /// dropout is a layer of its own there. See `Dropout`.
    public var inputDropout: Double

    /// A layer from existing parameters (model files); `bias.count` must equal `weights.columns`.
    public init(weights: Matrix<T>, bias: [T], activation: Activation, inputDropout: Double = 0) throws(EngineError) {
        guard weights.rows > 0, weights.columns > 0 else {
            throw EngineError(.shapeMismatch, "a dense layer needs at least one input and one output, got \(weights.rows)×\(weights.columns)")
        }
        guard bias.count == weights.columns else {
            throw EngineError(.shapeMismatch, "a \(weights.rows)×\(weights.columns) layer needs \(weights.columns) biases, got \(bias.count)")
        }
        if let why = Dropout.problem(rate: inputDropout) { throw EngineError(.invalidArgument, why) }
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.inputDropout = inputDropout
    }

    /// A new layer with weights drawn by `initialization` (default: He for the ReLU family,
    /// Xavier otherwise) and zero biases (drawn too for `pytorch`).
    public init(
        inputs: Int, outputs: Int, activation: Activation,
        initialization: WeightInitialization? = nil, generator: inout RandomGenerator
    ) throws(EngineError) {
        guard inputs > 0, outputs > 0 else {
            throw EngineError(.shapeMismatch, "a dense layer needs at least one input and one output, got \(inputs)→\(outputs)")
        }
        try MemoryLimit.check(count: inputs, times: outputs, bytesEach: MemoryLayout<T>.size,
                              for: "a \(inputs)×\(outputs) \(T.precisionName) weight matrix")
        let drawn: (weights: Matrix<T>, bias: [T]) = (initialization ?? .default(for: activation))
            .draw(inputs: inputs, outputs: outputs, generator: &generator)
        self.weights = drawn.weights
        self.bias = drawn.bias
        self.activation = activation
        self.inputDropout = 0
    }

    public var inputs: Int { weights.rows }
    public var outputs: Int { weights.columns }
    /// inputs · outputs + outputs.
    public var parameterCount: Int { weights.count + bias.count }

    /// The reference forward pass for a batch `x` (rows × inputs): f(x·W + b), allocating.
    /// This is inference: the dropout in front of the layer is the identity.
    public func forward(_ x: Matrix<T>) -> Matrix<T> {
        var z = x.multiplied(by: weights)
        for r in 0..<z.rows { for c in 0..<z.columns { z[r, c] += bias[c] } }
        if activation == .softmax {
            for r in 0..<z.rows {
                let y = Activation.softmax(z.row(r))
                for c in 0..<z.columns { z[r, c] = y[c] }
            }
        } else {
            for i in 0..<z.count { z.storage[i] = activation.value(z.storage[i]) }
        }
        return z
    }

    /// The same layer in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> DenseLayer<U> {
        // Shapes are unchanged, so the checks cannot fail.
        DenseLayer<U>(unchecked: weights.converted(), bias: bias.map { U($0) }, activation: activation,
                      inputDropout: inputDropout)
    }

    init(unchecked weights: Matrix<T>, bias: [T], activation: Activation, inputDropout: Double) {
        self.weights = weights
        self.bias = bias
        self.activation = activation
        self.inputDropout = inputDropout
    }
}
