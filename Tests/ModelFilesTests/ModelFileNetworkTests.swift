import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// Saving and loading the engine's networks: identical predictions, identical training after
/// a resume, and refusals of files the engine cannot run.
@Suite struct ModelFileNetworkTests {
    static let activations: [Activation] = [.sigmoid, .relu, .leakyReLU(alpha: 0.2), .tanh, .linear, .softmax]

    /// Class data (3 inputs, 2 classes) with a few dozen examples.
    static func data<T: Scalar>(_: T.Type, count: Int = 40, seed: UInt64 = 5) -> MatrixData<T> {
        var g = RandomGenerator(seed: seed)
        var x = Matrix<T>(rows: count, columns: 3)
        var labels: [Int] = []
        for r in 0..<count {
            for c in 0..<3 { x[r, c] = T(g.nextGaussian()) }
            labels.append(x[r, 0] + x[r, 1] > 0 ? 1 : 0)
        }
        return MatrixData(inputs: x, labels: labels, classes: 2)
    }

    /// 3 -> 5 `hidden` -> 2 `output`, trained one epoch so it has history and optimiser state.
    static func trainedNetwork<T: Scalar>(_: T.Type, hidden: Activation, output: Activation, cost: Cost?,
                                          optimizer: OptimizerKind = .adam) throws -> Network<T> {
        var g = RandomGenerator(seed: 11)
        let net = try Network<T>(inputWidth: 3)
        try net.addDense(outputs: 5, activation: hidden, generator: &g)
        try net.addDense(outputs: 2, activation: output, generator: &g)
        try net.setCost(cost)
        try net.train(on: data(T.self), options: TrainingOptions(epochs: 1, batchSize: 8, optimizer: OptimizerSettings(optimizer)),
                      generator: &g)
        return net
    }

    static func roundTrip<T: Scalar>(_ net: Network<T>, extras: ModelExtras = ModelExtras()) throws -> LoadedNetwork {
        try ModelFile.network(from: ModelFile.decode(ModelFile.encode(SavedModel(network: net, extras: extras))))
    }

    static func unwrap<T: Scalar>(_ any: AnyNetwork, as _: T.Type) -> Network<T>? {
        switch any {
        case .float(let n): n as? Network<T>
        case .double(let n): n as? Network<T>
        }
    }

