/// One stage of a network: what every kind of layer provides, so that `Network`, training,
/// the optimiser, snapshots, the gradient check and the workspace work for any of them without
/// knowing which kinds exist. A network keeps its layers as `[any Layer<T>]` (`Network.stack`).
///
/// A new kind is one file in Layers/ with a value type conforming to this protocol, plus its
/// registration: the `Network` method that appends it (as `addDropout`: build it, `append`
/// it, which checks its shape) and the shell command that calls it, and its model-file and
/// safetensors entries. See docs/ARCHITECTURE.md.
///
/// What a layer provides:
/// - **shape inference**: `outputShape(for:)`, called when the layer is added (the network keeps
///   the shape after every layer in `Network.shapes`);
/// - **parameters**: the shapes of its tensors in the optimiser's order, and access to their
///   values (`withParameter`, `withMutableParameter`); the network numbers all tensors in
///   stack order (`Network.tensorSizes`), which is what optimiser states, snapshots, model
///   files and the gradient check address;
/// - **passes** over a `Workspace`: `forward`, `backward`, `update`, `predict`, on raw buffers,
///   called once per layer per batch (dynamic dispatch per layer, never per element: the
///   loops inside run specialised code). Called through `any Layer<T>`, a generic method of
///   a layer runs unspecialised unless it carries `@_specialize(where T == Float)` and
///   `(where T == Double)`: every method with element loops or buffer set-up needs them;
/// - **a reference**: `reference(_:)`, the plain allocating inference pass the tests hold the
///   fast passes against, and `drawParameters` (fresh weights, for tuning);
/// - **state**: what it keeps besides its parameters and training changes (batch
///   normalisation's running statistics: `stateShapes`, `withState`; none by default);
/// - **what it shows and saves**: `kind`, `summary` (`Network.description`); outside Engine a
///   layer is seen as a `LayerDescription` (kind, summary, shapes, tensors), which `summary`,
///   `pop`, `net.layers` and `inspect` read; `unitActivation` and `largestProduct` (both
///   optional) feed `inspect` and the choice of threads. What a model
///   file keeps of a layer is its tensors (in this order), its state and its settings (a dense
///   layer's activation, a dropout layer's rate): its entry in ModelFiles' `LayerEntries`.
///
/// Buffers (see `Workspace`): each layer gets a `LayerBuffers` made by `makeBuffers`: where it
/// writes its outputs, the gradient with respect to them, one gradient buffer per parameter
/// tensor and its own scratch. A layer that changes nothing in the backward direction but a
/// scale (dropout) may leave `gradient` nil and work in place on its input's gradient.
package protocol Layer<Element>: Sendable {
    associatedtype Element: Scalar

    /// The word for this kind in summaries, model files and messages: "dense", "dropout".
    static var kind: String { get }

    /// The shape of one example after this layer, for one of shape `input`; throws when the
    /// layer cannot take it.
    func outputShape(for input: Shape) throws(EngineError) -> Shape

    /// Its parameter tensors in the optimiser's order (dense: W then b); empty for none.
    var parameterShapes: [Shape] { get }
    /// How many (`parameterShapes.count`, without making the array: it is asked per epoch,
    /// where nothing may be allocated).
    var parameterTensorCount: Int { get }
    /// What each tensor is, in the same order: the weights get the penalties, biases do not.
    var parameterKinds: [ParameterKind] { get }
    /// Reads tensor `index` (row-major, as `Matrix.storage`).
    func withParameter<R>(_ index: Int, _ body: (UnsafeBufferPointer<Element>) -> R) -> R
    /// Changes tensor `index` in place.
    mutating func withMutableParameter<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R
    /// New parameters drawn from `generator` as the layer's default initialisation draws them
    /// when it is built (a no-op without parameters).
    mutating func drawParameters(generator: inout RandomGenerator)

    /// Its non-trainable state, in the order model files keep it (batch normalisation: the
    /// running mean, the running variance, the batches seen); empty for none (the default).
    /// What training changes besides the parameters, outside the optimiser: snapshots
    /// (restore-best, the last good epoch, a paused run) copy it with the parameters, and
    /// `copy()` and `convertedLayer` carry it. Numbered across the stack by `Network.stateSizes`.
    var stateShapes: [Shape] { get }
    /// How many (`stateShapes.count`, without making the array).
    var stateTensorCount: Int { get }
    /// Reads state tensor `index` (row-major).
    func withState<R>(_ index: Int, _ body: (UnsafeBufferPointer<Element>) -> R) -> R
    /// Changes state tensor `index` in place.
    mutating func withMutableState<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R
    /// The fewest examples a training batch may have (batch normalisation after a flat shape:
    /// 2, one value per feature cannot be normalised); 1 by default. The trainer refuses a run
    /// with a smaller batch (`Network.checkTrainingBatches`).
    var minimumTrainingRows: Int { get }

    /// The buffers it needs in a workspace of `capacity` rows for examples of shape `input`.
    func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<Element>
    /// The sizes of its own scratch buffers in such a workspace (what `makeBuffers` allocates
    /// them from, and what the trainer's memory check counts: a convolution's columns,
    /// dropout's mask); none by default.
    func scratchSizes(input: Shape, capacity: Int) -> [Int]
    /// Reads `pass.input(s)`, writes its outputs and sets `pass.setOutput(s, …)` (training and
    /// evaluation; the output layer leaves its activation to the cost, see `Network.forwardPass`).
    func forward(_ pass: Pass<Element>, at s: Int)
    /// Given the gradient with respect to its outputs, adds its parameters' gradients to its
    /// buffers and, when `pass.needsInputGradient(s)`, writes the gradient with respect to
    /// its input (`pass.gradient(s - 1)`). That gradient must then be finished by the layer in
    /// front's element-wise pass: fused into the product that writes it (`frontEpilogue`, when
    /// `appliesFrontEpilogue`), else the network runs the front layer's `finishGradient` after.
    func backward(_ pass: Pass<Element>, at s: Int, frontEpilogue: Epilogue<Element>)
    /// True when `backward` writes the input gradient with a product that applies `frontEpilogue`.
    var appliesFrontEpilogue: Bool { get }
    /// The element-wise pass that turns the gradient with respect to this layer's outputs
    /// into what its `backward` expects (dense: ⊙ f'(y)), to be fused into the product that
    /// writes it; `.none` for nothing.
    func gradientEpilogue(_ pass: Pass<Element>, at s: Int) -> Epilogue<Element>
    /// The same pass run on its own (by a layer behind it that writes the gradient without a
    /// product it could fuse it into).
    func finishGradient(_ pass: Pass<Element>, at s: Int)
    /// One optimiser step on its tensors, numbered from `pass.firstTensor(s)`.
    mutating func update(_ pass: Pass<Element>, at s: Int, optimizer: Optimizer<Element>, regularization: Regularization)
    /// Inference on `pass.input(s)` (dropout is the identity), output set as in `forward`.
    func predict(_ pass: Pass<Element>, at s: Int)
    /// The plain inference pass on a batch (rows × input width), allocating.
    func reference(_ x: Matrix<Element>) -> Matrix<Element>

    /// The largest matrix product (m × k · k × n) its passes run on a batch of `rows`
    /// examples, or nil for none (the default): the BLAS warm-up makes its product wider than
    /// every n and k, and training starts worker threads only when some layer's product or
    /// tensor is big enough to split (`TrainingRun.startWorkers`).
    func largestProduct(rows: Int) -> MatrixProduct?

    /// The element-wise activation it applies to its outputs, or nil (the default): what
    /// `Network.health` counts dead and saturated units by.
    var unitActivation: Activation? { get }

    /// "300 relu", "dropout 0.5": the layer in `Network.description` and summaries.
    var summary: String { get }
    /// The same layer in another precision.
    func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U>
    /// True when `other` is the same kind with the same settings and parameters.
    func isEqual(to other: any Layer<Element>) -> Bool
}

