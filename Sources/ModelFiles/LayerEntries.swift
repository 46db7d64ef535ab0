import Engine
/// One layer kind's model-file entry: all that nnm files, safetensors and ONNX export need to
/// know of the kind, in one place (docs/ARCHITECTURE.md, "Layer records"). A new kind is one
/// entry here and one line in `LayerEntries.all`:
///
/// - `kind`, its word (the engine layer's `kind`), and `fields`, its settings in file order;
/// - `record(of:)`: the record of a layer of the kind (nil for another kind);
/// - `shapes(_:input:name:)`: its output shape and tensor shapes, from its settings alone,
///   taking no memory for the tensors (a damaged file's sizes are checked before its tensors
///   are read); the rules are the engine's (build the layer without tensors and ask it);
/// - `append(_:to:input:parameters:state:name:)`: the engine layer holding the file's tensors
///   and state, appended to the network through the engine's own checks (`add`, `addDropout`,
///   `append`);
/// - `stateShapes`, `stateNames`: its state tensors (`Layer.stateShapes`: batch normalisation's
///   running statistics), kept after the optimiser's moments in nnm files (none by default);
/// - `tensorNames`: PyTorch's names of its tensors (`layers.N.weight`), in `parameterShapes`
///   order, and `pytorchTensor`, tensor i as PyTorch holds it (by default as the layer does;
///   dense weights transposed to `nn.Linear`'s [outputs, inputs]);
/// - `summary`: how `info` shows it;
/// - `onnx`: its ONNX nodes, added to the graph through `ONNXGraphBuilder`'s steps (none by default:
///   the identity at inference, as dropout).
///
/// Errors are `ModelFileError`s whose message starts with `name` ("layer 2"); the caller sets
/// the hint and the offset.
protocol LayerEntry {
    static var kind: String { get }
    static var fields: [LayerField] { get }
    static var tensorNames: [String] { get }
    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord?
    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape])
    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError)
    /// Its state tensors' shapes (`Layer.stateShapes`) for settings that `shapes` accepted.
    static func stateShapes(_ r: LayerRecord, input: Shape) -> [Shape]
    /// PyTorch's names of its state tensors (`layers.N.running_mean`), in `stateShapes` order.
    static var stateNames: [String] { get }
    /// `input`: the shape the layer takes (as `shapes` found it).
    static func summary(_ r: LayerRecord, input: Shape) -> String
    static func pytorchTensor<T: Scalar>(_ index: Int, of layer: any Layer<T>) -> (shape: [Int], values: [T])
    /// `tensors` are its initializers' names, `prefix` its name ("layers.3").
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>)
}

extension LayerEntry {
    static var tensorNames: [String] { ["weight", "bias"] }
    static var stateNames: [String] { [] }
    static func stateShapes(_ r: LayerRecord, input: Shape) -> [Shape] { [] }
    static func pytorchTensor<T: Scalar>(_ index: Int, of layer: any Layer<T>) -> (shape: [Int], values: [T]) {
        (layer.parameterShapes[index].dimensions, layer.parameter(index))
    }
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {}
}

/// The table of entries, and what is shared between them.
enum LayerEntries {
    static var all: [any LayerEntry.Type] {
        [DenseEntry.self, DropoutEntry.self, ConvolutionEntry.self, MaxPoolEntry.self, FlattenEntry.self,
         BatchNormEntry.self]
    }

    static func entry(for kind: String) -> (any LayerEntry.Type)? { all.first { $0.kind == kind } }

