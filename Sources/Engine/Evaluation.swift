/// A network's quality on a data set, all figures from one pass.
///
/// - `loss`: the network's cost, mean over examples (no penalty).
/// - `meanSquaredError`, `meanAbsoluteError`, `rSquared`: see `RegressionScores` (over all
///   outputs, against the data's targets — for class data, the one-hot targets).
/// - `accuracy`, `confusion`: for class data only. The predicted class is argmax ŷ (the first
///   maximum), or, with a single output, 1 when ŷ > 0.5.
/// - `top`, `topAccuracy`: for class data when asked for: the fraction of examples whose true
///   class is among the `top` highest outputs (see `TopK` for ties). A single output p counts
///   as the two scores (1 − p, p).
public struct Evaluation: Sendable {
    public var count: Int
    public var cost: Cost
    public var loss: Double
    public var meanSquaredError: Double
    public var meanAbsoluteError: Double
    public var rSquared: Double
    public var accuracy: Double?
    public var confusion: ConfusionMatrix?
    public var top: Int?
    public var topAccuracy: Double?

    /// MSE, MAE and R² together.
    public var regression: RegressionScores {
        RegressionScores(count: count, meanSquaredError: meanSquaredError, meanAbsoluteError: meanAbsoluteError, rSquared: rSquared)
    }
}

extension Network {
    /// Loss, MSE, MAE, R² and, for class data, accuracy, the confusion matrix and (with `top`)
    /// top-k accuracy, in batches of `batchSize` examples. `shouldStop` is asked before each
    /// batch: when it says true, evaluation throws `.stopped`.
    /// (A precision entry point: see Scalar.swift, "Specialised entry points".)
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    public func evaluate(on data: any TrainingData, batchSize: Int = 256, top: Int? = nil,
                         shouldStop: () -> Bool = { false }) throws(EngineError) -> Evaluation {
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        try check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the data")
        if let top, top < 1 { throw EngineError(.invalidArgument, "top-k needs k ≥ 1, not \(top)") }
        let k = outputWidth, n = data.count
        let capacity = Swift.min(Swift.max(batchSize, 1), n)
        let ws = Workspace(network: self, capacity: capacity, targetWidth: k)
        let isClass = data.isClassification
        var confusion = isClass ? ConfusionMatrix(classes: Swift.max(k, 2)) : nil
        var regression = RegressionTotals(columns: k)
        var topHits = 0
        var binary: [T] = [0, 0]
        var totals = OutputTotals()
        var start = 0
        while start < n {
            if shouldStop() { throw EngineError(.stopped, "stopped after \(start) of \(n) examples") }
            let rows = Swift.min(capacity, n - start)
            ws.fill(from: data, start: start, rows: rows)
            let t = forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1)
            totals.loss += t.loss
            let out = ws.outputs[ws.outputs.count - 1].pointer, y = ws.targets.pointer
            for r in 0..<rows {
                let p = out + r * k
                regression.add(prediction: UnsafePointer(p), target: UnsafePointer(y + r * k))
                guard isClass, let label = data.classLabel(start + r), label < confusion!.classes else { continue }
                let predicted = k == 1 ? (p[0] > 0.5 ? 1 : 0) : argmax(p, k)
                confusion!.counts[label][predicted] += 1
                if let top {
                    if k == 1 {
                        binary[0] = 1 - p[0]
                        binary[1] = p[0]
                        if binary.withUnsafeBufferPointer({ TopK.contains(label: label, scores: $0.baseAddress!, count: 2, k: top) }) { topHits += 1 }
                    } else if TopK.contains(label: label, scores: UnsafePointer(p), count: k, k: top) {
                        topHits += 1
                    }
                }
            }
            start += rows
        }
        let scores = regression.scores
        return Evaluation(
            count: n, cost: cost, loss: totals.loss / Double(n),
            meanSquaredError: scores.meanSquaredError, meanAbsoluteError: scores.meanAbsoluteError,
            rSquared: scores.rSquared,
            accuracy: confusion.map { Double($0.correct) / Double(n) }, confusion: confusion,
            top: isClass ? top : nil, topAccuracy: isClass && top != nil ? Double(topHits) / Double(n) : nil)
    }

    /// The cost on `data`, mean over examples (no penalty).
    public func loss(on data: any TrainingData) throws(EngineError) -> Double { try evaluate(on: data).loss }
    /// Mean squared error over all outputs of all examples.
    public func meanSquaredError(on data: any TrainingData) throws(EngineError) -> Double {
        try evaluate(on: data).meanSquaredError
    }
    /// Coefficient of determination, averaged over output columns.
    public func rSquared(on data: any TrainingData) throws(EngineError) -> Double { try evaluate(on: data).rSquared }
    /// Fraction classified correctly; nil for regression data.
    public func accuracy(on data: any TrainingData) throws(EngineError) -> Double? { try evaluate(on: data).accuracy }
    /// `counts[true][predicted]`; nil for regression data.
    public func confusionMatrix(on data: any TrainingData) throws(EngineError) -> ConfusionMatrix? {
        try evaluate(on: data).confusion
    }

    /// Summed loss, correct count and squared error over all of `data`, in chunks of the
    /// workspace's capacity (the trainer's per-epoch validation; allocates nothing).
    func evaluateTotals(_ data: any TrainingData, ws: Workspace<T>, cost: Cost, parallel: ParallelJobs<T>? = nil) -> OutputTotals {
        evaluateTotals(data, ws: ws, cost: cost, parallel: parallel, shouldStop: { false })!
    }

    /// The same, asking `shouldStop` before each chunk: nil when it said stop. With `training`,
    /// the layers run as in training (see `forwardPass`'s `dropout`; the gradient check's mode).
    func evaluateTotals(_ data: any TrainingData, ws: Workspace<T>, cost: Cost, parallel: ParallelJobs<T>? = nil,
                        training: Bool = false, shouldStop: () -> Bool) -> OutputTotals? {
        var totals = OutputTotals()
        var start = 0
        while start < data.count {
            if shouldStop() { return nil }
            let rows = Swift.min(ws.capacity, data.count - start)
            ws.fill(from: data, start: start, rows: rows)
            let t = forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1, dropout: training,
                                parallel: parallel)
            totals.loss += t.loss
            totals.correct += t.correct
            totals.squaredError += t.squaredError
            start += rows
        }
        return totals
    }
}
