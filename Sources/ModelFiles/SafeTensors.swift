import Engine
/// The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte
/// little-endian header length N, N bytes of JSON header, then the raw tensor bytes.
///
///     {"__metadata__": {"format": "pt"},
///      "layers.0.weight": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48]}, ...}
///
/// Offsets are relative to the start of the data. Reading applies safetensors' own rules:
/// header at most 100 MB and starting with `{`, every tensor's byte size equal to
/// dtype size × product of its shape, offsets contiguous from 0 and covering the data exactly.
/// We are stricter in two ways: duplicate keys and unknown fields in a tensor's entry are
/// errors (a reader that ignored them could load the wrong numbers).
public struct SafeTensorsFile: Equatable, Sendable {
    /// Element types and their sizes in bytes.
    public enum DType: String, CaseIterable, Sendable {
        case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64

        public var byteSize: Int {
            switch self {
            case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: 1
            case .I16, .U16, .F16, .BF16: 2
            case .I32, .U32, .F32: 4
            case .F64, .I64, .U64: 8
            }
        }
    }

    public struct Tensor: Equatable, Sendable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        /// The raw little-endian bytes, `dtype.byteSize × shape.product` of them.
        public var data: [UInt8]

        public init(name: String, dtype: DType, shape: [Int], data: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.data = data
        }

