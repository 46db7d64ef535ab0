/// PGM and PPM pictures (Netpbm): a text header `P5 width height maxval` (comments `#` to the
/// end of a line), one whitespace byte, then the samples: binary (P5 gray, P6 RGB; two
/// big-endian bytes per sample when maxval > 255) or decimal text (P2 gray, P3 RGB).
enum Netpbm {
    static func decode(_ bytes: [UInt8], file: String) throws(DataError) -> GrayImage {
        var scanner = Scanner(bytes: bytes, file: file)
        scanner.position = 2
        let kind = bytes[1]
        let channels = kind == UInt8(ascii: "3") || kind == UInt8(ascii: "6") ? 3 : 1
        let binary = kind == UInt8(ascii: "5") || kind == UInt8(ascii: "6")
        let width = try scanner.number(what: "width")
        let height = try scanner.number(what: "height")
        let maxval = try scanner.number(what: "maximum value")
        try ImageFile.checkSize(width: width, height: height, file: file)
        guard (1...65535).contains(maxval) else {
            throw DataError(.badValue, file: file, "the maximum value must be 1 to 65535, not \(maxval)")
        }
        let samples = width * height * channels
        // Checked before reading: a short file may claim a picture of gigabytes (text samples
        // are read one by one). Per pixel: its samples as Float, and the gray result.
        try ImageFile.checkDecodingMemory(width: width, height: height,
                                          bytesPerPixel: (channels + (channels == 1 ? 0 : 1)) * MemoryLayout<Float>.stride, file: file)
        var values = [Float](repeating: 0, count: samples)
        let scale = 1 / Float(maxval)
        if binary {
            // Exactly one whitespace byte separates the header from the samples.
            guard scanner.position < bytes.count, isSpace(bytes[scanner.position]) else {
                throw DataError(.truncated, file: file, "truncated: no samples after the header")
            }
            var k = scanner.position + 1
            let size = maxval > 255 ? 2 : 1
            guard bytes.count - k >= samples * size else {
                throw DataError(.truncated, file: file,
                                "truncated: \(width)×\(height) needs \(samples * size) bytes of samples, the file has \(bytes.count - k)")
            }
            for i in 0..<samples {
                let v = size == 1 ? Int(bytes[k]) : Int(bytes[k]) << 8 | Int(bytes[k + 1])
                guard v <= maxval else {
                    throw DataError(.badValue, file: file, "sample \(i) is \(v), above the maximum value \(maxval)")
                }
                values[i] = Float(v) * scale
                k += size
            }
        } else {
            for i in 0..<samples {
                let v = try scanner.number(what: "sample \(i)")
                guard v <= maxval else {
                    throw scanner.error(.badValue, "sample \(i) is \(v), above the maximum value \(maxval)")
                }
                values[i] = Float(v) * scale
            }
        }
        if channels == 1 { return GrayImage(width: width, height: height, pixels: values) }
        let gray = (0..<width * height).map { (i: Int) -> Float in
            let r = values[3 * i], g = values[3 * i + 1], b = values[3 * i + 2]
            return 0.299 * r + 0.587 * g + 0.114 * b
        }
        return GrayImage(width: width, height: height, pixels: gray)
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0B || c == 0x0C }

    /// Reads the whitespace-separated decimal numbers of the header and of text samples.
    private struct Scanner {
        let bytes: [UInt8]
        let file: String
        var position = 0

        init(bytes: [UInt8], file: String) {
            self.bytes = bytes
            self.file = file
        }

        mutating func number(what: String) throws(DataError) -> Int {
            while position < bytes.count {
                if isSpace(bytes[position]) { position += 1 }
                else if bytes[position] == UInt8(ascii: "#") {
                    while position < bytes.count && bytes[position] != 0x0A && bytes[position] != 0x0D { position += 1 }
                } else { break }
            }
            guard position < bytes.count else {
                throw DataError(.truncated, file: file, "truncated: the file ends before the \(what)")
            }
            let start = position
            var value = 0
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
                guard value <= 1 << 30 else { throw error(.tooLarge, "the \(what) is too large") }
            }
            guard position > start, position == bytes.count || isSpace(bytes[position]) || bytes[position] == UInt8(ascii: "#") else {
                var end = position
                while end < bytes.count && !isSpace(bytes[end]) && end - start < 20 { end += 1 }
                let text = String(decoding: bytes[start..<max(end, start + 1)], as: UTF8.self)
                position = start
                throw error(.badValue, "the \(what) \"\(text)\" is not a whole number")
            }
            return value
        }

        /// An error at the current position, with its line and column (text formats have lines).
        func error(_ kind: DataError.Kind, _ message: String) -> DataError {
            var line = 1, column = 1
            for k in 0..<min(position, bytes.count) {
                if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
            }
            return DataError(kind, file: file, line: line, column: column, message)
        }
    }
}
