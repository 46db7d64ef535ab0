import Engine

/// An ONNX model (`ONNXGraph`) read back as a network of dense layers: the MLP subset.
///
/// The graph must be one chain from its single input to its single output, every node taking
/// the node before it's output as its first input and only initializers (or `Constant` nodes)
/// as its others. Along the chain, in the default domain at opsets `opsets`:
///
/// - at the input, `Flatten(axis=1)`, then `Sub(·, mean)` and `Div(·, std)`: an input
///   standardisation (`Preprocessing.inputMeans`, `inputStds`), as `export` writes it;
/// - per dense layer, `Gemm(x, B, C)` (transA=0, transB 0 or 1, alpha and beta folded into the
///   weight and bias, C of shape [outputs], [1, outputs] or a scalar), or `MatMul(x, B)` with B
///   [inputs, outputs] optionally followed by `Add(·, bias)`;
/// - after a layer, at most one activation: `Relu`, `LeakyRelu(alpha)`, `Sigmoid`, `Tanh`,
///   `Softmax` on the last axis, or nnsh's float64 leaky ReLU `Relu(z) − α·Relu(−z)` (`Relu`,
///   `Neg`, `Relu`, `Mul`, `Sub`); none is linear;
/// - anywhere, `Identity` and `Dropout` (the identity at inference).
///
/// Weights FLOAT or DOUBLE; any DOUBLE weight (or a DOUBLE input) gives a float64 network.
/// Anything else is refused with one message naming the node and its operator. nnsh's own
/// `metadata_props` (cost, class labels, image geometry, dropout rates) are applied when they
/// fit; the activations, alphas and standardisation come from the graph.
enum ONNXImport {
    /// The default-domain opset versions whose operators above mean what this reader assumes.
    static let opsets: ClosedRange<Int64> = 7...22

    static let supported = "nnsh imports a chain of Gemm (or MatMul and Add) layers, each with Relu, LeakyRelu, Sigmoid, Tanh or Softmax, "
        + "and Identity, Dropout, and Flatten, Sub and Div at the input"

    private typealias Tensor = ONNXGraph.Tensor
    private typealias Node = ONNXGraph.Node

    /// A dense layer as read: weight [outputs, inputs] row-major (PyTorch's orientation).
    private struct Layer {
        var weight: [Double]
        var outputs: Int
        var inputs: Int
        var bias: [Double]?
        var activation: Activation?
        var double: Bool
        var node: String
    }

