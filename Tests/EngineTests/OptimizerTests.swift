import Testing
@testable import Engine
import EngineTestSupport

/// Each optimiser's first two updates on a tiny problem, against values computed by hand.
///
/// The problem: one linear unit ŷ = w·x + b, cost MSE, one example x = 2, y = 1, starting at
/// w = 1, b = 0, learning rate 0.05. With e = ŷ − y the gradients are ∂w = 2·e·x, ∂b = 2·e.
/// Step 1: ŷ = 2, e = 1, g = (∂w, ∂b) = (4, 2).
@Suite struct OptimizerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var settings: OptimizerSettings
        /// (w, b) after the first and the second update.
        var first: (Double, Double)
        var second: (Double, Double)
        var testDescription: String { settings.kind.rawValue }
    }

    static let cases: [Case] = [
        // w₁ = 1 − .05·4 = .8, b₁ = −.05·2 = −.1;  ŷ = 1.5, e = .5, g = (2, 1)
        // w₂ = .8 − .05·2 = .7, b₂ = −.1 − .05 = −.15
        Case(settings: OptimizerSettings(.sgd, learningRate: 0.05), first: (0.8, -0.1), second: (0.7, -0.15)),
        // v₁ = g = (4, 2): same first step as SGD;  g₂ = (2, 1), v₂ = .9·(4, 2) + (2, 1) = (5.6, 2.8)
        // w₂ = .8 − .05·5.6 = .52, b₂ = −.1 − .05·2.8 = −.24
        Case(settings: OptimizerSettings(.momentum, learningRate: 0.05), first: (0.8, -0.1), second: (0.52, -0.24)),
        // v₁ = (4, 2); w₁ = 1 − .05·(4 + .9·4) = .62, b₁ = −.05·(2 + .9·2) = −.19
        // ŷ = 1.24 − .19 = 1.05, e = .05, g₂ = (.2, .1), v₂ = (3.8, 1.9)
        // w₂ = .62 − .05·(.2 + .9·3.8) = .439, b₂ = −.19 − .05·(.1 + .9·1.9) = −.2805
        Case(settings: OptimizerSettings(.nesterov, learningRate: 0.05), first: (0.62, -0.19), second: (0.439, -0.2805)),
        // s₁ = (16, 4); w₁ = 1 − .05·4/4 = .95, b₁ = −.05·2/2 = −.05 (ε = 1e-8 shifts the 10th digit)
        // ŷ = 1.85, e = .85, g₂ = (3.4, 1.7), s₂ = (27.56, 6.89)
        // w₂ = .95 − .05·3.4/√27.56 = .917617579, b₂ = −.05 − .05·1.7/√6.89 = −.082382421
        Case(settings: OptimizerSettings(.adagrad, learningRate: 0.05), first: (0.95, -0.05),
             second: (0.917617579170848, -0.08238242064246845)),
        // s₁ = .1·(16, 4) = (1.6, .4); w₁ = 1 − .05·4/√1.6 = .841886118, b₁ = −.05·2/√.4 = −.158113881
        // ŷ = 1.525658, e = .525658, g₂ = (2.102633, 1.051317), s₂ = (1.882107, .470527)
        // w₂ = w₁ − .05·2.102633/√1.882107 = .765253892, b₂ = b₁ − .05·1.051317/√.470527 = −.234746106
        Case(settings: OptimizerSettings(.rmsprop, learningRate: 0.05), first: (0.841886118241581, -0.15811388050841899),
             second: (0.7652538922614652, -0.23474610592994966)),
        // m₁ = .1·g, v₁ = .001·g², m̂ = g, v̂ = g²: w₁ = 1 − .05 = .95, b₁ = −.05
        // g₂ = (3.4, 1.7); m₂ = .9·.4 + .1·3.4 = .7, v₂ = .999·.016 + .001·11.56 = .027544
        // w₂ = .95 − .05·(.7/.19)/√(.027544/.001999) = .900374221, b₂ = −.099625778
        Case(settings: OptimizerSettings(.adam, learningRate: 0.05), first: (0.95, -0.05),
             second: (0.9003742214336823, -0.09962577830762738)),
    ]

    static func unit(w: Double, b: Double) throws -> Network<Double> {
        try Network(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[w]]), bias: [b], activation: .linear)],
                    cost: .mse)
    }

    @Test(arguments: cases)
    func firstTwoUpdatesMatchHandComputation(_ c: Case) throws {
        let net = try Self.unit(w: 1, b: 0)
        let data = MatrixData(inputs: Matrix<Double>([[2]]), targets: Matrix([[1]]))
        var g = RandomGenerator(seed: 1)
        let options = TrainingOptions(epochs: 1, batchSize: 1, optimizer: c.settings)
        try net.train(on: data, options: options, generator: &g)
        #expect(isClose(net.layers[0].weights[0, 0], c.first.0, tolerance: 1e-7))
        #expect(isClose(net.layers[0].bias[0], c.first.1, tolerance: 1e-7))
        // A second call continues from the saved optimiser state.
        try net.train(on: data, options: options, generator: &g)
        #expect(isClose(net.layers[0].weights[0, 0], c.second.0, tolerance: 1e-7))
        #expect(isClose(net.layers[0].bias[0], c.second.1, tolerance: 1e-7))
        #expect(net.optimizerState?.step == 2)
    }

    /// Full-batch GD makes one update per epoch with the mean gradient over the whole set, even
    /// when the batch size (here 1, the accumulation chunk) is smaller.
    /// Data (x, y) = (1, 1), (2, 1); w = 1, b = 0, η = 0.1.
    /// Step 1: ŷ = (1, 2), e = (0, 1): ∂w = (2·0·1 + 2·1·2)/2 = 2, ∂b = (0 + 2)/2 = 1 → w = .8, b = −.1
    /// Step 2: ŷ = (.7, 1.5), e = (−.3, .5): ∂w = (−.6 + 2)/2 = .7, ∂b = (−.6 + 1)/2 = .2 → w = .73, b = −.12
    @Test func fullBatchGradientDescent() throws {
        let net = try Self.unit(w: 1, b: 0)
        let data = MatrixData(inputs: Matrix<Double>([[1], [2]]), targets: Matrix([[1], [1]]))
        var g = RandomGenerator(seed: 1)
        var steps: [Int] = []
        let options = TrainingOptions(epochs: 1, batchSize: 1, optimizer: OptimizerSettings(.gd, learningRate: 0.1))
        try net.train(on: data, options: options, generator: &g, progress: { steps.append($0.batch) })
        #expect(steps == [1])
        #expect(isClose(net.layers[0].weights[0, 0], 0.8) && isClose(net.layers[0].bias[0], -0.1))
        try net.train(on: data, options: options, generator: &g)
        #expect(isClose(net.layers[0].weights[0, 0], 0.73) && isClose(net.layers[0].bias[0], -0.12))
    }

    /// The Adam state after two steps holds the moments computed by hand above.
    @Test func adamStateIsInspectable() throws {
        let net = try Self.unit(w: 1, b: 0)
        let data = MatrixData(inputs: Matrix<Double>([[2]]), targets: Matrix([[1]]))
        var g = RandomGenerator(seed: 1)
        try net.train(on: data, options: TrainingOptions(epochs: 2, batchSize: 1, optimizer: OptimizerSettings(.adam, learningRate: 0.05)),
                      generator: &g)
        let state = try #require(net.optimizerState)
        #expect(state.step == 2)
        #expect(state.moments.count == 2)
        #expect(isClose(state.moments[0][0][0], 0.7, tolerance: 1e-8))        // m of w
        #expect(isClose(state.moments[1][0][0], 0.027544, tolerance: 1e-8))   // v of w
        #expect(isClose(state.moments[0][1][0], 0.35, tolerance: 1e-8))       // m of b: .9·.2 + .1·1.7
    }

    /// L2 is added to the weight gradient only: with g = 0 (perfect fit), SGD shrinks w by
    /// η·l2·w and leaves b alone; L1 moves w by η·l1 towards zero.
    @Test func penaltiesShrinkWeightsNotBiases() throws {
        let data = MatrixData(inputs: Matrix<Double>([[2]]), targets: Matrix([[2.5]]))  // w·2 + b = 2.5 exactly
        var g = RandomGenerator(seed: 1)
        let net = try Self.unit(w: 1, b: 0.5)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 1, optimizer: OptimizerSettings(.sgd, learningRate: 0.1),
                                                          regularization: Regularization(l1: 0.2, l2: 0.5)),
                      generator: &g)
        #expect(isClose(net.layers[0].weights[0, 0], 1 - 0.1 * (0.5 * 1 + 0.2)))
        #expect(net.layers[0].bias[0] == 0.5)
    }

    @Test func settingsParseAndValidate() throws {
        #expect(try OptimizerKind(parsing: "Adam") == .adam)
        #expect(try OptimizerKind(parsing: "nag") == .nesterov)
        #expect(throws: EngineError.self) { try OptimizerKind(parsing: "adamw") }
        #expect(OptimizerSettings(.adam).learningRate == 0.001)
        #expect(OptimizerSettings(.adam).beta1 == 0.9 && OptimizerSettings(.adam).beta2 == 0.999)
        #expect(OptimizerSettings(.adam).epsilon == 1e-8)
        #expect(OptimizerSettings(.sgd, learningRate: -1).problem != nil)
        #expect(OptimizerSettings(.momentum, momentum: 1).problem != nil)
        #expect(OptimizerSettings(.rmsprop).problem == nil)
    }
}

