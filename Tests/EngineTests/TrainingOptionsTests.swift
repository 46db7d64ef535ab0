import Testing
@testable import Engine
import EngineTestSupport

/// `TrainingOptions.check` is the one place a training rule lives: each refusal names the
/// field it lies in (`EngineError.field`), so a caller can point at what set it.
@Suite struct TrainingOptionsTests {
    static let cases: [(options: TrainingOptions, validation: Int?, field: TrainingOptions.Field)] = {
        var lr = TrainingOptions()
        lr.optimizer.learningRate = 0
        var batch = TrainingOptions()
        batch.batchSize = 0
        var momentum = TrainingOptions(optimizer: OptimizerSettings(.momentum))
        momentum.optimizer.momentum = 1
        var gamma = TrainingOptions()
        gamma.schedule = .step(every: 2, gamma: 0)
        var every = TrainingOptions()
        every.schedule = .step(every: 0, gamma: 0.5)
        var holdout = TrainingOptions()
        holdout.holdout = Holdout(fraction: 1, seed: 1)
        var both = TrainingOptions()
        both.holdout = Holdout(fraction: 0.2, seed: 1)
        var patience = TrainingOptions()
        patience.selection = EpochSelection(patience: 0)
        var unvalidated = TrainingOptions()
        unvalidated.selection = EpochSelection(patience: 2)
        var l2 = TrainingOptions()
        l2.regularization.l2 = -1
        return [(lr, nil, .learningRate), (batch, nil, .batchSize), (momentum, nil, .momentum), (gamma, nil, .gamma),
                (every, nil, .stepEvery), (holdout, nil, .holdout), (both, 10, .validation), (patience, 10, .patience),
                (unvalidated, nil, .selection), (unvalidated, 0, .selection), (l2, nil, .l2)]
    }()

    @Test(arguments: 0..<TrainingOptionsTests.cases.count)
    func aRefusalNamesItsField(_ i: Int) {
        let c = Self.cases[i]
        var field: TrainingOptions.Field?
        do { try c.options.check(validationExamples: c.validation) } catch { field = error.field }
        #expect(field == c.field, "case \(i)")
    }

    @Test func validOptionsPass() throws {
        var options = TrainingOptions()
        options.selection = EpochSelection(patience: 2)
        try options.check(validationExamples: 10)
        options.holdout = Holdout(fraction: 0.1, seed: 1)
        try options.check(validationExamples: nil)
    }

    /// The trainer refuses the same way (it checks the same rules when a run starts), and a
    /// network it cannot train names the network.
    @Test func theTrainerRefusesByField() throws {
        var options = TrainingOptions()
        options.holdout = Holdout(fraction: 0.5, seed: 1)
        let net: Network<Double> = try makeNetwork([2, 3, 2], hidden: .tanh, output: .softmax)
        var g = RandomGenerator(seed: 1)
        var field: TrainingOptions.Field?
        do { try net.train(on: xorData(Double.self), validation: xorData(Double.self), options: options, generator: &g) }
        catch { field = error.field }
        #expect(field == .validation)
        do { _ = try Trainer(network: try Network<Double>(inputWidth: 2), options: TrainingOptions()) }
        catch { field = error.field; #expect(error.kind == .empty) }
        #expect(field == .network)
    }
}
