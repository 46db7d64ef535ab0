import Data

/// `onehot data 2`: a categorical feature column to one 0/1 column per value.
struct OneHotCommand: Command {
    static let name = "onehot"
    static let group = CommandGroup.data
    static let summary = "Replace a categorical feature column by one 0/1 column per distinct value."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        .positional("column", .integer(0...Int.max), help: "the 0-based feature column"),
    ]
    static let example = """
        wide = onehot (runge n=5 spacing=equispaced) 0
        print wide.inputs
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        do {
            return .object(DatasetObject(try data.dataset.oneHotEncodingFeature(try a.int("column"))))
        } catch {
            throw CommandError(error, parameter: "column")
        }
    }
}
