import Engine

/// A network as an ONNX model (https://onnx.ai; IR version 7, default-domain opset 13), written
/// with `ProtobufWriter`, for onnxruntime, PyTorch and other tools. `ONNXImport` reads such
/// models (and other chains of dense layers) back.
///
/// The graph, for input `input` [batch, inputs] of the network's precision (FLOAT or DOUBLE):
///
/// - when the network keeps an input standardisation (`Preprocessing.inputMeans`), first
///   `Sub(input, input.mean)` and `Div(·, input.std)`, so the model takes raw features as
///   `predict net [x]` does (pixels still as byte/255, the values the network sees);
/// - per dense layer i: `Gemm(x, layers.i.weight, layers.i.bias, transB=1)` with the weight
///   [outputs, inputs] (PyTorch's orientation, as in safetensors), then its activation:
///   `Relu`, `Sigmoid`, `Tanh`, `LeakyRelu(alpha)`, `Softmax(axis=1)`, nothing for linear
///   (leaky ReLU in float64: `Relu(z) − α·Relu(−z)`, see below); after an image-shaped
///   layer, `Flatten(axis=1)` first (channel by channel, row by row, as nnsh holds them);
/// - per conv layer i: `Conv(x, layers.i.weight, layers.i.bias)` with kernel_shape [k, k],
///   strides [s, s], pads [p, p, p, p], the weight [filters, channels, k, k] as in PyTorch,
///   then its activation as above; when it reads the flat input, `Reshape` to
///   [batch, channels, height, width] first (`layers.i.image`, an INT64 initializer).
///   (onnxruntime's CPU `Conv` takes float32: a float64 conv network exports, but runs elsewhere.)
///   Tensor names are `LayerEntries.pytorchTensors`' (the index in the stack, except for networks
///   of dense and dropout layers only, which count their dense layers); each kind's nodes come
///   from its entry (`LayerEntry.onnx`, through `ONNXGraphBuilder`'s steps);
/// - dropout layers are the identity at inference and write nothing;
/// - the last node writes `output` [batch, outputs].
///
/// `metadata_props` holds nnsh's provenance and what the tensors cannot say: the entries of the
/// safetensors export (`nnsh.version`, `nnsh.activations`, `nnsh.cost`, class labels, …).
enum ONNXModel {
    static let irVersion: Int64 = 7
    static let opset: Int64 = 13
    static let inputName = "input"
    static let outputName = "output"

    /// Field numbers in onnx/onnx.proto.
    enum Field {
        enum Model { static let irVersion = 1, producerName = 2, producerVersion = 3, docString = 6, graph = 7, opsetImport = 8, metadataProps = 14 }
        enum OperatorSetID { static let domain = 1, version = 2 }
        enum Entry { static let key = 1, value = 2 }
        enum Graph { static let node = 1, name = 2, initializer = 5, input = 11, output = 12 }
        enum Node { static let input = 1, output = 2, name = 3, opType = 4, attribute = 5 }
        enum Attribute { static let name = 1, f = 2, i = 3, ints = 8, type = 20 }
        enum Tensor { static let dims = 1, dataType = 2, name = 8, rawData = 9 }
        enum ValueInfo { static let name = 1, type = 2 }
        enum TypeProto { static let tensorType = 1 }
        enum TensorType { static let elemType = 1, shape = 2 }
        enum Shape { static let dim = 1 }
        enum Dimension { static let value = 1, param = 2 }
    }
    /// TensorProto.DataType.
    enum DataType { static let float: Int64 = 1, int64: Int64 = 7, double: Int64 = 11 }
    /// AttributeProto.AttributeType.
    enum AttributeType { static let float: Int64 = 1, int: Int64 = 2, ints: Int64 = 7 }

    struct Attribute {
        var name: String
        var value: Value
        enum Value { case float(Float), int(Int64), ints([Int64]) }
    }

    struct Node {
        var opType: String
        var inputs: [String]
        var output: String
        var attributes: [Attribute] = []
    }

    /// The model's bytes.
    static func bytes(_ network: AnyNetwork, preprocessing: Preprocessing) -> [UInt8] {
        switch network {
        case .float(let n): bytes(n, preprocessing: preprocessing, dataType: DataType.float)
        case .double(let n): bytes(n, preprocessing: preprocessing, dataType: DataType.double)
        }
    }

