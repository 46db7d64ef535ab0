/// Everything an optimiser remembers between steps, exposed so a model file can save it and
/// restore training exactly where it stopped.
///
/// Parameter tensors are numbered in network order: layer 0's weights, layer 0's bias, layer
/// 1's weights, … (`2 · layerIndex` and `2 · layerIndex + 1`). Each moment holds one array per
/// tensor, of the tensor's element count (weights row-major, like `Matrix.storage`):
///
/// | kind                | `moments[0]`            | `moments[1]` |
/// |---------------------|-------------------------|--------------|
/// | gd, sgd             | (none)                  | (none)       |
/// | momentum, nesterov  | velocity v              | (none)       |
/// | adagrad             | sum of squares s        | (none)       |
/// | rmsprop             | mean of squares s       | (none)       |
/// | adam                | first moment m          | second moment v |
public struct OptimizerState<T: Scalar>: Equatable, Sendable {
    public var settings: OptimizerSettings
    /// Updates applied so far (Adam's t before the next step).
    public var step: Int
    /// `moments[k][tensor][i]`, see the table above.
    public var moments: [[[T]]]

    /// A fresh state (all moments zero, step 0) for a network's parameter shapes.
    public init(settings: OptimizerSettings, tensorSizes: [Int]) {
        self.settings = settings
        self.step = 0
        self.moments = Array(repeating: tensorSizes.map { Array(repeating: 0, count: $0) },
                             count: settings.kind.momentCount)
    }

    /// A state read back from a file; checked against the network with `matches(tensorSizes:)`.
    public init(settings: OptimizerSettings, step: Int, moments: [[[T]]]) {
        self.settings = settings
        self.step = step
        self.moments = moments
    }

    /// True when the moments have the shapes a network with these tensor sizes needs.
    public func matches(tensorSizes: [Int]) -> Bool {
        moments.count == settings.kind.momentCount
            && moments.allSatisfy { $0.map(\.count) == tensorSizes }
    }

    /// The same state in another precision.
    public func converted<U: Scalar>(to: U.Type = U.self) -> OptimizerState<U> {
        OptimizerState<U>(settings: settings, step: step,
                          moments: moments.map { $0.map { $0.map { U($0) } } })
    }
}
