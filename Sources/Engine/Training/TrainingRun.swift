/// One call of `Trainer.train` or `Trainer.resume`, phase by phase:
///
///     prepare (init) → epoch … epoch → finish
///     epoch = begin (rate, shuffle) → step … step → check weights → validate → select
///
/// It holds everything the run needs as properties: the data, the workspace and optimiser, the
/// two snapshots ("last good" for the NaN rollback, "best" for `EpochSelection.restoreBest`),
/// the selection, the records, and the figures of the epoch under way. All of it is made in
/// `init`, so the epochs allocate nothing after the first batch (their methods use index
/// loops and take the caller's closures as parameters: see `TrainingAllocationTests`).
///
/// The generator is the run's own copy (`generator`): `Trainer.run` hands it back to its
/// caller when the run ends, however it ends. `end()` must be called once the run is over.
final class TrainingRun<T: Scalar> {
    private let trainer: Trainer<T>
    private let net: Network<T>
    /// The run's options; with `threadsFollowLoad`, `threads` becomes the count the run chose.
    private var options: TrainingOptions
    private let data: any TrainingData
    private let validation: (any TrainingData)?
    private let split: HoldoutSplit
    /// Training examples per epoch, rows per forward/backward pass, rows per optimiser step.
    private let count: Int, chunk: Int, stepSize: Int
    private let batchesPerEpoch: Int
    private let metric: Metric, validationMetric: Metric
    /// The network's cost, read once: `Network.cost` looks at `layers.last`, which allocates in
    /// the unoptimised build (one allocation per batch, caught by `TrainingAllocationTests`).
    private let cost: Cost
    private let higherIsBetter: Bool
    private let ws: Workspace<T>
    private let optimizer: Optimizer<T>
    /// The state at the end of the last complete epoch (or the start of the run).
    private let good: Snapshot<T>
    /// The best epoch's state, when the options restore it.
    private let best: Snapshot<T>?
    private let pool: WorkerPool?
    /// Whether the network is big enough for its work to be split over threads (`startWorkers`).
    private let splittable: Bool
    /// The threads asked for (`options.threads`, else the session's), before `threadsFollowLoad`.
    private let threadsAsked: Int
    private let parallel: ParallelJobs<T>?
    private let active: ActiveInputs<T>?
    private let clock = ContinuousClock()

    var generator: RandomGenerator
    private var chosen: SelectionState
    /// 1-based epoch of the run to train next; past `options.epochs` when all are done.
    private(set) var epochInRun: Int
    private var resumeAt: EpochPosition?
    private var records: [EpochRecord] = []
    private var pausedNow: PausedRun<T>? = nil
    private var stoppedEarly = false
    private var lastComplete: Int? = nil
    /// The epoch under way.
    private var now = EpochFigures()

    /// The epoch under way: its number in the network's history, its rate and running totals.
    private struct EpochFigures {
        var epoch = 0, batch = 0, seen = 0, correct = 0
        var lossSum = 0.0, squaredError = 0.0, learningRate = 0.0
        /// Seconds spent in the epoch before a pause (resumed runs), and in its batches (set
        /// when they end, so the record leaves out validation).
        var secondsBefore = 0.0, seconds = 0.0
        var started = ContinuousClock().now
    }

