import Foundation
import Testing

/// Colour end to end: nnsh on a pseudo-terminal colours its charts unless NO_COLOR (any
/// non-empty value) or TERM=dumb says not to; through a pipe it never does.
@Suite(.serialized) struct ColourTests {
    static let script = "plot [1, 4, 9, 16]\nheatmap [[1, 2], [3, 4]]\nprint \"done\""
    /// ESC [ 38;5; — a 256-colour foreground, as the charts use.
    static let colourCode = Array("\u{1B}[38;5;".utf8)

    static func runOnTerminal(_ environment: [String: String]) throws -> [UInt8] {
        let t = try PseudoTerminal(arguments: ["-e", script], environment: environment)
        try t.expect("done")
        _ = t.waitForExit()
        return t.bytes
    }

    static func hasColour(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= colourCode.count else { return false }
        return (0...(bytes.count - colourCode.count)).contains { Array(bytes[$0..<($0 + colourCode.count)]) == colourCode }
    }

    @Test func aColourTerminalGetsColour() throws {
        #expect(Self.hasColour(try Self.runOnTerminal(["TERM": "xterm-256color"])))
    }

    @Test(arguments: [["NO_COLOR": "1"], ["NO_COLOR": "yes"], ["TERM": "dumb"]])
    func noColourWhenTheEnvironmentSaysSo(environment: [String: String]) throws {
        let bytes = try Self.runOnTerminal(environment)
        #expect(!bytes.contains(0x1B), "escape codes with \(environment)")
        #expect(String(decoding: bytes, as: UTF8.self).contains("[ ░▒▓█]"), "the plain shade scale instead")
    }

    @Test func aPipeGetsNoColour() throws {
        let out = try run(nnshExecutable().path, ["-e", Self.script], environment: ["TERM": "xterm-256color", "PATH": "/usr/bin:/bin"])
        #expect(out.stdout.contains("done"))
        #expect(!out.stdout.contains("\u{1B}"))
    }
}

/// Errors in colour, as clang and rustc show them: "error:" in bold red and the caret in bold
/// green on a colour terminal; never with NO_COLOR, TERM=dumb or into a pipe.
@Suite(.serialized) struct ErrorColourTests {
    static let script = "x = 1\nprint x + nope"
    static let red = Array("\u{1B}[1;31merror:".utf8), green = Array("\u{1B}[1;32m^".utf8)

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        guard bytes.count >= part.count else { return false }
        return (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
    }

    @Test func aColourTerminalGetsAColouredError() throws {
        let t = try PseudoTerminal(arguments: ["-e", Self.script], environment: ["TERM": "xterm-256color"])
        #expect(t.waitForExit() == 1)
        #expect(Self.contains(t.bytes, Self.red), "\(String(decoding: t.bytes, as: UTF8.self).debugDescription)")
        #expect(Self.contains(t.bytes, Self.green))
        #expect(t.screen.contains("-e:2:11: error: unknown variable 'nope'"), "the same text under the colour")
    }

    @Test(arguments: [["TERM": "xterm", "NO_COLOR": "1"], ["TERM": "dumb"]])
    func noColourWhenTheEnvironmentSaysSo(environment: [String: String]) throws {
        let t = try PseudoTerminal(arguments: ["-e", Self.script], environment: environment)
        #expect(t.waitForExit() == 1)
        #expect(!t.bytes.contains(0x1B), "\(String(decoding: t.bytes, as: UTF8.self).debugDescription)")
        #expect(t.screen.contains("-e:2:11: error: unknown variable 'nope'"))
    }

    @Test func aPipeGetsAPlainError() throws {
        let out = try run(nnshExecutable().path, ["-e", Self.script], environment: ["TERM": "xterm-256color", "PATH": "/usr/bin:/bin"])
        #expect(out.stderr.hasPrefix("-e:2:11: error: unknown variable 'nope'\nprint x + nope\n          ^"))
        #expect(!out.stderr.contains("\u{1B}"))
    }
}
