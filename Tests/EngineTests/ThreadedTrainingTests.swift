import Testing
@testable import Engine
import EngineTestSupport

/// The trainer's own worker threads (WorkerPool, split GEMMs and optimiser updates) give the
/// same weights as one thread. Also the test Scripts/sanitize.sh runs under the thread
/// sanitizer: the layer below is large enough (≥ 2^14 weights) for the trainer to start its pool.
/// Each run names its thread count (`TrainingOptions.threads`) and the test checks from the
/// result that it really ran on that many; the process-wide setting is never touched.
@Suite struct ThreadedTrainingTests {
    @Test(.enabled(if: WorkerPool.processors > 1, "one processor: the trainer never splits"),
          arguments: [OptimizerKind.adam, .sgd])
    func twoThreadsMatchOne(_ kind: OptimizerKind) throws {
        var g = RandomGenerator(seed: 9)
        let x: Matrix<Double> = randomMatrix(48, 64, &g)
        let data = MatrixData(inputs: x, labels: (0..<48).map { _ in g.nextInt(below: 4) }, classes: 4)
        func train(threads: Int) throws -> [DenseLayer<Double>] {
            let net: Network<Double> = try makeNetwork([64, 256, 4], hidden: .tanh, output: .softmax, seed: 3)
            #expect(net.layers[0].weights.count >= 1 << 14)
            var rng = RandomGenerator(seed: 4)
            var options = TrainingOptions(epochs: 2, batchSize: 16, optimizer: OptimizerSettings(kind, learningRate: 0.01))
            options.threads = threads
            let result = try net.train(on: data, options: options, generator: &rng)
            #expect(result.threads == threads, "the run computed on \(threads) thread(s)")
            return net.layers
        }
        let one = try train(threads: 1), two = try train(threads: 2)
        let start = try makeNetwork([64, 256, 4], hidden: .tanh, output: .softmax, seed: 3) as Network<Double>
        #expect(!isClose(one[0].weights.storage, start.layers[0].weights.storage, tolerance: 1e-6))   // it trained
        for (a, b) in zip(one, two) {
            #expect(isClose(a.weights.storage, b.weights.storage, tolerance: 1e-9))
            #expect(isClose(a.bias, b.bias, tolerance: 1e-9))
        }
    }
}