    /// The network the graph describes.
    static func network(_ model: ONNXGraph) throws(ModelFileError) -> LoadedNetwork {
        let opset = try defaultOpset(model)
        var constants: [String: Tensor] = [:]
        for t in model.initializers { constants[t.name] = t }
        let realInputs = model.inputs.filter { constants[$0.name] == nil }
        guard realInputs.count == 1, let input = realInputs.first else {
            throw problem(.unsupportedContent, "the graph has \(realInputs.count) inputs (\(names(realInputs.map(\.name)))); nnsh imports networks of one input")
        }
        guard model.outputs.count == 1, let output = model.outputs.first else {
            throw problem(.unsupportedContent, "the graph has \(model.outputs.count) outputs (\(names(model.outputs.map(\.name)))); nnsh imports networks of one output")
        }
        if let type = input.elemType, type != ONNXModel.DataType.float, type != ONNXModel.DataType.double {
            throw problem(.unsupportedContent, "the graph input '\(shown(input.name))' is \(ONNXGraph.typeName(type)); nnsh's networks take float32 or float64")
        }

        var current = input.name
        var layers: [Layer] = []
        var flatten = false
        var means: (values: [Double], node: String)?, stds: (values: [Double], node: String)?
        var index = 0
        let nodes = model.nodes
        while index < nodes.count {
            let node = nodes[index]
            let what = describe(node, index)
            func refuse(_ message: String, _ kind: ModelFileError.Kind = .unsupportedContent, hint: String = supported) -> ModelFileError {
                ModelFileError(kind, "\(what) \(message)", hint: hint, offset: node.offset)
            }
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw refuse("is from the operator domain '\(shown(node.domain))', which nnsh cannot import")
            }
            guard let out = node.outputs.first, !out.isEmpty else { throw refuse("has no output", .malformed, hint: ProtobufReader.hint) }
            if node.opType == "Constant" {
                guard var t = node.attribute("value")?.t else {
                    throw refuse("holds no tensor value; nnsh reads Constant nodes with a tensor 'value'")
                }
                t.name = out
                constants[out] = t
                index += 1
                continue
            }
            guard node.inputs.first == current else {
                throw refuse("does not take the output of the node before it ('\(shown(current))'): nnsh imports a single chain of layers, without branches",
                             hint: supported)
            }
            /// A constant input: an initializer or a Constant node's, of floating-point values.
            func constant(_ position: Int, _ role: String) throws(ModelFileError) -> Tensor {
                let name = position < node.inputs.count ? node.inputs[position] : ""
                guard let t = constants[name] else {
                    throw refuse("takes its \(role) '\(shown(name))' from the graph rather than from an initializer; nnsh imports a single chain of layers")
                }
                guard let values = t.values else {
                    throw refuse("has a \(role) '\(shown(name))' of \(ONNXGraph.typeName(t.dataType)); nnsh reads float32 or float64")
                }
                if let bad = values.firstIndex(where: { !$0.isFinite }) {
                    throw ModelFileError(.nonFiniteValue, "\(what) has a \(role) '\(shown(name))' holding \(values[bad].isNaN ? "NaN" : "infinity") at element \(bad)",
                                         hint: "the model was saved after training diverged, or the file is damaged", offset: t.offset)
                }
                return t
            }
            func setActivation(_ activation: Activation) throws(ModelFileError) {
                guard let last = layers.last else {
                    throw refuse("comes before any Gemm or MatMul: nnsh applies an activation after a layer's weights")
                }
                guard last.activation == nil else {
                    throw refuse("follows another activation; nnsh's dense layers apply one activation each")
                }
                layers[layers.count - 1].activation = activation
            }
            func newLayer(weight: Tensor, transposed: Bool, scale: Double) throws(ModelFileError) {
                guard weight.dims.count == 2, weight.dims[0] > 0, weight.dims[1] > 0 else {
                    throw refuse("has a weight '\(shown(weight.name))' of shape \(weight.dims); a dense layer's weight has two dimensions", .shapeMismatch)
                }
                // B is [inputs, outputs] unless transposed (Gemm's transB=1: [outputs, inputs]).
                let (inputs, outputs) = transposed ? (weight.dims[1], weight.dims[0]) : (weight.dims[0], weight.dims[1])
                if let previous = layers.last, previous.outputs != inputs {
                    throw refuse("takes \(inputs) inputs but the layer before gives \(previous.outputs): shapes do not chain", .shapeMismatch)
                }
                if layers.last?.activation == nil, !layers.isEmpty { layers[layers.count - 1].activation = .linear }
                let v = weight.values ?? []
                var w = transposed ? v : [Double](repeating: 0, count: v.count)
                if !transposed {
                    for i in 0..<inputs { for o in 0..<outputs { w[o * inputs + i] = v[i * outputs + o] } }
                }
                if scale != 1 { w = w.map { $0 * scale } }
                layers.append(Layer(weight: w, outputs: outputs, inputs: inputs, bias: nil, activation: nil,
                                    double: weight.dataType == ONNXModel.DataType.double, node: what))
            }
            func setBias(_ bias: Tensor, scale: Double) throws(ModelFileError) {
                let outputs = layers[layers.count - 1].outputs
                let v = bias.values ?? []
                let values: [Double]
                if bias.dims == [outputs] || bias.dims == [1, outputs] {
                    values = v
                } else if v.count == 1, bias.dims.count <= 2 {
                    values = Array(repeating: v[0], count: outputs)   // a scalar, broadcast
                } else {
                    throw refuse("has a bias '\(shown(bias.name))' of shape \(bias.dims) for a layer of \(outputs) outputs", .shapeMismatch)
                }
                layers[layers.count - 1].bias = scale == 1 ? values : values.map { $0 * scale }
                if bias.dataType == ONNXModel.DataType.double { layers[layers.count - 1].double = true }
            }
            func float(_ name: String, _ defaultValue: Float) throws(ModelFileError) -> Float {
                guard let a = node.attribute(name) else { return defaultValue }
                guard let f = a.f, f.isFinite else { throw refuse("has an attribute \(name) that is not a finite float", .malformed) }
                return f
            }
            func int(_ name: String, _ defaultValue: Int64) throws(ModelFileError) -> Int64 {
                guard let a = node.attribute(name) else { return defaultValue }
                guard let i = a.i else { throw refuse("has an attribute \(name) that is not an integer", .malformed) }
                return i
            }
            /// The float32 attribute as the shortest decimal that reads back as it ("0.01", not
            /// 0.009999999776).
            func decimal(_ f: Float) -> Double { Double("\(f)") ?? Double(f) }

            switch node.opType {
            case "Gemm":
                guard try int("transA", 0) == 0 else { throw refuse("has transA=1; nnsh reads Gemm with the batch as its first input's rows") }
                let transB = try int("transB", 0)
                guard transB == 0 || transB == 1 else { throw refuse("has transB=\(transB)", .malformed) }
                let alpha = Double(try float("alpha", 1)), beta = Double(try float("beta", 1))
                try newLayer(weight: try constant(1, "weight"), transposed: transB == 1, scale: alpha)
                if node.inputs.count > 2, !node.inputs[2].isEmpty, beta != 0 {
                    try setBias(try constant(2, "bias"), scale: beta)
                }
            case "MatMul":
                try newLayer(weight: try constant(1, "weight"), transposed: false, scale: 1)
            case "Add":
                guard let last = layers.last, last.activation == nil, last.bias == nil else {
                    throw refuse("is not the bias of a MatMul: nnsh reads Add only as a layer's bias, right after its MatMul")
                }
                try setBias(try constant(1, "bias"), scale: 1)
            case "Relu":
                if let (alpha, skip) = try leakyPattern(nodes, at: index, constants: constants) {
                    try setActivation(.leakyReLU(alpha: alpha))
                    current = nodes[index + skip - 1].outputs[0]
                    index += skip
                    continue
                }
                try setActivation(.relu)
            case "LeakyRelu":
                let alpha = try float("alpha", 0.01)
                guard alpha >= 0 else { throw refuse("has alpha \(alpha); nnsh's leaky ReLU needs an alpha ≥ 0") }
                try setActivation(.leakyReLU(alpha: decimal(alpha)))
            case "Sigmoid": try setActivation(.sigmoid)
            case "Tanh": try setActivation(.tanh)
            case "Softmax":
                // Before opset 13 the default axis is 1; on [batch, outputs] both mean the last.
                let axis = try int("axis", opset < 13 ? 1 : -1)
                guard axis == 1 || axis == -1 else { throw refuse("is taken over axis \(axis); nnsh's softmax is over the last axis of [batch, outputs]") }
                try setActivation(.softmax)
            case "Identity", "Dropout":
                break
            case "Flatten":
                guard layers.isEmpty, means == nil, stds == nil, !flatten else {
                    throw refuse("is not at the input; nnsh reads Flatten only as the graph's first node")
                }
                guard try int("axis", 1) == 1 else { throw refuse("flattens from axis \(try int("axis", 1)); nnsh keeps the batch as the first axis (axis=1)") }
                flatten = true
            case "Sub", "Div":
                guard layers.isEmpty else {
                    throw refuse("comes after the first layer; nnsh reads Sub and Div only as an input standardisation in front of it")
                }
                let t = try constant(1, node.opType == "Sub" ? "mean" : "scale")
                guard t.dims.count <= 1 || (t.dims.count == 2 && t.dims[0] == 1) else {
                    throw refuse("has a \(node.opType == "Sub" ? "mean" : "scale") '\(shown(t.name))' of shape \(t.dims); nnsh standardises each input column", .shapeMismatch)
                }
                if node.opType == "Sub" {
                    guard means == nil, stds == nil else { throw refuse("follows another Sub or Div; nnsh reads one Sub, then one Div") }
                    means = (t.values ?? [], what)
                } else {
                    guard stds == nil else { throw refuse("follows another Div; nnsh reads one Sub, then one Div") }
                    if let zero = (t.values ?? []).firstIndex(of: 0) { throw refuse("divides input column \(zero + 1) by zero", .malformed, hint: ProtobufReader.hint) }
                    stds = (t.values ?? [], what)
                }
            default:
                throw ModelFileError(.unsupportedContent, "\(describe(node, index, withOperator: false)) uses the operator \(shown(node.opType)), which nnsh cannot import",
                                     hint: supported, offset: node.offset)
            }
            current = out
            index += 1
        }
        guard !layers.isEmpty else {
            throw problem(.unsupportedContent, "the graph has no Gemm or MatMul layer")
        }
        guard current == output.name else {
            throw problem(.unsupportedContent, "the graph's output '\(shown(output.name))' is not the end of its chain of layers ('\(shown(current))')")
        }
        if layers[layers.count - 1].activation == nil { layers[layers.count - 1].activation = .linear }
        let inputWidth = layers[0].inputs
        if let dims = input.dims, !dims.isEmpty {
            let features = dims.dropFirst()
            guard flatten || dims.count == 2 else {
                throw problem(.shapeMismatch, "the graph input '\(shown(input.name))' has \(dims.count) dimensions; nnsh reads [batch, features], or more dimensions through a Flatten")
            }
            if features.allSatisfy({ $0 != nil }), features.reduce(1, { $0.multipliedReportingOverflow(by: $1!).partialValue }) != inputWidth {
                throw problem(.shapeMismatch, "the graph input '\(shown(input.name))' has shape \(dims.map { $0.map(String.init) ?? "?" }) but the first layer takes \(inputWidth) features")
            }
        }
        return try build(model, layers, inputWidth: inputWidth, double: input.elemType == ONNXModel.DataType.double,
                         means: means, stds: stds)
    }

    // MARK: - Pieces

    /// nnsh's float64 leaky ReLU at `index`: Relu(z), Neg(z), Relu(−z), Mul(·, α), Sub(Relu(z), ·);
    /// α and the number of nodes it spans, or nil when the nodes there are not that pattern.
    private static func leakyPattern(_ nodes: [Node], at index: Int, constants: [String: Tensor]) throws(ModelFileError) -> (Double, Int)? {
        guard index + 4 < nodes.count else { return nil }
        let (relu, neg, negRelu, mul, sub) = (nodes[index], nodes[index + 1], nodes[index + 2], nodes[index + 3], nodes[index + 4])
        guard let z = relu.inputs.first, relu.inputs.count == 1, let positive = relu.outputs.first,
              neg.opType == "Neg", neg.inputs == [z], let negated = neg.outputs.first,
              negRelu.opType == "Relu", negRelu.inputs == [negated], let negative = negRelu.outputs.first,
              mul.opType == "Mul", mul.inputs.count == 2, mul.inputs.contains(negative), let scaled = mul.outputs.first,
              sub.opType == "Sub", sub.inputs == [positive, scaled], sub.outputs.first?.isEmpty == false,
              [neg, negRelu, mul, sub].allSatisfy({ $0.domain.isEmpty || $0.domain == "ai.onnx" }),
              let alphaName = mul.inputs.first(where: { $0 != negative }),
              let alpha = constants[alphaName]?.values, alpha.count == 1, alpha[0].isFinite, alpha[0] >= 0 else { return nil }
        return (alpha[0], 5)
    }

    /// The default domain's opset, which must be one whose operators this reader knows.
    private static func defaultOpset(_ model: ONNXGraph) throws(ModelFileError) -> Int64 {
        guard let version = model.opsets.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version else {
            throw problem(.unsupportedContent, "the model imports no version of the standard ONNX operators (opset_import)")
        }
        guard opsets.contains(version) else {
            throw problem(.unsupportedVersion, "the model uses ONNX opset \(version); nnsh imports opsets \(opsets.lowerBound) to \(opsets.upperBound)",
                          hint: "export it again at an opset in that range (torch.onnx.export(…, opset_version=17))")
        }
        return version
    }

    /// Builds the network through the safetensors reader (tensors `layers.<i>.weight` and
    /// `.bias`, nnsh.* metadata), which checks and applies what the graph does not say.
    private static func build(_ model: ONNXGraph, _ layers: [Layer], inputWidth: Int, double: Bool,
                              means: (values: [Double], node: String)?, stds: (values: [Double], node: String)?) throws(ModelFileError) -> LoadedNetwork {
        let useDouble = double || layers.contains(where: \.double)
        var tensors: [SafeTensorsFile.Tensor] = []
        for (i, layer) in layers.enumerated() {
            let bias = layer.bias ?? Array(repeating: 0, count: layer.outputs)
            if useDouble {
                tensors.append(SafeTensorsFile.Tensor(name: "layers.\(i).weight", shape: [layer.outputs, layer.inputs], values: layer.weight))
                tensors.append(SafeTensorsFile.Tensor(name: "layers.\(i).bias", shape: [layer.outputs], values: bias))
            } else {
                tensors.append(SafeTensorsFile.Tensor(name: "layers.\(i).weight", shape: [layer.outputs, layer.inputs], values: layer.weight.map { Float($0) }))
                tensors.append(SafeTensorsFile.Tensor(name: "layers.\(i).bias", shape: [layer.outputs], values: bias.map { Float($0) }))
            }
        }
        typealias Key = SafeTensorsFile.Key
        let kept: Set = [Key.version, Key.cost, Key.image, Key.classLabels, Key.dropout]
        let file = SafeTensorsFile(metadata: model.metadata.filter { kept.contains($0.name) }, tensors: tensors)
        var loaded = try file.network(activations: layers.map { $0.activation ?? .linear })

        // The standardisation: the graph's values, or nnsh's exact ones from its metadata when
        // the graph holds them rounded to the network's precision.
        func column(_ part: (values: [Double], node: String)?, _ what: String, _ neutral: Double) throws(ModelFileError) -> [Double] {
            guard let part else { return Array(repeating: neutral, count: inputWidth) }
            if part.values.count == 1 { return Array(repeating: part.values[0], count: inputWidth) }
            guard part.values.count == inputWidth else {
                throw problem(.shapeMismatch, "\(part.node) has \(part.values.count) \(what) for \(inputWidth) input columns")
            }
            return part.values
        }
        if means != nil || stds != nil {
            var m = try column(means, "means", 0), s = try column(stds, "scales", 1)
            let rounded: (Double) -> Double = useDouble ? { $0 } : { Double(Float($0)) }
            if let exactMeans = metadataNumbers(model, Key.inputMeans), let exactStds = metadataNumbers(model, Key.inputStds),
               exactMeans.map(rounded) == m, exactStds.map(rounded) == s {
                m = exactMeans
                s = exactStds
            }
            loaded.header.preprocessing.inputMeans = m
            loaded.header.preprocessing.inputStds = s
            try ModelFile.validate(loaded.header, hint: "the graph's standardisation does not fit its layers")
        }
        return loaded
    }

    /// A metadata entry holding a JSON array of finite numbers, or nil.
    private static func metadataNumbers(_ model: ONNXGraph, _ key: String) -> [Double]? {
        guard let text = model.metadata.first(where: { $0.name == key })?.value,
              case .array(let items)? = try? JSON.parse(Array(text.utf8)[...]) else { return nil }
        let numbers = items.compactMap { $0.doubleValue }
        return numbers.count == items.count && numbers.allSatisfy(\.isFinite) ? numbers : nil
    }

    /// "node 'fc1' (Gemm)", or "node 3 (Gemm)" for a node without a name.
    private static func describe(_ node: Node, _ index: Int, withOperator: Bool = true) -> String {
        (node.name.isEmpty ? "node \(index + 1)" : "node '\(shown(node.name))'") + (withOperator ? " (\(shown(node.opType)))" : "")
    }

    private static func names(_ list: [String]) -> String {
        list.isEmpty ? "none" : list.prefix(4).map { "'\(shown($0))'" }.joined(separator: ", ") + (list.count > 4 ? ", …" : "")
    }

    private static func shown(_ name: String) -> String { ONNXGraph.shown(name) }

    private static func problem(_ kind: ModelFileError.Kind, _ message: String, hint: String = supported) -> ModelFileError {
        ModelFileError(kind, message, hint: hint)
    }
}

extension ModelFile {
    /// Reads a network from an ONNX model of dense layers (`ONNXImport`).
    public static func importONNX(_ path: String) throws(ModelFileError) -> LoadedNetwork {
        let bytes = try AtomicFile.read(path, head: 1) { (head: [UInt8], _: Int) throws(ModelFileError) in
            // A ModelProto starts with a field key; nnsh, PyTorch and onnx write ir_version (08) first.
            guard let first = head.first else { throw ModelFileError(.truncated, "the file is empty", hint: ProtobufReader.hint, offset: 0) }
            guard first & 0x80 == 0, [0, 2].contains(first & 7), (1...14).contains(first >> 3) else {
                throw ModelFileError(.notAModelFile, "not an ONNX model (it starts with byte \(String(first, radix: 16)))",
                                     hint: "give an .onnx file written by export, torch.onnx.export or onnx.save", offset: 0)
            }
        }
        do { return try ONNXImport.network(ONNXGraph.decode(bytes)) } catch { throw error.at(path: path) }
    }
}
