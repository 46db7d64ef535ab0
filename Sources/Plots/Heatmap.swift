/// A grid of values coloured by a scale, with row and column labels and the values written in
/// the cells where they fit: results tables (learning rate × activation → MSE) and confusion
/// matrices (true class × predicted class → count).
///
///     let map = Heatmap(title: "MSE", rowTitle: "lr", columnTitle: "activation",
///                       rowLabels: ["0.001", "0.01"], columnLabels: ["relu", "tanh"],
///                       values: [[0.012, 0.020], [0.004, 0.3]], scale: .log)
///     output(map.renderTerminal(width: 80, colour: isTerminal))
///     let svg = map.renderSVG(width: 640, height: 400)
///
/// `values[row][column]`. Ragged input is padded: missing values are NaN (drawn blank, shown
/// as "–"), missing labels are the row or column number. On a log scale, values ≤ 0 are shown
/// but not coloured. Whole numbers are written as integers.
public struct Heatmap: Sendable, Equatable {
    public var title: String
    /// What the rows are ("lr", "true class").
    public var rowTitle: String
    /// What the columns are ("activation", "predicted").
    public var columnTitle: String
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var values: [[Double]]
    /// How values map onto the colour scale.
    public var scale: AxisScale

    public init(title: String = "", rowTitle: String = "", columnTitle: String = "",
                rowLabels: [String], columnLabels: [String], values: [[Double]],
                scale: AxisScale = .linear) {
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.scale = scale
    }

    /// A confusion matrix: `counts[true class][predicted class]`, rows "true", columns
    /// "predicted", both labelled by `labels` (class numbers 0, 1, … when nil).
    public static func confusionMatrix(_ counts: [[Int]], labels: [String]? = nil,
                                       title: String = "Confusion matrix") -> Heatmap {
        let size = max(counts.count, counts.map(\.count).max() ?? 0)
        let names = labels ?? (0..<size).map(String.init)
        return Heatmap(title: title, rowTitle: "true", columnTitle: "predicted",
                       rowLabels: names, columnLabels: names,
                       values: counts.map { $0.map(Double.init) })
    }
}

/// A heatmap's cells after padding ragged input, with each value's place on the colour scale.
struct HeatmapGrid {
    let rows: Int
    let columns: Int
    let rowLabels: [String]
    let columnLabels: [String]
    /// values[row][column], NaN where none was given.
    let values: [[Double]]
    /// The colour-scale bounds in transformed coordinates, nil when no value can be coloured.
    let range: (low: Double, high: Double)?
    /// The lowest and highest value that can be coloured, in data units.
    let valueRange: (low: Double, high: Double)?
    let scale: AxisScale
    /// The text written in a cell.
    let format: (Double) -> String

    init(_ map: Heatmap) {
        rows = max(map.rowLabels.count, map.values.count)
        columns = max(map.columnLabels.count, map.values.map(\.count).max() ?? 0)
        rowLabels = (0..<rows).map { $0 < map.rowLabels.count ? map.rowLabels[$0] : String($0) }
        columnLabels = (0..<columns).map { $0 < map.columnLabels.count ? map.columnLabels[$0] : String($0) }
        let columnCount = columns
        values = (0..<rows).map { r in
            let row = r < map.values.count ? map.values[r] : []
            return (0..<columnCount).map { $0 < row.count ? row[$0] : .nan }
        }
        scale = map.scale
        let scale = map.scale
        let coloured = values.joined().filter { scale.transform($0).isFinite }
        if let low = coloured.min(), let high = coloured.max() {
            range = (scale.transform(low), scale.transform(high))
            valueRange = (low, high)
        } else {
            range = nil
            valueRange = nil
        }
        format = NumberFormat.cellLabels(Array(values.joined()))
    }

    /// The value's position 0…1 on the colour scale, nil when it cannot be coloured
    /// (NaN, infinite, or ≤ 0 on a log scale). A scale of one value puts everything at 0.5.
    func position(_ value: Double) -> Double? {
        let t = scale.transform(value)
        guard t.isFinite, let range else { return nil }
        return range.high > range.low ? (t - range.low) / (range.high - range.low) : 0.5
    }

    /// The text for a cell: the formatted value, or "–" for a missing one.
    func text(_ value: Double) -> String {
        value.isNaN ? "–" : format(value)
    }

}
