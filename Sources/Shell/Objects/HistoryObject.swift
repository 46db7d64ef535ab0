import Engine

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
        text(r, of: nil)
    }

    static func text(_ r: EpochRecord, of total: Int?) -> String {
        var s = "epoch \(r.epoch)" + (total.map { "/\($0)" } ?? "")
        s += "  loss " + figure(r.trainingLoss)
        s += "  " + metric(r.metric, r.trainingMetric)
        if let v = r.validationLoss { s += "  val_loss " + figure(v) }
        if let v = r.validationMetric { s += "  val_" + metric(r.metric, v) }
        if r.seconds > 0 { s += "  " + rate(Double(r.samples) / r.seconds) + " samples/s" }
        s += "  " + duration(r.seconds)
        if !r.complete { s += "  (stopped after \(r.samples) examples)" }
        return s
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