    /// The record of any layer, or nil for a kind with no entry yet.
    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        for entry in all { if let r = entry.record(of: layer) { return r } }
        return nil
    }

    /// One tensor as PyTorch holds it, with the name `nn.Sequential` gives it.
    struct ExportedTensor<T: Scalar> {
        var name: String
        var shape: [Int]
        var values: [T]
    }

    /// Every parameter tensor of `network`, then each layer's state tensors (running
    /// statistics: PyTorch's buffers), named `layers.N.<name>` as PyTorch's `nn.Sequential`
    /// names them, N the layer's index in the stack (safetensors, NumPy and ONNX exports). A network of dense and dropout layers only keeps the names nnsh has
    /// always given it: N counts its dense layers.
    static func pytorchTensors<T: Scalar>(_ network: Network<T>) -> [ExportedTensor<T>] {
        var out: [ExportedTensor<T>] = []
        for (layer, prefix) in zip(network.stack, pytorchPrefixes(network)) {
            guard let entry = entry(for: type(of: layer).kind) else { continue }
            for (i, name) in entry.tensorNames.enumerated() {
                let (shape, values) = entry.pytorchTensor(i, of: layer)
                out.append(ExportedTensor(name: "\(prefix).\(name)", shape: shape, values: values))
            }
            for (i, name) in entry.stateNames.enumerated() {
                out.append(ExportedTensor(name: "\(prefix).\(name)", shape: layer.stateShapes[i].dimensions, values: layer.state(i)))
            }
        }
        return out
    }

    /// "layers.N" for each layer of the stack (see `pytorchTensors`).
    static func pytorchPrefixes<T: Scalar>(_ network: Network<T>) -> [String] {
        let denseOnly = network.isDenseOnly
        var dense = 0
        return network.stack.enumerated().map { s, layer in
            defer { if layer is DenseLayer<T> { dense += 1 } }
            return "layers.\(denseOnly ? dense : s)"
        }
    }

    /// The records of a network's stack as JSON (`nnsh.layers` in safetensors and ONNX
    /// metadata): one object per layer, its kind then its settings.
    static func json<T: Scalar>(_ network: Network<T>) -> String {
        JSON.array(network.stack.compactMap { record(of: $0) }.map { r in
            .object([JSON.Member(key: "kind", value: .string(r.kind))] + r.settings.map { s in
                switch s.value {
                case .size(let v): JSON.Member(key: s.name, value: .number(v))
                case .number(let v): JSON.Member(key: s.name, value: .number(v))
                case .text(let v): JSON.Member(key: s.name, value: .string(v))
                }
            })
        }).text
    }

    /// A record's `activation` and `alpha` settings (dense and conv).
    static func activationSettings(_ a: Activation) -> [LayerRecord.Setting] {
        var alpha = 0.0
        if case .leakyReLU(let a) = a { alpha = a }
        return [.init("activation", .text(a.name)), .init("alpha", .number(alpha))]
    }

    /// The activation those settings name: unknown names need a newer nnsh; alpha belongs to
    /// leaky ReLU alone.
    static func activation(_ r: LayerRecord, name: String) throws(ModelFileError) -> Activation {
        let text = r.text("activation") ?? "", alpha = r.number("alpha") ?? 0
        guard Activation.names.contains(text) else {
            throw ModelFileError(.unsupportedContent, "\(name)'s activation '\(text)' is not known to this nnsh",
                                 hint: "the file was written by a newer nnsh; upgrade nnsh to load it")
        }
        let activation: Activation
        do { activation = try Activation(parsing: text, alpha: alpha) } catch {
            throw ModelFileError(.malformed, "\(name): \(error.message)", hint: "the file is damaged; save it again")
        }
        if case .leakyReLU = activation {} else if alpha != 0 {
            throw ModelFileError(.malformed, "\(name)'s \(text) has alpha \(alpha), but only leaky_relu takes one",
                                 hint: "the file is damaged; save it again")
        }
        return activation
    }

    /// "relu", "leaky_relu(alpha=0.2)" as `info` shows an activation.
    static func activationSummary(_ r: LayerRecord) -> String {
        let alpha = r.number("alpha") ?? 0
        return (r.text("activation") ?? "") + (alpha == 0 ? "" : "(alpha=\(alpha))")
    }

    /// An engine error about `name`'s settings or tensors, as a model-file error.
    static func refusal(_ error: EngineError, name: String) -> ModelFileError {
        ModelFileError(.shapeMismatch, "\(name): \(error.message)", hint: "the file is damaged; save it again")
    }
}

// MARK: - The entries

/// `out = f(x·W + b)`: settings width, activation, alpha (the fields of format 1's `NETW`
/// layers); tensors W [inputs, width] (nnsh's orientation) and b [width].
enum DenseEntry: LayerEntry {
    static let kind = DenseLayer<Float>.kind
    static let fields = [LayerField("width", .size), LayerField("activation", .text), LayerField("alpha", .number)]

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        guard let d = layer as? DenseLayer<T> else { return nil }
        return LayerRecord(kind: kind, settings: [.init("width", .size(d.outputs))] + LayerEntries.activationSettings(d.activation))
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        let width = r.size("width") ?? 0
        return (Shape(width), [Shape([input.count, width]), Shape(width)])
    }

    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        let activation = try LayerEntries.activation(r, name: name)
        let width = r.size("width") ?? 0
        do {
            try network.add(DenseLayer(weights: Matrix(rows: input.count, columns: width, storage: parameters[0]),
                                       bias: parameters[1], activation: activation))
        } catch { throw LayerEntries.refusal(error, name: name) }
    }

    static func summary(_ r: LayerRecord, input: Shape) -> String { "\(r.size("width") ?? 0) \(LayerEntries.activationSummary(r))" }

    /// `Gemm(x, W, b, transB=1)` on flat values, then the activation.
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {
        guard let d = layer as? DenseLayer<T> else { return }
        graph.flat(prefix)
        graph.add("Gemm", tensors, output: "\(prefix).linear", [ONNXModel.Attribute(name: "transB", value: .int(1))])
        graph.activation(d.activation, prefix)
    }

    /// W as `nn.Linear.weight`: [outputs, inputs], the transpose of nnsh's.
    static func pytorchTensor<T: Scalar>(_ index: Int, of layer: any Layer<T>) -> (shape: [Int], values: [T]) {
        guard index == 0, let d = layer as? DenseLayer<T> else { return (layer.parameterShapes[index].dimensions, layer.parameter(index)) }
        return ([d.outputs, d.inputs], d.weights.transposed().storage)
    }
}

