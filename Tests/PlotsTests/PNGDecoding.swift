import CZlib

/// Reads back the 8-bit greyscale PNGs `PNGEncoder` writes, checking what a PNG reader checks:
/// the signature, each chunk's CRC-32, the header, the zlib stream and every row's filter byte.
enum PNGDecoding {
    static func greyscaleLevels(_ file: [UInt8]) -> [UInt8]? {
        guard file.count > 8, Array(file[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        var at = 8, width = 0, height = 0, idat = [UInt8](), sawEnd = false
        func u32(_ i: Int) -> Int { file[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        while at + 12 <= file.count {
            let length = u32(at)
            guard at + 12 + length <= file.count else { return nil }
            let typeAndData = Array(file[(at + 4)..<(at + 8 + length)])
            let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            guard UInt(crc) == UInt(u32(at + 8 + length)) else { return nil }
            let type = String(decoding: typeAndData[0..<4], as: UTF8.self)
            let data = Array(typeAndData[4...])
            switch type {
            case "IHDR":
                guard data.count == 13, data[8] == 8, data[9] == 0, data[12] == 0 else { return nil }
                width = data[0..<4].reduce(0) { $0 << 8 | Int($1) }
                height = data[4..<8].reduce(0) { $0 << 8 | Int($1) }
            case "IDAT": idat += data
            case "IEND": sawEnd = true
            default: return nil
            }
            at += 12 + length
        }
        guard sawEnd, at == file.count, width > 0, height > 0 else { return nil }
        var size = uLong((width + 1) * height)
        var raw = [UInt8](repeating: 0, count: Int(size))
        let status = raw.withUnsafeMutableBufferPointer { r in
            idat.withUnsafeBufferPointer { uncompress(r.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(size) == (width + 1) * height else { return nil }
        var levels = [UInt8]()
        for y in 0..<height {
            guard raw[y * (width + 1)] == 0 else { return nil }
            levels += raw[(y * (width + 1) + 1)..<((y + 1) * (width + 1))]
        }
        return levels
    }
}
