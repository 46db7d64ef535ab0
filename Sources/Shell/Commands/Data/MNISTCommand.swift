import Data

/// `mnist "Data/mnist"`: the 60,000 training and 10,000 test digits.
struct MNISTCommand: Command {
    static let name = "mnist"
    static let group = CommandGroup.data
    static let summary = "Load MNIST (or Fashion-MNIST) from a folder of IDX files: a record with .train and .test."
    static let parameters: [Parameter] = [
        .positional("folder", .path, default: .string("Data/mnist"), help: "the folder with the four IDX files (raw or .gz)"),
        .flag("fashion", help: "Fashion-MNIST: the same format with ten named clothing classes"),
    ]
    static let example = """
        data = mnist "Data/mnist"
        show data.train 0
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let folder = try a.string("folder")
        do {
            let (train, test) = try MNIST.load(directory: folder, variant: a.bool("fashion") ? .fashion : .digits,
                                                shouldStop: shell.isInterrupted)
            return .parts(train: train, test: test)
        } catch {
            throw CommandError(error, parameter: "folder")
        }
    }
}
