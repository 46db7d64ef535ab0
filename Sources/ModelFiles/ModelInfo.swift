import Engine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model file's summary: its architecture, state, metrics and provenance, without
/// its numbers. `lines` is ready to print, one fact per line.
public struct ModelInfo: Equatable, Sendable {
    public var header: ModelHeader
    /// Size of the file in bytes.
    public var fileSize: Int
    /// "1.0"
    public var formatVersion: String
    /// Tags of optional records (from a newer nnsh) that this nnsh does not know and skipped.
    public var skippedRecords: [String] = []

    public var parameterCount: Int { header.architecture.parameterCount }

    /// "784 -> 128 relu -> 10 softmax"; dropout layers show as "dropout 0.5", each layer as
    /// its kind's entry says (`LayerEntry.summary`), an image input as "1×28×28".
    public var architectureSummary: String {
        let a = header.architecture
        var input = a.inputShape
        return ([a.inputShape.description] + a.stack.enumerated().map { i, r in
            guard let entry = LayerEntries.entry(for: r.kind) else { return r.kind }
            defer { input = (try? entry.shapes(r, input: input, name: "layer \(i + 1)"))?.output ?? input }
            return entry.summary(r, input: input)
        }).joined(separator: " -> ")
    }

    /// The lines `info` prints; text from the file has its control characters escaped.
    public var lines: [String] { rawLines.map(PrintableText.escaping) }

    private var rawLines: [String] {
        let h = header, p = h.provenance, prep = h.preprocessing
        var out: [String] = []
        out.append("format \(formatVersion), \(h.precision.rawValue), \(fileSize) bytes")
        out.append("network: \(architectureSummary), cost \(h.architecture.cost), \(parameterCount) parameters")
        var inputs: [String] = []
        if !prep.inputMeans.isEmpty { inputs.append("standardised (\(prep.inputMeans.count) means and deviations)") }
        if let image = prep.image { inputs.append("images \(image.width)×\(image.height)×\(image.channels)") }
        if !inputs.isEmpty { out.append("inputs: " + inputs.joined(separator: ", ")) }
        if !prep.classLabels.isEmpty { out.append("classes: " + prep.classLabels.joined(separator: ", ")) }
        if let o = h.optimizer {
            let settings = o.hyperparameters.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
            out.append("optimiser: \(o.name), step \(o.step)" + (settings.isEmpty ? "" : " (\(settings))")
                       + (h.generator == nil ? "" : ", generator state saved: training resumes exactly"))
        } else {
            out.append("optimiser: not saved (training continues from fresh optimiser state)")
        }
        out.append("made by nnsh \(p.nnshVersion) on \(Self.formatDate(p.date))"
                   + (p.seed.map { ", seed \($0)" } ?? ""))
        if !p.trainingOptions.isEmpty {
            // Short options on one line; the data (an expression and its size) each on its own.
            let (long, short) = (p.trainingOptions.filter { $0.value.contains(" ") }, p.trainingOptions.filter { !$0.value.contains(" ") })
            out.append("training: " + short.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
            out.append(contentsOf: long.map { "  \($0.name): \($0.value)" })
        }
        if let last = h.history.last {
            let complete = h.history.epochs.filter(\.complete).count
            out.append("history: \(h.history.epochs.count) epochs (\(complete) complete), last training loss \(Self.figure(last.trainingLoss))"
                       + (last.validationLoss.map { ", validation loss \(Self.figure($0))" } ?? ""))
        }
        if !p.metrics.isEmpty {
            out.append("metrics: " + p.metrics.map { "\($0.name)=\(Self.figure($0.value))" }.joined(separator: " "))
        }
        if let digest = p.trainingDataSHA256 { out.append("training data SHA-256: \(digest.hexString)") }
        if !skippedRecords.isEmpty {
            out.append("skipped (from a newer nnsh): " + skippedRecords.joined(separator: ", "))
        }
        if !p.commands.isEmpty {
            out.append("commands:")
            out.append(contentsOf: p.commands.map { "  " + $0 })
        }
        return out
    }

    /// 3 significant digits: 0.01893943346068263 -> "0.0189" (the full values are in the file).
    public static func figure(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = withVaList([x]) { vsnprintf(&buffer, buffer.count, "%.3g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "2025-03-01 14:05:09 UTC" from seconds since 1970.
    static func formatDate(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&time, &parts) != nil else { return "\(seconds) s after 1970" }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }
}
