/// What a parameter tensor is, for the penalties and the gradient check's entries.
public enum ParameterKind: String, Hashable, Sendable {
    /// Weights: the L1/L2 penalties apply.
    case weights
    /// Biases (added): no penalty.
    case bias
    /// A multiplying scale that takes no penalty (batch normalisation's γ).
    case scale
}

/// How well backpropagation's gradient of one parameter tensor agrees with central differences.
///
/// Over the checked parameters of the tensor, with a the analytic and n the numerical gradient:
/// `relativeError = ‖a − n‖ / (‖a‖ + ‖n‖)` (Euclidean norms; 0 when both are zero).
public struct GradientCheckEntry: Hashable, Sendable {
    /// 0-based layer index.
    public var layer: Int
    public var kind: ParameterKind
    /// Parameters compared, out of `total` in the tensor.
    public var checked: Int
    public var total: Int
    public var analyticNorm: Double
    public var numericNorm: Double
    public var relativeError: Double
}

/// The result of `Network.gradientCheck`: one entry per layer and parameter kind.
public struct GradientCheckReport: Sendable {
    public var entries: [GradientCheckEntry]
    /// The total loss (data loss + penalty) at the unperturbed parameters.
    public var loss: Double
    public var epsilon: Double
    public var maxRelativeError: Double { entries.map(\.relativeError).max() ?? 0 }
    /// Parameters compared, and parameters in the network.
    public var checked: Int { entries.reduce(0) { $0 + $1.checked } }
    public var total: Int { entries.reduce(0) { $0 + $1.total } }
}

/// How far `Network.gradientCheck` has got: parameters compared so far, of those it will compare.
public struct GradientCheckProgress: Hashable, Sendable {
    public var checked: Int
    public var toCheck: Int
}

