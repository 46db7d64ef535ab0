import Testing
@testable import Engine
import EngineTestSupport

@Suite struct TrainingTests {
    @Test(arguments: [OptimizerKind.adam, .momentum])
    func xorTrainsToFullAccuracy(_ kind: OptimizerKind) throws {
        let net: Network<Float> = try makeNetwork([2, 8, 2], hidden: .tanh, output: .softmax, seed: 3)
        var g = RandomGenerator(seed: 3)
        let options = TrainingOptions(epochs: 400, batchSize: 4, optimizer: OptimizerSettings(kind, learningRate: kind == .adam ? 0.05 : 0.3))
        let result = try net.train(on: xorData(Float.self), options: options, generator: &g)
        #expect(result.epochs.count == 400 && !result.stopped)
        #expect(try net.accuracy(on: xorData(Float.self)) == 1)
        #expect(result.epochs.last!.trainingMetric == 1)
        #expect(result.epochs.last!.trainingLoss < 0.05)
    }

    /// XOR with one sigmoid output and binary cross-entropy (class labels 0/1, one target column).
    @Test func xorWithBinaryCrossEntropy() throws {
        let net: Network<Double> = try makeNetwork([2, 8, 1], hidden: .tanh, output: .sigmoid,
                                                   cost: .binaryCrossEntropy, seed: 2)
        let data = MatrixData(inputs: Matrix<Double>([[0, 0], [0, 1], [1, 0], [1, 1]]),
                              targets: Matrix([[0], [1], [1], [0]]), labels: [0, 1, 1, 0])
        var g = RandomGenerator(seed: 2)
        try net.train(on: data, options: TrainingOptions(epochs: 600, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.03)),
                      generator: &g)
        let e = try net.evaluate(on: data)
        #expect(e.accuracy == 1)
        #expect(e.confusion?.counts == [[2, 0], [0, 2]])
    }

    /// A 1-10-10-1 tanh network fits noiseless Runge f(x) = 1/(1 + 25x²) on 200 points in
    /// [−1, 1] to a mean squared error below 1e-3 on 199 points between them.
    @Test func fitsRunge() throws {
        func runge(_ xs: [Double]) -> MatrixData<Double> {
            MatrixData(inputs: Matrix(rows: xs.count, columns: 1, storage: xs),
                       targets: Matrix(rows: xs.count, columns: 1, storage: xs.map { 1 / (1 + 25 * $0 * $0) }))
        }
        let train = runge((0..<200).map { -1 + 2 * Double($0) / 199 })
        let test = runge((0..<199).map { -1 + 2 * (Double($0) + 0.5) / 199 })
        let net: Network<Double> = try makeNetwork([1, 10, 10, 1], hidden: .tanh, output: .linear, seed: 1993)
        var g = RandomGenerator(seed: 1993)
        let result = try net.train(on: train, validation: test,
                                   options: TrainingOptions(epochs: 600, batchSize: 20, optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                                   generator: &g)
        let mse = try net.meanSquaredError(on: test)
        #expect(mse < 1e-3, "\(mse)")
        #expect(isClose(result.epochs.last!.validationLoss!, mse, tolerance: 1e-12))  // MSE cost = MSE metric
        #expect(result.epochs.last!.metric == .mse)
        #expect(try net.rSquared(on: test) > 0.98)
    }

    /// Same seed (and thread count) → bit-identical weights; another seed → different weights.
    @Test func sameSeedGivesIdenticalWeights() throws {
        var g = RandomGenerator(seed: 77)
        let x: Matrix<Float> = randomMatrix(50, 6, &g)
        let data = MatrixData(inputs: x, labels: (0..<50).map { _ in g.nextInt(below: 3) }, classes: 3)
        func run(seed: UInt64) throws -> [DenseLayer<Float>] {
            let net: Network<Float> = try makeNetwork([6, 16, 3], hidden: .relu, output: .softmax, seed: seed)
            var rng = RandomGenerator(seed: seed)
            try net.train(on: data, options: TrainingOptions(epochs: 5, batchSize: 8), generator: &rng)
            return net.layers
        }
        #expect(try run(seed: 5) == run(seed: 5))
        #expect(try run(seed: 5) != run(seed: 6))
    }

    /// 10 examples in batches of 4: batches of 4, 4 and 2; every example seen once per epoch,
    /// in an order reshuffled each epoch.
    @Test func lastPartialBatchAndReshuffling() throws {
        let data = RecordingData()
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[0.5]]), bias: [0], activation: .linear)])
        var g = RandomGenerator(seed: 4)
        var seen: [Int] = []
        try net.train(on: data, options: TrainingOptions(epochs: 2, batchSize: 4, optimizer: OptimizerSettings(.sgd)),
                      generator: &g, progress: { seen.append($0.samplesSeen) })
        #expect(seen == [4, 8, 10, 4, 8, 10])
        #expect(data.log.batchSizes == [4, 4, 2, 4, 4, 2])
        let epoch1 = Array(data.log.indices[0..<10]), epoch2 = Array(data.log.indices[10..<20])
        #expect(epoch1.sorted() == Array(0..<10) && epoch2.sorted() == Array(0..<10))
        #expect(epoch1 != epoch2)
        #expect(net.optimizerState?.step == 6)
    }

    /// Stopping after a batch keeps weights, a partial history record and the optimiser state;
    /// training again continues from there.
    @Test func stopsAfterTheCurrentBatchAndResumes() throws {
        var g = RandomGenerator(seed: 8)
        let x: Matrix<Double> = randomMatrix(40, 3, &g)
        let data = MatrixData(inputs: x, labels: (0..<40).map { $0 % 2 }, classes: 2)
        let net: Network<Double> = try makeNetwork([3, 5, 2], hidden: .tanh, output: .softmax)
        let options = TrainingOptions(epochs: 3, batchSize: 10)
        var batches = 0
        let stopped = try net.train(on: data, options: options, generator: &g,
                                    shouldStop: { batches == 6 }, progress: { _ in batches += 1 })
        #expect(stopped.stopped)
        #expect(stopped.epochs.count == 2)
        #expect(stopped.epochs[0].complete && !stopped.epochs[1].complete)
        #expect(stopped.epochs[1].samples == 20)
        #expect(net.optimizerState?.step == 6)
        let resumed = try net.train(on: data, options: options, generator: &g)
        #expect(!resumed.stopped && resumed.epochs.count == 3)
        #expect(net.history.epochs.map(\.epoch) == [1, 2, 3, 4, 5])
        #expect(net.optimizerState?.step == 18)
    }

    /// A second run with the same optimiser but another learning rate keeps the moments and the
    /// step count; another optimiser starts afresh.
    @Test func optimizerStateCarriesOverForTheSameKind() throws {
        var g = RandomGenerator(seed: 5)
        let data = MatrixData(inputs: randomMatrix(8, 2, &g) as Matrix<Double>, targets: randomMatrix(8, 1, &g))
        let net: Network<Double> = try makeNetwork([2, 3, 1], hidden: .tanh, output: .linear)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 4), generator: &g)
        #expect(net.optimizerState?.step == 2)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 1e-4)),
                      generator: &g)
        #expect(net.optimizerState?.step == 4)
        #expect(net.optimizerState?.settings.learningRate == 1e-4)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 4, optimizer: OptimizerSettings(.rmsprop)),
                      generator: &g)
        #expect(net.optimizerState?.step == 2)
        #expect(net.optimizerState?.settings.kind == .rmsprop)
    }

    /// Exporting the optimiser state into a copy of the network and continuing there gives the
    /// same weights as continuing in the original (what a model file relies on).
    @Test func optimizerStateRoundTripsExactly() throws {
        var g = RandomGenerator(seed: 12)
        let data = MatrixData(inputs: randomMatrix(30, 4, &g) as Matrix<Double>, targets: randomMatrix(30, 2, &g))
        let net: Network<Double> = try makeNetwork([4, 6, 2], hidden: .sigmoid, output: .linear)
        let options = TrainingOptions(epochs: 2, batchSize: 7, optimizer: OptimizerSettings(.rmsprop))
        try net.train(on: data, options: options, generator: &g)
        let restored = try Network(inputWidth: 4, layers: net.layers)
        restored.optimizerState = OptimizerState(settings: net.optimizerState!.settings, step: net.optimizerState!.step,
                                                 moments: net.optimizerState!.moments)
        var g1 = g, g2 = g
        try net.train(on: data, options: options, generator: &g1)
        try restored.train(on: data, options: options, generator: &g2)
        #expect(net.layers == restored.layers)
    }

    /// A diverging run stops with an error naming a layer and restores the weights of the last
    /// complete epoch (compared with a clean one-epoch run from the same seed).
    @Test func nonFiniteLossStopsAndRestores() throws {
        var g = RandomGenerator(seed: 21)
        let data = MatrixData(inputs: randomMatrix(16, 3, scale: 10, &g) as Matrix<Float>, targets: randomMatrix(16, 1, scale: 100, &g))
        let options = TrainingOptions(epochs: 50, batchSize: 16, optimizer: OptimizerSettings(.sgd, learningRate: 10))
        let reference: Network<Float> = try makeNetwork([3, 8, 1], hidden: .relu, output: .linear)
        var g1 = RandomGenerator(seed: 1)
        let net = reference.copy()
        try reference.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 16, optimizer: options.optimizer), generator: &g1)
        var g2 = RandomGenerator(seed: 1)
        var caught: EngineError?
        do { try net.train(on: data, options: options, generator: &g2) } catch { caught = error }
        let error = try #require(caught)
        #expect(error.kind == .nonFinite)
        #expect(error.layer != nil, "\(error.message)")
        #expect(error.epoch! >= 2)
        #expect(error.message.contains("layer"))
        #expect(error.message.contains("restored"))
        if error.epoch == 2 { #expect(net.layers == reference.layers) }
        #expect(net.layers.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) })
        #expect(net.history.epochs.count == error.epoch! - 1)
    }

    @Test func rejectsMismatchedDataAndOptions() throws {
        let net: Network<Double> = try makeNetwork([2, 3, 2], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 1)
        let wide = MatrixData(inputs: Matrix<Double>(rows: 2, columns: 3), labels: [0, 1], classes: 2)
        #expect(throws: EngineError.self) { try net.train(on: wide, options: TrainingOptions(), generator: &g) }
        #expect(throws: EngineError.self) {
            try net.train(on: xorData(Double.self), options: TrainingOptions(batchSize: 0), generator: &g)
        }
        #expect(throws: EngineError.self) { try net.setCost(.binaryCrossEntropy) }
        let empty = try Network<Double>(inputWidth: 2)
        #expect(throws: EngineError.self) { try empty.train(on: xorData(Double.self), options: TrainingOptions(), generator: &g) }
    }
}

/// A data set that records which examples each `fillBatch` call asked for.
final class RecordingData: TrainingData, @unchecked Sendable {
    struct Log { var batchSizes: [Int] = []; var indices: [Int] = [] }
    var log = Log()
    var count: Int { 10 }
    var inputWidth: Int { 1 }
    var targetWidth: Int { 1 }
    func classLabel(_ i: Int) -> Int? { nil }
    func fillBatch<T: Scalar>(_ indices: UnsafeBufferPointer<Int>, inputs: UnsafeMutablePointer<T>,
                              targets: UnsafeMutablePointer<T>) {
        log.batchSizes.append(indices.count)
        for (r, i) in indices.enumerated() {
            log.indices.append(i)
            inputs[r] = T(i)
            targets[r] = T(2 * i)
        }
    }
}
