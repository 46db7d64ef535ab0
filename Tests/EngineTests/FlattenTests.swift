import Testing
@testable import Engine
import EngineTestSupport

/// The flatten layer: it changes the shape and nothing else (outputs, gradients and training
/// are those of the same network without it, where the dense layer flattens by itself), and
/// it refuses a shape that is flat already.
@Suite struct FlattenTests {
    /// conv → maxpool → [flatten] → dense 3 softmax, the same weights with and without flatten.
    static func pair() throws -> (flat: Network<Double>, plain: Network<Double>) {
        var g = RandomGenerator(seed: 31)
        let plain = try Network<Double>(inputShape: Shape([2, 6, 6]))
        try plain.addConvolution(filters: 3, kernel: 3, padding: 1, activation: .tanh, generator: &g)
        try plain.addMaxPool(window: 2)
        let flat = plain.copy()
        try flat.addFlatten()
        try plain.addDense(outputs: 3, activation: .softmax, generator: &g)
        try flat.add(plain.layers[0])
        return (flat, plain)
    }

    @Test func aDenseLayerAfterAnImageFlattensItByItself() throws {
        let (flat, plain) = try Self.pair()
        #expect(flat.shapes == [Shape([3, 6, 6]), Shape([3, 3, 3]), Shape(27), Shape(3)])
        #expect(plain.shapes == [Shape([3, 6, 6]), Shape([3, 3, 3]), Shape(3)])
        #expect(flat.layerSummaries[2] == "flatten" && flat.parameterCount == plain.parameterCount)
        #expect(flat.stack[2].isEqual(to: FlattenLayer<Double>()))
        var g = RandomGenerator(seed: 2)
        let x: Matrix<Double> = randomMatrix(5, 72, &g)
        #expect(try flat.predict(x) == plain.predict(x))
        #expect(flat.stack[2].reference(x) == x)
        let data = MatrixData(inputs: x, labels: [0, 1, 2, 1, 0], classes: 3)
        #expect(try flat.evaluate(on: data).loss == plain.evaluate(on: data).loss)
        // The gradient passes through it unchanged: one step of training moves both alike.
        let options = TrainingOptions(epochs: 1, batchSize: 5, optimizer: OptimizerSettings(.sgd, learningRate: 0.5))
        var g1 = RandomGenerator(seed: 4), g2 = RandomGenerator(seed: 4)
        let kernels = flat.stack[0].parameter(0)
        try flat.train(on: data, options: options, generator: &g1)
        try plain.train(on: data, options: options, generator: &g2)
        #expect(flat.stack[0].parameter(0) == plain.stack[0].parameter(0))
        #expect(flat.stack[0].parameter(0) != kernels)
        // and in float32 too.
        #expect(try flat.converted(to: Float.self).predict(x.converted()) == plain.converted(to: Float.self).predict(x.converted()))
    }

    @Test func gradientsMatchCentralDifferences() throws {
        let (flat, _) = try Self.pair()
        var g = RandomGenerator(seed: 6)
        let data = MatrixData(inputs: randomMatrix(4, 72, &g) as Matrix<Double>, labels: [2, 0, 1, 1], classes: 3)
        let report = try flat.gradientCheck(on: data, generator: &g)
        #expect(report.entries.map(\.total) == flat.tensorSizes)
        #expect(report.maxRelativeError < 1e-6, "\(report.entries.map(\.relativeError))")
    }

    @Test func aFlatShapeIsRefused() throws {
        var g = RandomGenerator(seed: 1)
        let net = try Network<Float>(inputWidth: 10)
        var caught: EngineError?
        do { try net.addFlatten() } catch { caught = error }
        #expect(caught?.message == "flatten needs images (channels×height×width), but the network's input is 10 flat values; make the network from an image dataset")
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        caught = nil
        do { try net.addFlatten() } catch { caught = error }
        #expect(caught?.message == "flatten needs images (channels×height×width), but layer 1 (dense) gives 4 flat values")
        #expect(net.stack.count == 1)
        #expect(throws: EngineError.self) { try FlattenLayer<Float>().outputShape(for: Shape(12)) }
        #expect(try FlattenLayer<Float>().outputShape(for: Shape([2, 3, 2])) == Shape(12))
    }
}