    /// Prepare: checks the data against the network and the options, then makes every buffer
    /// the run needs (reusing the trainer's workspace when it fits) and starts the workers.
    init(trainer: Trainer<T>, data: any TrainingData, validation: (any TrainingData)?,
         generator: RandomGenerator, paused: PausedRun<T>?) throws(EngineError) {
        let net = trainer.network, options = trainer.options
        (self.trainer, self.net, self.options, self.data, self.validation) = (trainer, net, options, data, validation)
        self.generator = generator
        try Self.check(net, data: data, validation: validation, options: options)
        if let paused { split = paused.split }
        else if let holdout = options.holdout { split = try holdout.split(count: data.count) }
        else { split = .all(data.count) }
        count = split.training.count
        chunk = Swift.min(options.batchSize, count)
        try net.checkTrainingBatches(examples: count, batch: chunk)
        stepSize = options.optimizer.kind == .gd ? count : chunk
        batchesPerEpoch = (count + stepSize - 1) / stepSize
        cost = net.cost
        metric = Metric.for(data)
        validationMetric = validation.map { Metric.for($0) } ?? metric
        higherIsBetter = options.selection?.monitor == .validationMetric && validationMetric == .accuracy
        try trainer.checkMemory(rows: chunk, targetWidth: data.targetWidth)

        ws = trainer.workspace(rows: chunk, targetWidth: data.targetWidth)
        ws.zeroGradients()   // a run that failed may have left a batch's gradients unconsumed
        let startState = Self.startState(net, options.optimizer)
        optimizer = Optimizer(state: startState)
        good = paused.map { Snapshot(weights: $0.goodWeights, states: $0.goodStates, optimizer: $0.goodOptimizer,
                                     epoch: $0.goodEpoch) }
            ?? Snapshot(of: net, optimizer: startState)
        if options.selection?.restoreBest == true {
            best = paused.flatMap { p in p.best.map { Snapshot(weights: $0.weights, states: $0.states, optimizer: $0.optimizer) } }
                ?? Snapshot(of: net, optimizer: startState)
        } else {
            best = nil
        }
        chosen = paused?.selection ?? SelectionState()
        epochInRun = paused?.epochInRun ?? 1
        resumeAt = paused?.position
        if trainer.order.count != count { trainer.order = Array(repeating: 0, count: count) }
        if let paused, let last = net.history.epochs.last, !last.complete, paused.position != nil {
            net.history.epochs.removeLast()   // the paused epoch's partial record: this run completes it
        }
        // Epoch records are appended between epochs, not in the batch loop; a huge `epochs`
        // (train until Ctrl-C) must not reserve memory for all of them up front.
        records.reserveCapacity(Swift.min(options.epochs, 1024))
        net.history.epochs.reserveCapacity(net.history.epochs.count + Swift.min(options.epochs, 1024))
        let workers = Self.startWorkers(net, rows: chunk, threads: options.threads, followLoad: options.threadsFollowLoad)
        (pool, parallel, splittable, threadsAsked) = (workers.pool, workers.parallel, workers.splittable, workers.asked)
        self.options.threads = workers.threads
        self.options.threadsFollowLoad = false
        BLASWarmUp.prepare(for: net, parallel: parallel)
        active = options.skipsZeroInputs ? ws.activeInputs(for: net) : nil
    }

    /// The data's shapes against the network's, and the combinations no run can train.
    private static func check(_ net: Network<T>, data: any TrainingData, validation: (any TrainingData)?,
                              options: TrainingOptions) throws(EngineError) {
        guard data.count > 0 else { throw EngineError(.empty, "the training data has no examples") }
        try net.check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the training data")
        if let last = net.layers.last, last.activation == .softmax, last.outputs == 1 {
            throw EngineError(.invalidArgument,
                              "the output layer is a softmax of 1 unit, which always gives 1, so training cannot change anything (use one softmax unit per class, or 1 sigmoid unit for two classes)")
        }
        try options.check(validationExamples: validation?.count)
        if let validation {
            try net.check(inputWidth: validation.inputWidth, targetWidth: validation.targetWidth,
                          what: "the validation data")
        }
    }

    /// The network's optimiser state when it is of the same kind and shapes (moments and step
    /// kept, the new rates taken), else a fresh one.
    private static func startState(_ net: Network<T>, _ settings: OptimizerSettings) -> OptimizerState<T> {
        if var s = net.optimizerState, s.settings.kind == settings.kind, s.matches(tensorSizes: net.tensorSizes) {
            s.settings = settings
            return s
        }
        return OptimizerState(settings: settings, tensorSizes: net.tensorSizes)
    }

