/// What `Network.removeLast()` took off.
public enum RemovedLayer: Equatable, Sendable {
    /// A dropout layer of this rate.
    case dropout(Double)
    /// A dense layer: its inputs, outputs, activation and parameter count. A dropout in front
    /// of it stays, now at the end (as `pendingDropout`), as in Keras' `pop`.
    case dense(inputs: Int, outputs: Int, activation: Activation, parameters: Int)
    /// A layer of any other kind, as it was described in the network.
    case other(LayerDescription)
}

/// A feed-forward network of dense layers, with everything training leaves behind: the
/// per-epoch history and the optimiser's state (so a stopped run resumes where it was).
///
/// Shapes: one example is of shape `inputShape` (`Shape(784)` for flat features, `Shape([1, 28, 28])`
/// for an image, see `Shape`), stored row-major, so a batch is `rows × inputWidth` whatever the
/// shape; layer s maps examples of shape `shapes[s - 1]` to `shapes[s]`; the output is
/// `rows × outputWidth`.
///
///     var rng = RandomGenerator(seed: 1993)
///     let net = try Network<Float>(inputWidth: 784)                       // or inputShape: Shape([1, 28, 28])
///     try net.addDense(outputs: 300, activation: .relu, generator: &rng)
///     try net.addDense(outputs: 10, activation: .softmax, generator: &rng)   // cost: cross_entropy
///     let probabilities = try net.predict(batch)                            // rows × 10
///
/// A class, so the shell and the trainer share one network; `copy()` gives an independent one.
public final class Network<T: Scalar> {
    /// The shape of one example: flat (`Shape(784)`) or an image (`Shape([1, 28, 28])`, which
    /// convolutions read).
    public let inputShape: Shape
    /// Values per example (`inputShape.count`): the columns of a batch.
    public let inputWidth: Int
    /// Every layer, input side first, of whatever kind (dense, dropout), each asked for its
    /// shapes, parameters and passes through `Layer`. Changed through `add`, `addDense`,
    /// `addDropout` and `removeLast`, which check shapes (`shapes`).
    /// (Mutated in place by training's update step; `replaceStack` for anything that changes shapes.)
    var stack: [any Layer<T>]
    /// The shape of one example after each layer of `stack` (shape inference, kept in step).
    private var shapesAfter: [Shape]
    /// The dense layers, input side first, each with the rate of the dropout layer in front of
    /// it as its `inputDropout` (a view of `stack`; setting it rebuilds the stack, keeping a
    /// trailing dropout layer).
    public package(set) var layers: [DenseLayer<T>] {
        get {
            var dense: [DenseLayer<T>] = []
            var rate = 0.0
            for layer in stack {
                if let d = layer as? DropoutLayer<T> { rate = d.rate; continue }
                guard var d = layer as? DenseLayer<T> else { continue }
                d.inputDropout = rate
                dense.append(d)
                rate = 0
            }
            return dense
        }
        set {
            let trailing = pendingDropout
            var rebuilt: [any Layer<T>] = []
            for var d in newValue {
                if d.inputDropout > 0 { rebuilt.append(DropoutLayer<T>(uncheckedRate: d.inputDropout)) }
                d.inputDropout = 0
                rebuilt.append(d)
            }
            if trailing > 0 { rebuilt.append(DropoutLayer<T>(uncheckedRate: trailing)) }
            replaceStack(rebuilt)
        }
    }
    /// The cost set explicitly, or nil to use `Cost.default(for:)` of the output activation.
    /// Set it with `setCost`, which checks it fits the output layer.
    public private(set) var explicitCost: Cost?
    /// One record per epoch trained, across all `train` calls.
    public var history: TrainingHistory
    /// The optimiser's moments and step count after the last training run; nil before any
    /// training or after the layers changed. Training again with the same optimiser kind
    /// continues from it (moments and step count kept, new hyper-parameters such as a lower
    /// learning rate taken); another kind starts afresh.
    public var optimizerState: OptimizerState<T>?
    /// The rate of a dropout layer added after the last dense layer (0: none). A network
    /// ending in dropout cannot be trained.
    public var pendingDropout: Double { (stack.last as? DropoutLayer<T>)?.rate ?? 0 }
    /// A run stopped by its `shouldStop` check before its last epoch ended (nil otherwise):
    /// `Trainer(resuming:)` continues it. A new `train` run or a change of layers drops it.
    public var pausedRun: PausedRun<T>?

