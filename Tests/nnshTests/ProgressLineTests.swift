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

    /// A live line and epoch lines longer than 80 columns (validation adds val_loss, val_mse).
    static let longLines = """
        r = runge n=40 noise=0.05 seed=1
        v = runge n=20 noise=0.05 seed=2
        net = network 1
        add net dense 4 tanh
        add net dense 1 linear
        train net r epochs=3 batch=10 seed=1 validate=v
        print "done"
        """

    /// At 80 columns the ~100-column live line wrapped, and every redraw left a row behind.
    @Test(arguments: [UInt16(80), 60])
    func everyRowFitsTheTerminal(columns: UInt16) throws {
        let t = try PseudoTerminal(arguments: ["-e", Self.longLines], environment: ["TERM": "xterm-256color"],
                                   columns: columns)
        try t.expect("done", timeout: 30)
        _ = t.waitForExit()
        let widest = t.widestRow()
        #expect(widest.width <= Int(columns), "a row of \(widest.width) cells at \(columns): \(widest.row)")
        let rows = t.writtenRows
        #expect(rows.contains { $0.hasPrefix("epoch 1/3 ") && $0.contains("loss ") && $0.contains("█") }, "the live line: \(rows)")
        let epochLines = rows.filter { $0.hasPrefix("epoch ") && !$0.contains("█") && !$0.contains("·") }
        #expect(epochLines.count == 3, "each epoch's line stays: \(rows)")
        #expect(t.screen.contains("val_loss"), "no figure is dropped from the epoch lines")
    }

    /// The size is asked again after the terminal says it changed (SIGWINCH).
    @Test func aResizedTerminalGetsANarrowerLine() throws {
        let history = try TemporaryFile(contents: "")
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": history.path], columns: 120)
        try t.expectPrompt()
        t.type("r = runge n=40 noise=0.05 seed=1\r")
        try t.expectPrompt()
        t.type("v = runge n=20 noise=0.05 seed=2\r")
        try t.expectPrompt()
        t.type("net = network 1\r")
        try t.expectPrompt()
        t.type("add net dense 4 tanh\r")
        try t.expectPrompt()
        t.type("add net dense 1 linear\r")
        try t.expectPrompt()
        t.type("train net r epochs=1 batch=10 seed=1 validate=v\r")
        try t.expect("val_mse")
        try t.expectPrompt()
        #expect(t.widestRow().width > 80, "at 120 columns the line is whole: \(t.widestRow().row)")
        let mark = t.bytes.count
        t.resize(columns: 60, rows: 30)
        t.type("train net r epochs=1 batch=10 seed=1 validate=v\r")
        try t.expect("val_mse")
        try t.expectPrompt()
        let widest = t.widestRow(since: mark)
        #expect(widest.width <= 60, "after the resize: \(widest.row)")
    }

    /// every=N prints every Nth epoch's line and the last; verbose=2 draws no live line.
    @Test func everyAndVerboseCutTheLines() throws {
        let script = """
            r = runge n=40 noise=0.05 seed=1
            net = network 1
            add net dense 4 tanh
            add net dense 1 linear
            train net r epochs=10 batch=10 seed=1 every=4 verbose=2
            print "done"
            """
        let t = try PseudoTerminal(arguments: ["-e", script], environment: ["TERM": "xterm"], columns: 80)
        try t.expect("done", timeout: 30)
        _ = t.waitForExit()
        let epochLines = t.writtenRows.filter { $0.hasPrefix("epoch ") }
        #expect(epochLines.map { $0.split(separator: " ")[1] } == ["4/10", "8/10", "10/10"], "\(t.writtenRows)")
        #expect(!Self.contains(t.bytes, Self.redraw), "verbose=2: no live line")
    }
}