    /// More than one thread allowed: the big GEMMs and the optimiser update are split over a
    /// worker pool of ours (BLAS's own threading gains little at batch 64), and BLAS runs
    /// single-threaded inside. Only worth it when some layer is big enough to be split: its
    /// largest product (`Layer.largestProduct`, see `splitGemm`) or one of its tensors (the
    /// optimiser step, `applyStep`). With `followLoad`, a network that splits takes only the
    /// CPUs free now (`FreeCores`, at most the count asked for). Starts the training section
    /// of `BLASThreads` (see `end`). Returns the count asked for and the count the run uses.
    private static func startWorkers(_ net: Network<T>, rows: Int, threads: Int?, followLoad: Bool)
        -> (pool: WorkerPool?, parallel: ParallelJobs<T>?, splittable: Bool, asked: Int, threads: Int) {
        let sessionThreads = BLASThreads.beginTraining()
        let asked = Swift.min(threads ?? sessionThreads, WorkerPool.processors)
        let products = net.stack.compactMap { $0.largestProduct(rows: rows) }
        let splittable = products.contains { $0.m * $0.n * $0.k >= 1 << 19 } || net.tensorSizes.contains { $0 >= 1 << 14 }
        let threads = followLoad && splittable && asked > 1 ? FreeCores.count(limit: asked) : asked
        let pool = threads > 1 && splittable ? WorkerPool(parts: threads) : nil
        let parallel = pool.map { ParallelJobs<T>(pool: $0) }
        parallel?.reservePartials(products.map { $0.m * $0.n }.max() ?? 0)
        return (pool, parallel, splittable, asked, threads)
    }

    /// Stops the workers and gives BLAS its session threads back.
    func end() {
        pool?.shutdown()
        BLASThreads.endTraining()
    }

    // MARK: - Epochs

    /// Trains the next epoch of the run; false when the run ends with it (paused, or stopped
    /// early by the selection).
    func epoch(shouldStop: () -> Bool, progress: (TrainingProgress) -> Void,
               epochEnded: (EpochRecord) -> Void) throws(EngineError) -> Bool {
        begin()
        var pauseRequested = false
        while now.seen < count {
            try step(progress: progress)
            if shouldStop() { pauseRequested = true; break }
        }
        now.seconds = seconds()
        if let bad = trainer.firstNonFiniteLayer(inWeightsOf: net) {
            throw trainer.failure(epoch: now.epoch, batch: now.batch, loss: .nan, ws: ws, rows: 0, weightLayer: bad,
                                  good: good, optimizer: optimizer)
        }
        guard now.seen == count else {
            // Paused inside the epoch: a partial record, and the position to go on from.
            append(record(validationLoss: nil, validationScore: nil, complete: false))
            let position = EpochPosition(order: trainer.order, seen: now.seen, batch: now.batch, lossSum: now.lossSum,
                                         correct: now.correct, squaredError: now.squaredError, seconds: now.seconds)
            pausedNow = pause(batch: now.batch, position: position)
            return false
        }
        let record = validate()
        append(record)
        select(record)
        epochEnded(record)
        epochInRun += 1
        if stoppedEarly { return false }
        if pauseRequested && epochInRun <= options.epochs {
            pausedNow = pause(batch: 0, position: nil)
            return false
        }
        return true
    }

    /// Starts an epoch: its learning rate, and its example order (a fresh shuffle, or the
    /// paused epoch's order and totals).
    private func begin() {
        let rate = options.schedule.rate(base: options.optimizer.learningRate, epoch: epochInRun, of: options.epochs)
        optimizer.settings.learningRate = rate
        now = EpochFigures(epoch: net.history.epochs.count + 1, learningRate: rate, started: clock.now)
        if let p = resumeAt {
            for i in trainer.order.indices { trainer.order[i] = p.order[i] }
            (now.seen, now.batch, now.lossSum, now.correct, now.squaredError, now.secondsBefore)
                = (p.seen, p.batch, p.lossSum, p.correct, p.squaredError, p.seconds)
            resumeAt = nil
        } else {
            // Every epoch shuffles the training indices afresh, so its order depends only on
            // the generator: training split over several calls matches one run.
            for i in trainer.order.indices { trainer.order[i] = split.training[i] }
            if options.shuffle { generator.shuffle(&trainer.order) }
        }
    }

