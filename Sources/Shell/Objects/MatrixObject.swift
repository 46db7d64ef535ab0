import Foundation
import Engine

/// A matrix of numbers from the engine (`net.layers[0].weights`, `.biases`), shown summarised
/// as NumPy and Julia elide large arrays: its shape and statistics, then the corner values
/// that fit the terminal, `…` and `⋮` standing for the rest. `w[i]` is row i as a list;
/// `heatmap w` draws it. The statistics are the engine's (`Matrix.statistics`).
final class MatrixObject: ShellObject, IndexableObject, @unchecked Sendable {
    static let typeDescription = "a matrix"
    let matrix: Matrix<Double>
    /// The precision the numbers are kept in (they are shown in Double).
    let precision: Precision
    /// "layer 0 weights".
    let title: String
    /// What rows and columns are ("input", "output"), for the heatmap's axes.
    let rowTitle: String
    let columnTitle: String
    private(set) lazy var statistics = matrix.statistics

    init(_ matrix: Matrix<Double>, precision: Precision, title: String, rowTitle: String, columnTitle: String) {
        self.matrix = matrix
        self.precision = precision
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
    }

    var fieldNames: [String] { ["rows", "columns", "min", "max", "mean"] }

    func field(_ name: String) -> Value? {
        func number(_ x: Double?) -> Value { x.map(Value.number) ?? Value.none }
        switch name {
        case "rows": return .number(Double(matrix.rows))
        case "columns": return .number(Double(matrix.columns))
        case "min": return number(statistics.minimum)
        case "max": return number(statistics.maximum)
        case "mean": return number(statistics.mean)
        default: return nil
        }
    }

    var elementCount: Int { matrix.rows }
    var elementNoun: String { "row" }
    func element(_ i: Int) -> Value { .list(matrix.row(i).map(Value.number)) }

    /// "784×300 float32".
    var shape: String { "\(matrix.rows)×\(matrix.columns) \(precision.rawValue)" }

    /// "min -0.2313  max 0.2299  mean 0.0004" (and how many are NaN or infinite).
    var statisticsText: String {
        let s = statistics
        guard let low = s.minimum, let high = s.maximum, let mean = s.mean else {
            return matrix.count == 0 ? "empty" : "no finite values"
        }
        return "min \(Self.cell(low))  max \(Self.cell(high))  mean \(Self.cell(mean))"
            + (s.nonFinite > 0 ? "  (\(s.nonFinite) not finite)" : "")
    }

    var shortDescription: String { "<matrix \(title) \(shape), \(statisticsText)>" }

    var summary: String { summary(width: 80) }
    func summary(width: Int) -> String { summary(width: width, maxRows: 10) }

    /// The header line, then at most `maxRows` rows (the first and last halves, `⋮` between)
    /// of the values that fit in `width` columns (first and last columns, `…` between).
    func summary(width: Int, maxRows: Int) -> String {
        // "layer 0 weights: 784×300 float32, min … max … mean …", the statistics on a line of
        // their own when the width is too narrow for both.
        let header = "\(title): \(shape), \(statisticsText)"
        var lines = header.count <= width ? [header] : ["\(title): \(shape)", "  " + statisticsText]
        guard matrix.rows > 0, matrix.columns > 0 else { return lines.joined(separator: "\n") }
        let shownRows = Self.corners(matrix.rows, keep: max(2, maxRows))
        // Cell width from the values that could be shown: the first and last few columns.
        let candidates = Self.corners(matrix.columns, keep: max(2, width / 3))
        let texts = shownRows.compactMap { $0 }.flatMap { r in candidates.compactMap { $0 }.map { Self.cell(matrix[r, $0]) } }
        let cellWidth = texts.map(\.count).max() ?? 1
        let gap = 2
        let fitting = max(1, (width - 1) / (cellWidth + gap))
        let shownColumns = matrix.columns <= fitting
            ? Self.corners(matrix.columns, keep: matrix.columns)
            : Self.corners(matrix.columns, keep: max(2, (width - 1 - 3) / (cellWidth + gap)))
        for r in shownRows {
            guard let r else {
                lines.append(shownColumns.map { c in c == nil ? " ⋱" : padLeft("⋮", cellWidth + gap) }.joined())
                continue
            }
            lines.append(shownColumns.map { c in
                c.map { padLeft(Self.cell(matrix[r, $0]), cellWidth + gap) } ?? "  …"
            }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// Indices 0..<count, or the first and last `keep / 2` with nil (elided) between.
    static func corners(_ count: Int, keep: Int) -> [Int?] {
        guard count > keep else { return Array(0..<count) }
        let head = (keep + 1) / 2, tail = keep / 2
        return Array(0..<head) + [nil] + Array((count - tail)..<count)
    }

    /// A value as 4 significant digits ("-0.04562", "1.235e-05", "3").
    static func cell(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == x.rounded(), abs(x) < 1e6 { return formatNumber(x) }
        return String(format: "%.4g", x)
    }
}
