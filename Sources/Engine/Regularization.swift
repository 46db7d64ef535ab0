/// L1 and L2 penalties on the weights (never the biases), added to the data loss:
///
///     L_total = L_data + l1 · Σ |W| + (l2 / 2) · Σ W²
///     ∂L_total/∂W = ∂L_data/∂W + l1 · sign(W) + l2 · W
///
/// The sums run over every weight of every layer. L_data is already a mean over the batch, so
/// the penalty does not depend on the batch size, and with plain SGD `l2` is exactly the
/// weight decay per step divided by the learning rate. The penalty's gradient is added inside
/// the optimiser's update loop (one pass over the weights); sign(0) = 0.
public struct Regularization: Hashable, Sendable {
    public var l1: Double
    public var l2: Double

    public init(l1: Double = 0, l2: Double = 0) {
        self.l1 = l1
        self.l2 = l2
    }

    public static let none = Regularization()

    /// The first reference paper's penalties in nnsh's terms. The paper writes
    ///
    ///     C_L2 = C_MSE + λ/(2n) · Σ W²     gradient + (λ/n) · W
    ///     C_L1 = C_MSE + λ/(2n) · Σ |W|    gradient + λ/(2n) · sign(W)
    ///
    /// on weights only, with C_MSE a mean over the n examples of a mini-batch, so n is the batch
    /// size. Matching the gradients gives `l2 = λ₂/n` and `l1 = λ₁/(2n)`.
    public init(paperL1 l1Lambda: Double, paperL2 l2Lambda: Double, batchSize n: Int) {
        self.init(l1: l1Lambda / (2 * Double(n)), l2: l2Lambda / Double(n))
    }

    public var isNone: Bool { l1 == 0 && l2 == 0 }

    /// l1 · Σ|w| + (l2/2) · Σ w² over the given weights.
    public func penalty<T: Scalar>(weights: [T]) -> Double {
        guard !isNone else { return 0 }
        var a = 0.0, s = 0.0
        for w in weights { let d = Double(w); a += Swift.abs(d); s += d * d }
        return l1 * a + l2 / 2 * s
    }

    /// Nil when both coefficients are finite and ≥ 0, else why not.
    public var problem: String? { fieldProblem?.message }

    var fieldProblem: (field: TrainingOptions.Field, message: String)? {
        if !(l1 >= 0 && l1.isFinite) { return (.l1, "l1 must be a finite number ≥ 0, got \(l1)") }
        if !(l2 >= 0 && l2.isFinite) { return (.l2, "l2 must be a finite number ≥ 0, got \(l2)") }
        return nil
    }
}
