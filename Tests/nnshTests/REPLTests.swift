import Foundation
import Testing

/// End-to-end: the REPL on a pseudo-terminal, driven by keystrokes.
@Suite struct REPLTests {
    static let up = "\u{1b}[A", tab = "\t", enter = "\r", controlC = "\u{3}", controlD = "\u{4}"

    /// A REPL with its own (empty or given) history file.
    func startREPL(history: TemporaryFile? = nil) throws -> (PseudoTerminal, TemporaryFile) {
        let file = try history ?? TemporaryFile(contents: "")
        let terminal = try PseudoTerminal(environment: ["NNSH_HISTORY": file.path])
        try terminal.expectPrompt()
        return (terminal, file)
    }

    @Test func upArrowRecallsThePreviousLine() throws {
        let (t, _) = try startREPL()
        t.type("x = 41" + Self.enter)
        try t.expectPrompt()
        t.type("x" + Self.enter)
        try t.expect("41")
        try t.expectPrompt()
        t.type(Self.up + Self.enter)   // runs `x` again
        try t.expect("41")
    }

    @Test func tabCompletesACommandName() throws {
        let (t, _) = try startREPL()
        t.type("x = 41" + Self.enter)
        try t.expectPrompt()
        t.type("pri" + Self.tab + "x" + Self.enter)   // "print x" only if Tab completed it
        try t.expect("41")
        #expect(!t.screen.contains("error"))
    }

    @Test func tabCompletesTheCommonPrefixThenListsCandidates() throws {
        let (t, _) = try startREPL()
        t.type("alpha1 = 1" + Self.enter)
        try t.expectPrompt()
        t.type("alpha2 = 2" + Self.enter)
        try t.expectPrompt()
        t.type("print al" + Self.tab)   // both variables start "alpha": that much is typed
        t.type(Self.tab)                 // then the two are shown
        try t.expect("alpha1  alpha2")
        try t.expectPrompt("nnsh> print alpha")   // and the line is drawn again
        t.type("2" + Self.enter)
        try t.expect("\n2\n")
    }

    @Test func openBlockContinuesWithTheContinuationPrompt() throws {
        let (t, _) = try startREPL()
        t.type("for i in [1, 2] {" + Self.enter)
        try t.expectPrompt("...> ")
        t.type("print i * 10" + Self.enter)
        try t.expectPrompt("...> ")
        t.type("}" + Self.enter)
        try t.expect("10\n20\n")
        try t.expectPrompt()
    }

    @Test func controlCAtThePromptClearsTheLine() throws {
        let (t, _) = try startREPL()
        t.type("x = 8" + Self.enter)
        try t.expectPrompt()
        t.type("bogus" + Self.controlC)
        try t.expect("^C")
        try t.expectPrompt()
        t.type("x" + Self.enter)   // would be "bogusx" had the line survived
        try t.expect("8")
        #expect(!t.screen.contains("bogus" + "x"))
        #expect(!t.screen.contains("error"))
    }

    @Test func controlCDuringACommandStopsItAndKeepsTheSession() throws {
        let (t, _) = try startREPL()
        t.type("k = 0" + Self.enter)
        try t.expectPrompt()
        t.type("while true { k = k + 1 }" + Self.enter)
        Thread.sleep(forTimeInterval: 0.3)   // let the loop run
        t.type(Self.controlC)
        try t.expect("interrupted")
        try t.expectPrompt()
        t.type("k > 0" + Self.enter)   // the loop ran, stopped, and k survived
        try t.expect("true")
    }

    /// A real Ctrl-C (SIGINT → Interrupt.request()) stops `sleep` at once, and the statements
    /// of the same entry after it do not run.
    @Test func controlCStopsSleepAndTheRestOfTheEntry() throws {
        let (t, _) = try startREPL()
        t.type("sleep 3600; print \"after\" + \"wards\"" + Self.enter)
        Thread.sleep(forTimeInterval: 0.3)
        t.type(Self.controlC)
        try t.expect("interrupted (Ctrl-C)")
        try t.expectPrompt()
        t.type("print \"still \" + \"here\"" + Self.enter)
        try t.expect("still here")
        #expect(!t.screen.contains("afterwards"))
    }

