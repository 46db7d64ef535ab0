import Engine
/// Networks in safetensors form, for PyTorch and other tools:
///
/// - tensors `layers.<i>.weight`, shape `[outputs, inputs]` (PyTorch `nn.Linear`'s orientation,
///   the transpose of ours), and `layers.<i>.bias`, shape `[outputs]`, in F32 or F64;
/// - `__metadata__`: `format` = `pt`, and `nnsh.*` entries (JSON text) that let nnsh rebuild
///   what the tensors cannot say: activations, alphas, cost, preprocessing, and the rate of
///   the dropout layer in front of each dense layer (`nnsh.dropout`, only when there is one;
///   dropout has no tensors).
///
/// A network with other layers (a convolution) names its tensors by their layer's index in the
/// stack, as `nn.Sequential` does (`layers.0.weight` [filters, channels, k, k], a dense layer
/// after a dropout at index 2 `layers.3.weight`), and describes itself by `nnsh.input_shape`
/// and `nnsh.layers` (every layer's record, `LayerEntries.json`); import refuses such files.
///
/// Import accepts any common prefix (`0.weight`, `net.2.weight`, …; layers ordered by their
/// number, gaps allowed as in `nn.Sequential` with activation modules), F16, BF16, F32 and F64,
/// and a missing bias (zeros). Without `nnsh.activations` the caller must name the activations.
extension SafeTensorsFile {
    /// Metadata keys written by nnsh.
    enum Key {
        static let version = "nnsh.version"
        static let activations = "nnsh.activations"
        static let alphas = "nnsh.alphas"
        static let cost = "nnsh.cost"
        static let inputMeans = "nnsh.input_means"
        static let inputStds = "nnsh.input_stds"
        static let image = "nnsh.image"
        static let classLabels = "nnsh.class_labels"
        static let dropout = "nnsh.dropout"
        static let inputShape = "nnsh.input_shape"
        static let layers = "nnsh.layers"
    }

    /// `network`'s weights and biases, with metadata describing the rest.
    public init(network: AnyNetwork, preprocessing: Preprocessing = Preprocessing()) {
        switch network {
        case .float(let n): self.init(n, preprocessing: preprocessing)
        case .double(let n): self.init(n, preprocessing: preprocessing)
        }
    }

    init<T: Scalar>(_ network: Network<T>, preprocessing: Preprocessing) {
        let tensors = LayerEntries.pytorchTensors(network).map { Tensor(name: $0.name, shape: $0.shape, values: $0.values) }
        var metadata = [NamedText("format", "pt"), NamedText(Key.version, NNSHVersion.string)]
        if network.isDenseOnly {
            metadata.append(NamedText(Key.activations, JSON.array(network.layers.map { .string($0.activation.name) }).text))
            metadata.append(NamedText(Key.alphas, JSON.array(network.layers.map { layer -> JSON in
                if case .leakyReLU(let a) = layer.activation { return JSON.number(a) }
                return JSON.number(0)
            }).text))
        } else {
            metadata.append(NamedText(Key.inputShape, JSON.array(network.inputShape.dimensions.map { JSON.number($0) }).text))
            metadata.append(NamedText(Key.layers, LayerEntries.json(network)))
        }
        if let cost = network.explicitCost { metadata.append(NamedText(Key.cost, cost.name)) }
        if network.isDenseOnly && network.layers.contains(where: { $0.inputDropout != 0 }) {
            metadata.append(NamedText(Key.dropout, JSON.array(network.layers.map { JSON.number($0.inputDropout) }).text))
        }
        let p = preprocessing
        if !p.inputMeans.isEmpty {
            metadata.append(NamedText(Key.inputMeans, JSON.array(p.inputMeans.map { JSON.number($0) }).text))
            metadata.append(NamedText(Key.inputStds, JSON.array(p.inputStds.map { JSON.number($0) }).text))
        }
        if let image = p.image {
            metadata.append(NamedText(Key.image, JSON.array([image.width, image.height, image.channels].map { JSON.number($0) }).text))
        }
        if !p.classLabels.isEmpty {
            metadata.append(NamedText(Key.classLabels, JSON.array(p.classLabels.map { .string($0) }).text))
        }
        self.init(metadata: metadata, tensors: tensors)
    }

