import Foundation
import Testing

/// `help` on a terminal: wrapped to its width, paged when longer than the screen (never into a
/// pipe), and its topics completed with Tab.
@Suite(.serialized) struct HelpTerminalTests {
    /// "adag/rad" was split at 80 columns: every row now fits and the words stay whole.
    @Test(arguments: [UInt16(80), 60])
    func helpFitsTheWidth(columns: UInt16) throws {
        let t = try PseudoTerminal(arguments: ["-e", "help train\nhelp\nhelp adam\nprint \"done\""],
                                   environment: ["PAGER": ""], columns: columns, rows: 30)
        try t.expect("done")
        _ = t.waitForExit()
        let widest = t.widestRow()
        #expect(widest.width <= Int(columns), "a row of \(widest.width): \(widest.row)")
        #expect(t.screen.contains("adagrad"))
        #expect(t.screen.contains("β₂ = 0.999"))
    }

    /// Longer than the screen: through $PAGER; shorter: printed.
    @Test func longHelpGoesThroughThePager() throws {
        let t = try PseudoTerminal(arguments: ["-e", "help train\nhelp sleep\nprint \"done\""],
                                   environment: ["PAGER": "sed s/^/PAGED:/"], columns: 80, rows: 20)
        try t.expect("done")
        _ = t.waitForExit()
        let rows = t.writtenRows
        #expect(rows.contains { $0.hasPrefix("PAGED:usage: train net data [epochs=n]") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("usage: sleep") }, "a short page is printed: \(rows)")
        #expect(!rows.contains { $0.hasPrefix("PAGED:usage: sleep") })
    }

    @Test func noPagerIntoAPipe() throws {
        let out = try run(nnshExecutable().path, ["-e", "help train"],
                          environment: ["TERM": "xterm", "PAGER": "sed s/^/PAGED:/", "PATH": "/usr/bin:/bin"])
        #expect(out.stdout.hasPrefix("usage: train"))
        #expect(!out.stdout.contains("PAGED:"))
    }

    @Test func tabCompletesHelpTopics() throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": "", "PAGER": ""], columns: 80, rows: 50)
        try t.expectPrompt()
        t.type("help gra\t\r")   // gradcheck only if Tab completed it
        try t.expect("usage: gradcheck")
        try t.expectPrompt()
        t.type("help rms\t\r")
        try t.expect("rmsprop: an optimizer")
        #expect(!t.screen.contains("no command"))
    }
}
