extension LineChart {
    /// The chart as terminal text of at most `width` columns and about `height` lines
    /// (title, y label, plot rows, x axis, tick labels, x label, legend), lines joined by "\n"
    /// with no trailing newline.
    ///
    /// Lines are drawn in braille dots (2×4 per character cell); points as marker glyphs
    /// (•, ×, +, …). With `colour` each series gets an ANSI 256 colour; without it lines of
    /// different series carry their marker glyph every few cells, so they can be told apart.
    public func renderTerminal(width: Int = 80, height: Int = 20, colour: Bool = false) -> String {
        let width = max(width, 24)
        let plotted = plottedSeries()
        let hasData = plotted.contains { !$0.runs.isEmpty }
        let markLines = !colour && plotted.count > 1

        let legend = legendLines(plotted, width: width, markLines: markLines)
        let headerCount = (title.isEmpty ? 0 : 1) + (yLabel.isEmpty ? 0 : 1)
        let footerCount = 2 + (xLabel.isEmpty ? 0 : 1) + legend.count
        let rows = max(3, height - headerCount - footerCount)

        // y axis first: its labels decide how wide the left margin is.
        let (_, yProbe) = axes(for: plotted, xTicks: 2, yTicks: max(2, rows / 2 + 1))
        let yAxis = yProbe
        let yTickRows = hasData ? tickRows(yAxis, rows: rows) : [:]
        let margin = hasData ? (yAxis.labels.map(\.count).max() ?? 0) : 0
        let columns = max(8, width - margin - 2)
        let (xAxis, _) = axes(for: plotted, xTicks: max(2, columns / 12 + 1), yTicks: 2)

        var canvas = BrailleCanvas(columns: columns, rows: rows)
        draw(plotted, on: &canvas, x: xAxis, y: yAxis, markLines: markLines)

        var lines: [TextLine] = []
        if !title.isEmpty {
            var line = TextLine()
            let text = title.truncated(to: width)
            line.write(text, at: max(0, margin + 2 + (columns - text.count) / 2))
            lines.append(line)
        }
        if !yLabel.isEmpty {
            var line = TextLine()
            line.append(yLabel.truncated(to: width))
            lines.append(line)
        }
        for r in 0..<rows {
            var line = TextLine()
            if let label = yTickRows[r] {
                line.append(label.padded(to: margin, right: true) + " ┤")
            } else {
                line.append(String(repeating: " ", count: margin) + " │")
            }
            for (character, series) in canvas.row(r) {
                line.append(character, foreground: series.map(Palette.ansi))
            }
            lines.append(line)
        }
        if !hasData {
            let message = "no data"
            lines[headerCount + rows / 2].write(message, at: margin + 2 + max(0, (columns - message.count) / 2))
        }

        // x axis line and its tick labels.
        let xTickColumns = hasData
            ? xAxis.ticks.map { pixel(xAxis.fraction($0), size: canvas.pixelWidth) / 2 } : []
        var axisLine = TextLine()
        axisLine.append(String(repeating: " ", count: margin) + " └")
        for c in 0..<columns { axisLine.append(xTickColumns.contains(c) ? "┬" : "─") }
        lines.append(axisLine)
        var labelLine = TextLine()
        var nextFree = 0
        for (column, label) in zip(xTickColumns, xAxis.labels) {
            let centre = margin + 2 + column
            let start = min(max(0, centre - label.count / 2), width - label.count)
            if start < nextFree { continue }
            labelLine.write(label, at: start)
            nextFree = start + label.count + 1
        }
        lines.append(labelLine)
        if !xLabel.isEmpty {
            var line = TextLine()
            let text = xLabel.truncated(to: width)
            line.write(text, at: max(0, margin + 2 + (columns - text.count) / 2))
            lines.append(line)
        }
        lines += legend
        return lines.map { $0.rendered(colour: colour) }.joined(separator: "\n")
    }

    /// Pixel index 0..<size for a fraction 0…1 of the axis (one beyond an end, at most, for a
    /// fraction outside it; the canvas clips those).
    private func pixel(_ fraction: Double, size: Int) -> Int {
        Int((Swift.max(-1, Swift.min(2, fraction)) * Double(size - 1)).rounded())
    }

    /// Plot row of each tick label (top row 0), at most one label per row.
    private func tickRows(_ axis: Axis, rows: Int) -> [Int: String] {
        var result: [Int: String] = [:]
        for (tick, label) in zip(axis.ticks, axis.labels) {
            let row = pixel(1 - axis.fraction(tick), size: 4 * rows) / 4
            if result[row] == nil { result[row] = label }
        }
        return result
    }

    /// Draws points (glyphs) first, then lines (dots, never over a glyph), then, when
    /// `markLines`, each line's marker glyph every few cells along it.
    private func draw(_ plotted: [PlottedSeries], on canvas: inout BrailleCanvas,
                      x: Axis, y: Axis, markLines: Bool) {
        func pixelOf(_ p: PlotPoint) -> (Int, Int) {
            (pixel(x.fraction(p.x), size: canvas.pixelWidth),
             pixel(1 - y.fraction(p.y), size: canvas.pixelHeight))
        }
        for (i, s) in plotted.enumerated() where s.style == .points {
            for p in s.points {
                let (px, py) = pixelOf(p)
                canvas.place(Palette.marker(i), column: px / 2, row: py / 4, series: i)
            }
        }
        let lineSeries = plotted.indices.filter { plotted[$0].style == .line }
        let spacing = max(6, canvas.columns / 6)
        for (order, i) in lineSeries.enumerated() {
            var visited: [Int: Int] = [:]   // column -> first row the line passed through
            for run in plotted[i].runs {
                var previous = pixelOf(run[0])
                canvas.line(from: previous, to: previous, series: i) { c, r in
                    if visited[c] == nil { visited[c] = r }
                }
                for p in run.dropFirst() {
                    let next = pixelOf(p)
                    canvas.line(from: previous, to: next, series: i) { c, r in
                        if visited[c] == nil { visited[c] = r }
                    }
                    previous = next
                }
            }
            guard markLines else { continue }
            let offset = spacing / 2 + order * spacing / max(1, lineSeries.count)
            for column in stride(from: offset % spacing, to: canvas.columns, by: spacing) {
                if let row = visited[column], !canvas.hasGlyph(column: column, row: row) {
                    canvas.place(Palette.marker(i), column: column, row: row, series: i)
                }
            }
        }
    }

    /// The legend, wrapped to `width`: a sample of each series' look, then its name.
    private func legendLines(_ plotted: [PlottedSeries], width: Int, markLines: Bool) -> [TextLine] {
        var lines: [TextLine] = []
        var line = TextLine()
        for (i, s) in plotted.enumerated() {
            let sample: String
            switch s.style {
            case .points: sample = " \(Palette.marker(i)) "
            case .line: sample = markLines ? "─\(Palette.marker(i))─" : "───"
            }
            let label = s.legendLabel.truncated(to: max(1, width - 4))
            let entryWidth = sample.count + 1 + label.count
            if line.count > 0 && line.count + 3 + entryWidth > width {
                lines.append(line)
                line = TextLine()
            }
            if line.count > 0 { line.append("   ") }
            line.append(sample, foreground: Palette.ansi(i))
            line.append(" " + label)
        }
        if line.count > 0 { lines.append(line) }
        return lines
    }
}
