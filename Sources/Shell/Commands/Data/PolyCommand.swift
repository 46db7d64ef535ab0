import Data

/// `poly data 10`: each feature x replaced by x, x², ..., x^degree.
struct PolyCommand: Command {
    static let name = "poly"
    static let group = CommandGroup.data
    static let summary = "Polynomial features: each feature x becomes x, x², ..., x^degree."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the dataset"),
        .positional("degree", .integer(1...30), help: "the highest power"),
    ]
    static let example = """
        p = poly (runge n=20) 10
        print p.inputs
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        do {
            return .object(DatasetObject(try data.dataset.polynomialFeatures(degree: try a.int("degree"))))
        } catch {
            throw CommandError(error, parameter: "degree")
        }
    }
}