/// No state and no minimum batch: what a layer without running statistics has.
extension Layer {
    package var stateShapes: [Shape] { [] }
    package var stateTensorCount: Int { 0 }
    package func withState<R>(_ index: Int, _ body: (UnsafeBufferPointer<Element>) -> R) -> R {
        preconditionFailure("\(Self.kind) layers keep no state")
    }
    package mutating func withMutableState<R>(_ index: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R {
        preconditionFailure("\(Self.kind) layers keep no state")
    }
    package var minimumTrainingRows: Int { 1 }
    package func scratchSizes(input: Shape, capacity: Int) -> [Int] { [] }
}

extension Layer {
    /// Element counts of its state tensors.
    package var stateSizes: [Int] { stateShapes.map(\.count) }
    /// State tensor `index` as an array (allocating; reports and tests).
    package func state(_ index: Int) -> [Element] { withState(index) { Array($0) } }
    package func largestProduct(rows: Int) -> MatrixProduct? { nil }
    package var unitActivation: Activation? { nil }

    /// Element counts of its tensors.
    package var tensorSizes: [Int] { parameterShapes.map(\.count) }
    /// All its parameters.
    package var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.count } }
    /// Tensor `index` as an array (allocating; reports and tests).
    package func parameter(_ index: Int) -> [Element] { withParameter(index) { Array($0) } }
}

