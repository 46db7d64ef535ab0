import Data

/// `take data 1000`: the first n examples (or n from `from=`).
struct TakeCommand: Command {
    static let name = "take"
    static let group = CommandGroup.data
    static let summary = "The first n examples of a dataset (or n starting at from=)."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        .positional("n", .integer(1...Int.max), help: "how many examples"),
        .option("from", .integer(0...Int.max), default: .number(0), help: "the index of the first example taken"),
    ]
    static let example = """
        small = take (runge n=100) 10
        print small.count
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        let n = try a.int("n"), from = try a.int("from")
        guard from < data.dataset.count else {
            throw CommandError("from=\(from) is past the last example (the dataset has \(data.dataset.count))", parameter: "from")
        }
        do {
            let part = try data.dataset.slice(from ..< min(data.dataset.count, from + n))
            return .object(DatasetObject(part, scaling: data.scaling))
        } catch {
            throw CommandError(error)
        }
    }
}