    /// The network these tensors describe. `activations` (one per layer) overrides
    /// `nnsh.activations`; one of them is needed.
    public func network(activations override: [Activation]? = nil) throws(ModelFileError) -> LoadedNetwork {
        if meta(Key.layers) != nil {
            throw problem(.unsupportedContent, "the file holds a network of layers other than dense ones (\(Key.layers)), which import does not read yet",
                          hint: "save the network as an nnsh model file and load that")
        }
        let layers = try denseLayers()
        let activations = try activationList(override, layerCount: layers.count)
        let inputWidth = layers[0].weight.shape[1]
        var cost: Cost?
        if let name = meta(Key.cost) {
            guard let c = Cost(rawValue: name) else { throw problem(.unsupportedContent, "unknown cost '\(name)' in \(Key.cost)") }
            cost = c
        }
        let preprocessing = try preprocessingFromMetadata()
        let useDouble = layers.contains { $0.weight.dtype == .F64 || $0.bias?.dtype == .F64 }
        let network: AnyNetwork = useDouble
            ? .double(try build(Double.self, layers, activations, inputWidth: inputWidth, cost: cost))
            : .float(try build(Float.self, layers, activations, inputWidth: inputWidth, cost: cost))
        let dropout = try dropoutRates(layerCount: layers.count)
        for (i, rate) in dropout.enumerated() {
            switch network {
            case .float(let n): n.layers[i].inputDropout = rate
            case .double(let n): n.layers[i].inputDropout = rate
            }
        }
        let architecture = Architecture(
            inputWidth: inputWidth,
            layers: zip(layers, activations).enumerated().map { i, pair in
                var alpha = 0.0
                if case .leakyReLU(let a) = pair.1 { alpha = a }
                return LayerSpec(width: pair.0.weight.shape[0], activation: pair.1.name, alpha: alpha,
                                 inputDropout: dropout.isEmpty ? 0 : dropout[i])
            },
            cost: network.cost.name, costIsExplicit: cost != nil)
        let header = ModelHeader(precision: network.precision, architecture: architecture, preprocessing: preprocessing,
                                 provenance: Provenance(nnshVersion: meta(Key.version) ?? "", date: 0))
        do { try ModelFile.validate(header) } catch {
            var e = error
            e.hint = "the nnsh.* metadata does not fit the tensors; export the model again"
            throw e
        }
        return LoadedNetwork(network: network, header: header)
    }

    // MARK: - Pieces

    private func meta(_ key: String) -> String? { metadata.first { $0.name == key }?.value }

    /// `nnsh.dropout`: one rate in [0, 1) per layer, or none at all (no dropout).
    private func dropoutRates(layerCount: Int) throws(ModelFileError) -> [Double] {
        guard let text = meta(Key.dropout) else { return [] }
        let rates = try jsonArray(Key.dropout, text).map { (v) throws(ModelFileError) -> Double in
            guard let d = v.doubleValue, Dropout.problem(rate: d) == nil else {
                throw problem(.malformed, "\(Key.dropout) holds something that is not a dropout rate (0 ≤ p < 1)")
            }
            return d
        }
        guard rates.count == layerCount else {
            throw problem(.shapeMismatch, "\(Key.dropout) has \(rates.count) rates for \(layerCount) layers")
        }
        return rates
    }

    private func problem(_ kind: ModelFileError.Kind, _ message: String,
                         hint: String = "the file does not describe a network of dense layers") -> ModelFileError {
        ModelFileError(kind, message, hint: hint)
    }

