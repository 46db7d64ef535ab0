/// Batch normalisation (Ioffe & Szegedy 2015) with PyTorch's conventions (`nn.BatchNorm1d`,
/// `nn.BatchNorm2d`): normalising each channel of a layer's input over the batch
/// (`BatchNormLayer`, the layer in a network's stack; this enum holds its defaults and rules).
///
/// Channels: after an image shape [C, H, W] there are C channels, each normalised over the
/// batch and its H·W positions (as BatchNorm2d); after a flat shape [n] each of the n features
/// is its own channel, normalised over the batch (BatchNorm1d). With N = rows·positions
/// values per channel c and x̂ the normalised input:
///
///     training   μ_c = Σ x / N,   σ²_c = Σ (x − μ_c)² / N             (the batch's, biased)
///                x̂ = (x − μ_c) / √(σ²_c + ε),   y = γ_c·x̂ + β_c
///                running_mean = (1 − m)·running_mean + m·μ_c
///                running_var  = (1 − m)·running_var  + m·σ²_c·N/(N − 1)  (unbiased), batches += 1
///     evaluation x̂ = (x − running_mean_c) / √(running_var_c + ε),   y = γ_c·x̂ + β_c
///     backward   ∂γ_c = Σ ∂y·x̂,   ∂β_c = Σ ∂y
///                training:   ∂x = γ_c / (N·√(σ²_c + ε)) · (N·∂y − Σ ∂y − x̂·Σ ∂y·x̂)
///                            (the exact gradient: μ and σ² depend on every x of the batch)
///                evaluation: ∂x = γ_c / √(running_var_c + ε) · ∂y
///
/// (sums over the N values of the channel). Defaults as PyTorch: m = 0.1, ε = 1e-5, γ = 1,
/// β = 0, running mean 0 and variance 1. Training mode is the trainer's batches; evaluation,
/// validation, `predict` and `classify` use the running statistics.
///
/// Penalties: γ and β take none (`parameterKinds` [.scale, .bias]), as Keras by default and
/// the usual practice ("no weight decay on γ, β", He et al. 2019, Bag of Tricks): an L2 on γ
/// pulls the scale of a normalised layer towards 0, not its weights towards simplicity.
/// (PyTorch's `weight_decay` applies to every tensor given to the optimiser.)
///
/// State (`stateShapes`, kept by model files and snapshots): the running mean [C], the running
/// variance [C] and the batches seen [1] (PyTorch's `num_batches_tracked`, informational;
/// held in the layer's precision: exact up to 2²⁴ batches in float32).
///
/// A training batch must have more than one value per channel (σ² of one value is 0 and the
/// unbiased estimate is undefined): after a flat shape every training batch needs at least 2
/// examples (`minimumTrainingRows`); the trainer refuses a run whose batches (the last one of
/// an epoch included) would have fewer. PyTorch refuses the same batch when it meets it.
public enum BatchNorm {
    /// m: the weight of each batch's statistics in the running ones.
    public static let defaultMomentum = 0.1
    /// ε, added to the variance before its square root.
    public static let defaultEpsilon = 1e-5

    /// Why these settings cannot make a batch-normalisation layer (m ∈ [0, 1], ε > 0), or nil.
    public static func problem(momentum: Double, epsilon: Double) -> String? {
        if !(momentum >= 0 && momentum <= 1) { return "a batch-normalisation momentum must lie in [0, 1], got \(momentum)" }
        if !(epsilon > 0 && epsilon.isFinite) { return "a batch-normalisation epsilon must be a finite number > 0, got \(epsilon)" }
        return nil
    }
}

