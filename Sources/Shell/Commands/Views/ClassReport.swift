import Engine
import Foundation
import Plots

/// The per-class part of `eval`'s report: precision, recall, F1, examples and predictions per
/// class, then the macro average (see `ConfusionMatrix` for 0/0 and which classes it averages).
///
///     class      precision  recall      f1  examples  predicted
///     ─────────  ─────────  ──────  ──────  ────────  ─────────
///     0             0.7500  0.7500  0.7500         4          4
///     macro avg     0.3833  0.4722  0.4167         9          9
enum ClassReport {
    /// `digits` decimals in the terminal; CSV gets full precision (`digits` nil).
    static func table(_ m: ConfusionMatrix, names: [String], digits: Int? = 4) -> Table {
        func number(_ x: Double) -> String {
            guard let digits else { return "\(x)" }
            return Format.apply(".\(digits)f", to: .number(x))
        }
        func row(_ name: String, _ s: ClassScores) -> [String] {
            [name, number(s.precision), number(s.recall), number(s.f1), String(s.examples), String(s.predicted)]
        }
        var rows = (0..<m.classes).map { c in row(c < names.count ? names[c] : String(c), m.scores(c)) }
        rows.append(row("macro avg", m.macro))
        return Table(header: ["class", "precision", "recall", "f1", "examples", "predicted"], rows: rows)
    }

    /// The confusion matrix as a heatmap, rows the true class.
    static func heatmap(_ m: ConfusionMatrix, names: [String]) -> Heatmap {
        Heatmap.confusionMatrix(m.counts, labels: (0..<m.classes).map { $0 < names.count ? names[$0] : String($0) })
    }
}
