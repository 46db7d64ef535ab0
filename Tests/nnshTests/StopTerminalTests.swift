import Foundation
import Testing

/// A real Ctrl-C (SIGINT → Interrupt.request()) stops a running `gradcheck`: its progress line
/// fits the terminal, the notice says it stopped (no "error:", no caret), the prompt comes back
/// and the variable it would have assigned keeps its value. Ctrl-C is typed once the progress
/// line shows, so nothing depends on how fast the machine is.
@Suite(.serialized) struct StopTerminalTests {
    @Test(arguments: [UInt16(80), 60])
    func controlCStopsGradcheckAndKeepsTheVariable(columns: UInt16) throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: columns)
        try t.expectPrompt()
        // Thousands of parameters, each two passes over 2000 examples: minutes if not stopped.
        for line in ["x = 7", "r = runge n=2000 seed=1", "net = network 1", "add net dense 60 tanh",
                     "add net dense 60 tanh", "add net dense 1 linear"] {
            t.type(line + "\r")
            try t.expectPrompt()
        }
        let start = t.bytes.count
        t.type("x = gradcheck net r sample=all\r")
        try t.expect(" parameters")   // the live line
        let rows = PseudoTerminal.writtenRows(Array(t.bytes[start...]))
        t.type("\u{3}")
        try t.expect("gradcheck stopped after ")
        try t.expect(" parameters by Ctrl-C; nothing was changed")
        try t.expectPrompt()
        t.type("print x\r")
        try t.expect("7")
        try t.expectPrompt()
        let widest = rows.max { PseudoTerminal.cells($0) < PseudoTerminal.cells($1) } ?? ""
        #expect(PseudoTerminal.cells(widest) < Int(columns), "\(rows)")
        #expect(rows.contains { $0.hasPrefix("gradcheck ") && $0.contains("/3841 parameters") }, "\(rows)")
        #expect(!t.screen.contains("error"), "\(t.screen)")
        #expect(!t.writtenRows.contains { $0.trimmingCharacters(in: .whitespaces) == "^" }, "no caret")
    }

    /// A line typed while gradcheck runs is not lost with the Ctrl-C that stops it (the terminal
    /// driver would discard it without NOFLSH): it runs after the notice.
    @Test func aLineTypedAheadSurvivesControlC() throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: 80)
        try t.expectPrompt()
        for line in ["r = runge n=2000 seed=1", "net = network 1", "add net dense 60 tanh",
                     "add net dense 60 tanh", "add net dense 1 linear"] {
            t.type(line + "\r")
            try t.expectPrompt()
        }
        t.type("gradcheck net r sample=all\r")
        try t.expect(" parameters")   // running
        t.type("print 50 + 3\r")
        try t.expect("print 50 + 3")   // echoed by the terminal: in its input queue
        t.type("\u{3}")
        try t.expect("gradcheck stopped after ")
        try t.expect("53")
        try t.expectPrompt()
    }
}
