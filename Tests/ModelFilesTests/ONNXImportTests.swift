import Foundation
import Testing
import EngineTestSupport
@testable import Engine
@testable import ModelFiles

/// `import "x.onnx"`: the protobuf reader against hand-worked encodings, nnsh's own exports
/// read back exactly, graphs written the other ways (Gemm with transB=0/alpha/beta, MatMul and
/// Add, float_data, Flatten, Identity, Dropout) computing what ONNX says they compute, and
/// every refusal naming its node. onnxruntime and PyTorch models: Scripts/interop/test_onnx.py.
@Suite struct ONNXImportTests {
    // MARK: - Wire format

    static func fields(_ bytes: [UInt8]) throws -> [ProtobufReader.Field] {
        var r = ProtobufReader(bytes)
        var out: [ProtobufReader.Field] = []
        while let f = try r.next() { out.append(f) }
        return out
    }

    @Test func readsWhatTheWriterWrites() throws {
        var w = ProtobufWriter()
        w.int(1, 150)
        w.int(20, -1)
        w.float(2, 0.5)
        w.string(3, "nnsh")
        w.message(7) { $0.int(1, 300) }
        let f = try Self.fields(w.bytes)
        #expect(f.map(\.number) == [1, 20, 2, 3, 7])
        #expect(f[0].value == .varint(150))
        #expect(f[1].value == .varint(UInt64.max), "a negative int is ten bytes of two's complement")
        #expect(f[2].value == .fixed32(Float(0.5).bitPattern))
        #expect(f.map(\.offset) == [0, 3, 15, 20, 26])
        guard case .bytes(let s) = f[3].value, case .bytes(let m) = f[4].value else { Issue.record("not length-delimited"); return }
        let r = ProtobufReader(w.bytes)
        #expect(try r.string(s, for: "s") == "nnsh")
        #expect(try Self.fields(Array(w.bytes[m])).first?.value == .varint(300))
        #expect(try r.packedVarints(0..<3) == [8, 150], "08 96 01 read as a packed list of varints")
    }

    @Test func packedListsAndUnknownFields() throws {
        // A packed repeated varint field (dims [2, 300]) and a fixed64 field nobody asked for.
        let bytes: [UInt8] = [0x0A, 0x03, 0x02, 0xAC, 0x02, 0x19, 1, 2, 3, 4, 5, 6, 7, 8]
        let f = try Self.fields(bytes)
        #expect(f.count == 2)
        guard case .bytes(let range) = f[0].value else { Issue.record("not length-delimited"); return }
        #expect(try ProtobufReader(bytes).packedVarints(range) == [2, 300])
        #expect(f[1].value == .fixed64(0x0807_0605_0403_0201))
        let floats: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        #expect(try ProtobufReader(floats).packedFixed(0..<8, width: 4, for: "f") == [0x3F80_0000, 0x4000_0000])
    }

