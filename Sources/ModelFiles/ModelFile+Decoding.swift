import Engine
/// Reading: bytes -> `LoadedModel`, checking in this order (FORMAT.md, "Reading"):
/// magic, version, total size (truncated / trailing bytes), CRC-32, records, tensors.
extension ModelFile {
    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> LoadedModel {
        try decodeReportingSkipped(bytes).model
    }

    /// `decode`, also returning the tags of optional records this nnsh did not know and skipped.
    static func decodeReportingSkipped(_ bytes: [UInt8]) throws(ModelFileError) -> (model: LoadedModel, skipped: [String]) {
        let (header, data, skipped) = try decodeHeader(bytes)
        switch header.precision {
        case .float32: return (.float32(try decodeTensors(header, data, Float.self)), skipped)
        case .float64: return (.float64(try decodeTensors(header, data, Double.self)), skipped)
        }
    }

    /// Checks the preamble and the checksum, reads the header section and returns it with a
    /// reader positioned over the data section and the tags of skipped records.
    static func decodeHeader(_ bytes: [UInt8]) throws(ModelFileError) -> (ModelHeader, ByteReader, [String]) {
        let (minor, headerLength, dataLength) = try checkPreamble(bytes)
        var r = ByteReader(bytes)
        try r.skip(preambleSize, for: "preamble")
        let headerSection = try r.subReader(headerLength, for: "header section")
        let dataSection = try r.subReader(dataLength, for: "data section")
        let (header, skipped) = try readRecords(headerSection, fileMinor: minor)
        return (header, dataSection, skipped)
    }

    /// Magic, version, sizes and CRC; returns the minor version and the section lengths.
    private static func checkPreamble(_ bytes: [UInt8]) throws(ModelFileError) -> (UInt16, Int, Int) {
        let sizes = try checkPreamble(Array(bytes.prefix(preambleSize)), fileSize: bytes.count)
        let crcOffset = bytes.count - checksumSize
        var c = ByteReader(bytes)
        try c.skip(crcOffset, for: "model")
        let stored = try c.uint32("checksum")
        let actual = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<crcOffset])) }
        guard stored == actual else {
            throw ModelFileError(.checksumMismatch,
                                 "checksum mismatch (stored \(hex32(stored)), computed \(hex32(actual))): the file is damaged",
                                 hint: "save the model again or restore a copy", offset: crcOffset)
        }
        return sizes
    }

    /// Magic, version and sizes from the file's first `preambleSize` bytes (`head`, fewer when
    /// the file is shorter) and its size, so a reader can refuse a file before reading it all.
    /// Returns the minor version and the section lengths.
    static func checkPreamble(_ head: [UInt8], fileSize: Int) throws(ModelFileError) -> (UInt16, Int, Int) {
        let damaged = "the file is damaged; save the model again or restore a copy"
        guard fileSize > 0 else {
            throw ModelFileError(.truncated, "the file is empty", hint: "save the model again")
        }
        let prefix = Array(head.prefix(magic.count))
        guard prefix == Array(magic.prefix(prefix.count)) else {
            let looksLikeSafeTensors = head.count > 8 && head[8] == UInt8(ascii: "{")
            throw ModelFileError(.notAModelFile,
                                 looksLikeSafeTensors ? "not an nnsh model file: it looks like a safetensors file"
                                     : "not an nnsh model file (it starts with \(Array(prefix.prefix(4)).hexString))",
                                 hint: looksLikeSafeTensors ? "read it as a safetensors file"
                                     : "give an nnsh model file; read .safetensors files as safetensors",
                                 offset: 0, remedy: looksLikeSafeTensors ? .readAsSafeTensors : .giveModelFile)
        }
        guard fileSize >= preambleSize, head.count >= preambleSize else {
            throw ModelFileError(.truncated,
                                 "the file is cut short: \(fileSize) bytes, not even a complete \(preambleSize)-byte preamble",
                                 hint: "the save was interrupted or the copy is incomplete; save or copy it again")
        }
        var r = ByteReader(head)
        try r.skip(magic.count, for: "magic")
        let major = try r.uint16("major version")
        let minor = try r.uint16("minor version")
        guard major <= versionMajor else {
            throw ModelFileError(.newerVersion,
                                 "the file has format version \(major).\(minor); this nnsh reads \(versionMajor).x",
                                 hint: "it was written by a newer nnsh; upgrade nnsh to load it", offset: 8)
        }
        guard major == versionMajor else {
            throw ModelFileError(.unsupportedVersion, "the file has format version \(major).\(minor), which never existed",
                                 hint: damaged, offset: 8)
        }
        let headerLength = try r.uint64("header length")
        let dataLength = try r.uint64("data length")
        let available = UInt64(fileSize - preambleSize)
        // Compare in UInt64 without overflow: header + data + checksum against what is there.
        let (sections, o1) = headerLength.addingReportingOverflow(dataLength)
        let (needed, o2) = sections.addingReportingOverflow(UInt64(checksumSize))
        if o1 || o2 || needed > available {
            let (announced, o3) = needed.addingReportingOverflow(UInt64(preambleSize))
            let total = (o1 || o2 || o3) ? "more than 2^64" : "\(announced)"
            throw ModelFileError(.truncated,
                                 "the file is cut short: it has \(fileSize) bytes but its preamble announces \(total)",
                                 hint: "the save was interrupted or the copy is incomplete; save or copy it again")
        }
        if needed < available {
            throw ModelFileError(.trailingBytes,
                                 "\(available - needed) unexpected bytes after the end of the model",
                                 hint: "something was appended to the file or its lengths are damaged; save it again",
                                 offset: preambleSize + Int(needed))
        }
        return (minor, Int(headerLength), Int(dataLength))
    }

    private static func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}

