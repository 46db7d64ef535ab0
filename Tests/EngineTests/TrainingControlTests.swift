import Foundation
import Testing
@testable import Engine
import EngineTestSupport

/// Pause and resume, the NaN stop, early stopping, learning-rate schedules and held-out
/// validation (issue 6, training).
@Suite struct TrainingControlTests {
    /// 40 examples, 3 features, 2 classes; batches of 8 → 5 batches per epoch (4 with a 0.2 holdout).
    static func classData() -> MatrixData<Double> {
        var g = RandomGenerator(seed: 31)
        let x: Matrix<Double> = randomMatrix(40, 3, &g)
        let labels = (0..<40).map { i in x[i, 0] + 0.5 * x[i, 1] > 0 ? 1 : 0 }
        return MatrixData(inputs: x, labels: labels, classes: 2)
    }

    /// The history's figures without the timings (which differ between runs).
    static func figures(_ h: TrainingHistory) -> [[Double?]] {
        h.epochs.map { [Double($0.epoch), $0.trainingLoss, $0.trainingMetric, $0.validationLoss, $0.validationMetric,
                        Double($0.samples), $0.complete ? 1 : 0, $0.learningRate] }
    }

    static let controlOptions: [TrainingOptions] = {
        var plain = TrainingOptions(epochs: 4, batchSize: 8)
        plain.optimizer = OptimizerSettings(.adam, learningRate: 0.02)
        var everything = plain
        everything.schedule = .cosine(minimum: 0.001)
        everything.holdout = Holdout(fraction: 0.2, seed: 9)
        everything.selection = EpochSelection(monitor: .validationLoss, patience: 10)
        return [plain, everything]
    }()

    /// Pausing after batch k (inside an epoch, at an epoch's end, twice) and resuming gives the
    /// same weights, optimiser state, history figures and generator as a run never paused.
    @Test(arguments: [[3], [5], [12], [3, 9], [19]], [0, 1])
    func pausedThenResumedEqualsUninterrupted(pauses: [Int], optionsIndex: Int) throws {
        let options = Self.controlOptions[optionsIndex]
        let data = Self.classData()
        let reference: Network<Double> = try makeNetwork([3, 6, 2], hidden: .tanh, output: .softmax, seed: 4)
        let net = reference.copy()
        var g1 = RandomGenerator(seed: 5)
        let full = try reference.train(on: data, options: options, generator: &g1)
        #expect(!full.stopped)

        var g2 = RandomGenerator(seed: 5)
        var batches = 0
        var result = try net.train(on: data, options: options, generator: &g2,
                                   shouldStop: { pauses.contains(batches) }, progress: { _ in batches += 1 })
        var resumes = 0
        while result.stopped {
            let paused = try #require(net.pausedRun)
            #expect(paused.batch == 0 || paused.batch == batches - (paused.epochInRun - 1) * (optionsIndex == 0 ? 5 : 4))
            result = try net.resume(on: data, shouldStop: { pauses.contains(batches) }, progress: { _ in batches += 1 })
            resumes += 1
        }
        #expect(resumes == pauses.filter { $0 < (optionsIndex == 0 ? 20 : 16) }.count)
        #expect(net.pausedRun == nil)
        #expect(net.layers == reference.layers)
        #expect(net.optimizerState == reference.optimizerState)
        #expect(Self.figures(net.history) == Self.figures(reference.history))
        #expect(result.generator == g1)
        #expect(result.bestEpoch == full.bestEpoch)
    }