/// Inverted dropout: setting rate; no tensors, the shape unchanged.
enum DropoutEntry: LayerEntry {
    static let kind = DropoutLayer<Float>.kind
    static let fields = [LayerField("rate", .number)]
    static var tensorNames: [String] { [] }

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        guard let d = layer as? DropoutLayer<T> else { return nil }
        return LayerRecord(kind: kind, settings: [.init("rate", .number(d.rate))])
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        if let why = Dropout.problem(rate: r.number("rate") ?? 0) {
            throw ModelFileError(.malformed, "\(name): \(why)", hint: "the file is damaged; save it again")
        }
        return (input, [])
    }

    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        do { try network.addDropout(rate: r.number("rate") ?? 0) } catch {
            throw ModelFileError(.malformed, "\(name): \(error.message)", hint: "the file is damaged; save it again")
        }
    }

    static func summary(_ r: LayerRecord, input: Shape) -> String { "dropout \(r.number("rate") ?? 0)" }
}

/// A 2-D convolution: settings the image it reads (channels, height, width), filters,
/// kernel, stride, padding, activation, alpha; tensors W [filters, channels, k, k] (PyTorch's
/// `Conv2d.weight`) and b [filters].
enum ConvolutionEntry: LayerEntry {
    static let kind = ConvolutionLayer<Float>.kind
    static let fields = [LayerField("channels", .size), LayerField("height", .size), LayerField("width", .size),
                         LayerField("filters", .size), LayerField("kernel", .size), LayerField("stride", .size),
                         LayerField("padding", .count), LayerField("activation", .text), LayerField("alpha", .number)]

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        guard let c = layer as? ConvolutionLayer<T> else { return nil }
        return LayerRecord(kind: kind, settings: [
            .init("channels", .size(c.channels)), .init("height", .size(c.height)), .init("width", .size(c.width)),
            .init("filters", .size(c.filters)), .init("kernel", .size(c.kernel)), .init("stride", .size(c.stride)),
            .init("padding", .size(c.padding))] + LayerEntries.activationSettings(c.activation))
    }

    /// The layer without tensors (the engine's checks of its settings and of its input).
    static func settingsOnly(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> ConvolutionLayer<Float> {
        let image = Shape([r.size("channels") ?? 0, r.size("height") ?? 0, r.size("width") ?? 0])
        guard let count = image.checkedCount, count <= ModelFile.maximumWidth else {
            throw ModelFileError(.malformed, "\(name): a \(image) image is larger than \(ModelFile.maximumWidth) values",
                                 hint: "the file is damaged; save it again")
        }
        let activation = try LayerEntries.activation(r, name: name)
        do {
            let layer = try ConvolutionLayer<Float>(image: image, filters: r.size("filters") ?? 0, kernel: r.size("kernel") ?? 0,
                                                    stride: r.size("stride") ?? 0, padding: r.size("padding") ?? 0,
                                                    activation: activation)
            _ = try layer.outputShape(for: input)
            return layer
        } catch { throw LayerEntries.refusal(error, name: name) }
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        let layer = try settingsOnly(r, input: input, name: name)
        do { return (try layer.outputShape(for: input), layer.parameterShapes) } catch {
            throw LayerEntries.refusal(error, name: name)
        }
    }

    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        let settings = try settingsOnly(r, input: input, name: name)
        do { try network.append(ConvolutionLayer<T>(unchecked: settings, weights: parameters[0], bias: parameters[1])) } catch {
            throw LayerEntries.refusal(error, name: name)
        }
    }

    /// `Conv(x, W, b)` with kernel_shape, strides and pads on an image, then the activation.
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {
        guard let c = layer as? ConvolutionLayer<T> else { return }
        graph.image(prefix, Shape([c.channels, c.height, c.width]))
        let (k, s, p) = (Int64(c.kernel), Int64(c.stride), Int64(c.padding))
        graph.add("Conv", tensors, output: "\(prefix).convolution", [
            ONNXModel.Attribute(name: "kernel_shape", value: .ints([k, k])), ONNXModel.Attribute(name: "strides", value: .ints([s, s])),
            ONNXModel.Attribute(name: "pads", value: .ints([p, p, p, p]))])
        graph.activation(c.activation, prefix)
    }

    /// "conv 32 3×3 stride 1 padding 0 relu", the engine layer's summary.
    static func summary(_ r: LayerRecord, input: Shape) -> String {
        let k = r.size("kernel") ?? 0
        return "conv \(r.size("filters") ?? 0) \(k)×\(k) stride \(r.size("stride") ?? 0) padding \(r.size("padding") ?? 0) "
            + LayerEntries.activationSummary(r)
    }
}

