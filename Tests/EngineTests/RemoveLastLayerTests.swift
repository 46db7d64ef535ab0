import Testing
@testable import Engine

/// `Network.removeLast()` (the shell's `pop`, Keras' `model.pop()`), and the matrix summaries
/// the shell shows a layer's weights with.
@Suite struct RemoveLastLayerTests {
    @Test func removesATrailingDropoutThenTheLastDenseLayer() throws {
        var g = RandomGenerator(seed: 1)
        let net = try Network<Double>(inputWidth: 3)
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        try net.addDropout(rate: 0.25)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        try net.addDropout(rate: 0.5)
        let kept = net.layers[0]
        #expect(try net.removeLast() == .dropout(0.5))
        #expect(net.pendingDropout == 0 && net.layers.count == 2)
        #expect(try net.removeLast() == .dense(inputs: 4, outputs: 2, activation: .softmax, parameters: 10))
        // The dropout in front of the removed layer stays, now at the end.
        #expect(net.pendingDropout == 0.25 && net.layers == [kept] && net.outputWidth == 4)
        #expect(try net.removeLast() == .dropout(0.25))
        #expect(try net.removeLast() == .dense(inputs: 3, outputs: 4, activation: .relu, parameters: 16))
        #expect(net.layers.isEmpty && net.outputWidth == 3)
        #expect(throws: EngineError.self) { try net.removeLast() }
    }

    @Test func dropsTheOptimiserStateAndAnExplicitCostThatNoLongerFits() throws {
        var g = RandomGenerator(seed: 2)
        let net = try Network<Double>(inputWidth: 2)
        try net.addDense(outputs: 3, activation: .tanh, generator: &g)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        try net.setCost(.crossEntropy)
        let x = Matrix<Double>([[0, 1], [1, 0], [1, 1], [0, 0]])
        let data = MatrixData(inputs: x, labels: [0, 1, 0, 1], classes: 2)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 2), generator: &g)
        #expect(net.optimizerState != nil)
        let epochs = net.history.epochs.count
        try net.removeLast()
        #expect(net.optimizerState == nil && net.pausedRun == nil)
        #expect(net.explicitCost == nil && net.cost == .mse, "cross_entropy does not fit a tanh output")
        #expect(net.history.epochs.count == epochs, "the history stays")
    }

    @Test func theBlockMeansAreTheMeansOfTheBlocks() {
        let m = Matrix<Double>([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
        let p = m.pooled(maxRows: 1, maxColumns: 2)
        let left: Double = 1 + 2 + 5 + 6 + 9 + 10, right: Double = 3 + 4 + 7 + 8 + 11 + 12
        #expect(p == Matrix<Double>([[left / 6, right / 6]]))
        #expect(m.pooled(maxRows: 5, maxColumns: 5) == m)
        let s = Matrix<Float>([[1, .nan], [3, -1]]).statistics
        #expect(s.minimum == -1 && s.maximum == 3 && s.mean == 1 && s.nonFinite == 1)
    }
}
