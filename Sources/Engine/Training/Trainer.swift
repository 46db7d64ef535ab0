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
/// and restores the best epoch's weights.
///
/// If a batch's loss (or its gradients, or the weights after an epoch) becomes NaN or
/// infinite, training stops with an `EngineError(.nonFinite)` naming the first layer whose
/// weights, outputs or gradients went non-finite, after restoring the weights and optimiser
/// state of the last complete epoch (or of the start of the run).
public final class Trainer<T: Scalar> {
    public let network: Network<T>
    public let options: TrainingOptions
    private var workspace: Workspace<T>?
    private var order: [Int] = []

    public init(network: Network<T>, options: TrainingOptions) throws(EngineError) {
        if let why = options.problem { throw EngineError(.invalidArgument, why) }
        guard let out = network.layers.last else { throw EngineError(.empty, "the network has no layers yet") }
        guard network.pendingDropout == 0 else {
            throw EngineError(.invalidArgument, "the network ends with a dropout layer; add a dense layer after it")
        }
        if let why = network.cost.incompatibility(with: out.activation) {
            throw EngineError(.incompatibleCost, why, layer: network.layers.count - 1)
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
        return try dispatch(data, validation, &generator, nil, shouldStop, progress, epochEnded)
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
        return try dispatch(data, validation, &generator, paused, shouldStop, progress, epochEnded)
    }

    private func dispatch(
        _ data: any TrainingData, _ validation: (any TrainingData)?, _ generator: inout RandomGenerator,
        _ paused: PausedRun<T>?, _ shouldStop: () -> Bool, _ progress: (TrainingProgress) -> Void,
        _ epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        try withSubnormalsFlushed { () throws(EngineError) -> TrainingResult in
            // Called from another module, this generic method runs unspecialised (about 70×
            // slower): hand over to the Float and Double instances compiled in this module.
            if T.self == Float.self {
                return try unsafeDowncast(self, to: Trainer<Float>.self).runSpecialized(
                    data, validation, &generator, paused.map { unsafeBitCast($0, to: PausedRun<Float>.self) },
                    shouldStop, progress, epochEnded)
            }
            if T.self == Double.self {
                return try unsafeDowncast(self, to: Trainer<Double>.self).runSpecialized(
                    data, validation, &generator, paused.map { unsafeBitCast($0, to: PausedRun<Double>.self) },
                    shouldStop, progress, epochEnded)
            }
            return try run(data, validation, &generator, paused, shouldStop, progress, epochEnded)
        }
    }

    func run(
        _ data: any TrainingData, _ validation: (any TrainingData)?, _ generator: inout RandomGenerator,
        _ paused: PausedRun<T>?, _ shouldStop: () -> Bool, _ progress: (TrainingProgress) -> Void,
        _ epochEnded: (EpochRecord) -> Void
    ) throws(EngineError) -> TrainingResult {
        let net = network
        guard data.count > 0 else { throw EngineError(.empty, "the training data has no examples") }
        try net.check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the training data")
        if let last = net.layers.last, last.activation == .softmax, last.outputs == 1 {
            throw EngineError(.invalidArgument,
                              "the output layer is a softmax of 1 unit, which always gives 1, so training cannot change anything (use one softmax unit per class, or 1 sigmoid unit for two classes)")
        }
        if let validation {
            try net.check(inputWidth: validation.inputWidth, targetWidth: validation.targetWidth,
                          what: "the validation data")
            if options.holdout != nil {
                throw EngineError(.invalidArgument, "give either a validation set or a holdout fraction, not both")
            }
        }
        let split: HoldoutSplit
        if let paused { split = paused.split }
        else if let holdout = options.holdout { split = try holdout.split(count: data.count) }
        else { split = .all(data.count) }
        let heldOut = split.validation
        let hasValidation = (validation.map { $0.count > 0 } ?? false) || !heldOut.isEmpty
        if options.selection != nil && !hasValidation {
            throw EngineError(.invalidArgument,
                              "early stopping and keeping the best epoch need validation data (a validation set or a holdout fraction)")
        }
        let count = split.training.count
        let cost = net.cost
        let settings = options.optimizer
        let fullBatch = settings.kind == .gd
        let chunk = Swift.min(options.batchSize, count)          // rows per forward/backward pass
        let stepSize = fullBatch ? count : chunk                  // rows per optimiser step
        let batchesPerEpoch = (count + stepSize - 1) / stepSize
        let metric = Metric.for(data)
        let validationMetric = validation.map { Metric.for($0) } ?? metric
        try checkMemory(rows: chunk, targetWidth: data.targetWidth)

        // Everything the loop touches, allocated up front.
        let ws: Workspace<T>
        if let w = workspace, w.fits(net, capacity: chunk, targetWidth: data.targetWidth) {
            ws = w
        } else {
            ws = Workspace(network: net, capacity: chunk, targetWidth: data.targetWidth)
            workspace = ws
        }
        ws.zeroGradients()   // a run that failed may have left a batch's gradients unconsumed
        let sizes = net.tensorSizes
        let startState: OptimizerState<T>
        if var s = net.optimizerState, s.settings.kind == settings.kind, s.matches(tensorSizes: sizes) {
            s.settings = settings   // same optimiser: keep moments and step, take the new rates
            startState = s
        } else {
            startState = OptimizerState(settings: settings, tensorSizes: sizes)
        }
        let optimizer = Optimizer(state: startState)
        let goodOptimizer = Optimizer(state: paused?.goodOptimizer ?? startState)
        let goodWeights = paused?.goodWeights.map { Buffer($0) } ?? parameterBuffers(net)
        var goodEpoch: Int? = paused?.goodEpoch
        let selection = options.selection
        var chosen = paused?.selection ?? SelectionState()
        let bestWeights: [Buffer<T>]? = selection?.restoreBest == true
            ? (paused?.bestWeights?.map { Buffer($0) } ?? parameterBuffers(net)) : nil
        let higherIsBetter = selection?.monitor == .validationMetric && validationMetric == .accuracy
        if order.count != count { order = Array(repeating: 0, count: count) }
        if let paused, let last = net.history.epochs.last, !last.complete, paused.position != nil {
            net.history.epochs.removeLast()   // the paused epoch's partial record: this run completes it
        }
        var records: [EpochRecord] = []
        // Epoch records are appended between epochs, not in the batch loop; a huge `epochs`
        // (train until Ctrl-C) must not reserve memory for all of them up front.
        records.reserveCapacity(Swift.min(options.epochs, 1024))
        net.history.epochs.reserveCapacity(net.history.epochs.count + Swift.min(options.epochs, 1024))
        let clock = ContinuousClock()
        var pausedNow: PausedRun<T>? = nil
        var stoppedEarly = false
        var lastComplete: Int? = nil
        // More than one thread allowed: split the big GEMMs and the optimiser update ourselves
        // (BLAS's own threading gains little at batch 64) and keep BLAS single-threaded inside.
        // Only worth it when some layer is big enough to be split (see `splitGemm`, `applyStep`).
        let sessionThreads = BLASThreads.beginTraining()
        let threads = Swift.min(options.threads ?? sessionThreads, WorkerPool.processors)
        let splittable = net.layers.contains { chunk * $0.inputs * $0.outputs >= 1 << 19 || $0.weights.count >= 1 << 14 }
        let pool = threads > 1 && splittable ? WorkerPool(parts: threads) : nil
        let parallel = pool.map { ParallelJobs<T>(pool: $0) }
        parallel?.reservePartials(chunk * (net.layers.map(\.outputs).max() ?? 0))
        defer {
            pool?.shutdown()
            BLASThreads.endTraining()
        }
        BLASWarmUp.prepare(for: net, parallel: parallel)
        let active = options.skipsZeroInputs ? ws.activeInputs(for: net) : nil

        var epochInRun = paused?.epochInRun ?? 1
        var resumeAt = paused?.position
        while epochInRun <= options.epochs {
            let learningRate = options.schedule.rate(base: settings.learningRate, epoch: epochInRun, of: options.epochs)
            optimizer.settings.learningRate = learningRate
            let epoch = net.history.epochs.count + 1
            let started = clock.now
            var lossSum = 0.0, correct = 0, squaredError = 0.0, seen = 0, batch = 0, secondsBefore = 0.0
            if let p = resumeAt {
                for i in order.indices { order[i] = p.order[i] }
                (seen, batch, lossSum, correct, squaredError, secondsBefore)
                    = (p.seen, p.batch, p.lossSum, p.correct, p.squaredError, p.seconds)
                resumeAt = nil
            } else {
                // Every epoch shuffles the training indices afresh, so its order depends only on
                // the generator: training split over several calls matches one run.
                for i in order.indices { order[i] = split.training[i] }
                if options.shuffle { generator.shuffle(&order) }
            }
            var pauseRequested = false
            while seen < count {
                let stepRows = Swift.min(stepSize, count - seen)
                let scale = 1 / T(stepRows)
                var totals = OutputTotals()
                var offset = 0
                while offset < stepRows {
                    let rows = Swift.min(chunk, stepRows - offset)
                    let first = seen + offset
                    order.withUnsafeBufferPointer { all in
                        ws.fill(from: data, indices: UnsafeBufferPointer(rebasing: all[first ..< first + rows]),
                                parallel: parallel)
                    }
                    ws.drawDropoutMasks(rows: rows, generator: &generator)
                    let t = net.forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: scale,
                                            dropout: true, parallel: parallel, active: active)
                    net.backwardPass(ws, rows: rows, dropout: true, parallel: parallel, active: active)
                    totals.loss += t.loss
                    totals.correct += t.correct
                    totals.squaredError += t.squaredError
                    offset += rows
                }
                batch += 1
                guard totals.loss.isFinite, biasGradientsAreFinite(ws) else {
                    throw failure(epoch: epoch, batch: batch, loss: totals.loss, ws: ws, rows: Swift.min(chunk, stepRows),
                                  goodWeights: goodWeights, goodOptimizer: goodOptimizer,
                                  optimizer: optimizer, goodEpoch: goodEpoch)
                }
                net.applyStep(optimizer, ws, regularization: options.regularization, parallel: parallel, active: active)
                lossSum += totals.loss
                correct += totals.correct
                squaredError += totals.squaredError
                seen += stepRows
                let seconds = secondsBefore + Self.seconds(clock.now - started)
                progress(TrainingProgress(
                    epoch: epoch, epochInRun: epochInRun, epochsInRun: options.epochs,
                    batch: batch, batchesPerEpoch: batchesPerEpoch,
                    samplesSeen: seen, samplesPerEpoch: count,
                    runningLoss: lossSum / Double(seen),
                    runningMetric: Self.metricValue(metric, correct: correct, squaredError: squaredError,
                                                    count: seen, width: data.targetWidth),
                    metric: metric,
                    samplesPerSecond: seconds > 0 ? Double(seen) / seconds : 0, seconds: seconds))
                if shouldStop() { pauseRequested = true; break }
            }

            let complete = seen == count
            if let bad = firstNonFiniteLayer(inWeightsOf: net) {
                throw failure(epoch: epoch, batch: batch, loss: .nan, ws: ws, rows: 0, weightLayer: bad,
                              goodWeights: goodWeights, goodOptimizer: goodOptimizer,
                              optimizer: optimizer, goodEpoch: goodEpoch)
            }
            let seconds = secondsBefore + Self.seconds(clock.now - started)
            guard complete else {
                // Paused inside the epoch: a partial record, and the position to go on from.
                let record = EpochRecord(
                    epoch: epoch, trainingLoss: lossSum / Double(seen),
                    trainingMetric: Self.metricValue(metric, correct: correct, squaredError: squaredError,
                                                     count: seen, width: data.targetWidth),
                    validationLoss: nil, validationMetric: nil, metric: metric,
                    samples: seen, seconds: seconds, complete: false, learningRate: learningRate)
                records.append(record)
                net.history.epochs.append(record)
                let position = EpochPosition(order: order, seen: seen, batch: batch, lossSum: lossSum, correct: correct,
                                             squaredError: squaredError, seconds: seconds)
                pausedNow = pause(at: epochInRun, batch: batch, position: position, generator: generator,
                                  examples: data.count, split: split, goodWeights: goodWeights,
                                  goodOptimizer: goodOptimizer, goodEpoch: goodEpoch, selection: chosen,
                                  bestWeights: bestWeights)
                break
            }
            var validationLoss: Double? = nil, validationScore: Double? = nil
            if let validation, validation.count > 0 {
                let v = net.evaluateTotals(validation, ws: ws, cost: cost, parallel: parallel)
                validationLoss = v.loss / Double(validation.count)
                validationScore = Self.metricValue(validationMetric, correct: v.correct, squaredError: v.squaredError,
                                                   count: validation.count, width: validation.targetWidth)
            } else if !heldOut.isEmpty {
                let v = evaluateTotals(data, indices: heldOut, ws: ws, cost: cost, parallel: parallel)
                validationLoss = v.loss / Double(heldOut.count)
                validationScore = Self.metricValue(metric, correct: v.correct, squaredError: v.squaredError,
                                                   count: heldOut.count, width: data.targetWidth)
            }
            let record = EpochRecord(
                epoch: epoch, trainingLoss: lossSum / Double(seen),
                trainingMetric: Self.metricValue(metric, correct: correct, squaredError: squaredError,
                                                 count: seen, width: data.targetWidth),
                validationLoss: validationLoss, validationMetric: validationScore, metric: metric,
                samples: seen, seconds: seconds, complete: true, learningRate: learningRate)
            records.append(record)
            net.history.epochs.append(record)
            lastComplete = epoch
            // The last good state, restored if a later batch diverges.
            copyParameters(of: net, to: goodWeights)
            goodOptimizer.restore(from: optimizer)
            goodEpoch = epoch
            if let selection {
                let score = selection.monitor == .validationLoss ? validationLoss : validationScore
                if chosen.record(score, epoch: epoch, rule: selection, higherIsBetter: higherIsBetter) {
                    if let bestWeights { copyParameters(of: net, to: bestWeights) }
                }
                stoppedEarly = chosen.patienceRanOut(selection)
            }
            epochEnded(record)
            epochInRun += 1
            if stoppedEarly { break }
            if pauseRequested && epochInRun <= options.epochs {
                pausedNow = pause(at: epochInRun, batch: 0, position: nil, generator: generator,
                                  examples: data.count, split: split, goodWeights: goodWeights,
                                  goodOptimizer: goodOptimizer, goodEpoch: goodEpoch, selection: chosen,
                                  bestWeights: bestWeights)
                break
            }
        }
        net.optimizerState = optimizer.state
        net.pausedRun = pausedNow
        var restored = false
        if pausedNow == nil, let bestWeights, let best = chosen.bestEpoch, best != lastComplete {
            for l in net.layers.indices {
                net.layers[l].weights.storage = bestWeights[2 * l].array
                net.layers[l].bias = bestWeights[2 * l + 1].array
            }
            restored = true
        }
        var result = TrainingResult(epochs: records, stopped: pausedNow != nil, generator: generator)
        result.threads = pool?.width ?? 1
        result.stoppedEarly = stoppedEarly
        result.bestEpoch = chosen.bestEpoch
        result.bestScore = chosen.best
        result.restoredBest = restored
        return result
    }

