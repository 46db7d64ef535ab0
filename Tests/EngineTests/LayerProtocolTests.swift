import Testing
@testable import Engine
import EngineTestSupport

/// The network as a stack of `Layer`s: shape inference, parameters addressed through the
/// layers (not by position), the passes of a stack with dropout layers between dense layers
/// against the reference and against central differences.
@Suite struct LayerProtocolTests {
    /// 6 → dropout 0.3 → 5 tanh → dropout 0.5 → 4 relu → 3 softmax.
    static func stacked(_ g: inout RandomGenerator) throws -> Network<Double> {
        let net = try Network<Double>(inputWidth: 6)
        try net.addDropout(rate: 0.3)
        try net.addDense(outputs: 5, activation: .tanh, generator: &g)
        try net.addDropout(rate: 0.5)
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        for s in net.stack.indices where net.stack[s].parameterTensorCount == 2 {
            net.stack[s].withMutableParameter(1) { b in   // biases away from zero: ReLU's kink
                for i in b.indices { b[i] = 0.3 + 0.1 * Double(i) }
            }
        }
        return net
    }

    @Test func everyLayerIsInTheStackWithTheShapeAfterIt() throws {
        var g = RandomGenerator(seed: 1)
        let net = try Self.stacked(&g)
        #expect(net.stack.map { type(of: $0).kind } == ["dropout", "dense", "dropout", "dense", "dense"])
        #expect(net.shapes == [Shape(6), Shape(5), Shape(5), Shape(4), Shape(3)])
        #expect(net.layerSummaries == ["dropout 0.3", "5 tanh", "dropout 0.5", "4 relu", "3 softmax"])
        #expect(net.layers.map(\.inputDropout) == [0.3, 0.5, 0])
        #expect(net.tensorSizes == [30, 5, 20, 4, 12, 3])
        try net.removeLast()
        #expect(net.shapes == [Shape(6), Shape(5), Shape(5), Shape(4)] && net.outputWidth == 4)
    }

    /// A network for images keeps their shape for the first layer; dense layers read the flat
    /// values (a batch is rows × 784 either way); copies and conversions keep the shape.
    @Test func theInputShapeIsWhatTheFirstLayerTakes() throws {
        var g = RandomGenerator(seed: 2)
        let net = try Network<Float>(inputShape: Shape([1, 28, 28]))
        #expect(net.inputWidth == 784 && net.outputShape == Shape([1, 28, 28]) && net.outputWidth == 784)
        try net.addDense(outputs: 10, activation: .softmax, generator: &g)
        #expect(net.shapes == [Shape(10)] && net.layers[0].inputs == 784)
        #expect(net.description == "Network<float32>(1×28×28 → 10 softmax, 7850 parameters, cross_entropy)")
        #expect(net.copy().inputShape == Shape([1, 28, 28]))
        #expect(net.converted(to: Double.self).inputShape == Shape([1, 28, 28]))
        #expect(try net.predict(Matrix<Float>(rows: 2, columns: 784)).columns == 10)
        for bad in [Shape([1, 0, 28]), Shape([]), Shape(0)] {
            #expect(throws: EngineError.self) { try Network<Float>(inputShape: bad) }
        }
        #expect(try AnyNetwork(inputShape: Shape([3, 4, 5]), precision: .float64).inputShape == Shape([3, 4, 5]))
    }

    /// What code outside Engine reads of every layer: kind, summary, shapes, tensors, and the
    /// number among the layers with parameters.
    @Test func everyLayerIsDescribedWhateverItsKind() throws {
        var g = RandomGenerator(seed: 3)
        let net = try Network<Float>(inputShape: Shape([1, 8, 8]))
        try net.addConvolution(filters: 3, kernel: 3, stride: 2, activation: .relu, generator: &g)
        try net.addDropout(rate: 0.25)
        try net.addDense(outputs: 5, activation: .softmax, generator: &g)
        let d = net.layerDescriptions
        #expect(d.map(\.kind) == ["conv", "dropout", "dense"])
        #expect(d.map(\.index) == [0, 1, 2] && d.map(\.parametricIndex) == [0, nil, 1])
        #expect(d.map(\.inputShape) == [Shape([1, 8, 8]), Shape([3, 3, 3]), Shape([3, 3, 3])])
        #expect(d.map(\.outputShape) == [Shape([3, 3, 3]), Shape([3, 3, 3]), Shape(5)])
        #expect(d[0].parameterShapes == [Shape([3, 1, 3, 3]), Shape(3)] && d[0].parameterCount == 30)
        #expect(d[2].parameterShapes == [Shape([27, 5]), Shape(5)] && d[2].parameterCount == 140)
        #expect(d.map(\.summary) == net.layerSummaries)
        #expect(d.map(\.parameterCount).reduce(0, +) == net.parameterCount)
        // The warm-up covers the widest product: the dense layer's 27 inputs, the convolution's
        // K = 9 and P = 9, so the floor of 512.
        #expect(BLASWarmUp.width(for: net) == 512)
        // A dense layer that does not fit is named by its place among the layers with parameters.
        let misfit = try DenseLayer<Float>(weights: Matrix(rows: 4, columns: 2), bias: [0, 0], activation: .relu)
        let error = try #require(throws: EngineError.self) { try net.add(misfit) }
        #expect(error.message == "layer 3 takes 4 inputs but the network gives 5" && error.layer == 2)
        // Removing layers of every kind, last first.
        #expect(try net.removeLast() == .dense(inputs: 27, outputs: 5, activation: .softmax, parameters: 140))
        #expect(try net.removeLast() == .dropout(0.25))
        #expect(try net.removeLast() == .other(d[0]))
        #expect(net.stack.isEmpty && net.outputShape == Shape([1, 8, 8]))
        #expect(throws: EngineError.self) { try net.removeLast() }
    }

