import Foundation

/// Regression figures of predictions ŷ against targets y, n examples of k outputs each:
///
///     MSE = (1 / (n k)) Σ (ŷ − y)²        MAE = (1 / (n k)) Σ |ŷ − y|
///     R²  = mean over the k columns of 1 − SS_res / SS_tot,
///           SS_res = Σ (ŷ − y)², SS_tot = Σ (y − ȳ)²   (per column)
///
/// A column whose targets are constant (SS_tot = 0) scores R² = 1 if predicted exactly, else 0.
///
///     let s = try RegressionScores(predictions: [1, 2, 3, 4], targets: [1, 2, 3, 5])
///     s.meanSquaredError   // 0.25
public struct RegressionScores: Hashable, Sendable {
    public var count: Int
    public var meanSquaredError: Double
    public var meanAbsoluteError: Double
    public var rSquared: Double

    /// log10(MSE): the papers' figure (−∞ for a perfect fit).
    public var log10MSE: Double { log10(meanSquaredError) }

    public init(count: Int, meanSquaredError: Double, meanAbsoluteError: Double, rSquared: Double) {
        self.count = count
        self.meanSquaredError = meanSquaredError
        self.meanAbsoluteError = meanAbsoluteError
        self.rSquared = rSquared
    }

    /// Scores row-major `predictions` against `targets` (both n × `columns`).
    public init(predictions: [Double], targets: [Double], columns: Int = 1) throws(EngineError) {
        guard columns >= 1 else { throw EngineError(.invalidArgument, "the number of columns must be at least 1") }
        guard predictions.count == targets.count else {
            throw EngineError(.shapeMismatch, "\(predictions.count) predictions for \(targets.count) targets")
        }
        guard !targets.isEmpty, targets.count % columns == 0 else {
            throw EngineError(.empty, "no complete rows of \(columns) targets to score")
        }
        var totals = RegressionTotals(columns: columns)
        predictions.withUnsafeBufferPointer { p in
            targets.withUnsafeBufferPointer { y in
                for r in 0..<(targets.count / columns) {
                    totals.add(prediction: p.baseAddress! + r * columns, target: y.baseAddress! + r * columns)
                }
            }
        }
        self = totals.scores
    }
}

/// Running sums for `RegressionScores`, one row at a time, per column:
/// Σ d, Σ d², Σ (ŷ − y)², Σ |ŷ − y| with d = y − shift and shift = the first row's targets
/// (shifting keeps SS_tot = Σ d² − (Σ d)² / n accurate when the targets sit far from zero).
struct RegressionTotals {
    let columns: Int
    private(set) var rows = 0
    private var shift: [Double]
    private var sum: [Double]
    private var sumSquares: [Double]
    private var residual: [Double]
    private var absolute: [Double]

    init(columns: Int) {
        self.columns = columns
        shift = Array(repeating: 0, count: columns)
        sum = shift; sumSquares = shift; residual = shift; absolute = shift
    }

    /// Adds one example: `columns` predictions and targets.
    mutating func add<T: Scalar>(prediction: UnsafePointer<T>, target: UnsafePointer<T>) {
        if rows == 0 { for c in 0..<columns { shift[c] = Double(target[c]) } }
        for c in 0..<columns {
            let y = Double(target[c]), d = y - shift[c], e = Double(prediction[c]) - y
            sum[c] += d
            sumSquares[c] += d * d
            residual[c] += e * e
            absolute[c] += abs(e)
        }
        rows += 1
    }

    var scores: RegressionScores {
        let n = Double(Swift.max(rows, 1)), cells = n * Double(columns)
        var r2 = 0.0
        for c in 0..<columns {
            let ssTot = sumSquares[c] - sum[c] * sum[c] / n
            r2 += ssTot > 0 ? 1 - residual[c] / ssTot : (residual[c] == 0 ? 1 : 0)
        }
        return RegressionScores(count: rows, meanSquaredError: residual.reduce(0, +) / cells,
                                meanAbsoluteError: absolute.reduce(0, +) / cells, rSquared: r2 / Double(columns))
    }
}
