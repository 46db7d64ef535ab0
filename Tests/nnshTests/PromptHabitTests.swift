import Foundation
import Testing

/// End-to-end on a pseudo-terminal: what people expect of a prompt, and that nothing is lost by
/// habit (`clear`, Ctrl-D, `quit`). Run at 80 columns, and where a line is long, at 60.
@Suite struct PromptHabitTests {
    static let enter = "\r", controlD = "\u{4}"
    static let train = "net = network 1; add net dense 1 linear; train net (runge n=10 seed=1) epochs=1 quiet"

    func startREPL(columns: UInt16 = 80, environment: [String: String] = [:],
                   arguments: [String] = []) throws -> PseudoTerminal {
        let t = try PseudoTerminal(arguments: arguments, environment: ["NNSH_HISTORY": ""].merging(environment) { $1 },
                                   columns: columns)
        try t.expectPrompt()
        return t
    }

    /// `clear` clears the screen as in any shell; the variables stay.
    @Test func clearClearsTheScreenAndKeepsVariables() throws {
        let t = try startREPL()
        t.type("x = 5" + Self.enter)
        try t.expectPrompt()
        t.type("clear" + Self.enter)
        try t.expectPrompt()
        #expect(String(decoding: t.bytes, as: UTF8.self).contains("\u{1b}[2J"))
        t.type("x" + Self.enter)
        try t.expect("5")
    }

    /// `forget all` names what goes, and asks first when a trained network was never saved.
    @Test(arguments: [80, 60] as [UInt16])
    func forgetAsksBeforeAnUnsavedNetworkGoes(columns: UInt16) throws {
        let t = try startREPL(columns: columns)
        t.type(Self.train + Self.enter)
        try t.expectPrompt()
        t.type("forget all" + Self.enter)
        try t.expect("net holds a network trained and not saved")
        try t.expectPrompt("Forget it anyway? [y/N] ")
        t.type("n" + Self.enter)
        try t.expect("nothing forgotten")
        try t.expectPrompt()
        t.type("net.epochs" + Self.enter)
        try t.expect("\n1\n")
        try t.expectPrompt()
        t.type("forget net" + Self.enter)
        try t.expectPrompt("Forget it anyway? [y/N] ")
        t.type("y" + Self.enter)
        try t.expect("forgot net (not saved: net)")
        try t.expectPrompt()
    }

    /// Ctrl-D on an empty continuation line drops the block (as Ctrl-C does); the session goes
    /// on, and Ctrl-D at the top-level prompt then quits.
    @Test func controlDInsideABlockDropsTheBlockOnly() throws {
        let t = try startREPL()
        t.type("x = 3" + Self.enter)
        try t.expectPrompt()
        t.type("if true {" + Self.enter)
        try t.expectPrompt("...> ")
        t.type(Self.controlD)
        try t.expectPrompt()
        t.type("x + 1" + Self.enter)
        try t.expect("\n4\n")
        try t.expectPrompt()
        t.type(Self.controlD)
        #expect(t.waitForExit() == 0)
    }

    /// Quitting with a trained, unsaved network names it and asks once: no keeps the session,
    /// and a second quit goes.
    @Test(arguments: [80, 60] as [UInt16])
    func quitWarnsOnceAboutUnsavedNetworks(columns: UInt16) throws {
        let t = try startREPL(columns: columns)
        t.type(Self.train + Self.enter)
        try t.expectPrompt()
        t.type("quit" + Self.enter)
        try t.expect("net holds a network trained and not saved (save net \"file.nnm\" keeps it).")
        try t.expectPrompt("Quit anyway? [y/N] ")
        t.type(Self.enter)
        try t.expectPrompt()
        t.type("net.epochs" + Self.enter)
        try t.expect("\n1\n")
        try t.expectPrompt()
        t.type("quit 3" + Self.enter)
        #expect(t.waitForExit() == 3, "screen: \(t.screen)")
    }

    @Test func controlDTwiceQuitsWithUnsavedNetworks() throws {
        let t = try startREPL()
        t.type(Self.train + Self.enter)
        try t.expectPrompt()
        t.type(Self.controlD)
        try t.expectPrompt("Quit anyway? [y/N] ")
        t.type(Self.controlD)
        #expect(t.waitForExit() == 0, "screen: \(t.screen)")
    }

