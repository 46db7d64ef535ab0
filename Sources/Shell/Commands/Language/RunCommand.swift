import Foundation

/// `run "file.nnsh" a b`: runs another script in a scope of its own, as `nnsh file.nnsh a b`
/// would; its variables come back as a record. `run "lib.nnsh" shared` runs it here instead.
struct RunCommand: Command {
    static let name = "run"
    static let group = CommandGroup.language
    static let summary = "Run a script file with arguments, in its own scope; its variables come back as a record."
    static let parameters: [Parameter] = [
        .positional("file", .path, help: "the script; relative paths are tried from the current folder, then from the running script's folder"),
        .variadic("arguments", .any, help: "the script's args, as text (as on the command line)"),
        .flag("shared", help: "run it in this scope, as if typed here: its variables, procedures and settings stay"),
    ]
    static let example = """
        r = run "study.nnsh" 0.01 relu
        print r.accuracy
        """
    static let details = """
        By default the script starts with no variables but args (the arguments, as text) and
        with this session's settings; afterwards every variable here is as it was, and so are
        the settings it changed (set precision, seed, threads, max_memory, skip_zero_inputs)
        and the random generator. Its variables are returned as a record: r = run "study.nnsh"
        then r.net, r.acc. With shared, it runs among this session's variables instead (a file
        of procedures to use here). Scripts may run scripts up to \(Interpreter.maxRunDepth) deep.
        """
    /// Its value is the script's variables: a statement `run "x.nnsh"` does not print them.
    static let echoesResult = false

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let found = try a.string("file")   // already looked for beside the running script (Interpreter.filePath)
        guard shell.runStack.count < Interpreter.maxRunDepth else {
            throw CommandError("'run' nested more than \(Interpreter.maxRunDepth) deep (does a script run itself?)", parameter: "file")
        }
        guard FileManager.default.fileExists(atPath: found) else {
            throw CommandError("no such file: \(found)", parameter: "file")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: found, isDirectory: &isFolder), isFolder.boolValue {
            throw CommandError("\(found) is a folder, not a script", parameter: "file")
        }
        guard let data = FileManager.default.contents(atPath: found),
              let text = String(data: data, encoding: .utf8) else {
            throw CommandError("cannot read \(found) as UTF-8 text", parameter: "file")
        }
        let program: [Statement]
        do { program = try parse(SourceText(name: found, text: text)) } catch { throw CommandError.nested(error) }
        shell.runStack.append(found)
        defer { shell.runStack.removeLast() }
        func execute() throws(ShellError) {
            _ = try shell.execute(program, stoppingOnInterrupt: true)
            if shell.endsScriptOnly {   // `usage` ended this script only: the caller goes on
                shell.endsScriptOnly = false
                shell.quitCode = nil
            }
        }
        do {
            if a.bool("shared") {
                try execute()
                return .none
            }
            let left = try shell.inOwnScope(arguments: a.rest.map(\.display), execute)
            return .record(Record(left.keys.sorted().map { ($0, left[$0]!) }))
        } catch {
            throw CommandError.nested(error)
        }
    }
}
