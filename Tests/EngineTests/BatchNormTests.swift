import Testing
@testable import Engine
import EngineTestSupport

/// The batch-normalisation layer: its passes against a normalisation written out here with
/// 4-D indices, its running statistics against PyTorch's rule, its gradients (training mode,
/// the exact one; evaluation mode) against central differences in float64, its state through
/// copies, conversions, snapshots and paused runs, and what it refuses.
@Suite struct BatchNormTests {
    /// Per channel c of x (rows × channels·positions): the mean and the biased variance over
    /// the rows and positions, and y = γ·(x − μ)/√(σ² + ε) + β.
    static func naiveNormalisation(_ x: Matrix<Double>, channels: Int, positions: Int, gamma: [Double], beta: [Double],
                                   epsilon: Double) -> (y: [Double], mean: [Double], variance: [Double]) {
        var mean = [Double](repeating: 0, count: channels), variance = mean
        let n = Double(x.rows * positions)
        for c in 0..<channels {
            for r in 0..<x.rows { for p in 0..<positions { mean[c] += x[r, c * positions + p] } }
            mean[c] /= n
            for r in 0..<x.rows { for p in 0..<positions { variance[c] += (x[r, c * positions + p] - mean[c]) * (x[r, c * positions + p] - mean[c]) } }
            variance[c] /= n
        }
        var y: [Double] = []
        for r in 0..<x.rows {
            for c in 0..<channels {
                for p in 0..<positions {
                    y.append(gamma[c] * (x[r, c * positions + p] - mean[c]) / (variance[c] + epsilon).squareRoot() + beta[c])
                }
            }
        }
        return (y, mean, variance)
    }

    /// A network for images of shape `image` starting with a convolution.
    static func imageNetwork<T: Scalar>(_ image: Shape, filters: Int, kernel: Int, padding: Int = 0, activation: Activation,
                                        _ g: inout RandomGenerator) throws -> Network<T> {
        let net = try Network<T>(inputShape: image)
        try net.addConvolution(filters: filters, kernel: kernel, padding: padding, activation: activation, generator: &g)
        return net
    }

    /// All state tensors of the network, in stack order.
    static func states<T>(_ net: Network<T>) -> [[T]] {
        net.stack.flatMap { l in (0..<l.stateTensorCount).map { l.state($0) } }
    }

    /// γ and β away from 1 and 0, different per channel.
    static func spreadScales(_ net: Network<Double>) {
        for s in net.stack.indices where net.stack[s] is BatchNormLayer<Double> {
            net.stack[s].withMutableParameter(0) { g in for i in g.indices { g[i] = 1.2 - 0.15 * Double(i) } }
            net.stack[s].withMutableParameter(1) { b in for i in b.indices { b[i] = 0.1 * Double(i) - 0.2 } }
        }
    }

