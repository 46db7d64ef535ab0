/// The optimisers, sorted in order of increasing complexity. With g the gradient of the batch
/// loss (regularisation included), w a parameter, η the learning rate and t the step count
/// after this step (t = 1 on the first update):
///
/// | kind       | state        | update                                                                       |
/// |------------|--------------|------------------------------------------------------------------------------|
/// | `gd`       | —            | w −= η g, with g over the whole training set (one step per epoch)            |
/// | `sgd`      | —            | w −= η g, with g over a mini-batch                                           |
/// | `momentum` | v            | v = μ v + g;  w −= η v                                                       |
/// | `nesterov` | v            | v = μ v + g;  w −= η (g + μ v)                                               |
/// | `adagrad`  | s            | s += g²;  w −= η g / (√s + ε)                                                |
/// | `rmsprop`  | s            | s = ρ s + (1 − ρ) g²;  w −= η g / (√s + ε)                                   |
/// | `adam`     | m, v, t      | m = β₁ m + (1 − β₁) g;  v = β₂ v + (1 − β₂) g²;                              |
/// |            |              | w −= η · m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)              |
///
/// Momentum and Nesterov follow PyTorch's formulation (velocity accumulates raw gradients).
public enum OptimizerKind: String, CaseIterable, Hashable, Sendable {
    case gd, sgd, momentum, nesterov, adagrad, rmsprop, adam

    /// Parses the raw names plus "sgd_momentum" and "nag".
    public init(parsing name: String) throws(EngineError) {
        let n = name.lowercased()
        if let k = OptimizerKind(rawValue: n) { self = k; return }
        switch n {
        case "sgd_momentum", "momentum_sgd": self = .momentum
        case "nag": self = .nesterov
        default:
            throw EngineError(.invalidArgument,
                              "unknown optimizer '\(name)' (expected one of: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    /// The learning rate used when none is given: 0.1 for gd, 0.01 for sgd, momentum, nesterov
    /// and adagrad, 0.001 for rmsprop and adam.
    public var defaultLearningRate: Double {
        switch self {
        case .gd: 0.1
        case .sgd, .momentum, .nesterov, .adagrad: 0.01
        case .rmsprop, .adam: 0.001
        }
    }

    /// Per-parameter state vectors this optimiser keeps: 0, 1 (v or s) or 2 (Adam's m and v).
    public var momentCount: Int {
        switch self {
        case .gd, .sgd: 0
        case .momentum, .nesterov, .adagrad, .rmsprop: 1
        case .adam: 2
        }
    }
}

/// An optimiser and its hyper-parameters. Unused fields are ignored by the other kinds.
///
/// Defaults (`defaultMomentum` …): momentum μ = 0.9, RMSprop ρ = 0.9, Adam β₁ = 0.9, β₂ = 0.999,
/// ε = 1e-8 (also AdaGrad's and RMSprop's ε); learning rate per `OptimizerKind.defaultLearningRate`.
public struct OptimizerSettings: Hashable, Sendable {
    public var kind: OptimizerKind
    /// η.
    public var learningRate: Double
    /// μ, for momentum and Nesterov.
    public var momentum: Double
    /// ρ, RMSprop's decay of the squared-gradient average.
    public var rho: Double
    /// β₁, β₂: Adam's decay rates of the first and second moments.
    public var beta1: Double
    public var beta2: Double
    /// ε, added to the denominator of AdaGrad, RMSprop and Adam.
    public var epsilon: Double

    /// The defaults of the hyper-parameters not given (each kind's learning rate is
    /// `OptimizerKind.defaultLearningRate`).
    public static let defaultMomentum = 0.9
    public static let defaultRho = 0.9
    public static let defaultBeta1 = 0.9
    public static let defaultBeta2 = 0.999
    public static let defaultEpsilon = 1e-8

    public init(
        _ kind: OptimizerKind, learningRate: Double? = nil, momentum: Double = defaultMomentum,
        rho: Double = defaultRho, beta1: Double = defaultBeta1, beta2: Double = defaultBeta2,
        epsilon: Double = defaultEpsilon
    ) {
        self.kind = kind
        self.learningRate = learningRate ?? kind.defaultLearningRate
        self.momentum = momentum
        self.rho = rho
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Adam with its defaults (η = 0.001).
    public static let adam = OptimizerSettings(.adam)

    /// Nil when every hyper-parameter is in range, else why not (one line).
    public var problem: String? { fieldProblem?.message }

    /// The first hyper-parameter out of range and why.
    var fieldProblem: (field: TrainingOptions.Field, message: String)? {
        if !(learningRate > 0 && learningRate.isFinite) {
            return (.learningRate, "learning rate must be a finite number > 0, got \(learningRate)")
        }
        if !(momentum >= 0 && momentum < 1) { return (.momentum, "momentum must be in [0, 1), got \(momentum)") }
        if !(rho >= 0 && rho < 1) { return (.rho, "rho must be in [0, 1), got \(rho)") }
        if !(beta1 >= 0 && beta1 < 1) { return (.beta1, "beta1 must be in [0, 1), got \(beta1)") }
        if !(beta2 >= 0 && beta2 < 1) { return (.beta2, "beta2 must be in [0, 1), got \(beta2)") }
        if !(epsilon > 0 && epsilon.isFinite) { return (.epsilon, "epsilon must be a finite number > 0, got \(epsilon)") }
        return nil
    }
}