    /// `text` as a layer number when it is one in plain decimal: digits only, no leading zero.
    private static func layerNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              text == "0" || text.first != "0" else { return nil }
        return Int(text)
    }

    /// The tensors grouped into layers `<prefix><n>.weight` / `.bias`, ordered by n.
    private func denseLayers() throws(ModelFileError) -> [(weight: Tensor, bias: Tensor?)] {
        var prefix: String?
        var groups: [Int: (weight: Tensor?, bias: Tensor?)] = [:]
        for t in tensors {
            let parts = t.name.split(separator: ".", omittingEmptySubsequences: false)
            // The layer number in plain decimal ("0", "12"; not "00", "+0"), so two spellings
            // of one number cannot both name a layer's weight.
            guard parts.count >= 2, let n = Self.layerNumber(parts[parts.count - 2]),
                  parts.last == "weight" || parts.last == "bias" else {
                throw problem(.unsupportedContent, "tensor '\(t.name)' is not a layer's weight or bias (expected names like layers.0.weight)")
            }
            let p = parts.dropLast(2).joined(separator: ".")
            guard prefix == nil || prefix == p else {
                throw problem(.unsupportedContent, "tensors '\(prefix!)…' and '\(t.name)' belong to different modules")
            }
            prefix = p
            // One name per tensor (the container refuses duplicate keys) and one spelling per
            // number: no tensor replaces another here.
            if parts.last == "weight" { groups[n, default: (nil, nil)].weight = t } else { groups[n, default: (nil, nil)].bias = t }
        }
        guard !groups.isEmpty else { throw problem(.malformed, "the file holds no tensors") }
        var layers: [(weight: Tensor, bias: Tensor?)] = []
        var previousOutputs: Int?
        for n in groups.keys.sorted() {
            guard let weight = groups[n]!.weight else {
                throw problem(.malformed, "layer \(n) has a bias but no weight")
            }
            guard weight.shape.count == 2, weight.shape[0] > 0, weight.shape[1] > 0 else {
                throw problem(.shapeMismatch, "tensor '\(weight.name)' has shape \(weight.shape); a dense layer's weight is [outputs, inputs]")
            }
            if let bias = groups[n]!.bias, bias.shape != [weight.shape[0]] {
                throw problem(.shapeMismatch, "tensor '\(bias.name)' has shape \(bias.shape) but its layer has \(weight.shape[0]) outputs")
            }
            if let previousOutputs, weight.shape[1] != previousOutputs {
                throw problem(.shapeMismatch,
                              "tensor '\(weight.name)' takes \(weight.shape[1]) inputs but the layer before gives \(previousOutputs): shapes do not chain")
            }
            guard weight.shape[0] <= ModelFile.maximumWidth, weight.shape[1] <= ModelFile.maximumWidth else {
                throw problem(.unsupportedContent, "tensor '\(weight.name)' is too large (\(weight.shape))")
            }
            previousOutputs = weight.shape[0]
            layers.append((weight, groups[n]!.bias))
        }
        return layers
    }

    private func activationList(_ override: [Activation]?, layerCount: Int) throws(ModelFileError) -> [Activation] {
        if let override {
            guard override.count == layerCount else {
                throw problem(.shapeMismatch, "\(counted(override.count, "activation")) given for \(counted(layerCount, "layer"))",
                              hint: "give one activation per layer")
            }
            return override
        }
        guard let text = meta(Key.activations) else {
            throw problem(.unsupportedContent, "the file does not say which activations its \(counted(layerCount, "layer")) use (no \(Key.activations) metadata)",
                          hint: "name one activation per layer when importing")
        }
        let names = try jsonArray(Key.activations, text).map { (v) throws(ModelFileError) -> String in
            guard let s = v.stringValue else { throw problem(.malformed, "\(Key.activations) holds a non-string") }
            return s
        }
        var alphas = [Double](repeating: 0, count: names.count)
        if let text = meta(Key.alphas) {
            alphas = try jsonArray(Key.alphas, text).map { (v) throws(ModelFileError) -> Double in
                guard let d = v.doubleValue, d.isFinite else { throw problem(.malformed, "\(Key.alphas) holds a non-number") }
                return d
            }
        }
        guard names.count == layerCount, alphas.count == layerCount else {
            throw problem(.shapeMismatch, "\(Key.activations) names \(names.count) activations for \(layerCount) layers",
                          hint: "name one activation per layer when importing")
        }
        var out: [Activation] = []
        for (name, alpha) in zip(names, alphas) {
            guard Activation.names.contains(name) else {
                throw problem(.unsupportedContent, "unknown activation '\(name)' in \(Key.activations)",
                              hint: "it was written by a newer nnsh, or name the activations when importing")
            }
            do { out.append(try Activation(parsing: name, alpha: alpha)) } catch {
                throw problem(.malformed, "\(Key.alphas): \(error.message)")
            }
        }
        return out
    }

    private func jsonArray(_ key: String, _ text: String) throws(ModelFileError) -> [JSON] {
        let parsed: JSON
        do { parsed = try JSON.parse(Array(text.utf8)[...]) } catch {
            throw problem(.malformed, "metadata \(key) is not valid JSON: \(error.message)")
        }
        guard case .array(let items) = parsed else { throw problem(.malformed, "metadata \(key) is not a JSON array") }
        return items
    }

    private func preprocessingFromMetadata() throws(ModelFileError) -> Preprocessing {
        var p = Preprocessing()
        func numbers(_ key: String) throws(ModelFileError) -> [Double] {
            guard let text = meta(key) else { return [] }
            return try jsonArray(key, text).map { (v) throws(ModelFileError) -> Double in
                guard let d = v.doubleValue, d.isFinite else { throw problem(.malformed, "\(key) holds a non-number") }
                return d
            }
        }
        p.inputMeans = try numbers(Key.inputMeans)
        p.inputStds = try numbers(Key.inputStds)
        let image = try numbers(Key.image)
        if !image.isEmpty {
            guard image.count == 3, image.allSatisfy({ $0 >= 1 && $0 <= Double(ModelFile.maximumWidth) && $0 == $0.rounded() }) else {
                throw problem(.malformed, "\(Key.image) is not [width, height, channels]")
            }
            p.image = ImageGeometry(width: Int(image[0]), height: Int(image[1]), channels: Int(image[2]))
        }
        if let text = meta(Key.classLabels) {
            p.classLabels = try jsonArray(Key.classLabels, text).map { (v) throws(ModelFileError) -> String in
                guard let s = v.stringValue else { throw problem(.malformed, "\(Key.classLabels) holds a non-string") }
                return s
            }
        }
        return p
    }

    private func build<T: Scalar>(_: T.Type, _ layers: [(weight: Tensor, bias: Tensor?)], _ activations: [Activation],
                                  inputWidth: Int, cost: Cost?) throws(ModelFileError) -> Network<T> {
        var dense: [DenseLayer<T>] = []
        for (i, (weight, bias)) in layers.enumerated() {
            let (outputs, inputs) = (weight.shape[0], weight.shape[1])
            let w = Matrix<T>(rows: outputs, columns: inputs, storage: try values(weight, as: T.self)).transposed()
            let b = try bias.map { (t) throws(ModelFileError) in try values(t, as: T.self) } ?? Array(repeating: 0, count: outputs)
            do { dense.append(try DenseLayer(weights: w, bias: b, activation: activations[i])) } catch {
                throw problem(.shapeMismatch, "layer \(i + 1): \(error.message)")
            }
        }
        do { return try Network(inputWidth: inputWidth, layers: dense, cost: cost) } catch {
            throw problem(.shapeMismatch, error.message, hint: "name activations that fit the cost, or leave the cost out")
        }
    }

    /// A float tensor's values in `T`, refusing other dtypes and NaN or infinity.
    private func values<T: Scalar>(_ t: Tensor, as _: T.Type) throws(ModelFileError) -> [T] {
        var r = ByteReader(t.data)
        let count = t.data.count / t.dtype.byteSize
        var out: [T]
        switch t.dtype {
        case .F32: out = try r.scalars(count, of: Float.self, for: t.name).map { T($0) }
        case .F64: out = try r.scalars(count, of: Double.self, for: t.name).map { T($0) }
        case .F16:
            out = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(T(Float(Self.halfToFloat(try r.uint16(t.name))))) }
        case .BF16:
            out = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(T(Float(bitPattern: UInt32(try r.uint16(t.name)) << 16))) }
        default:
            throw problem(.unsupportedContent, "tensor '\(t.name)' holds \(t.dtype.rawValue), not floating-point numbers",
                          hint: "convert it to float32 before exporting")
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw problem(.nonFiniteValue, "tensor '\(t.name)' contains \(out[bad].isNaN ? "NaN" : "infinity") at element \(bad)",
                          hint: "the model was saved after training diverged, or the file is damaged")
        }
        return out
    }

    /// IEEE 754 binary16 -> binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let fraction = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

