/// Health figures of one layer, for `inspect`: how big its parameters and gradients are, and
/// how many of its units are dead (ReLU) or saturated (sigmoid, tanh) on some data.
///
/// With data of m examples and cost ℓ, the gradients are those of the mean data loss
/// L = (1/m) Σ ℓ (the regularisation penalty excluded), computed over the whole data set with
/// the current weights, not the last training batch's.
public struct LayerHealth: Hashable, Sendable {
    /// 0-based layer index.
    public var layer: Int
    public var inputs: Int
    public var outputs: Int
    public var activation: Activation
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
    /// Per-layer health: parameter norms always; with `data`, gradient norms of the mean loss
    /// over it and the dead/saturated fractions of each layer's outputs on it.
    ///
    ///     let health = try net.health(on: test)
    ///     health[0].deadFraction   // 0.25: a quarter of layer 1's ReLU units never fire on `test`
    public func health(on data: (any TrainingData)? = nil, batchSize: Int = 256) throws(EngineError) -> [LayerHealth] {
        guard !layers.isEmpty else { throw EngineError(.empty, "the network has no layers yet") }
        var result = layers.enumerated().map { l, layer in
            LayerHealth(layer: l, inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation,
                        weightNorm: Self.norm(layer.weights.storage), biasNorm: Self.norm(layer.bias),
                        nonFinite: !(layer.weights.storage.allSatisfy(\.isFinite) && layer.bias.allSatisfy(\.isFinite)))
        }
        guard let data else { return result }
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        guard batchSize > 0 else { throw EngineError(.invalidArgument, "batch size must be ≥ 1, got \(batchSize)") }
        try check(inputWidth: data.inputWidth, targetWidth: data.targetWidth, what: "the data")

        let rowsPerPass = Swift.min(batchSize, data.count)
        let ws = Workspace(network: self, capacity: rowsPerPass, targetWidth: data.targetWidth)
        ws.zeroGradients()
        var everPositive = layers.map { Array(repeating: false, count: $0.outputs) }
        var saturated = Array(repeating: 0, count: layers.count)
        let scale = 1 / T(data.count)
        var start = 0
        while start < data.count {
            let rows = Swift.min(rowsPerPass, data.count - start)
            ws.fill(from: data, start: start, rows: rows)
            forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: scale)
            for (l, layer) in layers.enumerated() {
                let y = ws.outputs[l].pointer, n = layer.outputs
                switch layer.activation {
                case .relu:
                    for r in 0..<rows { for c in 0..<n where y[r * n + c] > 0 { everPositive[l][c] = true } }
                case .sigmoid, .tanh:
                    for i in 0..<rows * n where LayerHealth.isSaturated(Double(y[i]), layer.activation) { saturated[l] += 1 }
                default:
                    break
                }
            }
            backwardPass(ws, rows: rows)   // adds this chunk's share of the mean gradient
            start += rows
        }
        for (l, layer) in layers.enumerated() {
            result[l].weightGradientNorm = Self.norm(ws.weightGradients[l].array)
            result[l].biasGradientNorm = Self.norm(ws.biasGradients[l].array)
            switch layer.activation {
            case .relu:
                result[l].deadFraction = Double(everPositive[l].filter { !$0 }.count) / Double(layer.outputs)
            case .sigmoid, .tanh:
                result[l].saturatedFraction = Double(saturated[l]) / Double(data.count * layer.outputs)
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
