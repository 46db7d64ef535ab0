import Engine

/// `add net dense 300 relu`, `add net dropout 0.5`, `add net conv 32 3 relu`, `add net maxpool 2`,
/// `add net flatten`: appends a layer.
struct AddCommand: Command {
    /// The kinds of layer `add` appends, with what each takes besides `net` and `kind`.
    enum Kind: String, CaseIterable {
        case dense, dropout, conv, maxpool, flatten

        /// The parameters it takes; any other given is refused, naming these.
        var settings: [String] {
            switch self {
            case .dense: ["units", "activation", "alpha", "init", "stddev", "seed"]
            case .dropout: ["units"]
            case .conv: ["units", "kernel", "activation", "alpha", "stride", "pad", "seed"]
            case .maxpool: ["units", "stride"]
            case .flatten: []
            }
        }

        /// The same, in words: "a window and stride=".
        var takes: String {
            switch self {
            case .dense: "units, an activation, alpha=, init=, stddev= and seed="
            case .dropout: "only its rate"
            case .conv: "filters, a kernel size, an activation, alpha=, stride=, pad= and seed="
            case .maxpool: "a window and stride="
            case .flatten: "nothing (add net flatten)"
            }
        }

        /// What its `units` argument is (nil: it takes none).
        var size: String? {
            switch self {
            case .dense: "units"
            case .dropout: "rate"
            case .conv: "filters"
            case .maxpool: "window"
            case .flatten: nil
            }
        }

        /// How it is written, for the message when something it needs is missing.
        var spelling: String {
            switch self {
            case .dense: "add net dense 300 relu"
            case .dropout: "add net dropout 0.5"
            case .conv: "add net conv 32 3 relu"
            case .maxpool: "add net maxpool 2"
            case .flatten: "add net flatten"
            }
        }
    }