    /// The state a paused run leaves in `Network.pausedRun` (copies; allocates, once).
    private func pause(
        at epochInRun: Int, batch: Int, position: EpochPosition?, generator: RandomGenerator, examples: Int,
        split: HoldoutSplit, goodWeights: [Buffer<T>], goodOptimizer: Optimizer<T>, goodEpoch: Int?,
        selection: SelectionState, bestWeights: [Buffer<T>]?
    ) -> PausedRun<T> {
        PausedRun(options: options, generator: generator, epochInRun: epochInRun, batch: batch, examples: examples,
                  split: split, position: position, goodWeights: goodWeights.map(\.array),
                  goodOptimizer: goodOptimizer.state, goodEpoch: goodEpoch, selection: selection,
                  bestWeights: bestWeights?.map(\.array))
    }

    /// Buffers holding a copy of every parameter tensor: W₀, b₀, W₁, b₁, …
    private func parameterBuffers(_ net: Network<T>) -> [Buffer<T>] {
        net.layers.flatMap { [Buffer($0.weights.storage), Buffer($0.bias)] }
    }

    /// Copies every parameter tensor into `buffers` (same shapes; no allocation).
    private func copyParameters(of net: Network<T>, to buffers: [Buffer<T>]) {
        for l in 0..<net.layers.count {
            buffers[2 * l].copy(from: net.layers[l].weights.storage)
            buffers[2 * l + 1].copy(from: net.layers[l].bias)
        }
    }

