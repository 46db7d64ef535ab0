import Foundation
import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// Layer records in nnm files (format 1.2, `LAYR`): a convolutional network round-trips with
/// its predictions bit for bit, `info` shows every layer, format 1.0/1.1 files (the shipped
/// models) still load and re-encode byte for byte, and damaged conv records are refused with
/// one line.
@Suite struct ConvolutionModelFileTests {
    /// 1×6×6 → conv 3 3×3 pad 1 relu → conv 2 2×2 stride 2 leaky_relu(0.1) → dropout 0.25 →
    /// 4 softmax, trained a few epochs with Adam (so the optimiser's moments are saved too).
    static func convNetwork<T: Scalar>(_: T.Type = T.self) throws -> Network<T> {
        var g = RandomGenerator(seed: 5)
        let net = try Network<T>(inputShape: Shape([1, 6, 6]))
        try net.addConvolution(filters: 3, kernel: 3, padding: 1, activation: .relu, generator: &g)
        try net.addConvolution(filters: 2, kernel: 2, stride: 2, activation: .leakyReLU(alpha: 0.1), generator: &g)
        try net.addDropout(rate: 0.25)
        try net.addDense(outputs: 4, activation: .softmax, generator: &g)
        let data = MatrixData(inputs: randomMatrix(12, 36, &g) as Matrix<T>, labels: (0..<12).map { $0 % 4 }, classes: 4)
        _ = try net.train(on: data, options: TrainingOptions(epochs: 2, batchSize: 4, optimizer: OptimizerSettings(.adam, learningRate: 0.01)),
                          generator: &g)
        return net
    }