    /// An empty network for flat examples of `inputWidth` values.
    public convenience init(inputWidth: Int) throws(EngineError) {
        try self.init(inputShape: Shape(inputWidth))
    }

    /// An empty network for examples of shape `inputShape` (flat, or channels×height×width).
    public convenience init(inputShape: Shape) throws(EngineError) {
        guard !inputShape.dimensions.isEmpty, inputShape.dimensions.allSatisfy({ $0 > 0 }) else {
            throw EngineError(.shapeMismatch, inputShape.dimensions.count == 1
                                  ? "a network needs an input width of at least 1, got \(inputShape)"
                                  : "a network needs an input shape of sizes at least 1, got \(inputShape)")
        }
        self.init(checkedInputShape: inputShape)
    }

    fileprivate init(checkedInputShape inputShape: Shape) {
        self.inputShape = inputShape
        self.inputWidth = inputShape.count
        self.stack = []
        self.shapesAfter = []
        self.explicitCost = nil
        self.history = TrainingHistory()
        self.optimizerState = nil
        self.pausedRun = nil
    }

    /// A network from existing layers (model files); checks that the layers chain.
    public convenience init(inputWidth: Int, layers: [DenseLayer<T>], cost: Cost? = nil) throws(EngineError) {
        try self.init(inputShape: Shape(inputWidth))
        for layer in layers { try add(layer) }
        try setCost(cost)
    }

    /// Appends a dense layer; its inputs must equal the current output width. A layer with an
    /// `inputDropout` gets a dropout layer of that rate in front of it, unless the network
    /// already ends with one.
    public func add(_ layer: DenseLayer<T>) throws(EngineError) {
        let index = layers.count
        guard layer.inputs == outputWidth else {
            throw EngineError(.shapeMismatch,
                              "layer \(index + 1) takes \(counted(layer.inputs, "input")) but the network gives \(outputWidth)",
                              layer: index)
        }
        var layer = layer
        if layer.inputDropout > 0 {
            guard pendingDropout == 0 else {
                throw EngineError(.invalidArgument, "layer \(index + 1) already has a dropout layer in front of it",
                                  layer: index)
            }
            try append(DropoutLayer<T>(rate: layer.inputDropout))
            layer.inputDropout = 0
        }
        try append(layer)
    }

    /// Appends a layer of any kind after checking it takes the current output shape (its
    /// `outputShape(for:)`); drops the optimiser state and a paused run, as any change of layers.
    func append(_ layer: any Layer<T>) throws(EngineError) {
        shapesAfter.append(try layer.outputShape(for: outputShape))
        stack.append(layer)
        optimizerState = nil
        pausedRun = nil
    }

    /// Sets the stack and infers its shapes again (layers whose shapes were checked before).
    private func replaceStack(_ layers: [any Layer<T>]) {
        stack = layers
        var shape = inputShape
        shapesAfter = layers.map { layer in
            shape = (try? layer.outputShape(for: shape)) ?? shape
            return shape
        }
    }

    /// The shape of one example after each layer of the stack, input side first.
    public var shapes: [Shape] { shapesAfter }

    /// The shape of one example after the last layer (`inputShape` when there are none): what
    /// the next layer added takes.
    public var outputShape: Shape { shapesAfter.last ?? inputShape }

    /// Calls `body` on every parameter tensor in optimiser order, to change it in place.
    func withEachParameter(_ body: (UnsafeMutableBufferPointer<T>) -> Void) {
        for s in 0..<stack.count {
            for i in 0..<stack[s].parameterTensorCount { stack[s].withMutableParameter(i, body) }
        }
    }

    /// What each layer of the stack is, input side first: "300 relu", "dropout 0.5".
    public var layerSummaries: [String] { stack.map(\.summary) }