    static let name = "add"
    static let group = CommandGroup.network
    static let summary = "Append a layer to a network: dense, dropout, conv (2-D convolution), maxpool or flatten."
    static let parameters: [Parameter] = [
        .positional("net", CommonParameters.network, help: "the network"),
        .positional("kind", .cases(Kind.self), help: "the layer kind: \(alternatives(Kind.allCases.map(\.rawValue)))"),
        .positional("units", .numberIn(0...1_000_000), default: Value.none,
                    help: "dense: the layer's outputs; dropout: the rate p (0 ≤ p < 1); conv: the filters; maxpool: the window (n×n)"),
        .positional("kernel", .integer(1...1000), default: Value.none,
                    help: "conv: the kernel size (n×n); a word here is the activation (add net dense 10 relu)").givingWayToWords(),
        .positional("activation", .word(Activation.names), default: .string("relu"), help: "dense, conv: the activation function"),
        .option("alpha", .numberIn(0...1e6), help: "leaky_relu's slope for negative inputs (default 0.01)"),
        .option("init", .word(WeightInitialization.names), help: "dense: weight initialisation, he, xavier or pytorch (default: he for the relu family, xavier otherwise)"),
        .option("stddev", .numberIn(0...1e6), help: "dense: draw weights from N(0, stddev²) instead"),
        .option("stride", .integer(1...1000), help: "conv: the step between patches (default 1); maxpool: between windows (default the window)"),
        .option("pad", .oneOf([.integer(0...1000), .word(["same"])]),
                help: "conv: zeros around the image (default 0; same: (n − 1)/2 for an odd kernel and stride 1, keeping the size)"),
        CommonParameters.seed,
    ]
    static let example = """
        net = network 784
        add net dropout 0.2
        add net dense 100 relu
        add net dropout 0.5
        add net dense 10 softmax
        data = mnist "Data/mnist"
        cnn = network data
        add cnn conv 32 3 relu pad=same
        add cnn maxpool 2
        add cnn flatten
        add cnn dense 10 softmax
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

        Images (a network made from an image dataset: 1×28×28 for MNIST) go through conv and
        maxpool layers, each giving channels×height×width. conv F k: F filters of k×k over all
        the channels, moved by stride=, with pad= zeros around; the output is F×h'×w' with
        h' = (h + 2·pad − k)/stride + 1, rounded down; He weights (fan-in channels·k·k), biases 0.
        maxpool k: the largest value of each k×k window per channel, windows moved by stride=
        (default k), h' = (h − k)/stride + 1. flatten makes the image a flat vector (the same
        values); a dense layer after an image flattens it by itself. A network ends with a
        dense layer.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let net = try a.network("net")
        let kind = try a.choice("kind", as: Kind.self)
        for p in parameters.dropFirst(2) where a.has(p.name) && !kind.settings.contains(p.name) {
            throw CommandError("\(p.name): a \(kind.rawValue) layer takes \(kind.takes)", parameter: p.name)
        }
        if let size = kind.size, !a.has("units") {
            throw CommandError("a \(kind.rawValue) layer needs its \(size): \(kind.spelling)", parameter: "kind")
        }
        switch kind {
        case .dense: try addDense(a, to: net, shell)
        case .dropout:
            let rate = try a.number("units")
            do { try net.network.addDropout(rate: rate) } catch { throw CommandError(error, parameter: "units") }
            net.log.append("add dropout \(formatNumber(rate))")
        case .conv: try addConvolution(a, to: net, shell)
        case .maxpool:
            let window = try wholeSize(a, kind), stride = try a.optionalInt("stride")
            do throws(EngineError) { try net.network.addMaxPool(window: window, stride: stride) } catch {
                throw CommandError(error, parameter: place(of: error, in: net, size: "units"))
            }
            net.log.append("add maxpool \(window)" + (stride.map { " stride=\($0)" } ?? ""))
        case .flatten:
            do { try net.network.addFlatten() } catch { throw CommandError(error, parameter: "kind") }
            net.log.append("add flatten")
        }
        return .none
    }

    /// `add net dense 300 relu [alpha=] [init=] [stddev=] [seed=]`.
    private static func addDense(_ a: Arguments, to net: NetworkObject, _ shell: Interpreter) throws(CommandError) {
        let units = try wholeSize(a, .dense)
        guard units >= 1 else { throw CommandError("units: a dense layer needs at least 1 unit", parameter: "units") }
        let activation = try self.activation(a)
        let initialization: WeightInitialization?
        do {
            if let s = try a.optionalNumber("stddev") {
                initialization = .normal(stddev: s)
            } else if let i = try a.optionalString("init") {
                initialization = try WeightInitialization(parsing: i)
            } else {
                initialization = nil
            }
        } catch let e as EngineError {
            throw CommandError(e, parameter: "init")
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
    }

    /// `add net conv 32 3 relu [stride=] [pad=] [alpha=] [seed=]`.
    private static func addConvolution(_ a: Arguments, to net: NetworkObject, _ shell: Interpreter) throws(CommandError) {
        let filters = try wholeSize(a, .conv)
        guard filters >= 1 else { throw CommandError("units: a conv layer needs at least 1 filter", parameter: "units") }
        guard let kernel = try a.optionalInt("kernel") else {
            throw CommandError("a conv layer needs its kernel size after the filters: \(Kind.conv.spelling)", parameter: "units")
        }
        let activation = try self.activation(a)
        let stride = try a.optionalInt("stride") ?? 1
        let padding: Int
        switch a.values["pad"] {
        case .string?:
            guard stride == 1, kernel % 2 == 1 else {
                throw CommandError("pad=same needs an odd kernel and stride 1 (got kernel \(kernel), stride \(stride)); give pad=n", parameter: "pad")
            }
            padding = (kernel - 1) / 2
        case .number(let n)?: padding = Int(n)
        default: padding = 0
        }
        try shell.withGenerator(seed: a.seed) { (g) throws(CommandError) in
            do throws(EngineError) {
                try net.network.addConvolution(filters: filters, kernel: kernel, stride: stride, padding: padding,
                                               activation: activation, generator: &g)
            } catch {
                throw CommandError(error, parameter: error.kind == .invalidArgument ? "activation" : place(of: error, in: net, size: "kernel"))
            }
        }
        net.log.append("add conv \(filters) \(kernel) \(activation.name) stride=\(stride) pad=\(padding)")
    }

    /// The `units` argument of a kind whose size is a whole number.
    private static func wholeSize(_ a: Arguments, _ kind: Kind) throws(CommandError) -> Int {
        let x = try a.number("units")
        guard x == x.rounded() else {
            throw CommandError("units: a \(kind.rawValue) layer's \(kind.size ?? "size") is a whole number, got \(formatNumber(x))", parameter: "units")
        }
        return Int(x)
    }

    /// The activation given (with its alpha=).
    private static func activation(_ a: Arguments) throws(CommandError) -> Activation {
        do {
            return try Activation(parsing: try a.string("activation"),
                                  alpha: try a.optionalNumber("alpha") ?? Activation.defaultLeakyAlpha)
        } catch let e as EngineError {
            throw CommandError(e, parameter: "activation")
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("\(error)")
        }
    }

    /// Where a shape the engine refused went wrong: `kind` when the network gives no image
    /// (the layer cannot go there at all), else the size that does not fit the image.
    private static func place(of error: EngineError, in net: NetworkObject, size: String) -> String {
        net.network.outputShape.dimensions.count == 3 ? size : "kind"
    }
}