// MARK: - Header records

extension ModelFile {
    /// Reads the tagged records of the header section into a `ModelHeader`.
    private static func readRecords(_ section: ByteReader, fileMinor: UInt16) throws(ModelFileError) -> (ModelHeader, [String]) {
        var r = section
        var seen: Set<String> = []
        var skipped: [String] = []
        var network: (Precision, Architecture)?
        var preprocessing = Preprocessing()
        var optimizer: OptimizerRecord?
        var generator: RandomGenerator?
        var history = TrainingHistory()
        var dropout: (rates: [Double], offset: Int)?
        var learningRates: (rates: [Double?], offset: Int)?
        var provenance = Provenance(nnshVersion: "", date: 0)
        while !r.isAtEnd {
            let tagOffset = r.position
            let tagBytes = try r.bytes(4, for: "record tag")
            guard tagBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x20 }) else {
                throw ModelFileError(.malformed, "invalid record tag \(tagBytes.hexString)",
                                     hint: "the file is damaged; save it again", offset: tagOffset)
            }
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let length = try r.count("length of record \(tag)", minimumElementSize: 1)
            var payload = try r.subReader(length, for: "record \(tag)")
            guard seen.insert(tag).inserted else {
                throw ModelFileError(.malformed, "record \(tag) appears twice",
                                     hint: "the file is damaged or was written by a faulty program", offset: tagOffset)
            }
            switch tag {
            case Tag.network, Tag.layers:
                guard network == nil else {
                    throw ModelFileError(.malformed, "the file has both a \(Tag.network) and a \(Tag.layers) record",
                                         hint: "the file is damaged or was written by a faulty program", offset: tagOffset)
                }
                network = tag == Tag.network ? try readNetwork(&payload) : try readLayers(&payload, fileMinor: fileMinor)
            case Tag.preprocessing: preprocessing = try readPreprocessing(&payload)
            case Tag.optimizer: optimizer = try readOptimizer(&payload)
            case Tag.generator: generator = try readGenerator(&payload)
            case Tag.history: history = try readHistory(&payload)
            case Tag.dropout: dropout = (try readDropout(&payload), tagOffset)
            case Tag.learningRates: learningRates = (try readLearningRates(&payload), tagOffset)
            case Tag.provenance: provenance = try readProvenance(&payload)
            default:
                if tagBytes[0] >= 0x61 { skipped.append(tag); continue }   // lower case: optional, skip
                throw ModelFileError(.unsupportedContent,
                                     "record \(tag) is not known to this nnsh (format \(versionMajor).\(versionMinor))",
                                     hint: "it was written by a newer nnsh; upgrade nnsh to load it", offset: tagOffset)
            }
            // Fields appended by a newer minor version are skipped; otherwise extra bytes are damage.
            if !payload.isAtEnd && fileMinor <= versionMinor {
                throw ModelFileError(.malformed, "record \(tag) has \(payload.remaining) unexpected bytes at its end",
                                     hint: "the file is damaged; save it again", offset: payload.position)
            }
        }
        if let (rates, offset) = learningRates {
            guard rates.count == history.epochs.count else {
                throw ModelFileError(.malformed,
                                     "record \(Tag.learningRates) has \(rates.count) learning rates for \(history.epochs.count) history entries",
                                     hint: "the file is damaged; save it again", offset: offset)
            }
            for (i, rate) in rates.enumerated() { history.epochs[i].learningRate = rate }
        }
        guard let (precision, readArchitecture) = network else {
            throw ModelFileError(.malformed, "the file has no \(Tag.network) or \(Tag.layers) record (the network's architecture)",
                                 hint: "the file is damaged; save it again", offset: section.position)
        }
        var architecture = readArchitecture
        if let dropout {
            guard seen.contains(Tag.network) else {
                throw ModelFileError(.malformed, "record \(Tag.dropout) belongs with \(Tag.network), not \(Tag.layers)",
                                     hint: "the file is damaged or was written by a faulty program", offset: dropout.offset)
            }
            guard dropout.rates.count == architecture.layers.count else {
                throw ModelFileError(.shapeMismatch,
                                     "record \(Tag.dropout) has \(dropout.rates.count) dropout rates for \(architecture.layers.count) layers",
                                     hint: "the file is damaged; save it again", offset: dropout.offset)
            }
            for (i, rate) in dropout.rates.enumerated() { architecture.layers[i].inputDropout = rate }
        }
        let header = ModelHeader(precision: precision, architecture: architecture, preprocessing: preprocessing,
                                 optimizer: optimizer, generator: generator, history: history,
                                 provenance: provenance)
        do { try validate(header) } catch {
            var located = error
            located.offset = located.offset ?? section.position
            throw located
        }
        return (header, skipped)
    }

    /// Fields that are present but unused (a seed when there is none, ...) must be zero, so
    /// every model has exactly one encoding and damage to them cannot go unnoticed.
    private static func requireZero(_ value: UInt64, _ what: String, at offset: Int) throws(ModelFileError) {
        guard value == 0 else {
            throw ModelFileError(.malformed, "\(what) is not used but is not zero",
                                 hint: "the file is damaged; save it again", offset: offset)
        }
    }

    /// A `u64` size that must lie in 1...maximumWidth.
    private static func width(_ r: inout ByteReader, _ what: String) throws(ModelFileError) -> Int {
        let at = r.position
        let raw = try r.uint64(what)
        guard raw >= 1, raw <= UInt64(maximumWidth) else {
            throw ModelFileError(.malformed, "\(what) is \(raw); it must be between 1 and \(maximumWidth)",
                                 hint: "the file is damaged; save it again", offset: at)
        }
        return Int(raw)
    }

    private static func readPrecision(_ r: inout ByteReader) throws(ModelFileError) -> Precision {
        let at = r.position
        switch try r.uint8("precision") {
        case 4: return .float32
        case 8: return .float64
        case let code:
            throw ModelFileError(.unsupportedContent, "unknown precision code \(code) (4 = float32, 8 = float64)",
                                 hint: "the file is damaged or needs a newer nnsh", offset: at)
        }
    }

    private static func readNetwork(_ r: inout ByteReader) throws(ModelFileError) -> (Precision, Architecture) {
        let precision = try readPrecision(&r)
        let inputWidth = try width(&r, "input width")
        let cost = try r.string("cost")
        let costIsExplicit = try r.bool("explicit-cost flag")
        // Each layer takes at least 8 (width) + 8 (name length) + 8 (alpha) bytes.
        let count = try r.count("layer count", minimumElementSize: 24)
        var layers: [LayerSpec] = []
        layers.reserveCapacity(count)
        for i in 0..<count {
            let w = try width(&r, "width of layer \(i + 1)")
            let activation = try r.string("activation of layer \(i + 1)")
            let alpha = try r.finiteFloat64("alpha of layer \(i + 1)")
            layers.append(LayerSpec(width: w, activation: activation, alpha: alpha))
        }
        return (precision, Architecture(inputWidth: inputWidth, layers: layers, cost: cost, costIsExplicit: costIsExplicit))
    }

    /// `LAYR` (format 1.2): precision, the input shape (`u64` rank, 1 … 4, and each size), cost,
    /// explicit-cost flag, then L layers, each its kind (`str`), the length of its settings
    /// (`u64`) and its settings in its entry's order (`LayerEntries`): `u64` for sizes, `f64`
    /// for numbers, `str` for text. The values are checked by `validate` through the entries.
    private static func readLayers(_ r: inout ByteReader, fileMinor: UInt16) throws(ModelFileError) -> (Precision, Architecture) {
        let precision = try readPrecision(&r)
        let rankAt = r.position
        let rank = try r.uint64("rank of the input shape")
        guard rank >= 1, rank <= 4 else {
            throw ModelFileError(.malformed, "the input shape has \(rank) dimensions; it must have 1 to 4",
                                 hint: "the file is damaged; save it again", offset: rankAt)
        }
        var dimensions: [Int] = []
        for i in 0..<Int(rank) { dimensions.append(try width(&r, "size \(i + 1) of the input shape")) }
        let cost = try r.string("cost")
        let costIsExplicit = try r.bool("explicit-cost flag")
        // Each layer takes at least 8 (kind length) + 8 (settings length) bytes.
        let count = try r.count("layer count", minimumElementSize: 16)
        var stack: [LayerRecord] = []
        stack.reserveCapacity(count)
        for i in 0..<count {
            let what = "layer record \(i + 1)"
            let kindAt = r.position
            let kind = try r.string("kind of \(what)")
            let length = try r.count("length of \(what)", minimumElementSize: 1)
            var settings = try r.subReader(length, for: what)
            guard let entry = LayerEntries.entry(for: kind) else {
                throw ModelFileError(.unsupportedContent, "\(what) is a '\(kind)' layer, which this nnsh does not know",
                                     hint: "the file was written by a newer nnsh; upgrade nnsh to load it", offset: kindAt)
            }
            var record = LayerRecord(kind: kind, settings: [])
            for field in entry.fields {
                let name = "\(field.name) of \(what) (\(kind))"
                let value: LayerRecord.Value
                switch field.kind {
                case .size, .count:
                    let at = settings.position
                    let raw = try settings.uint64(name)
                    guard raw <= UInt64(maximumWidth) else {
                        throw ModelFileError(.malformed, "the \(name) is \(raw); it must be at most \(maximumWidth)",
                                             hint: "the file is damaged; save it again", offset: at)
                    }
                    value = .size(Int(raw))
                case .number: value = .number(try settings.float64(name))
                case .text: value = .text(try settings.string(name))
                }
                record.settings.append(.init(field.name, value))
            }
            // Settings appended by a newer minor version are skipped; otherwise extra bytes are damage.
            if !settings.isAtEnd && fileMinor <= versionMinor {
                throw ModelFileError(.malformed, "\(what) has \(settings.remaining) unexpected bytes at its end",
                                     hint: "the file is damaged; save it again", offset: settings.position)
            }
            stack.append(record)
        }
        return (precision, Architecture(inputShape: Shape(dimensions), stack: stack, cost: cost, costIsExplicit: costIsExplicit))
    }

    /// `drop`: `u64` L, then the rate in front of each of the L layers (`f64`, 0 ≤ p < 1: `validate`
    /// checks it).
    private static func readDropout(_ r: inout ByteReader) throws(ModelFileError) -> [Double] {
        let count = try r.count("number of dropout rates", minimumElementSize: 8)
        var rates: [Double] = []
        for i in 0..<count { rates.append(try r.finiteFloat64("dropout rate \(i + 1)")) }
        return rates
    }

    private static func readPreprocessing(_ r: inout ByteReader) throws(ModelFileError) -> Preprocessing {
        var p = Preprocessing()
        let meanCount = try r.count("number of input means", minimumElementSize: 8)
        for i in 0..<meanCount { p.inputMeans.append(try r.finiteFloat64("input mean \(i)")) }
        let stdCount = try r.count("number of input standard deviations", minimumElementSize: 8)
        for i in 0..<stdCount { p.inputStds.append(try r.finiteFloat64("input standard deviation \(i)")) }
        let hasImage = try r.bool("image flag")
        let imageAt = r.position
        let w = try r.uint64("image width"), h = try r.uint64("image height"), c = try r.uint64("image channels")
        if !hasImage { try requireZero(w | h | c, "the image geometry", at: imageAt) }
        if hasImage {
            let limit = UInt64(maximumWidth)
            guard w >= 1, h >= 1, c >= 1, w <= limit, h <= limit, c <= limit else {
                throw r.error(.malformed, "image geometry \(w)×\(h)×\(c) is impossible",
                              hint: "the file is damaged; save it again")
            }
            p.image = ImageGeometry(width: Int(w), height: Int(h), channels: Int(c))
        }
        let labelCount = try r.count("number of class labels", minimumElementSize: 8)
        for i in 0..<labelCount { p.classLabels.append(try r.string("class label \(i)")) }
        return p
    }

    private static func readOptimizer(_ r: inout ByteReader) throws(ModelFileError) -> OptimizerRecord {
        let name = try r.string("optimiser name")
        let step = try r.uint64("optimiser step")
        let slotsAt = r.position
        let slots = try r.uint64("optimiser moments per parameter")
        guard slots <= UInt64(maximumSlots) else {
            throw ModelFileError(.malformed, "the optimiser claims \(slots) moments per parameter (at most \(maximumSlots))",
                                 hint: "the file is damaged; save it again", offset: slotsAt)
        }
        let count = try r.count("number of optimiser settings", minimumElementSize: 16)
        var settings: [NamedNumber] = []
        for i in 0..<count {
            let n = try r.string("name of optimiser setting \(i)")
            settings.append(NamedNumber(n, try r.finiteFloat64("optimiser setting \(n)")))
        }
        return OptimizerRecord(name: name, step: step, slots: Int(slots), hyperparameters: settings)
    }

    private static func readGenerator(_ r: inout ByteReader) throws(ModelFileError) -> RandomGenerator {
        let state = (try r.uint64("generator state 0"), try r.uint64("generator state 1"),
                     try r.uint64("generator state 2"), try r.uint64("generator state 3"))
        let hasSpare = try r.bool("spare Gaussian flag")
        let spareAt = r.position
        let spare = try r.finiteFloat64("spare Gaussian")
        if !hasSpare { try requireZero(spare.bitPattern, "the spare Gaussian", at: spareAt) }
        return RandomGenerator(state: state, spareGaussian: hasSpare ? spare : nil)
    }

    private static func readHistory(_ r: inout ByteReader) throws(ModelFileError) -> TrainingHistory {
        // Each epoch takes at least 8+8+8+1+8+1+8+8+8+8+1 = 67 bytes.
        let count = try r.count("number of epochs", minimumElementSize: 67)
        var epochs: [EpochRecord] = []
        epochs.reserveCapacity(count)
        for i in 0..<count {
            let what = "epoch record \(i + 1)"
            let epoch = try r.uint64("number of \(what)")
            let loss = try r.float64("training loss of \(what)")
            let metricValue = try r.float64("training metric of \(what)")
            let hasValidationLoss = try r.bool("validation-loss flag of \(what)")
            let validationLossAt = r.position
            let validationLoss = try r.float64("validation loss of \(what)")
            if !hasValidationLoss { try requireZero(validationLoss.bitPattern, "the validation loss of \(what)", at: validationLossAt) }
            let hasValidationMetric = try r.bool("validation-metric flag of \(what)")
            let validationMetricAt = r.position
            let validationMetric = try r.float64("validation metric of \(what)")
            if !hasValidationMetric { try requireZero(validationMetric.bitPattern, "the validation metric of \(what)", at: validationMetricAt) }
            let metricAt = r.position
            let metricName = try r.string("metric of \(what)")
            guard let metric = Metric(rawValue: metricName) else {
                throw ModelFileError(.unsupportedContent, "unknown metric '\(metricName)' in \(what)",
                                     hint: "the file needs a newer nnsh, or it is damaged", offset: metricAt)
            }
            let samplesAt = r.position
            let samples = try r.uint64("samples of \(what)")
            guard epoch <= UInt64(Int.max), samples <= UInt64(Int.max) else {
                throw ModelFileError(.malformed, "\(what) has impossible counts",
                                     hint: "the file is damaged; save it again", offset: samplesAt)
            }
            let seconds = try r.float64("duration of \(what)")
            let complete = try r.bool("completeness flag of \(what)")
            epochs.append(EpochRecord(epoch: Int(epoch), trainingLoss: loss, trainingMetric: metricValue,
                                      validationLoss: hasValidationLoss ? validationLoss : nil,
                                      validationMetric: hasValidationMetric ? validationMetric : nil,
                                      metric: metric, samples: Int(samples), seconds: seconds, complete: complete))
        }
        return TrainingHistory(epochs: epochs)
    }

    private static func readLearningRates(_ r: inout ByteReader) throws(ModelFileError) -> [Double?] {
        let count = try r.count("number of learning rates", minimumElementSize: 9)
        var rates: [Double?] = []
        rates.reserveCapacity(count)
        for i in 0..<count {
            let has = try r.bool("learning-rate flag of epoch record \(i + 1)")
            let at = r.position
            let rate = try r.finiteFloat64("learning rate of epoch record \(i + 1)")
            if !has { try requireZero(rate.bitPattern, "the learning rate of epoch record \(i + 1)", at: at) }
            rates.append(has ? rate : nil)
        }
        return rates
    }

    private static func readProvenance(_ r: inout ByteReader) throws(ModelFileError) -> Provenance {
        var p = Provenance(nnshVersion: try r.string("nnsh version"))
        p.date = try r.int64("date")
        let hasSeed = try r.bool("seed flag")
        let seedAt = r.position
        let seed = try r.uint64("seed")
        if !hasSeed { try requireZero(seed, "the seed", at: seedAt) }
        p.seed = hasSeed ? seed : nil
        let optionCount = try r.count("number of training options", minimumElementSize: 16)
        for i in 0..<optionCount {
            let n = try r.string("name of training option \(i)")
            p.trainingOptions.append(NamedText(n, try r.string("training option \(n)")))
        }
        let metricCount = try r.count("number of metrics", minimumElementSize: 16)
        for i in 0..<metricCount {
            let n = try r.string("name of metric \(i)")
            // Metrics may legitimately be NaN or infinite (a diverged run); they are reported, not used.
            p.metrics.append(NamedNumber(n, try r.float64("metric \(n)")))
        }
        let hasDigest = try r.bool("training-data digest flag")
        let digestAt = r.position
        let digest = try r.bytes(32, for: "training-data digest")
        if !hasDigest { try requireZero(digest.contains { $0 != 0 } ? 1 : 0, "the training-data digest", at: digestAt) }
        p.trainingDataSHA256 = hasDigest ? digest : nil
        let commandCount = try r.count("number of commands", minimumElementSize: 8)
        for i in 0..<commandCount { p.commands.append(try r.string("command \(i + 1)")) }
        return p
    }
}