    /// A pause leaves a partial record; resuming completes it in place (no duplicate epoch).
    @Test func resumeCompletesThePartialRecord() throws {
        let data = Self.classData()
        let net: Network<Double> = try makeNetwork([3, 4, 2], hidden: .relu, output: .softmax)
        var g = RandomGenerator(seed: 1)
        var batches = 0
        let options = TrainingOptions(epochs: 3, batchSize: 8)
        let first = try net.train(on: data, options: options, generator: &g,
                                  shouldStop: { batches == 7 }, progress: { _ in batches += 1 })
        #expect(first.stopped)
        #expect(net.history.epochs.map(\.complete) == [true, false])
        #expect(net.history.epochs.last?.samples == 16)
        #expect(net.pausedRun?.epochInRun == 2 && net.pausedRun?.batch == 2)
        let second = try net.resume(on: data)
        #expect(!second.stopped && second.epochs.map(\.epoch) == [2, 3])
        #expect(net.history.epochs.map(\.epoch) == [1, 2, 3])
        #expect(net.history.epochs.allSatisfy { $0.complete })
        // Data of another size, or nothing to resume, is refused.
        #expect(throws: EngineError.self) { try net.resume(on: data) }
        _ = try net.train(on: data, options: options, generator: &g, shouldStop: { true })
        let other = MatrixData(inputs: Matrix<Double>(rows: 5, columns: 3), labels: [0, 1, 0, 1, 0], classes: 2)
        #expect(throws: EngineError.self) { try net.resume(on: other) }
    }

    /// A diverging learning rate stops training with an error naming a layer, and the weights
    /// and optimiser state are exactly those at the end of the last good epoch.
    @Test(arguments: [OptimizerKind.sgd, .momentum])
    func divergingLearningRateStopsAndRollsBack(_ kind: OptimizerKind) throws {
        var g = RandomGenerator(seed: 21)
        let data = MatrixData(inputs: randomMatrix(32, 3, scale: 3, &g) as Matrix<Float>,
                              targets: randomMatrix(32, 1, scale: 30, &g))
        let net: Network<Float> = try makeNetwork([3, 8, 1], hidden: .relu, output: .linear)
        let start = net.layers
        var snapshots: [Int: [DenseLayer<Float>]] = [:]
        var caught: EngineError?
        do {
            try net.train(on: data, options: TrainingOptions(epochs: 100, batchSize: 8, optimizer: OptimizerSettings(kind, learningRate: 0.5)),
                          generator: &g, epochEnded: { snapshots[$0.epoch] = net.layers })
        } catch { caught = error }
        let error = try #require(caught)
        #expect(error.kind == .nonFinite)
        let layer = try #require(error.layer)
        #expect(error.message.contains("layer \(layer + 1) ("), "\(error.message)")
        let good = error.epoch! - 1
        #expect(net.history.epochs.count == good)
        if good == 0 {
            #expect(net.layers == start)
            #expect(error.message.contains("before this run"))
        } else {
            #expect(net.layers == snapshots[good])
            #expect(error.message.contains("restored to the end of epoch \(good)"), "\(error.message)")
        }
        #expect(net.layers.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) && $0.bias.allSatisfy(\.isFinite) })
    }