/// The 8-lane update gives exactly the bits of the element-by-element reference, for every
/// kind, with and without penalties, for lengths that leave every possible tail.
@Suite struct OptimizerFastPathTests {
    static let kinds = OptimizerKind.allCases

    @Test(arguments: kinds)
    func lanesMatchReferenceBitForBit(_ kind: OptimizerKind) {
        for n in [1, 7, 8, 13, 64, 101] {
            for (l1, l2) in [(Float(0), Float(0)), (0.01, 0.1)] {
                var g = RandomGenerator(seed: UInt64(n))
                let values = (0..<n).map { _ in Float(g.nextGaussian()) }
                let grads = (0..<n).map { _ in Float(g.nextGaussian()) }
                var state = OptimizerState<Float>(settings: OptimizerSettings(kind), tensorSizes: [n])
                for k in state.moments.indices { state.moments[k][0] = (0..<n).map { _ in Float(g.nextUniform()) } }
                state.step = 3
                let fast = Optimizer(state: state), reference = Optimizer(state: state)
                var w1 = values, w2 = values, g1 = grads, g2 = grads
                fast.beginStep()
                reference.beginStep()
                g1.withUnsafeMutableBufferPointer { gp in
                    w1.withUnsafeMutableBufferPointer {
                        let h = n / 2   // cut into two ranges, as the worker pool does: same bits as one range
                        fast.update(tensor: 0, weights: $0.baseAddress!, gradient: gp.baseAddress!, range: 0..<h, l1: l1, l2: l2)
                        fast.update(tensor: 0, weights: $0.baseAddress!, gradient: gp.baseAddress!, range: h..<n, l1: l1, l2: l2)
                    }
                }
                g2.withUnsafeMutableBufferPointer { gp in
                    w2.withUnsafeMutableBufferPointer {
                        reference.referenceUpdate(tensor: 0, weights: $0.baseAddress!, gradient: gp.baseAddress!,
                                                  range: 0..<n, l1: l1, l2: l2)
                    }
                }
                #expect(g1.allSatisfy { $0 == 0 } && g2.allSatisfy { $0 == 0 })   // gradients consumed
                #expect(w1 == w2, "n = \(n), l1 = \(l1)")
                #expect(fast.state == reference.state, "n = \(n), l1 = \(l1)")
                #expect(w1 != values)
            }
        }
    }

