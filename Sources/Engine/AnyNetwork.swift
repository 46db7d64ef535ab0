/// One layer as the shell shows it: "dense 784→300 relu, 235500 parameters".
public struct LayerSummary: Hashable, Sendable {
    /// 0-based.
    public var index: Int
    public var inputs: Int
    public var outputs: Int
    public var activation: Activation
    public var parameterCount: Int
    /// The rate of the dropout layer in front of this one (0: none).
    public var inputDropout: Double = 0
}

/// A network of either precision, so the shell can hold, train and convert one without
/// knowing its scalar type and without touching weights itself. Both cases wrap the same
/// reference-typed `Network`, so mutating calls act on the wrapped network.
///
///     var rng = RandomGenerator(seed: 1)
///     let net = try AnyNetwork(inputWidth: 784)                  // float32
///     try net.addDense(outputs: 10, activation: .softmax, generator: &rng)
///     let result = try net.train(on: data, options: TrainingOptions(epochs: 1), generator: &rng)
///     let fast = net.converted(to: .float64)
public enum AnyNetwork {
    case float(Network<Float>)
    case double(Network<Double>)

    /// An empty network for flat examples of `inputWidth` values.
    public init(inputWidth: Int, precision: Precision = .float32) throws(EngineError) {
        try self.init(inputShape: Shape(inputWidth), precision: precision)
    }

    /// An empty network for examples of shape `inputShape` (see `Network.init(inputShape:)`).
    public init(inputShape: Shape, precision: Precision = .float32) throws(EngineError) {
        switch precision {
        case .float32: self = .float(try Network<Float>(inputShape: inputShape))
        case .float64: self = .double(try Network<Double>(inputShape: inputShape))
        }
    }

    public var precision: Precision {
        switch self {
        case .float: .float32
        case .double: .float64
        }
    }

    // MARK: - Summary

    public var inputWidth: Int {
        switch self { case .float(let n): n.inputWidth; case .double(let n): n.inputWidth }
    }
    /// The shape of one example (see `Network.inputShape`).
    public var inputShape: Shape {
        switch self { case .float(let n): n.inputShape; case .double(let n): n.inputShape }
    }
    /// The shape of one example after the last layer (see `Network.outputShape`).
    public var outputShape: Shape {
        switch self { case .float(let n): n.outputShape; case .double(let n): n.outputShape }
    }
    public var outputWidth: Int {
        switch self { case .float(let n): n.outputWidth; case .double(let n): n.outputWidth }
    }
    public var parameterCount: Int {
        switch self { case .float(let n): n.parameterCount; case .double(let n): n.parameterCount }
    }
    /// Every layer, of whatever kind, input side first (see `LayerDescription`).
    public var layerDescriptions: [LayerDescription] {
        switch self { case .float(let n): n.layerDescriptions; case .double(let n): n.layerDescriptions }
    }
    /// The activation of the output (last dense) layer, nil when there is none.
    public var outputActivation: Activation? {
        switch self { case .float(let n): n.outputActivation; case .double(let n): n.outputActivation }
    }
    /// The dense layers only (with the rate of a dropout in front of each): for what only
    /// dense layers have (`net.layers[i].weights`, heatmaps). Anything about every layer reads
    /// `layerDescriptions`.
    public var layers: [LayerSummary] {
        func summaries<T>(_ n: Network<T>) -> [LayerSummary] {
            n.layers.enumerated().map {
                LayerSummary(index: $0.offset, inputs: $0.element.inputs, outputs: $0.element.outputs,
                             activation: $0.element.activation, parameterCount: $0.element.parameterCount,
                             inputDropout: $0.element.inputDropout)
            }
        }
        switch self { case .float(let n): return summaries(n); case .double(let n): return summaries(n) }
    }
    /// Layer `index`'s weights, `inputs × outputs`, in Double (a copy). `index` < `layers.count`.
    public func weights(layer index: Int) -> Matrix<Double> {
        switch self {
        case .float(let n): n.layers[index].weights.converted(to: Double.self)
        case .double(let n): n.layers[index].weights
        }
    }
    /// Layer `index`'s biases as a `1 × outputs` matrix, in Double. `index` < `layers.count`.
    public func biases(layer index: Int) -> Matrix<Double> {
        func row<T: Scalar>(_ b: [T]) -> Matrix<Double> { Matrix(rows: 1, columns: b.count, storage: b.map { Double($0) }) }
        switch self {
        case .float(let n): return row(n.layers[index].bias)
        case .double(let n): return row(n.layers[index].bias)
        }
    }
    /// The cost in use (explicit, or the output activation's default).
    public var cost: Cost {
        switch self { case .float(let n): n.cost; case .double(let n): n.cost }
    }
    /// True when no cost was set and the default is in use.
    public var costIsDefault: Bool {
        switch self { case .float(let n): n.explicitCost == nil; case .double(let n): n.explicitCost == nil }
    }
    public var history: TrainingHistory {
        switch self { case .float(let n): n.history; case .double(let n): n.history }
    }
    /// The optimiser settings and step count of the saved optimiser state, if any.
    public var optimizerSummary: (settings: OptimizerSettings, step: Int)? {
        switch self {
        case .float(let n): n.optimizerState.map { ($0.settings, $0.step) }
        case .double(let n): n.optimizerState.map { ($0.settings, $0.step) }
        }
    }

