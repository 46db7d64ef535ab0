import Data

/// `parts = split data 0.8`: a random train/test split (stratified for class data).
struct SplitCommand: Command {
    static let name = "split"
    static let group = CommandGroup.data
    static let summary = "Split a dataset at random into .train and .test parts (stratified by class)."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        .positional("fraction", .numberIn(0...1), default: .number(0.8), help: "the training part's share, strictly between 0 and 1"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=18 noise=0.1 seed=1993
        parts = split r 0.8 seed=1993
        print parts.train.count parts.test.count
        """
    static let details = """
        For class data the split is stratified: each class is split on its own, so both parts
        keep the class proportions as closely as whole numbers allow (then each part is
        shuffled). Regression data are split at random as one group. To split all of MNIST
        80/20 as the reference papers did: parts = split (concat data.train data.test) 0.8.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        let fraction = try a.number("fraction")
        return try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do {
                let (train, test) = try data.dataset.split(trainFraction: fraction, using: &g)
                return .parts(train: train, test: test, scaling: data.scaling)
            } catch {
                throw CommandError(error, parameter: "fraction")
            }
        }
    }
}
