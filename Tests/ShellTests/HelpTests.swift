import Foundation
import Testing
import Engine
@testable import Shell

/// `help` is generated from the command declarations; these tests keep the declarations honest.
@Suite struct HelpTests {
    static var commandNames: [String] { CommandTable.names }

    @Test func overviewListsEveryCommandByGroup() {
        let r = runShell("help")
        for name in CommandTable.names { #expect(r.output.contains("\n  \(name) "), "\(name) missing from help") }
        for group in CommandGroup.allCases { #expect(r.output.contains("\n\(group.rawValue):\n")) }
    }

    @Test func pageShowsUsageArgumentsAndExample() {
        let r = runShell("help train")
        #expect(r.output.hasPrefix("usage: train net data [epochs=n] [batch=n]"))
        #expect(r.output.contains("  lr=x "))
        #expect(r.output.contains("  quiet "))
        #expect(r.output.contains("example:\n  r = runge"))
    }

    @Test func helpOnAProcedure() {
        let r = runShell("proc fit(lr, epochs=10) { }\nhelp fit")
        #expect(r.output.hasPrefix("usage: fit lr epochs=..."))
    }

    @Test func languageHelp() {
        #expect(runShell("help language").output.contains("proc f(a, b=2)"))
    }

    /// Every command's example runs in a fresh session, except where it needs a file this
    /// checkout lacks (MNIST, a model file, a picture).
    @Test(arguments: HelpTests.commandNames)
    func exampleRuns(_ name: String) throws {
        let command = try #require(CommandTable.command(named: name))
        #expect(!command.example.isEmpty)
        #expect(!command.summary.isEmpty && command.summary.hasSuffix("."), "\(name): summary should be a sentence")
        for p in command.parameters { #expect(!p.help.isEmpty, "\(name).\(p.name) has no help") }
        let r = runShell(command.example, file: "help \(name)")
        if case .quit = r.result { return }
        if let e = r.error {
            let missingFile = ["no such file", "cannot open", "no train-images", "No such file"].contains { e.message.contains($0) }
            // `serve` needs the web server that only the nnsh program installs (nnshTests run it).
            let noServer = name == "serve" && e.message.contains("has no web server")
            #expect(missingFile || noServer, "example of \(name) failed:\n\(e.rendered())")
        }
    }

    /// `help WORD` explains the words of training, with the engine's defaults.
    @Test(arguments: ["adam", "relu", "l2", "sgd", "momentum", "rmsprop", "softmax", "crossentropy", "mse", "dropout",
                      "nesterov", "adagrad", "gd", "sigmoid", "tanh", "leaky_relu", "linear", "binary_cross_entropy",
                      "l1", "he", "xavier", "lr", "batch"])
    func conceptPages(_ word: String) {
        let r = runShell("help \(word)")
        #expect(r.succeeded, "\(r.error?.rendered() ?? "")")
        #expect(r.output.split(separator: "\n").count >= 3, "\(word): \(r.output)")
        #expect(runShell("?\(word)").output == r.output, "?\(word) is help \(word)")
    }

    @Test func conceptPagesGiveTheEnginesDefaults() {
        let adam = OptimizerSettings(.adam), rmsprop = OptimizerSettings(.rmsprop)
        let a = runShell("help adam").output
        #expect(a.contains("default \(formatNumber(adam.learningRate))"), "\(a)")
        #expect(a.contains("β₂ = \(formatNumber(adam.beta2))") && a.contains("ε = \(formatNumber(adam.epsilon))"), "\(a)")
        #expect(a.contains("√v̂"))
        #expect(runShell("help rmsprop").output.contains("default \(formatNumber(rmsprop.rho))"))
        #expect(runShell("help sgd").output.contains("default \(formatNumber(OptimizerKind.sgd.defaultLearningRate))"))
        #expect(runShell("help leaky_relu").output.contains("default \(formatNumber(Activation.defaultLeakyAlpha))"))
        #expect(runShell("help relu").output.contains("max(0, z)") && runShell("help relu").output.contains("he initialisation"))
        #expect(runShell("help softmax").output.contains("cross_entropy"))
        #expect(runShell("help crossentropy").output.hasPrefix("cross_entropy: a cost"), "the engine's aliases are understood")
        #expect(runShell("adam?").output == runShell("help adam").output)
    }

    @Test func anUnknownTopicSuggestsTheClosest() {
        #expect(runShell("help adamm").error?.message == "no command or concept 'adamm'; did you mean 'adam'?")
        #expect(runShell("help trian").error?.message.contains("'train'") == true)
    }

    @Test func helpCompletesTopics() {
        let (session, _) = makeSession()
        #expect(session.completions(line: "help gr", cursor: 7) == ["gradcheck", "grid"])
        #expect(session.completions(line: "help ada", cursor: 8) == ["adagrad", "adam"])
        #expect(session.completions(line: "help lan", cursor: 8) == ["language"])
    }

    /// The page is wrapped at spaces to the width (COLUMNS when not a terminal); words stay whole.
    @Test func pagesWrapAtSpacesToTheWidth() {
        let plain = Help.page(TrainCommand.self, width: nil)
        let page = Help.page(TrainCommand.self, width: 59)
        #expect(page.split(separator: "\n").allSatisfy { $0.count <= 59 }, "\(page)")
        #expect(plain.split(separator: "\n").contains { $0.count > 59 }, "the declared page is wider")
        let words = { (t: String) in t.split(whereSeparator: { $0 == " " || $0 == "\n" }) }
        #expect(words(page) == words(plain.replacingOccurrences(of: "\n        ", with: " ")) || Set(words(page)) == Set(words(plain)),
                "the same words, none split")
    }
}
