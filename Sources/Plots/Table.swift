/// A results table: a header row and rows of text cells (the caller formats the numbers),
/// written as CSV (`csv()`) or as aligned terminal text (`renderTerminal()`).
///
///     let table = Table(header: ["lr", "activation", "mse"],
///                       rows: [["0.01", "tanh", "0.0041"], ["0.1", "relu", "0.0008"]])
///     let file = table.csv()                 // the caller writes it
///
/// Rows shorter than the widest row (or the header) are padded with empty cells.
public struct Table: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The number of columns: the widest of the header and the rows.
    var columnCount: Int { max(header.count, rows.map(\.count).max() ?? 0) }

    /// `row` padded with empty cells to `columnCount`.
    func padded(_ row: [String]) -> [String] {
        row + Array(repeating: "", count: max(0, columnCount - row.count))
    }
}
