import Engine

/// `help adam`, `help relu`, `help l2`, `?dropout`: what a word of the language means — the
/// maths and the defaults. The defaults are read from the engine's own definitions
/// (`OptimizerSettings`, `Activation`, `Cost`, `WeightInitialization`, `Regularization`), so
/// this page cannot drift from what training does.
enum ConceptHelp {
    /// The topics, in the order `help concepts` lists them.
    static let topics: [String] = OptimizerKind.allCases.map(\.rawValue) + Activation.names + Cost.allCases.map(\.rawValue)
        + ["l1", "l2", "dropout", "batchnorm", "he", "xavier", "pytorch", "lr", "batch", "epoch"]

    /// The page for `word`, accepting the engine's aliases (`crossentropy`, `nag`, `identity`);
    /// nil when it names no concept.
    static func page(_ word: String) -> String? {
        if let kind = try? OptimizerKind(parsing: word) { return optimizer(kind) }
        if let activation = try? Activation(parsing: word) { return self.activation(activation) }
        if let cost = try? Cost(parsing: word) { return self.cost(cost) }
        switch word.lowercased() {
        case "l1", "l2", "regularization", "regularisation", "weight_decay": return regularization
        case "dropout": return dropout
        case "batchnorm", "batch_norm", "batchnormalization", "batch_normalization": return batchNorm
        case "he", "xavier", "glorot", "pytorch", "init": return initialization
        case "lr", "learning_rate", "schedule": return learningRate
        case "batch", "epoch", "epochs": return batches
        case "concepts": return "Words help explains besides the commands:\n  " + topics.joined(separator: " ")
        default: return nil
        }
    }

    private static func number(_ x: Double) -> String { formatNumber(x) }

    // MARK: - Optimizers

    static func optimizer(_ kind: OptimizerKind) -> String {
        let d = OptimizerSettings(kind)
        let eta = "η (lr=, default \(number(d.learningRate)))"
        let rule: String
        switch kind {
        case .gd:
            rule = "w −= η g, with g the gradient over the whole training set: one step per epoch."
        case .sgd:
            rule = "w −= η g, with g the gradient of one mini-batch (batch=)."
        case .momentum:
            rule = "v = μ v + g;  w −= η v   (PyTorch's form: v sums raw gradients)\nμ: momentum= (default \(number(d.momentum)))."
        case .nesterov:
            rule = "v = μ v + g;  w −= η (g + μ v)   (Nesterov's look-ahead, PyTorch's form)\nμ: momentum= (default \(number(d.momentum)))."
        case .adagrad:
            rule = "s += g²;  w −= η g / (√s + ε)   (each weight's rate shrinks as its gradients add up)\nε = \(number(d.epsilon))."
        case .rmsprop:
            rule = "s = ρ s + (1 − ρ) g²;  w −= η g / (√s + ε)\nρ: rho= (default \(number(d.rho))), ε = \(number(d.epsilon))."
        case .adam:
            rule = """
                m = β₁ m + (1 − β₁) g;  v = β₂ v + (1 − β₂) g²
                w −= η m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   (t: the step, from 1)
                β₁ = \(number(d.beta1)), β₂ = \(number(d.beta2)), ε = \(number(d.epsilon)).
                """
        }
        return """
            \(kind.rawValue): an optimizer (train ... optimizer=\(kind.rawValue)). g is the gradient of the batch loss \
            (penalties included), w a weight, \(eta).

            \(rule)

            See also: help train, help \(kind == .adam ? "sgd" : "adam").
            """
    }

    // MARK: - Activations

    static func activation(_ a: Activation) -> String {
        let formula: String
        switch a {
        case .sigmoid: formula = "f(z) = 1 / (1 + e^(−z)), between 0 and 1;  f'(z) = y (1 − y)"
        case .relu: formula = "f(z) = max(0, z);  f'(z) = 1 for z > 0, else 0"
        case .leakyReLU:
            formula = "f(z) = z for z > 0, else α z;  f'(z) = 1 for z > 0, else α\n"
                + "α: alpha= (default \(number(Activation.defaultLeakyAlpha)))"
        case .tanh: formula = "f(z) = tanh z, between −1 and 1;  f'(z) = 1 − y²"
        case .linear: formula = "f(z) = z;  f'(z) = 1   (regression outputs)"
        case .softmax:
            formula = "y_j = e^(z_j) / Σ_k e^(z_k) over a row: the outputs are positive and sum to 1\n"
                + "(class probabilities); ∂y_j/∂z_i = y_j (δ_ij − y_i)"
        }
        let initial = WeightInitialization.default(for: a) == .he ? "he" : "xavier"
        return """
            \(a.name): an activation (add net dense 10 \(a.name)), applied to z = x·W + b; y = f(z).

            \(formula)

            Weights start by \(initial) initialisation (help \(initial)); as the output layer its cost is \
            \(Cost.default(for: a).rawValue) unless cost= says otherwise.
            """
    }

