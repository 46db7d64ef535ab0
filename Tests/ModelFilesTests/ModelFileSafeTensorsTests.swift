import Testing
@testable import Engine
import EngineTestSupport
@testable import ModelFiles

/// The safetensors container and network export/import.
@Suite struct ModelFileSafeTensorsTests {
    /// `text` as bytes, with an 8-byte little-endian length in front (a safetensors header).
    static func framed(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var w = ByteWriter()
        w.uint64(header.utf8.count)
        w.append(header.utf8)
        w.append(data)
        return w.bytes
    }

    static func refusal(_ bytes: [UInt8]) -> ModelFileError? {
        expectModelFileError { _ = try SafeTensorsFile.decode(bytes) }
    }

    // MARK: - Container

    @Test func containerRoundTrips() throws {
        let file = SafeTensorsFile(
            metadata: [NamedText("format", "pt"), NamedText("note", "\"quoted\" \u{1} ünï")],
            tensors: [SafeTensorsFile.Tensor(name: "a", shape: [2, 2], values: [1, 2, 3, 4] as [Float]),
                      SafeTensorsFile.Tensor(name: "scalar", shape: [], values: [0.5] as [Double]),
                      SafeTensorsFile.Tensor(name: "empty", dtype: .I32, shape: [0, 3], data: []),
                      SafeTensorsFile.Tensor(name: "bytes", dtype: .U8, shape: [3], data: [7, 8, 9])])
        let bytes = try file.encode()
        #expect(try SafeTensorsFile.decode(bytes) == file)
        // Header padded with spaces so the data starts 8-byte aligned.
        var r = ByteReader(bytes)
        let n = Int(try r.uint64(""))
        #expect(n % 8 == 0)
        #expect(bytes.count == 8 + n + 16 + 8 + 0 + 3)
    }

    /// A file written byte by byte from the specification, read as a network.
    @Test func handWrittenFileFollowsTheSpecification() throws {
        let header = #"{"__metadata__":{"nnsh.activations":"[\"linear\"]"},"#
            + #""layers.0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
            + #""layers.0.bias":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}}"#
        // Weight rows are outputs (PyTorch nn.Linear): row 0 = [1, 2, 3], row 1 = [-1, 0, 0.5].
        let data: [UInt8] = [
            0x00, 0x00, 0x80, 0x3F,  0x00, 0x00, 0x00, 0x40,  0x00, 0x00, 0x40, 0x40,   // 1, 2, 3
            0x00, 0x00, 0x80, 0xBF,  0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x3F,   // -1, 0, 0.5
            0x00, 0x00, 0x20, 0x41,  0x00, 0x00, 0xA0, 0xC0,                             // bias 10, -5
        ]
        let loaded = try SafeTensorsFile.decode(Self.framed(header, data: data)).network()
        guard case .float(let net) = loaded.network else { Issue.record("expected float32"); return }
        #expect(net.inputWidth == 3 && net.outputWidth == 2)
        #expect(net.layers[0].weights == Matrix([[1, -1], [2, 0], [3, 0.5]]))   // ours is [inputs, outputs]
        #expect(net.layers[0].bias == [10, -5])
        // y = x·W + b for x = [1, 1, 2]: [1 + 2 + 6 + 10, -1 + 0 + 1 - 5]
        #expect(try net.predict(Matrix([[1, 1, 2]])) == Matrix([[19, -5]]))
        // Exporting it again gives the same tensor bytes, in the same orientation.
        let again = SafeTensorsFile(network: loaded.network)
        #expect(again["layers.0.weight"]?.data == Array(data[0..<24]))
        #expect(again["layers.0.bias"]?.data == Array(data[24..<32]))
        #expect(again["layers.0.weight"]?.shape == [2, 3])
    }

    @Test(arguments: [Precision.float32, .float64])
    func networkRoundTripsWithIdenticalPredictions(precision: Precision) throws {
        var g = RandomGenerator(seed: 3)
        let net = try AnyNetwork(inputWidth: 4, precision: precision)
        try net.addDense(outputs: 5, activation: .leakyReLU(alpha: 0.2), generator: &g)
        try net.addDense(outputs: 3, activation: .softmax, generator: &g)
        try net.setCost(.mse)
        let prep = Preprocessing(inputMeans: [0.1, 0.2, -3, 1e-5], inputStds: [1, 2, 3, 4],
                                 image: ImageGeometry(width: 2, height: 2), classLabels: ["a", "b\"", "ç"])
        let file = SafeTensorsFile(network: net, preprocessing: prep)
        #expect(file.tensors.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"])
        #expect(file.tensors.map(\.shape) == [[5, 4], [5], [3, 5], [3]])
        #expect(file.tensors.allSatisfy { $0.dtype == (precision == .float32 ? .F32 : .F64) })
        let loaded = try SafeTensorsFile.decode(file.encode()).network()
        #expect(loaded.network.precision == precision)
        #expect(loaded.preprocessing == prep)
        #expect(loaded.network.cost == .mse && !loaded.network.costIsDefault)
        #expect(loaded.network.layers.map(\.activation) == [.leakyReLU(alpha: 0.2), .softmax])
        var x = Matrix<Double>(rows: 6, columns: 4)
        for i in 0..<x.count { x.storage[i] = g.nextGaussian() }
        #expect(try loaded.network.predict(x) == net.predict(x))   // bit-identical (Double ==)
    }