        /// A Float or Double tensor from values in row-major order.
        public init<T: Scalar>(name: String, shape: [Int], values: [T]) {
            var w = ByteWriter()
            w.scalars(values)
            self.init(name: name, dtype: MemoryLayout<T>.size == 4 ? .F32 : .F64, shape: shape, data: w.bytes)
        }
    }

    /// `__metadata__`: free-form text pairs, in order.
    public var metadata: [NamedText]
    /// Tensors in the order of their data.
    public var tensors: [Tensor]

    /// safetensors' bound on the header length.
    public static let maximumHeaderSize = 100_000_000

    public init(metadata: [NamedText] = [], tensors: [Tensor] = []) {
        self.metadata = metadata
        self.tensors = tensors
    }

    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name } }

    // MARK: - Writing

    /// The file's bytes; the header is padded with spaces to a multiple of 8 bytes, as the
    /// reference writer does, so the data is aligned.
    public func encode() throws(ModelFileError) -> [UInt8] {
        var members: [JSON.Member] = []
        if !metadata.isEmpty {
            members.append(JSON.Member(key: "__metadata__", value: .object(metadata.map {
                JSON.Member(key: $0.name, value: .string($0.value))
            })))
        }
        var offset = 0
        var names: Set<String> = ["__metadata__"]
        for t in tensors {
            guard names.insert(t.name).inserted else {
                throw ModelFileError(.malformed, "two tensors are named '\(t.name)'", hint: "give every tensor its own name")
            }
            let expected = try Self.byteCount(t.dtype, t.shape, name: t.name, offset: nil)
            guard expected == t.data.count else {
                throw ModelFileError(.shapeMismatch, "tensor '\(t.name)' has \(t.data.count) bytes, its shape needs \(expected)",
                                     hint: "this is a bug in the program that built the tensors; please report it")
            }
            members.append(JSON.Member(key: t.name, value: .object([
                JSON.Member(key: "dtype", value: .string(t.dtype.rawValue)),
                JSON.Member(key: "shape", value: .array(t.shape.map { JSON.number($0) })),
                JSON.Member(key: "data_offsets", value: .array([JSON.number(offset), JSON.number(offset + t.data.count)])),
            ])))
            offset += t.data.count
        }
        var header = Array(JSON.object(members).text.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var w = ByteWriter(reservingCapacity: 8 + header.count + offset)
        w.uint64(header.count)
        w.append(header)
        for t in tensors { w.append(t.data) }
        return w.bytes
    }

    // MARK: - Reading

    /// The header length, checked from the file's first 9 bytes (`head`, fewer when the file
    /// is shorter) and its size, so a reader can refuse a file before reading it all.
    static func checkStart(_ head: [UInt8], fileSize: Int) throws(ModelFileError) -> Int {
        let damaged = "the file is damaged or not a safetensors file"
        guard fileSize >= 8, head.count >= 8 else {
            throw ModelFileError(.truncated, "the file has \(fileSize) bytes, too few for a safetensors header length",
                                 hint: damaged, offset: 0)
        }
        var r = ByteReader(head)
        let n = try r.uint64("header length")
        guard n <= UInt64(maximumHeaderSize) else {
            throw ModelFileError(.malformed, "the header length \(n) exceeds safetensors' limit of \(maximumHeaderSize) bytes",
                                 hint: damaged, offset: 0)
        }
        let headerLength = Int(n)
        guard headerLength <= fileSize - 8 else {
            throw ModelFileError(.truncated, "the header needs \(headerLength) bytes but only \(fileSize - 8) follow",
                                 hint: "the file was cut short; copy or export it again", offset: 8)
        }
        guard headerLength > 0, head.count > 8, head[8] == UInt8(ascii: "{") else {
            throw ModelFileError(.malformed, "the header does not start with '{'", hint: damaged, offset: 8)
        }
        return headerLength
    }

    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> SafeTensorsFile {
        let damaged = "the file is damaged or not a safetensors file"
        let headerLength = try checkStart(Array(bytes.prefix(9)), fileSize: bytes.count)
        // Parsed, the header takes up to a JSON value per two bytes of text, with room to grow:
        // a 65 MB header of `0,0,...` holds over 600 MB. Checked before parsing.
        try ModelFileError.checkMemory(count: headerLength, bytesEach: MemoryLayout<JSON>.stride,
                                       for: "the \(headerLength)-byte safetensors header", hint: damaged, offset: 0)
        let json = try JSON.parse(bytes[8 ..< 8 + headerLength], baseOffset: 8)
        guard case .object(let members) = json else {
            throw ModelFileError(.malformed, "the header is not a JSON object", hint: damaged, offset: 8)
        }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart

        var file = SafeTensorsFile()
        var entries: [(name: String, dtype: DType, shape: [Int], begin: Int, end: Int)] = []
        for member in members {
            if member.key == "__metadata__" {
                file.metadata = try metadataEntries(member.value)
                continue
            }
            let entry = try tensorEntry(member.key, member.value)
            entries.append((member.key, entry.dtype, entry.shape, entry.begin, entry.end))
        }
        // Offsets in data order must run 0, a, a, b, b, … up to the data's length.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0
        for e in entries {
            guard e.begin == expectedBegin, e.end >= e.begin else {
                throw ModelFileError(.malformed,
                                     "tensor '\(e.name)' has data offsets [\(e.begin), \(e.end)], but its data must start at \(expectedBegin)",
                                     hint: "the offsets must be contiguous from 0; \(damaged)", offset: 8)
            }
            let size = try byteCount(e.dtype, e.shape, name: e.name, offset: 8)
            guard size == e.end - e.begin else {
                throw ModelFileError(.shapeMismatch,
                                     "tensor '\(e.name)' is \(e.dtype.rawValue) \(e.shape) (\(size) bytes) but its offsets span \(e.end - e.begin) bytes",
                                     hint: damaged, offset: 8)
            }
            guard e.end <= dataLength else {
                throw ModelFileError(.truncated, "tensor '\(e.name)' ends at data byte \(e.end) but the data has only \(dataLength) bytes",
                                     hint: "the file was cut short; copy or export it again", offset: dataStart + dataLength)
            }
            expectedBegin = e.end
        }
        guard expectedBegin == dataLength else {
            throw ModelFileError(.trailingBytes, "\(dataLength - expectedBegin) bytes after the last tensor's data",
                                 hint: "the tensors must cover the data exactly; \(damaged)", offset: dataStart + expectedBegin)
        }
        file.tensors = entries.map { e in
            Tensor(name: e.name, dtype: e.dtype, shape: e.shape, data: Array(bytes[dataStart + e.begin ..< dataStart + e.end]))
        }
        return file
    }

    /// `dtype.byteSize × Π shape`, refusing overflow.
    static func byteCount(_ dtype: DType, _ shape: [Int], name: String, offset: Int?) throws(ModelFileError) -> Int {
        var count = dtype.byteSize
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard d >= 0, !overflow else {
                throw ModelFileError(.malformed, "tensor '\(name)' has an impossible shape \(shape)",
                                     hint: "the file is damaged or not a safetensors file", offset: offset)
            }
            count = product
        }
        return count
    }

    private static func metadataEntries(_ value: JSON) throws(ModelFileError) -> [NamedText] {
        guard case .object(let pairs) = value else {
            throw ModelFileError(.malformed, "__metadata__ is not an object of strings",
                                 hint: "the file is damaged or not a safetensors file", offset: 8)
        }
        var out: [NamedText] = []
        for p in pairs {
            guard let text = p.value.stringValue else {
                throw ModelFileError(.malformed, "__metadata__ entry '\(p.key)' is not a string",
                                     hint: "safetensors metadata values must be strings", offset: 8)
            }
            out.append(NamedText(p.key, text))
        }
        return out
    }

    private static func tensorEntry(_ name: String, _ value: JSON) throws(ModelFileError) -> (dtype: DType, shape: [Int], begin: Int, end: Int) {
        func bad(_ message: String) -> ModelFileError {
            ModelFileError(.malformed, "tensor '\(name)': \(message)", hint: "the file is damaged or not a safetensors file", offset: 8)
        }
        guard case .object(let fields) = value else { throw bad("its entry is not an object") }
        if let unknown = fields.first(where: { !["dtype", "shape", "data_offsets"].contains($0.key) }) {
            throw ModelFileError(.unsupportedContent, "tensor '\(name)' has an unknown field '\(unknown.key)'",
                                 hint: "the file uses a safetensors feature nnsh does not know", offset: 8)
        }
        guard let dtypeName = value["dtype"]?.stringValue else { throw bad("no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw ModelFileError(.unsupportedContent, "tensor '\(name)' has an unknown dtype '\(dtypeName)'",
                                 hint: "nnsh knows \(DType.allCases.map(\.rawValue).joined(separator: ", "))", offset: 8)
        }
        guard case .array(let dims)? = value["shape"] else { throw bad("no shape") }
        var shape: [Int] = []
        for d in dims {
            guard let v = d.uint64Value, v <= UInt64(Int.max) else { throw bad("a shape entry is not a non-negative integer") }
            shape.append(Int(v))
        }
        guard case .array(let offsets)? = value["data_offsets"], offsets.count == 2,
              let begin = offsets[0].uint64Value, let end = offsets[1].uint64Value,
              begin <= UInt64(Int.max), end <= UInt64(Int.max) else {
            throw bad("data_offsets is not a pair of non-negative integers")
        }
        return (dtype, shape, Int(begin), Int(end))
    }

    // MARK: - Files

    /// Writes the file atomically (temporary file, fsync, rename).
    public func write(to path: String) throws(ModelFileError) {
        let bytes: [UInt8]
        do { bytes = try encode() } catch { throw error.at(path: path) }
        try AtomicFile.write(bytes, to: path)
    }

    public static func read(_ path: String) throws(ModelFileError) -> SafeTensorsFile {
        let bytes = try AtomicFile.read(path, head: 9) { (head: [UInt8], size: Int) throws(ModelFileError) in
            _ = try checkStart(head, fileSize: size)
        }
        do { return try decode(bytes) } catch { throw error.at(path: path) }
    }
}
