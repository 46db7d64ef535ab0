/// Health figures of one layer with parameters, of any kind, for `inspect`: how big its
/// parameters and gradients are, and how many of its units are dead (ReLU) or saturated
/// (sigmoid, tanh) on some data.
///
/// With data of m examples and cost ℓ, the gradients are those of the mean data loss
/// L = (1/m) Σ ℓ (the regularisation penalty excluded), computed over the whole data set with
/// the current weights, not the last training batch's.
///
/// A unit is one slice of the layer's output along its first dimension: a dense layer's
/// output, a convolution's filter (all its positions).
public struct LayerHealth: Hashable, Sendable {
    /// 0-based index among the layers with parameters.
    public var layer: Int
    /// `Layer.kind`: "dense", "conv".
    public var kind: String
    /// The shape of its weights (dense: inputs×outputs; conv: filters×channels×k×k).
    public var weightShape: Shape
    /// Its element-wise activation, nil for a layer without one.
    public var activation: Activation?
    /// ‖W‖ = √(Σ w²) over the weights (Frobenius norm), and ‖b‖ over the biases.
    public var weightNorm: Double
    public var biasNorm: Double
    /// True when some weight or bias is NaN or infinite.
    public var nonFinite: Bool
    /// ‖∂L/∂W‖ and ‖∂L/∂b‖ on the data; nil without data.
    public var weightGradientNorm: Double?
    public var biasGradientNorm: Double?
    /// ReLU layers with data: the fraction of units whose output is 0 for every example
    /// (they pass no gradient, so they never learn again). Nil for other activations.
    public var deadFraction: Double?
    /// Sigmoid and tanh layers with data: the fraction of outputs (examples × units) in the
    /// flat parts, where f' is under 4% of its peak: sigmoid y < 0.01 or y > 0.99, tanh |y| > 0.99.
    /// Nil for other activations.
    public var saturatedFraction: Double?

    /// The saturation test for one output y of `activation` (see `saturatedFraction`).
    static func isSaturated(_ y: Double, _ activation: Activation) -> Bool {
        switch activation {
        case .sigmoid: return y < 0.01 || y > 0.99
        case .tanh: return abs(y) > 0.99
        default: return false
        }
    }
}

extension Network {
    /// Per-layer health of every layer with parameters: parameter norms always; with `data`,
    /// gradient norms of the mean loss over it and the dead/saturated fractions of each
    /// layer's outputs on it.
    ///
    ///     let health = try net.health(on: test)
    ///     health[0].deadFraction   // 0.25: a quarter of layer 1's ReLU units never fire on `test`
    public func health(on data: (any TrainingData)? = nil, batchSize: Int = 256) throws(EngineError) -> [LayerHealth] {
        let parametric = stack.indices.filter { stack[$0].parameterTensorCount > 0 }
        guard !parametric.isEmpty else { throw EngineError(.empty, "the network has no layers yet") }
        /// Norms of the tensors of one kind (weights or biases), as one vector.
        func norm(_ kind: ParameterKind, of s: Int, _ values: (Int) -> [T]) -> Double {
            let kinds = stack[s].parameterKinds
            return kinds.indices.filter { kinds[$0] == kind }.reduce(0.0) { total, i in
                total + values(i).reduce(0.0) { $0 + Double($1) * Double($1) }
            }.squareRoot()
        }
        var result = parametric.enumerated().map { l, s in
            let layer = stack[s]
            let tensors = (0..<layer.parameterTensorCount).map { layer.parameter($0) }
            let weights = layer.parameterKinds.firstIndex(of: .weights) ?? 0
            return LayerHealth(layer: l, kind: type(of: layer).kind, weightShape: layer.parameterShapes[weights],
                               activation: layer.unitActivation,
                               weightNorm: norm(.weights, of: s) { tensors[$0] }, biasNorm: norm(.bias, of: s) { tensors[$0] },
                               nonFinite: !tensors.allSatisfy { $0.allSatisfy(\.isFinite) })
        }
        guard let data else { return result }
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        guard batchSize > 0 else { throw EngineError(.invalidArgument, "batch size must be ≥ 1, got \(batchSize)") }
        try check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the data")

        let rowsPerPass = Swift.min(batchSize, data.count)
        let ws = Workspace(network: self, capacity: rowsPerPass, targetWidth: data.targetWidth)
        ws.zeroGradients()
        // Units: slices of the output along its first dimension (see `LayerHealth`).
        let units = parametric.map { shapes[$0].dimensions[0] }
        var everPositive = units.map { Array(repeating: false, count: $0) }
        var saturated = Array(repeating: 0, count: parametric.count)
        let scale = 1 / T(data.count)
        var start = 0
        while start < data.count {
            let rows = Swift.min(rowsPerPass, data.count - start)
            ws.fill(from: data, start: start, rows: rows)
            forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: scale)
            for (l, s) in parametric.enumerated() {
                guard let activation = result[l].activation, let y = ws.layers[s].output?.pointer else { continue }
                let n = shapes[s].count, span = n / units[l]
                switch activation {
                case .relu:
                    for r in 0..<rows {
                        for c in 0..<n where y[r * n + c] > 0 { everPositive[l][c / span] = true }
                    }
                case .sigmoid, .tanh:
                    for i in 0..<rows * n where LayerHealth.isSaturated(Double(y[i]), activation) { saturated[l] += 1 }
                default:
                    break
                }
            }
            backwardPass(ws, rows: rows)   // adds this chunk's share of the mean gradient
            start += rows
        }
        for (l, s) in parametric.enumerated() {
            let gradients = ws.layers[s].parameterGradients
            result[l].weightGradientNorm = norm(.weights, of: s) { gradients[$0].array }
            result[l].biasGradientNorm = norm(.bias, of: s) { gradients[$0].array }
            switch result[l].activation {
            case .relu?:
                result[l].deadFraction = Double(everPositive[l].filter { !$0 }.count) / Double(units[l])
            case .sigmoid?, .tanh?:
                result[l].saturatedFraction = Double(saturated[l]) / Double(data.count * shapes[s].count)
            default:
                break
            }
        }
        return result
    }

    /// √(Σ x²), accumulated in Double.
    static func norm(_ xs: [T]) -> Double {
        xs.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}
