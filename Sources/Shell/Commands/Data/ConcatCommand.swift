import Data

/// `all = concat data.train data.test`: the examples of two datasets, one after the other.
struct ConcatCommand: Command {
    static let name = "concat"
    static let group = CommandGroup.data
    static let summary = "Join two datasets: the examples of the first, then those of the second."
    static let parameters: [Parameter] = [
        .positional("first", CommonParameters.dataset, help: "the dataset whose examples come first"),
        .positional("second", CommonParameters.dataset, help: "the dataset whose examples follow"),
    ]
    static let example = """
        a = runge n=10 seed=1
        b = runge n=5 seed=2
        both = concat a b
        print both.count
        """
    static let details = """
        The two must have the same number of inputs and the same kind of targets: class labels
        (with the same class names, if they have names), regression targets of the same width,
        or none; and the same standardisation (both raw, or both scaled by the same fit). An
        error names what differs. To redo a split of all of MNIST's 70,000 images, as the
        reference papers did (80/20, stratified):
            data = mnist
            all = concat data.train data.test
            parts = split all 0.8 seed=1993
        split keeps the class proportions in both parts (it is stratified for class data).
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let first = try a.dataset("first"), second = try a.dataset("second")
        guard first.scaling == second.scaling else {
            let which = first.scaling == nil ? "the second is standardized and the first is not"
                : second.scaling == nil ? "the first is standardized and the second is not"
                : "they were standardized with different fits"
            throw CommandError("cannot join datasets with different scalings: \(which) (join the raw data, then standardize)",
                               parameter: "second")
        }
        do {
            return .object(DatasetObject(try first.dataset.concatenated(with: second.dataset), scaling: first.scaling))
        } catch {
            throw CommandError(error, parameter: "second")
        }
    }
}