    @Test func savedNetworksQuitWithoutAQuestion() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-quit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let t = try startREPL()
        t.type(Self.train + "; save net \"\(folder.path)/n.nnm\"" + Self.enter)
        try t.expect("saved")
        try t.expectPrompt()
        t.type("quit" + Self.enter)
        #expect(t.waitForExit() == 0, "screen: \(t.screen)")
        #expect(!t.screen.contains("Quit anyway"))
    }
}

/// The history file: in $HOME, readable, blocks kept whole.
@Suite struct HistoryFileTests {
    static let enter = "\r", up = "\u{1b}[A", controlD = "\u{4}"

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnsh-home-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// With no NNSH_HISTORY the history goes to $HOME/.nnsh_history, as plain lines, and a
    /// block is one entry: the up arrow in the next session runs the whole block again.
    @Test(arguments: [80, 60] as [UInt16])
    func historyLivesInHomeReadablyWithBlocksWhole(columns: UInt16) throws {
        let home = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        do {
            let t = try PseudoTerminal(environment: ["HOME": home.path], columns: columns)
            try t.expectPrompt()
            t.type("x = 1 + 1" + Self.enter)
            try t.expectPrompt()
            t.type("for i in [1, 2] {" + Self.enter)
            try t.expectPrompt("...> ")
            t.type("print i * 10 + x" + Self.enter)
            try t.expectPrompt("...> ")
            t.type("}" + Self.enter)
            try t.expect("12\n22\n")
            try t.expectPrompt()
            t.type(Self.controlD)
            #expect(t.waitForExit() == 0)
        }
        let text = try String(contentsOfFile: home.appendingPathComponent(".nnsh_history").path, encoding: .utf8)
        #expect(text == "x = 1 + 1\nfor i in [1, 2] {\n\tprint i * 10 + x\n\t}\n")
        let t = try PseudoTerminal(environment: ["HOME": home.path], columns: columns)
        try t.expectPrompt()
        t.type("x = 5" + Self.enter)
        try t.expectPrompt()
        t.type(Self.up + Self.up + Self.enter)   // the block, whole
        try t.expect("15\n25\n")
        try t.expectPrompt()
    }
}

/// `nnsh -i script.nnsh`: the script runs, then the prompt has its variables.
@Suite struct InteractiveAfterScriptTests {
    @Test(arguments: [80, 60] as [UInt16])
    func dashIRunsTheScriptThenStaysAtThePrompt(columns: UInt16) throws {
        let script = try TemporaryFile(contents: "x = 6 * 7\nprint \"ran with\" args\n", suffix: ".nnsh")
        let t = try PseudoTerminal(arguments: ["-i", script.path, "a"], environment: ["NNSH_HISTORY": ""], columns: columns)
        try t.expect("ran with [\"a\"]")
        try t.expectPrompt()
        t.type("x + 1\r")
        try t.expect("\n43\n")
        try t.expectPrompt()
        t.type("\u{4}")
        #expect(t.waitForExit() == 0)
    }

    /// A failing script shows its error and still leaves the prompt with what it defined.
    @Test func dashIKeepsThePromptAfterAnError() throws {
        let script = try TemporaryFile(contents: "x = 5\nbogus 1\n", suffix: ".nnsh")
        let t = try PseudoTerminal(arguments: ["-i", script.path], environment: ["NNSH_HISTORY": ""], columns: 80)
        try t.expect("unknown command 'bogus'")
        try t.expectPrompt()
        t.type("x\r")
        try t.expect("\n5\n")
    }
}

/// The last result is `ans` (and `_`) at the prompt.
@Suite struct LastResultTests {
    @Test func ansAndUnderscoreHoldTheLastResult() throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: 80)
        try t.expectPrompt()
        t.type("6 * 7\r")
        try t.expect("\n42\n")
        try t.expectPrompt()
        t.type("y = 1\r")   // an assignment gives no result: ans stays
        try t.expectPrompt()
        t.type("ans + 1\r")
        try t.expect("\n43\n")
        try t.expectPrompt()
        t.type("_ * 2\r")
        try t.expect("\n86\n")
        try t.expectPrompt()
        t.type("print ans\r")
        try t.expect("\n86\n")
    }
}

