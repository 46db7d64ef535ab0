import CZlib

/// PNG pictures: non-interlaced, 8-bit gray, gray+alpha, RGB, RGBA, and palette or gray at 1, 2,
/// 4 or 8 bits. Interlaced and 16-bit files are refused with a clear message.
///
/// A PNG is an 8-byte signature, then chunks `length | type | data | CRC-32`: IHDR (size, bit
/// depth, colour type), PLTE (palette), tRNS (palette transparency), IDAT (the zlib-compressed
/// rows, possibly split over several chunks), IEND. Each row is a filter byte (None, Sub, Up,
/// Average, Paeth) followed by its filtered bytes.
enum PNG {
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    private struct Header {
        var width = 0, height = 0, bitDepth = 0, colorType = 0
        /// Samples per pixel.
        var channels: Int {
            switch colorType {
            case 2: 3
            case 4: 2
            case 6: 4
            default: 1   // 0 gray, 3 palette
            }
        }
        /// Bytes per packed row, without the filter byte.
        var stride: Int { (width * channels * bitDepth + 7) / 8 }
        /// Bytes per pixel for the filters (at least 1).
        var filterDistance: Int { max(1, channels * bitDepth / 8) }
    }

    static func decode(_ bytes: [UInt8], file: String) throws(DataError) -> GrayImage {
        var header: Header? = nil
        var palette = [UInt8](), transparency = [UInt8](), compressed = [UInt8]()
        var position = signature.count
        var sawEnd = false
        while position < bytes.count {
            guard bytes.count - position >= 12 else {
                throw DataError(.truncated, file: file, "truncated: the file ends inside a chunk header")
            }
            let length = readUInt32(bytes, position)
            let typeBytes = bytes[position + 4 ..< position + 8]
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= bytes.count - position - 12 else {
                throw DataError(.truncated, file: file, "truncated: chunk \(type) needs \(length) bytes, fewer remain")
            }
            let dataStart = position + 8, dataEnd = dataStart + length
            let stored = UInt(readUInt32(bytes, dataEnd))
            let computed = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress! + position + 4, UInt32(length + 4)) }
            guard stored == computed else {
                throw DataError(.malformed, file: file, "chunk \(type) is damaged (its CRC-32 does not match)")
            }
            let data = bytes[dataStart..<dataEnd]
            switch type {
            case "IHDR":
                header = try readHeader(data, file: file)
            case "PLTE":
                palette = Array(data)
            case "tRNS":
                transparency = Array(data)
            case "IDAT":
                compressed += data
            case "IEND":
                sawEnd = true
            default:
                // Ancillary chunks (lower-case first letter) may be skipped; critical ones not.
                if typeBytes.first.map({ $0 & 0x20 == 0 }) == true {
                    throw DataError(.unsupported, file: file, "unknown critical chunk \(type)")
                }
            }
            position = dataEnd + 4
            if sawEnd { break }
        }
        guard let header else { throw DataError(.malformed, file: file, "no IHDR chunk") }
        guard !compressed.isEmpty else { throw DataError(.malformed, file: file, "no IDAT chunk (no image data)") }
        guard sawEnd else { throw DataError(.truncated, file: file, "truncated: the file ends before its IEND chunk") }
        if header.colorType == 3 && (palette.isEmpty || palette.count % 3 != 0) {
            throw DataError(.malformed, file: file, "a palette picture without a valid PLTE chunk")
        }
        // Checked before inflating: a small file may claim a picture of gigabytes. Inflating
        // cannot go beyond: the buffer has the size the header gives, more is an error.
        // Per pixel: the unpacked rows (up to 4 bytes), gray and alpha (Float), the result.
        try ImageFile.checkDecodingMemory(width: header.width, height: header.height,
                                          bytesPerPixel: header.channels + 3 * MemoryLayout<Float>.stride, file: file)
        var rows = try inflate(compressed, size: header.height * (header.stride + 1), file: file)
        try unfilter(&rows, header, file: file)
        return pixels(rows, header, palette: palette, transparency: transparency, file: file)
    }

    private static func readUInt32(_ b: [UInt8], _ k: Int) -> Int {
        Int(b[k]) << 24 | Int(b[k + 1]) << 16 | Int(b[k + 2]) << 8 | Int(b[k + 3])
    }

    private static func readHeader(_ d: ArraySlice<UInt8>, file: String) throws(DataError) -> Header {
        guard d.count == 13 else { throw DataError(.malformed, file: file, "IHDR has \(d.count) bytes, not 13") }
        let b = Array(d)
        var h = Header()
        h.width = readUInt32(b, 0)
        h.height = readUInt32(b, 4)
        h.bitDepth = Int(b[8])
        h.colorType = Int(b[9])
        try ImageFile.checkSize(width: h.width, height: h.height, file: file)
        guard b[10] == 0, b[11] == 0 else {
            throw DataError(.unsupported, file: file, "unknown compression or filter method")
        }
        guard b[12] == 0 else {
            throw DataError(.unsupported, file: file, "interlaced PNG is not read; save it without interlacing")
        }
        if h.bitDepth == 16 {
            throw DataError(.unsupported, file: file, "16-bit PNG is not read; save it with 8 bits per channel")
        }
        let allowed: [Int: [Int]] = [0: [1, 2, 4, 8], 2: [8], 3: [1, 2, 4, 8], 4: [8], 6: [8]]
        guard let depths = allowed[h.colorType] else {
            throw DataError(.malformed, file: file, "unknown colour type \(h.colorType)")
        }
        guard depths.contains(h.bitDepth) else {
            throw DataError(.malformed, file: file, "bit depth \(h.bitDepth) is not valid for colour type \(h.colorType)")
        }
        return h
    }

    /// zlib-inflates the IDAT stream, which must unpack to exactly `size` bytes.
    private static func inflate(_ data: [UInt8], size: Int, file: String) throws(DataError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        var produced = UInt(size)
        let status = out.withUnsafeMutableBufferPointer { o in
            data.withUnsafeBufferPointer { i in uncompress(o.baseAddress!, &produced, i.baseAddress!, UInt(i.count)) }
        }
        if status == Z_OK && produced == size { return out }
        if (status == Z_OK || status == Z_BUF_ERROR) && produced < size {
            throw DataError(.truncated, file: file, "truncated: the image data unpack to \(produced) of \(size) bytes")
        }
        if status == Z_BUF_ERROR {
            throw DataError(.sizeMismatch, file: file, "the image data unpack to more than the \(size) bytes its size needs")
        }
        throw DataError(.malformed, file: file, "the image data are damaged (zlib error \(status))")
    }

    /// Undoes each row's filter in place; afterwards row y's bytes are at
    /// `rows[y * (stride + 1) + 1 ...]`.
    ///
    ///     Sub:     x + a            Up:    x + b
    ///     Average: x + ⌊(a + b)/2⌋   Paeth: x + whichever of a, b, c is nearest a + b − c
    /// with a the byte one pixel left, b the byte above, c the byte above-left (0 off the edge).
    private static func unfilter(_ rows: inout [UInt8], _ h: Header, file: String) throws(DataError) {
        let stride = h.stride, bpp = h.filterDistance, line = stride + 1
        for y in 0..<h.height {
            let row = y * line + 1, above = row - line
            let filter = rows[row - 1]
            switch filter {
            case 0:
                break
            case 1:
                for i in bpp..<max(bpp, stride) { rows[row + i] &+= rows[row + i - bpp] }
            case 2:
                if y > 0 { for i in 0..<stride { rows[row + i] &+= rows[above + i] } }
            case 3:
                for i in 0..<stride {
                    let a = i >= bpp ? Int(rows[row + i - bpp]) : 0
                    let b = y > 0 ? Int(rows[above + i]) : 0
                    rows[row + i] &+= UInt8((a + b) / 2)
                }
            case 4:
                for i in 0..<stride {
                    let a = i >= bpp ? Int(rows[row + i - bpp]) : 0
                    let b = y > 0 ? Int(rows[above + i]) : 0
                    let c = i >= bpp && y > 0 ? Int(rows[above + i - bpp]) : 0
                    let p = a + b - c
                    let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    let predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                    rows[row + i] &+= UInt8(predictor)
                }
            default:
                throw DataError(.malformed, file: file, "row \(y) has an unknown filter type \(filter)")
            }
        }
    }

    /// Unpacked rows to gray (and alpha), then to a `GrayImage`.
    private static func pixels(_ rows: [UInt8], _ h: Header, palette: [UInt8], transparency: [UInt8], file: String) -> GrayImage {
        let n = h.width * h.height, line = h.stride + 1
        var gray = [Float](repeating: 0, count: n)
        var alpha: [Float]? = nil
        let inv: Float = 1 / 255
        func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Float {
            (0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b)) * inv
        }
        /// Sample x of row y for bit depths below 8 (most significant bits first).
        func packed(_ y: Int, _ x: Int) -> Int {
            let bitsAt = x * h.bitDepth
            let byte = rows[y * line + 1 + bitsAt / 8]
            let shift = 8 - h.bitDepth - bitsAt % 8
            return Int(byte >> UInt8(shift)) & ((1 << h.bitDepth) - 1)
        }
        switch h.colorType {
        case 0:
            let top = Float((1 << h.bitDepth) - 1)
            for y in 0..<h.height {
                for x in 0..<h.width { gray[y * h.width + x] = Float(packed(y, x)) / top }
            }
        case 3:
            let colours = palette.count / 3
            var a = [Float](repeating: 1, count: n)
            for y in 0..<h.height {
                for x in 0..<h.width {
                    let p = min(packed(y, x), colours - 1)   // an index beyond the palette: its last entry
                    gray[y * h.width + x] = luma(palette[3 * p], palette[3 * p + 1], palette[3 * p + 2])
                    if p < transparency.count { a[y * h.width + x] = Float(transparency[p]) * inv }
                }
            }
            if !transparency.isEmpty { alpha = a }
        default:
            let c = h.channels
            var a = [Float](repeating: 1, count: n)
            for y in 0..<h.height {
                let start = y * line + 1
                for x in 0..<h.width {
                    let s = start + x * c
                    switch h.colorType {
                    case 2, 6: gray[y * h.width + x] = luma(rows[s], rows[s + 1], rows[s + 2])
                    default: gray[y * h.width + x] = Float(rows[s]) * inv   // 4: gray + alpha
                    }
                    if h.colorType == 4 { a[y * h.width + x] = Float(rows[s + 1]) * inv }
                    if h.colorType == 6 { a[y * h.width + x] = Float(rows[s + 3]) * inv }
                }
            }
            if h.colorType == 4 || h.colorType == 6 { alpha = a }
        }
        return GrayImage.fromChannels(width: h.width, height: h.height, gray: gray, alpha: alpha)
    }
}
