/// Protocol Buffers wire format, write side only: the few encodings ONNX models need
/// (https://protobuf.dev/programming-guides/encoding/). Fields are written in the order they
/// are called; a nested message is built by a closure and written length-delimited.
///
///     var w = ProtobufWriter()
///     w.int(1, 7)                          // field 1, varint 7:      08 07
///     w.string(2, "nnsh")                  // field 2, length 4:      12 04 6E 6E 73 68
///     w.message(7) { g in g.string(2, "mlp") }
///     let bytes = w.bytes
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// Wire types.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// Base-128 varint, least significant group first, high bit set on all but the last byte.
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A field's key: (number << 3) | wire type.
    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// An int32/int64/enum field (negative numbers as their 64-bit two's complement, ten bytes,
    /// as protobuf writes them).
    mutating func int(_ field: Int, _ value: Int64) {
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// A float field (fixed32, little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        let b = value.bitPattern
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * i))) }
    }

    /// A bytes field.
    mutating func data(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A string field (UTF-8).
    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }

    /// An embedded message field, its contents written by `body`.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        data(field, inner.bytes)
    }
}
