import Foundation
import Engine

/// What running a piece of source did.
public enum ExecutionResult: Sendable {
    case ok
    case error(ShellError)
    /// `quit`/`exit` ran: end the session with this exit code.
    case quit(code: Int32)
}

/// One nnsh session: its variables, networks, datasets and settings, living across any number
/// of `execute` calls (REPL lines or script files) and surviving every error.
///
///     let session = Session(output: { print($0, terminator: "") })
///     _ = session.execute("x = 2\nprint x * 3", file: "<example>")   // prints 6
public final class Session {
    let interpreter: Interpreter
    /// What the session's values hold, charged against `MemoryLimit` while it runs.
    private let ledger: MemoryLedger
    /// The stack of the thread that last ran `execute` (`StackRoom.bounds`), kept while the
    /// session runs on that stack.
    private var stack: (floor: UInt, top: UInt)?

    /// All printing goes through `output` (each call's text includes its newline).
    /// `isTerminal`: standard output is a terminal (progress lines, images, colour).
    public init(output: @escaping (String) -> Void, isTerminal: Bool = false) {
        let interpreter = Interpreter(output: output, isTerminal: isTerminal)
        self.interpreter = interpreter
        ledger = MemoryLedger { [unowned interpreter] in interpreter.bytesInUse }
    }

    /// The size of the terminal standard output goes to, in character cells, asked whenever
    /// output must fit it (the progress line at each redraw, pictures, help); nil when unknown.
    public var terminalSize: () -> (columns: Int, rows: Int)? {
        get { interpreter.terminalSize }
        set { interpreter.terminalSize = newValue }
    }

    /// Shows a text longer than the screen page by page (given the text; false when no pager
    /// could run). Used by `help` on a terminal only.
    public var pager: ((String) -> Bool)? {
        get { interpreter.pager }
        set { interpreter.pager = newValue }
    }

    /// A notebook front end (`nnsh --kernel`) sets it: each view that can draw SVG (plot,
    /// heatmap, the confusion matrix of an `eval` written on its own, show, errors, inspect)
    /// gives its terminal text and its SVG here, to be shown as a picture.
    public var showPicture: ((_ text: String, _ svg: String) -> Void)? {
        get { interpreter.showPicture }
        set { interpreter.showPicture = newValue }
    }

    /// A notebook front end sets it: `clear` calls it (to clear the cell's output) instead of
    /// clearing the screen.
    public var clearOutput: (() -> Void)? {
        get { interpreter.clearOutput }
        set { interpreter.clearOutput = newValue }
    }

    /// A notebook front end sets it: `train` draws its live progress line (`\r`, erase line,
    /// text) though output is not a terminal, for the front end to show as one updating line.
    public var drawsProgressLine: Bool {
        get { interpreter.drawsProgressLine }
        set { interpreter.drawsProgressLine = newValue }
    }

    /// The nnsh program sets it: starts the web server `serve` runs (the digit pad, docs/SERVE.md)
    /// and returns where it listens and how to stop it; it throws when it cannot listen. The
    /// HTTP library lives with the program, so this library needs none.
    public var startDigitPad: ((DigitPadSettings) throws -> DigitPadHandle)? {
        get { interpreter.startDigitPad }
        set { interpreter.startDigitPad = newValue }
    }

    /// The script's arguments, visible to scripts as the list `args`.
    public var scriptArguments: [String] {
        get { interpreter.scriptArguments }
        set {
            interpreter.scriptArguments = newValue
            interpreter.globals["args"] = .list(newValue.map { .string($0) })
        }
    }

    /// Asks a yes/no question at the prompt (the REPL sets it): `forget` asks before it drops a
    /// trained network that was not saved. Nil (scripts) means nobody is asked.
    public var confirm: ((String) -> Bool)? {
        get { interpreter.confirm }
        set { interpreter.confirm = newValue }
    }

    /// At the prompt (the REPL sets it): the last result is kept as `ans` and `_`.
    public var isInteractive: Bool {
        get { interpreter.isInteractive }
        set { interpreter.isInteractive = newValue }
    }

    /// Notes an entry typed at the prompt and whether it ran without an error, for `history` and
    /// `save transcript` (the REPL calls it after each entry).
    public func recordEntry(_ source: String, ran: Bool) {
        interpreter.transcript.append((source, ran))
    }

    /// Variables holding a trained network not saved since its training (each network once):
    /// what quitting warns about.
    public var unsavedNetworks: [String] { interpreter.unsavedNetworks(among: Array(interpreter.globals.keys)) }

    /// "net holds a network trained and not saved (save net "file.nnm" keeps it)".
    public static func unsavedWarning(_ names: [String]) -> String { Shell.unsavedWarning(names) }