    /// Finite loss, non-finite gradients: tanh layers fed zeros make a finite forward pass
    /// (loss log 3), but the backward pass multiplies δ by two weights of 3·10³⁸ and overflows
    /// Float in layer 1's gradients. Training stops at that batch naming layer 1's gradients.
    @Test func nonFiniteGradientsStopTraining() throws {
        let net = try Network<Float>(inputWidth: 1, layers: [
            DenseLayer(weights: Matrix([[0]]), bias: [0], activation: .tanh),
            DenseLayer(weights: Matrix([[3e38]]), bias: [0], activation: .tanh),
            DenseLayer(weights: Matrix([[3e38, -3e38, 0]]), bias: [0, 0, 0], activation: .softmax),
        ])
        let before = net.layers
        let data = MatrixData(inputs: Matrix<Float>([[1]]), labels: [0], classes: 3)
        var g = RandomGenerator(seed: 1)
        var caught: EngineError?
        do { try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 1, optimizer: OptimizerSettings(.sgd)), generator: &g) }
        catch { caught = error }
        let error = try #require(caught)
        #expect(error.kind == .nonFinite && error.layer == 0 && error.batch == 1)
        #expect(error.message == "epoch 1, batch 1: the gradients became non-finite; first non-finite values in layer 1 (1→1 tanh) gradients; weights restored to their values before this run")
        #expect(net.layers == before)
    }

    /// Early stopping on a set the network overfits: it stops `patience` epochs after the best
    /// one and the weights are exactly those saved at the best epoch.
    @Test func earlyStoppingRestoresTheBestWeights() throws {
        var g = RandomGenerator(seed: 3)
        let train = MatrixData(inputs: randomMatrix(24, 4, &g) as Matrix<Double>, labels: (0..<24).map { _ in g.nextInt(below: 2) }, classes: 2)
        let validation = MatrixData(inputs: randomMatrix(40, 4, &g) as Matrix<Double>, labels: (0..<40).map { _ in g.nextInt(below: 2) }, classes: 2)
        let net: Network<Double> = try makeNetwork([4, 32, 2], hidden: .tanh, output: .softmax, seed: 7)
        var options = TrainingOptions(epochs: 300, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.03))
        options.selection = EpochSelection(monitor: .validationLoss, patience: 4, minDelta: 0)
        var snapshots: [Int: [DenseLayer<Double>]] = [:]
        let result = try net.train(on: train, validation: validation, options: options, generator: &g,
                                   epochEnded: { snapshots[$0.epoch] = net.layers })
        #expect(result.stoppedEarly)
        let best = try #require(result.bestEpoch)
        #expect(net.history.epochs.count == best + 4)
        #expect(result.restoredBest)
        #expect(net.layers == snapshots[best])
        #expect(net.layers != snapshots[best + 4])
        let losses = net.history.epochs.compactMap(\.validationLoss)
        #expect(losses[best - 1] == losses.min())
        #expect(result.bestScore == losses[best - 1])
    }

    /// Restoring the best epoch restores its optimiser state too (Adam's moments and step): the
    /// network ends exactly as a run of only the best epochs (same seed, no selection) leaves
    /// it, so training on goes on from that epoch.
    @Test func restoringTheBestEpochRestoresTheOptimiserState() throws {
        func run(epochs: Int, selection: EpochSelection?) throws -> (Network<Double>, TrainingResult) {
            var g = RandomGenerator(seed: 3)
            let train = MatrixData(inputs: randomMatrix(24, 4, &g) as Matrix<Double>, labels: (0..<24).map { _ in g.nextInt(below: 2) }, classes: 2)
            let validation = MatrixData(inputs: randomMatrix(40, 4, &g) as Matrix<Double>, labels: (0..<40).map { _ in g.nextInt(below: 2) }, classes: 2)
            let net: Network<Double> = try makeNetwork([4, 32, 2], hidden: .tanh, output: .softmax, seed: 7)
            var options = TrainingOptions(epochs: epochs, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.03))
            options.selection = selection
            let result = try net.train(on: train, validation: validation, options: options, generator: &g)
            return (net, result)
        }
        let (net, result) = try run(epochs: 300, selection: EpochSelection(monitor: .validationLoss, patience: 4))
        #expect(result.restoredBest && result.stoppedEarly)
        let best = try #require(result.bestEpoch)
        let (reference, _) = try run(epochs: best, selection: nil)
        #expect(net.layers == reference.layers)
        let state = try #require(net.optimizerState), expected = try #require(reference.optimizerState)
        #expect(state.step == expected.step && state.step == best * 3)
        #expect(state == expected)
    }

    /// A paused run keeps the best epoch's optimiser state too: paused after the best epoch and
    /// resumed, a run that restores the best epoch ends with the same weights and optimiser
    /// state as one never paused.
    @Test func aPausedRunKeepsTheBestEpochsOptimiserState() throws {
        var g = RandomGenerator(seed: 3)
        let train = MatrixData(inputs: randomMatrix(24, 4, &g) as Matrix<Double>, labels: (0..<24).map { _ in g.nextInt(below: 2) }, classes: 2)
        let validation = MatrixData(inputs: randomMatrix(40, 4, &g) as Matrix<Double>, labels: (0..<40).map { _ in g.nextInt(below: 2) }, classes: 2)
        let reference: Network<Double> = try makeNetwork([4, 32, 2], hidden: .tanh, output: .softmax, seed: 7)
        let net = reference.copy()
        var options = TrainingOptions(epochs: 300, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.03))
        options.selection = EpochSelection(monitor: .validationLoss, patience: 4)
        var g1 = g, g2 = g
        let full = try reference.train(on: train, validation: validation, options: options, generator: &g1)
        let best = try #require(full.bestEpoch)
        #expect(full.restoredBest && best < reference.history.epochs.count)

        var batches = 0
        let pauseAt = 3 * best + 1   // one batch into the epoch after the best (3 batches an epoch)
        var result = try net.train(on: train, validation: validation, options: options, generator: &g2,
                                   shouldStop: { batches == pauseAt }, progress: { _ in batches += 1 })
        #expect(result.stopped)
        result = try net.resume(on: train, validation: validation, progress: { _ in batches += 1 })
        #expect(!result.stopped && result.restoredBest && result.bestEpoch == best)
        #expect(net.layers == reference.layers)
        #expect(net.optimizerState == reference.optimizerState)
    }

    /// Keeping the best epoch by accuracy without early stopping: runs every epoch, restores
    /// the first epoch with the highest validation accuracy.
    @Test func keepBestByMetricRunsAllEpochs() throws {
        let data = Self.classData()
        var g = RandomGenerator(seed: 8)
        let test = MatrixData(inputs: randomMatrix(30, 3, &g) as Matrix<Double>, labels: (0..<30).map { $0 % 2 }, classes: 2)
        let net: Network<Double> = try makeNetwork([3, 5, 2], hidden: .tanh, output: .softmax)
        var options = TrainingOptions(epochs: 12, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.05))
        options.selection = EpochSelection(monitor: .validationMetric)
        var snapshots: [Int: [DenseLayer<Double>]] = [:]
        let result = try net.train(on: data, validation: test, options: options, generator: &g,
                                   epochEnded: { snapshots[$0.epoch] = net.layers })
        #expect(!result.stoppedEarly && net.history.epochs.count == 12)
        let accuracies = net.history.epochs.map { $0.validationMetric! }
        let best = try #require(result.bestEpoch)
        #expect(best == accuracies.firstIndex(of: accuracies.max()!)! + 1)
        #expect(net.layers == snapshots[best])
    }

    /// Every schedule's recorded rates equal the formulas.
    @Test func scheduleRatesFollowTheFormulas() throws {
        let cases: [(LearningRateSchedule, [Double])] = [
            (.constant, [0.1, 0.1, 0.1, 0.1, 0.1]),
            (.step(every: 2, gamma: 0.5), [0.1, 0.1, 0.05, 0.05, 0.025]),
            (.exponential(gamma: 0.9), [0.1, 0.09, 0.081, 0.0729, 0.06561]),
            (.cosine(minimum: 0.01), [0.1, 0.01 + 0.09 * (1 + cos(Double.pi / 4)) / 2, 0.055,
                                      0.01 + 0.09 * (1 + cos(3 * Double.pi / 4)) / 2, 0.01]),
        ]
        for (schedule, expected) in cases {
            let net: Network<Double> = try makeNetwork([3, 4, 2], hidden: .tanh, output: .softmax)
            var options = TrainingOptions(epochs: 5, batchSize: 8, optimizer: OptimizerSettings(.sgd, learningRate: 0.1))
            options.schedule = schedule
            var g = RandomGenerator(seed: 2)
            try net.train(on: Self.classData(), options: options, generator: &g)
            let rates = net.history.epochs.map { $0.learningRate! }
            #expect(isClose(rates, expected, tolerance: 1e-12), "\(schedule): \(rates)")
        }
        #expect(LearningRateSchedule.cosine(minimum: 0.5).rate(base: 2, epoch: 1, of: 1) == 2)
    }

    /// The scheduled rate is the one the optimiser uses: a step schedule over 4 epochs gives the
    /// same weights as four one-epoch runs at those rates.
    @Test func scheduledRateIsTheRateUsed() throws {
        let data = Self.classData()
        let a: Network<Double> = try makeNetwork([3, 4, 2], hidden: .tanh, output: .softmax)
        let b = a.copy()
        var options = TrainingOptions(epochs: 4, batchSize: 8, optimizer: OptimizerSettings(.sgd, learningRate: 0.2))
        options.schedule = .step(every: 1, gamma: 0.5)
        var g1 = RandomGenerator(seed: 6), g2 = RandomGenerator(seed: 6)
        try a.train(on: data, options: options, generator: &g1)
        for rate in [0.2, 0.1, 0.05, 0.025] {
            try b.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 8, optimizer: OptimizerSettings(.sgd, learningRate: rate)),
                        generator: &g2)
        }
        #expect(a.layers == b.layers)
        let untrained: Network<Double> = try makeNetwork([3, 4, 2], hidden: .tanh, output: .softmax)
        #expect(a.layers != untrained.layers)
    }

    /// The same seed gives the same split; the two parts are disjoint and cover the data.
    @Test(arguments: [(100, 0.1, 10), (10, 0.25, 3), (7, 0.01, 1), (3, 0.99, 2)])
    func holdoutSplitIsReproducibleAndDisjoint(count: Int, fraction: Double, held: Int) throws {
        let a = try Holdout(fraction: fraction, seed: 11).split(count: count)
        let b = try Holdout(fraction: fraction, seed: 11).split(count: count)
        #expect(a == b)
        #expect(a.validation.count == held)
        #expect(Set(a.training).isDisjoint(with: a.validation))
        #expect((a.training + a.validation).sorted() == Array(0..<count))
        if count == 100 {
            #expect(try Holdout(fraction: fraction, seed: 12).split(count: count) != a)
        }
    }

    /// Training with a holdout never feeds the held-out examples to a training batch; they are
    /// read once per epoch for validation, and `val_loss` is the loss on exactly them.
    @Test func heldOutExamplesAreOnlyValidated() throws {
        let data = RecordingData()
        let net = try Network<Double>(inputWidth: 1, layers: [DenseLayer(weights: Matrix([[0.5]]), bias: [0], activation: .linear)])
        var options = TrainingOptions(epochs: 2, batchSize: 4, optimizer: OptimizerSettings(.sgd, learningRate: 0.001))
        options.holdout = Holdout(fraction: 0.2, seed: 3)
        let split = try options.holdout!.split(count: 10)
        var g = RandomGenerator(seed: 1)
        let result = try net.train(on: data, options: options, generator: &g)
        #expect(data.log.batchSizes == [4, 4, 2, 4, 4, 2])
        let epoch1 = Array(data.log.indices[0..<8]), held1 = Array(data.log.indices[8..<10])
        #expect(epoch1.sorted() == split.training && held1 == split.validation)
        #expect(Array(data.log.indices[18..<20]) == split.validation)
        // val_loss: the mean squared error of the final weights on the two held-out examples
        // (input i, target 2i).
        let w = net.layers[0].weights[0, 0], bias = net.layers[0].bias[0]
        let mse = split.validation.map { i in pow(w * Double(i) + bias - Double(2 * i), 2) }.reduce(0, +) / 2
        let reported = try #require(result.epochs.last?.validationLoss)
        #expect(isClose(reported, mse, tolerance: 1e-9), "\(reported) vs \(mse)")
    }

    @Test func rejectsBadControlOptions() throws {
        let net: Network<Double> = try makeNetwork([3, 4, 2], hidden: .tanh, output: .softmax)
        var g = RandomGenerator(seed: 1)
        let data = Self.classData()
        var needsValidation = TrainingOptions(epochs: 2)
        needsValidation.selection = EpochSelection(patience: 2)
        #expect(throws: EngineError.self) { try net.train(on: data, options: needsValidation, generator: &g) }
        var both = TrainingOptions(epochs: 2)
        both.holdout = Holdout(fraction: 0.1, seed: 1)
        #expect(throws: EngineError.self) { try net.train(on: data, validation: data, options: both, generator: &g) }
        for bad in [LearningRateSchedule.step(every: 0, gamma: 0.5), .exponential(gamma: 0), .cosine(minimum: -1)] {
            var o = TrainingOptions()
            o.schedule = bad
            #expect(o.problem != nil)
        }
        var o = TrainingOptions()
        o.holdout = Holdout(fraction: 1, seed: 1)
        #expect(o.problem != nil)
        o.holdout = nil
        o.selection = EpochSelection(patience: 0)
        #expect(o.problem != nil)
    }
}
