import Foundation
import Testing
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
            #expect(missingFile, "example of \(name) failed:\n\(e.rendered())")
        }
    }
}
