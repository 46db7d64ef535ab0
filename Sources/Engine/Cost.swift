/// What training minimises: the mean over a batch of m examples of a per-example loss
/// ℓ(ŷ, y) between the network's output row ŷ (k values) and the target row y.
///
/// | case                  | per-example loss ℓ                          | output activation | ∂L/∂z (batch mean)   |
/// |-----------------------|---------------------------------------------|-------------------|----------------------|
/// | `mse`                 | (1/k) Σ_j (ŷ_j − y_j)²                      | any               | 2(ŷ − y)/(k m) ⊙ f'  |
/// | `crossEntropy`        | −Σ_j y_j log ŷ_j = Σ_j y_j (lse(z) − z_j)   | softmax           | (ŷ Σ_j y_j − y)/m    |
/// | `binaryCrossEntropy`  | Σ_j −y_j log ŷ_j − (1 − y_j) log(1 − ŷ_j)   | sigmoid           | (ŷ − y)/m            |
///
/// So `mse` is the plain mean squared error over all outputs. Cross-entropy is computed from the
/// logits z with the log-sum-exp `lse(z) = max z + log Σ e^(z_j − max z)`, and binary
/// cross-entropy as `max(z, 0) − y z + log(1 + e^(−|z|))`: both stay finite for any finite z.
/// Their gradients are fused with the output activation (one pass, no Jacobian). For one-hot
/// targets Σ_j y_j = 1 and the cross-entropy gradient is the familiar (ŷ − y)/m.
///
/// Regularisation penalties (`Regularization`) are added on top of this data loss.
public enum Cost: String, CaseIterable, Hashable, Sendable {
    case mse
    case crossEntropy = "cross_entropy"
    case binaryCrossEntropy = "binary_cross_entropy"

    /// Parses "mse", "cross_entropy" ("ce", "crossentropy"), "binary_cross_entropy" ("bce").
    public init(parsing name: String) throws(EngineError) {
        switch name.lowercased() {
        case "mse", "mean_squared_error", "squared_error": self = .mse
        case "cross_entropy", "crossentropy", "ce", "cross-entropy": self = .crossEntropy
        case "binary_cross_entropy", "bce", "binary-cross-entropy": self = .binaryCrossEntropy
        default:
            throw EngineError(.invalidArgument,
                              "unknown cost '\(name)' (expected mse, cross_entropy or binary_cross_entropy)")
        }
    }

    /// The canonical name ("cross_entropy").
    public var name: String { rawValue }

    /// The cost chosen when none is set: cross-entropy after softmax, mean squared error otherwise.
    public static func `default`(for output: Activation) -> Cost {
        output == .softmax ? .crossEntropy : .mse
    }

    /// Nil if this cost can follow `output`, else why not (one line).
    public func incompatibility(with output: Activation) -> String? {
        switch self {
        case .mse: return nil
        case .crossEntropy:
            return output == .softmax ? nil : "cross_entropy needs a softmax output layer, got \(output)"
        case .binaryCrossEntropy:
            return output == .sigmoid ? nil : "binary_cross_entropy needs a sigmoid output layer, got \(output)"
        }
    }

    // MARK: - Reference path (whole matrices, allocating; used by tests)

    /// The mean over rows of the per-example loss, from output probabilities/values ŷ.
    /// Cross-entropies clamp ŷ away from 0 and 1, so this path is not stable for extreme logits.
    public func loss<T: Scalar>(predictions p: Matrix<T>, targets y: Matrix<T>) -> Double {
        precondition(p.rows == y.rows && p.columns == y.columns, "loss shape mismatch")
        guard p.rows > 0 else { return 0 }
        let tiny = Double(T.leastNormalMagnitude)
        var sum = 0.0
        for i in 0..<p.count {
            let a = Double(p.storage[i]), t = Double(y.storage[i])
            switch self {
            case .mse: sum += (a - t) * (a - t) / Double(p.columns)
            case .crossEntropy: sum -= t * _log(Swift.max(a, tiny))
            case .binaryCrossEntropy:
                sum -= t * _log(Swift.max(a, tiny)) + (1 - t) * _log(Swift.max(1 - a, tiny))
            }
        }
        return sum / Double(p.rows)
    }

