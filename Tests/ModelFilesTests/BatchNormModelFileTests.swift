import Foundation
import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// Batch normalisation in nnm files: γ and β as its tensors, the running statistics as state
/// tensors after the optimiser's moments (docs/FORMAT.md); a trained conv → batchnorm →
/// maxpool → dense network predicts bit for bit after a load (in evaluation mode, from the
/// running statistics); damaged state is refused with one line; exports name the tensors as
/// PyTorch's BatchNorm2d.
@Suite struct BatchNormModelFileTests {
    /// 1×6×6 → conv 3 3×3 relu → batchnorm (per channel) → maxpool 2 → dense 5 relu →
    /// batchnorm (per feature) → 3 softmax, trained three epochs with Adam (so the running statistics have moved).
    static func normalisedNetwork<T: Scalar>(_: T.Type = T.self) throws -> Network<T> {
        var g = RandomGenerator(seed: 12)
        let net = try Network<T>(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 3, kernel: 3, activation: .relu, generator: &g)
        try net.addBatchNorm(momentum: 0.2)
        try net.addMaxPool(window: 2)
        try net.addDense(outputs: 5, activation: .relu, generator: &g)
        try net.addBatchNorm()
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        let data = MatrixData(inputs: randomMatrix(16, 36, &g) as Matrix<T>, labels: (0..<16).map { $0 % 3 }, classes: 3)
        _ = try net.train(on: data, options: TrainingOptions(epochs: 3, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                          generator: &g)
        return net
    }

    static func batchNorm<T: Scalar>(_ net: Network<T>, _ s: Int) throws -> BatchNormLayer<T> {
        try #require(net.stack[s] as? BatchNormLayer<T>)
    }

    @Test func aTrainedNetworkRoundTripsWithItsRunningStatisticsBitForBit() throws {
        try roundTrip(Float.self)
        try roundTrip(Double.self)
    }

    func roundTrip<T: Scalar>(_: T.Type) throws {
        let net = try Self.normalisedNetwork(T.self)
        let trained = try Self.batchNorm(net, 1)
        #expect(trained.runningMean != [0, 0, 0] && trained.batchesSeen == [12], "training moved the statistics")
        let bytes = try ModelFile.encode(SavedModel(network: net))
        let back = try PoolingModelFileTests.network(ModelFile.network(from: ModelFile.decode(bytes)), T.self)
        #expect(back.stack.map { type(of: $0).kind } == ["conv", "batchnorm", "maxpool", "dense", "batchnorm", "dense"])
        #expect(zip(back.stack, net.stack).allSatisfy { $0.isEqual(to: $1) })
        for s in [1, 4] {
            let (a, b) = (try Self.batchNorm(back, s), try Self.batchNorm(net, s))
            #expect(a.runningMean == b.runningMean && a.runningVariance == b.runningVariance && a.batchesSeen == b.batchesSeen)
            #expect(a.momentum == b.momentum && a.epsilon == b.epsilon)
        }
        #expect(back.optimizerState == net.optimizerState)
        var g = RandomGenerator(seed: 4)
        let x: Matrix<T> = randomMatrix(6, 36, &g)
        #expect(ConvolutionModelFileTests.bits(try back.predict(x)) == ConvolutionModelFileTests.bits(try net.predict(x)))
        // The state follows the moments: 3 + 3 + 1 and 5 + 5 + 1 values.
        guard case .float32(let m) = try ModelFile.decode(bytes) else { return }
        #expect(m.states.map { [$0.rows, $0.columns] } == [[1, 3], [1, 3], [1, 1], [1, 5], [1, 5], [1, 1]])
        #expect(m.states[2].storage == [12] && m.states[5].storage == [12])
        #expect(m.parameters.count == 10 && m.moments.count == 2)
    }

    /// Without the state the loaded network would predict from fresh statistics (mean 0,
    /// variance 1): the test above would fail. This shows the trained statistics matter here.
    @Test func theRunningStatisticsChangeThePredictions() throws {
        let net = try Self.normalisedNetwork(Float.self)
        var m = SavedModel(network: net)
        m.states = m.states.enumerated().map { i, t in
            Matrix(rows: t.rows, columns: t.columns, storage: [Float](repeating: i % 3 == 1 ? 1 : 0, count: t.count))
        }
        let reset = try m.makeNetwork()
        var g = RandomGenerator(seed: 4)
        let x: Matrix<Float> = randomMatrix(6, 36, &g)
        #expect(try reset.predict(x).storage != (try net.predict(x)).storage)
    }

    @Test func savedToDiskAndShownByInfo() throws {
        let net = try Self.normalisedNetwork(Float.self)
        try withTemporaryFolder { folder in
            let path = folder + "/bn.nnm"
            try ModelFile.write(.float(net), to: path)
            let info = try ModelFile.info(path)
            #expect(info.lines[1] == "network: 1×6×6 -> conv 3 3×3 stride 1 padding 0 relu -> batchnorm 3 momentum 0.2 epsilon 1e-05 -> "
                    + "maxpool 2×2 stride 2 -> 5 relu -> batchnorm 5 momentum 0.1 epsilon 1e-05 -> 3 softmax, cost cross_entropy, "
                    + "\(net.parameterCount) parameters")
            let back = try PoolingModelFileTests.network(ModelFile.read(path), Float.self)
            #expect(back.layerSummaries == net.layerSummaries)
        }
    }

