/// One lexical token. `spaceBefore` records whether whitespace (or a line start) came right
/// before it: the parser uses it to tell `xs[0]` (indexing) from `print [0]` (a list argument)
/// and `print -1` (a negative argument) from `a - 1` (a subtraction).
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case name(String)
        case number(Double)
        case string([StringPiece])
        case keyword(Keyword)
        case symbol(Symbol)
        case newline
        case end
    }

    let kind: Kind
    let location: Location
    let spaceBefore: Bool
    /// Whitespace (or the end of the line) comes right after the token.
    let spaceAfter: Bool

    /// The token as the user would recognise it in a message: `'}'`, `name 'x'`, `end of input`.
    var quoted: String {
        switch kind {
        case .name(let n): return "'\(n)'"
        case .number: return "a number"
        case .string: return "a string"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }

    func isSymbol(_ s: Symbol) -> Bool { kind == .symbol(s) }
    func isKeyword(_ k: Keyword) -> Bool { kind == .keyword(k) }
}

/// A piece of a string literal: plain text, or `{expression}` / `{expression:format}` to be
/// parsed and formatted when the string is evaluated.
enum StringPiece: Sendable, Equatable {
    case text(String)
    /// Source of the embedded expression, where it starts, and the format after ':' if any.
    case code(String, line: Int, column: Int, format: String?)
}

enum Keyword: String, Sendable, CaseIterable {
    case `if`, `else`, `for`, `in`, `while`, proc, `return`, `break`, `continue`
    case and, or, not, `true`, `false`, none
}

enum Symbol: String, Sendable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}", comma = ",", dot = ".", semicolon = ";", colon = ":"
    case assign = "=", equal = "==", notEqual = "!=", less = "<", lessEqual = "<="
    case greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", caret = "^"
    case halfOpenRange = "..<", closedRange = "..."
}
