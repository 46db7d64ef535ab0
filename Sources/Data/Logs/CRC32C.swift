/// CRC-32C (Castagnoli: polynomial 0x1EDC6F41, reflected as 0x82F63B78, initial and final XOR
/// 0xFFFFFFFF), the checksum of TFRecord framing:
/// `CRC32C.checksum("123456789".utf8) == 0xE3069283`.
enum CRC32C {
    /// The byte-at-a-time table of the reflected polynomial.
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TensorFlow's masked form (a CRC of data that holds CRCs is weak): rotate right by 15
    /// bits, add 0xA282EAD8.
    static func masked(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
