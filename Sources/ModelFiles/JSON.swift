import Engine
/// A small, strict JSON (RFC 8259) reader and writer for safetensors headers.
///
/// Strict: duplicate keys, nesting deeper than `maximumDepth`, invalid UTF-8, lone
/// surrogates, leading zeros and trailing garbage are errors. Numbers keep their text so
/// 64-bit offsets are read exactly (`uint64Value`). Objects keep their key order.
enum JSON: Equatable {
    case null
    case bool(Bool)
    /// The number's text as written, validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSON])
    case object([Member])

    struct Member: Equatable {
        var key: String
        var value: JSON
    }

    static let maximumDepth = 64

    /// The value of an object's `key`, if it is an object holding that key.
    subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// A non-negative integer written without fraction or exponent, if it fits in 64 bits.
    var uint64Value: UInt64? {
        guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(text)
    }

    var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    var stringValue: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    // MARK: - Writing

    /// Compact JSON text: no spaces, keys in the order given.
    var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return JSON.quoted(s)
        case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { JSON.quoted($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON number for a finite Double, exact on reading back (Swift prints the shortest
    /// text that round-trips).
    static func number(_ value: Double) -> JSON {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    static func number(_ value: Int) -> JSON { .number(String(value)) }

    // MARK: - Reading

    /// Parses `bytes` as one JSON value followed only by whitespace. Error offsets are
    /// `bytes` positions plus `baseOffset` (where the text sits in its file).
    static func parse(_ bytes: ArraySlice<UInt8>, baseOffset: Int = 0) throws(ModelFileError) -> JSON {
        var p = Parser(bytes: Array(bytes), baseOffset: baseOffset)
        p.skipWhitespace()
        let value = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.index == p.bytes.count else { throw p.error("unexpected text after the JSON value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        let baseOffset: Int
        var index = 0

        init(bytes: [UInt8], baseOffset: Int) {
            self.bytes = bytes
            self.baseOffset = baseOffset
        }

        func error(_ message: String) -> ModelFileError {
            ModelFileError(.malformed, "invalid JSON header: \(message)",
                           hint: "the file is damaged or not a safetensors file", offset: baseOffset + index)
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { index += 1 }
        }

        mutating func expect(_ literal: String) throws(ModelFileError) {
            for b in literal.utf8 {
                guard peek == b else { throw error("expected \(literal)") }
                index += 1
            }
        }

        /// value -> object | array | string | number | true | false | null
        mutating func value(depth: Int) throws(ModelFileError) -> JSON {
            guard depth < JSON.maximumDepth else { throw error("nested deeper than \(JSON.maximumDepth) levels") }
            guard let c = peek else { throw error("unexpected end of the header") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        /// object -> '{' (string ':' value (',' string ':' value)*)? '}'
        mutating func object(depth: Int) throws(ModelFileError) -> JSON {
            index += 1
            var members: [Member] = []
            var keys: Set<String> = []
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let keyAt = index
                let key = try string()
                guard keys.insert(key).inserted else {
                    index = keyAt
                    throw error("the key \"\(key)\" appears twice")
                }
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append(Member(key: key, value: try value(depth: depth + 1)))
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect("}")
                return .object(members)
            }
        }

        /// array -> '[' (value (',' value)*)? ']'
        mutating func array(depth: Int) throws(ModelFileError) -> JSON {
            index += 1
            var items: [JSON] = []
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect("]")
                return .array(items)
            }
        }

        /// number -> '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
        mutating func number() throws(ModelFileError) -> JSON {
            let start = index
            func digits(_ p: inout Parser) -> Int {
                let s = p.index
                while let b = p.peek, (0x30...0x39).contains(b) { p.index += 1 }
                return p.index - s
            }
            if peek == UInt8(ascii: "-") { index += 1 }
            if peek == UInt8(ascii: "0") {
                index += 1
                if let b = peek, (0x30...0x39).contains(b) { throw error("a number may not start with 0") }
            } else if digits(&self) == 0 {
                throw error("expected digits")
            }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw error("expected digits after the decimal point") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw error("expected digits in the exponent") }
            }
            return .number(String(decoding: bytes[start..<index], as: UTF8.self))
        }

        /// string -> '"' (char | escape)* '"', UTF-8 validated, surrogate pairs joined.
        mutating func string() throws(ModelFileError) -> String {
            index += 1
            var raw: [UInt8] = []
            while true {
                guard let b = peek else { throw error("unterminated string") }
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: raw, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                    return s
                case UInt8(ascii: "\\"):
                    try escape(into: &raw)
                case 0..<0x20:
                    index -= 1
                    throw error("control character in a string")
                default:
                    raw.append(b)
                }
            }
        }

        mutating func escape(into raw: inout [UInt8]) throws(ModelFileError) {
            guard let e = peek else { throw error("unterminated escape") }
            index += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(e)
            case UInt8(ascii: "b"): raw.append(0x08)
            case UInt8(ascii: "f"): raw.append(0x0C)
            case UInt8(ascii: "n"): raw.append(0x0A)
            case UInt8(ascii: "r"): raw.append(0x0D)
            case UInt8(ascii: "t"): raw.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800...0xDBFF).contains(code) {
                    try expect("\\u")
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(code) {
                    throw error("unpaired surrogate")
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("invalid \\u escape") }
                raw.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape")
            }
        }

        mutating func hex4() throws(ModelFileError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let b = peek else { throw error("unterminated \\u escape") }
                let digit: UInt32
                switch b {
                case 0x30...0x39: digit = UInt32(b - 0x30)
                case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                v = v << 4 | digit
                index += 1
            }
            return v
        }
    }
}
