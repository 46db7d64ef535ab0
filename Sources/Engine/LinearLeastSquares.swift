import Foundation

/// Closed-form least squares for a linear model with an intercept: ordinary least squares
/// (`l2 = 0`) and ridge regression, in the engine's own conventions so the answer is the one a
/// zero-hidden-layer network (one dense linear layer, mse cost, L2 penalty `l2`) converges to.
///
/// For inputs X (m × n) and targets Y (m × k) it minimises
///
///     L(W, b) = (1 / (m k)) Σ_i Σ_j (x_i · W_j + b_j − y_ij)²  +  (l2 / 2) Σ W²
///
/// (the mse cost of `Cost` plus the penalty of `Regularization`; the bias is not penalised).
/// Setting ∂L/∂b = 0 gives b = ȳ − x̄ · W, so with centred data X̃ = X − x̄, Ỹ = Y − ȳ each
/// output column solves the ridge system
///
///     (X̃ᵀ X̃ + λ I) w_j = X̃ᵀ ỹ_j,      λ = m k l2 / 2.
///
/// The normal equations square the condition number (polynomial features of degree 10 would
/// lose most of a double's digits), so instead each column of X̃ is scaled to unit norm
/// (Z = X̃ D⁻¹, v = D w) and the stacked least-squares problem
///
///     minimise ‖ [Z; √λ D⁻¹] v − [ỹ; 0] ‖²
///
/// is solved by Householder QR (`R v = Qᵀ [ỹ; 0]`, back substitution), whose error grows with
/// the condition number of Z, not its square. Cost O((m + n) n²); everything runs in Double.
///
///     let fit = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 0)   // OLS
///     fit.weights   // n × k,  fit.bias   // k values:  ŷ = x · W + b
public enum LinearLeastSquares {
    /// W (`inputs × outputs`) and b (`outputs`) of the fitted model ŷ = x · W + b.
    public struct Solution: Sendable {
        public var weights: Matrix<Double>
        public var bias: [Double]
    }

    /// Solves the problem above. Throws `.empty` for no examples, `.invalidArgument` for a
    /// negative or non-finite `l2` or non-finite data, and `.shapeMismatch` when OLS (`l2 = 0`)
    /// has no unique answer (a constant or linearly dependent feature column). `shouldStop` is
    /// asked as each column is reduced: when it says true, `solve` throws `.stopped`.
    public static func solve(inputs x: Matrix<Double>, targets y: Matrix<Double>, l2: Double,
                             shouldStop: () -> Bool = { false }) throws(EngineError) -> Solution {
        let m = x.rows, n = x.columns, k = y.columns
        guard m > 0 else { throw EngineError(.empty, "the data has no examples") }
        guard n > 0, k > 0 else { throw EngineError(.empty, "the data has no features or no targets") }
        guard y.rows == m else {
            throw EngineError(.shapeMismatch, "\(m) input rows but \(y.rows) target rows")
        }
        guard l2 >= 0, l2.isFinite else {
            throw EngineError(.invalidArgument, "l2 must be a finite number ≥ 0, got \(l2)")
        }
        guard x.storage.allSatisfy(\.isFinite), y.storage.allSatisfy(\.isFinite) else {
            throw EngineError(.invalidArgument, "the data holds a NaN or infinite value")
        }
        // The data, its centred copy and A, B below: at most (2m + rows) × (n + k) doubles.
        try MemoryLimit.check(count: 2 * m + (l2 > 0 ? m + n : m), times: n + k, bytesEach: 8,
                              for: "least squares on \(m) examples × \(n) features")

        // Centre: x̄ and ȳ per column; X̃ and Ỹ.
        let xMean = columnMeans(x), yMean = columnMeans(y)
        var xc = x, yc = y
        for r in 0..<m {
            for c in 0..<n { xc[r, c] -= xMean[c] }
            for c in 0..<k { yc[r, c] -= yMean[c] }
        }
        // Scale: D = diag(‖x̃_c‖); a constant column keeps scale 1 (it is all zeros).
        var scale = [Double](repeating: 1, count: n)
        for c in 0..<n {
            var s = 0.0
            for r in 0..<m { s += xc[r, c] * xc[r, c] }
            if s > 0 { scale[c] = s.squareRoot() }
        }
        let lambda = Double(m * k) * l2 / 2
        if lambda == 0, m < n {
            throw EngineError(.shapeMismatch,
                              "least squares with \(n) features needs at least \(n) examples, got \(m); use ridge (l2 > 0)")
        }

        // A = [Z; √λ D⁻¹] ((m + n) × n, the penalty rows only when λ > 0), B = [Ỹ; 0].
        let rows = lambda > 0 ? m + n : m
        var a = Matrix<Double>(rows: rows, columns: n)
        var b = Matrix<Double>(rows: rows, columns: k)
        for r in 0..<m {
            for c in 0..<n { a[r, c] = xc[r, c] / scale[c] }
            for c in 0..<k { b[r, c] = yc[r, c] }
        }
        if lambda > 0 {
            for c in 0..<n { a[m + c, c] = lambda.squareRoot() / scale[c] }
        }

        try householderReduce(&a, applyingTo: &b, shouldStop: shouldStop)

        // Back substitution R v = (Qᵀ B)[0..<n]; a tiny diagonal means Z is rank deficient.
        var largest = 0.0
        for i in 0..<n { largest = max(largest, abs(a[i, i])) }
        var v = Matrix<Double>(rows: n, columns: k)
        for i in stride(from: n - 1, through: 0, by: -1) {
            guard abs(a[i, i]) > 1e-11 * max(largest, 1e-300) else {
                throw EngineError(.shapeMismatch,
                                  "least squares has no unique answer: feature \(i + 1) is constant or a combination of the others; use ridge (l2 > 0)")
            }
            for j in 0..<k {
                var s = b[i, j]
                for c in (i + 1)..<n { s -= a[i, c] * v[c, j] }
                v[i, j] = s / a[i, i]
            }
        }

        // w = D⁻¹ v;  b = ȳ − x̄ · W.
        var weights = Matrix<Double>(rows: n, columns: k)
        var bias = yMean
        for c in 0..<n {
            for j in 0..<k {
                weights[c, j] = v[c, j] / scale[c]
                bias[j] -= xMean[c] * weights[c, j]
            }
        }
        return Solution(weights: weights, bias: bias)
    }

