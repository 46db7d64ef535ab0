/// How to train: epochs, batch size, optimiser, penalties, shuffling, the learning-rate
/// schedule, a held-out validation fraction and early stopping / best-epoch selection.
///
///     var options = TrainingOptions(epochs: 5, batchSize: 64, optimizer: OptimizerSettings(.adam, learningRate: 1e-3))
///     options.regularization.l2 = 1e-4
///     options.schedule = .cosine(minimum: 1e-5)
///     options.holdout = Holdout(fraction: 0.1, seed: 1)
///     options.selection = EpochSelection(patience: 3)
public struct TrainingOptions: Hashable, Sendable {
    /// Passes over the training set in this call (0 is allowed: nothing happens).
    public var epochs: Int
    /// Examples per optimiser step; the last batch of an epoch holds the remainder. With
    /// `gd` it is only the chunk size in which the full-batch gradient is accumulated.
    public var batchSize: Int
    public var optimizer: OptimizerSettings
    public var regularization: Regularization
    /// Reshuffle the example order at the start of every epoch (with the caller's generator).
    public var shuffle: Bool
    /// The learning rate per epoch of the run, from `optimizer.learningRate`.
    public var schedule: LearningRateSchedule = .constant
    /// Hold out this fraction of the training data as the validation set (not together with
    /// a validation set passed to `train`).
    public var holdout: Holdout? = nil
    /// Early stopping and restoring the best epoch (needs validation data).
    public var selection: EpochSelection? = nil
    /// Leave out the first layer's products over input columns that are zero in the whole
    /// batch (`ActiveInputs`): the same sums, fewer multiply-adds (MNIST: 37 % fewer). Off, the
    /// products run over every column, as the floor in the benchmark counts them.
    public var skipsZeroInputs = true
    /// Threads the run computes on (its worker pool splits the large products and the
    /// optimiser's update; BLAS itself stays single-threaded while any run trains). Nil: the
    /// session's count, `BLASThreads.current`. Either way no more than the machine's processors.
    /// A run that names its count does not depend on, or change, the process-wide setting.
    public var threads: Int? = nil
    /// `set threads auto`: a run whose network is big enough to split takes only the CPUs no
    /// other program is busy on when it starts (`FreeCores`, at most `threads`), and keeps that
    /// count to its end; its paused run resumes on it.
    public var threadsFollowLoad = false

    public init(
        epochs: Int = 1, batchSize: Int = 32, optimizer: OptimizerSettings = .adam,
        regularization: Regularization = .none, shuffle: Bool = true
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.regularization = regularization
        self.shuffle = shuffle
    }

    /// Nil when every option is in range, else why not (one line).
    public var problem: String? { fieldProblem?.message }

    /// Each option's range: throws `.invalidArgument` naming the first field out of range.
    public func check() throws(EngineError) {
        if let (field, why) = fieldProblem { throw EngineError(.invalidArgument, why, field: field) }
    }

    /// Each option's range and the rules that join the options to the validation data, the one
    /// place they live (a run checks them again when it starts): a validation set of
    /// `validationExamples` examples (nil: none is passed) cannot go with `holdout`, and
    /// `selection` needs validation data, from either.
    public func check(validationExamples: Int?) throws(EngineError) {
        try check()
        if validationExamples != nil && holdout != nil {
            throw EngineError(.invalidArgument, "give either a validation set or a holdout fraction, not both",
                              field: .validation)
        }
        if selection != nil && holdout == nil && (validationExamples ?? 0) == 0 {
            throw EngineError(.invalidArgument,
                              "early stopping and keeping the best epoch need validation data (a validation set or a holdout fraction)",
                              field: .selection)
        }
    }

    private var fieldProblem: (field: Field, message: String)? {
        if epochs < 0 { return (.epochs, "epochs must be ≥ 0, got \(epochs)") }
        if batchSize < 1 { return (.batchSize, "batch size must be ≥ 1, got \(batchSize)") }
        if let threads, threads < 1 { return (.threads, "threads must be ≥ 1, got \(threads)") }
        return optimizer.fieldProblem ?? regularization.fieldProblem ?? schedule.fieldProblem ?? holdout?.fieldProblem
            ?? selection?.fieldProblem
    }

    /// The part of a training request a problem lies in (`EngineError.field`): an option, or
    /// for the rules that join options, `validation` (a validation set beside a holdout
    /// fraction) and `selection` (early stopping or best-epoch keeping without validation
    /// data); `network` when the network cannot be trained as it is.
    public enum Field: String, CaseIterable, Hashable, Sendable {
        case network, epochs, batchSize, threads
        case learningRate, momentum, rho, beta1, beta2, epsilon
        case l1, l2
        case stepEvery, gamma, minimumRate
        case holdout, validation, selection, patience, minDelta
    }
}

/// Reported after every batch through the trainer's progress callback.
public struct TrainingProgress: Sendable {
    /// 1-based number of the epoch in the network's history.
    public var epoch: Int
    /// 1-based number of the epoch within this `train` call, and how many the call runs.
    public var epochInRun: Int
    public var epochsInRun: Int
    /// 1-based batch within the epoch, and how many batches an epoch has.
    public var batch: Int
    public var batchesPerEpoch: Int
    /// Examples seen so far in this epoch, and in the whole epoch.
    public var samplesSeen: Int
    public var samplesPerEpoch: Int
    /// Mean loss over the epoch's batches so far (penalty excluded).
    public var runningLoss: Double
    /// Accuracy so far this epoch for class data, mean squared error otherwise.
    public var runningMetric: Double
    public var metric: Metric
    /// Examples per second since the epoch started.
    public var samplesPerSecond: Double
    /// Seconds since the epoch started.
    public var seconds: Double
}
