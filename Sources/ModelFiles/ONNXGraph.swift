import Engine

/// An ONNX model as read by `ProtobufReader`: the parts of onnx.proto (field numbers in
/// `ONNXModel.Field` and below) that importing a chain of dense layers needs. Other fields are
/// skipped; subgraphs (attributes of type GRAPH) are never parsed, so the reading depth is
/// fixed: model → graph → node → attribute → tensor.
///
/// Tensors keep their values only when they are FLOAT or DOUBLE (from `raw_data`,
/// `float_data` or `double_data`), checked against their shape; other types are kept by name
/// and type so that a node using one is refused by name (`ONNXImport`).
struct ONNXGraph {
    struct Tensor {
        var name = ""
        var dims: [Int] = []
        var dataType: Int64 = 0
        /// The values in row-major order (FLOAT widened exactly), nil for other types.
        var values: [Double]?
        var offset = 0
    }

    struct Attribute {
        var name = ""
        var type: Int64 = 0
        var f: Float?
        var i: Int64?
        var t: Tensor?
    }

    struct Node {
        var name = ""
        var opType = ""
        var domain = ""
        var inputs: [String] = []
        var outputs: [String] = []
        var attributes: [Attribute] = []
        var offset = 0

        func attribute(_ name: String) -> Attribute? { attributes.first { $0.name == name } }
    }

    /// A graph input or output: a tensor's element type and shape, when stated.
    struct ValueInfo {
        var name = ""
        var elemType: Int64?
        /// One entry per dimension: its size, or nil when symbolic or unstated.
        var dims: [Int?]?
    }

    var irVersion: Int64 = 0
    var opsets: [(domain: String, version: Int64)] = []
    var nodes: [Node] = []
    var initializers: [Tensor] = []
    var inputs: [ValueInfo] = []
    var outputs: [ValueInfo] = []
    var metadata: [NamedText] = []
    var hasGraph = false

    /// Field numbers in onnx/onnx.proto beyond those `ONNXModel.Field` writes.
    enum Field {
        enum Graph { static let sparseInitializer = 15 }
        enum Node { static let domain = 7 }
        enum Attribute { static let t = 5, g = 6 }
        enum Tensor { static let segment = 3, floatData = 4, doubleData = 10, externalData = 13, dataLocation = 14 }
    }

    /// TensorProto.DataType names, for messages.
    static func typeName(_ type: Int64) -> String {
        let names: [Int64: String] = [1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
                                      8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
                                      14: "complex64", 15: "complex128", 16: "bfloat16"]
        return names[type] ?? "type \(type)"
    }

    private typealias F = ONNXModel.Field
    private static let hint = ProtobufReader.hint

