import Engine
/// Reads little-endian values from a byte array, refusing to read past its end.
///
/// Every read checks the bytes that remain first; every count read from the file is checked
/// against the remaining bytes (with overflow-checked arithmetic) before anything is
/// allocated, so a damaged or hostile file cannot make the reader crash or allocate wildly.
/// Offsets in errors are absolute positions in `bytes`.
///
///     var r = ByteReader(bytes)
///     let version = try r.uint16()
///     let name = try r.string()
struct ByteReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var position: Int
    /// One past the last byte this reader may read.
    let end: Int

    init(_ bytes: [UInt8]) {
        self.init(bytes, from: 0, to: bytes.count)
    }

    private init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position == end }

    /// An error of `kind` located at the current position.
    func error(_ kind: ModelFileError.Kind, _ message: String, hint: String) -> ModelFileError {
        ModelFileError(kind, message, hint: hint, offset: position)
    }

    /// Fails unless `count` more bytes remain.
    func require(_ count: Int, for what: String) throws(ModelFileError) {
        guard count >= 0, count <= remaining else {
            throw error(.truncated,
                        "\(what) needs \(count) bytes but only \(remaining) remain",
                        hint: "the file was cut short or damaged; save it again")
        }
    }

    /// A reader over the next `count` bytes, which this reader skips.
    mutating func subReader(_ count: Int, for what: String) throws(ModelFileError) -> ByteReader {
        try require(count, for: what)
        let sub = ByteReader(bytes, from: position, to: position + count)
        position += count
        return sub
    }

    mutating func skip(_ count: Int, for what: String) throws(ModelFileError) {
        try require(count, for: what)
        position += count
    }

    /// The next `count` bytes.
    mutating func bytes(_ count: Int, for what: String) throws(ModelFileError) -> [UInt8] {
        try require(count, for: what)
        defer { position += count }
        return Array(bytes[position ..< position + count])
    }

    /// An unsigned little-endian integer of `T`'s width.
    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type = T.self, for what: String) throws(ModelFileError) -> T {
        let width = MemoryLayout<T>.size
        try require(width, for: what)
        var value: T = 0
        for i in 0..<width { value |= T(bytes[position + i]) << (8 * i) }
        position += width
        return value
    }

    mutating func uint8(_ what: String) throws(ModelFileError) -> UInt8 { try integer(for: what) }
    mutating func uint16(_ what: String) throws(ModelFileError) -> UInt16 { try integer(for: what) }
    mutating func uint32(_ what: String) throws(ModelFileError) -> UInt32 { try integer(for: what) }
    mutating func uint64(_ what: String) throws(ModelFileError) -> UInt64 { try integer(for: what) }

    mutating func int64(_ what: String) throws(ModelFileError) -> Int64 {
        Int64(bitPattern: try integer(UInt64.self, for: what))
    }

    /// An IEEE 754 binary64.
    mutating func float64(_ what: String) throws(ModelFileError) -> Double {
        Double(bitPattern: try integer(UInt64.self, for: what))
    }

    /// A finite binary64 (metadata numbers may not be NaN or infinite).
    mutating func finiteFloat64(_ what: String) throws(ModelFileError) -> Double {
        let start = position
        let value = try float64(what)
        guard value.isFinite else {
            throw ModelFileError(.nonFiniteValue, "\(what) is \(value)",
                                 hint: "the file is damaged or was written by a faulty program",
                                 offset: start)
        }
        return value
    }

    /// A 0 or 1 byte.
    mutating func bool(_ what: String) throws(ModelFileError) -> Bool {
        let start = position
        switch try uint8(what) {
        case 0: return false
        case 1: return true
        case let b:
            throw ModelFileError(.malformed, "\(what) must be 0 or 1, found \(b)",
                                 hint: "the file is damaged; save it again", offset: start)
        }
    }

    /// A count stored as `u64`, checked so that `count` elements of at least
    /// `minimumElementSize` bytes each fit in the remaining bytes.
    mutating func count(_ what: String, minimumElementSize: Int) throws(ModelFileError) -> Int {
        let start = position
        let raw = try uint64(what)
        let (bytes, overflow) = Int(clamping: raw).multipliedReportingOverflow(by: max(1, minimumElementSize))
        guard raw <= UInt64(Int.max), !overflow, bytes <= remaining else {
            throw ModelFileError(.malformed,
                                 "\(what) is \(raw), more than the \(remaining) remaining bytes can hold",
                                 hint: "the file is damaged; save it again", offset: start)
        }
        return Int(raw)
    }

    /// A UTF-8 string stored as a `u64` byte length followed by the bytes.
    mutating func string(_ what: String) throws(ModelFileError) -> String {
        let length = try count("length of \(what)", minimumElementSize: 1)
        let start = position
        let raw = try bytes(length, for: what)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw ModelFileError(.malformed, "\(what) is not valid UTF-8",
                                 hint: "the file is damaged; save it again", offset: start)
        }
        return text
    }

    /// `count` little-endian values of `T` (Float or Double), copied in one go.
    mutating func scalars<T: Scalar>(_ count: Int, of _: T.Type = T.self, for what: String) throws(ModelFileError) -> [T] {
        let size = MemoryLayout<T>.size
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: size)
        guard count >= 0, !overflow else {
            throw error(.malformed, "\(what) has an impossible size", hint: "the file is damaged; save it again")
        }
        try require(byteCount, for: what)
        let start = position
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[start ..< start + byteCount]))
            }
            initialized = count
        }
        position += byteCount
        #if _endian(big)
        return values.map { $0.byteSwappedFromLittleEndian }
        #else
        return values
        #endif
    }
}

#if _endian(big)
extension Scalar {
    var byteSwappedFromLittleEndian: Self {
        var copy = self
        withUnsafeMutableBytes(of: &copy) { $0.reverse() }
        return copy
    }
}
#endif