    static func bits<T: Scalar>(_ m: Matrix<T>) -> [UInt64] { m.storage.map { Double($0).bitPattern } }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        return (0 ... bytes.count - needle.count).contains { Array(bytes[$0 ..< $0 + needle.count]) == needle }
    }

    @Test func aConvolutionalNetworkRoundTripsBitForBit() throws {
        try roundTrip(Float.self)
        try roundTrip(Double.self)
    }

    func roundTrip<T: Scalar>(_: T.Type) throws {
        let net = try Self.convNetwork(T.self)
        let bytes = try ModelFile.encode(SavedModel(network: net))
        #expect(bytes[10] == 2, "format 1.2")
        #expect(Self.contains(bytes, "LAYR") && !Self.contains(bytes, "NETW"))
        let loaded = try ModelFile.network(from: ModelFile.decode(bytes))
        let back: Network<T>
        switch loaded.network {
        case .float(let n): back = try #require(n as? Network<T>)
        case .double(let n): back = try #require(n as? Network<T>)
        }
        #expect(back.stack.count == net.stack.count)
        #expect(zip(back.stack, net.stack).allSatisfy { $0.isEqual(to: $1) })
        #expect(back.description == net.description)
        #expect(back.optimizerState == net.optimizerState)
        #expect(back.history == net.history)
        var g = RandomGenerator(seed: 9)
        let x: Matrix<T> = randomMatrix(7, 36, &g)
        #expect(Self.bits(try back.predict(x)) == Self.bits(try net.predict(x)))
        // The tensors in PyTorch's order: conv weights [3, 1, 3, 3] held as 3 × 9; the dense
        // layer reads the 2×3×3 maps flattened.
        guard T.self == Float.self else { return }
        guard case .float32(let m) = try ModelFile.decode(bytes) else { Issue.record("not float32"); return }
        #expect(m.parameters.map { [$0.rows, $0.columns] } == [[3, 9], [1, 3], [2, 12], [1, 2], [18, 4], [1, 4]])
        #expect(m.header.architecture.inputShape == Shape([1, 6, 6]))
    }

    @Test func infoShowsEveryLayerAndTheInputShape() throws {
        let net = try Self.convNetwork(Float.self)
        try withTemporaryFolder { folder in
            let path = folder + "/cnn.nnm"
            try ModelFile.write(.float(net), to: path)
            let info = try ModelFile.info(path)
            #expect(info.formatVersion == "1.2")
            #expect(info.lines[1] == "network: 1×6×6 -> conv 3 3×3 stride 1 padding 1 relu -> conv 2 2×2 stride 2 padding 0 "
                    + "leaky_relu(alpha=0.1) -> dropout 0.25 -> 4 softmax, cost cross_entropy, \(net.parameterCount) parameters")
            #expect(info.parameterCount == net.parameterCount)
        }
    }

    /// Format 1.0 and 1.1 files load as before and are written again byte for byte: the
    /// shipped models, and a network with dropout (which stays format 1.1).
    @Test func earlierFormatsLoadAndAreWrittenAsBefore() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["mnist.nnm", "best-mlp.nnm"] {
            let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("Models/" + name)))
            #expect(bytes[10] <= 1, "\(name) is format 1.0 or 1.1")
            let decoded = try ModelFile.decode(bytes)
            guard case .float32(let m) = decoded else { Issue.record("\(name): not float32"); continue }
            #expect(try ModelFile.encode(m) == bytes, "\(name)")
            let loaded = try ModelFile.network(from: decoded)
            #expect(loaded.network.layers.count == m.header.architecture.layers.count)
        }
        let dropped = try droppedNetwork()
        let bytes = try ModelFile.encode(SavedModel(network: dropped))
        #expect(bytes[10] == 1 && Self.contains(bytes, "NETW") && !Self.contains(bytes, "LAYR"))
    }

    // MARK: - Damaged conv records

    /// The conv network's file with `edit` applied to its architecture, encoded without the
    /// writer's checks (as a faulty program would write it) and read back.
    static func refusal(_ edit: (inout Architecture) -> Void) throws -> ModelFileError? {
        try refusal(model: { edit(&$0.header.architecture) })
    }

    static func refusal(model edit: (inout SavedModel<Float>) -> Void) throws -> ModelFileError? {
        var m = SavedModel(network: try convNetwork(Float.self))
        m.header.optimizer = nil
        m.moments = []
        edit(&m)
        let bytes = try ModelFile.encodeUnchecked(m)
        return expectModelFileError { _ = try ModelFile.network(from: ModelFile.decode(bytes)) }
    }

    static func setting(_ name: String, of layer: Int, to value: LayerRecord.Value) -> (inout Architecture) -> Void {
        { a in
            let i = a.stack[layer].settings.firstIndex { $0.name == name }!
            a.stack[layer].settings[i].value = value
        }
    }

    @Test func damagedConvRecordsAreRefusedWithOneLine() throws {
        let kernel = try Self.refusal(Self.setting("kernel", of: 0, to: .size(9)))
        #expect(kernel?.message == "layer 1: a 9×9 kernel does not fit a 6×6 image with padding 1")
        #expect(kernel?.kind == .shapeMismatch)
        let filters = try Self.refusal(Self.setting("filters", of: 1, to: .size(0)))
        #expect(filters?.message == "layer 2's filters is 0; it must be between 1 and 2147483647")
        let image = try Self.refusal(Self.setting("channels", of: 0, to: .size(2)))
        #expect(image?.message == "layer 1: a convolution over 2×6×6 images cannot take 1×6×6")
        let huge = try Self.refusal { a in
            Self.setting("height", of: 0, to: .size(1 << 30))(&a)
            Self.setting("width", of: 0, to: .size(1 << 30))(&a)
        }
        #expect(huge?.message == "layer 1: a 1×1073741824×1073741824 image is larger than 2147483647 values")
        let softmax = try Self.refusal(Self.setting("activation", of: 0, to: .text("softmax")))
        #expect(softmax?.message == "layer 1: a convolution takes an element-wise activation, not softmax")
        let swish = try Self.refusal(Self.setting("activation", of: 1, to: .text("swish")))
        #expect(swish?.kind == .unsupportedContent)
        #expect(swish?.message == "layer 2's activation 'swish' is not known to this nnsh")
        let alpha = try Self.refusal(Self.setting("alpha", of: 0, to: .number(0.5)))
        #expect(alpha?.message == "layer 1's relu has alpha 0.5, but only leaky_relu takes one")
        let kind = try Self.refusal { $0.stack[1].kind = "conv3d" }
        #expect(kind?.kind == .unsupportedContent)
        #expect(kind?.message == "layer record 2 is a 'conv3d' layer, which this nnsh does not know")
        // Weights of another shape than the record's (3 filters of 1×3×3): named by the layer.
        let weights = try Self.refusal(model: { $0.parameters[0] = Matrix(rows: 3, columns: 8) })
        #expect(weights?.kind == .shapeMismatch)
        #expect(weights?.message == "layer 1 weights are 3×8, but layer 1 holds them as 3×9 (3×1×3×3)")
    }

    /// Every truncation of a conv file is refused, and resealed random changes are refused or
    /// read exactly (nothing in a record is ignored).
    @Test func mutatedConvFilesAreRefusedOrReadExactly() throws {
        let model = try ModelFile.encode(SavedModel(network: try Self.convNetwork(Float.self)))
        for length in stride(from: 0, to: model.count, by: 7) {
            #expect(expectModelFileError { _ = try ModelFile.decode(Array(model.prefix(length))) }?.kind == .truncated)
        }
        var g = RandomGenerator(seed: 31)
        var refused = 0, loaded = 0
        for trial in 0 ..< 3000 {
            var mutant = model
            for _ in 0 ... g.nextInt(below: 3) { mutant[g.nextInt(below: min(model.count - 4, 500))] ^= UInt8(1 + g.nextInt(below: 255)) }
            mutant = ModelFileFormatTests.resealed(mutant)
            let result: LoadedModel, skipped: [String]
            do { (result, skipped) = try ModelFile.decodeReportingSkipped(mutant) } catch { refused += 1; continue }
            loaded += 1
            _ = try? ModelFile.network(from: result)   // may be refused; must not crash
            guard mutant[10] == 2, mutant[11] == 0, skipped.isEmpty, case .float32(let m) = result else { continue }
            #expect(try ModelFile.encode(m) == mutant, "trial \(trial): the file loaded as a different model")
        }
        #expect(refused > 0 && loaded > 0)
    }
}

