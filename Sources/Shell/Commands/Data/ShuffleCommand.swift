import Data

/// `shuffle data`: the same examples in a random order.
struct ShuffleCommand: Command {
    static let name = "shuffle"
    static let group = CommandGroup.data
    static let summary = "The same examples in a random order."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        CommonParameters.seed,
    ]
    static let example = """
        r = shuffle (runge n=10) seed=7
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        do { try data.dataset.checkCopy(for: "the shuffled copy") } catch { throw CommandError(error, parameter: "data") }
        return try shell.withGenerator(seed: a.seed) { g in
            .object(DatasetObject(data.dataset.shuffled(using: &g), scaling: data.scaling))
        }
    }
}