    /// Loss and counts over the examples `indices` of `data` (the held-out set), in chunks of
    /// the workspace's capacity.
    private func evaluateTotals(_ data: any TrainingData, indices: [Int], ws: Workspace<T>, cost: Cost,
                                parallel: ParallelJobs<T>?) -> OutputTotals {
        var totals = OutputTotals()
        var start = 0
        while start < indices.count {
            let rows = Swift.min(ws.capacity, indices.count - start)
            indices.withUnsafeBufferPointer { all in
                ws.fill(from: data, indices: UnsafeBufferPointer(rebasing: all[start ..< start + rows]))
            }
            let t = network.forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1, parallel: parallel)
            totals.loss += t.loss
            totals.correct += t.correct
            totals.squaredError += t.squaredError
            start += rows
        }
        return totals
    }

    // MARK: - Helpers

    /// Refuses a run whose buffers would exceed `MemoryLimit`: per parameter its gradient, a
    /// copy kept for rollback and the optimiser's moments (twice, for rollback); per batch row
    /// the inputs, targets and each layer's outputs, deltas and pre-activations.
    private func checkMemory(rows: Int, targetWidth: Int) throws(EngineError) {
        let slots = options.optimizer.kind.momentCount
        // (Per row: the batch twice, once cut down to its nonzero columns, `ActiveInputs`;
        // per parameter: weights, gradient, moments, and two more copies: an upper bound for
        // the first layer's compact weights and gradient.)
        let perRow = 2 * network.inputWidth + targetWidth + 3 * network.layers.reduce(0) { $0 + $1.outputs }
        guard let parameters = MemoryLimit.product([network.parameterCount, 4 + 2 * slots]),
              let batch = MemoryLimit.product([rows, perRow]) else {
            throw EngineError(.tooLarge, "training this network needs more memory than any computer has")
        }
        let (values, overflow) = parameters.addingReportingOverflow(batch)
        try MemoryLimit.check(count: overflow ? Int.max : values, bytesEach: MemoryLayout<T>.size,
                              for: "training (batch \(rows), \(network.parameterCount) parameters)")
    }

    static func metricValue(_ metric: Metric, correct: Int, squaredError: Double, count: Int, width: Int) -> Double {
        guard count > 0 else { return 0 }
        switch metric {
        case .accuracy: return Double(correct) / Double(count)
        case .mse: return squaredError / Double(count * Swift.max(width, 1))
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
