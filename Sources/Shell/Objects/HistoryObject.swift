import Engine
import Plots

/// A network's training history (`net.history`): one entry per epoch. Its fields are lists
/// over the epochs (`.loss`, `.val_loss`, `.metric`, `.val_metric`), ready for `plot`.
final class HistoryObject: ShellObject, @unchecked Sendable {
    static let typeDescription = "a training history"
    let history: TrainingHistory

    init(_ history: TrainingHistory) { self.history = history }

    var fieldNames: [String] { ["epochs", "loss", "metric", "val_loss", "val_metric", "seconds", "lr", "metric_name"] }

    func field(_ name: String) -> Value? {
        let e = history.epochs
        func numbers(_ xs: [Double?]) -> Value { .list(xs.map { $0.map(Value.number) ?? Value.none }) }
        switch name {
        case "epochs": return .number(Double(e.count))
        case "loss": return numbers(e.map(\.trainingLoss))
        case "metric": return numbers(e.map(\.trainingMetric))
        case "val_loss": return numbers(e.map(\.validationLoss))
        case "val_metric": return numbers(e.map(\.validationMetric))
        case "seconds": return numbers(e.map(\.seconds))
        case "lr": return numbers(e.map(\.learningRate))
        case "metric_name": return .string(e.last?.metric.rawValue ?? "none")
        default: return nil
        }
    }

    var shortDescription: String { "<history of \(counted(history.epochs.count, "epoch"))>" }

    var summary: String {
        guard !history.epochs.isEmpty else { return "no epochs trained yet" }
        return history.epochs.map(EpochLine.text).joined(separator: "\n")
    }
}

/// The one-line report of an epoch, shared by `train` and printed histories:
/// `epoch 3  loss 0.0812  accuracy 97.51%  val_loss 0.0901  val_accuracy 97.30%  12,345 samples/s  1.2s`.
enum EpochLine {
    static func text(_ r: EpochRecord) -> String {
        text(r, label: nil)
    }

    /// The line with `label` for "epoch N" ("epoch 3/10" in a run), `validation` before the
    /// validation figures ("test_" for keep_best=), the epoch's learning rate under a schedule and
    /// its number in the whole history after a first run. Given a `width`, the line leaves out
    /// samples/s, then the time, then "(epoch N in all)" until it fits (the figures stay).
    static func text(_ r: EpochRecord, label: String?, validation: String = "val_", learningRate: Double? = nil,
                     inAll: Int? = nil, width: Int? = nil) -> String {
        var fields: [(text: String, dropOrder: Int?)] = [(label ?? "epoch \(r.epoch)", nil)]
        fields.append(("loss " + figure(r.trainingLoss), nil))
        fields.append((metric(r.metric, r.trainingMetric), nil))
        if let v = r.validationLoss { fields.append((validation + "loss " + figure(v), nil)) }
        if let v = r.validationMetric { fields.append((validation + metric(r.metric, v), nil)) }
        if r.seconds > 0 { fields.append((rate(Double(r.samples) / r.seconds) + " samples/s", 0)) }
        fields.append((duration(r.seconds), 1))
        if !r.complete { fields.append(("(stopped after \(r.samples) examples)", nil)) }
        if let lr = learningRate { fields.append(("lr " + figure(lr), nil)) }
        if let all = inAll { fields.append(("(epoch \(all) in all)", 2)) }
        var line = fields.map(\.text).joined(separator: "  ")
        guard let width else { return line }
        for order in 0...2 where line.displayWidth > width {
            fields.removeAll { $0.dropOrder == order }
            line = fields.map(\.text).joined(separator: "  ")
        }
        return wrap(fields.map(\.text), width: width)
    }

    /// Fields joined by two spaces, onto indented continuation lines where `width` ends.
    static func wrap(_ fields: [String], width: Int) -> String {
        var lines: [String] = [], line = ""
        for field in fields {
            if line.isEmpty {
                line = field
            } else if line.displayWidth + 2 + field.displayWidth <= width {
                line += "  " + field
            } else {
                lines.append(line)
                line = "  " + field
            }
        }
        return (lines + [line]).joined(separator: "\n")
    }

    static func metric(_ m: Metric, _ value: Double) -> String {
        switch m {
        case .accuracy: return "accuracy " + percent(value)
        case .mse: return "mse " + figure(value)
        }
    }

    /// 4 significant digits: 0.08123, 1.234e-05.
    static func figure(_ x: Double) -> String { Format.apply(".4g", to: .number(x)) }
    static func percent(_ x: Double) -> String { Format.apply(".2%", to: .number(x)) }

    /// 12,345 (thousands separated); 1.2e+18 from 10^15 on; "-" for a negative, NaN or infinite rate.
    static func rate(_ x: Double) -> String {
        guard x.isFinite, x >= 0 else { return "-" }
        if x >= 1e15 { return Format.apply(".3g", to: .number(x)) }
        let digits = String(Int64(x.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// 0.42s, 12.3s, 2m05s; 1.2e+15s from 10^15 s on; "-" for a negative, NaN or infinite duration.
    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "-" }
        if s < 10 { return Format.apply(".2f", to: .number(s)) + "s" }
        if s < 60 { return Format.apply(".1f", to: .number(s)) + "s" }
        if s >= 1e15 { return Format.apply(".3g", to: .number(s)) + "s" }
        let whole = Int64(s), m = whole / 60, r = whole % 60
        return "\(m)m" + (r < 10 ? "0" : "") + "\(r)s"
    }
}