    /// The model in `bytes`.
    static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> ONNXGraph {
        guard !bytes.isEmpty else {
            throw ModelFileError(.truncated, "the file is empty", hint: hint, offset: 0)
        }
        var model = ONNXGraph()
        var r = ProtobufReader(bytes)
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.Model.irVersion, .varint(let v)): model.irVersion = Int64(bitPattern: v)
            case (F.Model.graph, .bytes(let range)):
                guard !model.hasGraph else { throw malformed("the model holds two graphs", at: field.offset) }
                model.hasGraph = true
                try model.readGraph(r.reader(range))
            case (F.Model.opsetImport, .bytes(let range)):
                var o = r.reader(range)
                var domain = "", version: Int64 = 0
                while let f = try o.next() {
                    switch (f.number, f.value) {
                    case (F.OperatorSetID.domain, .bytes(let s)): domain = try o.string(s, for: "an opset's domain")
                    case (F.OperatorSetID.version, .varint(let v)): version = Int64(bitPattern: v)
                    default: break
                    }
                }
                model.opsets.append((domain, version))
            case (F.Model.metadataProps, .bytes(let range)):
                var e = r.reader(range)
                var key = "", value = ""
                while let f = try e.next() {
                    switch (f.number, f.value) {
                    case (F.Entry.key, .bytes(let s)): key = try e.string(s, for: "a metadata key")
                    case (F.Entry.value, .bytes(let s)): value = try e.string(s, for: "a metadata value")
                    default: break
                    }
                }
                model.metadata.append(NamedText(key, value))
            case (F.Model.irVersion, _), (F.Model.graph, _), (F.Model.opsetImport, _), (F.Model.metadataProps, _):
                throw malformed("field \(field.number) of the model has the wrong wire type", at: field.offset)
            default: break
            }
        }
        guard model.hasGraph else {
            throw ModelFileError(.malformed, "the file holds no graph", hint: hint)
        }
        return model
    }

    private static func malformed(_ message: String, at offset: Int) -> ModelFileError {
        ModelFileError(.malformed, message, hint: hint, offset: offset)
    }

    private mutating func readGraph(_ reader: ProtobufReader) throws(ModelFileError) {
        var r = reader
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.Graph.node, .bytes(let range)): nodes.append(try Self.node(r.reader(range), offset: field.offset))
            case (F.Graph.initializer, .bytes(let range)): initializers.append(try Self.tensor(r.reader(range), offset: field.offset))
            case (F.Graph.input, .bytes(let range)): inputs.append(try Self.valueInfo(r.reader(range)))
            case (F.Graph.output, .bytes(let range)): outputs.append(try Self.valueInfo(r.reader(range)))
            case (Field.Graph.sparseInitializer, _):
                throw ModelFileError(.unsupportedContent, "the graph has a sparse initializer, which nnsh does not read",
                                     hint: "store the weights as dense tensors", offset: field.offset)
            case (F.Graph.node, _), (F.Graph.initializer, _), (F.Graph.input, _), (F.Graph.output, _):
                throw Self.malformed("field \(field.number) of the graph has the wrong wire type", at: field.offset)
            default: break
            }
        }
    }

    private static func node(_ reader: ProtobufReader, offset: Int) throws(ModelFileError) -> Node {
        var r = reader
        var node = Node(offset: offset)
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.Node.input, .bytes(let s)): node.inputs.append(try r.string(s, for: "a node's input name"))
            case (F.Node.output, .bytes(let s)): node.outputs.append(try r.string(s, for: "a node's output name"))
            case (F.Node.name, .bytes(let s)): node.name = try r.string(s, for: "a node's name")
            case (F.Node.opType, .bytes(let s)): node.opType = try r.string(s, for: "a node's operator")
            case (Field.Node.domain, .bytes(let s)): node.domain = try r.string(s, for: "a node's domain")
            case (F.Node.attribute, .bytes(let range)): node.attributes.append(try attribute(r.reader(range)))
            case (F.Node.input, _), (F.Node.output, _), (F.Node.name, _), (F.Node.opType, _), (Field.Node.domain, _), (F.Node.attribute, _):
                throw malformed("field \(field.number) of a node has the wrong wire type", at: field.offset)
            default: break
            }
        }
        return node
    }

    private static func attribute(_ reader: ProtobufReader) throws(ModelFileError) -> Attribute {
        var r = reader
        var a = Attribute()
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.Attribute.name, .bytes(let s)): a.name = try r.string(s, for: "an attribute's name")
            case (F.Attribute.f, .fixed32(let bits)): a.f = Float(bitPattern: bits)
            case (F.Attribute.i, .varint(let v)): a.i = Int64(bitPattern: v)
            case (F.Attribute.type, .varint(let v)): a.type = Int64(bitPattern: v)
            case (Field.Attribute.t, .bytes(let range)): a.t = try tensor(r.reader(range), offset: field.offset)
            case (F.Attribute.name, _), (F.Attribute.f, _), (F.Attribute.i, _), (F.Attribute.type, _), (Field.Attribute.t, _):
                throw malformed("field \(field.number) of an attribute has the wrong wire type", at: field.offset)
            default: break   // g (a subgraph) and the lists: skipped unread
            }
        }
        return a
    }

    private static func tensor(_ reader: ProtobufReader, offset: Int) throws(ModelFileError) -> Tensor {
        var r = reader
        var t = Tensor(offset: offset)
        var raw: Range<Int>?
        var floats: [UInt64] = [], doubles: [UInt64] = []
        var external = false
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.Tensor.dims, .varint(let v)): t.dims.append(try dimension(v, at: field.offset))
            case (F.Tensor.dims, .bytes(let range)):
                for v in try r.packedVarints(range) { t.dims.append(try dimension(v, at: field.offset)) }
            case (F.Tensor.dataType, .varint(let v)): t.dataType = Int64(bitPattern: v)
            case (F.Tensor.name, .bytes(let s)): t.name = try r.string(s, for: "a tensor's name")
            case (F.Tensor.rawData, .bytes(let range)): raw = range
            case (Field.Tensor.floatData, .fixed32(let bits)): floats.append(UInt64(bits))
            case (Field.Tensor.floatData, .bytes(let range)): floats += try r.packedFixed(range, width: 4, for: "float_data")
            case (Field.Tensor.doubleData, .fixed64(let bits)): doubles.append(bits)
            case (Field.Tensor.doubleData, .bytes(let range)): doubles += try r.packedFixed(range, width: 8, for: "double_data")
            case (Field.Tensor.externalData, _): external = true
            case (Field.Tensor.dataLocation, .varint(let v)): external = external || v == 1
            case (Field.Tensor.segment, _):
                throw ModelFileError(.unsupportedContent, "tensor '\(shown(t.name))' is split into segments, which nnsh does not read",
                                     hint: "save the model as one piece", offset: field.offset)
            case (F.Tensor.dims, _), (F.Tensor.dataType, _), (F.Tensor.name, _), (F.Tensor.rawData, _),
                 (Field.Tensor.floatData, _), (Field.Tensor.doubleData, _), (Field.Tensor.dataLocation, _):
                throw malformed("field \(field.number) of a tensor has the wrong wire type", at: field.offset)
            default: break   // int32_data, string_data, …: the tensor is not one nnsh reads
            }
        }
        if external {
            throw ModelFileError(.unsupportedContent, "tensor '\(shown(t.name))' keeps its data in an external file, which nnsh does not read",
                                 hint: "save the model with its weights inside (onnx.save_model(…, save_as_external_data=False))", offset: offset)
        }
        guard t.dataType == ONNXModel.DataType.float || t.dataType == ONNXModel.DataType.double else { return t }
        var count = 1
        for d in t.dims {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, product <= Int(Int32.max) else {
                throw malformed("tensor '\(shown(t.name))' has an impossible shape \(t.dims)", at: offset)
            }
            count = product
        }
        let width = t.dataType == ONNXModel.DataType.float ? 4 : 8
        let listed = t.dataType == ONNXModel.DataType.float ? floats : doubles
        let kind = t.dataType == ONNXModel.DataType.float ? "float_data" : "double_data"
        if let raw {
            guard listed.isEmpty else { throw malformed("tensor '\(shown(t.name))' holds both raw_data and \(kind)", at: offset) }
            guard raw.count == count * width else {
                throw ModelFileError(.shapeMismatch, "tensor '\(shown(t.name))' of shape \(t.dims) needs \(count * width) bytes of raw_data, not \(raw.count)",
                                     hint: hint, offset: offset)
            }
            try ModelFileError.checkMemory(count: count, bytesEach: 8, for: "tensor '\(shown(t.name))'", hint: "raise the memory limit", offset: offset)
            let patterns = try r.packedFixed(raw, width: width, for: "raw_data")
            t.values = width == 4 ? patterns.map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) } : patterns.map { Double(bitPattern: $0) }
        } else {
            guard listed.count == count else {
                throw ModelFileError(.shapeMismatch, "tensor '\(shown(t.name))' of shape \(t.dims) holds \(listed.count) values in \(kind), not \(count)",
                                     hint: hint, offset: offset)
            }
            t.values = width == 4 ? listed.map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) } : listed.map { Double(bitPattern: $0) }
        }
        return t
    }

    private static func dimension(_ v: UInt64, at offset: Int) throws(ModelFileError) -> Int {
        guard v <= UInt64(Int32.max) else {
            throw malformed("a tensor dimension is \(Int64(bitPattern: v)), not a size", at: offset)
        }
        return Int(v)
    }

    private static func valueInfo(_ reader: ProtobufReader) throws(ModelFileError) -> ValueInfo {
        var r = reader
        var info = ValueInfo()
        while let field = try r.next() {
            switch (field.number, field.value) {
            case (F.ValueInfo.name, .bytes(let s)): info.name = try r.string(s, for: "a graph input's or output's name")
            case (F.ValueInfo.type, .bytes(let range)):
                var type = r.reader(range)
                while let tf = try type.next() {
                    guard tf.number == F.TypeProto.tensorType, case .bytes(let tr) = tf.value else { continue }
                    var tensorType = type.reader(tr)
                    while let f = try tensorType.next() {
                        switch (f.number, f.value) {
                        case (F.TensorType.elemType, .varint(let v)): info.elemType = Int64(bitPattern: v)
                        case (F.TensorType.shape, .bytes(let sr)):
                            var shape = tensorType.reader(sr)
                            var dims: [Int?] = []
                            while let d = try shape.next() {
                                guard d.number == F.Shape.dim, case .bytes(let dr) = d.value else { continue }
                                var dim = shape.reader(dr)
                                var size: Int?
                                while let df = try dim.next() {
                                    if df.number == F.Dimension.value, case .varint(let v) = df.value, v <= UInt64(Int32.max) { size = Int(v) }
                                }
                                dims.append(size)
                            }
                            info.dims = dims
                        default: break
                        }
                    }
                }
            default: break
            }
        }
        return info
    }

    /// A name from the file, safe and short enough for a one-line message.
    static func shown(_ name: String) -> String {
        let escaped = PrintableText.escaping(name)
        return escaped.count <= 80 ? escaped : String(escaped.prefix(77)) + "…"
    }
}