    /// Removes the last layer of the stack, of whatever kind (Keras' `pop`). The remaining
    /// layers keep their weights and the history stays; the optimiser state and a paused run
    /// are dropped, as for any change of layers, and an explicit cost that no longer fits the
    /// new output layer goes back to the default. Throws on a network with no layers.
    @discardableResult
    public func removeLast() throws(EngineError) -> RemovedLayer {
        guard let last = stack.last, let described = layerDescriptions.last else {
            throw EngineError(.empty, "the network has no layers to remove")
        }
        let removed: RemovedLayer = switch last {
        case let d as DropoutLayer<T>: .dropout(d.rate)
        case let d as DenseLayer<T>:
            .dense(inputs: d.inputs, outputs: d.outputs, activation: d.activation, parameters: d.parameterCount)
        default: .other(described)
        }
        stack.removeLast()
        shapesAfter.removeLast()
        optimizerState = nil
        pausedRun = nil
        if let cost = explicitCost, let out = outputActivation, cost.incompatibility(with: out) != nil {
            explicitCost = nil
        }
        return removed
    }

    /// Appends a dropout layer of rate p ∈ [0, 1) (see `Dropout`): it acts on the inputs of
    /// the next dense layer added, so it must be followed by one before training.
    public func addDropout(rate: Double) throws(EngineError) {
        if let why = Dropout.problem(rate: rate) { throw EngineError(.invalidArgument, why) }
        guard pendingDropout == 0 else {
            throw EngineError(.invalidArgument, "the network already ends with a dropout layer; add a dense layer first")
        }
        try append(DropoutLayer<T>(rate: rate))
    }

    /// Appends a 2-D convolution (see `ConvolutionLayer`) of `filters` k×k kernels, weights
    /// drawn with He's rule from `generator`. It reads the current output shape
    /// (`outputShape`) as its image, which must be channels×height×width: a network made for
    /// images (`init(inputShape:)`), or a convolution's output. A flat shape is refused.
    public func addConvolution(
        filters: Int, kernel: Int, stride: Int = 1, padding: Int = 0, activation: Activation,
        generator: inout RandomGenerator
    ) throws(EngineError) {
        let image = try currentImage(for: "a convolution")
        try append(ConvolutionLayer<T>(image: image, filters: filters, kernel: kernel, stride: stride,
                                       padding: padding, activation: activation, generator: &generator))
    }

    /// Appends a max-pooling layer (see `MaxPoolLayer`) of window×window pixels moved by
    /// `stride` (nil: the window). It reads the current output as an image, which must be
    /// channels×height×width (a convolution's output, say).
    public func addMaxPool(window: Int, stride: Int? = nil) throws(EngineError) {
        try append(MaxPoolLayer<T>(image: try currentImage(for: "max pooling"), window: window, stride: stride))
    }

    /// Appends a flatten layer (see `FlattenLayer`): the current image shape becomes a flat
    /// vector of as many values. (A dense layer added after an image flattens it by itself.)
    public func addFlatten() throws(EngineError) {
        _ = try currentImage(for: "flatten")
        try append(FlattenLayer<T>())
    }

    /// The current output shape (`outputShape`), when it is an image (channels×height×width);
    /// else throws, saying which layer gave a flat shape. `what`: "max pooling" ("max pooling
    /// needs …"). The one check of the layers that read images (conv, maxpool, flatten).
    private func currentImage(for what: String) throws(EngineError) -> Shape {
        let current = outputShape
        guard current.dimensions.count == 3 else {
            throw EngineError(.shapeMismatch, stack.isEmpty
                ? "\(what) needs images (channels×height×width), but the network's input is \(counted(current.count, "flat value")); make the network from an image dataset"
                : "\(what) needs images (channels×height×width), but layer \(stack.count) (\(type(of: stack[stack.count - 1]).kind)) gives \(counted(current.count, "flat value"))")
        }
        return current
    }

