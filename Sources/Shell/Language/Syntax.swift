/// The syntax tree the parser builds and the interpreter walks. Every node keeps the location
/// where it starts, so runtime errors point at the right place.

struct Expr: Sendable {
    indirect enum Kind: Sendable {
        case number(Double)
        case string([StringPart])
        case bool(Bool)
        case none
        /// A name in expression position: a variable, or a word such as `relu`.
        case name(String)
        case list([Expr])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case range(Expr, Expr, inclusive: Bool)
        case field(Expr, String)
        case index(Expr, Expr)
        /// A command or procedure call, `verb arg ... key=value ...`. With no arguments the
        /// verb may also be a variable (`x` alone at the start of a statement).
        case command(CommandCall)
    }
    let kind: Kind
    let location: Location
    /// Levels of nodes from here to the deepest leaf (1 for a leaf). The parser refuses trees
    /// higher than `Parser.maximumHeight`, so walking one never exhausts the stack.
    let height: Int

    init(kind: Kind, location: Location) {
        self.kind = kind
        self.location = location
        var below = 0
        switch kind {
        case .number, .bool, .none, .name: break
        case .string(let parts):
            for case .expression(let e, _) in parts { below = max(below, e.height) }
        case .list(let items): below = items.map(\.height).max() ?? 0
        case .unary(_, let e), .field(let e, _): below = e.height
        case .binary(_, let l, let r), .range(let l, let r, _), .index(let l, let r): below = max(l.height, r.height)
        case .command(let c): below = c.arguments.map(\.value.height).max() ?? 0
        }
        height = below + 1
    }
}

/// One piece of a string literal after parsing: text, or an expression with an optional format.
enum StringPart: Sendable {
    case text(String)
    case expression(Expr, format: String?)
}

struct CommandCall: Sendable {
    let verb: String
    let arguments: [Argument]
    let location: Location
}

/// A command argument: positional (`net`, `784`, `[1, 2]`) or an option (`lr=0.01`).
struct Argument: Sendable {
    /// The option's key, or nil for a positional argument.
    let key: String?
    let value: Expr
    let location: Location

    /// The bare name if the argument is written as a single name (`quiet`, `relu`, `x=lr`).
    var bareName: String? {
        if case .name(let n) = value.kind { return n }
        if case .command(let c) = value.kind, c.arguments.isEmpty { return c.verb }
        return nil
    }
}

enum UnaryOperator: String, Sendable { case negate = "-", not = "not" }

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
}

struct Statement: Sendable {
    indirect enum Kind: Sendable {
        /// An expression or command; its value is printed when it is not `none`.
        case expression(Expr)
        case assign(String, Expr)
        case ifElse([(condition: Expr, body: [Statement])], otherwise: [Statement]?)
        case forIn(String, Expr, [Statement])
        case whileLoop(Expr, [Statement])
        case procedure(ProcedureDeclaration)
        case returnValue(Expr?)
        case breakLoop
        case continueLoop
    }
    let kind: Kind
    let location: Location
}

struct ProcedureDeclaration: Sendable {
    struct Parameter: Sendable {
        let name: String
        let defaultValue: Expr?
        let location: Location
    }
    let name: String
    let parameters: [Parameter]
    let body: [Statement]
    let location: Location
}
