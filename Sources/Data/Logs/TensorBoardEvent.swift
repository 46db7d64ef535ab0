/// A TensorBoard `Event` message (tensorflow/core/util/event.proto), encoded by hand as
/// protocol buffers: only the fields nnsh writes.
///
///     Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
///     Summary { repeated Value value = 1; }
///     Value   { string tag = 1; float simple_value = 2; }
///
/// A file's first event holds `file_version` ("brain.Event:2"); each later one a summary of
/// scalars at a step.
struct TensorBoardEvent {
    var wallTime: Double
    var step: Int
    var fileVersion: String?
    var scalars: [(tag: String, value: Float)] = []

    /// The message's bytes.
    var encoded: [UInt8] {
        var out: [UInt8] = []
        out.append(0x09)                                   // field 1, 64-bit
        out += littleEndian(wallTime.bitPattern)
        if step != 0 {
            out.append(0x10)                               // field 2, varint
            out += Self.varint(UInt64(bitPattern: Int64(step)))
        }
        if let fileVersion { out += Self.lengthDelimited(field: 3, Array(fileVersion.utf8)) }
        if !scalars.isEmpty {
            var summary: [UInt8] = []
            for s in scalars {
                var value = Self.lengthDelimited(field: 1, Array(s.tag.utf8))
                value.append(0x15)                         // field 2, 32-bit
                value += littleEndian(s.value.bitPattern)
                summary += Self.lengthDelimited(field: 1, value)
            }
            out += Self.lengthDelimited(field: 5, summary)
        }
        return out
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
        return out
    }

    static func lengthDelimited(field: Int, _ bytes: [UInt8]) -> [UInt8] {
        [UInt8(field << 3 | 2)] + varint(UInt64(bytes.count)) + bytes
    }

    /// TFRecord framing: the length (u64 LE), its masked CRC-32C, the data, its masked CRC-32C.
    static func record(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        return length + littleEndian(CRC32C.masked(length)) + data + littleEndian(CRC32C.masked(data))
    }
}

private func littleEndian<I: FixedWidthInteger>(_ value: I) -> [UInt8] {
    (0..<MemoryLayout<I>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
