import Engine
/// Appends little-endian values to a growing byte array: the mirror of `ByteReader`.
///
///     var w = ByteWriter()
///     w.uint16(1)
///     w.string("relu")          // u64 length, then UTF-8 bytes
///     let file = w.bytes
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    mutating func append(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        for i in 0..<MemoryLayout<T>.size { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }

    mutating func uint8(_ value: UInt8) { bytes.append(value) }
    mutating func uint16(_ value: UInt16) { integer(value) }
    mutating func uint32(_ value: UInt32) { integer(value) }
    mutating func uint64(_ value: UInt64) { integer(value) }
    /// A count or size; callers validate it is not negative (a negative one is written as its
    /// two's complement, which readers refuse, rather than trapping here).
    mutating func uint64(_ value: Int) { integer(UInt64(bitPattern: Int64(value))) }
    mutating func int64(_ value: Int64) { integer(UInt64(bitPattern: value)) }
    mutating func float64(_ value: Double) { integer(value.bitPattern) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// A `u64` byte length followed by the UTF-8 bytes.
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        uint64(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// Values of `T` (Float or Double), little-endian, copied in one go.
    mutating func scalars<T: Scalar>(_ values: [T]) {
        #if _endian(big)
        for v in values { withUnsafeBytes(of: v) { bytes.append(contentsOf: $0.reversed()) } }
        #else
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #endif
    }

    /// Overwrites the `u64` at `offset` (for lengths known only after their section is written).
    mutating func patchUInt64(_ value: UInt64, at offset: Int) {
        for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