/// Paths: `~`, `cd` and `pwd`, and a script's files found beside it.
@Suite struct PathTests {
    @Test(arguments: [80, 60] as [UInt16])
    func tildeCdAndPwdAtThePrompt(columns: UInt16) throws {
        let home = try HistoryFileTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try "x,y\n1,2\n3,4\n".write(to: home.appendingPathComponent("runs/d.csv"), atomically: true, encoding: .utf8)
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": "", "HOME": home.path], columns: columns)
        try t.expectPrompt()
        t.type("d = csv \"~/runs/d.csv\" target=\"y\"; d.count\r")
        try t.expect("\n2\n")
        try t.expectPrompt()
        t.type("e = csv \"~/ru\t")   // Tab completes the folder in the home folder
        try t.expect("~/runs/")
        t.type("d.\t")
        try t.expect("d.csv\" ")
        t.type("target=\"y\"; e.count\r")
        try t.expect("\n2\n")
        try t.expectPrompt()
        t.type("cd \"~/runs\"\r")
        try t.expectPrompt()
        t.type("pwd\r")
        try t.expect("\n\(home.path)/runs\n")
        try t.expectPrompt()
        t.type("(csv \"d.csv\" target=\"y\").count\r")
        try t.expect("\n2\n")
        try t.expectPrompt()
        t.type("cd \"nowhere\"\r")
        try t.expect("no such folder: nowhere")
    }

    /// A script reads its own files from wherever nnsh is started; what it writes goes where
    /// it says, from the current folder.
    @Test func aScriptFindsFilesBesideItFromAnyFolder() throws {
        let folder = try HistoryFileTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let scripts = folder.appendingPathComponent("Scripts")
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        try "x,y\n1,2\n".write(to: scripts.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "d = csv \"d.csv\" target=\"y\"\nprint d.count\nrun \"helper.nnsh\"\n"
            .write(to: scripts.appendingPathComponent("s.nnsh"), atomically: true, encoding: .utf8)
        try "print \"helper ran\"\n".write(to: scripts.appendingPathComponent("helper.nnsh"), atomically: true, encoding: .utf8)
        let out = try runNNSH([scripts.appendingPathComponent("s.nnsh").path])
        #expect(out.stderr == "")
        #expect(out.stdout == "1\nhelper ran\n")
    }
}

/// `history` lists this session's entries; `save transcript` writes the ones that ran as a
/// script that runs.
@Suite struct TranscriptTests {
    @Test(arguments: [80, 60] as [UInt16])
    func historyListsEntriesAndTheTranscriptRuns(columns: UInt16) throws {
        let folder = try HistoryFileTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("t.nnsh").path
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: columns)
        try t.expectPrompt()
        for entry in ["x = 2", "bogus", "for i in [1] {\rprint x + i\r}"] {
            t.type(entry + "\r")
            try t.expectPrompt()
        }
        t.type("history\r")
        try t.expect("1   x = 2\n2 ! bogus\n3   for i in [1] {\n    print x + i\n    }\n")
        try t.expectPrompt()
        t.type("save transcript \"\(file)\"\r")
        try t.expect("saved 2 entries")   // x = 2 and the block: not the failed one, not history
        try t.expectPrompt()
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasSuffix("\nx = 2\nfor i in [1] {\nprint x + i\n}\n"))
        t.type("save transcript \"\(file)\"\r")   // again: the first save is not in it
        try t.expect("saved 2 entries")
        let out = try runNNSH([file])
        #expect(out.status == 0)
        #expect(out.stdout == "3\n")
    }
}

