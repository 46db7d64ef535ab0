/// `best scores by=mse`: the row of a results table with the smallest (or largest) value.
struct BestCommand: Command {
    static let name = "best"
    static let group = CommandGroup.views
    static let summary = "The row of a results table with the smallest value in a column (largest with max), as a record."
    static let parameters: [Parameter] = [
        .positional("table", .object(TableObject.self), help: "the results table"),
        .option("by", .column, help: "the column to compare (default: the last one)"),
        .flag("max", help: "take the largest value instead (accuracy rather than error)"),
    ]
    static let example = """
        scores = grid
        record scores lr=0.1 mse=0.5
        record scores lr=0.01 mse=0.05
        b = best scores by=mse
        print b.lr
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let table = try a.object("table", as: TableObject.self)
        guard let column = try a.optionalString("by") ?? table.columns.last else {
            throw CommandError("the table is empty", parameter: "table")
        }
        guard table.columns.contains(column) else {
            throw CommandError("by: no column '\(column)'; the columns are: \(table.columns.joined(separator: ", "))"
                               + Suggest.didYouMean(column, among: table.columns), parameter: "by")
        }
        let largest = a.bool("max")
        var chosen: [String: Value]? = nil
        var chosenValue = 0.0
        for row in table.rows {
            guard case .number(let x)? = row[column], !x.isNaN else { continue }
            if chosen == nil || (largest ? x > chosenValue : x < chosenValue) {
                chosen = row
                chosenValue = x
            }
        }
        guard let chosen else { throw CommandError("no row has a number in '\(column)'", parameter: "by") }
        return .record(Record(table.columns.map { ($0, chosen[$0] ?? .none) }))
    }
}