extension ModelFile {
    /// Writes `network` as a safetensors file (atomically).
    public static func exportSafeTensors(_ network: AnyNetwork, to path: String,
                                         preprocessing: Preprocessing = Preprocessing()) throws(ModelFileError) {
        guard !network.layers.isEmpty else {
            throw ModelFileError(.unsupportedContent, "the network has no layers yet", hint: "add layers before exporting", path: path)
        }
        guard network.pendingDropout == 0 else { throw trailingDropout(path: path, verb: "exporting") }
        if let kind = network.kindWithoutRecord { throw withoutRecord(kind, path: path, verb: "exported") }
        try SafeTensorsFile(network: network, preprocessing: preprocessing).write(to: path)
    }

    /// Writes `network`'s weights as a NumPy `.npz` archive, named as in safetensors
    /// (`NumPyArchive(network:)`), atomically.
    public static func exportNumPy(_ network: AnyNetwork, to path: String) throws(ModelFileError) {
        guard !network.layers.isEmpty else {
            throw ModelFileError(.unsupportedContent, "the network has no layers yet", hint: "add layers before exporting", path: path)
        }
        guard network.pendingDropout == 0 else { throw trailingDropout(path: path, verb: "exporting") }
        if let kind = network.kindWithoutRecord { throw withoutRecord(kind, path: path, verb: "exported") }
        try NumPyArchive(network: network).write(to: path)
    }

    /// Reads a network from a safetensors file; `activations` (one per layer) is needed when
    /// the file was not written by nnsh.
    public static func importSafeTensors(_ path: String, activations: [Activation]? = nil) throws(ModelFileError) -> LoadedNetwork {
        let file = try SafeTensorsFile.read(path)
        do { return try file.network(activations: activations) } catch { throw error.at(path: path) }
    }
}
