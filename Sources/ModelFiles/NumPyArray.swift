import Engine
/// One NumPy array in the `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
///
///     \x93NUMPY | major minor | header length (u16 LE; u32 for 2.0 and 3.0) | header | data
///     {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }      (spaces, then \n)
///
/// The header is a Python dict literal padded so the data starts at a multiple of 64 bytes;
/// the data is the elements in C (row-major) order. nnsh writes version 1.0, little-endian;
/// it reads 1.0, 2.0 and 3.0, either byte order (big-endian elements are swapped on reading,
/// so `data` is always little-endian), C order only, and the element types in `DType`.
///
///     let a = NumPyArray(shape: [2, 3], values: [1, 2, 3, 4, 5, 6] as [Float])
///     let same = try NumPyArray.decode(a.encode())
public struct NumPyArray: Equatable, Sendable {
    /// Element types, as NumPy's `descr` names them without the byte-order character.
    public enum DType: Equatable, Sendable {
        case bool, uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32, float64
        /// Fixed-width text of `n` UTF-32 code points per element (`<U5`), zero-padded.
        case unicode(Int)

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .bool, .uint8, .int8: 1
            case .uint16, .int16: 2
            case .uint32, .int32, .float32: 4
            case .uint64, .int64, .float64: 8
            case .unicode(let n): 4 * n
            }
        }

        /// NumPy's type code: `f4`, `i8`, `u1`, `b1`, `U5`.
        public var code: String {
            switch self {
            case .bool: "b1"
            case .uint8: "u1"
            case .int8: "i1"
            case .uint16: "u2"
            case .int16: "i2"
            case .uint32: "u4"
            case .int32: "i4"
            case .uint64: "u8"
            case .int64: "i8"
            case .float32: "f4"
            case .float64: "f8"
            case .unicode(let n): "U\(n)"
            }
        }

        /// NumPy's name: float32, int64, <U5.
        public var name: String {
            switch self {
            case .bool: "bool"
            case .uint8: "uint8"
            case .int8: "int8"
            case .uint16: "uint16"
            case .int16: "int16"
            case .uint32: "uint32"
            case .int32: "int32"
            case .uint64: "uint64"
            case .int64: "int64"
            case .float32: "float32"
            case .float64: "float64"
            case .unicode(let n): "<U\(n)"
            }
        }

        public var isInteger: Bool {
            switch self {
            case .float32, .float64, .unicode: false
            default: true
            }
        }

        static let numeric: [DType] = [.bool, .uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64, .float32, .float64]

        /// The size of one byte-swapped unit (a whole number, or one UTF-32 code point).
        var swapUnit: Int { if case .unicode = self { 4 } else { size } }
    }

    public var dtype: DType
    /// Sizes, outermost first; `[]` for a 0-d array (one element).
    public var shape: [Int]
    /// The elements, C order, little-endian: `dtype.size × count` bytes.
    public var data: [UInt8]

    /// The largest header `decode` accepts (NumPy's own default limit is 10,000 bytes).
    public static let maximumHeaderSize = 65_536
    /// The most dimensions `decode` accepts (NumPy's limit).
    public static let maximumRank = 64

    public init(dtype: DType, shape: [Int], data: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// A float32 or float64 array from values in row-major order.
    public init<T: Scalar>(shape: [Int], values: [T]) {
        var w = ByteWriter()
        w.scalars(values)
        self.init(dtype: MemoryLayout<T>.size == 4 ? .float32 : .float64, shape: shape, data: w.bytes)
    }

    /// An int64 array.
    public init(shape: [Int], int64 values: [Int]) {
        var w = ByteWriter(reservingCapacity: 8 * values.count)
        for v in values { w.int64(Int64(v)) }
        self.init(dtype: .int64, shape: shape, data: w.bytes)
    }

    /// A uint8 array.
    public init(shape: [Int], bytes: [UInt8]) {
        self.init(dtype: .uint8, shape: shape, data: bytes)
    }

    /// A 1-d text array (`<Un`, n the longest string's length in code points, at least 1).
    public init(strings: [String]) {
        let width = max(1, strings.map { $0.unicodeScalars.count }.max() ?? 1)
        var w = ByteWriter(reservingCapacity: 4 * width * strings.count)
        for s in strings {
            let scalars = Array(s.unicodeScalars)
            for k in 0..<width { w.uint32(k < scalars.count ? scalars[k].value : 0) }
        }
        self.init(dtype: .unicode(width), shape: [strings.count], data: w.bytes)
    }

    /// The number of elements (the product of the shape; 1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// "60000×28×28 uint8"
    public var shapeDescription: String {
        (shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")) + " " + dtype.name
    }

    /// Element `k` as a Double (booleans as 0 and 1); nil for text.
    public func value(at k: Int) -> Double? {
        let at = k * dtype.size
        func load<I: FixedWidthInteger>(_: I.Type) -> I {
            var v: I = 0
            for i in 0..<MemoryLayout<I>.size { v |= I(truncatingIfNeeded: data[at + i]) << (8 * i) }
            return v
        }
        switch dtype {
        case .bool, .uint8: return Double(data[at])
        case .int8: return Double(Int8(bitPattern: data[at]))
        case .uint16: return Double(load(UInt16.self))
        case .int16: return Double(load(Int16.self))
        case .uint32: return Double(load(UInt32.self))
        case .int32: return Double(load(Int32.self))
        case .uint64: return Double(load(UInt64.self))
        case .int64: return Double(load(Int64.self))
        case .float32: return Double(Float(bitPattern: load(UInt32.self)))
        case .float64: return Double(bitPattern: load(UInt64.self))
        case .unicode: return nil
        }
    }

    /// Element `k` as an integer, for integer types; nil otherwise (or beyond Int's range).
    public func integer(at k: Int) -> Int? {
        guard dtype.isInteger else { return nil }
        let at = k * dtype.size
        var bits: UInt64 = 0
        for i in 0..<dtype.size { bits |= UInt64(data[at + i]) << (8 * i) }
        switch dtype {
        case .int8: return Int(Int8(truncatingIfNeeded: bits))
        case .int16: return Int(Int16(truncatingIfNeeded: bits))
        case .int32: return Int(Int32(truncatingIfNeeded: bits))
        case .int64: return Int(Int64(bitPattern: bits))
        case .uint64: return bits <= UInt64(Int.max) ? Int(bits) : nil
        default: return Int(bits)
        }
    }

    /// The elements of a text array, trailing NULs removed; nil for other types or a code
    /// point that is not a Unicode scalar.
    public var strings: [String]? {
        guard case .unicode(let width) = dtype else { return nil }
        var out: [String] = []
        out.reserveCapacity(count)
        for e in 0..<count {
            var text = String.UnicodeScalarView()
            for k in 0..<width {
                let at = 4 * (e * width + k)
                let v = UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
                if v == 0 { continue }
                guard let scalar = Unicode.Scalar(v) else { return nil }
                text.append(scalar)
            }
            out.append(String(text))
        }
        return out
    }

    // MARK: - Writing

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The header dict as NumPy writes it.
    var headerText: String {
        let byteOrder = dtype.size == 1 ? "|" : "<"
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(byteOrder)\(dtype.code)', 'fortran_order': False, 'shape': \(dims), }"
    }

    /// The `.npy` bytes: version 1.0 (2.0 only for a header over 65,535 bytes), the header
    /// padded with spaces and ended with `\n` so the data starts at a multiple of 64.
    public func encode() -> [UInt8] {
        var header = Array(headerText.utf8)
        let long = header.count + 1 + 10 > 65_535
        let prefix = long ? 12 : 10
        while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        var w = ByteWriter(reservingCapacity: prefix + header.count + data.count)
        w.append(Self.magic)
        w.append(long ? [2, 0] : [1, 0])
        if long { w.uint32(UInt32(header.count)) } else { w.uint16(UInt16(header.count)) }
        w.append(header)
        w.append(data)
        return w.bytes
    }

    // MARK: - Reading

    /// Decodes a whole `.npy` file. Errors say what is wrong; offsets are within `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(ModelFileError) -> NumPyArray {
        let damaged = "the file is damaged or not a NumPy .npy file"
        guard bytes.count >= 10 else {
            throw ModelFileError(.truncated, "\(bytes.count) bytes, too few for a .npy header", hint: damaged, offset: 0)
        }
        guard Array(bytes[0..<6]) == magic else {
            throw ModelFileError(.notAModelFile, "not a .npy array: it does not start with \\x93NUMPY", hint: damaged, offset: 0)
        }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw ModelFileError(.unsupportedVersion, ".npy format version \(major).\(minor) is not read (1.0, 2.0 and 3.0 are)",
                                 hint: "save it with numpy.save", offset: 6)
        }
        var r = ByteReader(bytes)
        try r.skip(8, for: "the magic and version")
        let headerLength = major == 1 ? Int(try r.uint16("header length")) : Int(try r.uint32("header length"))
        guard headerLength <= maximumHeaderSize else {
            throw ModelFileError(.malformed, "the header length \(headerLength) exceeds \(maximumHeaderSize) bytes", hint: damaged, offset: 8)
        }
        let headerStart = r.position
        let headerBytes = try r.bytes(headerLength, for: "the header")
        guard let text = String(validating: headerBytes, as: UTF8.self), major == 3 || headerBytes.allSatisfy({ $0 < 0x80 }) else {
            throw ModelFileError(.malformed, "the header is not \(major == 3 ? "UTF-8" : "ASCII") text", hint: damaged, offset: headerStart)
        }
        let header: Header
        var parser = HeaderParser(text)
        do throws(HeaderError) { header = try parser.parse() } catch {
            throw ModelFileError(.malformed, "bad header: \(error.message)", hint: damaged, offset: headerStart)
        }
        let (dtype, swap) = try parseDescr(header.descr, offset: headerStart)
        guard !header.fortranOrder else {
            throw ModelFileError(.unsupportedContent, "the array is in Fortran (column-major) order, which nnsh does not read",
                                 hint: "save numpy.ascontiguousarray(a) instead", offset: headerStart)
        }
        guard header.shape.count <= maximumRank else {
            throw ModelFileError(.malformed, "the shape has \(header.shape.count) dimensions, more than NumPy's \(maximumRank)",
                                 hint: damaged, offset: headerStart)
        }
        // Every dimension is checked, also beside a zero: (0, 2⁴⁰, 2⁴⁰) holds no data, but its
        // examples would each be wider than any memory (the IDX reader's lesson, docs/FUZZING.md).
        var size = max(1, dtype.size)
        for d in header.shape where d != 0 {
            let (product, overflow) = size.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw ModelFileError(.malformed, "the shape \(header.shape) is impossibly large", hint: damaged, offset: headerStart)
            }
            size = product
        }
        if header.shape.contains(0) || dtype.size == 0 { size = 0 }
        let dataStart = r.position
        guard size <= r.remaining else {
            throw ModelFileError(.truncated, "the header says \(describe(header.shape, dtype)) (\(size) data bytes) but only \(r.remaining) follow",
                                 hint: "the file was cut short; save it again", offset: dataStart)
        }
        guard size == r.remaining else {
            throw ModelFileError(.trailingBytes, "\(r.remaining - size) bytes after the data of \(describe(header.shape, dtype))",
                                 hint: damaged, offset: dataStart + size)
        }
        var data = Array(bytes[dataStart...])
        if swap && dtype.swapUnit > 1 {
            let unit = dtype.swapUnit
            for start in stride(from: 0, to: data.count, by: unit) { data[start ..< start + unit].reverse() }
        }
        return NumPyArray(dtype: dtype, shape: header.shape, data: data)
    }

    private static func describe(_ shape: [Int], _ dtype: DType) -> String {
        NumPyArray(dtype: dtype, shape: shape, data: []).shapeDescription
    }

    /// `'<f4'` → (.float32, swap: false); `'>i8'` → (.int64, swap: true).
    private static func parseDescr(_ descr: String, offset: Int) throws(ModelFileError) -> (DType, Bool) {
        var code = Substring(descr)
        var swap = false
        if let first = code.first, "<>|=".contains(first) {
            swap = first == ">"
            code = code.dropFirst()
        }
        if let t = DType.numeric.first(where: { $0.code == code }) { return (t, swap) }
        if code == "?" { return (.bool, swap) }
        if code.first == "U", let n = Int(code.dropFirst()), n >= 0, n <= 1 << 20 { return (.unicode(n), swap) }
        throw ModelFileError(.unsupportedContent, "element type '\(descr)' is not read",
                             hint: "nnsh reads bool, (u)int8 to 64, float32, float64 and text (<U); convert with a.astype('float32')",
                             offset: offset)
    }

    /// The three entries every header holds.
    struct Header {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
    }

    struct HeaderError: Error { var message: String }

    /// Parses the header's Python dict literal: exactly the keys `descr` (a string),
    /// `fortran_order` (True or False) and `shape` (a tuple of non-negative integers), as
    /// NumPy itself requires. Structured dtypes (a list as descr) are refused.
    struct HeaderParser {
        let s: [UInt8]
        var i = 0

        init(_ text: String) { s = Array(text.utf8) }

        mutating func parse() throws(HeaderError) -> Header {
            skipSpace()
            try expect(UInt8(ascii: "{"))
            var descr: String?, fortran: Bool?, shape: [Int]?
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") { i += 1; break }
                let key = try string()
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                switch key {
                case "descr":
                    guard descr == nil else { throw HeaderError(message: "'descr' appears twice") }
                    guard peek == UInt8(ascii: "'") || peek == UInt8(ascii: "\"") else {
                        throw HeaderError(message: "'descr' is not a string (structured arrays are not read)")
                    }
                    descr = try string()
                case "fortran_order":
                    guard fortran == nil else { throw HeaderError(message: "'fortran_order' appears twice") }
                    if word("True") { fortran = true } else if word("False") { fortran = false } else {
                        throw HeaderError(message: "'fortran_order' is not True or False")
                    }
                case "shape":
                    guard shape == nil else { throw HeaderError(message: "'shape' appears twice") }
                    shape = try tuple()
                default:
                    throw HeaderError(message: "unknown key '\(key)' (a .npy header has descr, fortran_order and shape)")
                }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                skipSpace()
                try expect(UInt8(ascii: "}"))
                break
            }
            skipSpace()
            guard i == s.count else { throw HeaderError(message: "text after the closing '}'") }
            guard let descr else { throw HeaderError(message: "no 'descr'") }
            guard let fortran else { throw HeaderError(message: "no 'fortran_order'") }
            guard let shape else { throw HeaderError(message: "no 'shape'") }
            return Header(descr: descr, fortranOrder: fortran, shape: shape)
        }

        var peek: UInt8? { i < s.count ? s[i] : nil }

        mutating func skipSpace() { while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { i += 1 } }

        mutating func expect(_ c: UInt8) throws(HeaderError) {
            guard peek == c else {
                throw HeaderError(message: "expected '\(Character(Unicode.Scalar(c)))' at header byte \(i)")
            }
            i += 1
        }

        mutating func word(_ w: String) -> Bool {
            let bytes = Array(w.utf8)
            guard i + bytes.count <= s.count, Array(s[i ..< i + bytes.count]) == bytes else { return false }
            i += bytes.count
            return true
        }

        /// A quoted string without escapes (NumPy's keys and type codes have none).
        mutating func string() throws(HeaderError) -> String {
            guard let quote = peek, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
                throw HeaderError(message: "expected a quoted key or string at header byte \(i)")
            }
            i += 1
            let start = i
            while let c = peek, c != quote {
                guard c != UInt8(ascii: "\\") else { throw HeaderError(message: "escapes in strings are not read") }
                i += 1
            }
            guard peek == quote else { throw HeaderError(message: "a string is not closed") }
            defer { i += 1 }
            return String(decoding: s[start ..< i], as: UTF8.self)
        }

        /// `()`, `(3,)`, `(3, 4)`; Python 2's `3L` is accepted.
        mutating func tuple() throws(HeaderError) -> [Int] {
            try expect(UInt8(ascii: "("))
            var dims: [Int] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: ")") { i += 1; return dims }
                let start = i
                var value = 0
                while let c = peek, c >= 0x30, c <= 0x39 {
                    let (times, o1) = value.multipliedReportingOverflow(by: 10)
                    let (plus, o2) = times.addingReportingOverflow(Int(c - 0x30))
                    guard !o1, !o2 else { throw HeaderError(message: "a dimension of the shape is impossibly large") }
                    value = plus
                    i += 1
                }
                guard i > start else { throw HeaderError(message: "the shape is not a tuple of non-negative integers") }
                if peek == UInt8(ascii: "L") { i += 1 }
                guard dims.count < NumPyArray.maximumRank else {
                    throw HeaderError(message: "the shape has more than \(NumPyArray.maximumRank) dimensions")
                }
                dims.append(value)
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                skipSpace()
                try expect(UInt8(ascii: ")"))
                guard dims.count != 1 else { throw HeaderError(message: "a one-dimensional shape needs a trailing comma, (n,)") }
                return dims
            }
        }
    }
}
