/// Mini-batch training of a `Network` (full-batch for `gd`).
///
/// Each epoch reshuffles the example order with the caller's generator, then for every batch:
/// `fillBatch` → forward (fused bias + activation, fused output activation + cost gradient) →
/// backward → one fused optimiser update. All buffers are allocated before the first batch and
/// reused, so the loop allocates nothing. The trainer never prints: it reports through
/// `progress` after every batch and asks `shouldStop` after every batch.
///
/// Results are deterministic: the same seed, data, options and BLAS thread count give
/// bit-identical weights.
///
///     var rng = RandomGenerator(seed: 1)
///     let trainer = try Trainer(network: net, options: TrainingOptions(epochs: 5, batchSize: 64))
///     let result = try trainer.train(on: data, validation: test, generator: &rng,
///                                    shouldStop: { Interrupt.isRequested },
///                                    progress: { p in bar.update(p.samplesSeen, p.runningLoss) })
///
/// If a batch's loss becomes NaN or infinite, training stops with an `EngineError(.nonFinite)`
/// naming the first layer whose outputs (or weights) went non-finite, after restoring the
/// weights and optimiser state of the last complete epoch (or of the start of the run).
public final class Trainer<T: Scalar> {
    public let network: Network<T>
    public let options: TrainingOptions
    private var workspace: Workspace<T>?
    private var order: [Int] = []

    public init(network: Network<T>, options: TrainingOptions) throws(EngineError) {
        if let why = options.problem { throw EngineError(.invalidArgument, why) }
        guard let out = network.layers.last else { throw EngineError(.empty, "the network has no layers yet") }
        if let why = network.cost.incompatibility(with: out.activation) {
            throw EngineError(.incompatibleCost, why, layer: network.layers.count - 1)
        }
        self.network = network
        self.options = options
    }

