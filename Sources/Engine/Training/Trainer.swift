/// Mini-batch training of a `Network` (full-batch for `gd`).
///
/// Each epoch reshuffles the example order with the caller's generator, then for every batch:
/// `fillBatch` → forward (fused bias + activation, fused output activation + cost gradient) →
/// backward → one fused optimiser update. All buffers are allocated before the first batch and
/// reused, so the loop allocates nothing. The trainer never prints: it reports through
/// `progress` after every batch and `epochEnded` after every epoch, and asks `shouldStop`
/// after every batch.
///
/// Results are deterministic: the same seed, data, options and thread count
/// (`options.threads`, else the session's `BLASThreads.current`) give bit-identical weights.
///
/// Allocation: nnsh's own code allocates nothing after the first batch: every buffer is made
/// before it, and batches, dropout masks, the optimiser's update, the epoch's bookkeeping and
/// validation only reuse them (TrainingAllocationTests counts it). OpenBLAS's small-matrix
/// kernels may allocate: on AVX-512 CPUs its SkylakeX/Cooperlake `gemm_small_kernel` paths call
/// malloc for narrow outputs (the output layer's products), on AVX2 CPUs they do not; that is
/// the library's choice, made when it loads, and is not counted as ours.
///
///     var rng = RandomGenerator(seed: 1)
///     let trainer = try Trainer(network: net, options: TrainingOptions(epochs: 5, batchSize: 64))
///     let result = try trainer.train(on: data, validation: test, generator: &rng,
///                                    shouldStop: { Interrupt.isRequested },
///                                    progress: { p in bar.update(p.samplesSeen, p.runningLoss) })
///     if result.stopped {   // paused: net.pausedRun knows where
///         try Trainer(resuming: net).resume(on: data, validation: test)
///     }
///
/// Per epoch e of the run the learning rate is `options.schedule.rate(…)`; validation data is
/// either passed in or held out of `data` (`options.holdout`); `options.selection` stops early
/// and restores the best epoch's weights and optimiser state.
///
/// If a batch's loss (or its gradients, or the weights after an epoch) becomes NaN or
/// infinite, training stops with an `EngineError(.nonFinite)` naming the first layer whose
/// weights, outputs or gradients went non-finite, after restoring the weights and optimiser
/// state of the last complete epoch (or of the start of the run).
public final class Trainer<T: Scalar> {
    public let network: Network<T>
    public let options: TrainingOptions
    private var workspace: Workspace<T>?
    /// The epoch's example order, kept between runs (`TrainingRun` fills it).
    var order: [Int] = []

    public init(network: Network<T>, options: TrainingOptions) throws(EngineError) {
        try options.check()
        guard let out = network.layers.last else {
            throw EngineError(.empty, "the network has no layers yet", field: .network)
        }
        guard network.pendingDropout == 0 else {
            throw EngineError(.invalidArgument, "the network ends with a dropout layer; add a dense layer after it",
                              field: .network)
        }
        if let why = network.cost.incompatibility(with: out.activation) {
            throw EngineError(.incompatibleCost, why, layer: network.layers.count - 1, field: .network)
        }
        self.network = network
        self.options = options
    }

    /// A trainer for the network's paused run (`network.pausedRun`), with that run's options.
    public convenience init(resuming network: Network<T>) throws(EngineError) {
        guard let paused = network.pausedRun else {
            throw EngineError(.invalidArgument, "there is no paused training run to resume")
        }
        guard paused.fits(network) else {
            throw EngineError(.shapeMismatch, "the layers changed since training was paused; the paused run cannot go on")
        }
        try self.init(network: network, options: paused.options)
    }

    /// Trains for `options.epochs` epochs on `data`, evaluating on `validation` (or the
    /// held-out examples) after each complete epoch. Appends one `EpochRecord` per epoch to
    /// `network.history` and leaves the optimiser's state in `network.optimizerState`. A run
    /// paused earlier is dropped: this is a new run.
    public func train(
        on data: any TrainingData, validation: (any TrainingData)? = nil,
        generator: inout RandomGenerator,
        shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in },
        epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        network.pausedRun = nil
        return try dispatch(on: data, validation: validation, generator: &generator, paused: nil,
                            shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
    }