// MARK: - Tensors

extension ModelFile {
    /// Reads the data section: the parameters, then each optimiser slot, then the layers'
    /// state, each tensor as `u64 rows, u64 columns, rows·columns numbers`; it must be
    /// consumed exactly.
    private static func decodeTensors<T: Scalar>(_ header: ModelHeader, _ section: ByteReader, _: T.Type) throws(ModelFileError) -> SavedModel<T> {
        var r = section
        let architecture = header.architecture
        let places = architecture.tensorPlaces
        let labels = architecture.tensorLabels(places)
        let slots = header.optimizer?.slots ?? 0
        let statePlaces = architecture.statePlaces
        let stateLabels = architecture.stateLabels(statePlaces)
        var groups: [[Matrix<T>]] = []
        for slot in -1 ... slots {
            let isState = slot == slots   // the last group: the layers' state
            let places = isState ? statePlaces : places
            var tensors: [Matrix<T>] = []
            tensors.reserveCapacity(places.count)
            for i in places.indices {
                let what = isState ? stateLabels[i] : tensorName(i, slot: slot, labels: labels)
                let at = r.position
                let rows = try r.count("rows of \(what)", minimumElementSize: 0)
                let columns = try r.count("columns of \(what)", minimumElementSize: 0)
                try checkShape(rows: rows, columns: columns, expected: places[i], what: what,
                               architecture: architecture, offset: at)
                let valuesAt = r.position
                let values = try r.scalars(rows * columns, of: T.self, for: what)   // product ≤ maximumWidth², no overflow
                let tensor = Matrix(rows: rows, columns: columns, storage: values)
                try checkFinite(tensor, what: what, offset: valuesAt,
                                hint: "the model was saved after training diverged, or the file is damaged; retrain with a lower learning rate")
                tensors.append(tensor)
            }
            groups.append(tensors)
        }
        guard r.isAtEnd else {
            throw r.error(.malformed, "\(r.remaining) unexpected bytes after the last tensor",
                          hint: "the file is damaged; save it again")
        }
        return SavedModel(header: header, parameters: groups[0], moments: Array(groups.dropFirst().dropLast()),
                          states: groups[groups.count - 1])
    }
}
