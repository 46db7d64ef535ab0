import Data

/// `npy "x.npy" "y.npy"`: a dataset from NumPy array files.
struct NPYCommand: Command {
    static let name = "npy"
    static let group = CommandGroup.data
    static let summary = "Load a dataset from a NumPy .npy file of examples and, optionally, one of labels or targets."
    static let parameters: [Parameter] = [
        .positional("examples", .path, help: "the .npy file of examples (count × features, or count × rows × columns for images)"),
        .positional("labels", .path, default: Value.none, help: "the .npy file of class labels (1-d integers) or targets"),
    ]
    static let example = """
        x = npy "x_test.npy" "y_test.npy"
        """
    static let details = """
        The rules of idx: uint8 examples are pixels (0 to 255, read as value/255), a 3-d array
        gives images; a 1-d integer array gives class labels, any other targets. Arrays in C
        order of bool, (u)int8 to (u)int64, float32 or float64, either byte order.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let labels = try a.optionalString("labels")
        do {
            return .object(DatasetObject(try Dataset.loadNPY(examples: try a.string("examples"), labels: labels)))
        } catch {
            throw CommandError(error, parameter: (error as? DataError)?.file == labels ? "labels" : "examples")
        }
    }
}