/// Safetensors, NumPy and ONNX exports of a convolutional network: PyTorch's `nn.Sequential`
/// names and shapes, and the ONNX nodes (onnxruntime running it is Scripts/interop/test_onnx.py).
@Suite struct ConvolutionExportTests {
    @Test func safetensorsNamesAndShapesAreNNSequentials() throws {
        let net = try ConvolutionModelFileTests.convNetwork(Float.self)
        let file = try SafeTensorsFile.decode(SafeTensorsFile(network: .float(net)).encode())
        #expect(file.tensors.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                             "layers.3.weight", "layers.3.bias"])
        #expect(file.tensors.map(\.shape) == [[3, 1, 3, 3], [3], [2, 3, 2, 2], [2], [4, 18], [4]])
        func values(_ name: String) throws -> [Float] {
            let t = try #require(file.tensors.first { $0.name == name })
            var r = ByteReader(t.data)
            return try r.scalars(t.data.count / 4, of: Float.self, for: name)
        }
        #expect(try values("layers.1.weight") == net.stack[1].parameter(0))   // [F, C, k, k] as nnsh holds it
        let dense = try #require(net.stack[3] as? DenseLayer<Float>)
        #expect(try values("layers.3.weight") == dense.weights.transposed().storage)   // nn.Linear's [out, in]
        let meta = Dictionary(uniqueKeysWithValues: file.metadata.map { ($0.name, $0.value) })
        #expect(meta["nnsh.input_shape"] == "[1,6,6]")
        #expect(meta["nnsh.layers"]?.hasPrefix(#"[{"kind":"conv","channels":1,"height":6,"width":6,"filters":3,"kernel":3,"stride":1,"padding":1,"activation":"relu","alpha":0}"#) == true)
        #expect(meta["nnsh.activations"] == nil)
        let e = expectModelFileError { _ = try file.network() }
        #expect(e?.message == "the file holds a network of layers other than dense ones (nnsh.layers), which import does not read yet")
        let npz = NumPyArchive(network: .float(net))
        #expect(npz.keys == file.tensors.map(\.name))
    }

    @Test func onnxHasAReshapeConvFlattenGemmGraph() throws {
        let net = try ConvolutionModelFileTests.convNetwork(Float.self)
        let bytes = ONNXModel.bytes(.float(net), preprocessing: Preprocessing())
        func has(_ text: String) -> Bool { ConvolutionModelFileTests.contains(bytes, text) }
        #expect(has("Reshape") && has("layers.0.image") && has("Conv") && has("Flatten") && has("Gemm"))
        #expect(!has("layers.2."), "dropout writes nothing")
        // kernel_shape [3, 3] as ints (field 8) of type INTS (7).
        let kernel: [UInt8] = [0x0A, 0x0C] + Array("kernel_shape".utf8) + [0x40, 0x03, 0x40, 0x03, 0xA0, 0x01, 0x07]
        #expect(ONNXExportTests.contains(bytes, kernel))
        let pads: [UInt8] = [0x0A, 0x04] + Array("pads".utf8) + [0x40, 0x01, 0x40, 0x01, 0x40, 0x01, 0x40, 0x01, 0xA0, 0x01, 0x07]
        #expect(ONNXExportTests.contains(bytes, pads))
        let strides: [UInt8] = [0x0A, 0x07] + Array("strides".utf8) + [0x40, 0x02, 0x40, 0x02, 0xA0, 0x01, 0x07]
        #expect(ONNXExportTests.contains(bytes, strides), "the second conv's stride 2")
    }
}

extension ModelFile {
    /// `model` encoded without the writer's checks, as a faulty program would write it.
    static func encodeUnchecked<T: Scalar>(_ model: SavedModel<T>) throws -> [UInt8] {
        try $skipValidation.withValue(true) { try encode(model) }
    }
}
