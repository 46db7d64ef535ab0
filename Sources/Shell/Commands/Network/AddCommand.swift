import Engine

/// `add net dense 300 relu`: appends a layer.
struct AddCommand: Command {
    static let name = "add"
    static let group = CommandGroup.network
    static let summary = "Append a dense layer of n units with an activation to a network."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("kind", .word(["dense"]), help: "the layer kind (dense)"),
        .positional("units", .integer(1...1_000_000), help: "the layer's outputs"),
        .positional("activation", .word(Activation.names), default: .string("relu"), help: "the activation function"),
        .option("alpha", .numberIn(0...1e6), help: "leaky_relu's slope for negative inputs (default 0.01)"),
        .option("init", .word(["he", "xavier"]), help: "weight initialisation (default: he for relu family, xavier otherwise)"),
        .option("stddev", .numberIn(0...1e6), help: "draw weights from N(0, stddev²) instead"),
        CommonParameters.seed,
    ]
    static let example = """
        net = network 1
        add net dense 10 sigmoid
        add net dense 1 linear
        """
    static let details = """
        Weights are drawn from the session's generator (set seed N), or from seed= for this layer.
        A softmax output pairs with cross-entropy by default; any other output with mse.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let units = try a.int("units")
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
        net.log.append("add dense \(units) \(activation.name)")
        return .none
    }
}