    /// One optimiser step: forward and backward over the step's rows (in passes of `chunk`),
    /// the finiteness check, the update, and the progress report.
    private func step(progress: (TrainingProgress) -> Void) throws(EngineError) {
        let stepRows = Swift.min(stepSize, count - now.seen)
        let scale = 1 / T(stepRows)
        var totals = OutputTotals()
        var offset = 0
        while offset < stepRows {
            let rows = Swift.min(chunk, stepRows - offset)
            let first = now.seen + offset
            trainer.order.withUnsafeBufferPointer { all in
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
        now.batch += 1
        guard totals.loss.isFinite, trainer.biasGradientsAreFinite(ws) else {
            throw trainer.failure(epoch: now.epoch, batch: now.batch, loss: totals.loss, ws: ws,
                                  rows: Swift.min(chunk, stepRows), good: good, optimizer: optimizer)
        }
        net.applyStep(optimizer, ws, regularization: options.regularization, parallel: parallel, active: active)
        now.lossSum += totals.loss
        now.correct += totals.correct
        now.squaredError += totals.squaredError
        now.seen += stepRows
        let seconds = seconds()
        progress(TrainingProgress(
            epoch: now.epoch, epochInRun: epochInRun, epochsInRun: options.epochs,
            batch: now.batch, batchesPerEpoch: batchesPerEpoch,
            samplesSeen: now.seen, samplesPerEpoch: count,
            runningLoss: now.lossSum / Double(now.seen), runningMetric: trainingScore(), metric: metric,
            samplesPerSecond: seconds > 0 ? Double(now.seen) / seconds : 0, seconds: seconds))
    }

    /// The complete epoch's record, with its loss and metric on the validation data or the
    /// held-out examples (when there are any).
    private func validate() -> EpochRecord {
        if let validation, validation.count > 0 {
            let v = net.evaluateTotals(validation, ws: ws, cost: cost, parallel: parallel)
            return record(validationLoss: v.loss / Double(validation.count),
                          validationScore: Self.metricValue(
                            validationMetric, correct: v.correct, squaredError: v.squaredError,
                            count: validation.count, width: validation.targetWidth),
                          complete: true)
        }
        let heldOut = split.validation
        guard !heldOut.isEmpty else { return record(validationLoss: nil, validationScore: nil, complete: true) }
        let v = evaluateHeldOut()
        return record(validationLoss: v.loss / Double(heldOut.count),
                      validationScore: Self.metricValue(metric, correct: v.correct, squaredError: v.squaredError,
                                                              count: heldOut.count, width: data.targetWidth),
                      complete: true)
    }

    /// After a complete epoch: it becomes the last good state, and the selection scores it
    /// (keeping it as the best, or stopping the run when patience ran out).
    private func select(_ record: EpochRecord) {
        lastComplete = record.epoch
        good.take(from: net, optimizer: optimizer, epoch: record.epoch)
        guard let selection = options.selection else { return }
        let score = selection.monitor == .validationLoss ? record.validationLoss : record.validationMetric
        if chosen.record(score, epoch: record.epoch, rule: selection, higherIsBetter: higherIsBetter) {
            best?.take(from: net, optimizer: optimizer, epoch: record.epoch)
        }
        stoppedEarly = chosen.patienceRanOut(selection)
    }

    /// Ends the run: the optimiser's state and the paused run (if any) go to the network, and
    /// the best epoch's weights and optimiser state come back when the options keep it.
    func finish() -> TrainingResult {
        var restored = false
        if pausedNow == nil, let best, let bestEpoch = chosen.bestEpoch, bestEpoch != lastComplete {
            best.restore(to: net, optimizer: optimizer)
            restored = true
        }
        net.optimizerState = optimizer.state
        net.pausedRun = pausedNow
        var result = TrainingResult(epochs: records, stopped: pausedNow != nil, generator: generator)
        result.threads = pool?.width ?? 1
        result.splittable = splittable
        result.threadsAsked = threadsAsked
        result.stoppedEarly = stoppedEarly
        result.bestEpoch = chosen.bestEpoch
        result.bestScore = chosen.best
        result.restoredBest = restored
        return result
    }

    // MARK: - Helpers

    private func seconds() -> Double { now.secondsBefore + Self.seconds(clock.now - now.started) }

    private func trainingScore() -> Double {
        Self.metricValue(metric, correct: now.correct, squaredError: now.squaredError,
                               count: now.seen, width: data.targetWidth)
    }

    private func record(validationLoss: Double?, validationScore: Double?, complete: Bool) -> EpochRecord {
        EpochRecord(epoch: now.epoch, trainingLoss: now.lossSum / Double(now.seen), trainingMetric: trainingScore(),
                    validationLoss: validationLoss, validationMetric: validationScore, metric: metric,
                    samples: now.seen, seconds: now.seconds, complete: complete, learningRate: now.learningRate)
    }

    private static func metricValue(_ metric: Metric, correct: Int, squaredError: Double, count: Int, width: Int) -> Double {
        guard count > 0 else { return 0 }
        switch metric {
        case .accuracy: return Double(correct) / Double(count)
        case .mse: return squaredError / Double(count * Swift.max(width, 1))
        }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func append(_ record: EpochRecord) {
        records.append(record)
        net.history.epochs.append(record)
    }

    /// Loss and counts over the held-out examples of `data`, in chunks of the workspace's capacity.
    private func evaluateHeldOut() -> OutputTotals {
        var totals = OutputTotals()
        var start = 0
        let indices = split.validation
        while start < indices.count {
            let rows = Swift.min(ws.capacity, indices.count - start)
            indices.withUnsafeBufferPointer { all in
                ws.fill(from: data, indices: UnsafeBufferPointer(rebasing: all[start ..< start + rows]))
            }
            let t = net.forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1, parallel: parallel)
            totals.loss += t.loss
            totals.correct += t.correct
            totals.squaredError += t.squaredError
            start += rows
        }
        return totals
    }

    /// The state a paused run leaves in `Network.pausedRun` (copies; allocates, once).
    private func pause(batch: Int, position: EpochPosition?) -> PausedRun<T> {
        PausedRun(options: options, generator: generator, epochInRun: epochInRun, batch: batch, examples: data.count,
                  split: split, position: position, goodWeights: good.weights.map(\.array),
                  goodStates: good.states.map(\.array),
                  goodOptimizer: good.optimizer.state, goodEpoch: good.epoch, selection: chosen,
                  best: best.map { PausedRun.Best(weights: $0.weights.map(\.array), states: $0.states.map(\.array),
                                                  optimizer: $0.optimizer.state) })
    }
}

/// The parameters (W₀, b₀, W₁, b₁, …), the layers' state (batch normalisation's running
/// statistics, `Network.stateSizes`) and optimiser state (moments and step) at the end of an
/// epoch, kept by a run to go back to: the last good epoch (after a non-finite step) and the
/// best one (`EpochSelection.restoreBest`). Taking one copies into its buffers (no allocation).
final class Snapshot<T: Scalar> {
    let weights: [Buffer<T>]
    let states: [Buffer<T>]
    let optimizer: Optimizer<T>
    /// The epoch (in the network's history) whose end it holds; nil for the start of the run.
    private(set) var epoch: Int?

    init(weights: [[T]], states: [[T]], optimizer: OptimizerState<T>, epoch: Int? = nil) {
        self.weights = weights.map { Buffer($0) }
        self.states = states.map { Buffer($0) }
        self.optimizer = Optimizer(state: optimizer)
        self.epoch = epoch
    }

    /// A copy of the network's parameters and state now, with `optimizer`.
    init(of net: Network<T>, optimizer: OptimizerState<T>) {
        self.weights = net.tensorSizes.map { Buffer(count: $0) }
        self.states = net.stateSizes.map { Buffer(count: $0) }
        self.optimizer = Optimizer(state: optimizer)
        self.epoch = nil
        copyParameters(of: net)
    }

    /// Copies the network's parameters and `optimizer`'s moments and step into this snapshot.
    func take(from net: Network<T>, optimizer: Optimizer<T>, epoch: Int) {
        copyParameters(of: net)
        self.optimizer.restore(from: optimizer)
        self.epoch = epoch
    }

    /// Every parameter tensor of the network, in optimiser order, into `weights`, and every
    /// state tensor into `states`.
    private func copyParameters(of net: Network<T>) {
        var t = 0, u = 0
        for s in 0..<net.stack.count {
            for i in 0..<net.stack[s].parameterTensorCount {
                let buffer = weights[t]
                net.stack[s].withParameter(i) { buffer.pointer.update(from: $0.baseAddress!, count: buffer.count) }
                t += 1
            }
            for i in 0..<net.stack[s].stateTensorCount {
                let buffer = states[u]
                net.stack[s].withState(i) { buffer.pointer.update(from: $0.baseAddress!, count: buffer.count) }
                u += 1
            }
        }
    }

    /// Puts the parameters and state back into the network and the moments and step into `optimizer`.
    func restore(to net: Network<T>, optimizer: Optimizer<T>) {
        var t = 0
        net.withEachParameter { p in
            p.baseAddress!.update(from: weights[t].pointer, count: p.count)
            t += 1
        }
        var u = 0
        net.withEachState { p in
            p.baseAddress!.update(from: states[u].pointer, count: p.count)
            u += 1
        }
        optimizer.restore(from: self.optimizer)
    }
}
