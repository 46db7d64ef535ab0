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
