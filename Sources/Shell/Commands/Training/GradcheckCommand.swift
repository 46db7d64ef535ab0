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
        .option("sample", .oneOf([.integer(1...Int.max), .word(["all"])]), default: .number(Double(defaultSample)),
                help: "how many parameters of each tensor to check, drawn at random; all: every one"),
        CommonParameters.seed,
        .flag("training", help: "check the gradient training follows: batchnorm with each batch's statistics, dropout with one fixed mask"),
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
        By default a random sample of up to 1000 parameters of each tensor (a layer's weights,
        its biases) is checked; the report says how many of how many. sample=all checks every
        one (slow on wide layers: each costs two passes over the data). On a terminal a line
        shows the progress; Ctrl-C stops the check and changes nothing.
        The result is a record: max_error, ok (max_error < 1e-4), loss, checked, total.
        Dropout layers are disabled here (the identity, as at inference) and batchnorm layers use
        their running statistics, so the check is deterministic. With training, the layers run as
        training runs them: batchnorm normalises with the statistics of each batch (the data in
        chunks of 256 examples) and dropout uses one mask, drawn once, for the whole check.
        """

    /// Parameters checked per tensor unless `sample=` says otherwise.
    static let defaultSample = 1000

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net"), data = try a.dataset("data")
        let regularization = Regularization(l1: try a.number("l1"), l2: try a.number("l2"))
        let epsilon = try a.number("epsilon")
        let limit: Int? = if case .number(let n) = try a.value("sample") { Int(n) } else { nil }
        let line = CheckProgress(shell: shell)
        let report = try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            defer { line.erase() }
            do {
                return try net.network.gradientCheck(on: data.dataset, regularization: regularization,
                                                     epsilon: epsilon, maxPerTensor: limit,
                                                     training: a.bool("training"), generator: &g,
                                                     shouldStop: shell.isInterrupted, progress: line.draw)
            } catch {
                throw CommandError(error, parameter: "data")
            }
        }
        let counts = report.entries.map { "\($0.checked)/\($0.total)" }
        let countWidth = max(8, counts.map(\.count).max() ?? 0)
        var lines = ["layer  tensor  " + padLeft("checked", countWidth) + "   relative error"]
        for (e, count) in zip(report.entries, counts) {
            lines.append(padLeft(String(e.layer + 1), 5) + "  " + pad(e.kind.rawValue, 7) + "  "
                         + padLeft(count, countWidth) + "  "
                         + Format.apply(".2e", to: .number(e.relativeError)))
        }
        let ok = report.maxRelativeError < 1e-4
        lines.append("checked \(report.checked) of \(report.total) parameters"
                     + (report.checked < report.total ? " (a random sample; sample=all checks every one)" : ""))
        lines.append("max relative error \(Format.apply(".2e", to: .number(report.maxRelativeError)))"
                     + (ok ? " (ok)" : " (too large: check the gradients)"))
        return .record(Record([
            ("max_error", .number(report.maxRelativeError)),
            ("ok", .bool(ok)),
            ("loss", .number(report.loss)),
            ("checked", .number(Double(report.checked))),
            ("total", .number(Double(report.total))),
        ], report: lines.joined(separator: "\n")))
    }
}