    @Test func aLayerThatCannotTakeTheShapeIsRefused() throws {
        let net = try Network<Double>(inputWidth: 6)
        let layer = try DenseLayer<Double>(weights: Matrix(rows: 4, columns: 2), bias: [0, 0], activation: .relu)
        #expect(throws: EngineError.self) { try net.append(layer) }
        #expect(net.stack.isEmpty && net.shapes.isEmpty)
        #expect(try layer.outputShape(for: Shape([1, 2, 2])) == Shape(2))   // 4 values, any arrangement
    }

    /// Snapshots copy every tensor of every layer with parameters, in stack order, and put
    /// them back bit for bit.
    @Test func aSnapshotRestoresEveryParameterThroughTheLayers() throws {
        var g = RandomGenerator(seed: 2)
        let net = try Self.stacked(&g)
        let before = net.layers
        let state = OptimizerState<Double>(settings: .adam, tensorSizes: net.tensorSizes)
        let snapshot = Snapshot(of: net, optimizer: state)
        #expect(snapshot.weights.map(\.count) == net.tensorSizes)
        net.withEachParameter { p in for i in p.indices { p[i] += 1 } }
        #expect(net.layers != before)
        snapshot.restore(to: net, optimizer: Optimizer(state: state))
        #expect(net.layers == before)
    }

    /// The workspace's inference pass over a stack with dropout layers equals each layer's
    /// reference pass in turn (dropout the identity).
    @Test func theFastPassesAgreeWithTheReference() throws {
        var g = RandomGenerator(seed: 3)
        let net = try Self.stacked(&g)
        let x: Matrix<Double> = randomMatrix(9, 6, &g)
        let reference = net.referenceForward(x)
        #expect(isClose(try net.predict(x).storage, reference.storage, tolerance: 1e-12))
        let plain = try Network<Double>(inputWidth: 6, layers: net.layers.map { var l = $0; l.inputDropout = 0; return l })
        #expect(isClose(plain.referenceForward(x).storage, reference.storage, tolerance: 0))
    }

    /// The gradient check walks the tensors the layers declare. With dropout layers between
    /// the dense layers (the identity outside training), the gradient passes back through them
    /// and the dense layer in front finishes it on its own (`finishGradient`, not fused).
    @Test func gradientsThroughDropoutLayersMatchCentralDifferences() throws {
        var g = RandomGenerator(seed: 4)
        let net = try Self.stacked(&g)
        let x: Matrix<Double> = randomMatrix(7, 6, &g)
        let data = MatrixData(inputs: x, labels: (0..<7).map { _ in g.nextInt(below: 3) }, classes: 3)
        let report = try net.gradientCheck(on: data, regularization: Regularization(l2: 0.05), generator: &g)
        #expect(report.entries.map(\.layer) == [0, 0, 1, 1, 2, 2])
        #expect(report.entries.map(\.kind) == [.weights, .bias, .weights, .bias, .weights, .bias])
        #expect(report.entries.map(\.total) == net.tensorSizes)
        #expect(report.maxRelativeError < 1e-6, "\(report.entries.map(\.relativeError))")
    }

    /// What a layer says its scratch is (`scratchSizes`, which the memory check adds up) is
    /// what `makeBuffers` allocates, for every kind of layer.
    @Test func everyLayersScratchIsWhatTheMemoryCheckCounts() throws {
        var g = RandomGenerator(seed: 3)
        let net = try Network<Float>(inputShape: Shape([1, 12, 12]))
        try net.addConvolution(filters: 4, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addConvolution(filters: 4, kernel: 3, padding: 1, activation: .relu, generator: &g)   // Winograd
        try net.addBatchNorm()
        try net.addMaxPool(window: 2)
        try net.addFlatten()
        try net.addDropout(rate: 0.3)
        try net.addDense(outputs: 16, activation: .tanh, generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        let inputs = [net.inputShape] + net.shapes.dropLast()
        var kinds: Set<String> = []
        for (layer, input) in zip(net.stack, inputs) {
            let made = layer.makeBuffers(input: input, capacity: 16).scratch.map(\.count)
            #expect(made == layer.scratchSizes(input: input, capacity: 16), "\(type(of: layer))")
            kinds.insert(String(describing: type(of: layer)).components(separatedBy: "<").first ?? "")
        }
        #expect(kinds.count == 6, "\(kinds)")
    }
}