    /// Predefines a variable (`nnsh --set name=value`). The value is read as nnsh code when it
    /// is a number, bool, list, quoted string or word (`0.01`, `true`, `[1, 2]`, `relu`);
    /// anything else is taken as a plain string (`--set file=runs/a.csv`).
    public func define(_ name: String, literal: String) throws(ShellError) {
        let place = SourceText(name: "--set", text: "\(name)=\(literal)")
        let isName = name.first.map { $0 == "_" || $0.isLetter } == true
            && name.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
        guard isName, Keyword(rawValue: name) == nil else {
            throw Location(source: place, line: 1, column: 1).error("'\(name)' is not a valid variable name")
        }
        guard CommandTable.command(named: name) == nil else {
            throw Location(source: place, line: 1, column: 1).error("'\(name)' is a command; choose another variable name")
        }
        var value = Value.string(literal)
        if let program = try? parse(SourceText(name: "--set", text: literal)), program.count == 1,
           case .expression(let e) = program[0].kind, Session.isLiteral(e),
           let v = try? interpreter.evaluate(e) {
            value = v
        }
        interpreter.globals[name] = value
    }

    private static func isLiteral(_ e: Expr) -> Bool {
        switch e.kind {
        case .number, .bool, .none, .string: return true
        case .unary(.negate, let inner): return isLiteral(inner)
        case .list(let items): return items.allSatisfy(isLiteral)
        case .command(let c): return c.arguments.isEmpty && Words.all.contains(c.verb)
        case .name(let n): return Words.all.contains(n)
        default: return false
        }
    }

    /// Parses and runs `source`. Nothing runs if it does not parse. `file` names the source in
    /// error messages; `firstLine` is the line number of its first line (REPL input).
    public func execute(_ source: String, file: String, firstLine: Int = 1) -> ExecutionResult {
        interpreter.quitCode = nil
        stack = StackRoom.bounds(reusing: stack)
        interpreter.stackFloor = stack?.floor ?? 0
        Interrupt.clear()
        interpreter.interruptAcknowledged = false
        let source = Session.helpQuery(source).map { "help " + $0 } ?? source
        do {
            let program = try parse(SourceText(name: file, text: source, firstLine: firstLine))
            if file.hasSuffix(".nnsh") { interpreter.runStack.append(file) }
            defer { if file.hasSuffix(".nnsh") { interpreter.runStack.removeLast() } }
            let run = MemoryLimit.$ledger.withValue(ledger) {
                Result { () throws(ShellError) in try interpreter.run(program) }
            }
            if case .quit = try run.get() {
                // `usage` typed at the prompt printed its text; the session goes on.
                if interpreter.endsScriptOnly && interpreter.isInteractive && interpreter.runStack.isEmpty {
                    interpreter.endsScriptOnly = false
                    interpreter.quitCode = nil
                    return .ok
                }
                return .quit(code: interpreter.quitCode ?? 0)
            }
            return .ok
        } catch {
            return .error(error)
        }
    }

    /// `?adam` or `adam?` (as IPython): the word asked about, else nil.
    static func helpQuery(_ source: String) -> String? {
        let text = source.trimmingCharacters(in: .whitespacesAndNewlines)
        let word = text.hasPrefix("?") ? text.dropFirst() : text.hasSuffix("?") ? text.dropLast() : nil
        guard let word, !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(word)
    }

    /// True when `source` stops inside an open block, bracket, string or expression, so the
    /// REPL should read another line before running it.
    public func isIncomplete(_ source: String) -> Bool {
        do {
            _ = try parse(SourceText(name: "<input>", text: source))
            return false
        } catch {
            return error.isAtEndOfInput
        }
    }

    /// Candidates to replace the word before `cursor` (a column in Unicode scalars): commands
    /// at the start of a statement; option names (`lr=`), flags, words and variables after a
    /// command; file paths inside a string.
    public func completions(line: String, cursor: Int) -> [String] {
        Completion.candidates(line: line, cursor: cursor, interpreter: interpreter)
    }

    /// What `help WORD` shows for a command, a procedure or a concept, else what a variable
    /// holds (its one-line display), else nil: a notebook's inspection (Shift-Tab).
    public func helpText(for word: String, width: Int = 100) -> String? {
        if let c = CommandTable.command(named: word) { return Help.page(c, width: width) }
        if case .procedure(let p)? = interpreter.lookup(word) {
            return "usage: \(p.usage)\n\n\(word) is a procedure defined in this session."
        }
        if let value = interpreter.lookup(word) { return "\(word): \(value.typeDescription)\n\(value.display)" }
        if word == "language" { return TextWrap.lines(LanguageHelp.text, width: width) }
        return ConceptHelp.page(word).map { TextWrap.lines($0, width: min(width, 100)) }
    }

    /// The built-in command names (for the REPL's completion and help).
    public var commandNames: [String] { CommandTable.names }
}
