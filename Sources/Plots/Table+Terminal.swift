extension Table {
    /// The table as aligned text: the header, a rule of "─", then the rows; columns separated
    /// by two spaces, numbers right-aligned and other text left-aligned (decided per column:
    /// right when every non-empty cell reads as a number). Lines joined by "\n", no trailing
    /// newline, trailing spaces removed.
    public func renderTerminal() -> String {
        let count = columnCount
        guard count > 0 else { return "" }
        let all = [padded(header)] + rows.map(padded)
        let widths = (0..<count).map { c in all.map { $0[c].count }.max() ?? 0 }
        let numeric = (0..<count).map { c in
            let cells = rows.map { padded($0)[c] }.filter { !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy { Double($0) != nil || $0 == "nan" || $0 == "inf" || $0 == "-inf" }
        }
        func line(_ cells: [String]) -> String {
            let text = cells.enumerated().map { c, cell in cell.padded(to: widths[c], right: numeric[c]) }
                .joined(separator: "  ")
            return String(text.reversed().drop { $0 == " " }.reversed())
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([line(padded(header)), rule] + rows.map { line(padded($0)) }).joined(separator: "\n")
    }
}
