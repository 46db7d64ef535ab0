import Data

/// `folds data 5`: k-fold cross-validation pairs.
struct FoldsCommand: Command {
    static let name = "folds"
    static let group = CommandGroup.data
    static let summary = "Deal a dataset into k folds: a list of k records with .train (k-1 folds) and .test (one fold)."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        .positional("k", .integer(2...1000), default: .number(5), help: "the number of folds"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=20 seed=1
        total = 0
        for f in (folds r 4 seed=1) { total = total + f.test.count }
        print total
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data"), k = try a.int("k")
        return try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do {
                return .list(try data.dataset.folds(k, using: &g).map {
                    .parts(train: $0.train, test: $0.test, scaling: data.scaling)
                })
            } catch {
                throw CommandError(error, parameter: "k")
            }
        }
    }
}
