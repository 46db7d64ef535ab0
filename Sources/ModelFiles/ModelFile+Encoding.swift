import Engine
/// Writing: `SavedModel` -> bytes, after checking it is a model `decode` will accept.
extension ModelFile {
    /// The complete file for `model`.
    public static func encode<T: Scalar>(_ model: SavedModel<T>) throws(ModelFileError) -> [UInt8] {
        if !skipValidation { try validate(model) }
        let header = model.header
        var w = ByteWriter(reservingCapacity: preambleSize + 4096 +
                           (model.parameters.count * (1 + model.moments.count)) * 16 +
                           header.architecture.parameterCount * (1 + model.moments.count) * MemoryLayout<T>.size)
        w.append(magic)
        w.uint16(versionMajor)
        w.uint16(minorVersion(for: header))
        let lengthsAt = w.count
        w.uint64(0)   // header length, patched below
        w.uint64(0)   // data length, patched below

        let headerStart = w.count
        if header.architecture.isDenseOnly {
            record(Tag.network, into: &w) { networkRecord(header, into: &$0) }
        } else {
            record(Tag.layers, into: &w) { layersRecord(header, into: &$0) }
        }
        if header.architecture.isDenseOnly && header.architecture.hasDropout {
            record(Tag.dropout, into: &w) { dropoutRecord(header.architecture, into: &$0) }
        }
        if !header.preprocessing.isEmpty {
            record(Tag.preprocessing, into: &w) { preprocessingRecord(header.preprocessing, into: &$0) }
        }
        if let optimizer = header.optimizer {
            record(Tag.optimizer, into: &w) { optimizerRecord(optimizer, into: &$0) }
        }
        if let generator = header.generator {
            record(Tag.generator, into: &w) { generatorRecord(generator, into: &$0) }
        }
        if !header.history.isEmpty {
            record(Tag.history, into: &w) { historyRecord(header.history, into: &$0) }
        }
        if header.history.epochs.contains(where: { $0.learningRate != nil }) {
            record(Tag.learningRates, into: &w) { learningRateRecord(header.history, into: &$0) }
        }
        record(Tag.provenance, into: &w) { provenanceRecord(header.provenance, into: &$0) }
        let dataStart = w.count

        for tensor in model.parameters + model.moments.joined() + model.states {
            w.uint64(tensor.rows)
            w.uint64(tensor.columns)
            w.scalars(tensor.storage)
        }
        let end = w.count
        w.patchUInt64(UInt64(dataStart - headerStart), at: lengthsAt)
        w.patchUInt64(UInt64(end - dataStart), at: lengthsAt + 8)
        let crc = w.bytes.withUnsafeBytes { CRC32.checksum($0) }
        w.uint32(crc)
        return w.bytes
    }

    /// Test support: true writes without `validate`, as a faulty program would, so tests
    /// reach the reader's checks (in the current task only).
    @TaskLocal static var skipValidation = false

    /// The lowest minor version that holds `header`: 2 for layers format 1.1 cannot hold
    /// (`LAYR`), 1 with dropout layers in front of dense ones (`drop`), else 0.
    static func minorVersion(for header: ModelHeader) -> UInt16 {
        !header.architecture.isDenseOnly ? 2 : header.architecture.hasDropout ? 1 : 0
    }

    /// Refuses to write what could not be read back: shapes that do not chain, missing or
    /// extra moments, NaN or infinite numbers, out-of-range sizes.
    static func validate<T: Scalar>(_ model: SavedModel<T>) throws(ModelFileError) {
        let header = model.header
        let fix = "this is a bug in the program that built the model; please report it"
        try validate(header, hint: fix)
        let places = header.architecture.tensorPlaces
        let labels = header.architecture.tensorLabels(places)
        guard model.parameters.count == places.count else {
            throw ModelFileError(.shapeMismatch,
                                 "the model has \(model.parameters.count) parameter tensors, its architecture needs \(places.count)",
                                 hint: fix)
        }
        let slots = header.optimizer?.slots ?? 0
        guard model.moments.count == slots else {
            throw ModelFileError(.shapeMismatch,
                                 "the optimiser keeps \(slots) moments per parameter but \(model.moments.count) are given",
                                 hint: fix)
        }
        for (s, slot) in ([model.parameters] + model.moments).enumerated() {
            guard slot.count == places.count else {
                throw ModelFileError(.shapeMismatch, "optimiser moment \(s) has \(slot.count) tensors, the model needs \(places.count)", hint: fix)
            }
            for (i, tensor) in slot.enumerated() {
                let what = tensorName(i, slot: s - 1, labels: labels)
                try checkShape(rows: tensor.rows, columns: tensor.columns, expected: places[i], what: what,
                               architecture: header.architecture, offset: nil)
                try checkFinite(tensor, what: what, offset: nil,
                                hint: "training diverged; lower the learning rate and train again before saving")
            }
        }
        let statePlaces = header.architecture.statePlaces
        let stateLabels = header.architecture.stateLabels(statePlaces)
        guard model.states.count == statePlaces.count else {
            throw ModelFileError(.shapeMismatch,
                                 "the model has \(model.states.count) state tensors, its architecture needs \(statePlaces.count)", hint: fix)
        }
        for (i, tensor) in model.states.enumerated() {
            try checkShape(rows: tensor.rows, columns: tensor.columns, expected: statePlaces[i], what: stateLabels[i],
                           architecture: header.architecture, offset: nil)
            try checkFinite(tensor, what: stateLabels[i], offset: nil,
                            hint: "training diverged; lower the learning rate and train again before saving")
        }
    }
}

