/// A built-in command: one small type that declares its arguments once. Binding (matching the
/// written arguments to the declaration, converting and checking types), `help`, usage lines,
/// "did you mean" and tab completion all read `parameters`.
///
///     struct PrintCommand: Command {
///         static let name = "print"
///         static let group = CommandGroup.language
///         static let summary = "Print values separated by spaces."
///         static let parameters = [Parameter.variadic("values", .any, help: "what to print")]
///         static let example = "print \"accuracy:\" acc"
///         static func run(_ a: Arguments, _ s: Interpreter) throws(CommandError) -> Value { ... }
///     }
protocol Command: SendableMetatype {
    static var name: String { get }
    static var group: CommandGroup { get }
    /// One line for `help`.
    static var summary: String { get }
    static var parameters: [Parameter] { get }
    /// One or more lines of code shown by `help NAME` (and run by the documentation tests).
    static var example: String { get }
    /// Extra paragraphs for `help NAME`, if any.
    static var details: String { get }
    /// False for commands that print their own report and return a value for later use
    /// (`errors` returns the indices it drew): as a statement, their value is not echoed.
    static var echoesResult: Bool { get }
    static func run(_ arguments: Arguments, _ shell: Interpreter) throws(CommandError) -> Value
}

extension Command {
    static var details: String { "" }
    static var echoesResult: Bool { true }
}

/// The groups `help` lists commands in, in this order.
enum CommandGroup: String, CaseIterable, Sendable {
    case data = "Data"
    case network = "Networks"
    case training = "Training and evaluation"
    case views = "Views and results"
    case files = "Files"
    case language = "Language"
    case session = "Session"
}

/// One declared argument of a command.
struct Parameter: Sendable {
    enum Kind: Sendable, Equatable {
        /// Given by position (or by `name=value`); required unless it has a default.
        case positional
        /// Any number of trailing positional values (`print a b c`).
        case variadic
        /// Given as `name=value`; optional.
        case option
        /// A bare word (`quiet`) meaning true; `quiet=false` is accepted too.
        case flag
        /// Any `key=value` not declared otherwise, in order (`record t lr=0.1 mse=0.02`).
        case keywords
    }
    let name: String
    let type: ArgumentType
    let kind: Kind
    /// The value when the argument is not given; nil means "required" for a positional
    /// parameter and "absent" for an option.
    let defaultValue: Value?
    let help: String
    /// A file this command writes (`save`'s file, `to=`): taken as given after `~`, never looked
    /// for beside the running script (see `Interpreter.filePath`).
    var writesFile = false
    /// An optional positional number that a word (or string) written in its place passes over
    /// to the next positional parameter: add's `kernel`, so that `add net dense 10 relu` gives
    /// relu to the activation and `add net conv 32 3 relu` gives 3 to the kernel.
    var givesWayToWords = false

    static func positional(_ name: String, _ type: ArgumentType, default d: Value? = nil, help: String) -> Parameter {
        Parameter(name: name, type: type, kind: .positional, defaultValue: d, help: help)
    }
    static func variadic(_ name: String, _ type: ArgumentType, help: String) -> Parameter {
        Parameter(name: name, type: type, kind: .variadic, defaultValue: nil, help: help)
    }
    static func option(_ name: String, _ type: ArgumentType, default d: Value? = nil, help: String) -> Parameter {
        Parameter(name: name, type: type, kind: .option, defaultValue: d, help: help)
    }
    static func keywords(_ name: String, help: String) -> Parameter {
        Parameter(name: name, type: .any, kind: .keywords, defaultValue: nil, help: help)
    }
    static func flag(_ name: String, help: String) -> Parameter {
        Parameter(name: name, type: .bool, kind: .flag, defaultValue: .bool(false), help: help)
    }

    var isRequired: Bool { kind == .positional && defaultValue == nil }

    /// The same parameter, naming a file that is written.
    func writing() -> Parameter {
        var p = self
        p.writesFile = true
        return p
    }

    /// The same optional positional parameter, passed over by a word (see `givesWayToWords`).
    func givingWayToWords() -> Parameter {
        var p = self
        p.givesWayToWords = true
        return p
    }
}

