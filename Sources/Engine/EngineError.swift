/// Why the engine refused a request or stopped training, and where.
///
/// Every throwing engine API throws this one type. `description` is one line, ready to show:
///
///     layer 2: cross-entropy needs a softmax output layer, got sigmoid
///     epoch 3, batch 17: the loss became NaN; first non-finite values in layer 1 (784→300 relu) outputs; weights restored to the end of epoch 2
public struct EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure, so callers and tests can tell cases apart without parsing text.
    public enum Kind: String, Sendable {
        /// A size that does not fit: data width vs network width, a zero-width layer, …
        case shapeMismatch
        /// An option out of range: a batch size of 0, a negative learning rate, an unknown name.
        case invalidArgument
        /// The cost does not pair with the output activation (cross-entropy without softmax).
        case incompatibleCost
        /// The network has no layers, or the data has no examples or no targets.
        case empty
        /// The loss (or a weight) became NaN or infinite during training.
        case nonFinite
        /// An allocation would exceed `MemoryLimit` (an absurd layer width or dataset size).
        case tooLarge
        /// The caller's `shouldStop` said stop (Ctrl-C): the work was dropped, nothing returned.
        case stopped
    }

    public var kind: Kind
    public var message: String
    /// 0-based index of the layer the problem is in, when there is one.
    public var layer: Int?
    /// 1-based epoch and batch in which training stopped, for `.nonFinite`.
    public var epoch: Int?
    public var batch: Int?
    /// The training option (or the part of a training request) the problem lies in, so a
    /// caller can point at whatever set it: a learning rate of 0, a holdout fraction of 1.
    public var field: TrainingOptions.Field?
    /// For `.tooLarge`: the bytes the values already held took of the memory limit, when they
    /// are what left too little room (`MemoryLimit.check`); nil when the request alone is too large.
    public var heldBytes: Int?

    public init(_ kind: Kind, _ message: String, layer: Int? = nil, epoch: Int? = nil, batch: Int? = nil,
                field: TrainingOptions.Field? = nil) {
        self.kind = kind
        self.message = message
        self.layer = layer
        self.epoch = epoch
        self.batch = batch
        self.field = field
    }

    public var description: String { message }
}
