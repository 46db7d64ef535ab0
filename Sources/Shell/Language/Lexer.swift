import Synchronization

/// The lexer: source text to tokens. Entry point: `tokenize(_:)`.
///
///     comment   # to the end of the line (so a `#!` first line is a comment)
///     name      letter-or-_ { letter | digit | _ }        keywords are reserved names
///     number    digits [ . digits ] [ (e|E) [+|-] digits ]   also .5 is not a number: write 0.5
///     string    " { char | \escape | {expression[:format]} } "   escapes: \n \t \" \\ \{ \}
///     symbols   ( ) [ ] { } , . ; : = == != < <= > >= + - * / % ^ ..< ...
///     newline   ends a statement, except inside ( ) and [ ] or after a trailing backslash
///
/// Errors carry their location. A string ends on its own line, so an unterminated one is an
/// error at once: the REPL does not ask for another line.
func tokenize(_ source: SourceText) throws(ShellError) -> [Token] {
    var lexer = Lexer(source: source)
    LexerWork.characters?.characters.add(lexer.chars.count, ordering: .relaxed)
    return try lexer.run()
}

/// Test support: counts the characters `tokenize` reads, in the current task (so a test can
/// tell linear work from quadratic without a clock).
enum LexerWork {
    @TaskLocal static var characters: Count?
    final class Count: Sendable { let characters = Atomic<Int>(0) }
}

private struct Lexer {
    let source: SourceText
    let chars: [Unicode.Scalar]
    var index = 0
    var line: Int
    var column = 1
    /// Open ( and [ : newlines inside them are not statement ends.
    var bracketDepth = 0
    var tokens: [Token] = []
    /// Where the last token ended.
    var lastTokenEnd: Location?

    init(source: SourceText) {
        self.source = source
        self.chars = Array(source.text.unicodeScalars)
        self.line = source.firstLine
        self.column = source.firstColumn
    }

    var current: Unicode.Scalar? { index < chars.count ? chars[index] : nil }
    func peek(_ n: Int = 1) -> Unicode.Scalar? { index + n < chars.count ? chars[index + n] : nil }
    var here: Location { Location(source: source, line: line, column: column) }

    mutating func advance() {
        if chars[index] == "\n" { line += 1; column = 1 } else { column += 1 }
        index += 1
    }