    @Test func controlCDuringTrainingStopsAfterABatchAndKeepsTheNetwork() throws {
        let (t, _) = try startREPL()
        for line in ["r = runge n=200 seed=1", "net = network 1", "add net dense 16 tanh",
                     "add net dense 1 linear"] {
            t.type(line + Self.enter)
            try t.expectPrompt()
        }
        t.type("train net r epochs=1000000 batch=1" + Self.enter)
        try t.expect("epoch 2/1000000")
        t.type(Self.controlC)
        try t.expectPrompt()
        t.type("print net.epochs >= 2 and net.epochs < 1000000" + Self.enter)
        try t.expect("true")
    }

    /// A real Ctrl-C (SIGINT → Interrupt.request()) pauses training; `resume net` finishes the
    /// run, and the result equals the same run never paused (same seeds, in the same session).
    @Test func controlCPausesTrainingAndResumeFinishesItExactly() throws {
        let (t, _) = try startREPL()
        for line in ["set precision float64", "r = runge n=600 noise=0.05 seed=1",
                     "net = network 1", "add net dense 16 tanh seed=3", "add net dense 1 linear seed=3",
                     "ref = network 1", "add ref dense 16 tanh seed=3", "add ref dense 1 linear seed=3"] {
            t.type(line + Self.enter)
            try t.expectPrompt()
        }
        t.type("train net r epochs=20 batch=1 lr=0.001 seed=4" + Self.enter)
        try t.expect("epoch 2/20")
        t.type(Self.controlC)
        try t.expect("resume net goes on from there")
        try t.expectPrompt()
        t.type("print net.paused" + Self.enter)
        try t.expect("true")
        t.type("resume net quiet" + Self.enter)
        try t.expectPrompt()
        t.type("train ref r epochs=20 batch=1 lr=0.001 seed=4 quiet" + Self.enter)
        try t.expectPrompt()
        t.type("print net.paused net.epochs ((predict net r) == (predict ref r))" + Self.enter)
        try t.expect("false 20 true")
    }

    @Test func anErrorKeepsEarlierVariables() throws {
        let (t, _) = try startREPL()
        t.type("x = 6" + Self.enter)
        try t.expectPrompt()
        t.type("bogus 1" + Self.enter)
        try t.expect("error")
        try t.expect("^")
        try t.expectPrompt()
        t.type("x" + Self.enter)
        try t.expect("6")
    }

    @Test func dumbTerminalGetsPlainLinesWithoutEditing() throws {
        let history = try TemporaryFile(contents: "")
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": history.path, "TERM": "dumb"])
        try t.expect("nnsh> ")
        t.type("x = 3" + Self.enter)
        try t.expect("nnsh> ")
        t.type("x" + Self.enter)
        try t.expect("3")
        t.type(Self.controlD)
        #expect(t.waitForExit() == 0)
        #expect(try String(contentsOfFile: history.path, encoding: .utf8) == "")   // no libedit, no history
    }

    @Test func anErrorInsideABlockNamesItsLineInTheEntry() throws {
        let (t, _) = try startREPL()
        t.type("for i in [1] {" + Self.enter)
        try t.expectPrompt("...> ")
        t.type("print nope" + Self.enter)
        try t.expectPrompt("...> ")
        t.type("}" + Self.enter)
        try t.expect("repl:2:7: error: unknown variable 'nope'")
        try t.expectPrompt()
    }

    @Test func editrcCanChooseViKeysAndNnshKeysStillWork() throws {
        let editrc = try TemporaryFile(contents: "bind -v\n")
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": "", "EDITRC": editrc.path])
        try t.expectPrompt()
        t.type("print 12" + "\u{1b}" + "hx" + Self.enter)   // vi: back one, delete the "1"
        try t.expect("\n2\n")
        try t.expectPrompt()
        t.type("pri" + Self.tab + "7" + Self.enter)
        try t.expect("\n7\n")
    }

    @Test func historyPersistsAcrossSessionsAndControlDQuits() throws {
        let history: TemporaryFile
        do {
            let (t, file) = try startREPL()
            history = file
            t.type("x = 12" + Self.enter)
            try t.expectPrompt()
            t.type(Self.controlD)
            #expect(t.waitForExit() == 0, "screen: \(t.screen.debugDescription)")
        }
        #expect(try String(contentsOfFile: history.path, encoding: .utf8).contains("12"))
        let (t, _) = try startREPL(history: history)
        t.type(Self.up + Self.enter)   // `x = 12` from the first session
        try t.expectPrompt()
        t.type("x" + Self.enter)
        try t.expect("12")
    }
}

extension PseudoTerminal {
    /// Waits for `prompt` and for the line editor to be ready for keys.
    func expectPrompt(_ prompt: String = "nnsh> ") throws {
        try expect(prompt)
        try waitUntilReadingKeys()
    }
}
