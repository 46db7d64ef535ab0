import Foundation
import Testing
@testable import Shell

/// Small things met at the prompt: hints that name the real variable, errors instead of silent
/// `none`, saves that say what they wrote, singular counts.
@Suite struct PromptSmallsTests {
    static func folder(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nnsh-smalls-\(name)-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theEmptyNetworkHintNamesTheVariable() {
        let r = runShell("net2 = network 3\nnet2\nsummary net2")
        #expect(r.output.components(separatedBy: "no layers yet: add net2 dense 10 relu").count == 3, "\(r.output)")
        let d = runShell("mine = network 1\ntrain mine (runge n=5 seed=1)")
        #expect(d.error?.message == "the network has no layers yet (add mine dense 10 relu)")
    }

    @Test func helpLanguageSaysElseStaysOnTheBraceLine() {
        #expect(LanguageHelp.text.contains("at the prompt keep '} else {' on one line"))
        #expect(!LanguageHelp.text.contains("'else' may start the line"))
        // What it says is what the prompt needs: the entry after '}' is complete.
        let (s, _) = makeSession()
        #expect(!s.isIncomplete("if true { x = 1 }"))
        #expect(s.isIncomplete("if true {\nx = 1\n} else {"))
    }

    @Test func runningAFolderSaysItIsAFolder() {
        let folder = Self.folder("run")
        let r = runShell("run \"\(folder)\"")
        #expect(r.error?.message == "\(folder) is a folder, not a script")
    }

    @Test func xAndYOfADatasetWithoutThemAreErrorsNamingTheField() {
        let labelled = Self.folder("labels") + "/l.csv"
        try? "a,b,c\n1,2,0\n3,4,1\n".write(toFile: labelled, atomically: true, encoding: .utf8)
        let r = runShell("d = csv \"\(labelled)\" label=\"c\"\nprint d.x")
        #expect(r.error?.message == "x is the one input column of a one-input dataset; this one has 2 inputs")
        #expect(r.output == "")
        let y = runShell("d = csv \"\(labelled)\" label=\"c\"\nprint d.y")
        #expect(y.error?.message == "y is the one target column of a regression dataset; this one has class labels (see .labels)")
        #expect(runShell("print (runge n=2 seed=1).x").output.hasPrefix("["))   // one input: a list
    }

    @Test func savesSayWhatTheyWroteAndRefuseAModelAsCSV() throws {
        let folder = Self.folder("save")
        let r = runShell("""
            net = network 1
            add net dense 1 linear
            train net (runge n=10 seed=1) epochs=1 quiet
            save net.history "\(folder)/h.csv"
            print [net.history]
            save net "\(folder)/m.csv"
            """)
        #expect(r.output == "saved 1 epoch of history to \(folder)/h.csv\n[<history of 1 epoch>]\n")
        #expect(r.error?.message.hasPrefix("a network is saved as a model file (name it .nnm)") == true)
        #expect(r.error?.message.hasSuffix("(its training history as CSV: save net.history \"\(folder)/m.csv\")") == true)
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/m.csv"))
        #expect(try String(contentsOfFile: "\(folder)/h.csv", encoding: .utf8).hasPrefix("epoch"))
    }
}
