import Data
import Engine
import Plots

/// `plot net.history`, `plot net data`, `plot ys`, `plot xs ys`: line charts in the terminal
/// and, with `to=`, as SVG.
struct PlotCommand: Command {
    static let name = "plot"
    static let group = CommandGroup.views
    static let summary = "Draw learning curves, a 1-D regression fit, or lists of numbers (terminal, or SVG with to=)."
    static let parameters: [Parameter] = [
        .positional("what", .any, help: "net.history (learning curves), a network (with data: its fit), or a list of y values (or x values, with y)"),
        .positional("with", .any, default: Value.none, help: "the dataset for a network, or the y values when what is the x values"),
        .option("title", .string, help: "the chart's title"),
        ViewFile.parameter([.svg, .csv]),
        .flag("log", help: "a logarithmic y axis"),
        .flag("metric", help: "for a history: the metric (accuracy or mse) per epoch instead of the loss"),
        .option("width", .integer(20...400), default: .number(80), help: "terminal width in characters"),
        .option("height", .integer(5...200), default: .number(20), help: "terminal height in lines"),
    ]
    static let example = """
        r = runge n=30 noise=0.05 seed=4
        net = network 1
        add net dense 10 tanh
        add net dense 1 linear
        train net r epochs=5 quiet
        plot net.history log to="/tmp/curves.svg"
        plot net r
        """
    static let details = """
        plot net data draws, for data with one input, the data points, and as curves over their x
        range the true function when known (runge) and the network's predictions.
        to="file.csv" writes a history as one row per epoch (epoch, loss, metric, val_loss,
        val_metric, ...), any other chart as its points (series, x, y).
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        var chart: LineChart
        var history: TrainingHistory? = nil
        let with = a.values["with"] ?? .none
        switch try a.value("what") {
        case .object(let h as HistoryObject):
            chart = a.bool("metric") ? metricCurves(h.history) : learningCurves(h.history)
            history = h.history
        case .object(let n as NetworkObject):
            guard case .object(let d as DatasetObject) = with else {
                throw CommandError("plotting a network needs a dataset: plot net data (for learning curves: plot net.history)", parameter: "with")
            }
            chart = try FitChart.make(n, d)
        case .list, .range:
            let first = try numbers(try a.value("what"), "what")
            if with.isNone {
                chart = LineChart(series: [Series("y", y: first)])
            } else {
                let ys = try numbers(with, "with")
                guard ys.count == first.count else {
                    throw CommandError("x has \(first.count) values but y has \(ys.count)", parameter: "with")
                }
                chart = LineChart(xLabel: "x", yLabel: "y", series: [Series("y", x: first, y: ys)])
            }
        case let v:
            throw CommandError("what: cannot plot \(v.typeDescription) (try net.history, a network and a dataset, or a list)", parameter: "what")
        }
        if let t = try a.optionalString("title") { chart.title = t }
        if a.bool("log") { chart.yScale = .log }
        let drawn = chart
        shell.show(chart.renderTerminal(width: try a.int("width"), height: try a.int("height"), colour: shell.useColour),
                   svg: { drawn.renderSVG() })
        try shell.writeView(a, svg: { drawn.renderSVG() }, csv: {
            history.map(ViewTables.history) ?? ViewTables.series(drawn)
        })
        return .none
    }

    static func numbers(_ v: Value, _ parameter: String) throws(CommandError) -> [Double] {
        let items: [Value]
        switch v {
        case .list(let xs): items = xs
        case .range(let r): items = try r.values(for: parameter)
        default: throw CommandError("\(parameter): expected a list of numbers", parameter: parameter)
        }
        var out: [Double] = []
        for item in items {
            switch item {
            case .number(let x): out.append(x)
            case .none: out.append(.nan)
            default: throw CommandError("\(parameter): expected numbers, found \(item.typeDescription)", parameter: parameter)
            }
        }
        return out
    }

    /// Training loss (and validation loss when there is one) per epoch.
    static func learningCurves(_ h: TrainingHistory) -> LineChart {
        var series = [Series("train loss", y: h.trainingLosses)]
        if h.validationLosses.contains(where: { $0 != nil }) {
            series.append(Series("validation loss", y: h.validationLosses.map { $0 ?? .nan }))
        }
        return LineChart(title: "Learning curves", xLabel: "epoch", yLabel: "loss", series: series)
    }

    /// The training metric (and the validation metric when there is one) per epoch.
    static func metricCurves(_ h: TrainingHistory) -> LineChart {
        let name = h.last?.metric.rawValue ?? "metric"
        var series = [Series("train \(name)", y: h.epochs.map(\.trainingMetric))]
        if h.epochs.contains(where: { $0.validationMetric != nil }) {
            series.append(Series("validation \(name)", y: h.epochs.map { $0.validationMetric ?? .nan }))
        }
        return LineChart(title: "Learning curves", xLabel: "epoch", yLabel: name, series: series)
    }
}
