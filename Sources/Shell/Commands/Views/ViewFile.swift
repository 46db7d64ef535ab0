import Engine
import Plots

/// The `to=` option of the view commands: the file's extension picks what is written.
///
///     plot net.history to="curves.svg"     # the picture: title, axes, labels, legend
///     plot net.history to="curves.csv"     # the numbers behind it
///
/// A command offers the formats it can make; any other extension is an error naming them.
enum ViewFile {
    enum Format: String {
        case svg, csv
    }

    static func parameter(_ formats: [Format]) -> Parameter {
        let what = formats.map { $0 == .svg ? "an SVG picture (file.svg)" : "the numbers as CSV (file.csv)" }
        return .option("to", .path, help: "also write " + what.joined(separator: ", or ")).writing()
    }

    /// The format `path` asks for, by its extension (case ignored).
    static func format(of path: String, allowed: [Format]) throws(CommandError) -> Format {
        let ext = path.split(separator: "/").last.flatMap { name in
            name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } : nil
        } ?? ""
        guard let format = Format(rawValue: ext), allowed.contains(format) else {
            let names = allowed.map { ".\($0.rawValue)" }.joined(separator: " or ")
            throw CommandError("to: cannot tell what to write to '\(path)': name a \(names) file", parameter: "to")
        }
        return format
    }
}

extension Interpreter {
    /// Prints a view's terminal text; in a notebook (`showPicture` set) hands over the text and
    /// its SVG together instead, so the notebook shows the picture (the text when it cannot).
    func show(_ text: String, svg: () throws(CommandError) -> String) {
        if let showPicture, let picture = try? svg() {
            showPicture(text, picture)
        } else {
            print(text)
        }
    }

    /// Writes the `to=` file of a view, if asked for: `svg()` or `csv()` by the extension, then
    /// prints "wrote PATH" (unless `announce` is false). A nil maker means the view has no such form.
    func writeView(_ a: Arguments, svg: (() throws(CommandError) -> String)? = nil,
                   csv: (() throws(CommandError) -> Table)? = nil, announce: Bool = true) throws(CommandError) {
        guard let path = try a.optionalString("to") else { return }
        var allowed: [ViewFile.Format] = []
        if svg != nil { allowed.append(.svg) }
        if csv != nil { allowed.append(.csv) }
        switch try ViewFile.format(of: path, allowed: allowed) {
        case .svg: try writeTextFile(path, try svg!())
        case .csv: try writeTextFile(path, try csv!().csv())
        }
        if announce { print("wrote \(path)") }
    }
}

/// Tables the views export.
enum ViewTables {
    /// One row per epoch: epoch, loss, metric, val_loss, val_metric, metric_name, samples, seconds
    /// (an empty cell where there was no validation).
    static func history(_ h: TrainingHistory) -> Table {
        let header = ["epoch", "loss", "metric", "val_loss", "val_metric", "metric_name", "samples", "seconds"]
        let rows = h.epochs.map { e in
            [String(e.epoch), "\(e.trainingLoss)", "\(e.trainingMetric)", e.validationLoss.map { "\($0)" } ?? "",
             e.validationMetric.map { "\($0)" } ?? "", e.metric.rawValue, String(e.samples), "\(e.seconds)"]
        }
        return Table(header: header, rows: rows)
    }

    /// A chart's points in long form: series, x, y (one row per point; NaN written as "nan").
    static func series(_ chart: LineChart) -> Table {
        Table(header: ["series", "x", "y"], rows: chart.series.flatMap { s in
            zip(s.x, s.y).map { [s.name, "\($0)", "\($1)"] }
        })
    }

    /// A heatmap's grid: the row labels in the first column, one column per column label.
    static func grid(_ map: Heatmap) -> Table {
        let corner = [map.rowTitle, map.columnTitle].filter { !$0.isEmpty }.joined(separator: " \\ ")
        let rows = map.values.enumerated().map { r, cells in
            [r < map.rowLabels.count ? map.rowLabels[r] : String(r)] + cells.map { $0.isNaN ? "" : "\($0)" }
        }
        return Table(header: [corner.isEmpty ? "row" : corner] + map.columnLabels, rows: rows)
    }
}
