extension LineChart {
    /// The chart as a standalone SVG document of `width` × `height` pixels: white background,
    /// title, grid, ticks and tick labels, axis labels, one `<g class="series">` per series
    /// (holding a `<path>` for a line, `<circle>`s for points) and a legend on the right.
    public func renderSVG(width: Int = 640, height: Int = 400) -> String {
        let width = max(width, 200), height = max(height, 150)
        let plotted = plottedSeries()
        let hasData = plotted.contains { !$0.runs.isEmpty }
        var svg = SVGDocument(width: width, height: height)

        let tickSize = 11.0, labelSize = 13.0, titleSize = 16.0
        let legendWidth = plotted.isEmpty ? 0
            : (plotted.map { SVGDocument.textWidth(Self.legendText($0), size: tickSize) }.max() ?? 0) + 44
        // A long title shrinks a little, then wraps (SVGDocument.titleLines); it is never cut.
        let titleLayout = SVGDocument.titleLines(title, width: Double(width) - 20, size: titleSize)
        let titleExtra = Double(titleLayout.lines.count - 1) * titleLayout.size * 1.2
        let top = title.isEmpty ? 16.0 : 40.0 + titleExtra
        let bottom = 34.0 + (xLabel.isEmpty ? 0 : 20)
        let plotHeight = max(40, Double(height) - top - bottom)
        let (_, yAxis) = axes(for: plotted, xTicks: 2, yTicks: max(2, Int(plotHeight / 50) + 1))
        let yLabelWidth = hasData
            ? (yAxis.labels.map { SVGDocument.textWidth($0, size: tickSize) }.max() ?? 0) : 0
        let left = 16 + yLabelWidth + (yLabel.isEmpty ? 0 : 22)
        let right = 16 + legendWidth
        let plotWidth = max(60, Double(width) - left - right)
        let (xAxis, _) = axes(for: plotted, xTicks: max(2, Int(plotWidth / 80) + 1), yTicks: 2)

        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotHeight }
        let n = SVGDocument.number

        if !title.isEmpty {
            // Centred over the plot when it fits there, else over the whole picture.
            let widest = titleLayout.lines.map { SVGDocument.textWidth($0, size: titleLayout.size, bold: true) }.max() ?? 0
            let centre = widest <= plotWidth + 2 * min(left, right) - 20 ? left + plotWidth / 2 : Double(width) / 2
            svg.title(title, x: centre, y: 26, width: Double(width) - 20, size: titleSize)
        }
        // Frame, grid and ticks.
        svg.element("rect", [("x", n(left)), ("y", n(top)), ("width", n(plotWidth)),
                             ("height", n(plotHeight)), ("fill", "none"), ("stroke", "#888")])
        if hasData {
            svg.openGroup([("class", "grid"), ("stroke", "#e4e4e4"), ("stroke-width", "1")])
            for t in xAxis.ticks {
                svg.element("line", [("x1", n(px(t))), ("y1", n(top)), ("x2", n(px(t))), ("y2", n(top + plotHeight))])
            }
            for t in yAxis.ticks {
                svg.element("line", [("x1", n(left)), ("y1", n(py(t))), ("x2", n(left + plotWidth)), ("y2", n(py(t)))])
            }
            svg.closeGroup()
            svg.openGroup([("class", "ticks")])
            for (t, label) in zip(xAxis.ticks, xAxis.labels) {
                svg.element("line", [("x1", n(px(t))), ("y1", n(top + plotHeight)), ("x2", n(px(t))),
                                     ("y2", n(top + plotHeight + 5)), ("stroke", "#888")])
                svg.text(label, x: px(t), y: top + plotHeight + 18, size: tickSize)
            }
            for (t, label) in zip(yAxis.ticks, yAxis.labels) {
                svg.element("line", [("x1", n(left - 5)), ("y1", n(py(t))), ("x2", n(left)),
                                     ("y2", n(py(t))), ("stroke", "#888")])
                svg.text(label, x: left - 8, y: py(t) + 4, size: tickSize, anchor: "end")
            }
            svg.closeGroup()
        } else {
            svg.text("no data", x: left + plotWidth / 2, y: top + plotHeight / 2, size: labelSize, fill: "#888")
        }
        if !xLabel.isEmpty {
            svg.text(xLabel, x: left + plotWidth / 2, y: Double(height) - 10, size: labelSize, className: "x-label")
        }
        if !yLabel.isEmpty {
            svg.text(yLabel, x: 18, y: top + plotHeight / 2, size: labelSize, rotate: -90, className: "y-label")
        }

        // Series: points first so lines stay visible over them.
        let order = plotted.indices.filter { plotted[$0].style == .points }
            + plotted.indices.filter { plotted[$0].style == .line }
        for i in order {
            let s = plotted[i]
            let colour = Palette.hex(i)
            svg.openGroup([("class", "series"), ("data-name", s.name)])
            switch s.style {
            case .line where !s.runs.isEmpty:
                // A run of one point (a one-epoch history, a value between gaps) has no segment
                // to stroke: it is drawn as a dot.
                for run in s.runs where run.count == 1 {
                    svg.element("circle", [("cx", n(px(run[0].x))), ("cy", n(py(run[0].y))), ("r", "3"), ("fill", colour)])
                }
                let d = s.runs.filter { $0.count > 1 }.map { run in
                    run.enumerated().map { k, p in "\(k == 0 ? "M" : "L")\(n(px(p.x))) \(n(py(p.y)))" }
                        .joined(separator: " ")
                }.joined(separator: " ")
                if !d.isEmpty {
                    svg.element("path", [("d", d), ("fill", "none"), ("stroke", colour), ("stroke-width", "2"),
                                         ("stroke-linejoin", "round"), ("stroke-linecap", "round")])
                }
            case .line:
                break   // nothing drawable: the group stays, for the legend's sake
            case .points:
                for p in s.points {
                    svg.element("circle", [("cx", n(px(p.x))), ("cy", n(py(p.y))), ("r", "3"),
                                           ("fill", colour), ("fill-opacity", "0.75")])
                }
            }
            svg.closeGroup()
        }

        // Legend.
        if !plotted.isEmpty {
            svg.openGroup([("class", "legend")])
            let x0 = left + plotWidth + 14
            for (i, s) in plotted.enumerated() {
                let y = top + 10 + Double(i) * 20
                switch s.style {
                case .line:
                    svg.element("line", [("x1", n(x0)), ("y1", n(y)), ("x2", n(x0 + 22)), ("y2", n(y)),
                                         ("stroke", Palette.hex(i)), ("stroke-width", "2")])
                case .points:
                    svg.element("circle", [("cx", n(x0 + 11)), ("cy", n(y)), ("r", "3"), ("fill", Palette.hex(i))])
                }
                svg.text(Self.legendText(s), x: x0 + 28, y: y + 4, size: tickSize, anchor: "start")
            }
            svg.closeGroup()
        }
        return svg.rendered()
    }

    /// A legend entry's text, cut so a long name cannot squeeze the plot away.
    private static func legendText(_ s: PlottedSeries) -> String {
        s.legendLabel.truncated(to: 32)
    }
}
