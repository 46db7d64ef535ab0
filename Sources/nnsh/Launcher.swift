import CEditLine
import DigitPad
import Foundation
import Shell

/// Sets up a Session and runs the REPL or a script, returning the process exit status.
enum Launcher {
    enum Mode: Equatable {
        case repl
        case file(String, arguments: [String])
        case code(String, arguments: [String])
        case standardInput(arguments: [String])
        /// `nnsh serve model.nnm [host=…] [port=…]`: the digit pad until Ctrl-C (docs/SERVE.md).
        case serve(model: String, options: [String])
    }

    /// With `thenPrompt` (`nnsh -i`), a script is followed by the REPL in the same session,
    /// even when the script failed (its error is shown first); `quit` in the script still quits.
    static func run(_ mode: Mode, definitions: [(name: String, value: String)], thenPrompt: Bool = false) throws(UsageError) -> Int32 {
        let session = Session(output: writeOutput, isTerminal: isatty(STDOUT_FILENO) == 1)
        session.startDigitPad = DigitPadServer.start
        // A save cut short by SIGTERM, SIGHUP or Ctrl-C in a script leaves no temporary file
        // (at the prompt, `runREPL` makes Ctrl-C pause instead).
        TerminationSignals.install(includingInterrupt: true)
        if isatty(STDOUT_FILENO) == 1 {
            TerminalSize.install()
            session.terminalSize = TerminalSize.current
            session.pager = Pager.show
        }
        for (name, value) in definitions {
            do {
                try session.define(name, literal: value)
            } catch {
                throw UsageError("--set \(name)=\(value): \(error.message)")
            }
        }
        switch mode {
        case .repl:
            return runREPL(session)
        case .file(let path, let arguments):
            session.scriptArguments = arguments
            let source = try readScript(path)
            if thenPrompt { return runThenPrompt(source, file: path, in: session) }
            return runScript(source, file: path, in: session)
        case .code(let code, let arguments):
            session.scriptArguments = arguments
            if thenPrompt { return runThenPrompt(code, file: "-e", in: session) }
            return runScript(code, file: "-e", in: session)
        case .standardInput(let arguments):
            session.scriptArguments = arguments
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let source = String(data: data, encoding: .utf8) else {
                throw UsageError("standard input is not UTF-8 text")
            }
            return runScript(source, file: "stdin", in: session)
        case .serve(let model, let options):
            // Ctrl-C stops the server and `serve` returns (as at the prompt), then nnsh exits 0.
            InterruptSignal.install()
            session.scriptArguments = [model]
            return runScript("m = load args[0]\nserve m " + options.joined(separator: " "), file: "serve", in: session)
        }
    }

    /// A `#!` first line blanked (line numbers stay the same).
    static func withoutShebang(_ source: String) -> String {
        source.hasPrefix("#!") ? String(source.drop { $0 != "\n" }) : source
    }

    /// Runs a whole script.
    static func runScript(_ source: String, file: String, in session: Session) -> Int32 {
        switch session.execute(withoutShebang(source), file: file) {
        case .ok: return 0
        case .quit(let code): return code
        case .error(let error):
            writeError(ErrorDisplay.render(error))
            return error.isInterruption ? 130 : 1
        }
    }

    /// `nnsh -i`: the script, then the prompt with everything it defined.
    static func runThenPrompt(_ source: String, file: String, in session: Session) -> Int32 {
        switch session.execute(withoutShebang(source), file: file) {
        case .quit(let code): return code
        case .error(let error): writeError(error.rendered())
        case .ok: break
        }
        return runREPL(session)
    }

    static func runREPL(_ session: Session) -> Int32 {
        setlocale(LC_CTYPE, "")   // libedit edits UTF-8 text only under a UTF-8 locale
        InterruptSignal.install()
        print(REPL.banner())
        return REPL(session: session, reader: makeLineReader(for: session), reportError: writeError).run()
    }

    /// libedit when both ends are a capable terminal; otherwise plain lines, with the prompt on
    /// standard error so that redirected output holds only results (as Python does).
    static func makeLineReader(for session: Session) -> LineReader {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        if isatty(STDOUT_FILENO) == 1, !term.isEmpty, term != "dumb" {
            let complete = { (line: String, cursor: Int) in session.completions(line: line, cursor: cursor) }
            if let reader = EditLineReader(historyFile: historyFile(), complete: complete) { return reader }
        }
        return PlainLineReader(showsPrompt: true)
    }

    /// $NNSH_HISTORY, else .nnsh_history in $HOME (the password database's home only when HOME
    /// is unset); nil (no saved history) when NNSH_HISTORY is empty.
    static func historyFile() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["NNSH_HISTORY"] {
            return path.isEmpty ? nil : path
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return (home as NSString).appendingPathComponent(".nnsh_history")
    }

    static func readScript(_ path: String) throws(UsageError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UsageError("cannot open '\(path)': no such file")
        }
        guard !isDirectory.boolValue else { throw UsageError("cannot run '\(path)': it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("cannot read '\(path)'")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw UsageError("cannot run '\(path)': not UTF-8 text")
        }
        return source
    }

    /// Everything the Session prints goes out at once, so a progress line shows while training.
    static func writeOutput(_ text: String) {
        print(text, terminator: "")
        nnsh_flush_stdout()
    }

    static func writeError(_ text: String) {
        nnsh_flush_stdout()
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
