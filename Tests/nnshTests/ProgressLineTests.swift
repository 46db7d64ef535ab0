import Foundation
import Testing

/// `train`'s live progress line end to end: on a pseudo-terminal it is redrawn in place
/// (`\r ESC[2K`) unless TERM=dumb, which gets one plain line per epoch; NO_COLOR turns off
/// colour only, not the redrawing (see `TerminalColour`).
@Suite(.serialized) struct ProgressLineTests {
    static let script = """
        r = runge n=40 noise=0.05 seed=1
        set seed 1
        net = network 1
        add net dense 4 tanh
        add net dense 1 linear
        train net r epochs=3 batch=10 seed=1
        print "done"
        """
    /// Carriage return, then ESC [ 2 K (erase the whole line): how the live line redraws.
    static let redraw = Array("\r\u{1B}[2K".utf8)

    static func runOnTerminal(_ environment: [String: String]) throws -> [UInt8] {
        let t = try PseudoTerminal(arguments: ["-e", script], environment: environment)
        try t.expect("done", timeout: 30)
        _ = t.waitForExit()
        return t.bytes
    }

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        guard bytes.count >= part.count else { return false }
        return (0...(bytes.count - part.count)).contains { Array(bytes[$0..<($0 + part.count)]) == part }
    }

    /// The lines the program wrote (the terminal turns "\n" into "\r\n").
    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n").map(String.init)
    }

    @Test(arguments: [["TERM": "xterm-256color"], ["TERM": "xterm", "NO_COLOR": "1"]])
    func aTerminalGetsALiveLine(environment: [String: String]) throws {
        let bytes = try Self.runOnTerminal(environment)
        #expect(Self.contains(bytes, Self.redraw), "the live line is redrawn with \(environment)")
        #expect(String(decoding: bytes, as: UTF8.self).contains("█"), "its progress bar")
    }

    @Test func aDumbTerminalGetsOneLinePerEpoch() throws {
        let bytes = try Self.runOnTerminal(["TERM": "dumb"])
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains("\u{1B}"), "no escape codes: \(text.debugDescription)")
        let lines = Self.lines(bytes)
        #expect(!lines.contains { $0.contains("\r") }, "no carriage return but the terminal's own before a newline")
        let epochLines = lines.filter { $0.hasPrefix("epoch ") }
        #expect(epochLines.count == 3, "one line per epoch: \(lines)")
        #expect(epochLines.allSatisfy { $0.contains("loss") && !$0.contains("█") }, "\(epochLines)")
    }
}
