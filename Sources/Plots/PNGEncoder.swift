import CZlib
import Foundation

/// Greyscale images as PNG files: what an SVG picture embeds for its pixel images (one
/// `<image>` instead of a `<rect>` per pixel: a 160×160 drawing was up to 25,600 elements).
///
/// The file is the smallest valid one: signature, IHDR (8-bit greyscale, no interlace),
/// one IDAT (every row with filter 0, deflated by zlib), IEND; each chunk with its CRC-32.
enum PNGEncoder {
    /// A PNG of `width` × `height` grey levels (row-major, 0 black … 255 white); nil when the
    /// sizes do not match the levels or zlib fails.
    static func greyscale(width: Int, height: Int, levels: [UInt8]) -> [UInt8]? {
        guard width > 0, height > 0, width <= 1 << 24, height <= 1 << 24,
              levels.count == width * height else { return nil }
        var raw = [UInt8]()
        raw.reserveCapacity((width + 1) * height)
        for y in 0..<height {
            raw.append(0)   // filter: none
            raw.append(contentsOf: levels[(y * width)..<((y + 1) * width)])
        }
        guard let deflated = deflate(raw) else { return nil }

        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header = [UInt8]()
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]   // bit depth 8, greyscale, deflate, filter method 0, no interlace
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", deflated, to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// The same as a `data:` URI, for an SVG `<image href=…>`.
    static func dataURI(width: Int, height: Int, levels: [UInt8]) -> String? {
        greyscale(width: width, height: height, levels: levels).map {
            "data:image/png;base64," + Data($0).base64EncodedString()
        }
    }

    private static func deflate(_ bytes: [UInt8]) -> [UInt8]? {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                compress2(o.baseAddress, &size, i.baseAddress, uLong(bytes.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK else { return nil }
        return Array(out.prefix(Int(size)))
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file += bigEndian(UInt32(data.count))
        var crc = crc32(0, nil, 0)
        crc = typeBytes.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        crc = data.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
        file += typeBytes
        file += data
        file += bigEndian(UInt32(truncatingIfNeeded: crc))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }
}
