import Foundation
import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// Max-pooling and flatten layers in nnm files (format 1.2, `LAYR` records with no tensors):
/// conv → maxpool → flatten → dense round-trips with its predictions bit for bit, `info` shows
/// them, and damaged records are refused with one line.
@Suite struct PoolingModelFileTests {
    /// 1×8×8 → conv 3 3×3 relu (3×6×6) → maxpool 2 stride 1 (3×5×5) → maxpool 2 (3×2×2) →
    /// flatten (12) → 4 softmax, trained two epochs with Adam.
    static func pooledNetwork<T: Scalar>(_: T.Type = T.self) throws -> Network<T> {
        var g = RandomGenerator(seed: 8)
        let net = try Network<T>(inputShape: Shape([1, 8, 8]))
        try net.addConvolution(filters: 3, kernel: 3, activation: .relu, generator: &g)
        try net.addMaxPool(window: 2, stride: 1)
        try net.addMaxPool(window: 2)
        try net.addFlatten()
        try net.addDense(outputs: 4, activation: .softmax, generator: &g)
        let data = MatrixData(inputs: randomMatrix(12, 64, &g) as Matrix<T>, labels: (0..<12).map { $0 % 4 }, classes: 4)
        _ = try net.train(on: data, options: TrainingOptions(epochs: 2, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                          generator: &g)
        return net
    }

    static func network<T: Scalar>(_ loaded: LoadedNetwork, _: T.Type) throws -> Network<T> {
        switch loaded.network {
        case .float(let n): try #require(n as? Network<T>)
        case .double(let n): try #require(n as? Network<T>)
        }
    }

    @Test func convMaxPoolFlattenDenseRoundTripsBitForBit() throws {
        try roundTrip(Float.self)
        try roundTrip(Double.self)
    }

    func roundTrip<T: Scalar>(_: T.Type) throws {
        let net = try Self.pooledNetwork(T.self)
        let bytes = try ModelFile.encode(SavedModel(network: net))
        #expect(bytes[10] == 2, "format 1.2")
        let back = try Self.network(ModelFile.network(from: ModelFile.decode(bytes)), T.self)
        #expect(back.stack.map { type(of: $0).kind } == ["conv", "maxpool", "maxpool", "flatten", "dense"])
        #expect(zip(back.stack, net.stack).allSatisfy { $0.isEqual(to: $1) })
        #expect(back.shapes == net.shapes)
        #expect(back.optimizerState == net.optimizerState)
        var g = RandomGenerator(seed: 3)
        let x: Matrix<T> = randomMatrix(5, 64, &g)
        #expect(ConvolutionModelFileTests.bits(try back.predict(x)) == ConvolutionModelFileTests.bits(try net.predict(x)))
        // Pooling and flatten hold no tensors: conv's W and b, then the dense layer's.
        guard case .float32(let m) = try ModelFile.decode(bytes) else { return }
        #expect(m.parameters.map { [$0.rows, $0.columns] } == [[3, 9], [1, 3], [12, 4], [1, 4]])
        #expect(m.header.architecture.stack[1].settings == [
            .init("channels", .size(3)), .init("height", .size(6)), .init("width", .size(6)),
            .init("window", .size(2)), .init("stride", .size(1))])
        #expect(m.header.architecture.stack[3].settings.isEmpty)
    }

    @Test func savedToDiskAndShownByInfo() throws {
        let net = try Self.pooledNetwork(Float.self)
        try withTemporaryFolder { folder in
            let path = folder + "/pooled.nnm"
            try ModelFile.write(.float(net), to: path)
            let info = try ModelFile.info(path)
            #expect(info.lines[1] == "network: 1×8×8 -> conv 3 3×3 stride 1 padding 0 relu -> maxpool 2×2 stride 1 -> "
                    + "maxpool 2×2 stride 2 -> flatten -> 4 softmax, cost cross_entropy, \(net.parameterCount) parameters")
            let back = try Self.network(ModelFile.read(path), Float.self)
            #expect(back.layerSummaries == net.layerSummaries)
        }
    }

    /// Layers without tensors are named by the next layer that has some (`layerNames`).
    @Test func damagedPoolingRecordsAreRefusedWithOneLine() throws {
        func refusal(_ edit: (inout Architecture) -> Void) throws -> ModelFileError? {
            var m = SavedModel(network: try Self.pooledNetwork(Float.self))
            m.header.optimizer = nil
            m.moments = []
            edit(&m.header.architecture)
            let bytes = try ModelFile.encodeUnchecked(m)
            return expectModelFileError { _ = try ModelFile.network(from: ModelFile.decode(bytes)) }
        }
        let window = try refusal(ConvolutionModelFileTests.setting("window", of: 2, to: .size(7)))
        #expect(window?.kind == .shapeMismatch)
        #expect(window?.message == "the maxpool layer in front of layer 2: a 7×7 pooling window does not fit a 5×5 image")
        let stride = try refusal(ConvolutionModelFileTests.setting("stride", of: 1, to: .size(0)))
        #expect(stride?.message == "the maxpool layer in front of layer 2's stride is 0; it must be between 1 and 2147483647")
        let image = try refusal(ConvolutionModelFileTests.setting("channels", of: 1, to: .size(4)))
        #expect(image?.message == "the maxpool layer in front of layer 2: max pooling over 4×6×6 images cannot take 3×6×6")
        let huge = try refusal { a in
            ConvolutionModelFileTests.setting("height", of: 1, to: .size(1 << 30))(&a)
            ConvolutionModelFileTests.setting("width", of: 1, to: .size(1 << 30))(&a)
        }
        #expect(huge?.message == "the maxpool layer in front of layer 2: a 3×1073741824×1073741824 image is larger than 2147483647 values")
        // A flatten after the flatten: its input is flat already.
        let flat = try refusal { $0.stack.insert(LayerRecord(kind: "flatten", settings: []), at: 4) }
        #expect(flat?.kind == .shapeMismatch)
        #expect(flat?.message == "the flatten layer in front of layer 2: flatten needs an image (channels×height×width), got 12 flat values")
    }

    /// A flatten record with a setting, or a maxpool record short of one, is damage.
    @Test func recordsOfTheWrongLengthAreRefused() throws {
        var m = SavedModel(network: try Self.pooledNetwork(Float.self))
        m.header.optimizer = nil
        m.moments = []
        m.header.architecture.stack[3].settings = [.init("extra", .size(1))]
        let extra = expectModelFileError { _ = try ModelFile.decode(try ModelFile.encodeUnchecked(m)) }
        #expect(extra?.message == "layer record 4 has 8 unexpected bytes at its end")
        m.header.architecture.stack[3].settings = []
        m.header.architecture.stack[1].settings.removeLast()
        let short = expectModelFileError { _ = try ModelFile.decode(try ModelFile.encodeUnchecked(m)) }
        #expect(short?.kind == .truncated)
    }
}
