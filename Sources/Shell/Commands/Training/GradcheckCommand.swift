import Engine

/// `gradcheck net data`: backpropagation against central differences, in double precision.
struct GradcheckCommand: Command {
    static let name = "gradcheck"
    static let group = CommandGroup.training
    static let summary = "Check backpropagation's gradients against finite differences (in double precision)."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network (not changed: the check runs on a float64 copy)"),
        .positional("data", CommonParameters.dataset, help: "examples to compute the loss on (a few are enough: take data 20)"),
        .option("l1", .numberIn(0...1e6), default: .number(0), help: "include an L1 penalty"),
        .option("l2", .numberIn(0...1e6), default: .number(0), help: "include an L2 penalty"),
        .option("epsilon", .numberIn(1e-12...1), default: .number(1e-5), help: "the finite-difference step"),
        .option("max", .integer(1...Int.max), help: "check at most this many parameters per tensor (drawn at random)"),
        CommonParameters.seed,
    ]
    static let example = """
        r = runge n=20 seed=3
        net = network 1
        add net dense 5 tanh
        add net dense 1 linear
        g = gradcheck net r
        print g.ok
        """
    static let details = """
        Prints the relative error ‖a − n‖ / (‖a‖ + ‖n‖) of each layer's weights and biases. Errors
        below 1e-6 are excellent, below 1e-4 fine (ReLU kinks can cause larger ones).
        The result is a record: max_error, ok (max_error < 1e-4), loss.
        Dropout layers are disabled here (the identity, as at inference), so the check is
        deterministic; backpropagation through a fixed dropout mask is checked by the test suite.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data")
        let regularization = Regularization(l1: try a.number("l1"), l2: try a.number("l2"))
        let epsilon = try a.number("epsilon"), limit = try a.optionalInt("max")
        let report = try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do {
                return try net.network.gradientCheck(on: data.dataset, regularization: regularization,
                                                     epsilon: epsilon, maxPerTensor: limit, generator: &g)
            } catch {
                throw CommandError(error, parameter: "data")
            }
        }
        var lines = ["layer  tensor   checked   relative error"]
        for e in report.entries {
            lines.append(padLeft(String(e.layer + 1), 5) + "  " + pad(e.kind.rawValue, 7) + "  "
                         + padLeft("\(e.checked)/\(e.total)", 8) + "  "
                         + Format.apply(".2e", to: .number(e.relativeError)))
        }
        let ok = report.maxRelativeError < 1e-4
        lines.append("max relative error \(Format.apply(".2e", to: .number(report.maxRelativeError)))"
                     + (ok ? " (ok)" : " (too large: check the gradients)"))
        return .record(Record([
            ("max_error", .number(report.maxRelativeError)),
            ("ok", .bool(ok)),
            ("loss", .number(report.loss)),
        ], report: lines.joined(separator: "\n")))
    }
}
