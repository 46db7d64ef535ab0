import ArgumentParser
import Engine
import Foundation

/// The `nnsh` command line: a script file, `-e CODE`, code on standard input, or the REPL.
///
///     nnsh                         the REPL (standard input is a terminal)
///     nnsh train.nnsh 0.01 relu    a script; `args` is ["0.01", "relu"]
///     nnsh -e 'print 1 + 2'        code from the command line
///     nnsh < train.nnsh            code from standard input
///     nnsh --set lr=0.1 grid.nnsh  `lr` is defined before the script runs
///     nnsh -i study.nnsh           the script, then the REPL with its variables
///
/// Exit status: 0 on success (or the code given to `quit`), 1 when the script fails (the error
/// goes to standard error as `file:line:col: error: message`, the line and a caret), 2 on a
/// usage error (one line on standard error).
@main
struct NNSH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnsh",
        abstract: "A neural-network shell: build, train, inspect and run feed-forward networks.",
        usage: """
            nnsh [--set <name=value> ...]                      (the REPL)
            nnsh [--set <name=value> ...] <file> [<args> ...]
            nnsh [--set <name=value> ...] -e <code> [<args> ...]
            nnsh -i [--set <name=value> ...] <file> [<args> ...]   (the file, then the REPL)
            nnsh --kernel [--max-memory <size>]                (for Jupyter: see docs/JUPYTER.md)
            nnsh serve <model.nnm> [port=<n>] [host=<address>]  (the digit pad: docs/SERVE.md)
            """,
        discussion: """
            With no file and no -e, nnsh reads code from standard input when it is not a \
            terminal, and starts the REPL when it is. A file named - is standard input. The \
            REPL keeps its history in ~/.nnsh_history (or $NNSH_HISTORY; empty for none).
            """,
        version: NNSHVersion.string)

    @Option(name: .customShort("e"), help: ArgumentHelp(
        "Run <code> instead of a file; all arguments become `args`.", valueName: "code"))
    var code: String?

    @Flag(name: .customShort("i"), help: "After the file or -e code, stay at the prompt with its variables.")
    var interactive = false

    @Flag(name: .customLong("kernel"), help: "Serve a notebook front end: JSON requests on standard input, one message a line on standard output (docs/JUPYTER.md).")
    var kernel = false

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Define a variable before running, e.g. --set lr=0.01 (repeatable).", valueName: "name=value"))
    var definitions: [String] = []

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "The session's memory budget: what its variables hold plus any one request, e.g. 2GB (default: 3/4 of physical memory).",
        valueName: "size"))
    var maxMemory: String?

    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp(
        "A script file, then the arguments it sees as `args`.", valueName: "file-and-args"))
    var fileAndArguments: [String] = []

    /// Parses the command line and runs; usage errors exit with status 2 after one line.
    static func main() {
        let command: NNSH
        do {
            command = try parse()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }   // --help, --version
            usageError(message(for: error) + " (see nnsh --help)")
        }
        // The file-and-arguments list captures everything from the first word it does not
        // know, so the built-in flags are looked for there too.
        switch command.fileAndArguments.first {
        case "-h", "--help": exit(withError: CleanExit.helpRequest(command))
        case "--version": exit(withError: CleanExit.message(NNSHVersion.string))
        default: break
        }
        if let size = command.maxMemory {
            guard let bytes = MemoryLimit.parse(size), bytes >= 1 << 20 else {
                usageError("--max-memory expects a size of at least 1MB such as 2GB or 512MB, got '\(size)'")
            }
            MemoryLimit.set(bytes: bytes)
        }
        if command.kernel {
            guard command.code == nil, !command.interactive, command.definitions.isEmpty,
                  command.fileAndArguments.isEmpty else {
                usageError("--kernel takes no file, -e, -i or --set")
            }
            Foundation.exit(Kernel.run())
        }
        do {
            let mode = try command.mode()
            let definitions = try command.parsedDefinitions()
            Foundation.exit(try Launcher.run(mode, definitions: definitions, thenPrompt: command.interactive))
        } catch {
            usageError(error.description)
        }
    }

    /// What to run, from the parsed arguments.
    func mode() throws(UsageError) -> Launcher.Mode {
        if code == nil, fileAndArguments.first == "serve" {
            return try Self.serveMode(Array(fileAndArguments.dropFirst()))
        }
        if let code {
            return .code(code, arguments: fileAndArguments)
        }
        guard let file = fileAndArguments.first else {
            return isatty(STDIN_FILENO) == 1 ? .repl : .standardInput(arguments: [])
        }
        if file.hasPrefix("-"), file != "-" {
            throw UsageError("unknown option '\(file)' (see nnsh --help)")
        }
        let arguments = Array(fileAndArguments.dropFirst())
        return file == "-" ? .standardInput(arguments: arguments) : .file(file, arguments: arguments)
    }

    /// `nnsh serve model.nnm [port=N] [host=ADDRESS]` (a script named `serve` runs as `./serve`).
    static func serveMode(_ words: [String]) throws(UsageError) -> Launcher.Mode {
        let usage = "usage: nnsh serve <model.nnm> [port=<n>] [host=<address>]"
        guard let model = words.first, !model.contains("=") else { throw UsageError("serve needs a model file; " + usage) }
        var options: [String] = []
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw UsageError("serve: '\(word)' is not port=<n> or host=<address>; " + usage) }
            switch parts[0] {
            case "port":
                guard let n = Int(parts[1]), (0...65_535).contains(n) else {
                    throw UsageError("serve: port must be a whole number from 0 to 65535, got '\(parts[1])'")
                }
                options.append("port=\(n)")
            case "host":
                guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == ":" || $0 == "-") }) else {
                    throw UsageError("serve: host must be an address such as 127.0.0.1, got '\(parts[1])'")
                }
                options.append("host=\"\(parts[1])\"")
            default:
                throw UsageError("serve: unknown option '\(parts[0])'; " + usage)
            }
        }
        return .serve(model: model, options: options)
    }

    /// `--set name=value` pairs, checked to have a name.
    func parsedDefinitions() throws(UsageError) -> [(name: String, value: String)] {
        try definitions.map { (pair: String) throws(UsageError) in
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw UsageError("--set expects name=value, got '\(pair)'")
            }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }

    private static func usageError(_ message: String) -> Never {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if let firstLine = text.split(separator: "\n").first { text = String(firstLine) }
        if text.hasPrefix("Error: ") { text.removeFirst("Error: ".count) }
        FileHandle.standardError.write(Data("nnsh: \(text)\n".utf8))
        Foundation.exit(2)
    }
}

/// A mistake on the command line: exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
