import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles
#if canImport(Glibc)
import Glibc
#endif

/// The nnsh model format: round trips, the byte layout, and every way a file is refused.
@Suite struct ModelFileFormatTests {
    @Test func fullModelRoundTripsInBothPrecisions() throws {
        let f = ModelFileFixtures.fullModel(Float.self)
        #expect(try ModelFile.decode(ModelFile.encode(f)) == .float32(f))
        let d = ModelFileFixtures.fullModel(Double.self)
        #expect(try ModelFile.decode(ModelFile.encode(d)) == .float64(d))
    }

    @Test func numbersRoundTripBitExactly() throws {
        var m = ModelFileFixtures.minimalModel()
        m.parameters[0].storage = [-0.0, .leastNonzeroMagnitude]
        m.parameters[1].storage = [.greatestFiniteMagnitude]
        guard case .float32(let back) = try ModelFile.decode(ModelFile.encode(m)) else {
            Issue.record("precision changed"); return
        }
        #expect(back.parameters.flatMap(\.storage).map(\.bitPattern)
                == m.parameters.flatMap(\.storage).map(\.bitPattern))
    }

    @Test func minimalModelHasNoOptionalRecords() throws {
        let m = ModelFileFixtures.minimalModel()
        let back = try ModelFile.decode(ModelFile.encode(m)).header
        #expect(back.optimizer == nil && back.generator == nil && back.preprocessing.isEmpty)
        #expect(back == m.header)
    }

    /// The preamble and first record, byte by byte as docs/FORMAT.md describes them.
    @Test func layoutMatchesTheSpecification() throws {
        let bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        #expect(Array(bytes[0..<8]) == [0x89, 0x4E, 0x4E, 0x53, 0x48, 0x0D, 0x0A, 0x1A])
        #expect(Array(bytes[8..<12]) == [1, 0, 0, 0])   // version 1.0
        var r = ByteReader(bytes)
        try r.skip(12, for: "")
        let headerLength = Int(try r.uint64(""))
        let dataLength = Int(try r.uint64(""))
        #expect(28 + headerLength + dataLength + 4 == bytes.count)
        // First record: "NETW", payload length, precision 4, input width 2, cost "mse", 1 layer.
        #expect(Array(bytes[28..<32]) == Array("NETW".utf8))
        try r.skip(4, for: "")
        let netLength = Int(try r.uint64(""))
        #expect(netLength == 1 + 8 + (8 + 3) + 1 + 8 + (8 + (8 + 6) + 8))
        #expect(try r.uint8("") == 4)
        #expect(try r.uint64("") == 2)
        #expect(try r.string("") == "mse")
        #expect(try r.uint8("") == 1)   // the cost was chosen explicitly
        #expect(try r.uint64("") == 1)
        #expect(try r.uint64("") == 1)
        #expect(try r.string("") == "linear")
        #expect(try r.float64("") == 0)
        // Data section: W [2, 1] then b [1, 1], as u64 rows, u64 columns, values.
        var d = ByteReader(bytes)
        try d.skip(28 + headerLength, for: "")
        #expect(try d.uint64("") == 2 && d.uint64("") == 1)
        #expect(try d.scalars(2, of: Float.self, for: "") == [0.5, -2])
        #expect(try d.uint64("") == 1 && d.uint64("") == 1)
        #expect(try d.scalars(1, of: Float.self, for: "") == [0.25])
        let crc = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< bytes.count - 4])) }
        #expect(Array(bytes.suffix(4)) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) })
    }

    /// The annotated example of docs/FORMAT.md §7, typed in from the document.
    @Test func handWrittenExampleFromTheSpecification() throws {
        var b: [UInt8] = [0x89, 0x4e, 0x4e, 0x53, 0x48, 0x0d, 0x0a, 0x1a, 1, 0, 0, 0]
        func u64(_ v: UInt64) { for i in 0..<8 { b.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
        u64(170); u64(44)
        b += Array("NETW".utf8); u64(59)
        b.append(4); u64(2); str("mse"); b.append(1); u64(1)
        u64(1); str("linear"); u64(0)
        b += Array("prov".utf8); u64(87)
        str("0.1.0"); u64(0); b.append(0); u64(0); u64(0); u64(0)
        b.append(0); b += [UInt8](repeating: 0, count: 32); u64(0)
        u64(2); u64(1); b += [0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xc0]
        u64(1); u64(1); b += [0x00, 0x00, 0x80, 0x3e]
        b += [0x43, 0x49, 0xbf, 0xf6]
        #expect(b.count == 246)
        var m = ModelFileFixtures.minimalModel()
        m.header.provenance = Provenance(nnshVersion: "0.1.0", date: 0)
        #expect(try ModelFile.decode(b) == .float32(m))
        #expect(try ModelFile.encode(m) == b)
    }

    // MARK: - Refusals, each by name

    /// Recomputes the checksum after an edit, so the test reaches the check behind it.
    static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let crc = b.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0 ..< b.count - 4])) }
        for i in 0..<4 { b[b.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * i)) }
        return b
    }

    static func refusal(_ bytes: [UInt8]) -> ModelFileError? {
        expectModelFileError { _ = try ModelFile.decode(bytes) }
    }

    @Test func wrongMagic() throws {
        var bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        bytes[1] = UInt8(ascii: "X")
        let e = Self.refusal(bytes)
        #expect(e?.kind == .notAModelFile)
        #expect(e?.message == "not an nnsh model file (it starts with 89584e53)")
        #expect(e?.remedy == .giveModelFile, "the remedy as data: the shell words it with its commands")
        #expect(e?.hint.contains("`") == false, "the engine's own hint names no command")
    }

    @Test func safetensorsFileIsRecognised() throws {
        let e = Self.refusal(Array("\u{2}\0\0\0\0\0\0\0{}".utf8))
        #expect(e?.kind == .notAModelFile)
        #expect(e?.message.contains("looks like a safetensors file") == true)
        #expect(e?.remedy == .readAsSafeTensors)
        #expect(e?.hint.contains("`") == false)
    }

    @Test func newerMajorVersion() throws {
        var bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        bytes[8] = 2
        let e = Self.refusal(bytes)
        #expect(e?.kind == .newerVersion)
        #expect(e?.message == "the file has format version 2.0; this nnsh reads 1.x")
        #expect(e?.hint.contains("upgrade nnsh") == true)
    }

    @Test func newerMinorVersionIsReadSkippingWhatItAdds() throws {
        // A file of a newer minor version (1.2) with an unknown optional record and an extra field in NETW loads.
        let m = ModelFileFixtures.minimalModel()
        var bytes = try ModelFile.encode(m)
        bytes[10] = UInt8(ModelFile.versionMinor + 1)
        var r = ByteReader(bytes)
        try r.skip(12, for: "")
        let headerLength = Int(try r.uint64(""))
        try r.skip(8 + 4, for: "")
        let netLength = Int(try r.uint64(""))
        var w = ByteWriter()
        w.append(bytes[0..<32])
        w.uint64(netLength + 2)
        w.append(bytes[40 ..< 40 + netLength])
        w.append([7, 7])                              // a field added in 1.2
        w.append(bytes[(40 + netLength)...].dropLast(4 + 0).prefix(headerLength - (12 + netLength)))
        w.append(Array("note".utf8)); w.uint64(3); w.append([1, 2, 3])   // an optional record added in 1.2
        w.append(bytes[(28 + headerLength)...].dropLast(4))
        w.patchUInt64(UInt64(headerLength + 2 + 15), at: 12)
        w.uint32(0)
        let loaded = try ModelFile.decode(Self.resealed(w.bytes))
        #expect(loaded == .float32(m))
        // The same additions in a file of this nnsh's version (or older) are damage.
        var old = Self.resealed(w.bytes)
        old[10] = UInt8(ModelFile.versionMinor)
        #expect(Self.refusal(Self.resealed(old))?.message.contains("2 unexpected bytes at its end") == true)
    }

    @Test func unknownCriticalRecordNeedsNewerNNSH() throws {
        let bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        var r = ByteReader(bytes)
        try r.skip(12, for: "")
        let headerLength = Int(try r.uint64(""))
        // Insert an upper-case record at the start of the header section.
        var edited = Array(bytes[0..<28]) + Array("CONV".utf8) + [0, 0, 0, 0, 0, 0, 0, 0] + Array(bytes[28...])
        for i in 0..<8 { edited[12 + i] = UInt8(truncatingIfNeeded: UInt64(headerLength + 12) >> (8 * i)) }
        let e = Self.refusal(Self.resealed(edited))
        #expect(e?.kind == .unsupportedContent)
        #expect(e?.message == "record CONV is not known to this nnsh (format 1.2)")
        #expect(e?.offset == 28)
    }

    @Test func truncatedFile() throws {
        let bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        let e = Self.refusal(Array(bytes.dropLast(10)))
        #expect(e?.kind == .truncated)
        #expect(e?.message == "the file is cut short: it has \(bytes.count - 10) bytes but its preamble announces \(bytes.count)")
        #expect(Self.refusal(Array(bytes.prefix(5)))?.kind == .truncated)
        #expect(Self.refusal([])?.message == "the file is empty")
    }

    /// Found by the modelfile fuzz target: section lengths whose sum is just under 2^64 passed
    /// the overflow checks, and adding the preamble's 28 bytes for the message trapped.
    @Test func sectionLengthsJustUnderTwoToTheSixtyFour() throws {
        var bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        let lengths: [UInt64] = [0xffff_ffff_ffff_ff5e, 0x83]   // + 4 for the checksum: 2^64 − 25
        for (k, v) in lengths.enumerated() {
            for b in 0..<8 { bytes[12 + 8 * k + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(b))) }
        }
        let e = Self.refusal(bytes)
        #expect(e?.kind == .truncated)
        #expect(e?.message == "the file is cut short: it has \(bytes.count) bytes but its preamble announces more than 2^64")
    }

    @Test func trailingBytes() throws {
        let bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        let e = Self.refusal(bytes + [0, 0, 0])
        #expect(e?.kind == .trailingBytes)
        #expect(e?.message == "3 unexpected bytes after the end of the model")
        #expect(e?.offset == bytes.count)
    }

    @Test func checksumMismatch() throws {
        var bytes = try ModelFile.encode(ModelFileFixtures.minimalModel())
        bytes[bytes.count - 6] ^= 0x40   // a bit in the last weight
        let e = Self.refusal(bytes)
        #expect(e?.kind == .checksumMismatch)
        #expect(e?.message.hasPrefix("checksum mismatch (stored 0x") == true)
        #expect(e?.message.hasSuffix("the file is damaged") == true)
    }

    /// A file whose tensors do not fit the architecture (written by a faulty program, so the
    /// checksum is right): the reader names the layer and the widths.
    @Test func shapesThatDoNotChain() throws {
        var m = ModelFileFixtures.fullModel(Float.self)
        m.moments = []
        m.header.optimizer = nil
        var bytes = try ModelFile.encode(m)
        // Change the architecture's first width from 4 to 5 in NETW (offset: tag, length,
        // precision, input width, cost string, explicit-cost flag, layer count).
        let widthAt = 28 + 4 + 8 + 1 + 8 + (8 + "cross_entropy".utf8.count) + 1 + 8
        #expect(bytes[widthAt] == 4)
        bytes[widthAt] = 5
        let e = Self.refusal(Self.resealed(bytes))
        #expect(e?.kind == .shapeMismatch)
        #expect(e?.message == "layer 1 weights are 3×4, but layer 1 is 5 wide (expected 3×5)")
        // Second layer's input: 2 -> 3 -> ... in a hand-built header: weights 4×2 after a width-3 layer.
        var g = ModelFileFixtures.minimalModel()
        g.header.architecture.layers = [LayerSpec(width: 3, activation: "relu"), LayerSpec(width: 1, activation: "linear")]
        g.parameters = [Matrix(rows: 2, columns: 3), Matrix(rows: 1, columns: 3), Matrix(rows: 4, columns: 1), Matrix(rows: 1, columns: 1)]
        let w = expectModelFileError { _ = try ModelFile.encode(g) }
        #expect(w?.message == "layer 2 weights are 4×1, taking 4 inputs, but layer 1 gives 3 values: shapes do not chain")
    }

    @Test func nonFiniteWeightsAreRefusedOnReadAndOnWrite() throws {
        var m = ModelFileFixtures.minimalModel()
        let bytes = try ModelFile.encode(m)
        // The last weight (b0) sits just before the checksum.
        var edited = bytes
        let nan = Float.nan.bitPattern
        for i in 0..<4 { edited[bytes.count - 8 + i] = UInt8(truncatingIfNeeded: nan >> (8 * i)) }
        let e = Self.refusal(Self.resealed(edited))
        #expect(e?.kind == .nonFiniteValue)
        #expect(e?.message == "layer 1 biases contain NaN at [0, 0]")
        #expect(e?.offset == bytes.count - 8)
        #expect(e?.hint.contains("lower learning rate") == true)

        m.parameters[0][1, 0] = -.infinity
        let w = expectModelFileError { _ = try ModelFile.encode(m) }
        #expect(w?.message == "layer 1 weights contain infinity at [1, 0]")
    }

    /// A history entry's duration must be a number of seconds nnsh can show (finite, 0 to
    /// 10^9); NaN, infinities and 1e300 loaded, then trapped when the history was printed.
    @Test(arguments: [Double.nan, .infinity, -.infinity, -1, 1e300, 1.000001e9])
    func impossibleDurationsAreRefusedOnReadAndOnWrite(_ seconds: Double) throws {
        var m = ModelFileFixtures.fullModel(Float.self)
        let marker = 0.3125   // a bit pattern found once in the file
        m.header.history.epochs[0].seconds = marker
        var bytes = try ModelFile.encode(m)
        let at = try #require(Self.offset(of: marker.bitPattern, in: bytes))
        for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: seconds.bitPattern >> (8 * i)) }
        let e = Self.refusal(Self.resealed(bytes))
        #expect(e?.kind == .malformed)
        #expect(e?.message == "epoch record 1 of the training history lasted \(seconds) seconds; a duration is from 0 to 1000000000",
                "\(seconds)")
        m.header.history.epochs[0].seconds = seconds
        #expect(expectModelFileError { _ = try ModelFile.encode(m) }?.kind == .malformed)
    }

    @Test func theLongestDurationIsAccepted() throws {
        var m = ModelFileFixtures.fullModel(Float.self)
        m.header.history.epochs[0].seconds = 1e9
        m.header.history.epochs[1].seconds = 0
        #expect(try ModelFile.decode(ModelFile.encode(m)) == .float32(m))
    }

    /// Reading and writing a model of n layers computes O(n) layer shapes: 20,000 layers took
    /// 42 s to load when every tensor's check recomputed all shapes. Counted, not timed: 4×
    /// the layers must cost at most ~4× the shapes (16× when quadratic).
    @Test func shapeWorkIsLinearInTheLayers() throws {
        func shapesComputed(layers: Int) throws -> Int {
            let architecture = Architecture(inputWidth: 1, layers: Array(repeating: LayerSpec(width: 1, activation: "linear"), count: layers),
                                            cost: "mse")
            let parameters = (0 ..< 2 * layers).map { _ in Matrix<Float>([[0.5]]) }
            let model = SavedModel(header: ModelHeader(precision: .float32, architecture: architecture), parameters: parameters)
            let count = Architecture.ShapeCount()
            try Architecture.$shapesComputed.withValue(count) {
                let decoded = try ModelFile.decode(try ModelFile.encode(model))
                _ = try ModelFile.network(from: decoded)
            }
            return count.shapes.load(ordering: .relaxed)
        }
        let small = try shapesComputed(layers: 500), large = try shapesComputed(layers: 2000)
        #expect(small > 0)
        #expect(large <= 5 * small, "\(small) shapes for 500 layers, \(large) for 2000")
    }

    /// `info` shows strings from the file (labels, names, commands) with control characters
    /// escaped: a label holding ESC sequences or a newline cannot drive the terminal or add lines.
    @Test func infoEscapesControlCharacters() throws {
        var m = ModelFileFixtures.fullModel(Float.self)
        m.header.preprocessing.classLabels = ["red\u{1B}[31m", "two\nlines\u{0}"]
        m.header.provenance.commands = ["train\rnet\u{7F}\u{9B}x\u{202E}"]
        let info = ModelInfo(header: try ModelFile.decode(ModelFile.encode(m)).header, fileSize: 1, formatVersion: "1.0")
        #expect(info.lines.contains("classes: red\\u{1B}[31m, two\\nlines\\0"))
        #expect(info.lines.contains("  train\\rnet\\u{7F}\\u{9B}x\\u{202E}"))
        #expect(info.lines.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } })
    }

    /// Where the little-endian `u64` `pattern` starts in `bytes` (it must occur exactly once).
    static func offset(of pattern: UInt64, in bytes: [UInt8]) -> Int? {
        let needle = (0..<8).map { UInt8(truncatingIfNeeded: pattern >> (8 * $0)) }
        let hits = (0...(bytes.count - 8)).filter { Array(bytes[$0 ..< $0 + 8]) == needle }
        return hits.count == 1 ? hits[0] : nil
    }

    @Test func inconsistentPreprocessingIsRefusedOnWrite() {
        var m = ModelFileFixtures.fullModel(Float.self)
        m.header.preprocessing.inputStds[1] = 0
        let e = expectModelFileError { _ = try ModelFile.encode(m) }
        #expect(e?.message == "standardisation has a non-finite mean or a deviation that is not positive")
        #expect(e?.hint.contains("bug in the program") == true)
        m = ModelFileFixtures.fullModel(Float.self)
        m.header.preprocessing.classLabels = ["one"]
        #expect(expectModelFileError { _ = try ModelFile.encode(m) }?.message == "1 class labels for 2 outputs")
    }

    @Test func descriptionIsOneLineWithFileOffsetAndHint() {
        let e = ModelFileError(.checksumMismatch, "checksum mismatch", hint: "save it again", offset: 12, path: "m.nnsh")
        #expect(e.description == "m.nnsh: at byte 12: checksum mismatch (hint: save it again)")
    }

    // MARK: - Files

    @Test func writeReadAndInfoThroughTheFileSystem() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.nnsh"
            let m = ModelFileFixtures.fullModel(Double.self)
            try ModelFile.writeContents(m, to: path)
            #expect(try ModelFile.readContents(path) == .float64(m))
            let info = try ModelFile.info(path)
            #expect(info.header == m.header)
            #expect(info.formatVersion == "1.0")
            #expect(info.parameterCount == 3 * 4 + 4 + 4 * 2 + 2)
            let text = info.lines.joined(separator: "\n")
            #expect(text.contains("network: 3 -> 4 leaky_relu(alpha=0.01) -> 2 softmax, cost cross_entropy, 26 parameters"))
            #expect(text.contains("made by nnsh 0.1.0 on 2023-11-14 22:13:20 UTC, seed 1"))
            #expect(text.contains("optimiser: adam, step 17"))
            #expect(text.contains("classes: cat, dög"))
            #expect(text.contains("  train net data"))
            #expect(folderListing(folder) == ["model.nnsh"])   // no temporary file left behind
        }
    }

    @Test func errorsNameTheFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/bad.nnsh"
            try AtomicFile.write(Array("hello".utf8), to: path)
            let e = expectModelFileError { _ = try ModelFile.readContents(path) }
            #expect(e?.description.hasPrefix("\(path): at byte 0: not an nnsh model file") == true)
            let missing = expectModelFileError { _ = try ModelFile.info(folder + "/none.nnsh") }
            #expect(missing?.kind == .io)
            #expect(missing?.description.contains("No such file or directory") == true)
            let dir = expectModelFileError { _ = try ModelFile.readContents(folder) }
            #expect(dir?.message == "is not a regular file")
        }
    }
}
