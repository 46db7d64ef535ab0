import Engine
/// The checks writing and reading share: tensor shapes, finite numbers, header consistency.
extension ModelFile {
    /// "layer 2 weights", "optimiser moment 1 of layer 1 biases" (layers counted from 1).
    static func tensorName(_ index: Int, slot: Int) -> String {
        let base = "layer \(index / 2 + 1) \(index % 2 == 0 ? "weights" : "biases")"
        return slot < 0 ? base : "optimiser moment \(slot + 1) of \(base)"
    }

    /// Tensor `index` must have the shape the architecture gives it, `expected` (from
    /// `architecture.parameterShapes`, computed once by the caller: per tensor it is quadratic).
    static func checkShape(rows: Int, columns: Int, index: Int, expected: (rows: Int, columns: Int), what: String,
                           architecture: Architecture, offset: Int?) throws(ModelFileError) {
        guard rows != expected.rows || columns != expected.columns else { return }
        let layer = index / 2 + 1
        let source = layer == 1 ? "the input width is \(architecture.inputWidth)"
                                : "layer \(layer - 1) gives \(expected.rows) values"
        let message: String
        if index % 2 == 0 && rows != expected.rows {
            message = "\(what) are \(rows)×\(columns), taking \(rows) inputs, but \(source): shapes do not chain"
        } else {
            message = "\(what) are \(rows)×\(columns), but layer \(layer) is \(expected.columns) wide (expected \(expected.rows)×\(expected.columns))"
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
        guard !a.layers.isEmpty else {
            throw ModelFileError(.malformed, "the network has no layers", hint: hint)
        }
        for (i, layer) in ([LayerSpec(width: a.inputWidth, activation: "")] + a.layers).enumerated()
        where layer.width < 1 || layer.width > maximumWidth {
            let what = i == 0 ? "the input width" : "layer \(i)'s width"
            throw ModelFileError(.malformed, "\(what) is \(layer.width); it must be between 1 and \(maximumWidth)", hint: hint)
        }
        if let bad = a.layers.firstIndex(where: { !$0.alpha.isFinite }) {
            throw ModelFileError(.nonFiniteValue, "layer \(bad + 1)'s alpha is \(a.layers[bad].alpha)", hint: hint)
        }
        for (i, layer) in a.layers.enumerated() {
            if let why = Dropout.problem(rate: layer.inputDropout) {
                throw ModelFileError(.malformed, "layer \(i + 1): \(why)", hint: hint)
            }
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
