import Foundation
import Testing

/// Bracketed paste at the prompt (issue 19): the terminal is asked to mark pasted text
/// (ESC[?2004h while a line is edited, ESC[?2004l after), and text between the marks goes in as
/// typed: a Tab in it is text, never completion, and a pasted block runs line by line as it
/// would typed. Run at 80 columns, as a person pasting into a normal terminal.
@Suite struct BracketedPasteTests {
    static let enter = "\r", pasteStart = "\u{1b}[200~", pasteEnd = "\u{1b}[201~"
    static let on = "\u{1b}[?2004h", off = "\u{1b}[?2004l"

    func startREPL() throws -> (PseudoTerminal, TemporaryFile) {
        let history = try TemporaryFile(contents: "")
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": history.path], columns: 80, rows: 24)
        try t.expectPrompt()
        return (t, history)
    }

    static func raw(_ t: PseudoTerminal) -> String { String(decoding: t.bytes, as: UTF8.self) }

    @Test func aPastedBlockWithTabsRunsAndListsNoCompletions() throws {
        let (t, _) = try startREPL()
        #expect(Self.raw(t).contains(Self.on), "bracketed paste is asked for at the prompt")
        // Pasted as the terminal sends it: the marks around the text, Enter as carriage returns.
        let block = ["for i in [1, 2] {", "\tx =\ti * 10", "\tprint x", "}", ""].joined(separator: Self.enter)
        t.type(Self.pasteStart + block + Self.pasteEnd)
        try t.expect("10\n20\n")
        try t.expectPrompt()
        // A Tab typed as a key, on an empty word, would have listed every command.
        let screen = t.screen
        #expect(!screen.contains("heatmap"), "\(screen)")
        #expect(!screen.contains("error"), "\(screen)")
        // Outside a paste, Tab completes again.
        t.type("pri\tx" + Self.enter)
        try t.expect("\n20\n")
        try t.expectPrompt()
        t.type("quit" + Self.enter)
        #expect(t.waitForExit() == 0)
        let last = Self.raw(t).range(of: "\u{1b}[?2004", options: .backwards).map { Self.raw(t)[$0.lowerBound...].prefix(8) }
        #expect(last.map(String.init) == Self.off, "bracketed paste is turned off on leaving")
    }

    /// A paste that ends without Enter stays on the line to be finished, as in bash; its Tab is
    /// in the line.
    @Test func aPasteWithoutEnterWaitsOnTheLine() throws {
        let (t, _) = try startREPL()
        t.type(Self.pasteStart + "y =\t7" + Self.pasteEnd)
        t.type(" + 1" + Self.enter)
        try t.expect("\n")
        try t.expectPrompt()
        t.type("y" + Self.enter)
        try t.expect("\n8\n")
        #expect(!t.screen.contains("error"), "\(t.screen)")
    }

    /// While a command runs, the terminal is back to plain pastes (the mode is off).
    @Test func theModeIsOffWhileACommandRuns() throws {
        let (t, _) = try startREPL()
        t.type("print \"ran\"" + Self.enter)
        try t.expect("\nran")
        try t.expectPrompt()
        let text = Self.raw(t)
        guard let ran = text.range(of: "ran\r\n") ?? text.range(of: "ran\n") else {
            Issue.record("no output: \(text)")
            return
        }
        let before = text[..<ran.lowerBound]
        guard let lastOff = before.range(of: Self.off, options: .backwards),
              let lastOn = before.range(of: Self.on, options: .backwards) else {
            Issue.record("no bracketed-paste switch before the output: \(text)")
            return
        }
        #expect(lastOff.lowerBound > lastOn.lowerBound, "off before the command printed")
        #expect(text[ran.upperBound...].contains(Self.on), "on again at the next prompt")
    }

    /// With vi keys (`bind -v` in ~/.editrc) ESC must stay a key of its own: no paste marks are
    /// asked for, and ESC still leaves insert mode.
    @Test func viKeysDoNotAskForPasteMarks() throws {
        let editrc = try TemporaryFile(contents: "bind -v\n")
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": "", "EDITRC": editrc.path], columns: 80, rows: 24)
        try t.expectPrompt()
        t.type("print 12" + "\u{1b}" + "hx" + Self.enter)
        try t.expect("\n2\n")
        #expect(!Self.raw(t).contains(Self.on))
    }
}
