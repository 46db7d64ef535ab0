/// The buffers one forward and backward pass over up to `capacity` examples needs, allocated
/// once and reused for every batch (the training loop allocates nothing after creating this).
///
/// Per layer s of the network's stack, the `LayerBuffers` the layer asked for
/// (`Layer.makeBuffers`): a dense layer of n outputs and k inputs gets its outputs y
/// (capacity × n), its δ = ∂L/∂z (capacity × n) and ∂W (k × n), ∂b (n); a dropout layer of
/// width k its mask m (capacity × k, 0 or 1/(1 − p), see `Dropout`) and the dropped inputs
/// a ⊙ m (capacity × k), and it works on its input's gradient in place. Plus `inputs`
/// (capacity × inputWidth) and `targets` (capacity × targetWidth).
///
/// `outputs`, `deltas`, `weightGradients` and `biasGradients` index the same buffers by dense
/// layer (`Network.layers`), as the tests and the failure report read them.
public final class Workspace<T: Scalar> {
    let capacity: Int
    let inputWidth: Int
    let targetWidth: Int
    /// The stack's shapes when made (`fits` compares them), and what each layer is.
    let shapes: [Shape]
    let summaries: [String]
    let kinds: [String]
    let inputs: Buffer<T>
    let targets: Buffer<T>
    /// Per layer of the stack.
    let layers: [LayerBuffers<T>]
    /// Where layer s's outputs are in the pass under way (set by its forward pass).
    var outputPointers: [UnsafeMutablePointer<T>]
    /// The gradient with respect to layer s's outputs: its own buffer, or (a layer that works
    /// in place) the one of the layer in front; nil in front of the first layer with parameters.
    let gradientPointers: [UnsafeMutablePointer<T>?]
    /// The first layer with parameters (the gradient is passed back as far as it).
    let firstParametric: Int
    /// The output layer: the last with parameters (a dense layer, see `Network.check`); the
    /// passes stop there (a trailing dropout layer is not run).
    let outputLayer: Int
    /// The optimiser's number of each layer's first parameter tensor.
    let firstTensors: [Int]
    /// Per layer: the layer behind it applies its `gradientEpilogue` as it writes the gradient
    /// (it `appliesFrontEpilogue` and passes the gradient back), so the gradient arrives finished.
    /// The one place this rule lives: the network's backward pass reads it too.
    let gradientFinished: [Bool]
    /// By dense layer (see above).
    let outputs: [Buffer<T>]
    let deltas: [Buffer<T>]
    let weightGradients: [Buffer<T>]
    let biasGradients: [Buffer<T>]
    /// Scratch for consecutive example indices (evaluation walks the data in order).
    var sequence: [Int]
    /// The first layer's batch and weights without the all-zero input columns, made on first
    /// use (`activeInputs(for:)`).
    private var active: ActiveInputs<T>?

    init(network: Network<T>, capacity: Int, targetWidth: Int) {
        self.capacity = capacity
        self.inputWidth = network.inputWidth
        self.targetWidth = targetWidth
        self.shapes = network.shapes
        self.summaries = network.stack.map(\.summary)
        inputs = Buffer(count: capacity * network.inputWidth)
        targets = Buffer(count: capacity * targetWidth)
        var layers: [LayerBuffers<T>] = []
        var gradients: [UnsafeMutablePointer<T>?] = []
        var firstTensors: [Int] = []
        var tensor = 0
        for (s, layer) in network.stack.enumerated() {
            let input = s == 0 ? network.inputShape : network.shapes[s - 1]
            let b = layer.makeBuffers(input: input, capacity: capacity)
            layers.append(b)
            gradients.append(b.gradient?.pointer ?? (s > 0 ? gradients[s - 1] : nil))
            firstTensors.append(tensor)
            tensor += layer.parameterTensorCount
        }
        self.layers = layers
        self.gradientPointers = gradients
        self.firstTensors = firstTensors
        self.firstParametric = network.stack.firstIndex { $0.parameterTensorCount > 0 } ?? network.stack.count
        self.outputLayer = network.stack.lastIndex { $0.parameterTensorCount > 0 } ?? -1
        let (first, last) = (firstParametric, outputLayer)
        gradientFinished = network.stack.indices.map { s in
            s < last && s + 1 > first && network.stack[s + 1].appliesFrontEpilogue
        }
        let start = inputs.pointer
        outputPointers = layers.map { $0.output?.pointer ?? start }
        let kinds = network.stack.map { type(of: $0).kind }
        let dense = kinds.indices.filter { kinds[$0] == DenseLayer<T>.kind }
        outputs = dense.map { layers[$0].output! }
        deltas = dense.map { layers[$0].gradient! }
        weightGradients = dense.map { layers[$0].parameterGradients[0] }
        biasGradients = dense.map { layers[$0].parameterGradients[1] }
        self.kinds = kinds
        sequence = Array(repeating: 0, count: capacity)
    }