    /// Training passes normalise with the batch's statistics (per channel after an image, per
    /// feature after a flat shape); two passes before one optimiser step move the running
    /// statistics as PyTorch's rule applied twice (unbiased variance); evaluation, `predict`
    /// and `reference` then use the running ones.
    @Test(arguments: [Shape([3, 2, 4]), Shape(5)])
    func thePassesAreTheNaiveNormalisation(shape: Shape) throws {
        var g = RandomGenerator(seed: UInt64(40 + shape.dimensions.count))
        let width = shape.count
        let net = try Network<Double>(inputShape: shape)
        try net.addBatchNorm(momentum: 0.3)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        Self.spreadScales(net)
        let s = 0, bn = try #require(net.stack[s] as? BatchNormLayer<Double>)
        let (channels, positions) = shape.dimensions.count == 3 ? (3, 8) : (5, 1)
        #expect(bn.channels == channels && bn.positions == positions && net.shapes[s] == shape)
        #expect(net.tensorSizes == [channels, channels, 2 * width, 2])
        #expect(net.stateSizes == [channels, channels, 1])
        let gamma = bn.scale, beta = bn.shift

        // Inputs far from mean 0, variance 1, different per channel.
        let x1: Matrix<Double> = randomMatrix(6, width, scale: 3, &g), x2: Matrix<Double> = randomMatrix(4, width, &g)
        let shifted1 = Matrix(rows: 6, columns: width, storage: x1.storage.enumerated().map { $1 + Double($0 % width) })
        let ws = Workspace(network: net, capacity: 6, targetWidth: 2)
        var expected: [(mean: [Double], variance: [Double], rows: Int)] = []
        // A pass whose step never came (a failed run): zeroing the gradients drops it too.
        for i in 0..<6 * width { ws.inputs.pointer[i] = 100 }
        net.forwardPass(ws, rows: 6, cost: net.cost, withDelta: false, scale: 1, dropout: true)
        ws.zeroGradients()
        for x in [shifted1, x2] {
            for r in 0..<x.rows { for c in 0..<width { ws.inputs.pointer[r * width + c] = x[r, c] } }
            net.forwardPass(ws, rows: x.rows, cost: net.cost, withDelta: false, scale: 1, dropout: true)
            let naive = Self.naiveNormalisation(x, channels: channels, positions: positions, gamma: gamma, beta: beta,
                                                epsilon: 1e-5)
            let out = Array(UnsafeBufferPointer(start: ws.layers[s].output!.pointer, count: x.rows * width))
            #expect(isClose(out, naive.y, tolerance: 1e-12))
            expected.append((naive.mean, naive.variance, x.rows * positions))
        }
        #expect(net.stack[s].state(0) == [Double](repeating: 0, count: channels))   // not before the step
        let optimizer = Optimizer(state: OptimizerState<Double>(settings: OptimizerSettings(.sgd, learningRate: 0),
                                                                 tensorSizes: net.tensorSizes))
        net.applyStep(optimizer, ws, regularization: .none)
        var mean = [Double](repeating: 0, count: channels), variance = [Double](repeating: 1, count: channels)
        for e in expected {
            for c in 0..<channels {
                mean[c] = 0.7 * mean[c] + 0.3 * e.mean[c]
                variance[c] = 0.7 * variance[c] + 0.3 * e.variance[c] * Double(e.rows) / Double(e.rows - 1)
            }
        }
        let after = try #require(net.stack[s] as? BatchNormLayer<Double>)
        #expect(isClose(after.runningMean, mean, tolerance: 1e-12))
        #expect(isClose(after.runningVariance, variance, tolerance: 1e-12))
        #expect(after.batchesSeen == [2])
        #expect(after.scale == gamma && after.shift == beta)   // learning rate 0
        // A second step without training passes leaves the running statistics alone.
        net.applyStep(optimizer, ws, regularization: .none)
        #expect(net.stack[s].isEqual(to: after))

        // Evaluation: the running statistics, in every inference path.
        let test: Matrix<Double> = randomMatrix(3, width, scale: 2, &g)
        var y: [Double] = []
        for r in 0..<3 {
            for j in 0..<width {
                let c = j / positions
                y.append(gamma[c] * (test[r, j] - mean[c]) / (variance[c] + 1e-5).squareRoot() + beta[c])
            }
        }
        #expect(isClose(after.reference(test).storage, y, tolerance: 1e-12))
        let predictWS = Workspace(network: net, capacity: 3, targetWidth: 2)
        for i in 0..<3 * width { predictWS.inputs.pointer[i] = test.storage[i] }
        net.predictPass(predictWS, rows: 3)
        #expect(isClose(Array(UnsafeBufferPointer(start: predictWS.layers[s].output!.pointer, count: 3 * width)), y, tolerance: 1e-12))
        net.forwardPass(predictWS, rows: 3, cost: net.cost, withDelta: false, scale: 1)
        #expect(isClose(Array(UnsafeBufferPointer(start: predictWS.layers[s].output!.pointer, count: 3 * width)), y, tolerance: 1e-12))
        // float32 runs the same passes.
        let single = net.converted(to: Float.self)
        #expect(isClose(try single.predict(test.converted()).storage.map(Double.init), try net.predict(test).storage,
                        tolerance: 1e-5))
    }

    /// conv (2×6×6 → 3×6×6) → batchnorm → conv (stride 2) → batchnorm → dense 3 softmax, and
    /// dense 6 → batchnorm → dense 4 → batchnorm → dense 3 softmax: the gradient in training
    /// mode (batch statistics, the exact backward) and in evaluation mode (running statistics)
    /// against central differences, at every activation of the layers it follows.
    @Test(arguments: [Activation.relu, .linear, .tanh, .sigmoid, .leakyReLU(alpha: 0.1)], [true, false])
    func gradientsMatchCentralDifferencesAfterConvolutions(activation: Activation, training: Bool) throws {
        var g = RandomGenerator(seed: 23)
        let net: Network<Double> = try Self.imageNetwork(Shape([2, 6, 6]), filters: 3, kernel: 3, padding: 1,
                                                         activation: activation, &g)
        try net.addBatchNorm()
        try net.addConvolution(filters: 2, kernel: 3, stride: 2, padding: 1, activation: activation, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        try Self.check(net, width: 72, rows: 5, training: training, kinds: [.weights, .bias, .scale, .bias], &g)
    }

    @Test(arguments: [Activation.relu, .linear, .tanh, .sigmoid, .leakyReLU(alpha: 0.1), .softmax], [true, false])
    func gradientsMatchCentralDifferencesAfterDenseLayers(activation: Activation, training: Bool) throws {
        var g = RandomGenerator(seed: 29)
        let net = try Network<Double>(inputWidth: 5)
        try net.addDense(outputs: 6, activation: activation, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 4, activation: activation, generator: &g)
        try net.addBatchNorm(momentum: 0.5)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        try Self.check(net, width: 5, rows: 7, training: training, kinds: [.weights, .bias, .scale, .bias], &g)
    }

    /// dense → dropout → batchnorm → dense: in training mode the check holds one dropout mask
    /// fixed for all its loss evaluations, and the gradient passes back through the batchnorm
    /// layer into the dropout layer's in-place scaling.
    @Test func gradientsMatchCentralDifferencesThroughDropout() throws {
        var g = RandomGenerator(seed: 31)
        let net = try Network<Double>(inputWidth: 5)
        try net.addDense(outputs: 6, activation: .tanh, generator: &g)
        try net.addDropout(rate: 0.3)
        try net.addBatchNorm()
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        try Self.check(net, width: 5, rows: 9, training: true, kinds: [.weights, .bias], extra: [.scale, .bias], &g)
    }

    /// The check on `net` with γ, β and (evaluation mode) running statistics away from their
    /// defaults; an L2 penalty, which γ and β must not take.
    static func check(_ net: Network<Double>, width: Int, rows: Int, training: Bool, kinds: [ParameterKind],
                      extra: [ParameterKind]? = nil, _ g: inout RandomGenerator) throws {
        spreadScales(net)
        for s in net.stack.indices where net.stack[s].parameterTensorCount == 2 && !(net.stack[s] is BatchNormLayer<Double>) {
            net.stack[s].withMutableParameter(1) { b in for i in b.indices { b[i] = 0.3 - 0.2 * Double(i) } }
        }
        for s in net.stack.indices where net.stack[s] is BatchNormLayer<Double> {
            net.stack[s].withMutableState(0) { m in for i in m.indices { m[i] = 0.2 * Double(i) - 0.1 } }
            net.stack[s].withMutableState(1) { v in for i in v.indices { v[i] = 0.5 + 0.3 * Double(i) } }
        }
        let x: Matrix<Double> = randomMatrix(rows, width, &g)
        let data = MatrixData(inputs: x, labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), training: training,
                                           generator: &g)
        #expect(report.entries.map(\.kind) == kinds + (extra ?? kinds) + [.weights, .bias])
        #expect(report.entries.map(\.total) == net.tensorSizes)
        #expect(report.entries.filter { $0.kind != .bias }.allSatisfy { $0.analyticNorm > 1e-6 },
                "\(report.entries.map(\.analyticNorm))")
        // Every tensor agrees, or (training mode, a bias of a linear layer before a batchnorm
        // layer, which the batch's mean takes away again) both gradients are nothing.
        for e in report.entries {
            #expect(e.relativeError < 1e-6 || (e.analyticNorm < 1e-9 && e.numericNorm < 1e-9),
                    "layer \(e.layer) \(e.kind): \(e.relativeError), norms \(e.analyticNorm) \(e.numericNorm)")
        }
        // The two modes are different functions of the weights.
        let other = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), maxPerTensor: 1,
                                          training: !training, generator: &g)
        #expect(abs(other.loss - report.loss) > 1e-3)
    }

    /// Input features on scales from 0.001 to 1000 and far from zero: a first batchnorm layer
    /// lets plain SGD learn them; its running statistics approach the data's own (mean and
    /// unbiased variance per feature), and evaluation with them classifies as well.
    @Test func aBatchNormalisedNetworkLearnsBadlyScaledFeatures() throws {
        var g = RandomGenerator(seed: 12)
        let count = 200
        let scales: [Float] = [1000, 0.001, 1, 50], offsets: [Float] = [5000, -3, 10, 0]
        var x = Matrix<Float>(rows: count, columns: 4)
        var labels: [Int] = []
        for r in 0..<count {
            let z: [Float] = (0..<4).map { _ in Float(2 * g.nextUniform() - 1) }
            for j in 0..<4 { x[r, j] = offsets[j] + scales[j] * z[j] }
            labels.append(z[0] - z[1] + 0.5 * z[2] > 0 ? 1 : 0)
        }
        let data = MatrixData(inputs: x, labels: labels, classes: 2)
        let net = try Network<Float>(inputWidth: 4)
        try net.addBatchNorm()
        try net.addDense(outputs: 8, activation: .tanh, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        let result = try net.train(on: data, options: TrainingOptions(epochs: 30, batchSize: 20,
                                                                      optimizer: OptimizerSettings(.sgd, learningRate: 0.1)),
                                   generator: &g)
        #expect(result.epochs.count == 30)
        let accuracy = try #require(try net.evaluate(on: data).accuracy)
        #expect(accuracy > 0.95, "\(accuracy)")
        let bn = try #require(net.stack[0] as? BatchNormLayer<Float>)
        #expect(bn.batchesSeen == [300])
        for j in 0..<4 {
            let column = (0..<count).map { Double(x[$0, j]) }
            let mean = column.reduce(0, +) / Double(count)
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
            let spread = variance.squareRoot()
            #expect(abs(Double(bn.runningMean[j]) - mean) < 0.25 * spread, "feature \(j): \(bn.runningMean[j]) vs \(mean)")
            #expect(abs(Double(bn.runningVariance[j]) / variance - 1) < 0.5, "feature \(j): \(bn.runningVariance[j]) vs \(variance)")
        }
        // Without it, the same network learns nothing in as many epochs (the scales swamp it).
        var h = RandomGenerator(seed: 12)
        let plain = try Network<Float>(inputWidth: 4)
        try plain.addDense(outputs: 8, activation: .tanh, generator: &h)
        try plain.addDense(outputs: 2, activation: .softmax, generator: &h)
        _ = try? plain.train(on: data, options: TrainingOptions(epochs: 30, batchSize: 20,
                                                               optimizer: OptimizerSettings(.sgd, learningRate: 0.1)),
                             generator: &h)
        let plainAccuracy = (try? plain.evaluate(on: data).accuracy) ?? nil
        #expect((plainAccuracy ?? 0) < accuracy - 0.1, "\(plainAccuracy ?? 0)")
    }

    /// The trainer runs conv → batchnorm → dense (float32): bars on 1×6×6
    /// images, vertical or horizontal, are told apart in evaluation mode (running statistics)
    /// after a short run, and γ and β have moved.
    @Test func aConvolutionWithBatchNormLearnsBars() throws {
        var g = RandomGenerator(seed: 7)
        let data = ConvolutionTests.bars(&g)
        let net: Network<Float> = try Self.imageNetwork(Shape([1, 6, 6]), filters: 4, kernel: 3, padding: 1,
                                                        activation: .relu, &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        #expect(net.shapes == [Shape([4, 6, 6]), Shape([4, 6, 6]), Shape(2)])
        let options = TrainingOptions(epochs: 30, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.01))
        try net.train(on: data, options: options, generator: &g)
        let bn = try #require(net.stack[1] as? BatchNormLayer<Float>)
        #expect(bn.scale != [1, 1, 1, 1] && bn.shift != [0, 0, 0, 0] && bn.batchesSeen == [180])
        let after = try net.evaluate(on: data)
        #expect(after.accuracy == 1, "accuracy \(after.accuracy ?? 0), loss \(after.loss)")
    }

    /// Copies, conversions and fresh copies: the state travels with the layer (and a fresh
    /// copy starts it again); `isEqual` tells running statistics apart.
    @Test func theStateTravelsWithTheLayer() throws {
        var g = RandomGenerator(seed: 4)
        let net = try Network<Double>(inputWidth: 3)
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        net.stack[1].withMutableState(0) { $0[2] = 0.75 }
        net.stack[1].withMutableState(1) { $0[1] = 2.5 }
        net.stack[1].withMutableState(2) { $0[0] = 9 }
        let states = Self.states(net)
        #expect(states == [[0, 0, 0.75, 0], [1, 2.5, 1, 1], [9]])
        let copy = net.copy()
        #expect(Self.states(copy) == states && copy.stack[1].isEqual(to: net.stack[1]))
        copy.stack[1].withMutableState(0) { $0[0] = 1 }
        #expect(Self.states(net) == states && !copy.stack[1].isEqual(to: net.stack[1]))
        let single = net.converted(to: Float.self)
        #expect(Self.states(single) == states.map { $0.map(Float.init) })
        #expect(single.converted(to: Double.self).stack[1].isEqual(to: net.stack[1]))
        let fresh = net.freshCopy(generator: &g)
        #expect(Self.states(fresh) == [[0, 0, 0, 0], [1, 1, 1, 1], [0]])
        #expect(fresh.stack[1].parameter(0) == [1, 1, 1, 1] && fresh.stack[1].parameter(1) == [0, 0, 0, 0])
        // Snapshots copy and restore it with the parameters.
        let snapshot = Snapshot(of: net, optimizer: OptimizerState<Double>(settings: .adam, tensorSizes: net.tensorSizes))
        #expect(snapshot.states.map(\.count) == [4, 4, 1])
        net.withEachState { p in for i in p.indices { p[i] += 1 } }
        #expect(Self.states(net) != states)
        snapshot.restore(to: net, optimizer: Optimizer(state: OptimizerState(settings: .adam, tensorSizes: net.tensorSizes)))
        #expect(Self.states(net) == states)
    }

    /// 24 examples with random labels, validation on 40 others: the network overfits, early
    /// stopping restores the best epoch, and the running statistics are those at its end, not
    /// the last epoch's. A run paused after the best epoch and resumed ends the same.
    @Test func restoringTheBestEpochRestoresTheRunningStatistics() throws {
        var g = RandomGenerator(seed: 3)
        let train = MatrixData(inputs: randomMatrix(24, 4, &g) as Matrix<Double>, labels: (0..<24).map { _ in g.nextInt(below: 2) }, classes: 2)
        let validation = MatrixData(inputs: randomMatrix(40, 4, &g) as Matrix<Double>, labels: (0..<40).map { _ in g.nextInt(below: 2) }, classes: 2)
        var h = RandomGenerator(seed: 7)
        let reference = try Network<Double>(inputWidth: 4)
        try reference.addDense(outputs: 32, activation: .tanh, generator: &h)
        try reference.addBatchNorm()
        try reference.addDense(outputs: 2, activation: .softmax, generator: &h)
        let net = reference.copy()
        var options = TrainingOptions(epochs: 300, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.03))
        options.selection = EpochSelection(monitor: .validationLoss, patience: 4)
        var g1 = g, g2 = g
        var snapshots: [Int: [[Double]]] = [:]
        let full = try reference.train(on: train, validation: validation, options: options, generator: &g1,
                                       epochEnded: { snapshots[$0.epoch] = Self.states(reference) })
        let best = try #require(full.bestEpoch)
        #expect(full.restoredBest && full.stoppedEarly && reference.history.epochs.count == best + 4)
        #expect(Self.states(reference) == snapshots[best])
        #expect(Self.states(reference) != snapshots[best + 4])
        #expect(Self.states(reference)[2] == [Double(3 * best)])

        var batches = 0
        let pauseAt = 3 * best + 1   // one batch into the epoch after the best (3 batches an epoch)
        var result = try net.train(on: train, validation: validation, options: options, generator: &g2,
                                   shouldStop: { batches == pauseAt }, progress: { _ in batches += 1 })
        #expect(result.stopped)
        result = try net.resume(on: train, validation: validation, progress: { _ in batches += 1 })
        #expect(!result.stopped && result.restoredBest && result.bestEpoch == best)
        #expect(zip(net.stack, reference.stack).allSatisfy { $0.isEqual(to: $1) })
    }

    /// A run that diverges puts the running statistics back with the weights (to their values
    /// before the run), and leaves nothing pending for the next run on the same trainer.
    @Test func aDivergingRunRestoresTheRunningStatistics() throws {
        var g = RandomGenerator(seed: 21)
        let data = MatrixData(inputs: randomMatrix(32, 6, scale: 3, &g) as Matrix<Float>,
                              targets: randomMatrix(32, 1, scale: 30, &g))
        let net = try Network<Float>(inputWidth: 6)
        try net.addDense(outputs: 8, activation: .relu, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 1, activation: .linear, generator: &g)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 8, optimizer: OptimizerSettings(.sgd, learningRate: 0.001)),
                      generator: &g)
        let before = Self.states(net)
        #expect(before[2] == [4])
        var caught: EngineError?
        do {
            try net.train(on: data, options: TrainingOptions(epochs: 100, batchSize: 8,
                                                             optimizer: OptimizerSettings(.sgd, learningRate: 5)),
                          generator: &g)
        } catch { caught = error }
        let error = try #require(caught)
        #expect(error.kind == .nonFinite, "\(error.message)")
        #expect(Self.states(net) == before)
    }

    /// What cannot be: settings out of range, a training batch of one example after a flat
    /// shape (the whole batch, or the last of an epoch), a batchnorm layer last. One example
    /// per batch after an image is fine (its positions are normalised).
    @Test func refusals() throws {
        var g = RandomGenerator(seed: 5)
        let net = try Network<Double>(inputWidth: 4)
        try net.addDense(outputs: 3, activation: .relu, generator: &g)
        for (momentum, epsilon) in [(-0.1, 1e-5), (1.5, 1e-5), (Double.nan, 1e-5), (0.1, 0), (0.1, -1), (0.1, .infinity)] {
            #expect(throws: EngineError.self) { try net.addBatchNorm(momentum: momentum, epsilon: epsilon) }
        }
        #expect(net.stack.count == 1)
        try net.addBatchNorm(momentum: 1)
        #expect(net.layerSummaries == ["3 relu", "batchnorm 3 momentum 1.0 epsilon 1e-05"])
        // A batchnorm layer cannot be the output layer.
        let data = MatrixData(inputs: randomMatrix(65, 4, &g) as Matrix<Double>, labels: (0..<65).map { $0 % 2 }, classes: 2)
        #expect(throws: EngineError.self) { try net.train(on: data, options: TrainingOptions(epochs: 1), generator: &g) }
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        let weights = net.stack.map { l in (0..<l.parameterTensorCount).map { l.parameter($0) } }
        for (batch, message) in [
            (64, "layer 2 (batchnorm 3 momentum 1.0 epsilon 1e-05) needs at least 2 examples in a training batch, to normalise over the batch, but the last batch of each epoch has 1 (65 examples in batches of 64); choose another batch size"),
            (1, "layer 2 (batchnorm 3 momentum 1.0 epsilon 1e-05) needs at least 2 examples in a training batch, to normalise over the batch, but each training batch has 1 (65 examples in batches of 1); choose another batch size"),
        ] {
            var caught: EngineError?
            do { try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: batch), generator: &g) } catch { caught = error }
            #expect(caught?.message == message)
        }
        #expect(net.stack.map { l in (0..<l.parameterTensorCount).map { l.parameter($0) } } == weights)
        #expect(net.history.epochs.isEmpty)
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 13), generator: &g)
        #expect(throws: EngineError.self) {
            try net.gradientCheck(on: MatrixData(inputs: Matrix<Double>(rows: 1, columns: 4), labels: [0], classes: 2),
                                  training: true, generator: &g)
        }
        // After an image, one example has height × width values per channel.
        let image: Network<Double> = try Self.imageNetwork(Shape([2, 2, 2]), filters: 2, kernel: 1, activation: .tanh, &g)
        try image.addBatchNorm()
        try image.addDense(outputs: 2, activation: .softmax, generator: &g)
        let one = MatrixData(inputs: randomMatrix(3, 8, &g) as Matrix<Double>, labels: [0, 1, 0], classes: 2)
        try image.train(on: one, options: TrainingOptions(epochs: 1, batchSize: 1), generator: &g)
        #expect(image.stack[1].state(2) == [3])
        let report = try image.gradientCheck(on: MatrixData(inputs: randomMatrix(1, 8, &g) as Matrix<Double>, labels: [1], classes: 2),
                                             training: true, generator: &g)
        #expect(report.maxRelativeError < 1e-6)
    }
}