/// What a parameter accepts. The binder converts and checks; a mismatch is an error at the
/// argument's location ("lr: expected a number, got a string").
enum ArgumentType: Sendable {
    case any
    case number
    /// A whole number in the given closed range.
    case integer(ClosedRange<Int>)
    /// A number in the given closed range.
    case numberIn(ClosedRange<Double>)
    case string
    /// A file path (a string; completed as a path).
    case path
    case bool
    case list
    /// One of a fixed set of words. A bare name is taken literally unless it is a variable:
    /// `add net dense 10 relu` and `add net dense 10 act` (act = "relu") both work.
    case word([String])
    /// A column of a results table: a bare name is always taken literally (`x=lr`).
    case column
    /// A handle of the given kind ("dataset", "network", ...), checked by the binder.
    case object(any ShellObject.Type)
    /// A record of datasets with a `.train` one, as `split` and `mnist` give.
    case splitRecord
    /// Any one of these types.
    case oneOf([ArgumentType])

    /// The placeholder in usage lines: `N`, `"file"`, `relu|sigmoid|...`.
    var placeholder: String {
        switch self {
        case .any: return "value"
        case .number, .numberIn: return "x"
        case .integer: return "n"
        case .string: return "\"text\""
        case .path: return "\"file\""
        case .bool: return "true|false"
        case .list: return "[...]"
        case .word(let words): return words.count <= 6 ? words.joined(separator: "|") : "word"
        case .column: return "column"
        case .object(let t): return String(t.typeDescription.split(separator: " ").last ?? "value")
        case .splitRecord: return "record"
        case .oneOf(let ts): return ts.map(\.placeholder).joined(separator: "|")
        }
    }

    /// A string given for this type is a file path (`.path`, also inside `.oneOf`).
    var acceptsPath: Bool {
        switch self {
        case .path: return true
        case .oneOf(let ts): return ts.contains(where: \.acceptsPath)
        default: return false
        }
    }

    /// The names of an enum's cases, the one list of the words a setting takes.
    static func cases<E: CaseIterable & RawRepresentable>(_: E.Type) -> ArgumentType where E.RawValue == String {
        .word(E.allCases.map(\.rawValue))
    }

    /// The bare words this type accepts (`.word` choices, also inside `.oneOf`).
    var words: [String] {
        switch self {
        case .word(let w): return w
        case .oneOf(let ts): return ts.flatMap(\.words)
        default: return []
        }
    }

    /// "a number", "a whole number from 1 to 100000", "one of relu, sigmoid".
    var expectation: String {
        switch self {
        case .any: return "a value"
        case .number: return "a number"
        case .numberIn(let r): return "a number from \(formatNumber(r.lowerBound)) to \(formatNumber(r.upperBound))"
        case .integer(let r):
            if r.upperBound == Int.max { return "a whole number ≥ \(r.lowerBound)" }
            return "a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .string: return "a string"
        case .path: return "a file name (a string)"
        case .bool: return "true or false"
        case .list: return "a list"
        case .word(let w): return "one of " + w.joined(separator: ", ")
        case .column: return "a column name"
        case .object(let t): return t.typeDescription
        case .splitRecord: return "a record with .train"
        case .oneOf(let ts): return ts.map(\.expectation).joined(separator: " or ")
        }
    }
}

/// Words for help text: "a, b or c" (or "a, b and c").
func alternatives(_ words: [String], _ conjunction: String = "or") -> String {
    words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " \(conjunction) " + words[words.count - 1]
}

/// An error raised by a command. `parameter` names the argument at fault, so the message
/// points at it; otherwise it points at the command.
struct CommandError: Error {
    let message: String
    let parameter: String?
    /// An error that already has its own place (inside a script started by `run`): passed on as is.
    var underlying: ShellError?
    /// Ctrl-C stopped the command (see `ShellError.isInterruption`).
    var isInterruption = false
    /// The message reads after the command's name ("stopped after 3 of 16 parameters …":
    /// "gradcheck stopped after …").
    var namesCommand = false

    init(_ message: String, parameter: String? = nil) {
        self.message = message
        self.parameter = parameter
    }

    /// Ctrl-C stopped the command: a notice, not an error.
    static func interruption(_ message: String = "interrupted (Ctrl-C)") -> CommandError {
        var e = CommandError(message)
        e.isInterruption = true
        return e
    }

    static func nested(_ error: ShellError) -> CommandError {
        var e = CommandError(error.message)
        e.underlying = error
        return e
    }
}
