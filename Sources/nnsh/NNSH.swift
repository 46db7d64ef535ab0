import ArgumentParser
import Engine

/// The `nnsh` command line. Later: a script file, `-e CODE`, or the REPL.
@main
struct NNSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnsh",
        abstract: "A neural-network shell: build, train, inspect and run feed-forward networks.",
        version: NNSHVersion.string)

    func run() throws {
        print("nnsh \(NNSHVersion.string)")
    }
}