/// Scripts that take arguments check them with `usage`.
@Suite struct ScriptUsageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Scripts/mnist.nnsh --help` prints its usage and stops: no 30-minute run, no folder
    /// named --help. Run from an empty folder, where a run would make that folder.
    @Test(arguments: ["mnist.nnsh", "gradcheck.nnsh", "runge-dense.nnsh", "runge-sparse.nnsh",
                      "train-best-mlp.nnsh", "train-digit-model.nnsh", "train-digit-cnn.nnsh",
                      "mnist-cnn.nnsh"])
    func helpPrintsUsageAndStops(_ script: String) throws {
        let folder = try HistoryFileTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = Self.root.appendingPathComponent("Scripts/\(script)").path
        let out = try runNNSH(["-e", "cd \"\(folder.path)\"\nrun \"\(path)\" \"--help\"\nprint \"after\""])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("usage: \(path) ["))
        #expect(out.stdout.hasSuffix("\nafter\n"))   // run returned to its caller
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let direct = try runNNSH([path, "--help"])
        #expect(direct.status == 0 && direct.stdout == out.stdout.replacingOccurrences(of: "after\n", with: ""))
    }

    @Test func wrongArgumentsAreRefusedWithTheUsageLine() throws {
        let script = try TemporaryFile(contents: "usage \"[quick] [folder]\" max=2\nprint \"working\"\n", suffix: ".nnsh")
        let option = try runNNSH([script.path, "--fast"])
        #expect(option.status == 1)
        #expect(option.stderr.contains("unknown option '--fast' (usage: \(script.path) [quick] [folder])"))
        let many = try runNNSH([script.path, "a", "b", "c"])
        #expect(many.status == 1)
        #expect(many.stderr.contains("takes at most 2 arguments, got 3"))
        #expect(option.stdout == "" && many.stdout == "")
        let fine = try runNNSH([script.path, "quick", "-0.5"])
        #expect(fine.status == 0 && fine.stdout == "working\n")
    }
}

extension ScriptUsageTests {
    /// With words=, a slip ("qiuck") is refused before any work, rather than taken for the
    /// full run; the study scripts that take only "quick" say so.
    @Test func aScriptTakingOnlyWordsRefusesAnyOther() throws {
        let script = try TemporaryFile(contents: "usage \"[quick]\" max=1 words=[\"quick\"]\nprint \"working\"\n", suffix: ".nnsh")
        let slip = try runNNSH([script.path, "qiuck"])
        #expect(slip.status == 1 && slip.stdout == "")
        #expect(slip.stderr.contains("unknown argument 'qiuck': expected quick (usage: \(script.path) [quick])"), "\(slip.stderr)")
        #expect(try runNNSH([script.path, "quick"]).stdout == "working\n")
        #expect(try runNNSH([script.path]).stdout == "working\n")
        let numbers = try TemporaryFile(contents: "usage \"[quick]\" words=[1]\n", suffix: ".nnsh")
        #expect(try runNNSH([numbers.path, "1"]).stderr.contains("words: expected a list of strings, e.g. [\"quick\"], got a number 1"))
        for name in ["mnist-cnn.nnsh", "runge-poly-floor.nnsh"] {
            let out = try runNNSH([Self.root.appendingPathComponent("Scripts/\(name)").path, "qiuck"])
            #expect(out.status == 1 && out.stderr.contains("unknown argument 'qiuck': expected quick"), "\(name): \(out.stderr)")
        }
    }
}

extension ScriptUsageTests {
    /// With keywords=, free arguments (a folder) still pass, but one within a slip of a keyword
    /// is refused naming it, unless a file or folder of that name exists or it is written ./x;
    /// the study scripts with a folder argument say so.
    @Test func aSlipOfAKeywordIsRefusedBesideAFreeFolder() throws {
        let script = try TemporaryFile(contents: "usage \"[quick] [split] [folder]\" max=3 keywords=[\"quick\", \"split\"]\nprint args\n",
                                       suffix: ".nnsh")
        for slip in ["qiuck", "spilt", "Quick"] {
            let out = try runNNSH([script.path, slip])
            let near = slip == "spilt" ? "split" : "quick"
            #expect(out.status == 1 && out.stdout == "", "\(slip)")
            #expect(out.stderr.contains("unknown argument '\(slip)': did you mean \(near)? (for a new file or folder of that name, write ./\(slip)) (usage: \(script.path) [quick] [split] [folder])"),
                    "\(out.stderr)")
        }
        #expect(try runNNSH([script.path, "quick", "split", "results"]).stdout == "[\"quick\", \"split\", \"results\"]\n")
        #expect(try runNNSH([script.path, "./qiuck"]).stdout == "[\"./qiuck\"]\n")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qiuck-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let existing = try runNNSH([script.path, "quick", folder.path])
        #expect(existing.status == 0, "\(existing.stderr)")
        for (name, slip) in [("mnist.nnsh", "qiuck"), ("mnist-spread.nnsh", "spilt"), ("mnist-parity.nnsh", "flaot64"),
                             ("runge-gd.nnsh", "qiuck"), ("runge-sparse-paper.nnsh", "quik"), ("runge-dense-paper.nnsh", "qucik")] {
            let out = try runNNSH([Self.root.appendingPathComponent("Scripts/\(name)").path, slip])
            #expect(out.status == 1 && out.stderr.contains("unknown argument '\(slip)': did you mean"), "\(name): \(out.stderr)")
        }
    }
}

/// An unterminated string is an error at once, not a continuation line.
@Suite struct UnterminatedStringTests {
    @Test(arguments: [80, 60] as [UInt16])
    func anUnterminatedStringIsAnErrorAtOnce(columns: UInt16) throws {
        let t = try PseudoTerminal(environment: ["NNSH_HISTORY": ""], columns: columns)
        try t.expectPrompt()
        t.type("print \"abc\r")
        try t.expect("unfinished string (missing '\"')")
        try t.expectPrompt()
        #expect(!t.screen.contains("...>"))
    }
}