    // MARK: - Costs

    static func cost(_ c: Cost) -> String {
        let formula: String
        switch c {
        case .mse:
            formula = "ℓ = (1/k) Σ_j (ŷ_j − y_j)²   over the k outputs: the mean squared error"
        case .crossEntropy:
            formula = "ℓ = −Σ_j y_j log ŷ_j   (y one-hot: −log of the true class's probability)\n"
                + "computed from the logits with log-sum-exp, so it stays finite; with softmax its\n"
                + "gradient is ŷ − y"
        case .binaryCrossEntropy:
            formula = "ℓ = Σ_j −y_j log ŷ_j − (1 − y_j) log(1 − ŷ_j)   (each output a yes/no probability)\n"
                + "computed from the logits, so it stays finite; with sigmoid its gradient is ŷ − y"
        }
        let defaults = [Activation.softmax, .sigmoid, .linear].filter { Cost.default(for: $0) == c }.map(\.name)
        return """
            \(c.rawValue): a cost (train ... cost=\(c.rawValue)), the loss minimised: the mean over a batch of ℓ(ŷ, y).

            \(formula)

            """ + (defaults.isEmpty ? "Never chosen by default; give cost=\(c.rawValue)."
                   : "The default after a \(defaults.joined(separator: " or ")) output layer.")
    }

    // MARK: - The rest

    static var regularization: String {
        let none = Regularization()
        return """
            l1, l2: penalties on the weights (never the biases), added to the data loss (train ... l2=0.0001):

              L = L_data + l1 Σ|w| + (l2/2) Σ w²
              ∂L/∂w = ∂L_data/∂w + l1 sign(w) + l2 w

            L_data is a mean over the batch, so the penalty does not depend on batch=; with sgd, l2 is \
            the weight decay per step divided by lr. Defaults: l1 = \(number(none.l1)), l2 = \(number(none.l2)).
            The first paper's λ/(2n) Σw² and λ/(2n) Σ|w| (n = the batch): train ... l2_paper=λ l1_paper=λ.
            """
    }

    static let dropout = """
        dropout: inverted dropout (add net dropout 0.5, before a dense layer). While training, each \
        input a of the next layer is kept with probability 1 − p and scaled:

          ã = a · m,  m = 1/(1 − p) with probability 1 − p, else 0

        so the mean is unchanged and nothing happens at prediction time. p is the rate, 0 ≤ p < 1 \
        (no default: add net dropout takes it).
        """

    static let batchNorm = """
        batchnorm: batch normalisation (add net batchnorm, after a conv or dense layer). Each channel \
        (a conv layer's filter, over the batch and the image; a dense layer's unit, over the batch) \
        is normalised, then scaled and shifted by γ and β, learnt (starting at 1 and 0, no l1/l2):

          training   y = γ · (x − μ) / √(σ² + ε) + β     μ, σ² of the batch
                     running = (1 − m) · running + m · batch      (σ² unbiased here)
          otherwise  y = γ · (x − running μ) / √(running σ² + ε) + β

        m is the momentum (momentum=, default \(number(BatchNorm.defaultMomentum))), ε = \(number(BatchNorm.defaultEpsilon)), as \
        PyTorch's BatchNorm1d/2d. Evaluation, predict and classify use the running statistics. \
        After a dense layer a training batch needs at least 2 examples.
        """

    static let initialization = """
        he, xavier, pytorch: how a dense layer's weights start (add net dense 10 relu init=xavier); \
        biases start at 0, except with pytorch.

          he       w ~ N(0, 2 / inputs)                 default for relu and leaky_relu
          xavier   w ~ N(0, 2 / (inputs + outputs))     default for the other activations (Glorot)
          pytorch  w, b ~ U(−1/√inputs, 1/√inputs)      PyTorch's nn.Linear default
          stddev=s w ~ N(0, s²)

        The draws come from the session's generator (set seed) or seed=.
        """

    static var learningRate: String {
        let rates = OptimizerKind.allCases.map { "\($0.rawValue) \(number($0.defaultLearningRate))" }.joined(separator: ", ")
        return """
            lr: the learning rate η, the size of each step (train ... lr=0.01). Defaults per optimizer: \(rates).
            schedule= changes it per epoch: step (× gamma every step_every epochs), exp (× gamma each \
            epoch), cosine (down to lr_min in the last epoch). See help train.
            """
    }

    static let batches = """
        batch, epoch: an epoch is one pass over the training data (train ... epochs=10); a batch is \
        the examples one step of the optimizer sees (batch=32). An epoch takes ⌈examples / batch⌉ \
        steps; shuffle=true (the default) reorders the examples every epoch.
        """
}