    // MARK: - Building

    public func addDense(
        outputs: Int, activation: Activation, initialization: WeightInitialization? = nil,
        generator: inout RandomGenerator
    ) throws(EngineError) {
        switch self {
        case .float(let n): try n.addDense(outputs: outputs, activation: activation, initialization: initialization, generator: &generator)
        case .double(let n): try n.addDense(outputs: outputs, activation: activation, initialization: initialization, generator: &generator)
        }
    }

    /// Appends a dropout layer of rate p ∈ [0, 1) in front of the next dense layer (see `Dropout`).
    public func addDropout(rate: Double) throws(EngineError) {
        switch self { case .float(let n): try n.addDropout(rate: rate); case .double(let n): try n.addDropout(rate: rate) }
    }

    /// Appends a 2-D convolution (see `Network.addConvolution`).
    public func addConvolution(filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, activation: Activation,
                               generator: inout RandomGenerator) throws(EngineError) {
        switch self {
        case .float(let n): try n.addConvolution(filters: filters, kernel: kernel, stride: stride, padding: padding,
                                                 activation: activation, generator: &generator)
        case .double(let n): try n.addConvolution(filters: filters, kernel: kernel, stride: stride, padding: padding,
                                                  activation: activation, generator: &generator)
        }
    }

    /// Appends a max-pooling layer (see `Network.addMaxPool`).
    public func addMaxPool(window: Int, stride: Int? = nil) throws(EngineError) {
        switch self {
        case .float(let n): try n.addMaxPool(window: window, stride: stride)
        case .double(let n): try n.addMaxPool(window: window, stride: stride)
        }
    }

    /// Appends a flatten layer (see `Network.addFlatten`).
    public func addFlatten() throws(EngineError) {
        switch self { case .float(let n): try n.addFlatten(); case .double(let n): try n.addFlatten() }
    }

    /// The rate of a dropout layer not yet followed by a dense layer (0: none).
    public var pendingDropout: Double {
        switch self { case .float(let n): n.pendingDropout; case .double(let n): n.pendingDropout }
    }

    /// Removes the last layer (see `Network.removeLast`).
    @discardableResult
    public func removeLast() throws(EngineError) -> RemovedLayer {
        switch self { case .float(let n): try n.removeLast(); case .double(let n): try n.removeLast() }
    }

    /// Sets the cost (nil: the output activation's default); checked against the output layer.
    public func setCost(_ cost: Cost?) throws(EngineError) {
        switch self { case .float(let n): try n.setCost(cost); case .double(let n): try n.setCost(cost) }
    }

    // MARK: - Training and evaluation

