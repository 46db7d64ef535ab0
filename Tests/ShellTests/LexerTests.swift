import Testing
@testable import Shell

@Suite struct LexerTests {
    /// The tokens of `source`, each as short text: names bare, numbers, strings quoted,
    /// symbols and keywords as written, NL for a newline.
    func kinds(_ source: String) throws -> [String] {
        try tokenize(SourceText(name: "t", text: source)).dropLast().map { t in
            switch t.kind {
            case .name(let n): return n
            case .number(let x): return "#\(formatNumber(x))"
            case .string(let pieces):
                return "\"" + pieces.map { p -> String in
                    switch p {
                    case .text(let s): return s
                    case .code(let c, _, _, let f): return "{\(c)\(f.map { ":" + $0 } ?? "")}"
                    }
                }.joined() + "\""
            case .keyword(let k): return k.rawValue
            case .symbol(let s): return s.rawValue
            case .newline: return "NL"
            case .end: return "END"
            }
        }
    }

    @Test(arguments: [
        ("x = 1.5e-3", ["x", "=", "#0.0015"]),
        ("a==b != c <= d >= e < f > g", ["a", "==", "b", "!=", "c", "<=", "d", ">=", "e", "<", "f", ">", "g"]),
        ("0..<10 1...3", ["#0", "..<", "#10", "#1", "...", "#3"]),
        ("net.history", ["net", ".", "history"]),
        ("if x { } else { }", ["if", "x", "{", "}", "else", "{", "}"]),
        ("#!/usr/bin/env nnsh\nprint 1 # note", ["NL", "print", "#1"]),
        ("print \"a{x:.2f}b\"", ["print", "\"a{x:.2f}b\""]),
        ("f(a,\n b)", ["f", "(", "a", ",", "b", ")"]),
        ("x = 1 +\n 2", ["x", "=", "#1", "+", "#2"]),
        ("train net d \\\n  epochs=2", ["train", "net", "d", "epochs", "=", "#2"]),
        ("a; b", ["a", ";", "b"]),
        ("größe = 1", ["größe", "=", "#1"]),
    ])
    func tokens(source: String, expected: [String]) throws {
        #expect(try kinds(source) == expected)
    }

    @Test func locationsAreOneBasedAndFollowLines() throws {
        let tokens = try tokenize(SourceText(name: "t", text: "a\n  bb", firstLine: 5))
        #expect(tokens[0].location.line == 5 && tokens[0].location.column == 1)
        #expect(tokens[2].location.line == 6 && tokens[2].location.column == 3)
    }

    @Test func spacingIsRecorded() throws {
        let tokens = try tokenize(SourceText(name: "t", text: "a -1 b-c"))
        #expect(tokens[1].spaceBefore && !tokens[1].spaceAfter)   // "-1"
        #expect(!tokens[4].spaceBefore && !tokens[4].spaceAfter)  // "b-c"
    }

    @Test(arguments: [
        ("x = 'a'", 5, "strings use double quotes: \"text\""),
        ("print \"abc", 7, "unfinished string (missing '\"')"),
        ("x = .5", 5, "write numbers with a leading digit (0.5, not .5)"),
        ("for i in 1..4 {}", 11, "write a range as a..<b (without b) or a...b (with b), not a..b"),
        ("x = 3abc", 6, "malformed number '3a'"),
        ("x = a ! b", 7, "unexpected '!' (write 'not' for negation)"),
        ("x = @", 5, "unexpected character '@'"),
        ("print \"\\q\"", 8, "unknown escape '\\q' (use \\n \\t \\\" \\\\ \\{ \\})"),
        ("print \"{}\"", 8, "empty '{}' in string (write \\{ for a brace)"),
    ])
    func errors(source: String, column: Int, message: String) {
        #expect(throws: ShellError.self) { try tokenize(SourceText(name: "t", text: source)) }
        do {
            _ = try tokenize(SourceText(name: "t", text: source))
        } catch {
            #expect(error.message == message)
            #expect(error.column == column)
        }
    }
}
