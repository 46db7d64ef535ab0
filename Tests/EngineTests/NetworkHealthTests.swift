import Testing
@testable import Engine
import EngineTestSupport

/// `Network.health` on hand-made networks whose answers are worked out by hand.
@Suite struct NetworkHealthTests {
    /// One linear unit y = 2x, MSE against targets 0 at x = 1 and x = 2:
    /// L = ½ Σ (2x)², ∂L/∂w = ½ Σ 2·(2x)·x = ½ (4 + 16) = 10, ∂L/∂b = ½ Σ 2·2x = ½ (4 + 8) = 6.
    @Test func gradientNormsOfALinearUnit() throws {
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[2]]), bias: [0], activation: .linear)])
        let data = MatrixData(inputs: Matrix<Double>([[1], [2]]), targets: Matrix([[0], [0]]))
        let h = try net.health(on: data, batchSize: 1)   // two passes of one row sum to the mean
        #expect(h.count == 1)
        #expect(isClose(h[0].weightNorm, 2) && h[0].biasNorm == 0)
        #expect(isClose(h[0].weightGradientNorm!, 10, tolerance: 1e-12))
        #expect(isClose(h[0].biasGradientNorm!, 6, tolerance: 1e-12))
        #expect(h[0].deadFraction == nil && h[0].saturatedFraction == nil)
        // Training left no gradient behind: health computes its own and leaves the weights alone.
        #expect(net.layers[0].weights[0, 0] == 2)
    }

    /// Two ReLU units on positive inputs: unit 1 (w = 1, b = 0) fires, unit 2 (w = −1, b = −1)
    /// never does → half the units are dead. Weight norm √(1² + 1² + 3² + 4²) over [[1, −1], [3, 4]].
    @Test func deadReLUUnits() throws {
        let hidden = try DenseLayer<Double>(weights: Matrix([[1, -1], [3, -4]]), bias: [0, -1], activation: .relu)
        let out = try DenseLayer<Double>(weights: Matrix([[1], [1]]), bias: [0], activation: .linear)
        let net = try Network(inputWidth: 2, layers: [hidden, out])
        let data = MatrixData(inputs: Matrix<Double>([[1, 0.5], [0.2, 2], [3, 1]]), targets: Matrix([[1], [2], [3]]))
        let h = try net.health(on: data)
        #expect(isClose(h[0].weightNorm, (1.0 + 1 + 9 + 16).squareRoot()))
        #expect(isClose(h[0].biasNorm, 1))
        #expect(h[0].deadFraction == 0.5)
        #expect(h[1].deadFraction == nil)
        #expect(h[0].weightGradientNorm! > 0)
    }

    /// A sigmoid layer with a steep unit (w = 10: σ(±10) is saturated) and a gentle one
    /// (w = 0.1: σ(±0.1) ≈ 0.5 ± 0.025) on x = ±1: half the outputs are saturated. A tanh layer
    /// with w = 5 on the same inputs: tanh(±5) is saturated, tanh(±0.05·…) is not.
    @Test func saturatedSigmoidAndTanhUnits() throws {
        let sigmoid = try DenseLayer<Double>(weights: Matrix([[10, 0.1]]), bias: [0, 0], activation: .sigmoid)
        let tanh = try DenseLayer<Double>(weights: Matrix([[5, 0], [0, 5]]), bias: [0, 0], activation: .tanh)
        let out = try DenseLayer<Double>(weights: Matrix([[1], [1]]), bias: [0], activation: .linear)
        let net = try Network(inputWidth: 1, layers: [sigmoid, tanh, out])
        let data = MatrixData(inputs: Matrix<Double>([[1], [-1], [1], [-1]]), targets: Matrix([[0], [0], [0], [0]]))
        let h = try net.health(on: data)
        #expect(h[0].saturatedFraction == 0.5)
        // The tanh layer sees [σ(10x), σ(0.1x)]: for x = 1, [0.99995, 0.525] → tanh(5.0) = 0.99991
        // (saturated) and tanh(2.62) = 0.9895 (not); for x = −1, [0.00005, 0.475] → tanh(0.0002)
        // and tanh(2.37) = 0.983 (neither): 2 of 8 outputs.
        #expect(h[1].saturatedFraction == 0.25)
        #expect(h[2].saturatedFraction == nil && h[2].deadFraction == nil)
    }

    /// Without data only the norms; NaN weights are flagged; data of the wrong width is refused.
    @Test func normsOnlyAndBadInput() throws {
        var layer = try DenseLayer<Float>(weights: Matrix([[3, 4]]), bias: [0, 0], activation: .relu)
        let net = try Network(inputWidth: 1, layers: [layer])
        let h = try net.health()
        #expect(h[0].weightNorm == 5 && h[0].weightGradientNorm == nil && h[0].deadFraction == nil && !h[0].nonFinite)
        layer.weights[0, 0] = .nan
        let broken = try Network(inputWidth: 1, layers: [layer])
        #expect(try broken.health()[0].nonFinite)
        let wide = MatrixData(inputs: Matrix<Float>(rows: 2, columns: 3), targets: Matrix(rows: 2, columns: 2))
        #expect(throws: EngineError.self) { try net.health(on: wide) }
    }

    /// A convolution's units are its filters: on a 1×3×3 image with a 3×3 kernel each filter
    /// has one position; filter 1 (w = 1, b = 0) fires on positive images, filter 2 (w = −1,
    /// b = −1) never does → half dead. ‖W‖ = √(9 + 9), ‖b‖ = 1, shape filters×channels×k×k.
    @Test func aConvolutionsUnitsAreItsFilters() throws {
        var g = RandomGenerator(seed: 4)
        let net = try Network<Double>(inputShape: Shape([1, 3, 3]))
        try net.addConvolution(filters: 2, kernel: 3, activation: .relu, generator: &g)
        try net.addDense(outputs: 1, activation: .linear, generator: &g)
        net.stack[0].withMutableParameter(0) { w in for i in w.indices { w[i] = i < 9 ? 1 : -1 } }
        net.stack[0].withMutableParameter(1) { b in b[0] = 0; b[1] = -1 }
        let data = MatrixData(inputs: Matrix<Double>(rows: 3, columns: 9, storage: (0..<27).map { 0.1 + Double($0 % 5) }),
                              targets: Matrix(rows: 3, columns: 1))
        let h = try net.health(on: data)
        #expect(h.map(\.kind) == ["conv", "dense"] && h.map(\.layer) == [0, 1])
        #expect(h[0].weightShape == Shape([2, 1, 3, 3]) && h[1].weightShape == Shape([2, 1]))
        #expect(isClose(h[0].weightNorm, 18.0.squareRoot()) && isClose(h[0].biasNorm, 1))
        #expect(h[0].activation == .relu && h[0].deadFraction == 0.5)
        #expect(h[0].weightGradientNorm! > 0 && h[1].deadFraction == nil)
    }
}
