import Engine

/// `fit = ols data`: ordinary least squares in closed form, as a network.
struct OLSCommand: Command {
    static let name = "ols"
    static let group = CommandGroup.training
    static let summary = "Ordinary least squares in closed form: a one-layer linear network (eval, predict, save it)."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the training data (regression targets, or class data fitted to one-hot targets)"),
    ]
    static let example = """
        r = runge n=100 noise=0.05 seed=1
        fit = ols (poly r 10)
        print (eval fit (poly r 10)).mse < 0.01
        """
    static let details = """
        Solves min (1/m) Σ (x·w + b − y)² exactly (Householder QR of the centred, column-scaled
        inputs) and returns a network of one dense linear layer with mse
        cost holding w and b: the point `train` on such a network converges to. Polynomial
        features (poly data 10) make it a polynomial fit. Fails, naming the column, when a
        feature is constant or a combination of others: use ridge.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        try LeastSquaresFit.fit(a, shell, l2: 0, verb: "ols")
    }
}

/// `fit = ridge data l2=1e-3`: ridge regression in closed form, as a network.
struct RidgeCommand: Command {
    static let name = "ridge"
    static let group = CommandGroup.training
    static let summary = "Ridge regression in closed form (the l2 penalty of train): a one-layer linear network."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the training data"),
        .option("l2", .numberIn(0...1e12), default: .number(1e-3), help: "the L2 penalty λ₂, as in train: (λ₂/2) Σw² added to the mean squared error"),
    ]
    static let example = """
        r = poly (runge n=100 noise=0.05 seed=1) 10
        fit = ridge r l2=1e-4
        print (eval fit r).mse < 0.05
        """
    static let details = """
        Minimises (1/m) Σ (x·w + b − y)² + (l2/2) Σ w² (the bias is not penalised), the same
        objective as train with l2= on a network of one linear layer, so both give the same
        weights at convergence. For Lasso (L1) train such a network with l1=.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        try LeastSquaresFit.fit(a, shell, l2: try a.number("l2"), verb: "ridge")
    }
}

/// What `ols` and `ridge` share.
enum LeastSquaresFit {
    static func fit(_ a: Arguments, _ shell: Interpreter, l2: Double, verb: String) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        let precision = Precision(rawValue: shell.precision) ?? .float32
        let network: AnyNetwork
        do {
            network = try AnyNetwork.leastSquares(data.dataset, l2: l2, precision: precision)
        } catch {
            throw CommandError(error, parameter: "data")
        }
        let net = NetworkObject(network)
        net.scaling = data.scaling
        net.classNames = data.dataset.classNames
        net.imageShape = data.dataset.imageShape
        net.log = ["network \(network.inputWidth) precision=\(precision.rawValue)",
                   "add dense \(network.outputWidth) linear",
                   verb == "ols" ? "ols \(data.dataset.name)" : "ridge \(data.dataset.name) l2=\(l2)"]
        net.trainingOptions = [("data", data.dataset.name), ("method", verb), ("l2", "\(l2)")]
        return .object(net)
    }
}
