import Testing
@testable import Engine

@Suite struct TrainingSmokeTests {
    @Test func xorTrainsToFullAccuracy() throws {
        let net: Network<Double> = try makeNetwork([2, 8, 2], hidden: .tanh, output: .softmax)
        var g = RandomGenerator(seed: 3)
        let options = TrainingOptions(epochs: 500, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.05))
        let result = try net.train(on: xorData(Double.self), options: options, generator: &g)
        #expect(result.epochs.count == 500)
        #expect(try net.accuracy(on: xorData(Double.self)) == 1)
        #expect(net.history.epochs.count == 500)
        #expect(net.optimizerState?.step == 500)
    }

    @Test func gradientCheckSmallNet() throws {
        let net: Network<Double> = try makeNetwork([3, 5, 4, 2], hidden: .tanh, output: .softmax)
        var g = RandomGenerator(seed: 9)
        let x: Matrix<Double> = randomMatrix(6, 3, &g)
        let data = MatrixData(inputs: x, labels: [0, 1, 1, 0, 1, 0], classes: 2)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l1: 0.01, l2: 0.1), generator: &g)
        #expect(report.entries.count == 6)
        #expect(report.maxRelativeError < 1e-7)
    }
}
