import Foundation

/// A results table (`grid`, filled by `record`, drawn by `heatmap`): rows of named values.
/// Columns appear in the order they were first recorded. `t.mse` is the column as a list.
final class TableObject: ShellObject, @unchecked Sendable {
    static let typeDescription = "a results table"
    var columns: [String] = []
    var rows: [[String: Value]] = []

    var fieldNames: [String] { ["rows", "columns"] + columns }

    func field(_ name: String) -> Value? {
        switch name {
        case "rows": return .number(Double(rows.count))
        case "columns": return .list(columns.map { .string($0) })
        default:
            guard columns.contains(name) else { return nil }
            return .list(rows.map { $0[name] ?? Value.none })
        }
    }

    func append(_ row: [(String, Value)]) {
        var r: [String: Value] = [:]
        for (k, v) in row {
            if !columns.contains(k) { columns.append(k) }
            r[k] = v
        }
        rows.append(r)
    }

    var shortDescription: String { "<results table: \(rows.count) rows × \(columns.count) columns>" }

    /// The table as aligned text: a header row, then one line per row.
    var summary: String {
        guard !rows.isEmpty else { return "(empty results table: fill it with record)" }
        let cells = rows.map { row in columns.map { TableObject.cell(row[$0] ?? Value.none) } }
        let widths = columns.indices.map { c in max(columns[c].count, cells.map { $0[c].count }.max() ?? 0) }
        var lines = [zip(columns, widths).map { pad($0, $1) }.joined(separator: "  ")]
        for row in cells {
            lines.append(zip(row, widths).map { pad($0, $1) }.joined(separator: "  "))
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }

    /// A cell's text: numbers with 4 significant digits, strings bare.
    static func cell(_ v: Value) -> String {
        if case .number(let x) = v, x != x.rounded() { return Format.apply(".4g", to: v) }
        return v.display
    }
}
