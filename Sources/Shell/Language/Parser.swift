/// The parser: tokens to a syntax tree. Entry point: `parse(_:)`.
///
/// A recursive-descent parser; each function starts with the production it parses (the whole
/// grammar is in docs/LANGUAGE.md). Errors point where the problem started, Lua style:
/// `'}' expected (to close '{' at line 3)`. An error caused by running out of input is marked
/// `isAtEndOfInput`, which is how `Session.isIncomplete` knows to read another line.
func parse(_ source: SourceText) throws(ShellError) -> [Statement] {
    var parser = Parser(tokens: try tokenize(source))
    return try parser.program()
}

private struct Parser {
    let tokens: [Token]
    var position = 0

    init(tokens: [Token]) { self.tokens = tokens }

    /// How many brackets, blocks and prefix operators may be open at once, and how high an
    /// expression tree may grow (a chain `1 + 1 + ...` adds a level per operator): bounds that
    /// keep parsing, running and freeing a program within the stack.
    static let maximumNesting = 100
    static let maximumHeight = 500
    var nesting = 0

    /// Enters one more level of brackets, block or prefix operator, refusing too many.
    mutating func enter(_ at: Location) throws(ShellError) {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw at.error("too deeply nested: more than \(Parser.maximumNesting) brackets, blocks or prefix operators inside each other")
        }
    }

    /// A syntax node, refused when its tree would be too high to run safely.
    func node(kind: Expr.Kind, location: Location) throws(ShellError) -> Expr {
        let e = Expr(kind: kind, location: location)
        if e.height > Parser.maximumHeight {
            throw location.error("expression too long: more than \(Parser.maximumHeight) operators or levels; split it over several statements")
        }
        return e
    }

    // MARK: - Token helpers

    var current: Token { tokens[position] }
    var next: Token { tokens[min(position + 1, tokens.count - 1)] }
    var atEnd: Bool { current.kind == .end }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func match(_ s: Symbol) -> Bool {
        if current.isSymbol(s) { advance(); return true }
        return false
    }

    mutating func match(_ k: Keyword) -> Bool {
        if current.isKeyword(k) { advance(); return true }
        return false
    }

    /// An error at the current token: "<what> expected near <token>".
    func expected(_ what: String, closing: (String, Location)? = nil) -> ShellError {
        var message = "\(what) expected"
        if let (open, at) = closing {
            message += at.line == current.location.line
                ? " (to close '\(open)' at column \(at.column))"
                : " (to close '\(open)' at line \(at.line))"
        }
        if !atEnd { message += " near \(current.quoted)" }
        return current.location.error(message, atEnd: atEnd)
    }

    mutating func expect(_ s: Symbol, closing: (String, Location)? = nil) throws(ShellError) {
        guard match(s) else { throw expected("'\(s.rawValue)'", closing: closing) }
    }

    mutating func expectName(_ what: String) throws(ShellError) -> String {
        guard case .name(let n) = current.kind else {
            if case .keyword(let k) = current.kind {
                throw current.location.error("'\(k.rawValue)' is a reserved word and cannot be \(what)")
            }
            throw expected(what)
        }
        advance()
        return n
    }

    mutating func skipNewlines() {
        while current.kind == .newline || current.isSymbol(.semicolon) { advance() }
    }

    /// Consumes an `else`, on this line or after line breaks (`}` NEWLINE `else`); leaves the
    /// position alone when the next token that is not a line break is anything else.
    mutating func matchElse() -> Bool {
        var ahead = position
        while tokens[ahead].kind == .newline, ahead < tokens.count - 1 { ahead += 1 }
        guard tokens[ahead].isKeyword(.else) else { return false }
        position = ahead
        advance()
        return true
    }

    // MARK: - Statements

    /// program -> { statement (NEWLINE | ';') } END
    mutating func program() throws(ShellError) -> [Statement] {
        var statements: [Statement] = []
        skipNewlines()
        while !atEnd {
            if current.isSymbol(.rightBrace) {
                throw current.location.error("unexpected '}' (no block is open)")
            }
            statements.append(try statement())
            try endOfStatement()
            skipNewlines()
        }
        return statements
    }

    /// A statement ends at a newline, ';', a '}' that closes its block, or the end of input.
    mutating func endOfStatement() throws(ShellError) {
        switch current.kind {
        case .newline, .end, .symbol(.semicolon), .symbol(.rightBrace): return
        case .symbol(.rightParen), .symbol(.rightBracket):
            throw current.location.error("unexpected \(current.quoted) (no bracket is open)")
        default:
            throw current.location.error("unexpected \(current.quoted) after the end of a statement")
        }
    }

    /// block -> '{' { statement (NEWLINE | ';') } '}'
    mutating func block(of owner: String) throws(ShellError) -> [Statement] {
        let open = current.location
        guard match(.leftBrace) else { throw expected("'{' (to start the body of '\(owner)')") }
        try enter(open)
        defer { nesting -= 1 }
        var statements: [Statement] = []
        skipNewlines()
        while !current.isSymbol(.rightBrace) {
            if atEnd { throw expected("'}'", closing: ("{", open)) }
            statements.append(try statement())
            if !current.isSymbol(.rightBrace) {
                if atEnd { throw expected("'}'", closing: ("{", open)) }
                try endOfStatement()
            }
            skipNewlines()
        }
        advance()
        return statements
    }

    /// statement -> if | for | while | proc | return | 'break' | 'continue'
    ///            | NAME '=' commandOrExpression | commandOrExpression
    mutating func statement() throws(ShellError) -> Statement {
        let at = current.location
        switch current.kind {
        case .keyword(.if): return try ifStatement()
        case .keyword(.for): return try forStatement()
        case .keyword(.while): return try whileStatement()
        case .keyword(.proc): return try procStatement()
        case .keyword(.return):
            advance()
            switch current.kind {
            case .newline, .end, .symbol(.semicolon), .symbol(.rightBrace):
                return Statement(kind: .returnValue(nil), location: at)
            default:
                return Statement(kind: .returnValue(try commandOrExpression()), location: at)
            }
        case .keyword(.break): advance(); return Statement(kind: .breakLoop, location: at)
        case .keyword(.continue): advance(); return Statement(kind: .continueLoop, location: at)
        case .keyword(.else):
            throw at.error("'else' without an 'if' before it (at the prompt, write it on the line of the '}')")
        case .name(let n) where next.isSymbol(.assign):
            advance(); advance()
            if current.kind == .newline || atEnd { throw expected("a value after '='") }
            return Statement(kind: .assign(n, try commandOrExpression()), location: at)
        default:
            return Statement(kind: .expression(try commandOrExpression()), location: at)
        }
    }

    /// if -> 'if' expression block { NEWLINE } [ 'else' ( if | block ) ]
    mutating func ifStatement() throws(ShellError) -> Statement {
        let at = advance().location
        var branches: [(condition: Expr, body: [Statement])] = []
        var otherwise: [Statement]? = nil
        branches.append((try expression(), try block(of: "if")))
        while matchElse() {
            if match(.if) {
                branches.append((try expression(), try block(of: "else if")))
            } else {
                otherwise = try block(of: "else")
                break
            }
        }
        return Statement(kind: .ifElse(branches, otherwise: otherwise), location: at)
    }

    /// for -> 'for' NAME 'in' expression block
    mutating func forStatement() throws(ShellError) -> Statement {
        let at = advance().location
        let name = try expectName("a loop variable name")
        guard match(.in) else { throw expected("'in' (as in: for x in [1, 2, 3] { ... })") }
        let sequence = try expression()
        return Statement(kind: .forIn(name, sequence, try block(of: "for")), location: at)
    }

    /// while -> 'while' expression block
    mutating func whileStatement() throws(ShellError) -> Statement {
        let at = advance().location
        let condition = try expression()
        return Statement(kind: .whileLoop(condition, try block(of: "while")), location: at)
    }

    /// proc -> 'proc' NAME '(' [ parameter { ',' parameter } ] ')' block
    /// parameter -> NAME [ '=' expression ]
    mutating func procStatement() throws(ShellError) -> Statement {
        let at = advance().location
        let name = try expectName("a procedure name")
        let open = current.location
        guard match(.leftParen) else { throw expected("'(' (as in: proc \(name)(a, b) { ... })") }
        var parameters: [ProcedureDeclaration.Parameter] = []
        if !current.isSymbol(.rightParen) {
            repeat {
                let pat = current.location
                let p = try expectName("a parameter name")
                if parameters.contains(where: { $0.name == p }) {
                    throw pat.error("parameter '\(p)' appears twice")
                }
                let d: Expr? = match(.assign) ? try expression() : nil
                if d == nil, parameters.last?.defaultValue != nil {
                    throw pat.error("parameter '\(p)' needs a default value (it follows one that has one)")
                }
                parameters.append(.init(name: p, defaultValue: d, location: pat))
            } while match(.comma)
        }
        try expect(.rightParen, closing: ("(", open))
        let body = try block(of: "proc \(name)")
        let declaration = ProcedureDeclaration(name: name, parameters: parameters, body: body, location: at)
        return Statement(kind: .procedure(declaration), location: at)
    }

    // MARK: - Commands

    /// Can `token` start a command argument? Names, literals, lists and parentheses can;
    /// `-` can when written like a sign (`print -1`, space before and none after).
    func startsArgument(_ t: Token) -> Bool {
        switch t.kind {
        case .name, .number, .string: return true
        case .keyword(let k): return k == .true || k == .false || k == .none || k == .not
        case .symbol(.leftParen): return true
        case .symbol(.leftBracket): return t.spaceBefore
        case .symbol(.minus): return t.spaceBefore && !t.spaceAfter
        default: return false
        }
    }

    /// commandOrExpression -> NAME argument { argument }     (a command: the name is followed
    ///                                                       by an argument on the same line)
    ///                      | NAME                            (a command without arguments, or a variable)
    ///                      | expression
    mutating func commandOrExpression() throws(ShellError) -> Expr {
        guard case .name(let verb) = current.kind else { return try expression() }
        let at = current.location
        let follower = next
        let isCall = follower.isSymbol(.leftParen) && !follower.spaceBefore
        switch follower.kind {
        case .newline, .end, .symbol(.semicolon), .symbol(.rightBrace), .symbol(.rightParen):
            advance()
            return try node(kind: .command(CommandCall(verb: verb, arguments: [], location: at)), location: at)
        default:
            guard startsArgument(follower), !isCall else { return try expression() }
        }
        advance()
        var arguments: [Argument] = []
        while startsArgument(current) {
            arguments.append(try argument())
        }
        return try node(kind: .command(CommandCall(verb: verb, arguments: arguments, location: at)), location: at)
    }

    /// argument -> KEY '=' expression | expression
    /// KEY      -> NAME | keyword           (so `true=5` works as an option name)
    mutating func argument(inCommand: Bool = true) throws(ShellError) -> Argument {
        let at = current.location
        if next.isSymbol(.assign) {
            var key: String? = nil
            if case .name(let n) = current.kind { key = n }
            if case .keyword(let k) = current.kind { key = k.rawValue }
            if let key {
                advance(); advance()
                return Argument(key: key, value: try expression(argumentMode: inCommand), location: at)
            }
        }
        return Argument(key: nil, value: try expression(argumentMode: inCommand), location: at)
    }

    // MARK: - Expressions
    // In argument mode (the arguments of a command written without parentheses) an argument
    // ends where the next one starts: `print a -1` passes a and -1, and `print xs [0]` passes
    // a list; inside parentheses and brackets `a -1` is a subtraction and `xs [0]` indexing.

    /// expression -> or
    mutating func expression(argumentMode: Bool = false) throws(ShellError) -> Expr {
        try orExpression(argumentMode)
    }

    /// or -> and { 'or' and }
    mutating func orExpression(_ am: Bool) throws(ShellError) -> Expr {
        var left = try andExpression(am)
        while current.isKeyword(.or) {
            let at = advance().location
            left = try node(kind: .binary(.or, left, try andExpression(am)), location: at)
        }
        return left
    }

    /// and -> not { 'and' not }
    mutating func andExpression(_ am: Bool) throws(ShellError) -> Expr {
        var left = try notExpression(am)
        while current.isKeyword(.and) {
            let at = advance().location
            left = try node(kind: .binary(.and, left, try notExpression(am)), location: at)
        }
        return left
    }

    /// not -> 'not' not | comparison
    mutating func notExpression(_ am: Bool) throws(ShellError) -> Expr {
        if current.isKeyword(.not) {
            let at = advance().location
            try enter(at)
            defer { nesting -= 1 }
            return try node(kind: .unary(.not, try notExpression(am)), location: at)
        }
        return try comparison(am)
    }

    /// comparison -> range [ ('==' | '!=' | '<' | '<=' | '>' | '>=') range ]
    mutating func comparison(_ am: Bool) throws(ShellError) -> Expr {
        let left = try rangeExpression(am)
        let operators: [Symbol: BinaryOperator] = [
            .equal: .equal, .notEqual: .notEqual, .less: .less, .lessEqual: .lessEqual,
            .greater: .greater, .greaterEqual: .greaterEqual]
        guard case .symbol(let s) = current.kind, let op = operators[s] else { return left }
        let at = advance().location
        let right = try rangeExpression(am)
        if case .symbol(let s2) = current.kind, operators[s2] != nil {
            throw current.location.error("comparisons do not chain: write a < b and b < c")
        }
        return try node(kind: .binary(op, left, right), location: at)
    }

    /// range -> sum [ ('..<' | '...') sum ]
    mutating func rangeExpression(_ am: Bool) throws(ShellError) -> Expr {
        let left = try sum(am)
        if current.isSymbol(.halfOpenRange) || current.isSymbol(.closedRange) {
            let inclusive = current.isSymbol(.closedRange)
            let at = advance().location
            return try node(kind: .range(left, try sum(am), inclusive: inclusive), location: at)
        }
        return left
    }

    /// Does an argument end before this operator? (`print a -1`: yes; `a - 1`, `a-1`: no)
    func endsArgument(_ am: Bool) -> Bool {
        am && current.isSymbol(.minus) && current.spaceBefore && !current.spaceAfter
    }

    /// sum -> product { ('+' | '-') product }
    mutating func sum(_ am: Bool) throws(ShellError) -> Expr {
        var left = try product(am)
        while (current.isSymbol(.plus) || current.isSymbol(.minus)) && !endsArgument(am) {
            let op: BinaryOperator = current.isSymbol(.plus) ? .add : .subtract
            let at = advance().location
            left = try node(kind: .binary(op, left, try product(am)), location: at)
        }
        return left
    }

    /// product -> unary { ('*' | '/' | '%') unary }
    mutating func product(_ am: Bool) throws(ShellError) -> Expr {
        var left = try unary(am)
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.percent): op = .remainder
            default: return left
            }
            let at = advance().location
            left = try node(kind: .binary(op, left, try unary(am)), location: at)
        }
    }

    /// unary -> '-' unary | power
    mutating func unary(_ am: Bool) throws(ShellError) -> Expr {
        if current.isSymbol(.minus) {
            let at = advance().location
            try enter(at)
            defer { nesting -= 1 }
            return try node(kind: .unary(.negate, try unary(am)), location: at)
        }
        return try power(am)
    }

    /// power -> postfix [ '^' unary ]          (right-associative; -2^2 is -(2^2))
    mutating func power(_ am: Bool) throws(ShellError) -> Expr {
        let base = try postfix(am)
        if current.isSymbol(.caret) {
            let at = advance().location
            try enter(at)
            defer { nesting -= 1 }
            return try node(kind: .binary(.power, base, try unary(am)), location: at)
        }
        return base
    }

    /// postfix -> primary { '.' NAME | '[' expression ']' }
    mutating func postfix(_ am: Bool) throws(ShellError) -> Expr {
        var e = try primary(am)
        while true {
            if current.isSymbol(.dot) {
                let at = advance().location
                guard case .name(let field) = current.kind, !current.spaceBefore else {
                    throw expected("a field name after '.'")
                }
                advance()
                e = try node(kind: .field(e, field), location: at)
            } else if current.isSymbol(.leftBracket) && !(am && current.spaceBefore) {
                let open = advance().location
                let i = try expression()
                try expect(.rightBracket, closing: ("[", open))
                e = try node(kind: .index(e, i), location: open)
            } else {
                return e
            }
        }
    }

    /// primary -> NUMBER | STRING | 'true' | 'false' | 'none' | NAME | call
    ///          | '[' [ expression { ',' expression } [','] ] ']'
    ///          | '(' commandOrExpression ')'
    /// call    -> NAME '(' [ argument { ',' argument } ] ')'      (no space before '(')
    mutating func primary(_ am: Bool) throws(ShellError) -> Expr {
        let t = current
        let at = t.location
        try enter(at)
        defer { nesting -= 1 }
        switch t.kind {
        case .number(let v): advance(); return try node(kind: .number(v), location: at)
        case .string(let pieces): advance(); return try node(kind: .string(try stringParts(pieces, at)), location: at)
        case .keyword(.true): advance(); return try node(kind: .bool(true), location: at)
        case .keyword(.false): advance(); return try node(kind: .bool(false), location: at)
        case .keyword(.none): advance(); return try node(kind: .none, location: at)
        case .name(let n):
            advance()
            if current.isSymbol(.leftParen) && !current.spaceBefore {
                let open = advance().location
                var arguments: [Argument] = []
                if !current.isSymbol(.rightParen) {
                    repeat { arguments.append(try argument(inCommand: false)) } while match(.comma)
                }
                try expect(.rightParen, closing: ("(", open))
                return try node(kind: .command(CommandCall(verb: n, arguments: arguments, location: at)), location: at)
            }
            return try node(kind: .name(n), location: at)
        case .symbol(.leftBracket):
            advance()
            var items: [Expr] = []
            while !current.isSymbol(.rightBracket) {
                items.append(try expression())
                if !match(.comma) { break }
            }
            try expect(.rightBracket, closing: ("[", at))
            return try node(kind: .list(items), location: at)
        case .symbol(.leftParen):
            advance()
            if current.isSymbol(.rightParen) { throw current.location.error("empty '()'") }
            let inner = try commandOrExpression()
            try expect(.rightParen, closing: ("(", at))
            return inner
        case .keyword(let k):
            throw at.error("'\(k.rawValue)' cannot start an expression")
        default:
            throw expected("an expression")
        }
    }

    /// Parses the `{expression}` pieces of a string literal.
    func stringParts(_ pieces: [StringPiece], _ at: Location) throws(ShellError) -> [StringPart] {
        var parts: [StringPart] = []
        for piece in pieces {
            switch piece {
            case .text(let s): parts.append(.text(s))
            case .code(let code, let line, let column, let format):
                // Re-lex the embedded code with its real position (not padded to its column:
                // that made a line of n pieces cost O(n²)).
                let embedded = SourceText(name: at.source.name, text: code, firstLine: line, firstColumn: column)
                var inner = Parser(tokens: try tokenizeEmbedded(embedded, original: at.source))
                inner.nesting = nesting
                let e: Expr
                do {
                    e = try inner.commandOrExpression()
                } catch {
                    var complete = error      // the string is closed: never "read another line"
                    complete.isAtEndOfInput = false
                    throw complete
                }
                guard inner.atEnd else {
                    throw inner.current.location.error("unexpected \(inner.current.quoted) in '{...}'")
                }
                if let format, !Format.isValid(format) {
                    throw at.error("bad format ':\(format)' (examples: :.3f  :8.2f  :.1%  :.2e  :>10)")
                }
                parts.append(.expression(e, format: format))
            }
        }
        return parts
    }
}

/// Tokenizes code embedded in a string but reports locations against the original source, so
/// an error in `"{x +}"` quotes the real line.
private func tokenizeEmbedded(_ embedded: SourceText, original: SourceText) throws(ShellError) -> [Token] {
    do {
        let tokens = try tokenize(embedded)
        return tokens.map {
            Token(kind: $0.kind, location: Location(source: original, line: $0.location.line, column: $0.location.column),
                  spaceBefore: $0.spaceBefore, spaceAfter: $0.spaceAfter)
        }
    } catch {
        var e = error
        e.sourceLine = original.line(e.line)
        e.isAtEndOfInput = false
        throw e
    }
}
