import Testing
@testable import Shell

/// The parser's trees, written as S-expressions so the tests read like the grammar.
@Suite struct ParserTests {
    func tree(_ source: String) throws -> String {
        try parse(SourceText(name: "t", text: source)).map(Self.show).joined(separator: "; ")
    }

    static func show(_ s: Statement) -> String {
        switch s.kind {
        case .expression(let e): return show(e)
        case .assign(let n, let e): return "(= \(n) \(show(e)))"
        case .ifElse(let branches, let otherwise):
            return "(if " + branches.map { "\(show($0.condition)) [\(block($0.body))]" }.joined(separator: " ")
                + (otherwise.map { " else [\(block($0))]" } ?? "") + ")"
        case .forIn(let n, let e, let body): return "(for \(n) \(show(e)) [\(block(body))])"
        case .whileLoop(let c, let body): return "(while \(show(c)) [\(block(body))])"
        case .procedure(let p):
            return "(proc \(p.name) (\(p.parameters.map { $0.name + ($0.defaultValue.map { "=" + show($0) } ?? "") }.joined(separator: " "))) [\(block(p.body))])"
        case .returnValue(let e): return "(return\(e.map { " " + show($0) } ?? ""))"
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        }
    }

    static func block(_ b: [Statement]) -> String { b.map(show).joined(separator: "; ") }

    static func show(_ e: Expr) -> String {
        switch e.kind {
        case .number(let x): return formatNumber(x)
        case .string(let parts):
            return "\"" + parts.map { p -> String in
                switch p {
                case .text(let t): return t
                case .expression(let e, let f): return "{\(show(e))\(f.map { ":" + $0 } ?? "")}"
                }
            }.joined() + "\""
        case .bool(let b): return b ? "true" : "false"
        case .none: return "none"
        case .name(let n): return n
        case .list(let items): return "[" + items.map(show).joined(separator: " ") + "]"
        case .unary(let op, let x): return "(\(op.rawValue) \(show(x)))"
        case .binary(let op, let l, let r): return "(\(op.rawValue) \(show(l)) \(show(r)))"
        case .range(let l, let r, let inclusive): return "(\(inclusive ? "..." : "..<") \(show(l)) \(show(r)))"
        case .field(let b, let f): return "(. \(show(b)) \(f))"
        case .index(let b, let i): return "(index \(show(b)) \(show(i)))"
        case .command(let c):
            return "{\(c.verb)" + c.arguments.map { " " + ($0.key.map { $0 + "=" } ?? "") + show($0.value) }.joined() + "}"
        }
    }

    @Test(arguments: [
        // Precedence and associativity.
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("2 ^ 3 ^ 2", "(^ 2 (^ 3 2))"),
        ("-2 ^ 2", "(- (^ 2 2))"),
        ("not a and b or c", "(or (and (not a) b) c)"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("0..<n + 1", "(..< 0 (+ n 1))"),
        // Commands: verb, positional arguments, options, flags.
        ("x", "{x}"),
        ("train net data epochs=5 quiet", "{train net data epochs=5 quiet}"),
        ("net = network 784", "(= net {network 784})"),
        ("print a -1", "{print a (- 1)}"),
        ("print a - 1", "{print (- a 1)}"),
        ("print a-1", "{print (- a 1)}"),
        ("print xs [0]", "{print xs [0]}"),
        ("print xs[0]", "{print (index xs 0)}"),
        ("x + 1", "(+ x 1)"),
        ("(eval net test).accuracy", "(. {eval net test} accuracy)"),
        ("record s mse=(eval n t).mse", "{record s mse=(. {eval n t} mse)}"),
        ("max(1, b=2)", "{max 1 b=2}"),
        ("errors n d true=5 predicted=3", "{errors n d true=5 predicted=3}"),
        ("show data.train 0", "{show (. data train) 0}"),
        // Strings with interpolation.
        ("print \"a{x + 1:.2f}\"", "{print \"a{(+ x 1):.2f}\"}"),
        // Statements.
        ("if a { b } else if c { d } else { e }", "(if a [{b}] c [{d}] else [{e}])"),
        ("for x in [1, 2] { print x }", "(for x [1 2] [{print x}])"),
        ("while k < 3 { k = k + 1 }", "(while (< k 3) [(= k (+ k 1))])"),
        ("proc f(a, b=2) { return a * b }", "(proc f (a b=2) [(return (* a b))])"),
        ("a; b\nc", "{a}; {b}; {c}"),
        ("for i in 0..<3 {\n  if i == 1 { continue }\n  break\n}", "(for i (..< 0 3) [(if (== i 1) [continue]); break])"),
    ])
    func trees(source: String, expected: String) throws {
        #expect(try tree(source) == expected)
    }

    @Test func locationsPointAtTheStart() throws {
        let program = try parse(SourceText(name: "t", text: "x = 1\n  print (a + b)"))
        #expect(program[1].location.line == 2 && program[1].location.column == 3)
        guard case .expression(let e) = program[1].kind, case .command(let c) = e.kind,
              case .binary(_, let left, _) = c.arguments[0].value.kind else {
            Issue.record("unexpected tree"); return
        }
        #expect(left.location.column == 10)
    }

    /// A string with n `{...}` interpolations is lexed in O(n) characters: each piece was
    /// re-lexed after padding it with spaces to its column (20,000 pieces took 31 s).
    /// Counted, not timed: 4× the pieces must cost at most ~4× the characters.
    @Test func interpolationsAreLexedInLinearWork() throws {
        func charactersLexed(pieces: Int) throws -> Int {
            let source = "print \"" + String(repeating: "{x} ", count: pieces) + "\""
            let count = LexerWork.Count()
            try LexerWork.$characters.withValue(count) { _ = try parse(SourceText(name: "t", text: source)) }
            return count.characters.load(ordering: .relaxed)
        }
        let small = try charactersLexed(pieces: 500), large = try charactersLexed(pieces: 2000)
        #expect(small >= 500 * 4)
        #expect(large <= 5 * small, "\(small) characters for 500 pieces, \(large) for 2000")
        // Locations inside an interpolation still name the real column.
        #expect(throws: ShellError.self) { try parse(SourceText(name: "t", text: "print \"ab {x +} c\"")) }
        do { _ = try parse(SourceText(name: "t", text: "print \"ab {x +} c\"")) } catch {
            #expect(error.column == 15 && error.sourceLine == "print \"ab {x +} c\"")
        }
    }
}