    static func refusal(_ edit: (inout SavedModel<Float>) -> Void) throws -> ModelFileError? {
        var m = SavedModel(network: try normalisedNetwork(Float.self))
        edit(&m)
        let bytes = try ModelFile.encodeUnchecked(m)
        return expectModelFileError { _ = try ModelFile.network(from: ModelFile.decode(bytes)) }
    }

    /// Layers are numbered by those with tensors: conv 1, batchnorm 2, dense 3, batchnorm 4.
    @Test func damagedStateAndSettingsAreRefusedWithOneLine() throws {
        let missing = try Self.refusal { $0.states.removeLast() }
        #expect(missing?.kind == .truncated)
        let extra = try Self.refusal { $0.states.append(Matrix(rows: 1, columns: 1)) }
        #expect(extra?.message == "20 unexpected bytes after the last tensor")
        let shape = try Self.refusal { $0.states[0] = Matrix(rows: 1, columns: 4) }
        #expect(shape?.kind == .shapeMismatch)
        #expect(shape?.message == "layer 2 running mean are 1×4, but layer 2 holds them as 1×3 (3)")
        let negative = try Self.refusal { $0.states[4].storage[2] = -0.5 }
        #expect(negative?.message == "layer 4's running variance has a negative value, -0.5")
        let nan = try Self.refusal { $0.states[3].storage[0] = .nan }
        #expect(nan?.kind == .nonFiniteValue)
        #expect(nan?.message == "layer 4 running mean contain NaN at [0, 0]")
        let seen = try Self.refusal { $0.states[2].storage[0] = 2.5 }
        #expect(seen?.message == "layer 2's batches seen is 2.5, not a whole number ≥ 0")
        let momentum = try Self.refusal { ConvolutionModelFileTests.setting("momentum", of: 1, to: .number(1.5))(&$0.header.architecture) }
        #expect(momentum?.message == "layer 2: a batch-normalisation momentum must lie in [0, 1], got 1.5")
        let epsilon = try Self.refusal { ConvolutionModelFileTests.setting("epsilon", of: 4, to: .number(0))(&$0.header.architecture) }
        #expect(epsilon?.message == "layer 4: a batch-normalisation epsilon must be a finite number > 0, got 0.0")
        // The writer refuses a model whose state does not fit (a faulty program).
        var m = SavedModel(network: try Self.normalisedNetwork(Float.self))
        m.states.removeLast()
        #expect(expectModelFileError { _ = try ModelFile.encode(m) }?.message == "the model has 5 state tensors, its architecture needs 6")
    }

    /// Files written before batch normalisation had state (no layer keeps any) still load:
    /// a conv network's bytes are those format 1.2 always wrote.
    @Test func filesWithoutStateAreUnchanged() throws {
        let net = try ConvolutionModelFileTests.convNetwork(Float.self)
        let m = SavedModel(network: net)
        #expect(m.states.isEmpty)
        let bytes = try ModelFile.encode(m)
        guard case .float32(let back) = try ModelFile.decode(bytes) else { Issue.record("not float32"); return }
        #expect(back == m)
    }

    @Test func exportsNameTheTensorsAsPyTorchsBatchNorm2d() throws {
        let net = try Self.normalisedNetwork(Float.self)
        let file = try SafeTensorsFile.decode(SafeTensorsFile(network: .float(net)).encode())
        #expect(file.tensors.map(\.name) == [
            "layers.0.weight", "layers.0.bias",
            "layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var", "layers.1.num_batches_tracked",
            "layers.3.weight", "layers.3.bias",
            "layers.4.weight", "layers.4.bias", "layers.4.running_mean", "layers.4.running_var", "layers.4.num_batches_tracked",
            "layers.5.weight", "layers.5.bias"])
        #expect(file.tensors.map(\.shape)[2 ..< 7] == [[3], [3], [3], [3], [1]])
        func values(_ name: String) throws -> [Float] {
            let t = try #require(file.tensors.first { $0.name == name })
            var r = ByteReader(t.data)
            return try r.scalars(t.data.count / 4, of: Float.self, for: name)
        }
        let bn = try Self.batchNorm(net, 4)
        #expect(try values("layers.4.running_var") == bn.runningVariance)
        #expect(try values("layers.4.weight") == bn.scale)
        #expect(try values("layers.1.num_batches_tracked") == [12])
        let bytes = ONNXModel.bytes(.float(net), preprocessing: Preprocessing())
        func has(_ text: String) -> Bool { ConvolutionModelFileTests.contains(bytes, text) }
        #expect(has("BatchNormalization") && has("MaxPool") && has("layers.4.running_var") && has("epsilon"))
        #expect(!has("num_batches_tracked"), "ONNX's inference form does not read it")
    }
}
