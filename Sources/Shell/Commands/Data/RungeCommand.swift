import Data

/// `runge n=18 noise=0.1 seed=1993`: noisy samples of f(x) = 1 / (1 + 25x²).
struct RungeCommand: Command {
    static let name = "runge"
    static let group = CommandGroup.data
    static let summary = "Make the Runge regression set: y = 1/(1 + 25x²) + noise at n points of [-1, 1]."
    static let parameters: [Parameter] = [
        .option("n", .integer(1...10_000_000), default: .number(100), help: "the number of points"),
        .option("noise", .numberIn(0...1e6), default: .number(0), help: "standard deviation of the Gaussian noise added to y"),
        .option("spacing", .word(["random", "equispaced"]), default: .string("random"), help: "x drawn at random, or evenly spaced with both ends"),
        .option("from", .number, default: .number(-1), help: "the interval's left end"),
        .option("to", .number, default: .number(1), help: "the interval's right end"),
        .option("degree", .integer(1...30), default: .number(1), help: "features x, x², ..., x^degree (polynomial regression)"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=18 noise=0.1 seed=1993
        print r.count r.inputs
        """
    static let details = "The noiseless f(x) is kept, so eval also scores a model against the true function (true_mse)."

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let from = try a.number("from"), to = try a.number("to")
        guard from < to else { throw CommandError("from must be less than to", parameter: "to") }
        let n = try a.int("n"), noise = try a.number("noise"), degree = try a.int("degree")
        let spacing: Runge.Spacing = try a.string("spacing") == "equispaced" ? .equispaced : .random
        return try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do {
                return .object(DatasetObject(try Runge.make(count: n, interval: from...to, spacing: spacing,
                                                            noise: noise, degree: degree, using: &g)))
            } catch {
                throw CommandError(error)
            }
        }
    }
}
