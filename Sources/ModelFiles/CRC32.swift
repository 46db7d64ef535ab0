import Engine
import CZlib

/// CRC-32 as in zlib, gzip and PNG (polynomial 0xEDB88320, reflected, initial and final
/// XOR 0xFFFFFFFF): `CRC32.checksum("123456789".utf8) == 0xCBF43926`.
enum CRC32 {
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        let contiguous = Array(bytes)
        return contiguous.withUnsafeBytes { checksum($0) }
    }

    static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc32(0, nil, 0)
        var start = 0
        // zlib takes a 32-bit length; feed large buffers in pieces.
        while start < buffer.count {
            let length = min(buffer.count - start, 1 << 30)
            crc = crc32(crc, buffer.baseAddress!.advanced(by: start).assumingMemoryBound(to: Bytef.self),
                        uInt(length))
            start += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
