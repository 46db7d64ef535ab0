/// The quality figure reported beside the loss: accuracy (fraction correct, 0…1) for class
/// data, mean squared error over all outputs for regression data.
public enum Metric: String, Hashable, Sendable {
    case accuracy
    case mse

    static func `for`(_ data: any TrainingData) -> Metric { data.isClassification ? .accuracy : .mse }
}

/// One epoch of training.
public struct EpochRecord: Hashable, Sendable {
    /// 1-based, counting across all `train` calls on the network.
    public var epoch: Int
    /// Mean over the epoch's batches of the batch loss (the weights move during the epoch;
    /// regularisation penalty excluded, so it compares with `validationLoss`).
    public var trainingLoss: Double
    /// Accuracy or MSE (see `metric`) over the epoch's batches, measured as they were trained.
    public var trainingMetric: Double
    /// Loss and metric on the validation set after the epoch, when one was given.
    public var validationLoss: Double?
    public var validationMetric: Double?
    public var metric: Metric
    /// Examples trained in this epoch (fewer than the set when stopped early).
    public var samples: Int
    public var seconds: Double
    /// False when training stopped during this epoch (Ctrl-C): the figures cover `samples` only.
    public var complete: Bool
    /// The learning rate of the epoch (see `LearningRateSchedule`); nil in older records.
    public var learningRate: Double?

    public init(epoch: Int, trainingLoss: Double, trainingMetric: Double, validationLoss: Double?,
                validationMetric: Double?, metric: Metric, samples: Int, seconds: Double, complete: Bool,
                learningRate: Double? = nil) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingMetric = trainingMetric
        self.validationLoss = validationLoss
        self.validationMetric = validationMetric
        self.metric = metric
        self.samples = samples
        self.seconds = seconds
        self.complete = complete
        self.learningRate = learningRate
    }
}

/// Every epoch a network was trained, oldest first.
public struct TrainingHistory: Hashable, Sendable {
    public var epochs: [EpochRecord]

    public init(epochs: [EpochRecord] = []) { self.epochs = epochs }

    public var isEmpty: Bool { epochs.isEmpty }
    public var last: EpochRecord? { epochs.last }
    public var trainingLosses: [Double] { epochs.map(\.trainingLoss) }
    public var validationLosses: [Double?] { epochs.map(\.validationLoss) }
    public var learningRates: [Double?] { epochs.map(\.learningRate) }
}

/// What one `train` call did.
public struct TrainingResult: Sendable {
    /// The epochs of this call (also appended to the network's history).
    public var epochs: [EpochRecord]
    /// True when `shouldStop` paused training before the run's last epoch ended: weights,
    /// history and optimiser state are kept and `Network.pausedRun` holds the position, so
    /// `Trainer.resume` goes on exactly where it stopped.
    public var stopped: Bool
    /// True when early stopping ended the run (`EpochSelection.patience` ran out).
    public var stoppedEarly: Bool = false
    /// With `TrainingOptions.selection`: the epoch (number in the history) with the best
    /// monitored score so far, and that score.
    public var bestEpoch: Int? = nil
    public var bestScore: Double? = nil
    /// True when the best epoch's weights were put back at the end of the run.
    public var restoredBest: Bool = false
    /// The threads the run computed on: 1, or its worker pool's width (`TrainingOptions.threads`).
    public var threads: Int = 1
    /// Whether the network is big enough for its work to be split over threads: when false the
    /// run computes on 1 thread whatever `TrainingOptions.threads` says.
    public var splittable: Bool = false
    /// The threads asked for; more than `threads` when the run followed the load
    /// (`TrainingOptions.threadsFollowLoad`) and found other programs busy.
    public var threadsAsked: Int = 1
    /// The run's generator after the run (for a resumed run: continued from the pause).
    public var generator: RandomGenerator

    public init(epochs: [EpochRecord], stopped: Bool, generator: RandomGenerator) {
        self.epochs = epochs
        self.stopped = stopped
        self.generator = generator
    }
}
