import Data

/// `standardize parts`: each feature to mean 0 and deviation 1, fitted on training data only.
struct StandardizeCommand: Command {
    static let name = "standardize"
    static let group = CommandGroup.data
    static let summary = "Scale each feature to mean 0, deviation 1 (fitted on training data only)."
    static let parameters: [Parameter] = [
        .positional("data", .oneOf([CommonParameters.dataset, .any]), help: "a dataset, or a split record (fitted on .train, applied to every part)"),
        .option("fit", CommonParameters.dataset, help: "the dataset the means and deviations come from (default: data itself, or data.train)"),
    ]
    static let example = """
        parts = split (runge n=50 degree=3) 0.8 seed=1
        z = standardize parts
        print z.train.count
        """
    static let details = """
        The scaling is remembered: a network trained on standardized data keeps it, so classify,
        predict on raw inputs and model files scale new inputs the same way.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let value = try a.value("data")
        let fitOn = try a.optionalObject("fit", as: DatasetObject.self)
        do {
            switch value {
            case .object(let o as DatasetObject):
                let scaling = FeatureScaling.standardization(fittedOn: (fitOn ?? o).dataset)
                return .object(DatasetObject(try scaling.apply(to: o.dataset), scaling: scaling))
            case .record(let r):
                guard case .object(let train as DatasetObject)? = r["train"] else {
                    throw CommandError("data: a record needs a .train dataset to fit on", parameter: "data")
                }
                let scaling = FeatureScaling.standardization(fittedOn: (fitOn ?? train).dataset)
                var fields: [(String, Value)] = []
                var report: [String] = []
                for (name, v) in r.fields {
                    guard case .object(let d as DatasetObject) = v else { fields.append((name, v)); continue }
                    let scaled = DatasetObject(try scaling.apply(to: d.dataset), scaling: scaling)
                    fields.append((name, .object(scaled)))
                    report.append("\(name): \(scaled.summary)")
                }
                return .record(Record(fields, report: report.joined(separator: "\n")))
            default:
                throw CommandError("data: expected a dataset or a record of datasets, got \(value.typeDescription)", parameter: "data")
            }
        } catch let e as DataError {
            throw CommandError(e)
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("\(error)")
        }
    }
}
