import Data
import Engine
import Foundation

/// `eval net data`: loss and metrics on a dataset, as a record (`(eval net test).accuracy`).
struct EvalCommand: Command {
    static let name = "eval"
    static let group = CommandGroup.training
    static let summary = "Score a network on a dataset: accuracy and confusion matrix, or mse, log10 mse and R²."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("data", CommonParameters.dataset, help: "the dataset to score on"),
    ]
    static let example = """
        r = runge n=40 noise=0.05 seed=2
        net = network 1
        add net dense 10 tanh
        add net dense 1 linear
        train net r epochs=2 quiet
        e = eval net r
        print (e.mse < 1)
        """
    static let details = """
        The result is a record. Fields: count, loss, mse, log10_mse, r2; for class data also
        accuracy, error (1 - accuracy) and confusion (rows: true class; heatmap draws it); for synthetic data with a known true function (runge)
        also true_mse and log10_true_mse, the error against the noiseless f(x).
        Printed on its own it shows a report (per-class recall and the confusion matrix).
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data")
        let e: Evaluation
        do {
            e = try net.network.evaluate(on: data.dataset)
        } catch {
            throw CommandError(error, parameter: error.kind == .empty ? "net" : "data")
        }
        var fields: [(String, Value)] = [
            ("count", .number(Double(e.count))),
            ("loss", .number(e.loss)),
            ("mse", .number(e.meanSquaredError)),
            ("log10_mse", .number(log10(e.meanSquaredError))),
            ("r2", .number(e.rSquared)),
        ]
        var report: [String] = []
        if let accuracy = e.accuracy {
            fields.append(("accuracy", .number(accuracy)))
            fields.append(("error", .number(1 - accuracy)))
            if let confusion = e.confusion {
                fields.append(("confusion", .list(confusion.counts.map { .list($0.map { .number(Double($0)) }) })))
            }
            report.append("accuracy \(EpochLine.percent(accuracy))  loss \(EpochLine.figure(e.loss))  (\(e.count) examples)")
            if let confusion = e.confusion, confusion.classes <= 20 {
                report.append(contentsOf: classTable(confusion, data.dataset))
            }
        } else {
            report.append("mse \(EpochLine.figure(e.meanSquaredError))  log10(mse) \(Format.apply(".3f", to: .number(log10(e.meanSquaredError))))"
                          + "  r2 \(Format.apply(".4f", to: .number(e.rSquared)))  (\(e.count) examples)")
        }
        if let truth = data.dataset.trueTargets {
            do {
                let predictions = try net.network.predict(data.dataset)
                var sum = 0.0
                for i in 0..<truth.count { let d = predictions.storage[i] - truth.storage[i]; sum += d * d }
                let trueMSE = sum / Double(max(1, truth.count))
                fields.append(("true_mse", .number(trueMSE)))
                fields.append(("log10_true_mse", .number(log10(trueMSE))))
                report.append("against the true function: mse \(EpochLine.figure(trueMSE))  log10(mse) \(Format.apply(".3f", to: .number(log10(trueMSE))))")
            } catch {
                throw CommandError(error)
            }
        }
        return .record(Record(fields, report: report.joined(separator: "\n")))
    }

    /// Per-class recall and precision, then the confusion matrix (rows: true class).
    static func classTable(_ c: ConfusionMatrix, _ data: Dataset) -> [String] {
        var lines = ["", "class       recall  precision  examples"]
        for k in 0..<c.classes {
            let n = c.counts[k].reduce(0, +)
            lines.append(pad(data.className(k), 10) + "  " + padLeft(c.recall(k).map(EpochLine.percent) ?? "-", 6)
                         + "  " + padLeft(c.precision(k).map(EpochLine.percent) ?? "-", 9) + "  " + padLeft(String(n), 8))
        }
        lines.append("")
        lines.append("confusion matrix (rows: true class, columns: predicted)")
        let width = max(4, String(c.counts.flatMap { $0 }.max() ?? 0).count + 1)
        lines.append("    " + (0..<c.classes).map { padLeft(String($0), width) }.joined())
        for k in 0..<c.classes {
            lines.append(padLeft(String(k), 3) + " " + c.counts[k].map { padLeft(String($0), width) }.joined())
        }
        return lines
    }
}
