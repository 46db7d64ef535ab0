/// Protocol Buffers wire format, read side: the mirror of `ProtobufWriter`
/// (https://protobuf.dev/programming-guides/encoding/). A reader walks one message's fields in
/// order; a length-delimited field is handed back as a range of the bytes (nothing copied), and
/// a nested message is read by a reader over that range, so the caller decides how deep to go:
/// the reader itself never recurses, and a field nobody asks about is skipped whole.
///
///     var r = ProtobufReader(bytes)
///     while let field = try r.next() {
///         switch (field.number, field.value) {
///         case (1, .varint(let v)): irVersion = Int64(bitPattern: v)
///         case (7, .bytes(let range)): graph = try Graph(r.reader(range))
///         default: break                                   // unknown fields are skipped
///         }
///     }
///
/// Bounded: every length is checked against the bytes that remain before anything is read, a
/// varint is at most ten bytes, and nothing is allocated from a count the file states. Groups
/// (wire types 3 and 4, deprecated, unused by ONNX) and the undefined wire types 6 and 7 are
/// refused. Offsets in errors are absolute positions in `bytes`.
struct ProtobufReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var position: Int
    /// One past the last byte of this message.
    let end: Int

    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        /// A length-delimited field's contents: a string, bytes, a message or a packed list.
        case bytes(Range<Int>)
    }

    struct Field {
        var number: Int
        var value: Value
        /// Where the field's key starts.
        var offset: Int
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes, bytes.indices)
    }

    private init(_ bytes: [UInt8], _ range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    static let hint = "the file is damaged or not an ONNX model"

    private func malformed(_ message: String, at offset: Int) -> ModelFileError {
        ModelFileError(.malformed, message, hint: Self.hint, offset: offset)
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(ModelFileError) -> Field? {
        guard !isAtEnd else { return nil }
        let start = position
        let key = try varint()
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else {
            throw malformed("field number \(number) is not a valid protobuf field number", at: start)
        }
        let value: Value
        switch key & 7 {
        case 0: value = .varint(try varint())
        case 1: value = .fixed64(try fixed(UInt64.self))
        case 5: value = .fixed32(try fixed(UInt32.self))
        case 2:
            let lengthStart = position
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw ModelFileError(.truncated, "field \(number) says it holds \(length) bytes but only \(end - position) remain",
                                     hint: "the file was cut short or is damaged", offset: lengthStart)
            }
            value = .bytes(position ..< position + Int(length))
            position += Int(length)
        case let type:
            throw malformed("field \(number) has wire type \(type), which ONNX models do not use", at: start)
        }
        return Field(number: Int(number), value: value, offset: start)
    }

    /// A base-128 varint of at most ten bytes.
    mutating func varint() throws(ModelFileError) -> UInt64 {
        let start = position
        var value: UInt64 = 0
        for i in 0..<10 {
            guard position < end else {
                throw ModelFileError(.truncated, "a number is cut short", hint: "the file was cut short or is damaged", offset: start)
            }
            let byte = bytes[position]
            position += 1
            // The tenth byte holds only the top bit of a 64-bit value.
            guard i < 9 || byte <= 1 else { break }
            value |= UInt64(byte & 0x7F) << (7 * i)
            if byte & 0x80 == 0 { return value }
        }
        throw malformed("a number (varint) is longer than 64 bits", at: start)
    }

    private mutating func fixed<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(ModelFileError) -> T {
        let width = MemoryLayout<T>.size
        guard end - position >= width else {
            throw ModelFileError(.truncated, "a \(width * 8)-bit number is cut short", hint: "the file was cut short or is damaged", offset: position)
        }
        var value: T = 0
        for i in 0..<width { value |= T(bytes[position + i]) << (8 * i) }
        position += width
        return value
    }

    // MARK: - Contents of length-delimited fields

    /// A reader over a nested message.
    func reader(_ range: Range<Int>) -> ProtobufReader { ProtobufReader(bytes, range) }

    /// A string field's text, which must be UTF-8.
    func string(_ range: Range<Int>, for what: String) throws(ModelFileError) -> String {
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw malformed("\(what) is not valid UTF-8", at: range.lowerBound)
        }
        return text
    }

    /// A packed list of varints.
    func packedVarints(_ range: Range<Int>) throws(ModelFileError) -> [UInt64] {
        var r = reader(range)
        var out: [UInt64] = []
        while !r.isAtEnd { out.append(try r.varint()) }
        return out
    }

    /// A packed list of fixed-width values (`width` 4 or 8), as 64-bit patterns.
    func packedFixed(_ range: Range<Int>, width: Int, for what: String) throws(ModelFileError) -> [UInt64] {
        guard range.count % width == 0 else {
            throw malformed("\(what) holds \(range.count) bytes, not a whole number of \(width)-byte values", at: range.lowerBound)
        }
        var r = reader(range)
        var out: [UInt64] = []
        out.reserveCapacity(range.count / width)
        while !r.isAtEnd { out.append(width == 4 ? UInt64(try r.fixed(UInt32.self)) : try r.fixed(UInt64.self)) }
        return out
    }
}
