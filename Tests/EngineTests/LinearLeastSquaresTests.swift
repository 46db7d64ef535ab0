import Foundation
import Testing
@testable import Engine
import EngineTestSupport

@Suite struct LinearLeastSquaresTests {
    /// The points (0, 1), (1, 3), (2, 2) solved by hand: x̄ = 1, ȳ = 2, Sxy = 1, Sxx = 2, so
    /// OLS gives slope 1/2 and intercept 3/2. Ridge with l2 = 2/3 has λ = m·l2/2 = 1: slope
    /// Sxy / (Sxx + λ) = 1/3, intercept ȳ − x̄/3 = 5/3 (the intercept is not penalised).
    @Test func handSolvedThreePoints() throws {
        let x = Matrix<Double>([[0], [1], [2]]), y = Matrix<Double>([[1], [3], [2]])
        let ols = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 0)
        #expect(isClose(ols.weights[0, 0], 0.5, tolerance: 1e-12))
        #expect(isClose(ols.bias[0], 1.5, tolerance: 1e-12))
        let ridge = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 2.0 / 3)
        #expect(isClose(ridge.weights[0, 0], 1.0 / 3, tolerance: 1e-12))
        #expect(isClose(ridge.bias[0], 5.0 / 3, tolerance: 1e-12))
    }

    /// Two features and two outputs recovered exactly from noiseless data y = x·W + b.
    @Test func recoversAnExactLinearMap() throws {
        var g = RandomGenerator(seed: 5)
        let x: Matrix<Double> = randomMatrix(20, 3, &g)
        let w = Matrix<Double>([[1, -2], [0.5, 3], [-1, 0.25]]), b = [0.7, -1.2]
        var y = x.multiplied(by: w)
        for r in 0..<y.rows { for c in 0..<2 { y[r, c] += b[c] } }
        let s = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 0)
        #expect(isClose(s.weights.storage, w.storage, tolerance: 1e-10))
        #expect(isClose(s.bias, b, tolerance: 1e-10))
    }

    /// Degree-10 polynomial features of x in [−1, 1] (columns up to 7 orders of magnitude
    /// apart in conditioning): the solution still reproduces the generating polynomial.
    @Test func illConditionedPolynomialFit() throws {
        let xs = (0..<200).map { -1 + 2 * Double($0) / 199 }
        let coefficients = [0.3, -1.0, 2.0, 0.5, -3.0, 0.0, 4.0, -2.0, 1.0, 0.5]   // x¹ … x¹⁰
        var x = Matrix<Double>(rows: xs.count, columns: 10), y = Matrix<Double>(rows: xs.count, columns: 1)
        for (i, v) in xs.enumerated() {
            var p = 1.0, sum = 0.25
            for d in 0..<10 { p *= v; x[i, d] = p; sum += coefficients[d] * p }
            y[i, 0] = sum
        }
        let s = try LinearLeastSquares.solve(inputs: x, targets: y, l2: 0)
        #expect(isClose(s.weights.storage, coefficients, tolerance: 1e-6))
        #expect(isClose(s.bias[0], 0.25, tolerance: 1e-8))
    }

    /// The closed form is the point a one-layer linear network trained by gradient descent on
    /// the same objective (mse + L2) converges to, to 1e-4.
    @Test(arguments: [0.0, 0.01])
    func agreesWithAGradientTrainedLinearNetwork(_ l2: Double) throws {
        var g = RandomGenerator(seed: 11)
        let xs = (0..<50).map { _ in 2 * g.nextUniform() - 1 }
        let x = Matrix<Double>(rows: 50, columns: 2, storage: xs.flatMap { [$0, $0 * $0] })
        let y = Matrix<Double>(rows: 50, columns: 1, storage: xs.map { 1 / (1 + 25 * $0 * $0) + 0.1 * g.nextGaussian() })
        let data = MatrixData(inputs: x, targets: y)

        let closed = try Network<Double>.leastSquares(data, l2: l2)
        let net: Network<Double> = try makeNetwork([2, 1], hidden: .linear, output: .linear, seed: 3)
        let options = TrainingOptions(epochs: 4000, batchSize: 50, optimizer: OptimizerSettings(.gd, learningRate: 0.5),
                                      regularization: Regularization(l2: l2), shuffle: false)
        try net.train(on: data, options: options, generator: &g)
        #expect(isClose(net.layers[0].weights.storage, closed.layers[0].weights.storage, tolerance: 1e-4))
        #expect(isClose(net.layers[0].bias, closed.layers[0].bias, tolerance: 1e-4))
        #expect(closed.cost == .mse && closed.layers[0].activation == .linear)
        // The closed form's training loss is the smallest: gradient descent cannot beat it.
        #expect(try closed.meanSquaredError(on: data) <= net.meanSquaredError(on: data) + 1e-12 || l2 > 0)
    }

    @Test func refusesWhatHasNoAnswer() throws {
        let constant = Matrix<Double>([[1, 0], [1, 1], [1, 2]]), y = Matrix<Double>([[1], [2], [3]])
        #expect(throws: EngineError.self) { try LinearLeastSquares.solve(inputs: constant, targets: y, l2: 0) }
        // Ridge makes it solvable: the constant column gets weight 0.
        let s = try LinearLeastSquares.solve(inputs: constant, targets: y, l2: 0.1)
        #expect(abs(s.weights[0, 0]) < 1e-12)
        let wide = Matrix<Double>([[1, 2, 3]])
        #expect(throws: EngineError.self) { try LinearLeastSquares.solve(inputs: wide, targets: Matrix([[1]]), l2: 0) }
        #expect(throws: EngineError.self) { try LinearLeastSquares.solve(inputs: y, targets: y, l2: -1) }
        #expect(throws: EngineError.self) { try LinearLeastSquares.solve(inputs: Matrix([[Double.nan]]), targets: Matrix([[1]]), l2: 0) }
        #expect(throws: EngineError.self) { try LinearLeastSquares.solve(inputs: Matrix<Double>(rows: 0, columns: 1), targets: Matrix(rows: 0, columns: 1), l2: 0) }
    }

    /// Lasso on (0, 1), (1, 3), (2, 2) by hand: centred x = (−1, 0, 1), (2/m) xᵀx = 4/3 and
    /// (2/m) xᵀỹ = 2/3, so w = S(2/3, l1) / (4/3): l1 = 1/3 gives w = 1/4, b = 2 − 1/4; any
    /// l1 ≥ 2/3 gives w = 0, b = ȳ = 2; l1 = 0 gives the OLS answer.
    @Test func lassoByHand() throws {
        let x = Matrix<Double>([[0], [1], [2]]), y = Matrix<Double>([[1], [3], [2]])
        let a = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 1.0 / 3)
        #expect(isClose(a.solution.weights[0, 0], 0.25, tolerance: 1e-12) && isClose(a.solution.bias[0], 1.75, tolerance: 1e-12))
        let b = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 0.7)
        #expect(b.solution.weights[0, 0] == 0 && isClose(b.solution.bias[0], 2, tolerance: 1e-12))
        let c = try LassoCoordinateDescent.solve(inputs: x, targets: y, l1: 0)
        #expect(isClose(c.solution.weights[0, 0], 0.5, tolerance: 1e-9) && c.converged)
    }

    /// Coordinate descent and a one-layer network trained by gradient descent with the same
    /// l1 reach the same weights (to the subgradient's jitter, 1e-3).
    @Test func lassoAgreesWithAGradientTrainedNetwork() throws {
        var g = RandomGenerator(seed: 12)
        let xs = (0..<60).map { _ in 2 * g.nextUniform() - 1 }
        let x = Matrix<Double>(rows: 60, columns: 3, storage: xs.flatMap { [$0, $0 * $0, g.nextGaussian()] })
        let y = Matrix<Double>(rows: 60, columns: 1, storage: xs.map { 1 / (1 + 25 * $0 * $0) + 0.05 * g.nextGaussian() })
        let data = MatrixData(inputs: x, targets: y)
        let (closed, result) = try Network<Double>.lasso(data, l1: 0.02)
        #expect(result.converged)
        let net: Network<Double> = try makeNetwork([3, 1], hidden: .linear, output: .linear, seed: 3)
        let options = TrainingOptions(epochs: 6000, batchSize: 60, optimizer: OptimizerSettings(.gd, learningRate: 0.1),
                                      regularization: Regularization(l1: 0.02), shuffle: false)
        try net.train(on: data, options: options, generator: &g)
        #expect(isClose(net.layers[0].weights.storage, closed.layers[0].weights.storage, tolerance: 1e-3))
    }
}