    /// Solves for every example of `data` (class data: its one-hot targets).
    public static func solve(_ data: any TrainingData, l2: Double, shouldStop: () -> Bool = { false }) throws(EngineError) -> Solution {
        let (x, y) = try matrices(data)
        return try solve(inputs: x, targets: y, l2: l2, shouldStop: shouldStop)
    }

    /// All of `data` as Double matrices: inputs (count × inputWidth), targets (count × targetWidth).
    static func matrices(_ data: any TrainingData) throws(EngineError) -> (Matrix<Double>, Matrix<Double>) {
        guard data.count > 0 else { throw EngineError(.empty, "the data has no examples") }
        guard data.targetWidth > 0 else { throw EngineError(.empty, "the data has no targets") }
        var x = Matrix<Double>(rows: data.count, columns: data.inputWidth)
        var y = Matrix<Double>(rows: data.count, columns: data.targetWidth)
        let all = Array(0..<data.count)
        x.storage.withUnsafeMutableBufferPointer { xs in
            y.storage.withUnsafeMutableBufferPointer { ys in
                all.withUnsafeBufferPointer { data.fillBatch($0, inputs: xs.baseAddress!, targets: ys.baseAddress!) }
            }
        }
        return (x, y)
    }

    /// Overwrites the top n × n block of `a` (rows × n, rows ≥ n) with R of a = QR, and `b`
    /// with Qᵀ b, by n Householder reflections H = I − 2 u uᵀ / (uᵀu).
    static func householderReduce(_ a: inout Matrix<Double>, applyingTo b: inout Matrix<Double>,
                                  shouldStop: () -> Bool = { false }) throws(EngineError) {
        let rows = a.rows, n = a.columns, k = b.columns
        var u = [Double](repeating: 0, count: rows)
        for col in 0..<n {
            if shouldStop() { throw EngineError(.stopped, "stopped after \(col) of \(n) columns") }
            var norm = 0.0
            for r in col..<rows { norm += a[r, col] * a[r, col] }
            norm = norm.squareRoot()
            guard norm > 0 else { continue }          // an all-zero column: R has a zero there
            // u = a_col − α e_col with α = −sign(a_cc) ‖a_col‖ (no cancellation).
            let alpha = a[col, col] > 0 ? -norm : norm
            for r in col..<rows { u[r] = a[r, col] }
            u[col] -= alpha
            var uu = 0.0
            for r in col..<rows { uu += u[r] * u[r] }
            guard uu > 0 else { continue }
            // Reflect the remaining columns of a and every column of b: x −= u (2 uᵀx / uᵀu).
            for c in col..<n {
                if c % 64 == 63, shouldStop() { throw EngineError(.stopped, "stopped after \(col) of \(n) columns") }
                var dot = 0.0
                for r in col..<rows { dot += u[r] * a[r, c] }
                let f = 2 * dot / uu
                for r in col..<rows { a[r, c] -= f * u[r] }
            }
            for c in 0..<k {
                var dot = 0.0
                for r in col..<rows { dot += u[r] * b[r, c] }
                let f = 2 * dot / uu
                for r in col..<rows { b[r, c] -= f * u[r] }
            }
        }
    }

    private static func columnMeans(_ m: Matrix<Double>) -> [Double] {
        var mean = [Double](repeating: 0, count: m.columns)
        for r in 0..<m.rows { for c in 0..<m.columns { mean[c] += m[r, c] } }
        return mean.map { $0 / Double(m.rows) }
    }
}

extension Network {
    /// A network of one dense linear layer holding the closed-form least-squares (or ridge)
    /// solution for `data`; its cost is mse, so `evaluate` and `predict` treat it like any
    /// trained network. See `LinearLeastSquares` for the objective.
    public static func leastSquares(_ data: any TrainingData, l2: Double,
                                    shouldStop: () -> Bool = { false }) throws(EngineError) -> Network<T> {
        let s = try LinearLeastSquares.solve(data, l2: l2, shouldStop: shouldStop)
        let layer = try DenseLayer<T>(weights: s.weights.converted(to: T.self), bias: s.bias.map { T($0) }, activation: .linear)
        return try Network<T>(inputWidth: data.inputWidth, layers: [layer], cost: .mse)
    }
}

extension AnyNetwork {
    /// `Network.leastSquares` in the given precision.
    public static func leastSquares(_ data: any TrainingData, l2: Double, precision: Precision,
                                    shouldStop: () -> Bool = { false }) throws(EngineError) -> AnyNetwork {
        switch precision {
        case .float32: return .float(try Network<Float>.leastSquares(data, l2: l2, shouldStop: shouldStop))
        case .float64: return .double(try Network<Double>.leastSquares(data, l2: l2, shouldStop: shouldStop))
        }
    }
}
