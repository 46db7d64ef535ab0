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

/// `fit = lasso data l1=1e-3`: the Lasso by coordinate descent, as a network.
struct LassoCommand: Command {
    static let name = "lasso"
    static let group = CommandGroup.training
    static let summary = "The Lasso (the l1 penalty of train) by coordinate descent: a one-layer linear network."
    static let parameters: [Parameter] = [
        .positional("data", CommonParameters.dataset, help: "the training data"),
        .option("l1", .numberIn(0...1e12), default: .number(1e-3), help: "the L1 penalty λ₁, as in train: λ₁ Σ|w| added to the mean squared error"),
    ]
    static let example = """
        r = standardize (poly (runge n=100 noise=0.05 seed=1) 10)
        fit = lasso r l1=1e-3
        print (eval fit r).mse < 0.05
        """
    static let details = """
        Minimises (1/m) Σ (x·w + b − y)² + l1 Σ|w| (the bias is not penalised), the objective of
        train with l1= on a network of one linear layer, by cyclic coordinate descent until no
        weight moves by more than 1e-7 of the largest. Large enough l1 sets weights to exactly
        0. Standardize the features first so the penalty treats them alike.
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let data = try a.dataset("data"), l1 = try a.number("l1")
        let precision = shell.precision
        let fit: (network: AnyNetwork, result: LassoCoordinateDescent.Result)
        do {
            fit = try AnyNetwork.lasso(data.dataset, l1: l1, precision: precision, shouldStop: shell.isInterrupted)
        } catch {
            throw CommandError(error, parameter: "data")
        }
        if !fit.result.converged {
            shell.print("lasso: not converged after \(fit.result.sweeps) sweeps (the weights are the last sweep's)")
        }
        return .object(LeastSquaresFit.networkObject(fit.network, data, describe(a, "data", data),
                                                     precision, "lasso \(written(a, "data", data)) l1=\(l1)",
                                                     [("method", "lasso"), ("l1", "\(l1)")]))
    }
}

/// What `ols`, `ridge` and `lasso` share.
enum LeastSquaresFit {
    static func fit(_ a: Arguments, _ shell: Interpreter, l2: Double, verb: String) throws(CommandError) -> Value {
        let data = try a.dataset("data")
        let precision = shell.precision
        let network: AnyNetwork
        do {
            network = try AnyNetwork.leastSquares(data.dataset, l2: l2, precision: precision,
                                                  shouldStop: shell.isInterrupted)
        } catch {
            throw CommandError(error, parameter: "data")
        }
        let shown = written(a, "data", data)
        return .object(networkObject(network, data, describe(a, "data", data), precision,
                                     verb == "ols" ? "ols \(shown)" : "ridge \(shown) l2=\(l2)",
                                     [("method", verb), ("l2", "\(l2)")]))
    }

    /// The fitted network as the shell holds it, with the data's scaling and a log for provenance.
    static func networkObject(_ network: AnyNetwork, _ data: DatasetObject, _ described: String, _ precision: Precision,
                              _ command: String, _ options: [(String, String)]) -> NetworkObject {
        let net = NetworkObject(network)
        net.scaling = data.scaling
        net.classNames = data.dataset.classNames
        net.imageShape = data.dataset.imageShape
        net.log = ["network \(network.inputWidth) precision=\(precision.rawValue)",
                   "add dense \(network.outputWidth) linear", command]
        net.trainingOptions = [("data", described)] + options
        return net
    }
}
