import Engine
/// The checks writing and reading share: tensor shapes, finite numbers, header consistency.
extension ModelFile {
    /// "layer 2 weights", "optimiser moment 1 of layer 1 biases": tensor `index` of
    /// `labels` (`Architecture.tensorLabels`) in optimiser slot `slot` (-1: the parameters).
    static func tensorName(_ index: Int, slot: Int, labels: [String]) -> String {
        let base = index < labels.count ? labels[index] : "tensor \(index + 1)"
        return slot < 0 ? base : "optimiser moment \(slot + 1) of \(base)"
    }

    /// Tensor `index` must have the shape the architecture gives it, `expected` (from
    /// `Architecture.tensorPlaces`, computed once by the caller: per tensor it is quadratic).
    /// A dense layer's weights name the layer or input they chain to (format 1's messages).
    static func checkShape(rows: Int, columns: Int, expected: TensorPlace, what: String,
                           architecture: Architecture, offset: Int?) throws(ModelFileError) {
        let shape = expected.shape.matrixShape
        guard rows != shape.rows || columns != shape.columns else { return }
        let message: String
        if expected.layerKind == DenseEntry.kind && expected.tensor == 0 && rows != shape.rows {
            let source = expected.previous.map { "\($0) gives \(shape.rows) values" }
                ?? "the input width is \(architecture.inputWidth)"
            message = "\(what) are \(rows)×\(columns), taking \(rows) inputs, but \(source): shapes do not chain"
        } else if expected.layerKind == DenseEntry.kind {
            message = "\(what) are \(rows)×\(columns), but \(expected.layer) is \(shape.columns) wide (expected \(shape.rows)×\(shape.columns))"
        } else {
            message = "\(what) are \(rows)×\(columns), but \(expected.layer) holds them as \(shape.rows)×\(shape.columns) (\(expected.shape))"
        }
        throw ModelFileError(.shapeMismatch, message,
                             hint: "the file is damaged or was written by a faulty program", offset: offset)
    }

    static func checkFinite<T: Scalar>(_ tensor: Matrix<T>, what: String, offset: Int?, hint: String) throws(ModelFileError) {
        guard let bad = tensor.storage.firstIndex(where: { !$0.isFinite }) else { return }
        let value = tensor.storage[bad]
        throw ModelFileError(.nonFiniteValue,
                             "\(what) contain \(value.isNaN ? "NaN" : "infinity") at [\(bad / tensor.columns), \(bad % tensor.columns)]",
                             hint: hint, offset: offset.map { $0 + bad * MemoryLayout<T>.size })
    }

