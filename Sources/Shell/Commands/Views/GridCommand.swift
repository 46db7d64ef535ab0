/// `scores = grid`: an empty results table, filled by `record`.
struct GridCommand: Command {
    static let name = "grid"
    static let group = CommandGroup.views
    static let summary = "An empty results table; record adds rows, heatmap draws it, save writes CSV."
    static let parameters: [Parameter] = []
    static let example = """
        scores = grid
        record scores lr=0.1 act="relu" mse=0.02
        scores
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        .object(TableObject())
    }
}

/// `record scores lr=lr act=act mse=m`: appends one row.
struct RecordCommand: Command {
    static let name = "record"
    static let group = CommandGroup.views
    static let summary = "Append a row of named values to a results table."
    static let parameters: [Parameter] = [
        .positional("table", .object(TableObject.self), help: "the results table (made by grid)"),
        .keywords("column", help: "the row's values, column=value; new columns are added as they appear"),
    ]
    static let example = """
        scores = grid
        for lr in [0.01, 0.1] { record scores lr=lr mse=lr * 2 }
        print scores.mse
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let table = try a.object("table", as: TableObject.self)
        guard !a.keywords.isEmpty else {
            throw CommandError("record needs values to record: record \(a.locations["table"] == nil ? "t" : "table") lr=0.1 mse=0.02")
        }
        for (key, value) in a.keywords {
            switch value {
            case .number, .string, .bool, .none: continue
            default:
                throw CommandError("\(key): a table cell holds a number, string or bool, not \(value.typeDescription)", parameter: key)
            }
        }
        table.append(a.keywords.map { ($0.key, $0.value) })
        return .none
    }
}