extension Network {
    /// Compares the backpropagated gradient of the total loss (the cost's mean over all of
    /// `data` plus the `regularization` penalty) with central differences
    /// `(L(w + ε) − L(w − ε)) / 2ε`, in Double whatever this network's precision (on a copy;
    /// this network is not changed).
    ///
    /// By default the layers run as at inference: dropout layers are the identity and batch
    /// normalisation uses its running statistics, so the loss is a deterministic function of
    /// the weights. With `training`, they run as the trainer runs them, and the check holds
    /// the gradient the trainer follows: batch normalisation uses each chunk's statistics (the
    /// chunks of up to 256 examples are the batches) and dropout one set of masks drawn once
    /// from `generator` for the whole check.
    ///
    /// Every parameter is checked unless `maxPerTensor` is given: then at most that many of
    /// each tensor, drawn from `generator` without replacement.
    ///
    /// `shouldStop` is asked before each parameter and between chunks of every loss evaluation;
    /// when it says true the check throws `.stopped` (the network is unchanged either way).
    /// `progress` is called after each parameter.
    public func gradientCheck(
        on data: any TrainingData, regularization: Regularization = .none, epsilon: Double = 1e-5,
        maxPerTensor: Int? = nil, training: Bool = false, generator: inout RandomGenerator,
        shouldStop: () -> Bool = { false }, progress: (GradientCheckProgress) -> Void = { _ in }
    ) throws(EngineError) -> GradientCheckReport {
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        try check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the data")
        if let why = regularization.problem { throw EngineError(.invalidArgument, why) }
        guard epsilon > 0, epsilon.isFinite else {
            throw EngineError(.invalidArgument, "epsilon must be a finite number > 0, got \(epsilon)")
        }
        let net = converted(to: Double.self)
        let cost = net.cost
        if let why = cost.incompatibility(with: net.layers[net.layers.count - 1].activation) {
            throw EngineError(.incompatibleCost, why, layer: net.layers.count - 1)
        }
        let n = data.count
        let ws = Workspace(network: net, capacity: Swift.min(n, 256), targetWidth: data.targetWidth)
        if training {
            try net.checkTrainingBatches(examples: n, batch: ws.capacity)
            ws.drawDropoutMasks(rows: ws.capacity, generator: &generator)
        }

        // The parameters to compare, tensor by tensor: the layer (counted among those with
        // parameters), its place in the stack, the tensor in the layer, kind, indices, size.
        var tensors: [(layer: Int, s: Int, tensor: Int, kind: ParameterKind, chosen: [Int], total: Int)] = []
        var l = 0
        for s in net.stack.indices where net.stack[s].parameterTensorCount > 0 {
            for (t, kind) in net.stack[s].parameterKinds.enumerated() {
                let total = net.stack[s].parameterShapes[t].count
                var chosen = Array(0..<total)
                if let limit = maxPerTensor, limit < total {
                    for i in 0..<Swift.max(limit, 0) {   // a partial Fisher–Yates shuffle
                        chosen.swapAt(i, i + generator.nextInt(below: total - i))
                    }
                    chosen = Array(chosen[0..<Swift.max(limit, 0)])
                }
                tensors.append((l, s, t, kind, chosen, total))
            }
            l += 1
        }
        let toCheck = tensors.reduce(0) { $0 + $1.chosen.count }
        var checked = 0
        func stopped() -> EngineError {
            EngineError(.stopped, "stopped after \(checked) of \(toCheck) parameters")
        }

        func totalLoss() throws(EngineError) -> Double {
            guard let totals = net.evaluateTotals(data, ws: ws, cost: cost, training: training, shouldStop: shouldStop) else {
                throw stopped()
            }
            var penalty = 0.0
            for layer in net.stack {
                for (t, kind) in layer.parameterKinds.enumerated() where kind == .weights {
                    penalty += regularization.penalty(weights: layer.parameter(t))
                }
            }
            return totals.loss / Double(n) + penalty
        }

        // Analytic gradient over all the data: chunks accumulated, each scaled by 1/n.
        var start = 0
        while start < n {
            if shouldStop() { throw stopped() }
            let rows = Swift.min(ws.capacity, n - start)
            ws.fill(from: data, start: start, rows: rows)
            net.forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: 1 / Double(n), dropout: training)
            net.backwardPass(ws, rows: rows, dropout: training)
            start += rows
        }
        let base = try totalLoss()

        var entries: [GradientCheckEntry] = []
        for (l, s, t, kind, chosen, total) in tensors {
            var diff = 0.0, aNorm = 0.0, nNorm = 0.0
            for i in chosen {
                if shouldStop() { throw stopped() }
                let original = net.stack[s].withParameter(t) { $0[i] }
                var analytic = ws.layers[s].parameterGradients[t].pointer[i]
                if kind == .weights {   // the penalties' gradient
                    let sign: Double = original > 0 ? 1 : original < 0 ? -1 : 0
                    analytic += regularization.l1 * sign + regularization.l2 * original
                }
                func set(_ v: Double) { net.stack[s].withMutableParameter(t) { $0[i] = v } }
                set(original + epsilon)
                let plus = try totalLoss()
                set(original - epsilon)
                let minus = try totalLoss()
                set(original)
                let numeric = (plus - minus) / (2 * epsilon)
                diff += (analytic - numeric) * (analytic - numeric)
                aNorm += analytic * analytic
                nNorm += numeric * numeric
                checked += 1
                progress(GradientCheckProgress(checked: checked, toCheck: toCheck))
            }
            let denominator = aNorm.squareRoot() + nNorm.squareRoot()
            entries.append(GradientCheckEntry(
                layer: l, kind: kind, checked: chosen.count, total: total,
                analyticNorm: aNorm.squareRoot(), numericNorm: nNorm.squareRoot(),
                relativeError: denominator > 0 ? diff.squareRoot() / denominator : 0))
        }
        return GradientCheckReport(entries: entries, loss: base, epsilon: epsilon)
    }
}
