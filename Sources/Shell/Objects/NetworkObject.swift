import Data
import Engine

/// A network held by a variable: the engine's `AnyNetwork` (a reference: `add` and `train`
/// change it for every variable holding it) plus what the shell knows about it: the input
/// scaling of the data it was trained on and the commands that built and trained it.
final class NetworkObject: ShellObject, @unchecked Sendable {
    static let typeDescription = "a network"
    var network: AnyNetwork
    /// The standardisation of the data it was last trained on (applied to raw inputs by
    /// `classify`, stored in model files).
    var scaling: FeatureScaling?
    /// Class names of the data it was trained on, when known.
    var classNames: [String]?
    /// Image geometry of the data it was trained on, when it was images (setting it makes the
    /// images single-channel, as datasets are).
    var imageShape: ImageShape? { didSet { imageChannels = 1 } }
    /// Channels per pixel of those images: 1, or what a loaded model file says (28×28×3).
    var imageChannels = 1
    /// The commands that built and trained it, for model-file provenance.
    var log: [String] = []
    /// The options of the last `train`, as name/value text (model-file provenance).
    var trainingOptions: [(String, String)] = []
    /// The data and reporting of a training run paused by Ctrl-C, for `resume`.
    var pausedTraining: TrainingContext?
    /// The data it was last trained on in this session; `save` records its SHA-256
    /// (`DatasetObject.digest`, computed at the first save and kept with the dataset).
    var trainingData: DatasetObject?
    /// The training data's SHA-256 read from a model file, when it was not trained since.
    var loadedTrainingDataSHA256: [UInt8]?
    /// SHA-256 of the data it was last trained on, if known (model-file provenance).
    var trainingDataSHA256: [UInt8]? { trainingData?.digest ?? loadedTrainingDataSHA256 }

    /// The random generator and seed saved with it in a model file, restored by `load`: training
    /// it without `seed=` continues from this generator (so a saved and loaded run goes on
    /// exactly), and the session's own generator and seed are left as they are.
    var generator: RandomGenerator?
    var seed: UInt64?
    /// `trainingMark` when the network was last saved or loaded; nil if never.
    var savedMark: [Int]?

    init(_ network: AnyNetwork) { self.network = network }

    /// Where training stands: the epochs recorded and the optimiser's steps, so it changes with
    /// every batch trained (a run paused mid-epoch included).
    var trainingMark: [Int] { [network.history.epochs.count, network.optimizerSummary?.step ?? 0] }

    /// Trained, and trained further since it was last saved or loaded (or never saved): what
    /// `forget` and quitting warn about.
    var hasUnsavedTraining: Bool {
        let mark = trainingMark
        return mark.contains { $0 > 0 } && mark != savedMark
    }

    var fieldNames: [String] { ["inputs", "outputs", "layers", "parameters", "precision", "cost", "epochs", "history", "paused"] }

    func field(_ name: String) -> Value? {
        switch name {
        case "inputs": return .number(Double(network.inputWidth))
        case "outputs": return .number(Double(network.outputWidth))
        case "layers": return layerList
        case "parameters": return .number(Double(network.parameterCount))
        case "precision": return .string(network.precision.rawValue)
        case "cost": return network.outputActivation == nil ? Value.none : .string(network.cost.name)
        case "epochs": return .number(Double(network.history.epochs.count))
        case "history": return .object(HistoryObject(network.history))
        case "paused": return .bool(pausedTraining != nil && network.pausedOptions != nil)
        default: return nil
        }
    }

    /// "784 → 300 relu → 10 softmax": the input shape, then each layer's summary ("dropout
    /// 0.5", "conv 32 3×3 stride 1 padding 0 relu").
    var shape: String {
        ([network.inputShape.description] + network.layerDescriptions.map(\.summary)).joined(separator: " → ")
    }

    var shortDescription: String {
        "<network \(shape), \(network.parameterCount) parameters>"
    }

    /// The `summary` table: one row per layer with its shape and parameter count.
    var summary: String { summary(named: nil) }

    /// The `summary` table, as Keras' `model.summary()`: one row per layer of any kind with its
    /// kind, the shape of one example after it and its parameter count (layers are numbered
    /// among those with parameters, as `inspect` and error messages count them; "-" for
    /// others), then the total. `name` is the variable holding it, for the hint on an empty network.
    func summary(named name: String?) -> String {
        var lines = ["network (\(network.precision.rawValue)): \(shape)"]
        let layers = network.layerDescriptions
        if layers.isEmpty {
            lines.append("  no layers yet: " + (name.map { "add \($0) dense 10 relu" } ?? "add layers with add, e.g. add net dense 10 relu"))
            return lines.joined(separator: "\n")
        }
        let header = ["layer", "kind", "output", "parameters"]
        let rows = layers.map { l in
            [l.parametricIndex.map { String($0 + 1) } ?? "-", l.kind, l.outputShape.description, String(l.parameterCount)]
        }
        let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.indices.map { c in c == row.count - 1 ? row[c] : pad(row[c], widths[c]) }
            var line = "  " + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        let output = network.outputActivation.map { network.costIsDefault ? " (default for \($0.name))" : "" }
        lines.append("  total parameters: \(network.parameterCount)"
                     + (output.map { "; cost: \(network.cost.name)\($0)" } ?? ""))
        let trained = network.history.epochs.count
        lines.append(trained == 0 ? "  not trained yet" : "  trained \(trained) epoch\(trained == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }
}

extension Interpreter {
    /// The variables among `names` (sorted) that hold a network with unsaved training, each
    /// network under its first name only; `ans` and `_` come last, so a network shown at the
    /// prompt is still named by its own variable.
    func unsavedNetworks(among names: [String]) -> [String] {
        var seen: [ObjectIdentifier] = [], found: [String] = []
        let lastResult: Set = ["ans", "_"]
        for name in names.sorted(by: { (lastResult.contains($0) ? 1 : 0, $0) < (lastResult.contains($1) ? 1 : 0, $1) }) {
            guard case .object(let net as NetworkObject)? = globals[name], net.hasUnsavedTraining,
                  !seen.contains(ObjectIdentifier(net)) else { continue }
            seen.append(ObjectIdentifier(net))
            found.append(name)
        }
        return found
    }
}

/// "net", "a and b", "a, b and c".
func namesInProse(_ names: [String]) -> String {
    names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
}

/// The warning before variables holding unsaved networks go (`forget`, quitting): "net holds a
/// network trained and not saved (save net "file.nnm" keeps it)".
func unsavedWarning(_ names: [String]) -> String {
    let one = names.count == 1
    return "\(namesInProse(names)) \(one ? "holds a network" : "hold networks") trained and not saved "
        + "(save \(names.first ?? "net") \"file.nnm\" keeps \(one ? "it" : "them"))"
}

/// Left-aligns `s` in `width` columns.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// Right-aligns `s` in `width` columns.
func padLeft(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