    /// Trains for `options.epochs` epochs on `data`, evaluating on `validation` after each
    /// complete epoch. Appends one `EpochRecord` per epoch to `network.history` and leaves the
    /// optimiser's state in `network.optimizerState`.
    public func train(
        on data: any TrainingData, validation: (any TrainingData)? = nil,
        generator: inout RandomGenerator,
        shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        try withSubnormalsFlushed { () throws(EngineError) -> TrainingResult in
            // Called from another module, this generic method runs unspecialised (about 70×
            // slower): hand over to the Float and Double instances compiled in this module.
            if T.self == Float.self {
                return try unsafeDowncast(self, to: Trainer<Float>.self).runSpecialized(
                    on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
            }
            if T.self == Double.self {
                return try unsafeDowncast(self, to: Trainer<Double>.self).runSpecialized(
                    on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
            }
            return try run(on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
        }
    }

    fileprivate func run(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        shouldStop: () -> Bool, progress: (TrainingProgress) -> Void
    ) throws(EngineError) -> TrainingResult {
        let net = network
        let count = data.count
        guard count > 0 else { throw EngineError(.empty, "the training data has no examples") }
        try net.check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the training data")
        if let validation {
            try net.check(inputWidth: validation.inputWidth, targetWidth: validation.targetWidth,
                          what: "the validation data")
        }
        let cost = net.cost
        let settings = options.optimizer
        let fullBatch = settings.kind == .gd
        let chunk = Swift.min(options.batchSize, count)          // rows per forward/backward pass
        let stepSize = fullBatch ? count : chunk                  // rows per optimiser step
        let batchesPerEpoch = (count + stepSize - 1) / stepSize
        let metric = Metric.for(data)

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
        let goodOptimizer = Optimizer(state: startState)
        let goodWeights = net.layers.flatMap { [Buffer($0.weights.storage), Buffer($0.bias)] }
        var goodEpoch: Int? = nil
        if order.count != count { order = Array(0..<count) }
        var records: [EpochRecord] = []
        records.reserveCapacity(options.epochs)
        net.history.epochs.reserveCapacity(net.history.epochs.count + options.epochs)
        let clock = ContinuousClock()
        var stopped = false
        // More than one thread allowed: split the big GEMMs and the optimiser update ourselves
        // (BLAS's own threading gains little at batch 64) and keep BLAS single-threaded inside.
        // Only worth it when some layer is big enough to be split (see `splitGemm`, `applyStep`).
        let threads = Swift.min(BLASThreads.beginTraining(), WorkerPool.processors)
        let splittable = net.layers.contains { chunk * $0.inputs * $0.outputs >= 1 << 19 || $0.weights.count >= 1 << 14 }
        let pool = threads > 1 && splittable ? WorkerPool(parts: threads) : nil
        let parallel = pool.map { ParallelJobs<T>(pool: $0) }
        defer {
            pool?.shutdown()
            BLASThreads.endTraining()
        }

        for e in 0..<options.epochs {
            let epochInRun = e + 1
            // Every epoch shuffles 0..<count afresh, so its order depends only on the generator:
            // training split over several calls (or resumed from a model file) matches one run.
            for i in order.indices { order[i] = i }
            if options.shuffle { generator.shuffle(&order) }
            let epoch = net.history.epochs.count + 1
            let started = clock.now
            var lossSum = 0.0, correct = 0, squaredError = 0.0, seen = 0
            var batch = 0
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
                    let t = net.forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: scale, parallel: parallel)
                    net.backwardPass(ws, rows: rows, parallel: parallel)
                    totals.loss += t.loss
                    totals.correct += t.correct
                    totals.squaredError += t.squaredError
                    offset += rows
                }
                batch += 1
                guard totals.loss.isFinite else {
                    throw failure(epoch: epoch, batch: batch, loss: totals.loss, ws: ws, rows: Swift.min(chunk, stepRows),
                                  goodWeights: goodWeights, goodOptimizer: goodOptimizer,
                                  optimizer: optimizer, goodEpoch: goodEpoch)
                }
                net.applyStep(optimizer, ws, regularization: options.regularization, parallel: parallel)
                lossSum += totals.loss
                correct += totals.correct
                squaredError += totals.squaredError
                seen += stepRows
                let seconds = Self.seconds(clock.now - started)
                progress(TrainingProgress(
                    epoch: epoch, epochInRun: epochInRun, epochsInRun: options.epochs,
                    batch: batch, batchesPerEpoch: batchesPerEpoch,
                    samplesSeen: seen, samplesPerEpoch: count,
                    runningLoss: lossSum / Double(seen),
                    runningMetric: Self.metricValue(metric, correct: correct, squaredError: squaredError,
                                                    count: seen, width: data.targetWidth),
                    metric: metric,
                    samplesPerSecond: seconds > 0 ? Double(seen) / seconds : 0, seconds: seconds))
                if shouldStop() { stopped = true; break }
            }

            let complete = seen == count
            if let bad = firstNonFiniteLayer(inWeightsOf: net) {
                throw failure(epoch: epoch, batch: batch, loss: .nan, ws: ws, rows: 0, weightLayer: bad,
                              goodWeights: goodWeights, goodOptimizer: goodOptimizer,
                              optimizer: optimizer, goodEpoch: goodEpoch)
            }
            var validationLoss: Double? = nil, validationMetric: Double? = nil
            if complete, let validation, validation.count > 0 {
                let v = net.evaluateTotals(validation, ws: ws, cost: cost, parallel: parallel)
                validationLoss = v.loss / Double(validation.count)
                validationMetric = Self.metricValue(Metric.for(validation), correct: v.correct,
                                                    squaredError: v.squaredError, count: validation.count,
                                                    width: validation.targetWidth)
            }
            let record = EpochRecord(
                epoch: epoch, trainingLoss: lossSum / Double(seen),
                trainingMetric: Self.metricValue(metric, correct: correct, squaredError: squaredError,
                                                 count: seen, width: data.targetWidth),
                validationLoss: validationLoss, validationMetric: validationMetric, metric: metric,
                samples: seen, seconds: Self.seconds(clock.now - started), complete: complete)
            records.append(record)
            net.history.epochs.append(record)
            if complete {   // the last good state, restored if a later batch diverges
                for (l, layer) in net.layers.enumerated() {
                    goodWeights[2 * l].copy(from: layer.weights.storage)
                    goodWeights[2 * l + 1].copy(from: layer.bias)
                }
                goodOptimizer.restore(from: optimizer)
                goodEpoch = epoch
            }
            if stopped { break }
        }
        net.optimizerState = optimizer.state
        return TrainingResult(epochs: records, stopped: stopped)
    }

