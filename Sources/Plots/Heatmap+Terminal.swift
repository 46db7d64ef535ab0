extension Heatmap {
    /// The heatmap as terminal text of about `width` columns, lines joined by "\n" (no
    /// trailing newline): title, column title, column labels, one line per row, then the scale.
    ///
    /// With `colour` each cell has an ANSI 256-colour background from the scale (viridis) and
    /// its value in black or white; without, each cell is its value right-aligned after shade
    /// characters (" ░▒▓█", low to high). When the values do not fit in `width`,
    /// cells show the colour or shade only, and a note says so.
    public func renderTerminal(width: Int = 80, colour: Bool = false) -> String {
        let grid = HeatmapGrid(self)
        var lines: [TextLine] = []
        if !title.isEmpty {
            var line = TextLine()
            line.append(title.truncated(to: max(1, width)))
            lines.append(line)
        }
        guard grid.rows > 0, grid.columns > 0 else {
            var line = TextLine()
            line.append("no data")
            return (lines + [line]).map { $0.rendered(colour: colour) }.joined(separator: "\n")
        }

        let labelWidth = min(20, max(rowTitle.count, grid.rowLabels.map(\.count).max() ?? 0))
        let texts = grid.values.map { $0.map(grid.text) }
        let valueWidth = texts.joined().map(\.count).max() ?? 1
        let columnLabelWidth = min(12, grid.columnLabels.map(\.count).max() ?? 0)

        // Full cells show values; compact cells show the colour only.
        // Mono cell: the value right-aligned, shade characters filling the room to its left,
        // then a one-space gap; colour cell: " value " on its background.
        let separator = colour ? 0 : 1
        var cellWidth = colour ? max(valueWidth + 2, columnLabelWidth + 1)
                               : max(valueWidth + 2, columnLabelWidth)
        let showValues = labelWidth + 1 + grid.columns * (cellWidth + separator) <= width
        if !showValues { cellWidth = max(2, min(columnLabelWidth, 3)) }

        if !columnTitle.isEmpty {
            var line = TextLine()
            let cellsWidth = grid.columns * (cellWidth + separator)
            let text = columnTitle.truncated(to: max(1, width - labelWidth - 1))
            line.write(text, at: labelWidth + 1 + max(0, (cellsWidth - text.count) / 2))
            lines.append(line)
        }
        var header = TextLine()
        header.append(rowTitle.truncated(to: labelWidth).padded(to: labelWidth) + " ")
        for label in grid.columnLabels {
            let room = colour && showValues ? cellWidth - 1 : cellWidth
            let text = label.truncated(to: room).padded(to: room, right: true)
            header.append(text + String(repeating: " ", count: cellWidth - room + separator))
        }
        lines.append(header)

        for (r, rowLabel) in grid.rowLabels.enumerated() {
            var line = TextLine()
            line.append(rowLabel.truncated(to: labelWidth).padded(to: labelWidth) + " ")
            for c in 0..<grid.columns {
                let value = grid.values[r][c]
                let t = grid.position(value)
                let text = showValues ? texts[r][c] : ""
                if colour {
                    let background = t.map(ColourMap.ansi256)
                    let foreground = t.map { ColourMap.isDark($0) ? 231 : 16 }
                    let content = showValues ? text.padded(to: cellWidth - 1, right: true) + " "
                                             : String(repeating: " ", count: cellWidth)
                    line.append(content, foreground: foreground, background: background)
                } else {
                    let shade = t.map(ColourMap.shade) ?? " "
                    let content = String(repeating: String(shade), count: cellWidth - text.count) + text
                    line.append(content + String(repeating: " ", count: separator))
                }
            }
            lines.append(line)
        }
        lines.append(scaleLine(grid, colour: colour))
        if !showValues {
            var note = TextLine()
            note.append("(values hidden: \(width) columns are too few to show them)")
            lines.append(note)
        }
        return lines.map { $0.rendered(colour: colour) }.joined(separator: "\n")
    }

    /// "scale: low ▕░▒▓█▏ high", the shades or 16 colours from low to high.
    private func scaleLine(_ grid: HeatmapGrid, colour: Bool) -> TextLine {
        var line = TextLine()
        guard let range = grid.valueRange else {
            line.append("scale: no value to colour")
            return line
        }
        line.append("scale: \(grid.text(range.low)) ")
        if colour {
            let steps = 16
            for i in 0..<steps {
                line.append(" ", background: ColourMap.ansi256(Double(i) / Double(steps - 1)))
            }
        } else {
            line.append("[" + String(ColourMap.shades) + "]")
        }
        line.append(" \(grid.text(range.high))" + (scale == .log ? " (log)" : ""))
        return line
    }
}