    /// Meaning checks on a header: sizes agree with each other and lie in range. `hint` says
    /// what to do about a failure (it differs between reading a file and writing one).
    static func validate(_ header: ModelHeader,
                         hint: String = "the file is damaged or was written by a faulty program") throws(ModelFileError) {
        let a = header.architecture
        guard !a.stack.isEmpty else {
            throw ModelFileError(.malformed, "the network has no layers", hint: hint)
        }
        let input = a.inputShape.dimensions
        guard !input.isEmpty, input.count <= 4, input.allSatisfy({ $0 >= 1 }),
              let inputCount = a.inputShape.checkedCount, inputCount <= maximumWidth else {
            let message = input.count == 1 ? "the input width is \(a.inputShape); it must be between 1 and \(maximumWidth)"
                : "the input shape is \(a.inputShape); it must have 1 to 4 dimensions and between 1 and \(maximumWidth) values"
            throw ModelFileError(.malformed, message, hint: hint)
        }
        do { _ = try a.layerShapes() } catch {
            var e = error
            if e.kind != .unsupportedContent { e.hint = hint }
            throw e
        }
        let p = header.preprocessing
        guard p.inputMeans.count == p.inputStds.count, p.inputMeans.isEmpty || p.inputMeans.count == a.inputWidth else {
            throw ModelFileError(.shapeMismatch,
                                 "standardisation has \(p.inputMeans.count) means and \(p.inputStds.count) deviations for \(a.inputWidth) inputs",
                                 hint: hint)
        }
        guard p.inputMeans.allSatisfy(\.isFinite), p.inputStds.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ModelFileError(.nonFiniteValue, "standardisation has a non-finite mean or a deviation that is not positive",
                                 hint: hint)
        }
        if let image = p.image {
            let (wh, o1) = image.width.multipliedReportingOverflow(by: image.height)
            let (whc, o2) = wh.multipliedReportingOverflow(by: image.channels)
            guard image.width >= 1, image.height >= 1, image.channels >= 1, !o1, !o2, whc == a.inputWidth else {
                throw ModelFileError(.shapeMismatch,
                                     "image geometry \(image.width)×\(image.height)×\(image.channels) does not match the input width \(a.inputWidth)",
                                     hint: hint)
            }
        }
        guard p.classLabels.isEmpty || p.classLabels.count == a.outputWidth else {
            throw ModelFileError(.shapeMismatch,
                                 "\(p.classLabels.count) class labels for \(a.outputWidth) outputs", hint: hint)
        }
        if let o = header.optimizer {
            guard o.slots >= 0, o.slots <= maximumSlots else {
                throw ModelFileError(.malformed, "the optimiser keeps \(o.slots) moments per parameter (at most \(maximumSlots))", hint: hint)
            }
            guard o.hyperparameters.allSatisfy({ $0.value.isFinite }) else {
                throw ModelFileError(.nonFiniteValue, "an optimiser setting is NaN or infinite", hint: hint)
            }
        }
        if let why = header.generator?.problem { throw ModelFileError(.malformed, why, hint: hint) }
        if header.history.epochs.contains(where: { $0.epoch < 0 || $0.samples < 0 }) {
            throw ModelFileError(.malformed, "the training history has a negative epoch or sample count", hint: hint)
        }
        if let i = header.history.epochs.firstIndex(where: { !(0...maximumEpochSeconds).contains($0.seconds) }) {
            throw ModelFileError(.malformed,
                                 "epoch record \(i + 1) of the training history lasted \(header.history.epochs[i].seconds) seconds; a duration is from 0 to \(Int(maximumEpochSeconds))",
                                 hint: hint)
        }
        if header.history.epochs.contains(where: { !($0.learningRate?.isFinite ?? true) }) {
            throw ModelFileError(.malformed, "the training history has a non-finite learning rate", hint: hint)
        }
        if let digest = header.provenance.trainingDataSHA256, digest.count != 32 {
            throw ModelFileError(.malformed, "the training-data digest has \(digest.count) bytes, not 32", hint: hint)
        }
    }
}

/// Where a tensor of the data section belongs: its layer, its shape and its place there.
struct TensorPlace {
    /// "layer 2".
    var layer: String
    var layerKind: String
    /// Its index among its layer's tensors.
    var tensor: Int
    var shape: Shape
    /// The layer with tensors before it, when its input is that layer's output ("layer 1");
    /// nil for the network's input.
    var previous: String?
}

extension Architecture {
    /// How messages name each layer of the stack: "layer k", k counting the layers with
    /// tensors; a layer without (dropout) is named by the one after it, as in format 1.
    var layerNames: [String] {
        var names: [String] = []
        var k = 1
        var pending: [String] = []   // kinds of the layers without tensors waiting for the next one
        for r in stack {
            guard !(LayerEntries.entry(for: r.kind)?.tensorNames.isEmpty ?? true) else { pending.append(r.kind); continue }
            names += pending.map { $0 == DropoutEntry.kind ? "layer \(k)" : "the \($0) layer in front of layer \(k)" }
            names.append("layer \(k)")
            pending = []
            k += 1
        }
        names += pending.map { $0 == DropoutEntry.kind ? "layer \(k)" : "the \($0) layer after layer \(k - 1)" }
        return names
    }