    /// ∂L/∂ŷ for the batch mean L, the gradient that then flows back through the output
    /// activation's derivative (reference path, unfused).
    public func gradient<T: Scalar>(predictions p: Matrix<T>, targets y: Matrix<T>) -> Matrix<T> {
        var g = Matrix<T>(rows: p.rows, columns: p.columns)
        let m = T(p.rows), k = T(p.columns)
        for i in 0..<p.count {
            let a = p.storage[i], t = y.storage[i]
            switch self {
            case .mse: g.storage[i] = 2 * (a - t) / (k * m)
            case .crossEntropy: g.storage[i] = -t / a / m
            case .binaryCrossEntropy: g.storage[i] = (-t / a + (1 - t) / (1 - a)) / m
            }
        }
        return g
    }
}

extension Cost: CustomStringConvertible {
    public var description: String { rawValue }
}

// MARK: - Fused output kernel (fast path)

/// What one pass over an output block found: the summed per-example loss, the number of
/// examples whose predicted class matches the target's, and Σ (ŷ − y)² over all elements.
@usableFromInline
struct OutputTotals {
    var loss: Double = 0
    var correct: Int = 0
    var squaredError: Double = 0
}

extension Cost {
    /// The output layer's forward pass, loss and first backward step in one pass.
    ///
    /// `out` (rows × columns) holds x·W on entry and ŷ = f(x·W + b) on return. `targets` has
    /// the same shape. When `delta` is given it receives `scale · ∂ℓ/∂z` per row (scale = 1/m
    /// for a batch mean). A prediction is correct when argmax ŷ = argmax y (with one output:
    /// when ŷ and y fall on the same side of 0.5).
    @usableFromInline
    func outputPass<T: Scalar>(
        activation: Activation, out: UnsafeMutablePointer<T>, rows: Int, columns: Int,
        bias: UnsafePointer<T>, targets: UnsafePointer<T>,
        delta: UnsafeMutablePointer<T>?, scale: T
    ) -> OutputTotals {
        var totals = OutputTotals()
        switch (self, activation) {
        case (.crossEntropy, .softmax):
            for r in 0..<rows {
                let z = out + r * columns, y = targets + r * columns
                var m = -T.infinity
                for c in 0..<columns { z[c] += bias[c]; m = Swift.max(m, z[c]) }
                var s: T = 0, yz: T = 0, ySum: T = 0
                for c in 0..<columns { yz += y[c] * z[c]; ySum += y[c]; s += T.exp(z[c] - m) }
                let lse = m + T.log(s)
                totals.loss += Double(lse * ySum - yz)
                let inv = 1 / s
                for c in 0..<columns { z[c] = T.exp(z[c] - m) * inv }
                if let delta {
                    let d = delta + r * columns
                    for c in 0..<columns { d[c] = (z[c] * ySum - y[c]) * scale }
                }
            }
        case (.binaryCrossEntropy, .sigmoid):
            for r in 0..<rows {
                let z = out + r * columns, y = targets + r * columns
                var rowLoss: T = 0
                for c in 0..<columns {
                    let v = z[c] + bias[c]
                    rowLoss += Swift.max(v, 0) - y[c] * v + T.log(1 + T.exp(-Swift.abs(v)))
                    z[c] = Activation.sigmoid(v)
                }
                totals.loss += Double(rowLoss)
                if let delta {
                    let d = delta + r * columns
                    for c in 0..<columns { d[c] = (z[c] - y[c]) * scale }
                }
            }
        default:   // mse after any activation, or a mismatched pair (rejected before training)
            activation.addBiasAndApply(out, rows: rows, columns: columns, bias: bias)
            let k = T(columns)
            for r in 0..<rows {
                let p = out + r * columns, y = targets + r * columns
                var rowLoss: T = 0
                for c in 0..<columns { let e = p[c] - y[c]; rowLoss += e * e }
                totals.loss += Double(rowLoss / k)
                if let delta {
                    let d = delta + r * columns, g = 2 * scale / k
                    for c in 0..<columns { d[c] = (p[c] - y[c]) * g }
                }
            }
            if let delta { activation.backpropagate(delta, output: out, rows: rows, columns: columns) }
        }
        for r in 0..<rows {
            let p = out + r * columns, y = targets + r * columns
            var se: T = 0
            for c in 0..<columns { let e = p[c] - y[c]; se += e * e }
            totals.squaredError += Double(se)
            if columns == 1 {
                if (p[0] > 0.5) == (y[0] > 0.5) { totals.correct += 1 }
            } else if argmax(p, columns) == argmax(y, columns) {
                totals.correct += 1
            }
        }
        return totals
    }
}

/// The index of the first largest of `count` values.
@inline(__always)
func argmax<T: Scalar>(_ p: UnsafePointer<T>, _ count: Int) -> Int {
    var best = 0
    for c in 1..<Swift.max(count, 1) where p[c] > p[best] { best = c }
    return best
}
