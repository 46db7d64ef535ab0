import Testing
@testable import Shell

/// The Session interface the executable relies on (BRIEF.md).
@Suite struct SessionInterfaceTests {
    @Test(arguments: [
        ("for x in [1, 2] {", true),
        ("print \"abc", false),   // a string ends on its line: an error at once
        ("print \"{x", false),
        ("xs = [1,\n2", true),
        ("x = 1 +", true),
        ("proc f(a) {\n  if a {\n", true),
        ("print 1", false),
        ("for x in [1] { print x }", false),
        ("print )", false),
        ("}", false),
        ("print \"{x +}\"", false),
    ])
    func incompleteInput(source: String, incomplete: Bool) {
        let (s, _) = makeSession()
        #expect(s.isIncomplete(source) == incomplete)
    }

    @Test func errorKeepsVariables() {
        let session = makeSession()
        runShell("x = 41", in: session)
        let bad = runShell("print y", in: session)
        #expect(bad.error?.message.hasPrefix("unknown variable 'y'") == true)
        let good = runShell("print x + 1", in: session)
        #expect(good.output == "42\n")
    }

    @Test func renderedErrorHasPlaceLineAndCaret() {
        let r = runShell("x = 1\nprint x +* 2", file: "a.nnsh")
        #expect(r.error?.rendered() == "a.nnsh:2:10: error: an expression expected near '*'\nprint x +* 2\n         ^")
    }

    @Test func quitReturnsCode() {
        let r = runShell("print 1\nquit 3\nprint 2")
        #expect(r.output == "1\n")
        guard case .quit(let code) = r.result else { Issue.record("expected quit"); return }
        #expect(code == 3)
    }

    @Test func defineReadsLiteralsAndFallsBackToText() throws {
        let (s, out) = makeSession()
        try s.define("lr", literal: "0.01")
        try s.define("acts", literal: "[1, \"two\"]")
        try s.define("file", literal: "runs/a.csv")
        _ = s.execute("print lr * 2 acts file", file: "t")
        #expect(out.take() == "0.02 [1, \"two\"] runs/a.csv\n")
        #expect(throws: ShellError.self) { try s.define("print", literal: "1") }
        #expect(throws: ShellError.self) { try s.define("2x", literal: "1") }
    }

    @Test func scriptArgumentsAreVisibleAsArgs() {
        let (s, out) = makeSession()
        s.scriptArguments = ["a", "b"]
        _ = s.execute("print args args.count", file: "t")
        #expect(out.take() == "[\"a\", \"b\"] 2\n")
    }

    @Test func firstLineShiftsLocations() {
        let (s, _) = makeSession()
        guard case .error(let e) = s.execute("print nope", file: "<stdin>", firstLine: 7) else {
            Issue.record("expected an error"); return
        }
        #expect(e.line == 7 && e.column == 7 && e.sourceLine == "print nope")
    }

    @Test func completesCommandsOptionsAndVariables() {
        let (s, _) = makeSession()
        _ = s.execute("total = 1", file: "t")
        #expect(s.completions(line: "pri", cursor: 3) == ["print"])
        #expect(s.completions(line: "print to", cursor: 8) == ["total"])
        #expect(s.completions(line: "set pre", cursor: 7) == ["precision"])
        #expect(s.completions(line: "print 1 se", cursor: 10).contains("sep="))
        #expect(s.commandNames.contains("help"))
    }

    /// Loops and train poll the session's interrupt check (Interrupt.isRequested in the
    /// executable; a counter here, so no global flag disturbs tests running in parallel).
    @Test func loopsAndTrainingStopWhenInterrupted() {
        let (session, out) = makeSession()
        var polls = 0
        // Polled before the statement, then before each pass of the loop.
        session.interpreter.isInterrupted = { polls += 1; return polls > 4 }
        guard case .error(let e) = session.execute("for i in 0..<100 { print i }", file: "t") else {
            Issue.record("expected an interruption"); return
        }
        #expect(e.message == "interrupted (Ctrl-C)")
        #expect(out.take() == "0\n1\n2\n")
        session.interpreter.isInterrupted = { false }
        _ = session.execute("""
            d = runge n=100 seed=1
            n = network 1
            add n dense 4 tanh
            add n dense 1 linear
            """, file: "t")
        polls = 0
        // Polled before the statement, then after each batch.
        session.interpreter.isInterrupted = { polls += 1; return polls > 3 }
        let r = session.execute("train n d epochs=5 batch=10 quiet", file: "t")
        guard case .error(let stop) = r else { Issue.record("expected train to stop"); return }
        #expect(stop.message == "training paused by Ctrl-C in epoch 1 of 5, after batch 3 of 10; weights, history and optimizer state are kept: resume n goes on from there")
        #expect(stop.isInterruption, "a pause is not an error")
        #expect(stop.rendered() == stop.message, "no 'error:', no caret: \(stop.rendered())")
        session.interpreter.isInterrupted = { false }
        _ = session.execute("print n.epochs n.history.loss.count", file: "t")
        #expect(out.take() == "1 1\n")
    }
}
