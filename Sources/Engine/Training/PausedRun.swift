/// A training run paused by its `shouldStop` check, kept in `Network.pausedRun` so that
/// `Trainer(resuming:)` goes on exactly where it stopped: the same example order for the rest
/// of the epoch, the same generator for the epochs after it, the same schedule and selection.
/// A paused-then-resumed run gives bit-identical weights and history figures to one that was
/// never paused (the seconds differ).
///
/// It holds copies of everything the run needs besides the network's own weights and
/// optimiser state: the last good epoch's weights and optimiser state (for the NaN rollback) and
/// the best epoch's (for `EpochSelection.restoreBest`), so its size is up to twice the
/// parameters' and the moments'.
public struct PausedRun<T: Scalar>: Sendable {
    /// The options of the run; epochs are counted from its start.
    public let options: TrainingOptions
    /// The run's generator at the pause (the current epoch's shuffle already drawn).
    public let generator: RandomGenerator
    /// 1-based epoch of the run to continue, and the batches of it already done (0 when the
    /// pause came at the end of an epoch).
    public let epochInRun: Int
    public let batch: Int
    /// Examples in the training data of the run (the data to resume on must have as many).
    public let examples: Int
    let split: HoldoutSplit
    /// Where the epoch stopped; nil when the pause came between epochs.
    let position: EpochPosition?
    /// Weights (W₀, b₀, W₁, b₁, …) and optimiser state at the end of the last complete epoch
    /// (or the start of the run), restored if the loss diverges later.
    let goodWeights: [[T]]
    /// The layers' state then (batch normalisation's running statistics, `Network.stateSizes`).
    let goodStates: [[T]]
    let goodOptimizer: OptimizerState<T>
    let goodEpoch: Int?
    let selection: SelectionState
    /// The best epoch's weights and optimiser state, when the options restore them.
    let best: Best?

    struct Best: Sendable {
        let weights: [[T]]
        let states: [[T]]
        let optimizer: OptimizerState<T>
    }

    /// True when the network still has the parameter shapes the run was paused with.
    func fits(_ network: Network<T>) -> Bool {
        goodWeights.map(\.count) == network.tensorSizes && goodStates.map(\.count) == network.stateSizes
    }
}

/// The position inside an epoch: its example order and the running totals so far.
struct EpochPosition: Sendable {
    var order: [Int]
    var seen: Int
    var batch: Int
    var lossSum: Double
    var correct: Int
    var squaredError: Double
    /// Seconds spent in the epoch before the pause.
    var seconds: Double
}