    /// Goes on with the network's paused run exactly where it stopped, with its own generator
    /// (returned in the result). `data` (and `validation`) must be the data of that run.
    public func resume(
        on data: any TrainingData, validation: (any TrainingData)? = nil,
        shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in },
        epochEnded: (EpochRecord) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        guard let paused = network.pausedRun else {
            throw EngineError(.invalidArgument, "there is no paused training run to resume")
        }
        guard paused.options == options else {
            throw EngineError(.invalidArgument, "this trainer's options differ from the paused run's; use Trainer(resuming:)")
        }
        guard paused.examples == data.count else {
            throw EngineError(.shapeMismatch,
                              "the paused run trained on \(paused.examples) examples but this data has \(data.count)")
        }
        guard paused.fits(network) else {
            throw EngineError(.shapeMismatch, "the layers changed since training was paused; the paused run cannot go on")
        }
        var generator = paused.generator
        return try dispatch(on: data, validation: validation, generator: &generator, paused: paused,
                            shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
    }

    /// (A precision entry point: see Scalar.swift, "Specialised entry points".)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    private func dispatch(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        paused: PausedRun<T>?, shouldStop: () -> Bool, progress: (TrainingProgress) -> Void,
        epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        try withSubnormalsFlushed { () throws(EngineError) -> TrainingResult in
            try run(on: data, validation: validation, generator: &generator, paused: paused,
                    shouldStop: shouldStop, progress: progress, epochEnded: epochEnded)
        }
    }

    /// The run, phase by phase (see `TrainingRun`); the generator comes back however it ends.
    func run(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        paused: PausedRun<T>?, shouldStop: () -> Bool, progress: (TrainingProgress) -> Void,
        epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        let run = try TrainingRun(trainer: self, data: data, validation: validation, generator: generator,
                                  paused: paused)
        defer {
            generator = run.generator
            run.end()
        }
        while run.epochInRun <= options.epochs {
            guard try run.epoch(shouldStop: shouldStop, progress: progress, epochEnded: epochEnded) else { break }
        }
        return run.finish()
    }

    /// The trainer's workspace when it fits batches of `rows` rows, else a new one (kept).
    func workspace(rows: Int, targetWidth: Int) -> Workspace<T> {
        if let w = workspace, w.fits(network, capacity: rows, targetWidth: targetWidth) { return w }
        let w = Workspace(network: network, capacity: rows, targetWidth: targetWidth)
        workspace = w
        return w
    }

    // MARK: - Helpers

    /// Refuses a run whose buffers would exceed `MemoryLimit`: per parameter its gradient, a
    /// copy kept for rollback and the optimiser's moments (twice, for rollback); per batch row
    /// the inputs, targets and, for each layer of any kind, three values per output (outputs,
    /// deltas and pre-activations for a dense layer) and each layer's own scratch
    /// (`Layer.scratchSizes`: a convolution's columns, max pooling's argmax).
    func checkMemory(rows: Int, targetWidth: Int) throws(EngineError) {
        let slots = options.optimizer.kind.momentCount
        // (Per row: the batch twice, once cut down to its nonzero columns, `ActiveInputs`;
        // per parameter: weights, gradient, moments, and two more copies: an upper bound for
        // the first layer's compact weights and gradient.)
        let perRow = 2 * network.inputWidth + targetWidth + 3 * network.shapes.reduce(0) { $0 + $1.count }
        let inputs = [network.inputShape] + network.shapes.dropLast()
        let scratch = zip(network.stack, inputs).reduce(0) { $0 + $1.0.scratchSizes(input: $1.1, capacity: rows).reduce(0, +) }
        guard let parameters = MemoryLimit.product([network.parameterCount, 4 + 2 * slots]),
              let rowValues = MemoryLimit.product([rows, perRow]),
              case let (batch, false) = rowValues.addingReportingOverflow(scratch) else {
            throw EngineError(.tooLarge, "training this network needs more memory than any computer has")
        }
        let (values, overflow) = parameters.addingReportingOverflow(batch)
        try MemoryLimit.check(count: overflow ? Int.max : values, bytesEach: MemoryLayout<T>.size,
                              for: "training (batch \(rows), \(network.parameterCount) parameters)")
    }
}