    // MARK: - Helpers

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

    /// Restores the last good state and builds the error naming where non-finite values appeared.
    private func failure(
        epoch: Int, batch: Int, loss: Double, ws: Workspace<T>, rows: Int, weightLayer: Int? = nil,
        goodWeights: [Buffer<T>], goodOptimizer: Optimizer<T>, optimizer: Optimizer<T>, goodEpoch: Int?
    ) -> EngineError {
        let net = network
        var layer = weightLayer
        var place = "weights"
        if layer == nil, let bad = firstNonFiniteLayer(inWeightsOf: net) { layer = bad }
        if layer == nil {
            place = "outputs"
            for l in net.layers.indices where layer == nil {
                let n = rows * net.layers[l].outputs, p = ws.outputs[l].pointer
                if (0..<n).contains(where: { !p[$0].isFinite }) { layer = l }
            }
        }
        func name(_ l: Int) -> String {
            let d = net.layers[l]
            return "layer \(l + 1) (\(d.inputs)→\(d.outputs) \(d.activation))"
        }
        let where_: String
        if let layer {
            where_ = "first non-finite values in \(name(layer)) \(place)"
        } else {
            layer = net.layers.count - 1
            where_ = "the outputs of \(name(layer!)) are finite but its \(net.cost) overflowed"
        }
        for l in net.layers.indices {
            net.layers[l].weights.storage = goodWeights[2 * l].array
            net.layers[l].bias = goodWeights[2 * l + 1].array
        }
        optimizer.restore(from: goodOptimizer)
        net.optimizerState = optimizer.state
        let restored = goodEpoch.map { "weights restored to the end of epoch \($0)" }
            ?? "weights restored to their values before this run"
        let what = loss.isNaN ? "the loss became NaN" : loss.isFinite ? "the weights became non-finite" : "the loss became infinite"
        return EngineError(.nonFinite, "epoch \(epoch), batch \(batch): \(what); \(where_); \(restored)",
                           layer: layer, epoch: epoch, batch: batch)
    }

    private func firstNonFiniteLayer(inWeightsOf net: Network<T>) -> Int? {
        net.layers.firstIndex { l in
            l.weights.storage.contains { !$0.isFinite } || l.bias.contains { !$0.isFinite }
        }
    }
}

extension Trainer where T == Float {
    func runSpecialized(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        shouldStop: () -> Bool, progress: (TrainingProgress) -> Void
    ) throws(EngineError) -> TrainingResult {
        try run(on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
    }
}

extension Trainer where T == Double {
    func runSpecialized(
        on data: any TrainingData, validation: (any TrainingData)?, generator: inout RandomGenerator,
        shouldStop: () -> Bool, progress: (TrainingProgress) -> Void
    ) throws(EngineError) -> TrainingResult {
        try run(on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
    }
}

extension Network {
    /// Trains this network; see `Trainer` (a new trainer per call).
    @discardableResult
    public func train(
        on data: any TrainingData, validation: (any TrainingData)? = nil, options: TrainingOptions,
        generator: inout RandomGenerator, shouldStop: () -> Bool = { false },
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws(EngineError) -> TrainingResult {
        try Trainer(network: self, options: options)
            .train(on: data, validation: validation, generator: &generator, shouldStop: shouldStop, progress: progress)
    }
}