    /// Everything the network is survives, and predictions are bit-identical.
    static func expectSame<T: Scalar>(_ a: Network<T>, _ b: Network<T>?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        guard let b else { Issue.record("wrong precision after loading", sourceLocation: sourceLocation); return }
        #expect(a.layers == b.layers, sourceLocation: sourceLocation)
        #expect(a.explicitCost == b.explicitCost && a.cost == b.cost, sourceLocation: sourceLocation)
        #expect(a.history == b.history, sourceLocation: sourceLocation)
        #expect(a.optimizerState == b.optimizerState, sourceLocation: sourceLocation)
        let x = data(T.self, count: 17, seed: 99).inputs
        let pa = try a.predict(x), pb = try b.predict(x)
        // Bit-identical: compare the raw bytes (so NaN payloads and -0 count too).
        #expect(pa.storage.withUnsafeBytes { Array($0) } == pb.storage.withUnsafeBytes { Array($0) },
                sourceLocation: sourceLocation)
    }

    @Test(arguments: activations)
    func everyActivationRoundTripsInFloat32(activation: Activation) throws {
        let net = try Self.trainedNetwork(Float.self, hidden: activation, output: activation, cost: .mse)
        let loaded = try Self.roundTrip(net)
        try Self.expectSame(net, Self.unwrap(loaded.network, as: Float.self))
    }

    @Test(arguments: activations)
    func everyActivationRoundTripsInFloat64(activation: Activation) throws {
        let net = try Self.trainedNetwork(Double.self, hidden: activation, output: activation, cost: .mse)
        let loaded = try Self.roundTrip(net)
        try Self.expectSame(net, Self.unwrap(loaded.network, as: Double.self))
    }

    @Test(arguments: [(Activation.softmax, Cost.crossEntropy), (.sigmoid, .binaryCrossEntropy), (.tanh, .mse)],
          [Precision.float32, .float64])
    func everyCostRoundTrips(pair: (Activation, Cost), precision: Precision) throws {
        switch precision {
        case .float32:
            let net = try Self.trainedNetwork(Float.self, hidden: .relu, output: pair.0, cost: pair.1)
            try Self.expectSame(net, Self.unwrap(Self.roundTrip(net).network, as: Float.self))
        case .float64:
            let net = try Self.trainedNetwork(Double.self, hidden: .relu, output: pair.0, cost: pair.1)
            try Self.expectSame(net, Self.unwrap(Self.roundTrip(net).network, as: Double.self))
        }
    }

    @Test(arguments: OptimizerKind.allCases)
    func everyOptimizerStateRoundTrips(kind: OptimizerKind) throws {
        let net = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil, optimizer: kind)
        #expect(net.optimizerState?.moments.count == kind.momentCount)
        try Self.expectSame(net, Self.unwrap(Self.roundTrip(net).network, as: Float.self))
    }

    @Test func defaultCostStaysDefaultAndExplicitStaysExplicit() throws {
        let implicit = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil)
        #expect(Self.unwrap(try Self.roundTrip(implicit).network, as: Float.self)?.explicitCost == nil)
        let explicit = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: .mse)
        #expect(Self.unwrap(try Self.roundTrip(explicit).network, as: Float.self)?.explicitCost == .mse)
    }

    @Test func optimizerStateCanBeLeftOut() throws {
        let net = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil)
        let loaded = try Self.roundTrip(net, extras: ModelExtras(includeOptimizerState: false))
        #expect(loaded.header.optimizer == nil)
        #expect(Self.unwrap(loaded.network, as: Float.self)?.optimizerState == nil)
    }

    /// Save after 2 epochs with optimiser and generator state, load, train 3 more: the same
    /// weights, optimiser state and losses as 5 uninterrupted epochs with the same seed.
    @Test(arguments: [OptimizerKind.adam, .momentum, .rmsprop, .sgd])
    func resumeEqualsUninterrupted(kind: OptimizerKind) throws {
        try withTemporaryFolder { folder in
            let data = Self.data(Float.self, count: 50)
            let options = TrainingOptions(epochs: 5, batchSize: 7, optimizer: OptimizerSettings(kind))
            func fresh(_ g: inout RandomGenerator) throws -> Network<Float> {
                let net = try Network<Float>(inputWidth: 3)
                try net.addDense(outputs: 6, activation: .tanh, generator: &g)
                try net.addDense(outputs: 2, activation: .softmax, generator: &g)
                return net
            }
            var g1 = RandomGenerator(seed: 42)
            let uninterrupted = try fresh(&g1)
            try uninterrupted.train(on: data, options: options, generator: &g1)

            var g2 = RandomGenerator(seed: 42)
            let first = try fresh(&g2)
            var part = options
            part.epochs = 2
            try first.train(on: data, options: part, generator: &g2)
            let path = folder + "/resume.nnsh"
            try ModelFile.write(.float(first), to: path, extras: ModelExtras(generator: g2))

            let loaded = try ModelFile.read(path)
            guard var g3 = loaded.generator, let second = Self.unwrap(loaded.network, as: Float.self) else {
                Issue.record("generator or network missing"); return
            }
            part.epochs = 3
            try second.train(on: data, options: part, generator: &g3)

            #expect(second.layers == uninterrupted.layers)   // bit-identical weights
            #expect(second.optimizerState == uninterrupted.optimizerState)
            #expect(second.history.trainingLosses == uninterrupted.history.trainingLosses)
            #expect(second.history.epochs.map(\.epoch) == [1, 2, 3, 4, 5])
            #expect(g3 == g1)
        }
    }

    /// A file whose optimiser has made 2^63 − 1 steps loads and trains on (it trapped on the
    /// next step's overflow): the count stays at its largest value, and Adam's bias corrections
    /// at that many steps are 1.
    @Test(arguments: [OptimizerKind.adam, .sgd])
    func theLargestStepCountTrainsOn(kind: OptimizerKind) throws {
        let net = try Self.trainedNetwork(Float.self, hidden: .tanh, output: .softmax, cost: nil, optimizer: kind)
        var saved = SavedModel(network: net, extras: ModelExtras())
        saved.header.optimizer?.step = UInt64(Int.max)
        let loaded = try ModelFile.network(from: ModelFile.decode(ModelFile.encode(saved)))
        let again = try #require(Self.unwrap(loaded.network, as: Float.self))
        var g = RandomGenerator(seed: 3)
        try again.train(on: Self.data(Float.self), options: TrainingOptions(epochs: 1, batchSize: 8, optimizer: OptimizerSettings(kind)),
                        generator: &g)
        #expect(again.optimizerState?.step == Int.max)
        #expect(again.layers.allSatisfy { $0.weights.storage.allSatisfy(\.isFinite) })
        #expect(again.layers != net.layers, "it trained")
    }

    /// Without the saved state (fresh optimiser) the continued run differs: the test above
    /// would notice a save that dropped the state.
    @Test func resumingWithoutOptimizerStateDiffers() throws {
        let data = Self.data(Float.self, count: 50)
        var g = RandomGenerator(seed: 42)
        let net = try Network<Float>(inputWidth: 3)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        try net.train(on: data, options: TrainingOptions(epochs: 2, batchSize: 7), generator: &g)
        let saved = try Self.roundTrip(net, extras: ModelExtras(includeOptimizerState: false))
        guard let a = Self.unwrap(saved.network, as: Float.self) else { return }
        var g1 = g, g2 = g
        try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 7), generator: &g1)
        try a.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 7), generator: &g2)
        #expect(net.layers != a.layers)
    }

    @Test func extrasRoundTrip() throws {
        let net = try Self.trainedNetwork(Double.self, hidden: .relu, output: .softmax, cost: nil)
        let extras = ModelExtras(
            preprocessing: Preprocessing(inputMeans: [1, 2, 3], inputStds: [0.5, 1, 2], classLabels: ["no", "yes"]),
            generator: RandomGenerator(seed: 3),
            provenance: Provenance(date: 1_750_000_000, seed: 3, trainingOptions: [NamedText("epochs", "1")],
                                   metrics: [NamedNumber("accuracy", 0.5)],
                                   trainingDataSHA256: SHA256.digest(of: Self.data(Double.self)),
                                   commands: ["net = network 3 -> 5 relu -> 2 softmax"]))
        let loaded = try Self.roundTrip(net, extras: extras)
        #expect(loaded.preprocessing == extras.preprocessing)
        #expect(loaded.generator == extras.generator)
        #expect(loaded.provenance == extras.provenance)
    }

    // MARK: - Files the engine cannot run

    static func refusal<T: Scalar>(_ model: SavedModel<T>) -> ModelFileError? {
        expectModelFileError { _ = try ModelFile.network(from: ModelFile.decode(ModelFile.encode(model))) }
    }

    @Test func unknownActivationNeedsANewerNNSH() throws {
        var m = SavedModel(network: try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil))
        m.header.architecture.layers[0].activation = "swish"
        let e = Self.refusal(m)
        #expect(e?.kind == .unsupportedContent)
        #expect(e?.message == "layer 1's activation 'swish' is not known to this nnsh")
        #expect(e?.hint.contains("upgrade nnsh") == true)
    }

    @Test func unknownCostAndOptimizerNeedANewerNNSH() throws {
        let net = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil)
        var m = SavedModel(network: net)
        m.header.architecture.cost = "hinge"
        #expect(Self.refusal(m)?.message == "the cost 'hinge' is not known to this nnsh")
        var o = SavedModel(network: net)
        o.header.optimizer?.name = "lion"
        #expect(Self.refusal(o)?.message == "the optimiser 'lion' is not known to this nnsh")
    }

    @Test func costThatDoesNotFitTheOutputIsRefused() throws {
        var m = SavedModel(network: try Self.trainedNetwork(Float.self, hidden: .relu, output: .sigmoid, cost: nil))
        m.header.architecture.cost = "cross_entropy"
        m.header.architecture.costIsExplicit = true
        let e = Self.refusal(m)
        #expect(e?.kind == .shapeMismatch)
        #expect(e?.message == "cross_entropy needs a softmax output layer, got sigmoid")
    }

    @Test func costMarkedDefaultMustBeTheDefault() throws {
        var m = SavedModel(network: try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil))
        #expect(m.header.architecture.costIsExplicit == false)
        m.header.architecture.cost = "mse"
        let e = Self.refusal(m)
        #expect(e?.message == "the cost is marked as the default, but mse is not the default for softmax")
    }

    @Test func emptyNetworkIsNotSaved() {
        withTemporaryFolder { folder in
            let e = expectModelFileError { try ModelFile.write(.float(try Network<Float>(inputWidth: 3)), to: folder + "/e.nnsh") }
            #expect(e?.message == "the network has no layers yet")
            #expect(e?.hint == "add layers before saving")
            #expect(folderListing(folder).isEmpty)
        }
    }

    /// A dropout layer with no dense layer after it has no place in the file: refused, not lost.
    @Test func trailingDropoutIsRefusedNotDropped() throws {
        let net: Network<Float> = try makeNetwork([4, 3], hidden: .relu, output: .softmax)
        try net.addDropout(rate: 0.5)
        withTemporaryFolder { folder in
            let e = expectModelFileError { try ModelFile.write(.float(net), to: folder + "/d.nnm") }
            #expect(e?.message == "the network ends with a dropout layer, which a model file keeps only in front of a dense layer")
            #expect(e?.hint == "add a dense layer after the dropout before saving")
            let x = expectModelFileError { try ModelFile.exportSafeTensors(.float(net), to: folder + "/d.safetensors") }
            #expect(x?.hint == "add a dense layer after the dropout before exporting")
            #expect(folderListing(folder).isEmpty)
        }
    }

    @Test func alphaOnlyForLeakyReLU() throws {
        var m = SavedModel(network: try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil))
        m.header.architecture.layers[0].alpha = 0.3
        #expect(Self.refusal(m)?.message == "layer 1's relu has alpha 0.3, but only leaky_relu takes one")
    }

    @Test func infoOfASavedNetwork() throws {
        try withTemporaryFolder { folder in
            let net = try Self.trainedNetwork(Float.self, hidden: .leakyReLU(alpha: 0.2), output: .softmax, cost: nil)
            let path = folder + "/n.nnsh"
            try ModelFile.write(.float(net), to: path, extras: ModelExtras(provenance: Provenance(date: 0, seed: 11)))
            let info = try ModelFile.info(path)
            #expect(info.lines[1] == "network: 3 -> 5 leaky_relu(alpha=0.2) -> 2 softmax, cost cross_entropy, 32 parameters")
            #expect(info.lines.contains("optimiser: adam, step 5 (learning_rate=0.001, momentum=0.9, rho=0.9, beta1=0.9, beta2=0.999, epsilon=1e-08)"))
            #expect(info.lines.contains("made by nnsh \(NNSHVersion.string) on 1970-01-01 00:00:00 UTC, seed 11"))
            let loss = net.history.last!.trainingLoss
            #expect(info.lines.contains("history: 1 epochs (1 complete), last training loss \(ModelInfo.figure(loss))"))
        }
    }

    @Test func finalMetricsComeFromTheLastEpoch() throws {
        let net = try Self.trainedNetwork(Float.self, hidden: .relu, output: .softmax, cost: nil)
        let last = net.history.last!
        #expect(Provenance.finalMetrics(of: net.history)
                == [NamedNumber("training_loss", last.trainingLoss), NamedNumber("training_accuracy", last.trainingMetric)])
        #expect(Provenance.finalMetrics(of: TrainingHistory()).isEmpty)
    }
}
