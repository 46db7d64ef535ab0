import Testing
@testable import Engine
@testable import ModelFiles

/// The protobuf writer's bytes against encodings worked out by hand from the protobuf wire
/// format (https://protobuf.dev/programming-guides/encoding/), and the ONNX model's fields
/// against onnx.proto's numbers. onnxruntime running the models is Scripts/interop/test_onnx.py.
@Suite struct ONNXExportTests {
    static func written(_ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var w = ProtobufWriter()
        body(&w)
        return w.bytes
    }

    /// True when `needle` occurs in `haystack` as a contiguous run.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    static func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: - Wire format

    @Test func varints() {
        #expect(Self.written { $0.varint(0) } == [0x00])
        #expect(Self.written { $0.varint(1) } == [0x01])
        #expect(Self.written { $0.varint(127) } == [0x7F])
        #expect(Self.written { $0.varint(128) } == [0x80, 0x01])
        #expect(Self.written { $0.varint(300) } == [0xAC, 0x02])         // the protobuf guide's example
        #expect(Self.written { $0.varint(16_384) } == [0x80, 0x80, 0x01])
        #expect(Self.written { $0.varint(.max) } == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func fields() {
        #expect(Self.written { $0.int(1, 150) } == [0x08, 0x96, 0x01])     // key 1<<3|0, then 150
        #expect(Self.written { $0.int(20, 2) } == [0xA0, 0x01, 0x02])     // a key above 15 takes two bytes
        #expect(Self.written { $0.int(3, -1) } == [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(Self.written { $0.string(2, "nnsh") } == [0x12, 0x04, 0x6E, 0x6E, 0x73, 0x68])
        #expect(Self.written { $0.string(1, "") } == [0x0A, 0x00])
        #expect(Self.written { $0.float(2, 0.5) } == [0x15, 0x00, 0x00, 0x00, 0x3F])   // fixed32, little-endian
        #expect(Self.written { $0.data(9, [1, 2, 3]) } == [0x4A, 0x03, 1, 2, 3])
        #expect(Self.written { w in w.message(7) { $0.string(2, "g") } } == [0x3A, 0x03, 0x12, 0x01, 0x67])
        #expect(Self.written { w in w.message(1) { _ in } } == [0x0A, 0x00])
        let long = [UInt8](repeating: 7, count: 200)
        #expect(Self.written { $0.data(4, long) } == [0x22, 0xC8, 0x01] + long)  // a two-byte length
    }

    // MARK: - The ONNX model

    /// 1 → 1 linear with weight 2 and bias 0.5: every tensor and node is predictable.
    static func tiny(_ activation: Activation = .linear) throws -> Network<Float> {
        let layer = try DenseLayer<Float>(weights: Matrix(rows: 1, columns: 1, storage: [2]), bias: [0.5], activation: activation)
        return try Network(inputWidth: 1, layers: [layer])
    }