/// Max pooling: settings the image it reads (channels, height, width), window and stride; no
/// tensors (PyTorch's `nn.MaxPool2d(window, stride)`).
enum MaxPoolEntry: LayerEntry {
    static let kind = MaxPoolLayer<Float>.kind
    static let fields = [LayerField("channels", .size), LayerField("height", .size), LayerField("width", .size),
                         LayerField("window", .size), LayerField("stride", .size)]
    static var tensorNames: [String] { [] }

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        guard let m = layer as? MaxPoolLayer<T> else { return nil }
        return LayerRecord(kind: kind, settings: [
            .init("channels", .size(m.channels)), .init("height", .size(m.height)), .init("width", .size(m.width)),
            .init("window", .size(m.window)), .init("stride", .size(m.stride))])
    }

    /// The layer (it has no tensors) after the engine's checks of its settings and its input.
    static func layer<T: Scalar>(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> MaxPoolLayer<T> {
        let image = Shape([r.size("channels") ?? 0, r.size("height") ?? 0, r.size("width") ?? 0])
        guard let count = image.checkedCount, count <= ModelFile.maximumWidth else {
            throw ModelFileError(.malformed, "\(name): a \(image) image is larger than \(ModelFile.maximumWidth) values",
                                 hint: "the file is damaged; save it again")
        }
        do {
            let layer = try MaxPoolLayer<T>(image: image, window: r.size("window") ?? 0, stride: r.size("stride") ?? 0)
            _ = try layer.outputShape(for: input)
            return layer
        } catch { throw LayerEntries.refusal(error, name: name) }
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        let layer: MaxPoolLayer<Float> = try layer(r, input: input, name: name)
        do { return (try layer.outputShape(for: input), []) } catch { throw LayerEntries.refusal(error, name: name) }
    }

    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        let layer: MaxPoolLayer<T> = try layer(r, input: input, name: name)
        do { try network.append(layer) } catch { throw LayerEntries.refusal(error, name: name) }
    }

    /// `MaxPool` with kernel_shape and strides on an image (no padding, floor: as nnsh pools).
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {
        guard let m = layer as? MaxPoolLayer<T> else { return }
        graph.image(prefix, Shape([m.channels, m.height, m.width]))
        let (k, s) = (Int64(m.window), Int64(m.stride))
        graph.add("MaxPool", output: "\(prefix).maxpool", [
            ONNXModel.Attribute(name: "kernel_shape", value: .ints([k, k])), ONNXModel.Attribute(name: "strides", value: .ints([s, s]))])
    }

    /// "maxpool 2×2 stride 2", the engine layer's summary.
    static func summary(_ r: LayerRecord, input: Shape) -> String {
        let w = r.size("window") ?? 0
        return "maxpool \(w)×\(w) stride \(r.size("stride") ?? 0)"
    }
}

/// Flattening an image into a flat vector: no settings, no tensors (PyTorch's `nn.Flatten`).
enum FlattenEntry: LayerEntry {
    static let kind = FlattenLayer<Float>.kind
    static let fields: [LayerField] = []
    static var tensorNames: [String] { [] }

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        layer is FlattenLayer<T> ? LayerRecord(kind: kind, settings: []) : nil
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        do { return (try FlattenLayer<Float>().outputShape(for: input), []) } catch { throw LayerEntries.refusal(error, name: name) }
    }

    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        do { try network.append(FlattenLayer<T>()) } catch { throw LayerEntries.refusal(error, name: name) }
    }

    /// `Flatten(axis=1)`.
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {
        graph.flat(prefix)
    }

    static func summary(_ r: LayerRecord, input: Shape) -> String { "flatten" }
}

