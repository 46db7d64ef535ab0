extension Heatmap {
    /// The heatmap as a standalone SVG document of `width` × `height` pixels: title, column
    /// title and labels above, row title and labels on the left, one `<rect>` per cell
    /// (`<g class="cells">`), the values in the cells when they fit (`<g class="values">`),
    /// and a colour bar with ticks on the right (`<g class="colour-bar">`).
    public func renderSVG(width: Int = 640, height: Int = 400) -> String {
        let width = max(width, 200), height = max(height, 150)
        let grid = HeatmapGrid(self)
        var svg = SVGDocument(width: width, height: height)
        let n = SVGDocument.number
        let labelSize = 12.0, titleSize = 16.0

        let titleLayout = SVGDocument.titleLines(title, width: Double(width) - 20, size: titleSize)
        let titleHeight = title.isEmpty ? 10.0 : 36 + Double(titleLayout.lines.count - 1) * titleLayout.size * 1.2
        let columnTitleHeight = columnTitle.isEmpty ? 0.0 : 20
        // Column labels: one size for all, the largest at which every label fits its cell
        // (down to 7 px); below that they stand upright over their columns. Never cut.
        let columnsWidth = Double(width) - 10 - (rowTitle.isEmpty ? 0.0 : 22)
            - ((grid.rowLabels.map { SVGDocument.textWidth($0, size: labelSize) }.max() ?? 0) + 10)
            - (grid.range == nil ? 10.0 : 54 + (colourBarTicks(grid).map { SVGDocument.textWidth($0.label, size: 11) }.max() ?? 0))
        let roughCell = columnsWidth / Double(max(1, grid.columns))
        let labelFit = grid.columnLabels.map { (roughCell - 4) / max(1, SVGDocument.textWidth($0, size: 1)) }.min() ?? labelSize
        let columnLabelSize = min(labelSize, labelFit)
        let upright = columnLabelSize < 7
        let uprightSize = min(labelSize, max(7, roughCell * 0.8))
        let columnLabelHeight = upright
            ? (grid.columnLabels.map { SVGDocument.textWidth($0, size: uprightSize) }.max() ?? 0) + 8 : 20
        let top = titleHeight + columnTitleHeight + columnLabelHeight
        let rowTitleWidth = rowTitle.isEmpty ? 0.0 : 22
        let rowLabelWidth = (grid.rowLabels.map { SVGDocument.textWidth($0, size: labelSize) }.max() ?? 0) + 10
        let left = 10 + rowTitleWidth + rowLabelWidth
        let bar = colourBarTicks(grid)
        let barLabelWidth = bar.map { SVGDocument.textWidth($0.label, size: 11) }.max() ?? 0
        let right = grid.range == nil ? 10.0 : 20 + 16 + 8 + barLabelWidth + 10
        let bottom = 16.0
        let gridWidth = Double(width) - left - right, gridHeight = Double(height) - top - bottom

        if !title.isEmpty {
            let widest = titleLayout.lines.map { SVGDocument.textWidth($0, size: titleLayout.size, bold: true) }.max() ?? 0
            let centre = widest <= gridWidth ? left + gridWidth / 2 : Double(width) / 2
            svg.title(title, x: centre, y: 26, width: Double(width) - 20, size: titleSize)
        }
        guard grid.rows > 0, grid.columns > 0 else {
            svg.text("no data", x: Double(width) / 2, y: Double(height) / 2, size: labelSize, fill: "#888")
            return svg.rendered()
        }
        let cellWidth = gridWidth / Double(grid.columns), cellHeight = gridHeight / Double(grid.rows)

        if !columnTitle.isEmpty {
            svg.text(columnTitle, x: left + gridWidth / 2, y: titleHeight + 14, size: 13, className: "column-title")
        }
        if !rowTitle.isEmpty {
            svg.text(rowTitle, x: 10 + 12, y: top + gridHeight / 2, size: 13, rotate: -90, className: "row-title")
        }

        svg.openGroup([("class", "column-labels")])
        for (c, label) in grid.columnLabels.enumerated() {
            let x = left + (Double(c) + 0.5) * cellWidth
            if upright {
                svg.text(label, x: x + uprightSize * 0.35, y: top - 6, size: uprightSize, anchor: "start", rotate: -90)
            } else {
                svg.text(label, x: x, y: top - 6, size: columnLabelSize)
            }
        }
        svg.closeGroup()
        svg.openGroup([("class", "row-labels")])
        for (r, label) in grid.rowLabels.enumerated() {
            let size = min(labelSize, max(6, cellHeight * 0.8))
            svg.text(label, x: left - 6, y: top + (Double(r) + 0.5) * cellHeight + size * 0.35, size: size, anchor: "end")
        }
        svg.closeGroup()

        svg.openGroup([("class", "cells"), ("stroke", "white"), ("stroke-width", "1")])
        for r in 0..<grid.rows {
            for c in 0..<grid.columns {
                let fill = grid.position(grid.values[r][c]).map(ColourMap.hex) ?? "#eeeeee"
                svg.element("rect", [("x", n(left + Double(c) * cellWidth)), ("y", n(top + Double(r) * cellHeight)),
                                     ("width", n(cellWidth)), ("height", n(cellHeight)), ("fill", fill)])
            }
        }
        svg.closeGroup()

        // Values, when a readable font fits every cell.
        let texts = grid.values.map { $0.map(grid.text) }
        let longest = Double(texts.joined().map(\.count).max() ?? 1)
        let valueSize = min(12, cellHeight * 0.5, (cellWidth - 4) / (0.6 * longest))
        if valueSize >= 6 {
            svg.openGroup([("class", "values")])
            for r in 0..<grid.rows {
                for c in 0..<grid.columns {
                    let t = grid.position(grid.values[r][c])
                    let fill = t.map { ColourMap.isDark($0) ? "white" : "#111" } ?? "#666"
                    svg.text(texts[r][c], x: left + (Double(c) + 0.5) * cellWidth,
                             y: top + (Double(r) + 0.5) * cellHeight + valueSize * 0.35, size: valueSize, fill: fill)
                }
            }
            svg.closeGroup()
        }

        if grid.range != nil {
            let x = left + gridWidth + 20
            svg.raw(Self.gradientDefinition)
            svg.openGroup([("class", "colour-bar")])
            svg.element("rect", [("x", n(x)), ("y", n(top)), ("width", "16"), ("height", n(gridHeight)),
                                 ("fill", "url(#heatmap-scale)"), ("stroke", "#888")])
            for tick in bar {
                let y = top + (1 - tick.position) * gridHeight
                svg.element("line", [("x1", n(x + 16)), ("y1", n(y)), ("x2", n(x + 20)), ("y2", n(y)), ("stroke", "#888")])
                svg.text(tick.label, x: x + 24, y: y + 4, size: 11, anchor: "start")
            }
            if scale == .log {
                svg.text("log scale", x: x + 8, y: top + gridHeight + 12, size: 9, fill: "#666")
            }
            svg.closeGroup()
        }
        return svg.rendered()
    }

    /// A vertical gradient through the colour map, low at the bottom.
    private static var gradientDefinition: String {
        let stops = (0...8).map { i -> String in
            let t = Double(i) / 8
            return "<stop offset=\"\(SVGDocument.number(t * 100))%\" stop-color=\"\(ColourMap.hex(t))\"/>"
        }.joined()
        return "<defs><linearGradient id=\"heatmap-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops)</linearGradient></defs>"
    }

    /// Ticks of the colour bar: positions 0…1 from the bottom and their labels.
    private func colourBarTicks(_ grid: HeatmapGrid) -> [(position: Double, label: String)] {
        guard let range = grid.range, let values = grid.valueRange else { return [] }
        guard range.high > range.low else { return [(0.5, grid.text(values.low))] }
        let axis = Axis(covering: [range.low, range.high], scale: scale, target: 5)
        return zip(axis.ticks, axis.labels).compactMap { tick, label in
            let position = (tick - range.low) / (range.high - range.low)
            return position >= -1e-9 && position <= 1 + 1e-9 ? (position, label) : nil
        }
    }
}