    @Test func damagedWireFormatIsRefused() {
        func error(_ bytes: [UInt8]) -> ModelFileError? { expectModelFileError { _ = try Self.fields(bytes) } }
        #expect(error([0x08])?.message == "a number is cut short")
        #expect(error([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02])?.message == "a number (varint) is longer than 64 bits")
        #expect(error([0x12, 0x05, 0x61])?.message == "field 2 says it holds 5 bytes but only 1 remain")
        #expect(error([0x12, 0x05, 0x61])?.offset == 1)
        #expect(error([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])?.kind == .truncated, "a 4 GiB length is checked, not allocated")
        #expect(error([0x0B])?.message == "field 1 has wire type 3, which ONNX models do not use")
        #expect(error([0x00, 0x01])?.message == "field number 0 is not a valid protobuf field number")
        #expect(error([0x15, 1, 2])?.message == "a 32-bit number is cut short")
        #expect(expectModelFileError { _ = try ProtobufReader([0, 1, 2]).packedFixed(0..<3, width: 4, for: "float_data") }?.message
                == "float_data holds 3 bytes, not a whole number of 4-byte values")
        #expect(expectModelFileError { _ = try ProtobufReader([0x61, 0xFF]).string(0..<2, for: "a name") }?.message == "a name is not valid UTF-8")
    }

    // MARK: - nnsh's exports read back

    static func roundTrip(_ network: AnyNetwork, _ preprocessing: Preprocessing = Preprocessing()) throws -> LoadedNetwork {
        try ONNXImport.network(ONNXGraph.decode(ONNXModel.bytes(network, preprocessing: preprocessing)))
    }

    static func inputs(_ rows: Int, _ columns: Int) -> Matrix<Double> {
        var g = RandomGenerator(seed: 3)
        return randomMatrix(rows, columns, scale: 3, &g)
    }

    @Test(arguments: [Precision.float32, .float64])
    func exportsImportBackExactly(_ precision: Precision) throws {
        let activations: [Activation] = [.relu, .leakyReLU(alpha: 0.1), .sigmoid, .tanh, .linear, .leakyReLU(alpha: 0.01), .softmax]
        var g = RandomGenerator(seed: 5)
        let net = try Network<Double>(inputWidth: 5)
        for (i, a) in activations.enumerated() {
            if i == 2 { try net.addDropout(rate: 0.25) }
            try net.addDense(outputs: 4 + i % 3, activation: a, generator: &g)
        }
        try net.setCost(.crossEntropy)
        let network: AnyNetwork = precision == .float32 ? .float(net.converted(to: Float.self)) : .double(net)
        let p = Preprocessing(inputMeans: [0.1, 0.123456789012345, -3, 7, 0.3], inputStds: [1, 2.5, 0.05, 1e-3, 0.7],
                              classLabels: ["a", "b", "c", "d", "e", "f"].prefix(network.outputWidth).map { $0 })
        let loaded = try Self.roundTrip(network, p)
        #expect(loaded.network.precision == precision)
        #expect(loaded.network.description == network.description, "layers, activations with their alphas, dropout")
        switch (loaded.network, network) {
        case (.float(let a), .float(let b)): #expect(a.layers == b.layers, "weights and biases bit for bit")
        case (.double(let a), .double(let b)): #expect(a.layers == b.layers, "weights and biases bit for bit")
        default: Issue.record("precision changed")
        }
        #expect(loaded.preprocessing == p, "the standardisation as nnsh had it (not rounded to float32), labels")
        #expect(loaded.network.cost == .crossEntropy)
        let x = Self.inputs(9, 5)
        #expect(try loaded.network.predict(x) == network.predict(x))
    }

    @Test func leakyReLUOfFloat64IsTheComposedForm() throws {
        let net = try makeNetwork([3, 4, 2], hidden: .leakyReLU(alpha: 0.3), output: .linear) as Network<Double>
        let bytes = ONNXModel.bytes(.double(net), preprocessing: Preprocessing())
        let graph = try ONNXGraph.decode(bytes)
        #expect(graph.nodes.map(\.opType) == ["Gemm", "Relu", "Neg", "Relu", "Mul", "Sub", "Gemm"])
        let loaded = try ONNXImport.network(graph)
        guard case .double(let back) = loaded.network else { Issue.record("not float64"); return }
        #expect(back.layers.map(\.activation) == [.leakyReLU(alpha: 0.3), .linear])
        // Without nnsh's metadata the graph alone says the same.
        var bare = graph
        bare.metadata = []
        #expect(try ONNXImport.network(bare).network.description == loaded.network.description)
    }

    // MARK: - Graphs written other ways

    /// A model written with `ProtobufWriter` as onnx.helper or PyTorch would write it.
    struct Model {
        struct Initializer {
            var name: String
            var dims: [Int]
            var values: [Double]
            var dataType = ONNXModel.DataType.float
            /// float_data (packed) instead of raw_data.
            var listed = false
        }
        var nodes: [ONNXModel.Node]
        var initializers: [Initializer]
        var inputDims: [Int?] = [nil, 3]
        var inputType = ONNXModel.DataType.float
        var output = "y"
        var opset: Int64 = 13

        var bytes: [UInt8] {
            typealias F = ONNXModel.Field
            var w = ProtobufWriter()
            w.int(F.Model.irVersion, 8)
            w.message(F.Model.graph) { g in
                for node in nodes { g.message(F.Graph.node) { ONNXModel.write(node, &$0) } }
                for t in initializers {
                    g.message(F.Graph.initializer) { tensor in
                        for d in t.dims { tensor.int(F.Tensor.dims, Int64(d)) }
                        tensor.int(F.Tensor.dataType, t.dataType)
                        tensor.string(F.Tensor.name, t.name)
                        var raw = ByteWriter()
                        if t.dataType == ONNXModel.DataType.double { raw.scalars(t.values) } else { raw.scalars(t.values.map { Float($0) }) }
                        // float_data (4) or double_data (10), packed, or raw_data.
                        tensor.data(t.listed ? (t.dataType == ONNXModel.DataType.double ? 10 : 4) : F.Tensor.rawData, raw.bytes)
                    }
                }
                g.message(F.Graph.input) { v in
                    v.string(F.ValueInfo.name, "x")
                    v.message(F.ValueInfo.type) { type in
                        type.message(F.TypeProto.tensorType) { tt in
                            tt.int(F.TensorType.elemType, inputType)
                            tt.message(F.TensorType.shape) { shape in
                                for d in inputDims {
                                    shape.message(F.Shape.dim) { dim in
                                        if let d { dim.int(F.Dimension.value, Int64(d)) } else { dim.string(F.Dimension.param, "N") }
                                    }
                                }
                            }
                        }
                    }
                }
                g.message(F.Graph.output) { $0.string(F.ValueInfo.name, output) }
            }
            w.message(F.Model.opsetImport) { $0.int(F.OperatorSetID.version, opset) }
            return w.bytes
        }

        func imported() throws -> LoadedNetwork { try ONNXImport.network(ONNXGraph.decode(bytes)) }
    }

    static func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [ONNXModel.Attribute] = []) -> ONNXModel.Node {
        ONNXModel.Node(opType: op, inputs: inputs, output: output, attributes: attributes)
    }

    static let w = [1.0, -2, 0.5, 3, 0.25, -1]   // [2, 3] or [3, 2], read as the node says

    @Test func gemmAttributesAreHonoured() throws {
        // transB=0: B is [inputs=3, outputs=2]; alpha 2, beta 0.5; y = 2·x·B + 0.5·C.
        let model = Model(nodes: [Self.node("Gemm", ["x", "B", "C"], "y", [ONNXModel.Attribute(name: "alpha", value: .float(2)),
                                                                           ONNXModel.Attribute(name: "beta", value: .float(0.5))])],
                          initializers: [.init(name: "B", dims: [3, 2], values: Self.w), .init(name: "C", dims: [2], values: [4, -6])])
        let loaded = try model.imported()
        let y = try loaded.network.predict(Matrix([[1, 2, 3]]))
        // x·B = [1·1 + 2·0.5 + 3·0.25, 1·(−2) + 2·3 + 3·(−1)] = [2.75, 1]
        let expected: [Double] = [2 * 2.75 + 0.5 * 4, 2 * 1 + 0.5 * -6]
        #expect(y.storage == expected)
        #expect(loaded.network.precision == .float32)
        #expect(loaded.network.description.contains("3 → 2 linear"))
    }

    @Test func matMulAddFlattenIdentityDropoutAndFloatData() throws {
        let model = Model(nodes: [Self.node("Flatten", ["x"], "flat"), Self.node("MatMul", ["flat", "W"], "mm"),
                                  Self.node("Add", ["mm", "b"], "z"), Self.node("Dropout", ["z"], "d"),
                                  Self.node("Sigmoid", ["d"], "s"), Self.node("Identity", ["s"], "y")],
                          initializers: [.init(name: "W", dims: [3, 2], values: Self.w, dataType: ONNXModel.DataType.double, listed: true),
                                         .init(name: "b", dims: [1, 2], values: [0.5, -0.5], listed: true)],
                          inputDims: [nil, 1, 3, 1])
        let loaded = try model.imported()
        #expect(loaded.network.precision == .float64, "a float64 weight gives a float64 network")
        let y = try loaded.network.predict(Matrix([[1, 2, 3]]))
        let z = [2.75 + 0.5, 1 - 0.5]
        #expect(isClose(y.storage, z.map { 1 / (1 + exp(-$0)) }, tolerance: 1e-15))
    }

    /// Repeated fields written one value per field (protobuf's unpacked form, which readers must
    /// accept), and a bias from a `Constant` node rather than an initializer.
    @Test func unpackedListsAndConstantNodes() throws {
        typealias F = ONNXModel.Field
        func tensor(_ w: inout ProtobufWriter, name: String, dims: [Int], values: [Float]) {
            for d in dims { w.int(F.Tensor.dims, Int64(d)) }
            w.int(F.Tensor.dataType, ONNXModel.DataType.float)
            w.string(F.Tensor.name, name)
            for v in values { w.float(4, v) }          // float_data, unpacked
        }
        var m = ProtobufWriter()
        m.int(F.Model.irVersion, 8)
        m.message(F.Model.graph) { g in
            g.message(F.Graph.node) { n in
                n.string(F.Node.output, "c")
                n.string(F.Node.opType, "Constant")
                n.message(F.Node.attribute) { a in
                    a.string(F.Attribute.name, "value")
                    a.message(5) { tensor(&$0, name: "", dims: [2], values: [10, 20]) }
                    a.int(F.Attribute.type, 4)
                }
            }
            g.message(F.Graph.node) { ONNXModel.write(ONNXModel.Node(opType: "Gemm", inputs: ["x", "W", "c"], output: "y",
                                                                   attributes: [ONNXModel.Attribute(name: "transB", value: .int(1))]), &$0) }
            g.message(F.Graph.initializer) { tensor(&$0, name: "W", dims: [2, 3], values: Self.w.map { Float($0) }) }
            g.message(F.Graph.input) { $0.string(F.ValueInfo.name, "x") }
            g.message(F.Graph.output) { $0.string(F.ValueInfo.name, "y") }
        }
        m.message(F.Model.opsetImport) { $0.int(F.OperatorSetID.version, 13) }
        let loaded = try ONNXImport.network(ONNXGraph.decode(m.bytes))
        // W [2, 3] as [outputs, inputs]: rows [1, −2, 0.5] and [3, 0.25, −1].
        let y = try loaded.network.predict(Matrix([[1, 2, 3]]))
        let expected: [Double] = [1 - 4 + 1.5 + 10, 3 + 0.5 - 3 + 20]
        #expect(y.storage == expected)
    }

    // MARK: - Refusals

    static func refusal(_ model: Model) -> ModelFileError? { expectModelFileError { _ = try model.imported() } }

    static let gemm = node("Gemm", ["x", "W", "b"], "h", [ONNXModel.Attribute(name: "transB", value: .int(1))])
    static let weights: [Model.Initializer] = [.init(name: "W", dims: [2, 3], values: w), .init(name: "b", dims: [2], values: [0, 0])]

    @Test func otherOperatorsAreRefusedByName() {
        let conv = Self.refusal(Model(nodes: [Self.node("Conv", ["x", "W"], "c"), Self.node("Relu", ["c"], "y")], initializers: Self.weights))
        #expect(conv?.message == "node 'c' uses the operator Conv, which nnsh cannot import")
        #expect(conv?.kind == .unsupportedContent)
        #expect(conv?.hint == ONNXImport.supported)
        let late = Self.refusal(Model(nodes: [Self.gemm, Self.node("LogSoftmax", ["h"], "y")], initializers: Self.weights))
        #expect(late?.message == "node 'y' uses the operator LogSoftmax, which nnsh cannot import")
    }

    @Test func graphsThatAreNotOneChainAreRefused() {
        let branch = Self.refusal(Model(nodes: [Self.gemm, Self.node("Relu", ["h"], "r"), Self.node("Add", ["r", "h"], "y")], initializers: Self.weights))
        #expect(branch?.message == "node 'y' (Add) is not the bias of a MatMul: nnsh reads Add only as a layer's bias, right after its MatMul")
        let skip = Self.refusal(Model(nodes: [Self.gemm, Self.node("Relu", ["x"], "y")], initializers: Self.weights))
        #expect(skip?.message == "node 'y' (Relu) does not take the output of the node before it ('h'): nnsh imports a single chain of layers, without branches")
        let computed = Self.refusal(Model(nodes: [Self.node("Gemm", ["x", "x"], "y")], initializers: Self.weights))
        #expect(computed?.message == "node 'y' (Gemm) takes its weight 'x' from the graph rather than from an initializer; nnsh imports a single chain of layers")
        let output = Self.refusal(Model(nodes: [Self.gemm, Self.node("Relu", ["h"], "r")], initializers: Self.weights))
        #expect(output?.message == "the graph's output 'y' is not the end of its chain of layers ('r')")
        let none = Self.refusal(Model(nodes: [Self.node("Relu", ["x"], "y")], initializers: []))
        #expect(none?.message == "node 'y' (Relu) comes before any Gemm or MatMul: nnsh applies an activation after a layer's weights")
        let twice = Self.refusal(Model(nodes: [Self.gemm, Self.node("Relu", ["h"], "r"), Self.node("Tanh", ["r"], "y")], initializers: Self.weights))
        #expect(twice?.message == "node 'y' (Tanh) follows another activation; nnsh's dense layers apply one activation each")
        let late = Self.refusal(Model(nodes: [Self.gemm, Self.node("Sub", ["h", "b"], "y")], initializers: Self.weights))
        #expect(late?.message == "node 'y' (Sub) comes after the first layer; nnsh reads Sub and Div only as an input standardisation in front of it")
    }

    @Test func shapesTypesAndOpsetsItCannotHonourAreRefused() {
        let chain = Self.refusal(Model(nodes: [Self.gemm, Self.node("Gemm", ["h", "W"], "y", [ONNXModel.Attribute(name: "transB", value: .int(1))])],
                                       initializers: Self.weights))
        #expect(chain?.message == "node 'y' (Gemm) takes 3 inputs but the layer before gives 2: shapes do not chain")
        #expect(chain?.kind == .shapeMismatch)
        let input = Self.refusal(Model(nodes: [Self.gemm, Self.node("Identity", ["h"], "y")], initializers: Self.weights, inputDims: [nil, 4]))
        #expect(input?.message == "the graph input 'x' has shape [\"?\", \"4\"] but the first layer takes 3 features")
        var int64 = Self.weights
        int64[0].dataType = 7
        #expect(Self.refusal(Model(nodes: [Self.gemm], initializers: int64, output: "h"))?.message
                == "node 'h' (Gemm) has a weight 'W' of int64; nnsh reads float32 or float64")
        #expect(Self.refusal(Model(nodes: [Self.gemm], initializers: Self.weights, output: "h", opset: 30))?.message
                == "the model uses ONNX opset 30; nnsh imports opsets 7 to 22")
        #expect(Self.refusal(Model(nodes: [Self.gemm], initializers: Self.weights, inputType: 7, output: "h"))?.message
                == "the graph input 'x' is int64; nnsh's networks take float32 or float64")
        let softmax = Self.refusal(Model(nodes: [Self.gemm, Self.node("Softmax", ["h"], "y", [ONNXModel.Attribute(name: "axis", value: .int(0))])],
                                         initializers: Self.weights))
        #expect(softmax?.message == "node 'y' (Softmax) is taken over axis 0; nnsh's softmax is over the last axis of [batch, outputs]")
        var nan = Self.weights
        nan[0].values[4] = .nan
        #expect(Self.refusal(Model(nodes: [Self.gemm], initializers: nan, output: "h"))?.message
                == "node 'h' (Gemm) has a weight 'W' holding NaN at element 4")
        var short = Self.weights
        short[0].values.removeLast()
        #expect(Self.refusal(Model(nodes: [Self.gemm], initializers: short, output: "h"))?.message
                == "tensor 'W' of shape [2, 3] needs 24 bytes of raw_data, not 20")
    }

    @Test func filesThatAreNotONNXModelsAreRefused() throws {
        try withTemporaryFolder { folder in
            func error(_ bytes: [UInt8]) throws -> ModelFileError? {
                try AtomicFile.write(bytes, to: folder + "/m.onnx")
                return expectModelFileError { _ = try ModelFile.importONNX(folder + "/m.onnx") }
            }
            #expect(try error([])?.description == folder + "/m.onnx: at byte 0: the file is empty (hint: the file is damaged or not an ONNX model)")
            #expect(try error(Array("{\"a\": 1}".utf8))?.message == "not an ONNX model (it starts with byte 7b)")
            #expect(try error([0x08, 0x07])?.message == "the file holds no graph")
            let good = ONNXModel.bytes(.float(try makeNetwork([3, 2], hidden: .relu, output: .softmax)), preprocessing: Preprocessing())
            let cut = try error(Array(good.prefix(good.count / 2)))
            #expect(cut?.kind == .truncated)
            #expect(cut?.path == folder + "/m.onnx")
            #expect(folderListing(folder) == ["m.onnx"], "a refused file is left as it was")
        }
    }
}