    static func bytes<T: Scalar>(_ network: Network<T>, preprocessing: Preprocessing, dataType: Int64) -> [UInt8] {
        var graph = ONNXGraphBuilder<T>(input: inputName, dataType: dataType)
        let p = preprocessing
        let standardizes = !p.inputMeans.isEmpty && p.inputMeans.count == network.inputWidth
            && p.inputStds.count == network.inputWidth
        if standardizes {
            graph.initializers.append(("input.mean", [network.inputWidth], p.inputMeans.map { T($0) }))
            graph.initializers.append(("input.std", [network.inputWidth], p.inputStds.map { T($0 == 0 || !$0.isFinite ? 1 : $0) }))
            graph.add("Sub", ["input.mean"], output: "input.centred")
            graph.add("Div", ["input.std"], output: "input.standardized")
        }
        // Each layer: its tensors (parameters, then state) as initializers, then the nodes its
        // entry adds; state its nodes do not read (batches seen) is left out.
        var tensors = LayerEntries.pytorchTensors(network)[...]
        for (layer, prefix) in zip(network.stack, LayerEntries.pytorchPrefixes(network)) {
            let mine = tensors.prefix(layer.parameterShapes.count + layer.stateShapes.count)
            tensors = tensors.dropFirst(mine.count)
            for t in mine { graph.initializers.append((t.name, t.shape, t.values)) }
            LayerEntries.entry(for: type(of: layer).kind)?.onnx(layer, tensors: mine.map(\.name), prefix: prefix, into: &graph)
        }
        var nodes = graph.nodes
        let read = Set(nodes.flatMap(\.inputs))
        let initializers = graph.initializers.filter { read.contains($0.name) }, shapes = graph.shapes
        nodes[nodes.count - 1].output = outputName

        var metadata = SafeTensorsFile(network, preprocessing: preprocessing).metadata.filter { $0.name != "format" }
        metadata.append(NamedText("nnsh.network", network.description.split(separator: "\n").first.map(String.init) ?? ""))
        let inputs = standardizes ? "raw features (the graph standardises them as nnsh does)"
            : p.image != nil ? "pixels as byte/255, in [0, 1], row by row" : "the features as nnsh's network takes them"

        var w = ProtobufWriter()
        w.int(Field.Model.irVersion, irVersion)
        w.string(Field.Model.producerName, "nnsh")
        w.string(Field.Model.producerVersion, NNSHVersion.string)
        w.string(Field.Model.docString, "A network exported by nnsh. Input: \(inputs).")
        w.message(Field.Model.graph) { g in
            for node in nodes { g.message(Field.Graph.node) { write(node, &$0) } }
            g.string(Field.Graph.name, "nnsh")
            for t in initializers {
                g.message(Field.Graph.initializer) { tensor in
                    for d in t.dims { tensor.int(Field.Tensor.dims, Int64(d)) }
                    tensor.int(Field.Tensor.dataType, dataType)
                    tensor.string(Field.Tensor.name, t.name)
                    var raw = ByteWriter(reservingCapacity: t.values.count * MemoryLayout<T>.size)
                    raw.scalars(t.values)
                    tensor.data(Field.Tensor.rawData, raw.bytes)
                }
            }
            for t in shapes {
                g.message(Field.Graph.initializer) { tensor in
                    tensor.int(Field.Tensor.dims, Int64(t.dims.count))
                    tensor.int(Field.Tensor.dataType, DataType.int64)
                    tensor.string(Field.Tensor.name, t.name)
                    var raw = ByteWriter(reservingCapacity: 8 * t.dims.count)
                    for d in t.dims { raw.int64(d) }
                    tensor.data(Field.Tensor.rawData, raw.bytes)
                }
            }
            g.message(Field.Graph.input) { valueInfo(inputName, width: network.inputWidth, dataType: dataType, &$0) }
            g.message(Field.Graph.output) { valueInfo(outputName, width: network.outputWidth, dataType: dataType, &$0) }
        }
        w.message(Field.Model.opsetImport) { o in
            o.string(Field.OperatorSetID.domain, "")
            o.int(Field.OperatorSetID.version, opset)
        }
        for entry in metadata {
            w.message(Field.Model.metadataProps) { e in
                e.string(Field.Entry.key, entry.name)
                e.string(Field.Entry.value, entry.value)
            }
        }
        return w.bytes
    }

    static func write(_ node: Node, _ w: inout ProtobufWriter) {
        for input in node.inputs { w.string(Field.Node.input, input) }
        w.string(Field.Node.output, node.output)
        w.string(Field.Node.name, node.output)
        w.string(Field.Node.opType, node.opType)
        for a in node.attributes {
            w.message(Field.Node.attribute) { attribute in
                attribute.string(Field.Attribute.name, a.name)
                switch a.value {
                case .float(let f):
                    attribute.float(Field.Attribute.f, f)
                    attribute.int(Field.Attribute.type, AttributeType.float)
                case .int(let i):
                    attribute.int(Field.Attribute.i, i)
                    attribute.int(Field.Attribute.type, AttributeType.int)
                case .ints(let list):
                    for i in list { attribute.int(Field.Attribute.ints, i) }
                    attribute.int(Field.Attribute.type, AttributeType.ints)
                }
            }
        }
    }

    /// ValueInfoProto: a tensor of `dataType`, shape [batch, width] ("batch" a symbolic dimension).
    static func valueInfo(_ name: String, width: Int, dataType: Int64, _ w: inout ProtobufWriter) {
        w.string(Field.ValueInfo.name, name)
        w.message(Field.ValueInfo.type) { type in
            type.message(Field.TypeProto.tensorType) { tensor in
                tensor.int(Field.TensorType.elemType, dataType)
                tensor.message(Field.TensorType.shape) { shape in
                    shape.message(Field.Shape.dim) { $0.string(Field.Dimension.param, "batch") }
                    shape.message(Field.Shape.dim) { $0.int(Field.Dimension.value, Int64(width)) }
                }
            }
        }
    }
}

extension ModelFile {
    /// Writes `network` as an ONNX model (`ONNXModel`), atomically; the input standardisation
    /// in `preprocessing`, when there is one, becomes the graph's first nodes.
    public static func exportONNX(_ network: AnyNetwork, to path: String,
                                  preprocessing: Preprocessing = Preprocessing()) throws(ModelFileError) {
        guard !network.layers.isEmpty else {
            throw ModelFileError(.unsupportedContent, "the network has no layers yet", hint: "add layers before exporting", path: path)
        }
        guard network.pendingDropout == 0 else { throw trailingDropout(path: path, verb: "exporting") }
        if let kind = network.kindWithoutRecord { throw withoutRecord(kind, path: path, verb: "exported") }
        try AtomicFile.write(ONNXModel.bytes(network, preprocessing: preprocessing), to: path)
    }
}