/// Batch normalisation: settings momentum and epsilon (its shape is its input's); tensors γ and
/// β [channels] (PyTorch's `BatchNorm2d.weight`, `.bias`); state the running mean and variance
/// [channels] and the batches seen [1] (`.running_mean`, `.running_var`, `.num_batches_tracked`).
enum BatchNormEntry: LayerEntry {
    static let kind = BatchNormLayer<Float>.kind
    static let fields = [LayerField("momentum", .number), LayerField("epsilon", .number)]
    static var stateNames: [String] { ["running_mean", "running_var", "num_batches_tracked"] }

    static func record<T: Scalar>(of layer: any Layer<T>) -> LayerRecord? {
        guard let b = layer as? BatchNormLayer<T> else { return nil }
        return LayerRecord(kind: kind, settings: [.init("momentum", .number(b.momentum)), .init("epsilon", .number(b.epsilon))])
    }

    /// The layer with γ = 1, β = 0, after the engine's checks of its settings and its input.
    static func layer<T: Scalar>(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> BatchNormLayer<T> {
        let momentum = r.number("momentum") ?? 0, epsilon = r.number("epsilon") ?? 0
        if let why = BatchNorm.problem(momentum: momentum, epsilon: epsilon) {
            throw ModelFileError(.malformed, "\(name): \(why)", hint: "the file is damaged; save it again")
        }
        do { return try BatchNormLayer<T>(shape: input, momentum: momentum, epsilon: epsilon) } catch {
            throw LayerEntries.refusal(error, name: name)
        }
    }

    static func shapes(_ r: LayerRecord, input: Shape, name: String) throws(ModelFileError) -> (output: Shape, parameters: [Shape]) {
        let layer: BatchNormLayer<Float> = try layer(r, input: input, name: name)
        return (input, layer.parameterShapes)
    }

    static func stateShapes(_ r: LayerRecord, input: Shape) -> [Shape] {
        let channels = channels(input)
        return [Shape(channels), Shape(channels), Shape(1)]
    }

    /// Also refuses what the engine would compute nonsense from: a negative running variance,
    /// or batches seen that are not a whole number ≥ 0.
    static func append<T: Scalar>(_ r: LayerRecord, to network: Network<T>, input: Shape, parameters: [[T]],
                                  state: [[T]], name: String) throws(ModelFileError) {
        var layer: BatchNormLayer<T> = try layer(r, input: input, name: name)
        if let v = state[1].first(where: { $0 < 0 }) {
            throw ModelFileError(.malformed, "\(name)'s running variance has a negative value, \(v)", hint: "the file is damaged; save it again")
        }
        let seen = Double(state[2][0])
        guard seen >= 0, seen.rounded() == seen else {
            throw ModelFileError(.malformed, "\(name)'s batches seen is \(seen), not a whole number ≥ 0", hint: "the file is damaged; save it again")
        }
        (layer.scale, layer.shift) = (parameters[0], parameters[1])
        (layer.runningMean, layer.runningVariance, layer.batchesSeen) = (state[0], state[1], state[2])
        do { try network.append(layer) } catch { throw LayerEntries.refusal(error, name: name) }
    }

    /// `BatchNormalization(x, γ, β, running mean, running variance)` with epsilon, the inference
    /// form (per channel of an image, per feature of flat values, as nnsh normalises).
    static func onnx<T: Scalar>(_ layer: any Layer<T>, tensors: [String], prefix: String, into graph: inout ONNXGraphBuilder<T>) {
        guard let b = layer as? BatchNormLayer<T> else { return }
        if b.shape.dimensions.count == 1 { graph.flat(prefix) } else { graph.image(prefix, b.shape) }
        graph.add("BatchNormalization", Array(tensors.prefix(4)), output: "\(prefix).batchnorm",
                  [ONNXModel.Attribute(name: "epsilon", value: .float(Float(b.epsilon)))])
    }

    /// "batchnorm 32 momentum 0.1 epsilon 1e-05", the engine layer's summary: its channels (or
    /// features) are its input's.
    static func summary(_ r: LayerRecord, input: Shape) -> String {
        "batchnorm \(channels(input)) momentum \(r.number("momentum") ?? 0) epsilon \(r.number("epsilon") ?? 0)"
    }

    /// An image's channels, or a flat input's features: what it keeps one mean and variance for.
    static func channels(_ input: Shape) -> Int {
        input.dimensions.count == 1 ? (input.checkedCount ?? 0) : input.dimensions.first ?? 0
    }
}
