/// Reads a picture file as a `GrayImage`, choosing the format from the file's first bytes:
/// PNG, or the Netpbm formats PGM (P2 text, P5 binary) and PPM (P3, P6; colour → gray).
/// `.gz` files are unpacked first.
public enum ImageFile {
    /// The largest picture accepted, in pixels (a damaged header beyond this is refused).
    public static let maximumPixels = 1 << 26

    public static func read(path: String) throws(DataError) -> GrayImage {
        let bytes = try FileReader.readAll(path: path, limit: 1 << 28)
        return try decode(bytes, file: path)
    }

    /// Decodes the bytes of a PNG, PGM or PPM file; `file` names it in messages.
    public static func decode(_ bytes: [UInt8], file: String) throws(DataError) -> GrayImage {
        if bytes.starts(with: PNG.signature) { return try PNG.decode(bytes, file: file) }
        if bytes.count >= 2 && bytes[0] == UInt8(ascii: "P") && [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) {
            return try Netpbm.decode(bytes, file: file)
        }
        throw DataError(.badMagic, file: file, "not a PNG, PGM (P2/P5) or PPM (P3/P6) picture")
    }

    /// Refuses a picture whose decoding would not fit the memory budget: `bytesPerPixel`
    /// counts every buffer the decoder holds at once (unpacked rows, channels, the result).
    static func checkDecodingMemory(width: Int, height: Int, bytesPerPixel: Int, file: String) throws(DataError) {
        try checkMemory(count: width * height, bytesEach: bytesPerPixel,
                        for: "decoding the \(width)×\(height) picture", file: file)
    }

    static func checkSize(width: Int, height: Int, file: String) throws(DataError) {
        guard width > 0, height > 0 else {
            throw DataError(.malformed, file: file, "the picture is \(width)×\(height) pixels")
        }
        guard width <= maximumPixels / height else {
            throw DataError(.tooLarge, file: file, "\(width)×\(height) pixels is too large a picture")
        }
    }
}
