import Testing
@testable import nnsh

/// The history file's text form, independent of the terminal.
@Suite struct HistoryFormatTests {
    @Test func entriesRoundTripWithBlocksWholeAndLeadingBlanksDropped() {
        let entries = ["x = 1", "for i in [1] {\n\tprint i\n}", "  y = 2"]
        let text = HistoryFile.text(of: entries)
        #expect(text == "x = 1\nfor i in [1] {\n\t\tprint i\n\t}\ny = 2\n")
        #expect(HistoryFile.entries(in: text) == ["x = 1", "for i in [1] {\n\tprint i\n}", "y = 2"])
    }

    /// Files written by earlier versions (libedit's encoded form) are still read.
    @Test func libeditFilesAreDecoded() {
        let old = "_HiStOrY_V2_\nx\\040=\\04012\nprint\\040\"a\\\\b\"\n"
        #expect(HistoryFile.entries(in: old) == ["x = 12", "print \"a\\b\""])
    }
}
