import Foundation
import Testing
@testable import Shell

@Suite struct InterpreterTests {
    @Test func variablesSurviveErrorsAndForgetDeletesThemSayingWhich() {
        let session = makeSession()
        runShell("a = 1\nb = [2]\nproc f() { }", in: session)
        #expect(runShell("a = a + nope", in: session).error != nil)
        #expect(runShell("print a b", in: session).output == "1 [2]\n")
        #expect(runShell("forget a", in: session).output == "forgot a\n")
        #expect(runShell("print a", in: session).error?.message.hasPrefix("unknown variable 'a'") == true)
        #expect(runShell("forget b nope", in: session).error?.message == "no variable 'nope'")
        #expect(runShell("print b", in: session).output == "[2]\n")   // nothing went
        #expect(runShell("forget all", in: session).output == "forgot b and f\n")
        #expect(runShell("vars", in: session).output == "(no variables)\n")
        #expect(runShell("forget all", in: session).output == "nothing to forget\n")
    }

    /// `clear` clears the screen: the variables stay, and off a terminal nothing is printed.
    @Test func clearKeepsVariablesAndPointsNamesToForget() {
        let session = makeSession()
        runShell("a = 1", in: session)
        #expect(runShell("clear", in: session).output == "")
        #expect(runShell("print a", in: session).output == "1\n")
        #expect(runShell("clear a", in: session).error?.message.hasSuffix("to delete variables write forget a") == true)
        #expect(runShell("print a", in: session).output == "1\n")
    }

    static let trained = """
        net = network 1
        add net dense 1 linear
        train net (runge n=10 seed=1) epochs=1 quiet
        """

    /// A network is unsaved once trained, saved after `save` or `load`, and unsaved again when
    /// trained further; an untrained one never counts, and one held twice is named once.
    @Test func unsavedNetworksFollowTrainingAndSaving() {
        let (session, out) = makeSession()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("unsaved-\(getpid()).nnm").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        runShell("fresh = network 2\n" + Self.trained + "\nsame = net", in: (session, out))
        #expect(session.unsavedNetworks == ["net"])
        runShell("save net \"\(file)\"", in: (session, out))
        #expect(session.unsavedNetworks == [])
        runShell("train net (runge n=10 seed=1) epochs=1 quiet", in: (session, out))
        #expect(session.unsavedNetworks == ["net"])
        runShell("m = load \"\(file)\"\nforget net same", in: (session, out))
        #expect(session.unsavedNetworks == [])
        // Shown at the prompt, a network is also ans and _; it is still named by its variable.
        session.isInteractive = true
        runShell("train m (runge n=10 seed=1) epochs=1 quiet\nm", file: "repl", in: (session, out))
        #expect(session.unsavedNetworks == ["m"])
    }

    /// In a script nobody can answer: `forget` deletes and names the unsaved network.
    @Test func forgetInAScriptSaysWhichUnsavedNetworkWent() {
        let session = makeSession()
        runShell(Self.trained + "\nx = 2", in: session)
        #expect(runShell("forget all", in: session).output == "forgot net and x (not saved: net)\n")
    }

    /// At the prompt (`confirm` set) `forget` asks before an unsaved trained network goes;
    /// no keeps everything, and a saved network goes without a question.
    @Test func forgetAtThePromptAsksBeforeAnUnsavedNetworkGoes() {
        let (session, out) = makeSession()
        var questions: [String] = [], answer = false
        session.confirm = { questions.append($0); return answer }
        runShell(Self.trained + "\nalias = net", file: "repl", in: (session, out))
        let kept = runShell("forget all", file: "repl", in: (session, out))
        #expect(questions == ["Forget it anyway?"])
        #expect(kept.output.hasPrefix("alias holds a network trained and not saved"))
        #expect(kept.output.hasSuffix("nothing forgotten\n"))
        #expect(runShell("print net.epochs", file: "repl", in: (session, out)).output == "1\n")
        // net still holds it: forgetting alias loses nothing, so nothing is asked.
        #expect(runShell("forget alias", file: "repl", in: (session, out)).output == "forgot alias\n")
        #expect(questions.count == 1)
        answer = true
        runShell("again = net", file: "repl", in: (session, out))
        #expect(runShell("forget net again", file: "repl", in: (session, out)).output.hasSuffix("forgot net and again (not saved: again)\n"))
        #expect(questions.count == 2)
        runShell(Self.trained, file: "repl", in: (session, out))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("forget-\(getpid()).nnm").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        runShell("save net \"\(file)\"", file: "repl", in: (session, out))
        #expect(runShell("forget net", file: "repl", in: (session, out)).output == "forgot net\n")
        #expect(questions.count == 2)
    }

    @Test func varsListsNamesWithShortValues() {
        let r = runShell("lr = 0.01\nnet = network 3\nproc f(a) { }\nvars")
        #expect(r.output == "f    proc f(a)\nlr   0.01\nnet  <network 3, 0 parameters>\n")
    }

    @Test func wordsAreTheirOwnTextUnlessShadowed() {
        #expect(runShell("print relu [adam, sgd]").output == "relu [\"adam\", \"sgd\"]\n")
        #expect(runShell("relu = 3\nprint relu").output == "3\n")
        #expect(runShell("act = tanh\nn = network 1\nadd n dense 2 act\nprint n.layers").output == "1\n")
    }