/// The sizes of a matrix product C (m × n) = A (m × k) · B (k × n).
package struct MatrixProduct: Equatable {
    package let m: Int, n: Int, k: Int
}

/// The buffers of one layer in a `Workspace` (see `Layer.makeBuffers`).
package final class LayerBuffers<T: Scalar> {
    /// capacity × output width: where it writes its outputs (nil: it hands on its input, or a
    /// scratch buffer it chooses per pass).
    let output: Buffer<T>?
    /// capacity × output width: the gradient with respect to its outputs (nil: it works in place
    /// on the gradient of its input).
    let gradient: Buffer<T>?
    /// One per parameter tensor, of the tensor's size.
    let parameterGradients: [Buffer<T>]
    /// Whatever else it keeps per workspace (dropout: the mask and the dropped inputs).
    let scratch: [Buffer<T>]
    /// What its training passes collect for its next `update` (batch normalisation: the
    /// increments of its running statistics); zeroed with the gradients
    /// (`Workspace.zeroGradients`), so a step that failed leaves nothing behind.
    let pending: [Buffer<T>]
    /// What it draws from the run's generator before each training batch of `rows` examples
    /// (dropout: its mask), or nil.
    let drawPerBatch: ((_ rows: Int, _ generator: inout RandomGenerator) -> Void)?

    init(output: Buffer<T>? = nil, gradient: Buffer<T>? = nil, parameterGradients: [Buffer<T>] = [],
         scratch: [Buffer<T>] = [], pending: [Buffer<T>] = [],
         drawPerBatch: ((Int, inout RandomGenerator) -> Void)? = nil) {
        self.output = output
        self.gradient = gradient
        self.parameterGradients = parameterGradients
        self.scratch = scratch
        self.pending = pending
        self.drawPerBatch = drawPerBatch
    }
}

/// One pass of a network over a batch in a workspace: what each layer's `forward`, `backward`,
/// `update` and `predict` are given. Made per call of a network pass (a struct of references:
/// nothing is allocated).
package struct Pass<T: Scalar> {
    let ws: Workspace<T>
    /// Examples in the batch.
    let rows: Int
    /// Training (dropout draws its masks' effect) or evaluation/inference (dropout is the identity).
    let training: Bool
    let parallel: ParallelJobs<T>?
    /// The first layer's zero-input skipping (`ActiveInputs`), when it applies to this pass.
    let active: ActiveInputs<T>?

    /// The index of the output layer (whose activation the cost applies).
    var last: Int { ws.outputLayer }
    /// The layer's buffers.
    func buffers(_ s: Int) -> LayerBuffers<T> { ws.layers[s] }
    /// What layer s reads: the batch for the first, the previous layer's outputs otherwise.
    func input(_ s: Int) -> UnsafeMutablePointer<T> { s == 0 ? ws.inputs.pointer : ws.outputPointers[s - 1] }
    /// Where layer s's outputs are this pass (set by its forward).
    func output(_ s: Int) -> UnsafeMutablePointer<T> { ws.outputPointers[s] }
    func setOutput(_ s: Int, _ p: UnsafeMutablePointer<T>) { ws.outputPointers[s] = p }
    /// The gradient with respect to layer s's outputs.
    func gradient(_ s: Int) -> UnsafeMutablePointer<T> { ws.gradientPointers[s]! }
    /// True when a layer in front of s has parameters, so s must pass the gradient on.
    func needsInputGradient(_ s: Int) -> Bool { s > ws.firstParametric }
    /// True when the layer behind s applied s's `gradientEpilogue` as it wrote s's gradient
    /// (`appliesFrontEpilogue`), so `backward` finds it finished (the network's backward pass
    /// then does not run s's `finishGradient` either).
    func gradientIsFinished(_ s: Int) -> Bool { ws.gradientFinished[s] }
    /// The optimiser's number for layer s's first tensor.
    func firstTensor(_ s: Int) -> Int { ws.firstTensors[s] }
}
