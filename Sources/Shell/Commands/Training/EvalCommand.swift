import Data
import Engine
import Foundation
import Plots

/// `eval net data`: loss and metrics on a dataset, as a record (`(eval net test).accuracy`).
struct EvalCommand: Command {
    static let name = "eval"
    static let group = CommandGroup.training
    static let summary = "Score a network on a dataset: accuracy, per-class precision/recall/F1 and confusion matrix, or mse, log10 mse, mae and R²."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("data", CommonParameters.dataset, help: "the dataset to score on"),
        .option("top", .integer(1...100_000), help: "for class data: also the top-k accuracy (the true class among the k largest outputs)"),
        .option("truth", .oneOf([.word(["runge"]), .bool]),
                help: "score against the true function too: runge = f(x) = 1/(1+25x²) of the data's x; false = not even when the data knows it (default: when it does)"),
        ViewFile.parameter([.svg, .csv]),
    ]
    static let example = """
        r = runge n=40 noise=0.05 seed=2
        net = network 1
        add net dense 10 tanh
        add net dense 1 linear
        train net r epochs=2 quiet
        e = eval net r
        print (e.mse < 1) (e.true_mse < 1)
        """
    static let details = """
        The result is a record. Fields for all data: count, loss, mse, log10_mse, mae, r2 (for
        class data against the one-hot targets). For class data also accuracy, error (1 -
        accuracy), precision, recall and f1 (lists, one per class), macro_precision,
        macro_recall, macro_f1, confusion (rows: true class; heatmap draws it), classes (the
        class names), and with top=k: top and top_accuracy.

        A class never predicted has precision 0 (0/0 is taken as 0), a class without examples
        recall 0; the macro averages leave out classes with neither examples nor predictions.
        In top-k, equal outputs rank by class number, lowest first, so top=1 equals accuracy.

        Data with a known true function (runge sets carry their noiseless f(x); truth=runge
        computes it from x for other data with one input) are also scored against it:
        true_mse, log10_true_mse, true_mae, true_r2; truth=false leaves that out. The plain mse
        is against the (noisy) targets.

        to="file.svg" draws the confusion matrix (class data) or the fit (data with one input);
        to="file.csv" writes the per-class table (class data) or the metrics (regression).
        Written on its own, eval prints a report; assigned (e = eval net test), it prints nothing.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data")
        let top = try a.optionalInt("top")
        if top != nil, !data.dataset.isClassification {
            throw CommandError("top: top-k accuracy needs class data; \(data.dataset.name) has values as targets", parameter: "top")
        }
        let e: Evaluation
        do {
            e = try net.network.evaluate(on: data.dataset, top: top, shouldStop: shell.isInterrupted)
        } catch {
            throw CommandError(error, parameter: error.kind == .empty ? "net" : "data")
        }
        let truth = try trueScores(net, data, a, shell)
        var fields = regressionFields(e.regression, prefix: "")
        fields.insert(("count", .number(Double(e.count))), at: 0)
        fields.insert(("loss", .number(e.loss)), at: 1)
        var report: [String] = []
        let names = (0..<(e.confusion?.classes ?? 0)).map(data.dataset.printableClassName)
        if let accuracy = e.accuracy, let confusion = e.confusion {
            fields += classFields(e, confusion, names: names)
            var first = "accuracy \(EpochLine.percent(accuracy))"
            if let k = e.top, let t = e.topAccuracy { first += "  top-\(k) accuracy \(EpochLine.percent(t))" }
            first += "  macro f1 \(Format.apply(".4f", to: .number(confusion.macro.f1)))"
            report.append(first + "  loss \(EpochLine.figure(e.loss))  (\(e.count) examples)")
            if confusion.classes <= 20 {
                report.append("")
                report.append(ClassReport.table(confusion, names: names).renderTerminal())
                report.append("")
                report.append(ClassReport.heatmap(confusion, names: names).renderTerminal(width: 100, colour: shell.useColour))
            } else {
                report.append("(\(confusion.classes) classes: see .precision, .recall, .f1 and heatmap e.confusion)")
            }
        } else {
            report.append((truth == nil ? "" : "noisy targets:  ") + regressionLine(e.regression))
        }
        if let truth {
            fields += regressionFields(truth, prefix: "true_")
            report.append("true f(x):      " + regressionLine(truth))
        }
        try shell.writeView(a, svg: { () throws(CommandError) in
            if let confusion = e.confusion {
                var map = ClassReport.heatmap(confusion, names: names)
                map.title = "Confusion matrix: \(data.dataset.name), accuracy \(EpochLine.percent(confusion.accuracy))"
                return map.renderSVG()
            }
            guard data.dataset.inputWidth == 1 || data.dataset.rawInput != nil, data.dataset.targetWidth == 1 else {
                throw CommandError("to: an SVG of a fit needs data with one input and one target; write a .csv file of the metrics instead", parameter: "to")
            }
            var chart = try FitChart.make(net, data)
            chart.title = "Fit: \(data.dataset.name), log10(mse) \(Format.apply(".3f", to: .number(e.regression.log10MSE)))"
                + (truth.map { ", against f(x) \(Format.apply(".3f", to: .number($0.log10MSE)))" } ?? "")
            return chart.renderSVG()
        }, csv: {
            if let confusion = e.confusion { return ClassReport.table(confusion, names: names, digits: nil) }
            return Table(header: ["metric", "value"], rows: fields.compactMap { name, value in
                if case .number(let x) = value { return [name, x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"] }
                return nil
            })
        })
        let text = report.joined(separator: "\n")
        if shell.showPicture != nil, let confusion = e.confusion {   // a notebook shows the matrix
            var map = ClassReport.heatmap(confusion, names: names)
            map.title = "Confusion matrix: \(data.dataset.name), accuracy \(EpochLine.percent(confusion.accuracy))"
            shell.reportPicture = (text, map.renderSVG())
        }
        return .record(Record(fields, report: text))
    }

    /// mse, log10_mse, mae, r2 (with a prefix: true_mse, log10_true_mse, ...).
    static func regressionFields(_ s: RegressionScores, prefix: String) -> [(String, Value)] {
        [("\(prefix)mse", .number(s.meanSquaredError)),
         ("log10_\(prefix)mse", .number(s.log10MSE)),
         ("\(prefix)mae", .number(s.meanAbsoluteError)),
         ("\(prefix)r2", .number(s.rSquared))]
    }

    static func regressionLine(_ s: RegressionScores) -> String {
        "mse \(EpochLine.figure(s.meanSquaredError))  log10(mse) \(Format.apply(".3f", to: .number(s.log10MSE)))"
            + "  mae \(EpochLine.figure(s.meanAbsoluteError))  r2 \(Format.apply(".4f", to: .number(s.rSquared)))"
            + "  (\(s.count) examples)"
    }

    static func classFields(_ e: Evaluation, _ c: ConfusionMatrix, names: [String]) -> [(String, Value)] {
        let scores = (0..<c.classes).map(c.scores)
        func list(_ xs: [Double]) -> Value { .list(xs.map { .number($0) }) }
        var fields: [(String, Value)] = [
            ("accuracy", .number(c.accuracy)),
            ("error", .number(1 - c.accuracy)),
            ("precision", list(scores.map(\.precision))),
            ("recall", list(scores.map(\.recall))),
            ("f1", list(scores.map(\.f1))),
            ("macro_precision", .number(c.macro.precision)),
            ("macro_recall", .number(c.macro.recall)),
            ("macro_f1", .number(c.macro.f1)),
            ("confusion", .list(c.counts.map { .list($0.map { .number(Double($0)) }) })),
            ("classes", .list(names.map { .string($0) })),
        ]
        if let k = e.top, let t = e.topAccuracy {
            fields.append(("top", .number(Double(k))))
            fields.append(("top_accuracy", .number(t)))
        }
        return fields
    }

    /// Scores against the noiseless truth: the data's own (runge sets) unless truth=none, or
    /// f(x) of the data's x with truth=runge.
    static func trueScores(_ net: NetworkObject, _ data: DatasetObject, _ a: Arguments, _ shell: Interpreter) throws(CommandError) -> RegressionScores? {
        let d = data.dataset
        let wanted = a.values["truth"] ?? .none
        if case .bool(false) = wanted { return nil }
        let truth: [Double]
        if case .string("runge") = wanted {
            guard d.targetWidth == 1, !d.isClassification else {
                throw CommandError("truth=runge needs regression data with one target (\(d.name) has \(d.targetWidth))", parameter: "truth")
            }
            truth = try inputs(data).map(Runge.f)
        } else if let known = d.trueTargets {
            truth = known.storage
        } else if case .bool(true) = wanted {
            throw CommandError("\(d.name) does not know its true function (for x in a runge-like set: truth=runge)", parameter: "truth")
        } else {
            return nil
        }
        do {
            let predictions = try net.network.predict(d, shouldStop: shell.isInterrupted)
            return try RegressionScores(predictions: predictions.storage, targets: truth, columns: predictions.columns)
        } catch {
            throw CommandError(error, parameter: "data")
        }
    }

    /// The data's x: the raw input kept by runge, else its only feature (unscaled when the
    /// dataset was standardized).
    static func inputs(_ data: DatasetObject) throws(CommandError) -> [Double] {
        let d = data.dataset
        if let raw = d.rawInput { return raw }
        guard d.inputWidth == 1 else {
            throw CommandError("truth=runge needs data with one input x (\(d.name) has \(counted(d.inputWidth, "feature")) and no raw x)", parameter: "truth")
        }
        let offset = data.scaling?.offsets.first ?? 0, scale = data.scaling?.scales.first ?? 1
        return (0..<d.count).map { d.feature($0, 0) * scale + offset }
    }
}
