/// Counts of (true class, predicted class) pairs: `counts[t][p]`, rows the true class, columns
/// the predicted one.
///
///     var m = ConfusionMatrix(labels: [0, 1, 1, 2], predicted: [0, 1, 0, 0], classes: 3)
///     m.scores(0)        // precision 1/3, recall 1, F1 0.5
///     m.macro.f1         // mean of the per-class F1
///
/// Per class c, with TP = counts[c][c], "examples" = Σ_p counts[c][p] (row sum) and
/// "predicted" = Σ_t counts[t][c] (column sum):
///
///     precision = TP / predicted     recall = TP / examples     F1 = 2·P·R / (P + R)
///
/// A ratio 0/0 is taken as 0 (as scikit-learn's `zero_division=0`): a class never predicted has
/// precision 0, a class with no examples has recall 0, and F1 is 0 when P + R = 0. The macro
/// averages are means over the classes that have examples or were predicted; a class with
/// neither (a row and column of zeros) says nothing about the model and is left out.
/// `precision(_:)` and `recall(_:)` return nil for 0/0 instead, for reports that show "-".
public struct ConfusionMatrix: Hashable, Sendable {
    public var counts: [[Int]]

    public init(classes: Int) { counts = Array(repeating: Array(repeating: 0, count: classes), count: classes) }

    /// Counts `labels[i]` → `predicted[i]` pairs; pairs naming a class outside 0..<classes are
    /// skipped.
    public init(labels: [Int], predicted: [Int], classes: Int) {
        self.init(classes: classes)
        for (t, p) in zip(labels, predicted) where (0..<classes).contains(t) && (0..<classes).contains(p) {
            counts[t][p] += 1
        }
    }

    public var classes: Int { counts.count }
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classes).reduce(0) { $0 + counts[$1][$1] } }
    /// correct / total (0 when there are no examples).
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }

    /// The examples whose true class is `c` (the row sum).
    public func examples(_ c: Int) -> Int { counts[c].reduce(0, +) }
    /// The examples predicted as `c` (the column sum).
    public func predictions(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Fraction of the examples of class `c` predicted as `c` (nil when there are none).
    public func recall(_ c: Int) -> Double? {
        let n = examples(c)
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }
    /// Fraction of the examples predicted as `c` that are `c` (nil when none were).
    public func precision(_ c: Int) -> Double? {
        let n = predictions(c)
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }

    /// Precision, recall and F1 of class `c`, 0/0 taken as 0.
    public func scores(_ c: Int) -> ClassScores {
        let p = precision(c) ?? 0, r = recall(c) ?? 0
        return ClassScores(precision: p, recall: r, f1: p + r > 0 ? 2 * p * r / (p + r) : 0,
                           examples: examples(c), predicted: predictions(c))
    }

    /// Unweighted means of precision, recall and F1 over the classes that have examples or
    /// were predicted (all zero when none has).
    public var macro: ClassScores {
        let used = (0..<classes).map(scores).filter { $0.examples > 0 || $0.predicted > 0 }
        guard !used.isEmpty else { return ClassScores(precision: 0, recall: 0, f1: 0, examples: 0, predicted: 0) }
        let n = Double(used.count)
        return ClassScores(precision: used.reduce(0) { $0 + $1.precision } / n,
                           recall: used.reduce(0) { $0 + $1.recall } / n,
                           f1: used.reduce(0) { $0 + $1.f1 } / n,
                           examples: used.reduce(0) { $0 + $1.examples },
                           predicted: used.reduce(0) { $0 + $1.predicted })
    }
}

/// One class's figures (or their macro average): precision, recall, F1 in 0...1, and the
/// counts behind them (for the macro average, the sums over the classes averaged).
public struct ClassScores: Hashable, Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Examples whose true class this is (a.k.a. support).
    public var examples: Int
    /// Examples predicted as this class.
    public var predicted: Int

    public init(precision: Double, recall: Double, f1: Double, examples: Int, predicted: Int) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.examples = examples
        self.predicted = predicted
    }
}