    /// Appends a dense layer of `outputs` units taking the current output width as inputs (an
    /// image's values too: it flattens by itself, as `DenseLayer.outputShape` takes any shape
    /// of as many values), weights drawn by `initialization` (default He for the ReLU family, Xavier otherwise)
    /// from `generator`, biases zero.
    public func addDense(
        outputs: Int, activation: Activation, initialization: WeightInitialization? = nil,
        generator: inout RandomGenerator
    ) throws(EngineError) {
        let layer = try DenseLayer<T>(inputs: outputWidth, outputs: outputs, activation: activation,
                                      initialization: initialization, generator: &generator)
        try add(layer)
    }

    /// Sets the cost (nil: the default for the output activation) after checking it pairs with
    /// the output layer.
    public func setCost(_ cost: Cost?) throws(EngineError) {
        if let cost, let out = layers.last, let why = cost.incompatibility(with: out.activation) {
            throw EngineError(.incompatibleCost, why, layer: layers.count - 1)
        }
        explicitCost = cost
    }

    /// The cost training minimises: the explicit one, or the default for the output activation.
    public var cost: Cost { explicitCost ?? Cost.default(for: outputActivation ?? .linear) }

    /// The activation of the last dense layer (the output layer, whose activation the cost
    /// pairs with), if there is one.
    public var outputActivation: Activation? {
        for layer in stack.reversed() { if let d = layer as? DenseLayer<T> { return d.activation } }
        return nil
    }

    /// Values per output row: the last layer's outputs (the input width when there are no layers).
    public var outputWidth: Int { outputShape.count }

    /// The parameters of all layers.
    public var parameterCount: Int { stack.reduce(0) { $0 + $1.parameterCount } }

    /// Element counts of the parameter tensors in optimiser order: each layer's tensors in
    /// stack order (for dense layers W₀, b₀, W₁, b₁, …).
    public var tensorSizes: [Int] { stack.flatMap(\.tensorSizes) }

    /// A fully independent copy (layers, cost, history, optimiser state).
    public func copy() -> Network<T> {
        let n = Network<T>(checkedInputShape: inputShape)
        n.replaceStack(stack)
        n.explicitCost = explicitCost
        n.history = history
        n.optimizerState = optimizerState
        n.pausedRun = pausedRun
        return n
    }

    /// The same network in another precision (history and optimiser state included; a paused
    /// run is not).
    public func converted<U: Scalar>(to: U.Type = U.self) -> Network<U> {
        let n = Network<U>(checkedInputShape: inputShape)
        n.replaceStack(stack.map { $0.convertedLayer(to: U.self) })
        n.explicitCost = explicitCost
        n.history = history
        n.optimizerState = optimizerState?.converted(to: U.self)
        return n
    }

    /// Checks there is something to run and that data of these widths fits.
    func check(inputWidth w: Int, targetWidth: Int?, what: String) throws(EngineError) {
        guard outputActivation != nil else { throw EngineError(.empty, "the network has no layers yet") }
        guard stack.last(where: { $0.parameterTensorCount > 0 }) is DenseLayer<T> else {
            throw EngineError(.invalidArgument, "the network must end with a dense layer")
        }
        guard w == inputWidth else {
            throw EngineError(.shapeMismatch, "\(what) has \(counted(w, "feature")) per example but the network takes \(inputWidth)")
        }
        if let targetWidth, targetWidth != outputWidth {
            throw EngineError(.shapeMismatch,
                              targetWidth == 0 ? "\(what) has no targets"
                                  : "\(what) has \(counted(targetWidth, "target value")) per example but the network gives \(outputWidth)")
        }
    }
}

/// "1 feature", "3 features": a count with its noun in the right number (for messages).
public func counted(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

extension Network: CustomStringConvertible {
    /// "Network<float32>(784 → 300 relu → 10 softmax, 238510 parameters, cross_entropy)";
    /// dropout layers show as "dropout 0.5".
    public var description: String {
        let chain = ([inputShape.description] + layerSummaries).joined(separator: " → ")
        return "Network<\(T.precisionName)>(\(chain), \(parameterCount) parameters, \(cost))"
    }
}
