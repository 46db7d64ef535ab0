import Foundation
import Testing

/// Errors on a terminal: a long source line is shown as an excerpt around the caret that fits
/// the width (a 2,400-character line filled 17 rows), and wide characters keep the caret under
/// its word.
@Suite(.serialized) struct ErrorDisplayTests {
    @Test(arguments: [UInt16(80), 60])
    func aLongLineFitsTheWidth(columns: UInt16) throws {
        let line = "y = " + String(repeating: "1 + ", count: 400) + "nope + 2"
        let t = try PseudoTerminal(arguments: ["-e", line], columns: columns)
        #expect(t.waitForExit() == 1)
        let widest = t.widestRow()
        #expect(widest.width <= Int(columns), "a row of \(widest.width): \(widest.row)")
        let rows = t.writtenRows.filter { !$0.isEmpty }
        let caretRow = try #require(rows.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "^" }, "\(rows)")
        let source = Array(rows[caretRow - 1]), caret = rows[caretRow].count - 1
        #expect(String(source[caret...]).hasPrefix("nope"), "the caret is under the unknown name: \(rows)")
    }

    @Test func wideCharactersKeepTheCaretUnderItsWord() throws {
        let t = try PseudoTerminal(arguments: ["-e", "s = \"学习率\" + nope"], columns: 80)
        #expect(t.waitForExit() == 1)
        let rows = t.writtenRows.filter { !$0.isEmpty }
        let caretRow = try #require(rows.firstIndex { $0.hasSuffix("^") }, "\(rows)")
        let source = rows[caretRow - 1]
        let before = try #require(source.range(of: "nope")).lowerBound
        #expect(PseudoTerminal.cells(String(source[..<before])) == rows[caretRow].count - 1, "\(rows)")
    }
}

/// Ctrl-C's pause of training is a notice, not an error.
@Suite(.serialized) struct PauseNoticeTests {
    @Test func aPauseSaysWhereAndHowToResume() throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: 80)
        try t.expectPrompt()
        for line in ["r = runge n=200 seed=1", "net = network 1", "add net dense 16 tanh", "add net dense 1 linear"] {
            t.type(line + "\r")
            try t.expectPrompt()
        }
        t.type("train net r epochs=1000 batch=1\r")
        try t.expect("epoch 2/1000")
        t.type("\u{3}")
        try t.expect("training paused by Ctrl-C in epoch ")
        try t.expect("of 1000, after batch ")
        try t.expect("resume net goes on from there")
        try t.expectPrompt()
        #expect(!t.screen.contains("error"), "\(t.screen)")
        #expect(!t.writtenRows.contains { $0.trimmingCharacters(in: .whitespaces) == "^" }, "no caret")
    }
}
