import Data

/// `idx "images.idx3-ubyte" "labels.idx1-ubyte"`: a dataset from IDX files.
struct IDXCommand: Command {
    static let name = "idx"
    static let group = CommandGroup.data
    static let summary = "Load a dataset from an IDX file of examples and, optionally, one of labels or targets."
    static let parameters: [Parameter] = [
        .positional("examples", .path, help: "the IDX file of examples (count × ...; .gz is fine)"),
        .positional("labels", .path, default: Value.none, help: "the IDX file of class labels (1-D integers) or targets"),
    ]
    static let example = """
        test = idx "Data/mnist/t10k-images-idx3-ubyte" "Data/mnist/t10k-labels-idx1-ubyte"
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let labels = try a.optionalString("labels")
        do {
            return .object(DatasetObject(try Dataset.loadIDX(images: try a.string("examples"), labels: labels,
                                                                shouldStop: shell.isInterrupted)))
        } catch {
            // Point at the file the error is about.
            throw CommandError(error, parameter: (error as? DataError)?.file == labels ? "labels" : "examples")
        }
    }
}
