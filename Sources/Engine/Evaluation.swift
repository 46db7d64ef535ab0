/// Counts of (true class, predicted class) pairs: `counts[t][p]`.
public struct ConfusionMatrix: Hashable, Sendable {
    public var counts: [[Int]]

    public init(classes: Int) { counts = Array(repeating: Array(repeating: 0, count: classes), count: classes) }

    public var classes: Int { counts.count }
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classes).reduce(0) { $0 + counts[$1][$1] } }
    /// Fraction of the examples of class `c` predicted as `c` (nil when there are none).
    public func recall(_ c: Int) -> Double? {
        let n = counts[c].reduce(0, +)
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }
    /// Fraction of the examples predicted as `c` that are `c` (nil when none were).
    public func precision(_ c: Int) -> Double? {
        let n = counts.reduce(0) { $0 + $1[c] }
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }
}

/// A network's quality on a data set, all figures from one pass.
///
/// - `loss`: the network's cost, mean over examples (no penalty).
/// - `meanSquaredError`: (1 / (n k)) Σ (ŷ − y)² over all n examples and k outputs.
/// - `rSquared`: 1 − SS_res / SS_tot per output column, averaged over columns (a column whose
///   targets are constant scores 1 if predicted exactly, else 0).
/// - `accuracy`, `confusion`: for class data only. The predicted class is argmax ŷ, or, with a
///   single output, 1 when ŷ > 0.5.
public struct Evaluation: Sendable {
    public var count: Int
    public var cost: Cost
    public var loss: Double
    public var meanSquaredError: Double
    public var rSquared: Double
    public var accuracy: Double?
    public var confusion: ConfusionMatrix?
}

extension Network {
    /// Loss, MSE, R² and, for class data, accuracy and the confusion matrix, in batches of
    /// `batchSize` examples.
    public func evaluate(on data: any TrainingData, batchSize: Int = 256) throws(EngineError) -> Evaluation {
        // Generic code called from another module runs unspecialised: use this module's
        // Float and Double instances.
        if T.self == Float.self { return try unsafeDowncast(self, to: Network<Float>.self).evaluateFloat(data, batchSize) }
        if T.self == Double.self { return try unsafeDowncast(self, to: Network<Double>.self).evaluateDouble(data, batchSize) }
        return try evaluateBody(on: data, batchSize: batchSize)
    }

    fileprivate func evaluateBody(on data: any TrainingData, batchSize: Int) throws(EngineError) -> Evaluation {
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        try check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the data")
        let k = outputWidth, n = data.count
        let capacity = Swift.min(Swift.max(batchSize, 1), n)
        let ws = Workspace(network: self, capacity: capacity, targetWidth: k)
        let isClass = data.isClassification
        var confusion = isClass ? ConfusionMatrix(classes: Swift.max(k, 2)) : nil
        // Per column: Σ (y − shift), Σ (y − shift)², Σ (ŷ − y)²; shift = the first row's targets.
        var shift = [Double](repeating: 0, count: k)
        var sum = [Double](repeating: 0, count: k), sumSq = sum, residual = sum
        var totals = OutputTotals()
        var start = 0
        while start < n {
            let rows = Swift.min(capacity, n - start)
            ws.fill(from: data, start: start, rows: rows)
            let t = forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1)
            totals.loss += t.loss
            totals.correct += t.correct
            totals.squaredError += t.squaredError
            let out = ws.outputs[layers.count - 1].pointer, y = ws.targets.pointer
            if start == 0 { for c in 0..<k { shift[c] = Double(y[c]) } }
            for r in 0..<rows {
                for c in 0..<k {
                    let target = Double(y[r * k + c]), d = target - shift[c], e = Double(out[r * k + c]) - target
                    sum[c] += d
                    sumSq[c] += d * d
                    residual[c] += e * e
                }
                if isClass, let label = data.classLabel(start + r), label < confusion!.classes {
                    let p = out + r * k
                    let predicted = k == 1 ? (p[0] > 0.5 ? 1 : 0) : argmax(p, k)
                    confusion!.counts[label][predicted] += 1
                }
            }
            start += rows
        }
        var r2 = 0.0
        for c in 0..<k {
            let ssTot = sumSq[c] - sum[c] * sum[c] / Double(n)
            r2 += ssTot > 0 ? 1 - residual[c] / ssTot : (residual[c] == 0 ? 1 : 0)
        }
        return Evaluation(
            count: n, cost: cost, loss: totals.loss / Double(n),
            meanSquaredError: totals.squaredError / Double(n * k), rSquared: r2 / Double(k),
            accuracy: confusion.map { Double($0.correct) / Double(n) }, confusion: confusion)
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
        var totals = OutputTotals()
        var start = 0
        while start < data.count {
            let rows = Swift.min(ws.capacity, data.count - start)
            ws.fill(from: data, start: start, rows: rows)
            let t = forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1, parallel: parallel)
            totals.loss += t.loss
            totals.correct += t.correct
            totals.squaredError += t.squaredError
            start += rows
        }
        return totals
    }
}

extension Network where T == Float {
    fileprivate func evaluateFloat(_ data: any TrainingData, _ batchSize: Int) throws(EngineError) -> Evaluation {
        try evaluateBody(on: data, batchSize: batchSize)
    }
}

extension Network where T == Double {
    fileprivate func evaluateDouble(_ data: any TrainingData, _ batchSize: Int) throws(EngineError) -> Evaluation {
        try evaluateBody(on: data, batchSize: batchSize)
    }
}
