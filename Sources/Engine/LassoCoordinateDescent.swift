/// The Lasso by cyclic coordinate descent, in the engine's conventions: for inputs X (m × n)
/// and one target column y it minimises
///
///     L(w, b) = (1/m) Σ_i (x_i · w + b − y_i)²  +  l1 Σ_j |w_j|
///
/// (the mse cost of `Cost` plus the L1 penalty of `Regularization`, so it is the point a
/// one-layer linear network trained with `l1` heads for). The bias is not penalised, so with
/// centred data b = ȳ − x̄ · w. Each step minimises L exactly over one weight with the others
/// fixed: with the partial residual r = y − X w + x_j w_j,
///
///     w_j = S((2/m) x_jᵀ r, l1) / ((2/m) x_jᵀ x_j),     S(z, γ) = sign(z) · max(|z| − γ, 0)
///
/// Sweeps repeat until no weight moves by more than `tolerance` times the largest weight (or
/// `maxSweeps` sweeps ran). Each step reads the Gram matrix (2/m) X̃ᵀX̃, computed once, so a
/// sweep costs O(n²) whatever the number of examples. Target columns are solved in turn.
public enum LassoCoordinateDescent {
    public struct Result: Sendable {
        public var solution: LinearLeastSquares.Solution
        /// Sweeps run for the slowest column, and whether every column converged.
        public var sweeps: Int
        public var converged: Bool
    }

    public static func solve(
        inputs x: Matrix<Double>, targets y: Matrix<Double>, l1: Double,
        tolerance: Double = 1e-7, maxSweeps: Int = 200_000, shouldStop: () -> Bool = { false }
    ) throws(EngineError) -> Result {
        let m = x.rows, n = x.columns, k = y.columns
        guard m > 0 else { throw EngineError(.empty, "the data has no examples") }
        guard n > 0, k > 0 else { throw EngineError(.empty, "the data has no features or no targets") }
        guard y.rows == m else { throw EngineError(.shapeMismatch, "\(m) input rows but \(y.rows) target rows") }
        guard l1 >= 0, l1.isFinite else { throw EngineError(.invalidArgument, "l1 must be a finite number ≥ 0, got \(l1)") }
        guard x.storage.allSatisfy(\.isFinite), y.storage.allSatisfy(\.isFinite) else {
            throw EngineError(.invalidArgument, "the data holds a NaN or infinite value")
        }
        // The data, its centred copy and the n × n Gram matrix: (2m + n) × (n + k) doubles at most.
        try MemoryLimit.check(count: 2 * m + n, times: n + k, bytesEach: 8, for: "the Lasso on \(m) examples × \(n) features")
        // Centred data, then the Gram matrix G = (2/m) X̃ᵀX̃ once: each coordinate step then
        // costs O(n) instead of O(m) (covariance updates).
        var xMean = [Double](repeating: 0, count: n)
        for r in 0..<m { for c in 0..<n { xMean[c] += x[r, c] } }
        for c in 0..<n { xMean[c] /= Double(m) }
        var xc = x
        for r in 0..<m { for c in 0..<n { xc[r, c] -= xMean[c] } }
        let scale = 2 / Double(m)
        var gram = Matrix<Double>(rows: n, columns: n)
        for r in 0..<m {
            if r % 16 == 0, shouldStop() { throw EngineError(.stopped, "stopped after \(r) of \(m) examples") }
            for a in 0..<n where xc[r, a] != 0 {
                for b in 0..<n { gram[a, b] += scale * xc[r, a] * xc[r, b] }
            }
        }
        var weights = Matrix<Double>(rows: n, columns: k)
        var bias = [Double](repeating: 0, count: k)
        var slowest = 0, converged = true
        for j in 0..<k {
            var yMean = 0.0
            for r in 0..<m { yMean += y[r, j] }
            yMean /= Double(m)
            // gradient[c] = (2/m) x̃_cᵀ (ỹ − X̃ w), kept up to date as w changes.
            var gradient = [Double](repeating: 0, count: n)
            for r in 0..<m {
                let t = y[r, j] - yMean
                for c in 0..<n { gradient[c] += scale * xc[r, c] * t }
            }
            var w = [Double](repeating: 0, count: n)
            var sweep = 0, done = false
            while !done && sweep < maxSweeps {
                if shouldStop() { throw EngineError(.stopped, "stopped after \(sweep) sweeps") }
                sweep += 1
                var largestStep = 0.0, largestWeight = 0.0
                for c in 0..<n where gram[c, c] > 0 {
                    let z = gradient[c] + gram[c, c] * w[c]
                    let shrunk = z > l1 ? z - l1 : (z < -l1 ? z + l1 : 0)
                    let new = shrunk / gram[c, c]
                    let step = new - w[c]
                    if step != 0 {
                        for a in 0..<n { gradient[a] -= gram[a, c] * step }
                        w[c] = new
                    }
                    largestStep = max(largestStep, abs(step))
                    largestWeight = max(largestWeight, abs(new))
                }
                done = largestStep <= tolerance * max(largestWeight, 1e-300)
            }
            slowest = max(slowest, sweep)
            converged = converged && done
            var b = yMean
            for c in 0..<n {
                weights[c, j] = w[c]
                b -= xMean[c] * w[c]
            }
            bias[j] = b
        }
        return Result(solution: LinearLeastSquares.Solution(weights: weights, bias: bias), sweeps: slowest, converged: converged)
    }
}

extension Network {
    /// A network of one dense linear layer holding the Lasso solution for `data` (mse cost).
    public static func lasso(_ data: any TrainingData, l1: Double, shouldStop: () -> Bool = { false })
        throws(EngineError) -> (network: Network<T>, result: LassoCoordinateDescent.Result) {
        let (x, y) = try LinearLeastSquares.matrices(data)
        let r = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: l1, shouldStop: shouldStop)
        let layer = try DenseLayer<T>(weights: r.solution.weights.converted(to: T.self), bias: r.solution.bias.map { T($0) }, activation: .linear)
        return (try Network<T>(inputWidth: data.inputWidth, layers: [layer], cost: .mse), r)
    }
}

extension AnyNetwork {
    /// `Network.lasso` in the given precision.
    public static func lasso(_ data: any TrainingData, l1: Double, precision: Precision, shouldStop: () -> Bool = { false })
        throws(EngineError) -> (network: AnyNetwork, result: LassoCoordinateDescent.Result) {
        switch precision {
        case .float32: let (n, r) = try Network<Float>.lasso(data, l1: l1, shouldStop: shouldStop); return (.float(n), r)
        case .float64: let (n, r) = try Network<Double>.lasso(data, l1: l1, shouldStop: shouldStop); return (.double(n), r)
        }
    }
}