    /// True when this workspace fits `network` for batches of up to `capacity` rows.
    func fits(_ network: Network<T>, capacity c: Int, targetWidth t: Int) -> Bool {
        c <= capacity && t == targetWidth && network.inputWidth == inputWidth
            && network.shapes == shapes && network.stack.map(\.summary) == summaries
    }

    /// The dropout masks by dense layer: the mask of the dropout layer in front of it, or nil
    /// (for tests).
    var dropoutMasks: [Buffer<T>?] {
        kinds.indices.filter { kinds[$0] == DenseLayer<T>.kind }.map {
            $0 > 0 && kinds[$0 - 1] == DropoutLayer<T>.kind ? layers[$0 - 1].scratch[0] : nil
        }
    }

    /// The first layer's `ActiveInputs` for `network` (which this workspace fits), or nil when
    /// its first layer does not suit them (not a dense layer taking the batch itself, or narrow).
    /// (Skipping zero inputs is an optimisation of the dense layer's products.)
    func activeInputs(for network: Network<T>) -> ActiveInputs<T>? {
        guard let first = network.stack.first as? DenseLayer<T>,
              ActiveInputs<T>.suits(inputs: first.inputs) else { return nil }
        if active == nil {
            active = ActiveInputs(width: first.inputs, outputs: first.outputs, capacity: capacity,
                                  weightGradient: weightGradients[0].pointer)
        }
        return active
    }

    /// Draws what each layer draws per training batch, for its first `rows` examples (the
    /// dropout layers' masks), in stack order.
    func drawDropoutMasks(rows: Int, generator: inout RandomGenerator) {
        for s in 0..<layers.count {
            if let draw = layers[s].drawPerBatch { draw(rows, &generator) }
        }
    }

    /// Sets every gradient buffer to zero (backward passes add to them), the first layer's
    /// rows held by `ActiveInputs` too, and what training passes left pending for an update.
    func zeroGradients() {
        for layer in layers {
            for b in layer.parameterGradients { b.zero() }
            for b in layer.pending { b.zero() }
        }
        active?.discardGradients()
    }

    /// Adds the first layer's gradient rows `ActiveInputs` holds into `weightGradients[0]`,
    /// before code other than the optimiser reads it.
    func releaseHeldGradients() {
        active?.releaseGradients()
    }

    /// Reads `indices` from `data` into `inputs` and `targets`; with `parallel`, each part reads
    /// its own run of rows (when the batch is big enough to pay for the hand-over).
    func fill(from data: any TrainingData, indices: UnsafeBufferPointer<Int>, parallel: ParallelJobs<T>? = nil) {
        if let parallel, parallel.width > 1, indices.count * inputWidth >= 1 << 14 {
            parallel.run(ParallelJobs<T>.Fill(data: data, indices: indices,
                                              inputs: inputs.pointer, targets: targets.pointer))
        } else {
            data.fillBatch(indices, inputs: inputs.pointer, targets: targets.pointer)
        }
    }

    /// Reads examples `start ..< start + rows` from `data`.
    func fill(from data: any TrainingData, start: Int, rows: Int) {
        for i in 0..<rows { sequence[i] = start + i }
        sequence.withUnsafeBufferPointer { all in
            fill(from: data, indices: UnsafeBufferPointer(rebasing: all[0..<rows]))
        }
    }
}