    /// The shapes through the stack: each record checked against its entry's fields, then
    /// its entry's shapes for the shape coming in (the one place these rules are applied, for
    /// reading, writing and `info`). Linear in the layers.
    func layerShapes() throws(ModelFileError) -> [LayerShapes] {
        Self.shapesComputed?.shapes.add(stack.count, ordering: .relaxed)
        let names = layerNames
        let damaged = "the file is damaged; save it again"
        var shape = inputShape
        var out: [LayerShapes] = []
        out.reserveCapacity(stack.count)
        for (s, r) in stack.enumerated() {
            let name = names[s]
            guard let entry = LayerEntries.entry(for: r.kind) else {
                throw ModelFileError(.unsupportedContent, "\(name) is a '\(r.kind)' layer, which this nnsh does not know",
                                     hint: "the file was written by a newer nnsh; upgrade nnsh to load it")
            }
            guard r.settings.map(\.name) == entry.fields.map(\.name) else {
                throw ModelFileError(.malformed, "\(name), a \(r.kind) layer, has settings \(r.settings.map(\.name)), not \(entry.fields.map(\.name))",
                                     hint: damaged)
            }
            for (setting, field) in zip(r.settings, entry.fields) {
                try Self.check(setting.value, field, of: name)
            }
            let (output, parameters) = try entry.shapes(r, input: shape, name: name)
            guard !output.dimensions.isEmpty, output.dimensions.allSatisfy({ $0 >= 1 }),
                  let count = output.checkedCount, count <= ModelFile.maximumWidth else {
                throw ModelFileError(.malformed, "\(name) gives \(output) values per example; that must be between 1 and \(ModelFile.maximumWidth)",
                                     hint: damaged)
            }
            guard parameters.allSatisfy({ $0.checkedCount != nil }) else {
                throw ModelFileError(.malformed, "\(name)'s tensors are too large", hint: damaged)
            }
            out.append(LayerShapes(input: shape, output: output, parameters: parameters, state: entry.stateShapes(r, input: shape)))
            shape = output
        }
        return out
    }

    /// A setting's value against its field: the type, and the range of sizes and numbers.
    private static func check(_ value: LayerRecord.Value, _ field: LayerField, of name: String) throws(ModelFileError) {
        let what = "\(name)'s \(field.name)"
        let hint = "the file is damaged; save it again"
        switch (field.kind, value) {
        case (.size, .size(let v)), (.count, .size(let v)):
            let least = field.kind == .size ? 1 : 0
            guard v >= least, v <= ModelFile.maximumWidth else {
                throw ModelFileError(.malformed, "\(what) is \(v); it must be between \(least) and \(ModelFile.maximumWidth)", hint: hint)
            }
        case (.number, .number(let v)):
            guard v.isFinite else { throw ModelFileError(.nonFiniteValue, "\(what) is \(v)", hint: hint) }
        case (.text, .text):
            break
        default:
            throw ModelFileError(.malformed, "\(what) is \(value), not a \(field.kind)", hint: hint)
        }
    }

    /// Every parameter tensor in file order with where it belongs; empty when the records do
    /// not fit together (`layerShapes` says why).
    var tensorPlaces: [TensorPlace] {
        guard let shapes = try? layerShapes() else { return [] }
        let names = layerNames
        var places: [TensorPlace] = []
        var previous: String?
        for (s, r) in stack.enumerated() {
            let entry = LayerEntries.entry(for: r.kind)
            for (t, shape) in shapes[s].parameters.enumerated() {
                places.append(TensorPlace(layer: names[s], layerKind: r.kind, tensor: t, shape: shape, previous: previous))
            }
            if !(entry?.tensorNames.isEmpty ?? true) { previous = names[s] }
            else if r.kind != DropoutEntry.kind { previous = names[s] }
        }
        return places
    }

    /// "layer 1 weights", "layer 1 biases", … for each tensor of `tensorPlaces`.
    func tensorLabels(_ places: [TensorPlace]) -> [String] {
        places.map { place in
            let name = LayerEntries.entry(for: place.layerKind)?.tensorNames[place.tensor] ?? "tensor"
            let plural = name == "weight" ? "weights" : name == "bias" ? "biases" : name.split(separator: "_").joined(separator: " ")
            return "\(place.layer) \(plural)"
        }
    }

    /// Every state tensor (`LayerEntry.stateShapes`) in file order with where it belongs;
    /// empty when the records do not fit together.
    var statePlaces: [TensorPlace] {
        guard let shapes = try? layerShapes() else { return [] }
        let names = layerNames
        return stack.indices.flatMap { s in
            shapes[s].state.enumerated().map { t, shape in
                TensorPlace(layer: names[s], layerKind: stack[s].kind, tensor: t, shape: shape, previous: nil)
            }
        }
    }

    /// "layer 2 running mean", … for each tensor of `statePlaces`.
    func stateLabels(_ places: [TensorPlace]) -> [String] {
        places.map { place in
            let name = LayerEntries.entry(for: place.layerKind)?.stateNames[place.tensor] ?? "state"
            return "\(place.layer) " + (name == "running_var" ? "running variance" : name == "num_batches_tracked" ? "batches seen"
                                                : name.split(separator: "_").joined(separator: " "))
        }
    }
}
