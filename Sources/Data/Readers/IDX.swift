/// An array read from an IDX file (the format of the MNIST files), with its dimensions.
///
/// An IDX file is a 4-byte magic number `00 00 TT NN` (TT the element type, NN the number of
/// dimensions), then NN big-endian 32-bit sizes, then the elements row-major, big-endian:
///
///     train-images-idx3-ubyte:  00 00 08 03 | 60000 | 28 | 28 | 47,040,000 bytes of pixels
///
/// Values keep their file type (`IDXArray.Values`); `value(at:)` reads any of them as Double.
public struct IDXArray: Sendable, Equatable {
    /// The element types IDX defines, by their code in the magic number.
    public enum ElementType: UInt8, Sendable, CaseIterable {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .uint8, .int8: 1
            case .int16: 2
            case .int32, .float32: 4
            case .float64: 8
            }
        }

        public var isInteger: Bool { self != .float32 && self != .float64 }

        public var name: String {
            switch self {
            case .uint8: "uint8"
            case .int8: "int8"
            case .int16: "int16"
            case .int32: "int32"
            case .float32: "float32"
            case .float64: "float64"
            }
        }
    }

    /// The elements, flat and row-major, in the file's own type.
    public enum Values: Sendable, Equatable {
        case uint8([UInt8])
        case int8([Int8])
        case int16([Int16])
        case int32([Int32])
        case float32([Float])
        case float64([Double])
    }

    /// Sizes, outermost first (`[60000, 28, 28]` for MNIST training images).
    public var dimensions: [Int]
    public var values: Values

    public init(dimensions: [Int], values: Values) {
        self.dimensions = dimensions
        self.values = values
    }

    public var elementType: ElementType {
        switch values {
        case .uint8: .uint8
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .float32: .float32
        case .float64: .float64
        }
    }

    /// The number of elements (the product of the dimensions).
    public var count: Int { dimensions.reduce(1, *) }

    /// Element `k` of the flat array as a Double.
    public func value(at k: Int) -> Double {
        switch values {
        case .uint8(let v): Double(v[k])
        case .int8(let v): Double(v[k])
        case .int16(let v): Double(v[k])
        case .int32(let v): Double(v[k])
        case .float32(let v): Double(v[k])
        case .float64(let v): v[k]
        }
    }

    /// "60000×28×28 uint8"
    public var shapeDescription: String {
        dimensions.map(String.init).joined(separator: "×") + " " + elementType.name
    }
}

/// Reads IDX files, plain or gzip'ed.
public enum IDX {
    /// The largest data part `read` accepts, in bytes (4 GiB); beyond it a header is taken
    /// to be damaged rather than a real dataset.
    public static let maximumBytes = 1 << 32

    /// Reads a whole IDX file (`.gz` or not: the content decides). Errors name the file:
    /// a wrong magic number, an element type or dimension count IDX does not have, a size
    /// beyond `maximumBytes`, a file shorter or longer than its header says. `shouldStop` is
    /// asked between chunks of 16 MiB: when it says true, reading throws `.stopped`.
    public static func read(path: String, shouldStop: () -> Bool = { false }) throws(DataError) -> IDXArray {
        let reader = try FileReader(path: path)
        let magic = try reader.read(4)
        guard magic.count == 4 else {
            throw DataError(.truncated, file: path, "truncated: \(magic.count) bytes, too short for an IDX header")
        }
        guard magic[0] == 0, magic[1] == 0 else {
            let hex = magic.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
            throw DataError(.badMagic, file: path,
                            "not an IDX file: wrong magic number 0x\(hex) (expected 0x0000TTNN)")
        }
        guard let type = IDXArray.ElementType(rawValue: magic[2]) else {
            throw DataError(.badMagic, file: path,
                            "not an IDX file: unknown element type 0x\(String(magic[2], radix: 16))")
        }
        let rank = Int(magic[3])
        guard (1...4).contains(rank) else {
            throw DataError(.unsupported, file: path, "IDX files with \(rank) dimensions are not read (1 to 4 are)")
        }
        let sizeBytes = try reader.read(4 * rank)
        guard sizeBytes.count == 4 * rank else {
            throw DataError(.truncated, file: path, "truncated: the file ends inside its header")
        }
        let dimensions = (0..<rank).map { d in
            sizeBytes[4 * d ..< 4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        let shape = dimensions.map(String.init).joined(separator: "×") + " " + type.name
        // Every dimension is checked, also beside a zero: 0×4278256382×4002471403 holds no data,
        // but its examples would each be wider than any memory (found by fuzzing, docs/FUZZING.md).
        var claimed = type.size
        for d in dimensions where d != 0 {
            let (product, overflow) = claimed.multipliedReportingOverflow(by: d)
            guard !overflow, product <= maximumBytes else {
                throw DataError(.tooLarge, file: path,
                                "header claims \(shape), more than \(maximumBytes >> 30) GiB; the file is damaged")
            }
            claimed = product
        }
        let dataBytes = dimensions.contains(0) ? 0 : claimed
        let headerBytes = 4 + 4 * rank
        if reader.isPlain && reader.sizeOnDisk != headerBytes + dataBytes {
            let held = reader.sizeOnDisk - headerBytes
            if held < dataBytes {
                throw DataError(.truncated, file: path,
                                "truncated: the header says \(shape) (\(dataBytes) data bytes) but the file holds \(held)")
            }
            throw DataError(.sizeMismatch, file: path,
                            "the header says \(shape) (\(dataBytes) data bytes) but the file holds \(held): the dimensions disagree with the file size")
        }
        // The bytes read, plus the decoded values for element types wider than a byte.
        try checkMemory(count: dataBytes, times: type == .uint8 ? 1 : 2, bytesEach: 1, for: "the data (\(shape))", file: path)
        let data = try reader.read(dataBytes, shouldStop: shouldStop)
        guard data.count == dataBytes else {
            throw DataError(.truncated, file: path,
                            "truncated: the header says \(shape) but the data ends after \(data.count) of \(dataBytes) bytes")
        }
        if try !reader.read(1).isEmpty {
            throw DataError(.sizeMismatch, file: path,
                            "the header says \(shape) (\(dataBytes) data bytes) but more data follows: the dimensions disagree with the file size")
        }
        return IDXArray(dimensions: dimensions, values: decode(data, as: type))
    }

    /// Big-endian bytes to values of `type`.
    static func decode(_ data: [UInt8], as type: IDXArray.ElementType) -> IDXArray.Values {
        let n = data.count / type.size
        switch type {
        case .uint8:
            return .uint8(data)
        case .int8:
            return .int8(data.map { Int8(bitPattern: $0) })
        case .int16:
            return .int16(data.withUnsafeBytes { raw in
                (0..<n).map { Int16(bigEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) }
            })
        case .int32:
            return .int32(data.withUnsafeBytes { raw in
                (0..<n).map { Int32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
            })
        case .float32:
            return .float32(data.withUnsafeBytes { raw in
                (0..<n).map {
                    Float(bitPattern: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
                }
            })
        case .float64:
            return .float64(data.withUnsafeBytes { raw in
                (0..<n).map {
                    Double(bitPattern: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
                }
            })
        }
    }
}
