extension Table {
    /// The table as a standalone SVG document: the title (if any), the header in bold over a
    /// rule, then the rows, striped (empty cells draw nothing); columns as wide as their widest cell, and right-aligned
    /// where `rightAligned` says (missing entries: left). `<g class="row">` per row, the header's
    /// included. The width follows from the columns, at least `minimumWidth` pixels.
    public func renderSVG(title: String = "", rightAligned: [Bool] = [], minimumWidth: Int = 200) -> String {
        let count = columnCount
        let all = [padded(header)] + rows.map(padded)
        let size = 12.0, padding = 8.0, rowHeight = 20.0, margin = 10.0
        let widths = (0..<count).map { c in
            all.enumerated().map { r, cells in SVGDocument.textWidth(cells[c], size: size, bold: r == 0) }.max() ?? 0
        }
        let tableWidth = widths.reduce(0) { $0 + $1 + 2 * padding }
        let titleWidth = title.isEmpty ? 0 : SVGDocument.textWidth(title, size: 14, bold: true) + 2 * margin
        let width = Int(max(Double(minimumWidth), tableWidth + 2 * margin, min(titleWidth, 640)).rounded(.up))
        let titleLayout = SVGDocument.titleLines(title, width: Double(width) - 2 * margin, size: 14)
        let top = title.isEmpty ? margin : 30 + Double(titleLayout.lines.count - 1) * titleLayout.size * 1.2
        let height = Int(top + Double(all.count) * rowHeight + margin)
        var svg = SVGDocument(width: width, height: height)
        let n = SVGDocument.number

        if !title.isEmpty {
            svg.title(title, x: Double(width) / 2, y: 20, width: Double(width) - 2 * margin, size: 14)
        }
        for (r, cells) in all.enumerated() {
            let y0 = top + Double(r) * rowHeight
            svg.openGroup([("class", r == 0 ? "row header" : "row")])
            if r > 0, r % 2 == 0 {
                svg.element("rect", [("x", n(margin)), ("y", n(y0)), ("width", n(tableWidth)),
                                     ("height", n(rowHeight)), ("fill", "#f4f4f4")])
            }
            var x = margin
            for (c, cell) in cells.enumerated() {
                defer { x += widths[c] + 2 * padding }
                guard !cell.isEmpty else { continue }
                let right = c < rightAligned.count && rightAligned[c]
                svg.text(cell, x: right ? x + widths[c] + padding : x + padding, y: y0 + 14, size: size,
                         anchor: right ? "end" : "start", weight: r == 0 ? "bold" : nil)
            }
            svg.closeGroup()
            if r == 0 {
                svg.element("line", [("x1", n(margin)), ("y1", n(y0 + rowHeight)), ("x2", n(margin + tableWidth)),
                                     ("y2", n(y0 + rowHeight)), ("stroke", "#888"), ("stroke-width", "1")])
            }
        }
        return svg.rendered()
    }
}
