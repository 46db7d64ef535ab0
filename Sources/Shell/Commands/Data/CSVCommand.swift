import Data
import Engine

/// `csv "iris.csv" label="species"`: a dataset from a CSV file.
struct CSVCommand: Command {
    static let name = "csv"
    static let group = CommandGroup.data
    static let summary = "Load a dataset from a CSV file (class labels or regression targets from named columns)."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the CSV file (.csv.gz is fine)"),
        .option("label", .oneOf([.string, .integer(-10_000...10_000)]), help: "the column of class labels (a header name or a 0-based index, -1 = last)"),
        .option("target", .oneOf([.string, .integer(-10_000...10_000), .list]), help: "the regression target column(s), when there is no label"),
        .option("header", .bool, help: "whether the first row names the columns (default: guessed)"),
        .option("delimiter", .string, default: .string(","), help: "the cell separator"),
        .flag("pixels", help: "features are pixel values 0 to 255 (stored as bytes, read as value/255)"),
        .option("precision", .cases(Precision.self), default: .string(Precision.float32.rawValue), help: "how other features are stored"),
        .option("classes", .oneOf([.list, .integer(1...100_000)]), help: "the label's classes: their names in class order, or their number (default: from the labels; names sorted)"),
    ]
    static let example = """
        digits = csv "mnist_train.csv" label=0 pixels
        iris = csv "iris.csv" label="species"
        """

    static func column(_ v: Value, _ parameter: String) throws(CommandError) -> CSVColumn {
        switch v {
        case .string(let s): return .name(s)
        case .number(let x): return .index(Int(x))
        default: throw CommandError("\(parameter): expected a column name or index", parameter: parameter)
        }
    }

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        var options = CSVOptions()
        let delimiter = try a.string("delimiter")
        guard delimiter.count == 1, let d = delimiter.first, d.isASCII else {
            throw CommandError("delimiter: expected one ASCII character", parameter: "delimiter")
        }
        options.delimiter = d
        if case .bool(let h)? = a.values["header"] { options.header = h }
        if let l = a.values["label"], !l.isNone { options.label = try column(l, "label") }
        if let t = a.values["target"], !t.isNone {
            if case .list(let items) = t {
                var columns: [CSVColumn] = []
                for item in items { columns.append(try column(item, "target")) }
                options.targets = columns
            } else {
                options.targets = [try column(t, "target")]
            }
        }
        options.pixels = a.bool("pixels")
        options.precision = switch try a.choice("precision", as: Precision.self) {
        case .float32: .float
        case .float64: .double
        }
        switch a.values["classes"] {
        case .list(let items)?:
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item else {
                    throw CommandError("classes: expected a list of class names (strings), got \(item.literal)", parameter: "classes")
                }
                names.append(name)
            }
            options.classes = .names(names)
        case .number(let k)?: options.classes = .count(Int(k))
        default: break
        }
        if options.classes != nil && options.label == nil {
            throw CommandError("classes= describes the label column: give label= too", parameter: "classes")
        }
        do {
            return .object(DatasetObject(try CSV.load(path: try a.string("file"), options: options, shouldStop: shell.isInterrupted)))
        } catch {
            throw CommandError(error, parameter: "file")
        }
    }
}