// MARK: - Records

extension ModelFile {
    /// Appends `tag`, a `u64` payload length and the payload written by `body`.
    private static func record(_ tag: String, into w: inout ByteWriter, _ body: (inout ByteWriter) -> Void) {
        var payload = ByteWriter()
        body(&payload)
        w.append(tag.utf8)
        w.uint64(payload.count)
        w.append(payload.bytes)
    }

    private static func networkRecord(_ header: ModelHeader, into w: inout ByteWriter) {
        let a = header.architecture
        w.uint8(UInt8(header.precision.byteWidth))
        w.uint64(a.inputWidth)
        w.string(a.cost)
        w.bool(a.costIsExplicit)
        w.uint64(a.layers.count)
        for layer in a.layers {
            w.uint64(layer.width)
            w.string(layer.activation)
            w.float64(layer.alpha)
        }
    }

    /// `LAYR` (format 1.2): precision, the input shape, the cost, then every layer as a
    /// record: its kind, the length of its settings, and its settings in its entry's order.
    private static func layersRecord(_ header: ModelHeader, into w: inout ByteWriter) {
        let a = header.architecture
        w.uint8(UInt8(header.precision.byteWidth))
        w.uint64(a.inputShape.dimensions.count)
        for d in a.inputShape.dimensions { w.uint64(d) }
        w.string(a.cost)
        w.bool(a.costIsExplicit)
        w.uint64(a.stack.count)
        for layer in a.stack {
            w.string(layer.kind)
            var settings = ByteWriter()
            for s in layer.settings {
                switch s.value {
                case .size(let v): settings.uint64(v)
                case .number(let v): settings.float64(v)
                case .text(let v): settings.string(v)
                }
            }
            w.uint64(settings.count)
            w.append(settings.bytes)
        }
    }

    private static func dropoutRecord(_ a: Architecture, into w: inout ByteWriter) {
        w.uint64(a.layers.count)
        for layer in a.layers { w.float64(layer.inputDropout) }
    }

    private static func preprocessingRecord(_ p: Preprocessing, into w: inout ByteWriter) {
        w.uint64(p.inputMeans.count)
        for m in p.inputMeans { w.float64(m) }
        w.uint64(p.inputStds.count)
        for s in p.inputStds { w.float64(s) }
        w.bool(p.image != nil)
        w.uint64(p.image?.width ?? 0)
        w.uint64(p.image?.height ?? 0)
        w.uint64(p.image?.channels ?? 0)
        w.uint64(p.classLabels.count)
        for label in p.classLabels { w.string(label) }
    }

    private static func optimizerRecord(_ o: OptimizerRecord, into w: inout ByteWriter) {
        w.string(o.name)
        w.uint64(o.step)
        w.uint64(o.slots)
        w.uint64(o.hyperparameters.count)
        for h in o.hyperparameters { w.string(h.name); w.float64(h.value) }
    }

    private static func generatorRecord(_ g: RandomGenerator, into w: inout ByteWriter) {
        w.uint64(g.state.0)
        w.uint64(g.state.1)
        w.uint64(g.state.2)
        w.uint64(g.state.3)
        w.bool(g.spareGaussian != nil)
        w.float64(g.spareGaussian ?? 0)
    }

    private static func historyRecord(_ h: TrainingHistory, into w: inout ByteWriter) {
        w.uint64(h.epochs.count)
        for e in h.epochs {
            w.uint64(e.epoch)
            w.float64(e.trainingLoss)
            w.float64(e.trainingMetric)
            w.bool(e.validationLoss != nil)
            w.float64(e.validationLoss ?? 0)
            w.bool(e.validationMetric != nil)
            w.float64(e.validationMetric ?? 0)
            w.string(e.metric.rawValue)
            w.uint64(e.samples)
            w.float64(e.seconds)
            w.bool(e.complete)
        }
    }

    /// `lrat`: the learning rate of every history entry (flag, value).
    private static func learningRateRecord(_ h: TrainingHistory, into w: inout ByteWriter) {
        w.uint64(h.epochs.count)
        for e in h.epochs {
            w.bool(e.learningRate != nil)
            w.float64(e.learningRate ?? 0)
        }
    }

    private static func provenanceRecord(_ p: Provenance, into w: inout ByteWriter) {
        w.string(p.nnshVersion)
        w.int64(p.date)
        w.bool(p.seed != nil)
        w.uint64(p.seed ?? 0)
        w.uint64(p.trainingOptions.count)
        for o in p.trainingOptions { w.string(o.name); w.string(o.value) }
        w.uint64(p.metrics.count)
        for m in p.metrics { w.string(m.name); w.float64(m.value) }
        w.bool(p.trainingDataSHA256 != nil)
        w.append(p.trainingDataSHA256 ?? [UInt8](repeating: 0, count: 32))
        w.uint64(p.commands.count)
        for c in p.commands { w.string(c) }
    }
}
