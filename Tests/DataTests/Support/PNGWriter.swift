import CZlib

/// Builds PNG files for tests, written independently of the reader: the filters are applied in
/// the encoding direction, chunks get zlib's CRC-32, the data zlib's compress2.
struct PNGWriter {
    var width: Int
    var height: Int
    var bitDepth: UInt8 = 8
    /// 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA.
    var colorType: UInt8
    var interlace: UInt8 = 0
    var palette: [UInt8] = []
    var transparency: [UInt8] = []
    /// How many IDAT chunks the compressed data are split over.
    var idatChunks = 1

    /// A PNG of `rows` (each row's packed bytes, unfiltered), filtering row y with
    /// `filters[y % filters.count]`.
    func encode(rows: [[UInt8]], filters: [UInt8] = [0]) -> [UInt8] {
        let channels: Int = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colorType)]!
        let bpp = max(1, channels * Int(bitDepth) / 8)
        var raw = [UInt8]()
        for (y, row) in rows.enumerated() {
            let filter = filters[y % filters.count]
            raw.append(filter)
            let above = y > 0 ? rows[y - 1] : [UInt8](repeating: 0, count: row.count)
            for i in row.indices {
                let a = i >= bpp ? Int(row[i - bpp]) : 0
                let b = Int(above[i])
                let c = i >= bpp ? Int(above[i - bpp]) : 0
                let predictor: Int
                switch filter {
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predictor = 0
                }
                raw.append(row[i] &- UInt8(truncatingIfNeeded: predictor))
            }
        }
        var compressed = [UInt8](repeating: 0, count: Int(compressBound(UInt(raw.count))))
        var size = UInt(compressed.count)
        _ = compress2(&compressed, &size, raw, UInt(raw.count), 9)
        compressed.removeLast(compressed.count - Int(size))

        var out: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        out += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height))
                     + [bitDepth, colorType, 0, 0, interlace])
        if !palette.isEmpty { out += chunk("PLTE", palette) }
        if !transparency.isEmpty { out += chunk("tRNS", transparency) }
        out += chunk("tEXt", Array("Comment\u{0}made by a test".utf8))   // ancillary: skipped
        let piece = (compressed.count + idatChunks - 1) / idatChunks
        var start = 0
        while start < compressed.count {
            out += chunk("IDAT", Array(compressed[start ..< min(compressed.count, start + piece)]))
            start += piece
        }
        out += chunk("IEND", [])
        return out
    }

    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        let crc = UInt32(crc32(0, body, UInt32(body.count)))
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }
}
