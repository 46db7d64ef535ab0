import Data
import Engine

/// A dataset held by a variable. Transforms (`split`, `standardize`, ...) make new ones.
/// `scaling` remembers a standardisation applied to it, so a network trained on it can apply
/// the same scaling to raw inputs later (`classify`, model files).
final class DatasetObject: ShellObject, IndexableObject, @unchecked Sendable {
    static let typeDescription = "a dataset"
    let dataset: Dataset
    let scaling: FeatureScaling?

    /// SHA-256 of the dataset's bytes (docs/FORMAT.md §9), computed on first use and kept:
    /// the dataset never changes.
    private(set) lazy var digest: [UInt8] = dataset.contentDigest()

    init(_ dataset: Dataset, scaling: FeatureScaling? = nil) {
        self.dataset = dataset
        self.scaling = scaling
    }

    var fieldNames: [String] { ["count", "inputs", "targets", "classes", "name", "labels", "x", "y"] }

    // Not optimised: Swift 6.3.1's release optimiser crashes on this function ("Found outside
    // of lifetime use", CopyPropagation on a borrowed `Targets`). It is not on any hot path.
    @_optimize(none)
    func field(_ name: String) -> Value? {
        switch name {
        case "count": return .number(Double(dataset.count))
        case "inputs": return .number(Double(dataset.inputWidth))
        case "targets": return .number(Double(dataset.targetWidth))
        case "classes": return dataset.classCount.map { .number(Double($0)) } ?? Value.none
        case "name": return .string(dataset.name)
        case "labels": return dataset.labels.map { .list($0.map { .number(Double($0)) }) } ?? Value.none
        case "x":
            if let raw = dataset.rawInput { return .list(raw.map { .number($0) }) }
            guard dataset.inputWidth == 1 else { return nil }
            return .list((0..<dataset.count).map { .number(dataset.feature($0, 0)) })
        case "y":
            guard case .values(let m) = dataset.targets, m.columns == 1 else { return nil }
            return .list(m.storage.map { .number($0) })
        default: return nil
        }
    }

    /// Why a listed field has no value for this dataset (`field` gave nil).
    func unavailable(_ name: String) -> String? {
        switch name {
        case "x": return "x is the one input column of a one-input dataset; this one has \(dataset.inputWidth) inputs"
        case "y": return "y is the one target column of a regression dataset; this one has "
            + (dataset.classCount != nil ? "class labels (see .labels)" : "\(dataset.targetWidth) targets")
        default: return nil
        }
    }

    var elementCount: Int { dataset.count }
    var elementNoun: String { "example" }

    /// `data[i]`: example i as a record of its `input` values (as the network sees them:
    /// pixels 0…1, standardised if the data are) and its `label` (and `class` name, when the
    /// classes have names) or `target` (a number for one target column, else a list).
    func element(_ i: Int) -> Value {
        let input = dataset.featureRow(i)
        var fields: [(String, Value)] = [("input", .list(input.map(Value.number)))]
        var described = ""
        switch dataset.targets {
        case .none: break
        case .classes(let labels, _):
            fields.append(("label", .number(Double(labels[i]))))
            described = "label \(labels[i])"
            if let names = dataset.classNames, names.indices.contains(labels[i]) {
                fields.append(("class", .string(names[labels[i]])))
                described += " (\(PrintableText.escaping(names[labels[i]])))"
            }
        case .values(let m):
            let row = m.row(i).map(Value.number)
            let target: Value = row.count == 1 ? row[0] : .list(row)
            fields.append(("target", target))
            described = "target \(target.literal)"
        }
        let shown = 8
        let values = input.prefix(shown).map(formatNumber).joined(separator: ", ")
            + (input.count > shown ? ", … (\(input.count) values)" : "")
        let report = "example \(i) of \(dataset.name): " + (described.isEmpty ? "" : described + "; ")
            + "input [\(values)]"
        return .record(Record(fields, report: report))
    }

    var shortDescription: String { "<dataset \(dataset.summary)>" }
    var summary: String {
        dataset.summary + (scaling != nil ? " (standardized)" : "")
    }
}

extension Value {
    /// `split` and `mnist` give a record of two datasets.
    static func parts(train: Dataset, test: Dataset, scaling: FeatureScaling? = nil) -> Value {
        let t = DatasetObject(train, scaling: scaling), v = DatasetObject(test, scaling: scaling)
        return .record(Record([("train", .object(t)), ("test", .object(v))],
                              report: "train: \(t.summary)\ntest:  \(v.summary)"))
    }
}
