/// The buffers one forward and backward pass over up to `capacity` examples needs, allocated
/// once and reused for every batch (the training loop allocates nothing after creating this).
///
/// For a network with layers 0…L−1, per layer l (widths n_l = layers[l].outputs):
/// - `outputs[l]`: capacity × n_l, the layer's outputs y_l = f(y_{l−1}·W_l + b_l)
/// - `deltas[l]`: capacity × n_l, δ_l = ∂L/∂z_l
/// - `weightGradients[l]`: inputs × n_l, `biasGradients[l]`: n_l
/// plus `inputs` (capacity × inputWidth) and `targets` (capacity × targetWidth), and for each
/// layer with a dropout in front of it (`dropoutMasks[l] != nil`, widths k_l = layers[l].inputs):
/// - `dropoutMasks[l]`: capacity × k_l, the batch's mask m (0 or 1/(1 − p), see `Dropout`)
/// - `droppedInputs[l]`: capacity × k_l, the layer's input after dropout, a ⊙ m
final class Workspace<T: Scalar> {
    let capacity: Int
    let inputWidth: Int
    let targetWidth: Int
    let widths: [Int]
    let inputs: Buffer<T>
    let targets: Buffer<T>
    let outputs: [Buffer<T>]
    let deltas: [Buffer<T>]
    let weightGradients: [Buffer<T>]
    let biasGradients: [Buffer<T>]
    let dropoutRates: [Double]
    let dropoutMasks: [Buffer<T>?]
    let droppedInputs: [Buffer<T>?]
    /// Scratch for consecutive example indices (evaluation walks the data in order).
    var sequence: [Int]
    /// The first layer's batch and weights without the all-zero input columns, made on first
    /// use (`activeInputs(for:)`).
    private var active: ActiveInputs<T>?

    init(network: Network<T>, capacity: Int, targetWidth: Int) {
        self.capacity = capacity
        self.inputWidth = network.inputWidth
        self.targetWidth = targetWidth
        self.widths = network.layers.map(\.outputs)
        inputs = Buffer(count: capacity * network.inputWidth)
        targets = Buffer(count: capacity * targetWidth)
        outputs = network.layers.map { Buffer(count: capacity * $0.outputs) }
        deltas = network.layers.map { Buffer(count: capacity * $0.outputs) }
        weightGradients = network.layers.map { Buffer(count: $0.weights.count) }
        biasGradients = network.layers.map { Buffer(count: $0.outputs) }
        dropoutRates = network.layers.map(\.inputDropout)
        dropoutMasks = network.layers.map { $0.inputDropout > 0 ? Buffer(count: capacity * $0.inputs) : nil }
        droppedInputs = network.layers.map { $0.inputDropout > 0 ? Buffer(count: capacity * $0.inputs) : nil }
        sequence = Array(repeating: 0, count: capacity)
    }

    /// True when this workspace fits `network` for batches of up to `capacity` rows.
    func fits(_ network: Network<T>, capacity c: Int, targetWidth t: Int) -> Bool {
        c <= capacity && t == targetWidth && network.inputWidth == inputWidth
            && network.layers.map(\.outputs) == widths && network.layers.map(\.inputDropout) == dropoutRates
    }

    /// The first layer's `ActiveInputs` for `network` (which this workspace fits), or nil when
    /// its first layer does not suit them (narrow inputs, or dropout on its inputs).
    func activeInputs(for network: Network<T>) -> ActiveInputs<T>? {
        guard let first = network.layers.first, first.inputDropout == 0,
              ActiveInputs<T>.suits(inputs: first.inputs) else { return nil }
        if active == nil {
            active = ActiveInputs(width: first.inputs, outputs: first.outputs, capacity: capacity,
                                  weightGradient: weightGradients[0].pointer)
        }
        return active
    }

    /// Draws a new dropout mask for the first `rows` examples of every layer that has one.
    func drawDropoutMasks(rows: Int, generator: inout RandomGenerator) {
        for l in dropoutMasks.indices {
            guard let mask = dropoutMasks[l] else { continue }
            Dropout.drawMask(mask.pointer, count: rows * (mask.count / capacity), rate: dropoutRates[l],
                             generator: &generator)
        }
    }

    /// Sets every gradient buffer to zero (backward passes add to them), the first layer's
    /// rows held by `ActiveInputs` too.
    func zeroGradients() {
        for b in weightGradients { b.zero() }
        for b in biasGradients { b.zero() }
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
