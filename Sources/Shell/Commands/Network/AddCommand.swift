import Engine

/// `add net dense 300 relu`, `add net dropout 0.5`, `add net batchnorm`: appends a layer.
struct AddCommand: Command {
    static let name = "add"
    static let group = CommandGroup.network
    static let summary = "Append a dense layer of n units with an activation, a dropout or a batch-normalisation layer, to a network."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("kind", .word(["dense", "dropout", "batchnorm"]), help: "the layer kind: dense, dropout or batchnorm"),
        .positional("units", .numberIn(0...1_000_000), default: Value.none,
                    help: "dense: the layer's outputs; dropout: the rate p (0 ≤ p < 1); batchnorm: none"),
        .positional("activation", .word(Activation.names), default: .string("relu"), help: "the activation function"),
        .option("alpha", .numberIn(0...1e6), help: "leaky_relu's slope for negative inputs (default 0.01)"),
        .option("init", .word(WeightInitialization.names), help: "weight initialisation: he, xavier or pytorch (default: he for the relu family, xavier otherwise)"),
        .option("stddev", .numberIn(0...1e6), help: "draw weights from N(0, stddev²) instead"),
        CommonParameters.seed,
        .option("momentum", .numberIn(0...1), help: "batchnorm: the running statistics' momentum m (default \(formatNumber(BatchNorm.defaultMomentum)))"),
    ]
    static let example = """
        net = network 784
        add net dropout 0.2
        add net dense 100 relu
        add net dropout 0.5
        add net dense 10 softmax
        """
    static let details = """
        Weights are drawn from the session's generator (set seed N), or from seed= for this layer:

            he       w ~ N(0, 2/n_in), b = 0           default: relu, leaky_relu
            xavier   w ~ N(0, 2/(n_in+n_out)), b = 0   default: the others (Glorot)
            pytorch  w, b ~ U(−1/√n_in, 1/√n_in)       PyTorch's nn.Linear
            stddev=s w ~ N(0, s²), b = 0

        (n_in, n_out: the layer's inputs and outputs). PyTorch's default is kaiming_uniform with
        a = √5, whose bound is 1/√n_in: weights of variance 1/(3·n_in), a sixth of he's, and
        biases drawn from the same interval; init=pytorch draws the same way (from nnsh's
        generator, so not PyTorch's numbers) to compare with PyTorch. Keras's Dense default
        is Glorot uniform (xavier's variance, uniform), biases 0.

        A softmax output pairs with cross-entropy by default; any other output with mse.
        Dropout (inverted): while training, each input of the next dense layer is zeroed with
        probability p and the others are scaled by 1/(1 - p), a new mask every batch drawn from
        the training generator; evaluation, predict and classify use every input unscaled.

        Batch normalisation (batchnorm [momentum=m]) normalises each channel after a convolution
        (over the batch and the image) and each feature after a dense layer (over the batch):
        y = γ·(x − μ)/√(σ² + ε) + β, with γ = 1 and β = 0 learnt (no l1/l2 penalty). Training
        uses the batch's μ and σ² and updates running ones, running = (1 − m)·running + m·batch
        (PyTorch's rule); evaluation, predict and classify use the running ones (help batchnorm).
        After a dense layer every training batch needs at least 2 examples.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let kind = try a.string("kind")
        if kind == "batchnorm" { return try addBatchNorm(a, net) }
        if a.has("momentum") {
            throw CommandError("momentum: a \(kind) layer takes " + (kind == "dense" ? "units, an activation, alpha=, init=, stddev= and seed="
                                                                                  : "only its rate"), parameter: "momentum")
        }
        guard a.has("units") else {
            throw CommandError(kind == "dense" ? "a dense layer needs its units: add net dense 300 relu"
                                               : "a dropout layer needs its rate: add net dropout 0.5", parameter: "kind")
        }
        if kind == "dropout" {
            let rate = try a.number("units")
            for option in ["activation", "alpha", "init", "stddev", "seed"] where a.has(option) {
                throw CommandError("a dropout layer takes only its rate; \(option) is for dense layers", parameter: option)
            }
            do { try net.network.addDropout(rate: rate) } catch { throw CommandError(error, parameter: "units") }
            net.log.append("add dropout \(formatNumber(rate))")
            return .none
        }
        let units = try a.int("units")
        guard units >= 1 else { throw CommandError("units: a dense layer needs at least 1 unit", parameter: "units") }
        let name = try a.string("activation")
        let activation: Activation
        let initialization: WeightInitialization?
        do {
            activation = try Activation(parsing: name, alpha: try a.optionalNumber("alpha") ?? Activation.defaultLeakyAlpha)
            if let s = try a.optionalNumber("stddev") {
                initialization = .normal(stddev: s)
            } else if let i = try a.optionalString("init") {
                initialization = try WeightInitialization(parsing: i)
            } else {
                initialization = nil
            }
        } catch let e as EngineError {
            throw CommandError(e, parameter: "activation")
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("\(error)")
        }
        try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do {
                try net.network.addDense(outputs: units, activation: activation, initialization: initialization, generator: &g)
            } catch {
                throw CommandError(error, parameter: "units")
            }
        }
        var command = "add dense \(units) \(activation.name)"
        if let s = try a.optionalNumber("stddev") { command += " stddev=\(formatNumber(s))" }
        else if let i = try a.optionalString("init") { command += " init=\(i)" }
        net.log.append(command)
        return .none
    }
}

extension AddCommand {
    /// `add net batchnorm [momentum=m]`: nothing else applies to it.
    static func addBatchNorm(_ a: Arguments, _ net: NetworkObject) throws(CommandError) -> Value {
        for option in ["units", "activation", "alpha", "init", "stddev", "seed"] where a.has(option) {
            throw CommandError("\(option): a batchnorm layer takes only momentum=", parameter: option)
        }
        let momentum = try a.optionalNumber("momentum") ?? BatchNorm.defaultMomentum
        do { try net.network.addBatchNorm(momentum: momentum) } catch { throw CommandError(error, parameter: "kind") }
        net.log.append("add batchnorm" + (a.has("momentum") ? " momentum=\(formatNumber(momentum))" : ""))
        return .none
    }
}