    @Test func handlesAreSharedListsAreCopied() {
        let r = runShell("""
            a = network 2
            b = a
            add b dense 3 relu
            print a.layers
            xs = [1]
            ys = xs
            ys = ys + [2]
            print xs ys
            """)
        #expect(r.output == "1\n[1] [1, 2]\n")
    }

    @Test func runSharedRunsAmongTheCallersVariables() throws {
        let path = "/tmp/nnsh-interpreter-run-\(getpid()).nnsh"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "proc double(x) { return 2 * x }\nhalf = 21\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(runShell("run \"\(path)\" shared\nprint (double half)").output == "42\n")
    }

    /// `run` gives the script a scope of its own: the caller's variables, settings and generator
    /// come back as they were, the script gets its arguments as text, and its variables come
    /// back as a record.
    @Test func runKeepsTheCallersVariablesAndSettings() throws {
        let path = "/tmp/nnsh-interpreter-study-\(getpid()).nnsh"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
            print args (len(args))
            x = "script's"
            set precision float64
            set seed 1993
            set skip_zero_inputs false
            acc = 0.5
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let session = makeSession()
        runShell("x = 1\nset seed 5\nd = runge n=3", in: session)
        let generator = session.0.interpreter.generator
        let r = runShell("""
            r = run "\(path)" 0.01 relu "--help"
            print x r.x r.acc (set precision) (set seed) (set skip_zero_inputs)
            run "\(path)"
            """, in: session)
        #expect(r.error == nil)
        #expect(r.output == """
            ["0.01", "relu", "--help"] 3
            1 script's 0.5 float32 5 true
            [] 0

            """)
        #expect(session.0.interpreter.generator == generator)
        #expect(runShell("print (run \"\(path)\").args", in: session).error?.message.hasPrefix("no field 'args'") == true)
    }

    @Test func quitInsideLoopsAndProceduresEndsEverything() {
        let r = runShell("proc stop() { quit 4 }\nfor i in 0..<10 { print i\n stop }\nprint \"never\"")
        #expect(r.output == "0\n")
        guard case .quit(let code) = r.result else { Issue.record("expected quit"); return }
        #expect(code == 4)
    }

    @Test func hugeRangesLoopWithoutMakingTheList() {
        #expect(runShell("for i in 0..<1000000000000 { if i == 2 { break } }\nprint (0..<1000000000000).count").output
                == "1000000000000\n")
    }

    @Test func recordsAndIndexing() {
        let r = runShell("""
            p = split (runge n=10 seed=1) 0.8 seed=1
            print p.train.count p["test"].count
            print "abc"[1] [[1, 2], [3]][0][-1]
            """)
        #expect(r.output == "8 2\nb 2\n")
    }

    @Test func numberFormatting() {
        #expect(formatNumber(3) == "3")
        #expect(formatNumber(-0.5) == "-0.5")
        #expect(formatNumber(1e20) == "1e+20")
        #expect(formatNumber(1.0 / 3) == "0.333333")
        #expect(formatNumber(.nan) == "nan")
        #expect(Format.apply(".2%", to: .number(0.98254)) == "98.25%")
        #expect(Format.apply("6.2f", to: .number(3.14159)) == "  3.14")
        #expect(Format.apply("<5", to: .string("ab")) == "ab   ")
        #expect(Format.parse("q") == nil && Format.parse(".f") == nil)
    }

    @Test func trainOnATerminalDrawsALiveLineThenTheEpochLine() {
        let collector = OutputCollector()
        let session = Session(output: { collector.append($0) }, isTerminal: true)
        _ = session.execute("""
            d = runge n=64 seed=1
            n = network 1
            add n dense 4 tanh
            add n dense 1 linear
            train n d epochs=1 batch=8
            """, file: "t")
        let out = collector.take()
        #expect(out.contains("\r\u{1B}[2Kepoch 1/1 "))
        #expect(out.contains("8/8"))
        #expect(out.hasSuffix("\n") && out.contains("\r\u{1B}[2Kepoch 1/1  loss "))
    }

    @Test func completionOfFieldsPathsAndOptionValues() throws {
        let (s, _) = makeSession()
        _ = s.execute("r = runge n=5\np = split r", file: "t")
        #expect(s.completions(line: "print p.tr", cursor: 10) == ["train"])
        #expect(s.completions(line: "print r.cou", cursor: 11) == ["count"])
        #expect(s.completions(line: "train x y optimizer=rms", cursor: 23) == ["rmsprop"])
        #expect(s.completions(line: "train x y epo", cursor: 13) == ["epochs="])
        #expect(s.completions(line: "x = netw", cursor: 8) == ["network"])
        #expect(s.completions(line: "add n dense 3 re", cursor: 16) == ["relu"])
        let dir = "/tmp/nnsh-completion-test"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: dir + "/model.nnm", contents: Data()))
        let line = "m = load \"\(dir)/"
        #expect(s.completions(line: line, cursor: line.unicodeScalars.count) == ["\(dir)/model.nnm", "\(dir)/sub/"])
    }
}