    @Test func exportAndImportThroughFiles() throws {
        try withTemporaryFolder { folder in
            var g = RandomGenerator(seed: 4)
            let net = try AnyNetwork(inputWidth: 2)
            try net.addDense(outputs: 1, activation: .sigmoid, generator: &g)
            let path = folder + "/m.safetensors"
            try ModelFile.exportSafeTensors(net, to: path)
            let loaded = try ModelFile.importSafeTensors(path)
            #expect(loaded.network.cost == .mse && loaded.network.costIsDefault)
            let e = expectModelFileError { _ = try ModelFile.readContents(path) }
            #expect(e?.message == "not an nnsh model file: it looks like a safetensors file")
        }
    }

    /// PyTorch `nn.Sequential(Linear, ReLU, Linear)` names its tensors 0.* and 2.*, may use
    /// half precision, and carries no nnsh metadata: the caller names the activations.
    @Test func pytorchSequentialInHalfPrecisionWithGivenActivations() throws {
        func half(_ values: [UInt16]) -> [UInt8] { values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        let file = SafeTensorsFile(tensors: [
            .init(name: "0.weight", dtype: .F16, shape: [2, 1], data: half([0x3C00, 0xC000])),   // 1, -2
            .init(name: "0.bias", dtype: .BF16, shape: [2], data: half([0x3F80, 0x0000])),      // 1, 0
            .init(name: "2.weight", dtype: .F16, shape: [1, 2], data: half([0x3800, 0x0001])),  // 0.5, 2^-24
        ])
        let bytes = try file.encode()
        let missing = expectModelFileError { _ = try SafeTensorsFile.decode(bytes).network() }
        #expect(missing?.message == "the file does not say which activations its 2 layers use (no nnsh.activations metadata)")
        let loaded = try SafeTensorsFile.decode(bytes).network(activations: [.relu, .linear])
        guard case .float(let net) = loaded.network else { Issue.record("expected float32"); return }
        #expect(net.layers[0].weights == Matrix([[1, -2]]))
        #expect(net.layers[0].bias == [1, 0])
        #expect(net.layers[1].weights == Matrix([[0.5], [0x1p-24]]))
        #expect(net.layers[1].bias == [0])   // no bias tensor: zeros
        #expect(try net.predict(Matrix([[3]])) == Matrix([[2]]))   // relu([4, -6]) · [0.5, 2^-24]
    }

    @Test func halfPrecisionConversionIsExact() {
        #expect(SafeTensorsFile.halfToFloat(0x3C00) == 1)
        #expect(SafeTensorsFile.halfToFloat(0x7BFF) == 65504)
        #expect(SafeTensorsFile.halfToFloat(0x0001) == 0x1p-24)
        #expect(SafeTensorsFile.halfToFloat(0x8000).sign == .minus)
        #expect(SafeTensorsFile.halfToFloat(0xFC00) == -.infinity)
        #expect(SafeTensorsFile.halfToFloat(0x7E00).isNaN)
        for bits in stride(from: 0, to: 0x7C00, by: 97) {   // agrees with Swift's Float16 where it exists
            #expect(SafeTensorsFile.halfToFloat(UInt16(bits)) == Float(Float16(bitPattern: UInt16(bits))))
        }
    }

    // MARK: - Refusals: safetensors' rules, by name

    static let weight = #""w.0.weight":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]}"#

    @Test func headerLargerThan100MB() {
        var w = ByteWriter()
        w.uint64(100_000_001)
        w.append(Array("{}".utf8))
        let e = Self.refusal(w.bytes)
        #expect(e?.message == "the header length 100000001 exceeds safetensors' limit of 100000000 bytes")
    }

    @Test func headerLongerThanTheFile() {
        var bytes = Self.framed("{}")
        bytes[0] = 200
        #expect(Self.refusal(bytes)?.message == "the header needs 200 bytes but only 2 follow")
        #expect(Self.refusal([1, 0, 0])?.kind == .truncated)
    }

    @Test func headerMustStartWithABrace() {
        #expect(Self.refusal(Self.framed(" {}"))?.message == "the header does not start with '{'")
        #expect(Self.refusal(Self.framed("[]"))?.message == "the header does not start with '{'")
    }

    @Test func paddingAfterTheHeaderIsAllowedButNotOtherText() throws {
        #expect(try SafeTensorsFile.decode(Self.framed("{}      ")).tensors.isEmpty)
        #expect(Self.refusal(Self.framed("{} x"))?.message == "invalid JSON header: unexpected text after the JSON value")
    }

    @Test func offsetsMustBeContiguous() {
        let gap = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}"#
        #expect(Self.refusal(Self.framed(gap, data: [1, 2, 3]))?.message
                == "tensor 'b' has data offsets [2, 3], but its data must start at 1")
        let overlap = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}"#
        #expect(Self.refusal(Self.framed(overlap, data: [1, 2, 3]))?.kind == .malformed)
        let notAtZero = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#
        #expect(Self.refusal(Self.framed(notAtZero, data: [1, 2]))?.kind == .malformed)
    }

    @Test func sizeMustMatchDtypeTimesShape() {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#
        #expect(Self.refusal(Self.framed(header, data: [0, 0, 0, 0]))?.message
                == "tensor 'a' is F32 [2] (8 bytes) but its offsets span 4 bytes")
        let overflow = #"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#
        #expect(Self.refusal(Self.framed(overflow, data: [UInt8](repeating: 0, count: 8)))?.message
                == "tensor 'a' has an impossible shape [4294967296, 4294967296]")
    }

    @Test func dataMustBeCoveredExactly() {
        let header = "{\(Self.weight)}"
        #expect(Self.refusal(Self.framed(header, data: [0, 0, 128, 63, 9]))?.message == "1 bytes after the last tensor's data")
        #expect(Self.refusal(Self.framed(header, data: [0, 0, 128]))?.kind == .truncated)
    }

    @Test func duplicateKeysUnknownFieldsAndDtypesAreRefused() {
        #expect(Self.refusal(Self.framed("{\(Self.weight),\(Self.weight)}"))?.message
                == "invalid JSON header: the key \"w.0.weight\" appears twice")
        let extra = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"scale":2}}"#
        #expect(Self.refusal(Self.framed(extra, data: [1]))?.message == "tensor 'a' has an unknown field 'scale'")
        let dtype = #"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#
        #expect(Self.refusal(Self.framed(dtype, data: [UInt8](repeating: 0, count: 8)))?.message == "tensor 'a' has an unknown dtype 'C64'")
        let meta = #"{"__metadata__":{"n":1}}"#
        #expect(Self.refusal(Self.framed(meta))?.message == "__metadata__ entry 'n' is not a string")
        let negative = #"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}"#
        #expect(Self.refusal(Self.framed(negative, data: [1]))?.message == "tensor 'a': a shape entry is not a non-negative integer")
    }

    @Test func deeplyNestedJSONIsRefusedWithoutCrashing() {
        let bomb = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(Self.refusal(Self.framed(bomb))?.message == "invalid JSON header: nested deeper than 64 levels")
    }

    @Test func jsonStringsAreStrict() throws {
        #expect(try JSON.parse(Array(#""\ud83d\ude00 \u00e9\n""#.utf8)[...]) == .string("😀 é\n"))
        for bad in [#""\ud83d""#, #""\x""#, "\"\u{1}\"", #""abc"#, "01", "1.", "-", "[1,]", "{\"a\" 1}", "tru"] {
            #expect(throws: ModelFileError.self, "\(bad)") { _ = try JSON.parse(Array(bad.utf8)[...]) }
        }
        #expect(throws: ModelFileError.self) { _ = try JSON.parse([0x22, 0xFF, 0x22][...]) }   // invalid UTF-8
        #expect(JSON.parse18446744073709551615IsExact())
    }

    // MARK: - Networks that cannot be imported

    static func network(_ tensors: [SafeTensorsFile.Tensor], activations: [Activation]? = [.linear, .linear]) -> ModelFileError? {
        expectModelFileError { _ = try SafeTensorsFile.decode(SafeTensorsFile(tensors: tensors).encode()).network(activations: activations) }
    }

    @Test func shapesThatDoNotChainAreRefused() {
        let e = Self.network([.init(name: "layers.0.weight", shape: [3, 2], values: [Float](repeating: 1, count: 6)),
                              .init(name: "layers.1.weight", shape: [1, 4], values: [Float](repeating: 1, count: 4))])
        #expect(e?.message == "tensor 'layers.1.weight' takes 4 inputs but the layer before gives 3: shapes do not chain")
        let bias = Self.network([.init(name: "layers.0.weight", shape: [3, 2], values: [Float](repeating: 1, count: 6)),
                                 .init(name: "layers.0.bias", shape: [2], values: [Float](repeating: 1, count: 2))], activations: [.linear])
        #expect(bias?.message == "tensor 'layers.0.bias' has shape [2] but its layer has 3 outputs")
    }

    @Test func otherTensorsAndTypesAreRefused() {
        let stray = Self.network([.init(name: "layers.0.weight", shape: [1, 1], values: [Float(1)]),
                                  .init(name: "bn.running_mean", shape: [1], values: [Float(1)])], activations: [.linear])
        #expect(stray?.message == "tensor 'bn.running_mean' is not a layer's weight or bias (expected names like layers.0.weight)")
        let ints = Self.network([.init(name: "layers.0.weight", dtype: .I32, shape: [1, 1], data: [1, 0, 0, 0])], activations: [.linear])
        #expect(ints?.message == "tensor 'layers.0.weight' holds I32, not floating-point numbers")
        let nan = Self.network([.init(name: "layers.0.weight", shape: [1, 2], values: [1, Float.nan])], activations: [.linear])
        #expect(nan?.message == "tensor 'layers.0.weight' contains NaN at element 1")
        let count = Self.network([.init(name: "layers.0.weight", shape: [1, 1], values: [Float(1)])], activations: [.relu, .relu])
        #expect(count?.message == "2 activations given for 1 layer")
    }

    /// `layers.00.weight` or `layers.+0.weight` beside `layers.0.weight` parsed to the same
    /// layer and one silently replaced the other: layer numbers must be plain decimals.
    @Test(arguments: ["00", "+0", "-0", "01", " 1", "1_0", "０"])
    func layerNumbersMustBeWrittenPlainly(_ number: String) {
        let w: SafeTensorsFile.Tensor = .init(name: "layers.0.weight", shape: [1, 1], values: [Float(1)])
        let odd: SafeTensorsFile.Tensor = .init(name: "layers.\(number).weight", shape: [1, 1], values: [Float(2)])
        for tensors in [[w, odd], [odd]] {
            let e = Self.network(tensors, activations: tensors.count == 2 ? [.linear, .linear] : [.linear])
            #expect(e?.kind == .unsupportedContent, "\(number)")
            #expect(e?.message == "tensor 'layers.\(number).weight' is not a layer's weight or bias (expected names like layers.0.weight)", "\(number)")
        }
    }

    @Test func metadataThatDoesNotFitIsRefused() throws {
        var g = RandomGenerator(seed: 1)
        let net = try AnyNetwork(inputWidth: 2)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        var file = SafeTensorsFile(network: net, preprocessing: Preprocessing(classLabels: ["x", "y"]))
        file.metadata = file.metadata.map { $0.name == "nnsh.class_labels" ? NamedText($0.name, #"["only one"]"#) : $0 }
        let e = expectModelFileError { _ = try SafeTensorsFile.decode(file.encode()).network() }
        #expect(e?.message == "1 class labels for 2 outputs")
        file.metadata = file.metadata.map { $0.name == "nnsh.activations" ? NamedText($0.name, #"["swish"]"#) : $0 }
        let a = expectModelFileError { _ = try SafeTensorsFile.decode(file.encode()).network() }
        #expect(a?.message == "unknown activation 'swish' in nnsh.activations")
    }

    // MARK: - Damage

    /// Every truncation is refused; random byte changes never crash (safetensors has no
    /// checksum, so a changed number can load: that is the format's limit, not ours).
    @Test func truncationsAreRefusedAndMutationsNeverCrash() throws {
        var g = RandomGenerator(seed: 8)
        let net = try AnyNetwork(inputWidth: 3)
        try net.addDense(outputs: 4, activation: .relu, generator: &g)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        let bytes = try SafeTensorsFile(network: net, preprocessing: Preprocessing(classLabels: ["a", "b"])).encode()
        for length in 0 ..< bytes.count {
            #expect(throws: ModelFileError.self, "cut at \(length)") { _ = try SafeTensorsFile.decode(Array(bytes.prefix(length))) }
        }
        var loaded = 0
        for _ in 0 ..< 3000 {
            var mutant = bytes
            for _ in 0 ... g.nextInt(below: 3) { mutant[g.nextInt(below: mutant.count)] ^= UInt8(1 + g.nextInt(below: 255)) }
            if let file = try? SafeTensorsFile.decode(mutant), (try? file.network()) != nil { loaded += 1 }
        }
        #expect(loaded > 0)   // changes inside the numbers load, as in any safetensors reader
    }
}

extension JSON {
    /// The largest 64-bit offset is read exactly (Double would round it).
    static func parse18446744073709551615IsExact() -> Bool {
        (try? JSON.parse(Array("18446744073709551615".utf8)[...]))?.uint64Value == UInt64.max
    }
}