    @Test func modelFields() throws {
        let bytes = ONNXModel.bytes(.float(try Self.tiny()), preprocessing: Preprocessing())
        #expect(Array(bytes.prefix(2)) == [0x08, 0x07], "ir_version 7 first")
        #expect(Self.contains(bytes, [0x12, 0x04] + Self.utf8("nnsh")), "producer_name")
        #expect(Self.contains(bytes, [0x42, 0x04, 0x0A, 0x00, 0x10, 0x0D]), "opset_import { domain \"\", version 13 }")
        // The Gemm node: inputs, output (the last node writes "output"), name, op_type, transB=1.
        let gemm = [0x0A, 0x05] + Self.utf8("input") + [0x0A, 0x0F] + Self.utf8("layers.0.weight")
            + [0x0A, 0x0D] + Self.utf8("layers.0.bias") + [0x12, 0x06] + Self.utf8("output")
            + [0x1A, 0x06] + Self.utf8("output") + [0x22, 0x04] + Self.utf8("Gemm")
            + [0x2A, 0x0D, 0x0A, 0x06] + Self.utf8("transB") + [0x18, 0x01, 0xA0, 0x01, 0x02]
        #expect(Self.contains(bytes, [0x0A, UInt8(gemm.count)] + gemm), "graph.node[0] is Gemm(transB=1)")
        // The weight: dims [1, 1], FLOAT, its name, raw_data 2.0f.
        let weight = [0x08, 0x01, 0x08, 0x01, 0x10, 0x01, 0x42, 0x0F] + Self.utf8("layers.0.weight") + [0x4A, 0x04, 0x00, 0x00, 0x00, 0x40]
        #expect(Self.contains(bytes, [0x2A, UInt8(weight.count)] + weight), "initializer layers.0.weight")
        // The input: tensor FLOAT of shape [batch, 1].
        let input = [0x0A, 0x05] + Self.utf8("input") + [0x12, 0x13, 0x0A, 0x11, 0x08, 0x01, 0x12, 0x0D,
                                                          0x0A, 0x07, 0x12, 0x05] + Self.utf8("batch") + [0x0A, 0x02, 0x08, 0x01]
        #expect(Self.contains(bytes, [0x5A, UInt8(input.count)] + input), "graph.input [batch, 1] FLOAT")
        #expect(Self.contains(bytes, Self.utf8("nnsh.version")) && Self.contains(bytes, Self.utf8(NNSHVersion.string)))
    }

    @Test func activationsAndPrecision() throws {
        func ops(_ network: AnyNetwork, _ p: Preprocessing = Preprocessing()) -> [String] {
            let bytes = ONNXModel.bytes(network, preprocessing: p)
            return ["Sub", "Div", "Gemm", "Relu", "Neg", "Mul", "Sigmoid", "Tanh", "Softmax", "LeakyRelu"].filter {
                Self.contains(bytes, [0x22, UInt8($0.utf8.count)] + Self.utf8($0))
            }
        }
        #expect(ops(.float(try Self.tiny())) == ["Gemm"], "linear adds no node")
        #expect(ops(.float(try Self.tiny(.sigmoid))) == ["Gemm", "Sigmoid"])
        #expect(ops(.float(try Self.tiny(.leakyReLU(alpha: 0.2)))) == ["Gemm", "LeakyRelu"])
        // In float64, leaky ReLU is composed (onnxruntime has no double LeakyRelu kernel).
        #expect(ops(.double(try Self.tiny(.leakyReLU(alpha: 0.2)).converted(to: Double.self))) == ["Sub", "Gemm", "Relu", "Neg", "Mul"])
        let standardized = Preprocessing(inputMeans: [3], inputStds: [2])
        #expect(ops(.float(try Self.tiny(.tanh)), standardized) == ["Sub", "Div", "Gemm", "Tanh"])
        let double = ONNXModel.bytes(.double(try Self.tiny().converted(to: Double.self)), preprocessing: Preprocessing())
        #expect(Self.contains(double, [0x10, 0x0B, 0x42, 0x0F] + Self.utf8("layers.0.weight") + [0x4A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x40]),
                "DOUBLE (11) with 8-byte raw data")
    }

    // MARK: - Refusals

    @Test func emptyNetworkAndTrailingDropoutAreRefused() throws {
        try withTemporaryFolder { folder in
            let e = expectModelFileError { try ModelFile.exportONNX(.float(try Network<Float>(inputWidth: 3)), to: folder + "/e.onnx") }
            #expect(e?.message == "the network has no layers yet")
            #expect(e?.hint == "add layers before exporting")
            let net = try Self.tiny()
            try net.addDropout(rate: 0.5)
            let d = expectModelFileError { try ModelFile.exportONNX(.float(net), to: folder + "/d.onnx") }
            #expect(d?.message == "the network ends with a dropout layer, which a model file keeps only in front of a dense layer")
            #expect(folderListing(folder).isEmpty)
        }
    }
}
