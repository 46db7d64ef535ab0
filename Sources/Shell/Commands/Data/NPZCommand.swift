import Data

/// `npz "data.npz"`: a dataset from a NumPy archive.
struct NPZCommand: Command {
    static let name = "npz"
    static let group = CommandGroup.data
    static let summary = "Load a dataset from a NumPy .npz archive (numpy.savez or savez_compressed, or save data \"x.npz\")."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the .npz archive"),
        .option("inputs", .string, default: .string(Dataset.NumPyKey.inputs), help: "the array of examples (count × features, or count × rows × columns for images)"),
        .option("labels", .string, help: "the array of class labels (1-d integers) or targets (default: labels, else targets, when there)"),
    ]
    static let example = """
        save (runge n=10) "/tmp/runge.npz"
        r = npz "/tmp/runge.npz"
        """
    static let details = """
        The arrays save data writes: inputs, labels (int64) and class_names (text) for class
        data, targets (float64) for regression. Other archives name theirs, as Keras' MNIST
        does: npz "mnist.npz" inputs="x_test" labels="y_test". uint8 examples are pixels
        (0 to 255, read as value/255), a 3-d array gives images; a 1-d integer array gives
        class labels, any other targets. Stored and deflated members are read; a damaged
        archive or array is refused with one line saying what is wrong.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        do {
            return .object(DatasetObject(try Dataset.loadNumPy(archive: try a.string("file"), inputs: try a.string("inputs"),
                                                                labels: try a.optionalString("labels"))))
        } catch {
            throw CommandError(error, parameter: "file")
        }
    }
}