/// The batch-normalisation layer in a network's stack (see `BatchNorm` for the maths): the same
/// shape out as in, γ and β per channel, and the running statistics as its state.
///
/// Its buffers: its outputs and their gradient, ∂γ and ∂β, x̂ and the pass's statistics
/// (`makeBuffers`); what its training passes add to the running statistics waits in
/// `LayerBuffers.pending` for the optimiser step (`update`), which is when the layer may change.
package struct BatchNormLayer<T: Scalar>: Layer, Equatable {
    package typealias Element = T

    /// The shape it takes and gives.
    package let shape: Shape
    /// C: the first dimension of an image shape, every feature of a flat one.
    package let channels: Int
    /// Values per channel per example (H·W; 1 after a flat shape). (Both kept, not computed:
    /// `Shape.count` allocates in the unoptimised build, and the passes ask per batch.)
    package let positions: Int
    /// m ∈ [0, 1] and ε > 0.
    package let momentum: Double
    package let epsilon: Double
    /// γ and β, one per channel.
    package var scale: [T]
    package var shift: [T]
    /// Its state: the running statistics, one per channel, and the batches seen ([1]).
    package var runningMean: [T]
    package var runningVariance: [T]
    package var batchesSeen: [T]

    /// A layer for examples of shape `shape`, γ = 1, β = 0, running mean 0 and variance 1.
    package init(shape: Shape, momentum: Double = BatchNorm.defaultMomentum,
                 epsilon: Double = BatchNorm.defaultEpsilon) throws(EngineError) {
        if let why = BatchNorm.problem(momentum: momentum, epsilon: epsilon) { throw EngineError(.invalidArgument, why) }
        guard !shape.dimensions.isEmpty, shape.dimensions.allSatisfy({ $0 >= 1 }) else {
            throw EngineError(.shapeMismatch, "batch normalisation cannot take a shape of \(shape)")
        }
        self.shape = shape
        channels = shape.dimensions.count == 1 ? shape.count : shape.dimensions[0]
        positions = shape.count / channels
        self.momentum = momentum
        self.epsilon = epsilon
        (scale, shift, runningMean, runningVariance, batchesSeen) = ([], [], [], [], [])
        reset()
    }

    /// The same settings with these tensors (converting a layer checked before).
    package init(unchecked other: BatchNormLayer<some Scalar>, convert: (Double) -> T) {
        shape = other.shape
        channels = other.channels
        positions = other.positions
        momentum = other.momentum
        epsilon = other.epsilon
        scale = other.scale.map { convert(Double($0)) }
        shift = other.shift.map { convert(Double($0)) }
        runningMean = other.runningMean.map { convert(Double($0)) }
        runningVariance = other.runningVariance.map { convert(Double($0)) }
        batchesSeen = other.batchesSeen.map { convert(Double($0)) }
    }


    /// γ = 1, β = 0, the running statistics as before any batch.
    private mutating func reset() {
        scale = [T](repeating: 1, count: channels)
        shift = [T](repeating: 0, count: channels)
        runningMean = [T](repeating: 0, count: channels)
        runningVariance = [T](repeating: 1, count: channels)
        batchesSeen = [0]
    }

    package static var kind: String { "batchnorm" }

    package func outputShape(for input: Shape) throws(EngineError) -> Shape {
        guard input == shape else {
            throw EngineError(.shapeMismatch, "a batch normalisation of \(shape) values cannot take \(input)")
        }
        return shape
    }

    package var parameterShapes: [Shape] { [Shape(channels), Shape(channels)] }
    package var parameterTensorCount: Int { 2 }
    /// γ then β, neither penalised (see the type's comment).
    package var parameterKinds: [ParameterKind] { [.scale, .bias] }

    package func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        index == 0 ? scale.withUnsafeBufferPointer(body) : shift.withUnsafeBufferPointer(body)
    }

    package mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        index == 0 ? scale.withUnsafeMutableBufferPointer { body($0) } : shift.withUnsafeMutableBufferPointer { body($0) }
    }

    /// A fresh layer: γ = 1, β = 0 and the running statistics reset (nothing is drawn).
    package mutating func drawParameters(generator: inout RandomGenerator) { reset() }

    package var stateShapes: [Shape] { [Shape(channels), Shape(channels), Shape(1)] }
    package var stateTensorCount: Int { 3 }

    package func withState<R>(_ index: Int, _ body: (UnsafeBufferPointer<T>) -> R) -> R {
        switch index {
        case 0: runningMean.withUnsafeBufferPointer(body)
        case 1: runningVariance.withUnsafeBufferPointer(body)
        default: batchesSeen.withUnsafeBufferPointer(body)
        }
    }

    package mutating func withMutableState<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<T>) -> R) -> R {
        switch index {
        case 0: runningMean.withUnsafeMutableBufferPointer { body($0) }
        case 1: runningVariance.withUnsafeMutableBufferPointer { body($0) }
        default: batchesSeen.withUnsafeMutableBufferPointer { body($0) }
        }
    }

    /// After a flat shape, 2 (one value per channel cannot be normalised); 1 after an image.
    package var minimumTrainingRows: Int { positions == 1 ? 2 : 1 }

    package func scratchSizes(input: Shape, capacity: Int) -> [Int] {
        [capacity * channels * positions, channels, channels]
    }

    /// Output and gradient (capacity × width), ∂γ and ∂β; scratch: x̂ (capacity × width) and,
    /// per channel, the mean and 1/√(σ² + ε) of the pass; pending (what the training passes
    /// since the last update add to the running statistics, see `update`): per channel the
    /// increments of the mean and the variance, then [d, batches].
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        let c = channels, n = capacity * channels * positions
        return LayerBuffers(output: Buffer(count: n), gradient: Buffer(count: n),
                            parameterGradients: [Buffer(count: c), Buffer(count: c)],
                            scratch: scratchSizes(input: input, capacity: capacity).map { Buffer(count: $0) },
                            pending: [Buffer(count: c), Buffer(count: c), Buffer(count: 2)])
    }

    /// Normalises with the batch's statistics (training) or the running ones, keeping x̂ and the
    /// statistics for `backward`. A training pass also folds its statistics into the pending
    /// increments: for each pass, a ← (1 − m)·a + m·μ (v likewise with the unbiased variance)
    /// and d ← 1 − (1 − m)·(1 − d), so that `update` sets running ← (1 − d)·running + a, which
    /// is PyTorch's update applied once per pass, in order.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func forward(_ pass: Pass<T>, at s: Int) {
        let x = pass.input(s), buffers = pass.buffers(s), y = buffers.output!.pointer
        pass.setOutput(s, y)
        let xhat = buffers.scratch[0].pointer, means = buffers.scratch[1].pointer, inverse = buffers.scratch[2].pointer
        let rows = pass.rows, c = channels, p = positions, count = rows * p
        guard rows > 0 else { return }
        let m = momentum
        for ch in 0..<c {
            let mean: Double, variance: Double
            if pass.training {
                var sum = 0.0
                for r in 0..<rows {
                    let v = x + (r * c + ch) * p
                    for i in 0..<p { sum += Double(v[i]) }
                }
                mean = sum / Double(count)
                var squares = 0.0
                for r in 0..<rows {
                    let v = x + (r * c + ch) * p
                    for i in 0..<p { let d = Double(v[i]) - mean; squares += d * d }
                }
                variance = squares / Double(count)
                let pending = buffers.pending
                pending[0].pointer[ch] = T((1 - m) * Double(pending[0].pointer[ch]) + m * mean)
                let unbiased = count > 1 ? squares / Double(count - 1) : 0
                pending[1].pointer[ch] = T((1 - m) * Double(pending[1].pointer[ch]) + m * unbiased)
            } else {
                mean = Double(runningMean[ch])
                variance = Double(runningVariance[ch])
            }
            let mu = T(mean), inv = T(1 / (variance + epsilon).squareRoot()), g = scale[ch], b = shift[ch]
            means[ch] = mu
            inverse[ch] = inv
            for r in 0..<rows {
                let o = (r * c + ch) * p
                let v = x + o, h = xhat + o, out = y + o
                for i in 0..<p {
                    let n = (v[i] - mu) * inv
                    h[i] = n
                    out[i] = g * n + b
                }
            }
        }
        if pass.training {
            let counters = buffers.pending[2].pointer
            counters[0] = T(1 - (1 - m) * (1 - Double(counters[0])))
            counters[1] += 1
        }
    }

    /// ∂γ, ∂β (accumulated: the optimiser's update zeroes them) and ∂x, in the pass's mode.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        let buffers = pass.buffers(s), dy = pass.gradient(s)
        let xhat = buffers.scratch[0].pointer, inverse = buffers.scratch[2].pointer
        let dGamma = buffers.parameterGradients[0].pointer, dBeta = buffers.parameterGradients[1].pointer
        let rows = pass.rows, c = channels, p = positions, count = T(rows * p)
        let dx = pass.needsInputGradient(s) ? pass.gradient(s - 1) : nil
        for ch in 0..<c {
            var sum: T = 0, sumXhat: T = 0
            for r in 0..<rows {
                let o = (r * c + ch) * p
                let d = dy + o, h = xhat + o
                for i in 0..<p {
                    sum += d[i]
                    sumXhat += d[i] * h[i]
                }
            }
            dGamma[ch] += sumXhat
            dBeta[ch] += sum
            guard let dx else { continue }
            let g = scale[ch] * inverse[ch]
            for r in 0..<rows {
                let o = (r * c + ch) * p
                let d = dy + o, h = xhat + o, out = dx + o
                if pass.training {
                    let k = g / count
                    for i in 0..<p { out[i] = k * (count * d[i] - sum - h[i] * sumXhat) }
                } else {
                    for i in 0..<p { out[i] = g * d[i] }
                }
            }
        }
    }

    /// It writes its input's gradient without a product: the layer in front finishes it.
    package var appliesFrontEpilogue: Bool { false }
    /// Nothing element-wise of its own (no activation).
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}

    /// One optimiser step on γ and β (no penalties), then the running statistics take the
    /// pending increments of the training passes since the last step (and those are zeroed).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package mutating func update(_ pass: Pass<T>, at s: Int, optimizer: Optimizer<T>, regularization: Regularization) {
        let buffers = pass.buffers(s), gradients = buffers.parameterGradients
        let tensor = pass.firstTensor(s)
        scale.withUnsafeMutableBufferPointer { w in
            optimizer.update(tensor: tensor, weights: w.baseAddress!, gradient: gradients[0].pointer,
                             range: 0..<w.count, l1: 0, l2: 0)
        }
        shift.withUnsafeMutableBufferPointer { b in
            optimizer.update(tensor: tensor + 1, weights: b.baseAddress!, gradient: gradients[1].pointer,
                             range: 0..<b.count, l1: 0, l2: 0)
        }
        let pending = buffers.pending
        let counters = pending[2].pointer
        guard counters[1] > 0 else { return }
        let keep = 1 - counters[0]
        for ch in 0..<channels {
            runningMean[ch] = keep * runningMean[ch] + pending[0].pointer[ch]
            runningVariance[ch] = keep * runningVariance[ch] + pending[1].pointer[ch]
        }
        batchesSeen[0] += counters[1]
        for i in 0..<pending.count { pending[i].zero() }   // (an index loop: see TrainingAllocationTests)
    }

    /// Inference with the running statistics: y = a_c·x + b_c with a_c = γ_c / √(running_var_c + ε)
    /// and b_c = β_c − a_c·running_mean_c.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func predict(_ pass: Pass<T>, at s: Int) {
        let x = pass.input(s), y = pass.buffers(s).output!.pointer
        pass.setOutput(s, y)
        let c = channels, p = positions
        for ch in 0..<c {
            let (a, b) = affine(ch)
            for r in 0..<pass.rows {
                let o = (r * c + ch) * p
                for i in 0..<p { y[o + i] = a * x[o + i] + b }
            }
        }
    }

    /// The inference pass written out per value, with its own indices.
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func reference(_ x: Matrix<T>) -> Matrix<T> {
        var y = Matrix<T>(rows: x.rows, columns: shape.count)
        for r in 0..<x.rows {
            for j in 0..<shape.count {
                let ch = j / positions
                let normalised = (x[r, j] - runningMean[ch]) / (runningVariance[ch] + T(epsilon)).squareRoot()
                y[r, j] = scale[ch] * normalised + shift[ch]
            }
        }
        return y
    }

    /// "batchnorm 32 momentum 0.1 epsilon 1e-05" (its channels).
    package var summary: String { "batchnorm \(channels) momentum \(momentum) epsilon \(epsilon)" }

    package func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> {
        BatchNormLayer<U>(unchecked: self, convert: { U($0) })
    }

    package func isEqual(to other: any Layer<T>) -> Bool { (other as? BatchNormLayer<T>) == self }

    /// Channel ch's inference pass as y = a·x + b.
    private func affine(_ ch: Int) -> (T, T) {
        let a = T(Double(scale[ch]) / (Double(runningVariance[ch]) + epsilon).squareRoot())
        return (a, shift[ch] - a * runningMean[ch])
    }
}
