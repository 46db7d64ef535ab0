/// A chart of several named series over a shared x and y axis, with a title, axis labels and a
/// legend; drawn as terminal text (`renderTerminal`) or as an SVG document (`renderSVG`).
///
///     let chart = LineChart(title: "Learning curve", xLabel: "epoch", yLabel: "loss",
///                           series: [Series("train", y: trainLoss),
///                                    Series("validation", y: validationLoss)],
///                           yScale: .log)
///     output(chart.renderTerminal(width: 80, height: 20, colour: isTerminal))
///     try chart.renderSVG(width: 640, height: 400).write(to: url, ...)   // the caller writes files
///
/// Non-finite points are skipped (a line breaks there) and counted in the legend; a chart with no
/// drawable point at all says "no data".
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var yScale: AxisScale

    public init(title: String = "", xLabel: String = "", yLabel: String = "",
                series: [Series], yScale: AxisScale = .linear) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yScale = yScale
    }
}

/// A point in axis coordinates (x as given, y after the y scale's transform).
struct PlotPoint: Equatable {
    var x: Double
    var y: Double
}

/// The drawable part of one series: runs of consecutive valid points (a line breaks between
/// runs) and how many points were skipped.
struct PlottedSeries {
    var name: String
    var style: SeriesStyle
    var runs: [[PlotPoint]]
    var skipped: Int

    var points: [PlotPoint] { runs.flatMap { $0 } }

    /// The legend text: the name, plus a note when points were skipped.
    var legendLabel: String {
        skipped == 0 ? name : "\(name) (\(skipped) skipped)"
    }
}

extension LineChart {
    /// The series reduced to drawable points in axis coordinates.
    func plottedSeries() -> [PlottedSeries] {
        series.map { s in
            var runs: [[PlotPoint]] = []
            var current: [PlotPoint] = []
            var skipped = 0
            for (x, y) in s.pairs {
                let ty = yScale.transform(y)
                if x.isFinite && ty.isFinite {
                    current.append(PlotPoint(x: x, y: ty))
                } else {
                    skipped += 1
                    if !current.isEmpty { runs.append(current); current = [] }
                }
            }
            if !current.isEmpty { runs.append(current) }
            return PlottedSeries(name: s.name, style: s.style, runs: runs, skipped: skipped)
        }
    }

    /// The x and y axes for these series with about `xTicks` and `yTicks` ticks
    /// (0…1 on both when there is nothing to draw).
    func axes(for plotted: [PlottedSeries], xTicks: Int, yTicks: Int) -> (x: Axis, y: Axis) {
        let points = plotted.flatMap(\.points)
        let xs = points.map(\.x), ys = points.map(\.y)
        let integerX = !xs.isEmpty && xs.allSatisfy { $0 == $0.rounded() }
        let xAxis = Axis(covering: xs.isEmpty ? [0, 1] : xs, scale: .linear, target: xTicks,
                         integerSteps: integerX)
        let yAxis = Axis(covering: ys.isEmpty ? [0, 1] : ys,
                         scale: yScale, target: yTicks, padding: 0.03)
        return (xAxis, yAxis)
    }
}