    static func isSpace(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return true }
        return c == " " || c == "\t" || c == "\r" || c == "\n" || c == "#"
    }
    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }
    static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c >= "0" && c <= "9"
    }

    mutating func run() throws(ShellError) -> [Token] {
        var sawSpace = true
        while let c = current {
            if c == " " || c == "\t" || c == "\r" {
                advance(); sawSpace = true; continue
            }
            if c == "#" {
                while let d = current, d != "\n" { advance() }
                sawSpace = true; continue
            }
            if c == "\\" && (peek() == "\n" || (peek() == "\r" && peek(2) == "\n")) {
                advance(); if current == "\r" { advance() }; advance()
                sawSpace = true; continue
            }
            if c == "\n" {
                let at = here
                advance()
                if bracketDepth == 0 && !continuesLine { add(.newline, at, space: true) }
                sawSpace = true; continue
            }
            let start = here
            let kind = try scanToken()
            add(kind, start, space: sawSpace)
            lastTokenEnd = here
            sawSpace = false
        }
        // The end of input sits right after the last token, so "')' expected" points at the
        // line that left the bracket open rather than at an empty last line.
        add(.end, lastTokenEnd ?? here, space: true)
        return tokens
    }

    /// A line ending in a binary operator, `=` or `,` continues on the next line.
    var continuesLine: Bool {
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .symbol(let s):
            return ![.rightParen, .rightBracket, .rightBrace, .leftBrace, .semicolon].contains(s)
        case .keyword(let k): return k == .and || k == .or || k == .not
        default: return false
        }
    }

    mutating func add(_ kind: Token.Kind, _ at: Location, space: Bool) {
        tokens.append(Token(kind: kind, location: at, spaceBefore: space,
                            spaceAfter: Lexer.isSpace(current)))
    }

    mutating func scanToken() throws(ShellError) -> Token.Kind {
        let c = current!
        if Lexer.isNameStart(c) { return scanName() }
        if Lexer.isDigit(c) { return try scanNumber() }
        if c == "\"" { return try scanString() }
        return try scanSymbol()
    }

    mutating func scanName() -> Token.Kind {
        var text = ""
        while let c = current, Lexer.isNameStart(c) || Lexer.isDigit(c) {
            text.unicodeScalars.append(c); advance()
        }
        if let k = Keyword(rawValue: text) { return .keyword(k) }
        return .name(text)
    }

    /// Suffixes that make a number a memory size in bytes (`2GB` = 2·1024³).
    static let sizeSuffixes: [String: Double] = ["KB": 0x1p10, "MB": 0x1p20, "GB": 0x1p30, "TB": 0x1p40]

    mutating func scanNumber() throws(ShellError) -> Token.Kind {
        let start = here
        var text = ""
        func take(_ l: inout Lexer) { text.unicodeScalars.append(l.current!); l.advance() }
        while Lexer.isDigit(current) { take(&self) }
        if current == ".", Lexer.isDigit(peek()) {
            take(&self)
            while Lexer.isDigit(current) { take(&self) }
        }
        if current == "e" || current == "E" {
            let signed = peek() == "+" || peek() == "-"
            if Lexer.isDigit(peek(signed ? 2 : 1)) {
                take(&self)
                if signed { take(&self) }
                while Lexer.isDigit(current) { take(&self) }
            }
        }
        var scale = 1.0
        if let c = current, Lexer.isNameStart(c) {
            // A memory size: 512MB, 2GB (powers of 1024).
            var probe = self, suffix = ""
            while let s = probe.current, Lexer.isNameStart(s) || Lexer.isDigit(s) { suffix.unicodeScalars.append(s); probe.advance() }
            guard let factor = Lexer.sizeSuffixes[suffix] else {
                throw here.error("malformed number '\(text)\(Character(c))'")
            }
            self = probe
            scale = factor
        }
        guard let value = Double(text) else { throw start.error("malformed number '\(text)'") }
        return .number(value * scale)
    }

    /// string -> '"' { char | escape | '{' expression [':' format] '}' } '"'
    mutating func scanString() throws(ShellError) -> Token.Kind {
        let start = here
        advance()   // opening quote
        var pieces: [StringPiece] = []
        var text = ""
        while true {
            guard let c = current else {
                throw start.error("unfinished string (missing '\"')")
            }
            if c == "\n" {
                throw start.error("unfinished string (missing '\"' on this line)")
            }
            if c == "\"" { advance(); break }
            if c == "\\" {
                let escapeAt = here
                advance()
                guard let e = current, e != "\n" else {
                    throw start.error("unfinished string (missing '\"')")
                }
                switch e {
                case "n": text += "\n"
                case "t": text += "\t"
                case "\"": text += "\""
                case "\\": text += "\\"
                case "{": text += "{"
                case "}": text += "}"
                default:
                    throw escapeAt.error("unknown escape '\\\(Character(e))' (use \\n \\t \\\" \\\\ \\{ \\})")
                }
                advance()
                continue
            }
            if c == "{" {
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(try scanInterpolation())
                continue
            }
            text.unicodeScalars.append(c)
            advance()
        }
        if !text.isEmpty || pieces.isEmpty { pieces.append(.text(text)) }
        return .string(pieces)
    }

    /// interpolation -> '{' expression [':' format] '}'   (the expression may hold strings and
    /// brackets; the format is what follows the last top-level ':')
    mutating func scanInterpolation() throws(ShellError) -> StringPiece {
        let open = here
        advance()
        let codeLine = line, codeColumn = column
        var code = ""
        var format: String? = nil
        var depth = 0
        var inString = false
        while true {
            guard let c = current, c != "\n" else {
                throw open.error("'}' expected (to close '{' in string at column \(open.column))")
            }
            if inString {
                if c == "\\" { code.unicodeScalars.append(c); advance()
                    if let d = current { code.unicodeScalars.append(d); advance() }
                    continue }
                if c == "\"" { inString = false }
                code.unicodeScalars.append(c); advance(); continue
            }
            if c == "\"" { inString = true }
            if c == "(" || c == "[" || c == "{" { depth += 1 }
            if c == ")" || c == "]" { depth -= 1 }
            if c == "}" {
                if depth == 0 { advance(); break }
                depth -= 1
            }
            if c == ":" && depth == 0 {
                advance()
                var f = ""
                while let d = current, d != "}", d != "\n", d != "\"" { f.unicodeScalars.append(d); advance() }
                guard current == "}" else {
                    throw open.error("'}' expected after the format in '{...:\(f)'")
                }
                advance()
                format = f
                break
            }
            code.unicodeScalars.append(c)
            advance()
        }
        if code.allSatisfy({ $0 == " " }) {
            throw open.error("empty '{}' in string (write \\{ for a brace)")
        }
        return .code(code, line: codeLine, column: codeColumn, format: format)
    }

    mutating func scanSymbol() throws(ShellError) -> Token.Kind {
        let c = current!
        let start = here
        func two(_ next: Unicode.Scalar, _ yes: Symbol, _ no: Symbol?, _ l: inout Lexer) throws(ShellError) -> Token.Kind {
            l.advance()
            if l.current == next { l.advance(); return .symbol(yes) }
            guard let no else { throw start.error("unexpected character '\(Character(c))'") }
            return .symbol(no)
        }
        switch c {
        case "(", "[":
            bracketDepth += 1
            advance()
            return .symbol(c == "(" ? .leftParen : .leftBracket)
        case ")", "]":
            bracketDepth = max(0, bracketDepth - 1)
            advance()
            return .symbol(c == ")" ? .rightParen : .rightBracket)
        case "{": advance(); return .symbol(.leftBrace)
        case "}": advance(); return .symbol(.rightBrace)
        case ",": advance(); return .symbol(.comma)
        case ";": advance(); return .symbol(.semicolon)
        case ":": advance(); return .symbol(.colon)
        case "+": advance(); return .symbol(.plus)
        case "-": advance(); return .symbol(.minus)
        case "*": advance(); return .symbol(.star)
        case "/": advance(); return .symbol(.slash)
        case "%": advance(); return .symbol(.percent)
        case "^": advance(); return .symbol(.caret)
        case "=": return try two("=", .equal, .assign, &self)
        case "<": return try two("=", .lessEqual, .less, &self)
        case ">": return try two("=", .greaterEqual, .greater, &self)
        case "!":
            advance()
            guard current == "=" else { throw start.error("unexpected '!' (write 'not' for negation)") }
            advance()
            return .symbol(.notEqual)
        case ".":
            if peek() == ".", peek(2) == "<" { advance(); advance(); advance(); return .symbol(.halfOpenRange) }
            if peek() == ".", peek(2) == "." { advance(); advance(); advance(); return .symbol(.closedRange) }
            if peek() == "." { throw start.error("write a range as a..<b (without b) or a...b (with b), not a..b") }
            if Lexer.isDigit(peek()) { throw start.error("write numbers with a leading digit (0.5, not .5)") }
            advance()
            return .symbol(.dot)
        case "'":
            throw start.error("strings use double quotes: \"text\"")
        default:
            throw start.error("unexpected character '\(Character(c))'")
        }
    }
}