    /// The per-step constants follow the settings: a learning rate changed after `beginStep`
    /// gives the update an optimiser made with that rate gives (Adam's step size depends on it).
    @Test func updatesUseTheCurrentSettings() {
        let n = 20
        var g = RandomGenerator(seed: 5)
        let values = (0..<n).map { _ in g.nextGaussian() }, grads = (0..<n).map { _ in g.nextGaussian() }
        func updated(_ optimizer: Optimizer<Double>, changingRateTo rate: Double? = nil) -> [Double] {
            var w = values, gr = grads
            optimizer.beginStep()
            if let rate { optimizer.settings.learningRate = rate }
            w.withUnsafeMutableBufferPointer { wp in
                gr.withUnsafeMutableBufferPointer { gp in
                    optimizer.update(tensor: 0, weights: wp.baseAddress!, gradient: gp.baseAddress!, range: 0..<n, l1: 0, l2: 0)
                }
            }
            return w
        }
        let changed = updated(Optimizer(state: OptimizerState(settings: OptimizerSettings(.adam, learningRate: 1e-3), tensorSizes: [n])),
                              changingRateTo: 0.1)
        let made = updated(Optimizer(state: OptimizerState(settings: OptimizerSettings(.adam, learningRate: 0.1), tensorSizes: [n])))
        #expect(changed == made)
        #expect(changed != values)
    }

    /// Training flushes subnormals only while it runs: afterwards they exist again.
    @Test func subnormalsAreFlushedOnlyDuringTraining() throws {
        let net: Network<Float> = try makeNetwork([2, 3, 2], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 1)
        var inside: Float = 1
        let tiny = Float.leastNormalMagnitude
        let quarter = Float(net.layers.count) / 8   // 0.25, known only at run time (no constant folding)
        try net.train(on: xorData(Float.self), options: TrainingOptions(epochs: 1, batchSize: 4), generator: &g,
                      progress: { _ in inside = tiny * quarter })
        #expect(inside == 0)
        let outside = tiny * quarter
        #expect(outside > 0)
    }
}