    /// Trains the network (see `Trainer`).
    @discardableResult
    public func train(
        on data: any TrainingData, validation: (any TrainingData)? = nil, options: TrainingOptions,
        generator: inout RandomGenerator, shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }, epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        switch self {
        case .float(let n):
            return try n.train(on: data, validation: validation, options: options, generator: &generator,
                               shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
        case .double(let n):
            return try n.train(on: data, validation: validation, options: options, generator: &generator,
                               shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
        }
    }

    /// Goes on with the paused run exactly where it stopped (see `Trainer.resume`); the run's
    /// generator comes back in the result.
    @discardableResult
    public func resume(
        on data: any TrainingData, validation: (any TrainingData)? = nil, shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }, epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        switch self {
        case .float(let n):
            try n.resume(on: data, validation: validation, shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
        case .double(let n):
            try n.resume(on: data, validation: validation, shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
        }
    }

    /// The options of the paused run (`Network.pausedRun`), nil when there is none.
    public var pausedOptions: TrainingOptions? {
        switch self { case .float(let n): n.pausedRun?.options; case .double(let n): n.pausedRun?.options }
    }

    /// Per layer: dead and saturated units, weight and gradient sizes (see `Network.health`).
    public func health(on data: (any TrainingData)? = nil) throws(EngineError) -> [LayerHealth] {
        switch self { case .float(let n): try n.health(on: data); case .double(let n): try n.health(on: data) }
    }

    public func evaluate(on data: any TrainingData, batchSize: Int = 256, top: Int? = nil,
                         shouldStop: () -> Bool = { false }) throws(EngineError) -> Evaluation {
        switch self {
        case .float(let n): try n.evaluate(on: data, batchSize: batchSize, top: top, shouldStop: shouldStop)
        case .double(let n): try n.evaluate(on: data, batchSize: batchSize, top: top, shouldStop: shouldStop)
        }
    }

    /// Outputs for a batch given in Double (rows × inputWidth), returned in Double.
    public func predict(_ x: Matrix<Double>, shouldStop: () -> Bool = { false }) throws(EngineError) -> Matrix<Double> {
        switch self {
        case .float(let n): try n.predict(x.converted(to: Float.self), shouldStop: shouldStop).converted(to: Double.self)
        case .double(let n): try n.predict(x, shouldStop: shouldStop)
        }
    }

    /// Outputs for every example of `data`, in Double.
    public func predict(_ data: any TrainingData, shouldStop: () -> Bool = { false }) throws(EngineError) -> Matrix<Double> {
        switch self {
        case .float(let n): try n.predict(data, shouldStop: shouldStop).converted(to: Double.self)
        case .double(let n): try n.predict(data, shouldStop: shouldStop)
        }
    }

    public func gradientCheck(
        on data: any TrainingData, regularization: Regularization = .none, epsilon: Double = 1e-5,
        maxPerTensor: Int? = nil, generator: inout RandomGenerator,
        shouldStop: () -> Bool = { false }, progress: (GradientCheckProgress) -> Void = { _ in }
    ) throws(EngineError) -> GradientCheckReport {
        switch self {
        case .float(let n):
            try n.gradientCheck(on: data, regularization: regularization, epsilon: epsilon,
                                maxPerTensor: maxPerTensor, generator: &generator,
                                shouldStop: shouldStop, progress: progress)
        case .double(let n):
            try n.gradientCheck(on: data, regularization: regularization, epsilon: epsilon,
                                maxPerTensor: maxPerTensor, generator: &generator,
                                shouldStop: shouldStop, progress: progress)
        }
    }

    // MARK: - Copies

    /// A network of the requested precision (a copy, even when the precision is unchanged).
    public func converted(to precision: Precision) -> AnyNetwork {
        switch (self, precision) {
        case (.float(let n), .float32): .float(n.copy())
        case (.float(let n), .float64): .double(n.converted(to: Double.self))
        case (.double(let n), .float32): .float(n.converted(to: Float.self))
        case (.double(let n), .float64): .double(n.copy())
        }
    }

    /// An independent copy.
    public func copy() -> AnyNetwork { converted(to: precision) }

    /// "Network<float32>(784 → 300 relu → 10 softmax, 238510 parameters, cross_entropy)".
    public var description: String {
        switch self { case .float(let n): n.description; case .double(let n): n.description }
    }
}
