import Foundation

/// `run "file.nnsh"`: runs another script in this session (its variables stay).
struct RunCommand: Command {
    static let name = "run"
    static let group = CommandGroup.language
    static let summary = "Run a script file in this session; its variables and procedures stay."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the script; relative paths are tried from the current folder, then from the running script's folder"),
    ]
    static let example = """
        run "Scripts/helpers.nnsh"
        """
    static let details = "Scripts may run scripts up to \(Interpreter.maxRunDepth) deep."

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let path = try a.string("file")
        guard shell.runStack.count < Interpreter.maxRunDepth else {
            throw CommandError("'run' nested more than \(Interpreter.maxRunDepth) deep (does a script run itself?)", parameter: "file")
        }
        var candidates = [path]
        if !path.hasPrefix("/"), let current = shell.runStack.last {
            candidates.append((current as NSString).deletingLastPathComponent + "/" + path)
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw CommandError("no such file: \(path)", parameter: "file")
        }
        guard let data = FileManager.default.contents(atPath: found),
              let text = String(data: data, encoding: .utf8) else {
            throw CommandError("cannot read \(found) as UTF-8 text", parameter: "file")
        }
        shell.runStack.append(found)
        defer { shell.runStack.removeLast() }
        do {
            let program = try parse(SourceText(name: found, text: text))
            if case .quit = try shell.execute(program, stoppingOnInterrupt: true) { return .none }
        } catch {
            throw CommandError.nested(error)
        }
        return .none
    }
}
