// TEMPORARY stand-in for Shell's Session (the agreed interface in BRIEF.md) so that the REPL,
// the CLI and their tests can be built before the language lands. Delete this file when
// `Shell.Session` is on main. It understands only: `name = number`, a bare name (prints its
// value), `print name`, `quit [code]`, `fail` (an error), and `{ ... }` blocks.
import Synchronization
import Glibc

enum Interrupt {
    private static let flag = Atomic<Bool>(false)
    static func request() { flag.store(true, ordering: .relaxed) }
    static func clear() { flag.store(false, ordering: .relaxed) }
    static var isRequested: Bool { flag.load(ordering: .relaxed) }
}

struct ShellError: Error {
    var file: String, line: Int, column: Int, message: String, sourceLine: String
    func rendered() -> String {
        "\(file):\(line):\(column): error: \(message)\n\(sourceLine)\n"
            + String(repeating: " ", count: max(0, column - 1)) + "^"
    }
}

enum ExecutionResult { case ok, error(ShellError), quit(code: Int32) }

final class Session {
    private let output: (String) -> Void
    private var variables: [String: String] = [:]
    var scriptArguments: [String] = []
    let commandNames = ["print", "quit", "train", "trace", "fail", "help"]

    init(output: @escaping (String) -> Void, isTerminal: Bool = false) { self.output = output }

    func define(_ name: String, literal: String) throws(ShellError) {
        guard !literal.isEmpty else {
            throw ShellError(file: "--set", line: 1, column: 1, message: "empty value", sourceLine: "")
        }
        variables[name] = literal
    }

    func isIncomplete(_ source: String) -> Bool {
        source.filter { $0 == "{" }.count > source.filter { $0 == "}" }.count
    }

    func execute(_ source: String, file: String, firstLine: Int = 1) -> ExecutionResult {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingPrefixSpaces()
            let words = line.split(separator: " ").map(String.init)
            let lineNumber = firstLine + index
            func error(_ message: String, column: Int = 1) -> ExecutionResult {
                .error(ShellError(file: file, line: lineNumber, column: column,
                                  message: message, sourceLine: String(raw)))
            }
            guard let first = words.first, !first.hasPrefix("#"), first != "{", first != "}" else { continue }
            if words.count == 3, words[1] == "=" {
                variables[first] = words[2]
            } else if first == "print" || first == "train" {
                output(words.dropFirst().map { variables[$0] ?? (first == "train" ? $0 : "args=\(scriptArguments)") }
                    .joined(separator: " ") + "\n")
            } else if first == "spin" {
                output("spinning\n")
                var waited = 0
                while !Interrupt.isRequested, waited < 300 { usleep(100_000); waited += 1 }
                output(Interrupt.isRequested ? "stopped\n" : "timed out\n")
            } else if first == "quit" {
                return .quit(code: Int32(words.dropFirst().first ?? "0") ?? 0)
            } else if let value = variables[first], words.count == 1 {
                output(value + "\n")
            } else {
                return error("unknown command '\(first)'", column: raw.count - line.count + 1)
            }
        }
        return .ok
    }

    func completions(line: String, cursor: Int) -> [String] {
        let before = String(line.prefix(cursor))
        let word = before.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return (commandNames + variables.keys.sorted() + ["lr=", "epochs="]).filter { $0.hasPrefix(word) }
    }
}

private extension Substring {
    func trimmingPrefixSpaces() -> Substring { drop { $0 == " " } }
}
