import Foundation
import Engine

/// The interpreter: walks the syntax tree. Entry point: `run(_:)` for a parsed program.
///
/// It owns the session's state — variables, the random generator, precision — which survives
/// every error: an error unwinds the current top-level statement only. Commands receive the
/// interpreter as their context (`Command.run(_:_:)`).
final class Interpreter {
    /// Everything printed goes through here (text includes its newlines).
    let output: (String) -> Void
    /// Standard output is a terminal (progress lines, images with colour).
    let isTerminal: Bool
    /// The terminal's size in character cells, asked at each use (nil: not a terminal, or no
    /// size known); the executable sets it. Output that must fit asks `columns`.
    var terminalSize: () -> (columns: Int, rows: Int)? = { nil }
    /// Shows a long text through a pager (the executable's `$PAGER`); false when it could not,
    /// and the text should be printed. See `page(_:)`.
    var pager: ((String) -> Bool)? = nil
    /// A notebook front end (`nnsh --kernel`) sets it: a view that can draw itself as SVG hands
    /// over its terminal text and its SVG together (see `show(_:svg:)`) instead of printing.
    var showPicture: ((_ text: String, _ svg: String) -> Void)? = nil
    /// A notebook front end sets it: `clear` clears the cell's output instead of the screen.
    var clearOutput: (() -> Void)? = nil
    /// A notebook front end sets it: the training progress line is drawn (as `\r`, erase line,
    /// text) though output is not a terminal; the front end turns the redraws into one updating line.
    var drawsProgressLine = false
    /// Starts the digit pad's web server for `serve` (the executable sets it; nil: no server).
    var startDigitPad: ((DigitPadSettings) throws -> DigitPadHandle)? = nil
    /// In a notebook: a report drawn as SVG by the command that made it (`eval`'s confusion
    /// matrix), shown when the statement's value is that report and is echoed.
    var reportPicture: (report: String, svg: String)?

    var globals: [String: Value] = [:]
    /// Local variables of the procedures being run, innermost last.
    private(set) var frames: [[String: Value]] = []
    var scriptArguments: [String] = []

    /// The session's one random generator (`set seed N` replaces it). Commands that draw
    /// random numbers take it from here, or make their own from a `seed=` option.
    var generator = RandomGenerator(seed: 42)
    var seed: UInt64 = 42
    /// The precision new networks are built in (`set precision`).
    var precision = Interpreter.defaultPrecision
    static let defaultPrecision = Precision.float32
    /// Whether training leaves out the first layer's products over all-zero input columns
    /// (`set skip_zero_inputs false` to compute them, as the benchmark's floor counts them).
    var skipsZeroInputs = true
    /// `set threads N`, or nil for `set threads auto` (the default): each `train` then asks for
    /// `BLASThreads.initial` and takes only the CPUs free when it starts (`FreeCores`). The
    /// session's own, so sessions in one process (tests, the kernel) do not share it; BLAS's
    /// thread count outside training (`BLASThreads`) is the process's and follows the last set.
    var threads: Int? = nil
    var threadsAreAutomatic: Bool { threads == nil }
    /// The threads a `train` asks for.
    var trainingThreads: Int { threads ?? BLASThreads.initial }

    /// Files being run by `run`, innermost last; limits recursion.
    var runStack: [String] = []
    static let maxRunDepth = 16
    static let maxCallDepth = 200
    /// The deepest stack address procedure calls may reach on the thread running the session
    /// (`StackRoom.bounds`, set by `Session.execute`); 0 when unknown.
    var stackFloor: UInt = 0
    static let maxListNesting = 100
    /// Polled by loops and `train` (after every batch): has the user asked to stop?
    /// `Interrupt.isRequested` (Ctrl-C); tests substitute their own.
    var isInterrupted: () -> Bool = { Interrupt.isRequested }
    /// True once a command stopped early on Ctrl-C and returned what it had (`grid`): that
    /// request is answered, so the statements after it run.
    var interruptAcknowledged = false

    /// Called by a command that stopped early on Ctrl-C and returns its partial result.
    func acknowledgeInterrupt() {
        Interrupt.clear()
        interruptAcknowledged = true
    }

    /// At the prompt (the REPL): the value of the last statement that gave one is kept as `ans`
    /// (and `_`), as in Julia, MATLAB and IPython, and `usage` does not end the session.
    var isInteractive = false
    /// Set with `quitCode` by `usage` when a script's arguments ask for help: only the script
    /// ends (a script started by `run` returns to its caller).
    var endsScriptOnly = false

    /// The entries typed at the prompt this session, in order, and whether each ran without an
    /// error (`history`, `save transcript`).
    var transcript: [(source: String, ran: Bool)] = []

    /// Asks the person at the prompt a yes/no question (true: yes). Nil when nobody can answer:
    /// a script, standard input.
    var confirm: ((String) -> Bool)?

    /// Set by `quit`/`exit`: unwinds everything and ends the session with this code.
    var quitCode: Int32?

    init(output: @escaping (String) -> Void, isTerminal: Bool) {
        self.output = output
        self.isTerminal = isTerminal
    }

    /// How a block of statements ended.
    enum Flow { case normal, breakLoop, continueLoop, returned(Value), quit }

    /// Runs a parsed program at top level. Statement values that are not none are printed.
    func run(_ program: [Statement]) throws(ShellError) -> Flow {
        let flow = try execute(program, stoppingOnInterrupt: true)
        switch flow {
        case .normal, .quit: return flow
        case .returned: return .normal
        case .breakLoop, .continueLoop: return .normal
        }
    }

    /// Runs `body` (a script started by `run`) in a scope of its own: no variables but `args`,
    /// the session's settings and generator to start from. Afterwards the caller's variables,
    /// settings (`set precision`, `seed`, `threads`, `max_memory`, `skip_zero_inputs`), current
    /// folder (`cd`) and generator are put back, whatever the script did or however it ended.
    /// Returns the variables the script left (without `args`).
    func inOwnScope(arguments: [String], _ body: () throws(ShellError) -> Void) throws(ShellError) -> [String: Value] {
        let saved = (globals, frames, scriptArguments, precision, skipsZeroInputs, seed, generator, threads)
        let blasThreads = BLASThreads.current, memory = MemoryLimit.bytes
        let folder = FileManager.default.currentDirectoryPath
        globals = ["args": .list(arguments.map { .string($0) })]
        frames = []
        scriptArguments = arguments
        defer {
            (globals, frames, scriptArguments, precision, skipsZeroInputs, seed, generator, threads) = saved
            if BLASThreads.current != blasThreads { BLASThreads.set(blasThreads) }
            if MemoryLimit.bytes != memory { MemoryLimit.set(bytes: memory) }
            if FileManager.default.currentDirectoryPath != folder { _ = FileManager.default.changeCurrentDirectoryPath(folder) }
        }
        try body()
        var left = globals
        left["args"] = nil
        return left
    }

    // MARK: - Output

    func print(_ line: String) { output(line + "\n") }

    /// Prints `text`, through the pager when it is longer than the screen and output is a
    /// terminal that can show one (as `less -FRX` would decide; never into a pipe).
    func page(_ text: String) {
        if let pager, canRedrawLine, let rows, text.split(separator: "\n", omittingEmptySubsequences: false).count >= rows,
           pager(text + "\n") {
            return
        }
        print(text)
    }

    // MARK: - Variables

    func lookup(_ name: String) -> Value? {
        if let frame = frames.last, let v = frame[name] { return v }
        return globals[name]
    }

    /// Assigns in the innermost procedure frame, or globally at top level.
    func assign(_ name: String, _ value: Value) {
        if frames.isEmpty { globals[name] = value } else { frames[frames.count - 1][name] = value }
    }

    /// Names visible now, for completion and suggestions.
    var visibleNames: [String] {
        Array(Set(globals.keys).union(frames.last?.keys ?? [:].keys)).sorted()
    }

    // MARK: - Statements

    /// Runs statements in order. With `stoppingOnInterrupt` (a program or script's top level),
    /// Ctrl-C stops before the next statement; long commands (`train`, `gradcheck`, `eval`, file
    /// reads, …), loops (checked before each pass) and `sleep` stop sooner.
    func execute(_ statements: [Statement], stoppingOnInterrupt: Bool = false) throws(ShellError) -> Flow {
        for s in statements {
            if stoppingOnInterrupt {
                if isInterrupted() {
                    if !interruptAcknowledged { throw s.location.interruption() }
                } else {
                    interruptAcknowledged = false
                }
            }
            let flow = try execute(s)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ s: Statement) throws(ShellError) -> Flow {
        switch s.kind {
        case .expression(let e):
            reportPicture = nil
            let v = try evaluate(e)
            if quitCode != nil { return .quit }
            if !v.isNone, Interpreter.echoes(e) {
                let text = Interpreter.echo(v, writtenAs: e, width: columns)
                if case .record(let r) = v, let picture = reportPicture, picture.report == r.report {
                    show(text, svg: { picture.svg })
                } else {
                    print(text)
                }
            }
            reportPicture = nil
            if isInteractive, !v.isNone, frames.isEmpty, runStack.isEmpty {
                globals["ans"] = v
                globals["_"] = v
            }
            return .normal

        case .assign(let name, let e):
            if CommandTable.command(named: name) != nil {
                throw s.location.error("'\(name)' is a command; choose another name for the variable")
            }
            let v = try evaluate(e)
            if quitCode != nil { return .quit }
            if case .none = v, case .command(let c) = e.kind, CommandTable.command(named: c.verb) != nil {
                throw e.location.error("'\(c.verb)' gives no value to assign")
            }
            assign(name, v)
            return .normal

        case .ifElse(let branches, let otherwise):
            for (condition, body) in branches {
                if try truth(condition, what: "the 'if' condition") { return try execute(body) }
            }
            if let otherwise { return try execute(otherwise) }
            return .normal

        case .forIn(let name, let sequenceExpr, let body):
            let sequence = try evaluate(sequenceExpr)
            let count: Int
            let item: (Int) -> Value
            switch sequence {
            case .list(let xs): count = xs.count; item = { xs[$0] }
            case .range(let r): count = r.count; item = { .number(r.element($0)) }
            default:
                throw sequenceExpr.location.error("'for' needs a list or a range, got \(sequence.typeDescription)")
            }
            for i in 0..<count {
                if isInterrupted() { throw s.location.interruption() }
                assign(name, item(i))
                switch try execute(body) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case let other: return other
                }
            }
            return .normal

        case .whileLoop(let condition, let body):
            while try truth(condition, what: "the 'while' condition") {
                if isInterrupted() { throw s.location.interruption() }
                switch try execute(body) {
                case .normal, .continueLoop: continue
                case .breakLoop: return .normal
                case let other: return other
                }
            }
            return .normal

        case .procedure(let declaration):
            if CommandTable.command(named: declaration.name) != nil {
                throw s.location.error("'\(declaration.name)' is a built-in command; choose another name")
            }
            globals[declaration.name] = .procedure(Procedure(declaration))
            return .normal

        case .returnValue(let e):
            guard !frames.isEmpty else { throw s.location.error("'return' outside a procedure") }
            let v = try e.map { (e) throws(ShellError) in try evaluate(e) } ?? Value.none
            if quitCode != nil { return .quit }
            return .returned(v)

        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        }
    }

    /// What a statement's value prints; a network written as its variable's name (`net2`) names
    /// that variable in its hints.
    private static func echo(_ v: Value, writtenAs e: Expr, width: Int) -> String {
        if case .object(let o) = v, !(o is NetworkObject) { return o.summary(width: width) }
        guard case .object(let net as NetworkObject) = v else { return v.echo }
        switch e.kind {
        case .name(let n): return net.summary(named: n)
        case .command(let c) where c.arguments.isEmpty: return net.summary(named: c.verb)
        default: return v.echo
        }
    }

    /// Whether a statement's value is printed: always, except for commands that already
    /// printed a report (`Command.echoesResult`).
    private static func echoes(_ e: Expr) -> Bool {
        if case .command(let c) = e.kind, let command = CommandTable.command(named: c.verb) {
            return command.echoesResult
        }
        return true
    }

    func truth(_ e: Expr, what: String) throws(ShellError) -> Bool {
        let v = try evaluate(e)
        guard case .bool(let b) = v else {
            throw e.location.error("\(what) must be true or false, got \(v.typeDescription)")
        }
        return b
    }

    // MARK: - Expressions

    func evaluate(_ e: Expr) throws(ShellError) -> Value {
        switch e.kind {
        case .number(let x): return .number(x)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .string(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let t): text += t
                case .expression(let inner, let format):
                    let v = try evaluate(inner)
                    let piece = format.map { Format.apply($0, to: v) } ?? v.display
                    if piece.utf8.count >= MemoryLimit.unmeasured {
                        let bytes = text.utf8.count + piece.utf8.count
                        try checkMemory(count: bytes, bytesEach: 1, for: "a string of \(bytes) bytes", at: inner.location)
                    }
                    text += piece
                }
            }
            return .string(text)
        case .name(let n):
            if let v = lookup(n) { return v }
            if Words.all.contains(n) { return .string(n) }
            if CommandTable.command(named: n) != nil {
                throw e.location.error("'\(n)' is a command; to use its result write (\(n) ...)")
            }
            throw e.location.error("unknown variable '\(n)'" + Suggest.didYouMean(n, among: visibleNames + Array(Words.all)))
        case .list(let items):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            // Lists inside lists are walked recursively (printing, comparing, freeing): bound them.
            if values.contains(where: { $0.listNesting > Interpreter.maxListNesting - 1 }) {
                throw e.location.error("lists nested more than \(Interpreter.maxListNesting) deep")
            }
            return .list(values)
        case .unary(let op, let operand):
            let v = try evaluate(operand)
            switch (op, v) {
            case (.negate, .number(let x)): return .number(-x)
            case (.not, .bool(let b)): return .bool(!b)
            case (.negate, _): throw e.location.error("cannot negate \(v.typeDescription)")
            case (.not, _): throw e.location.error("'not' needs true or false, got \(v.typeDescription)")
            }
        case .binary(let op, let l, let r):
            return try binary(op, l, r, at: e.location)
        case .range(let lo, let hi, let inclusive):
            let a = try evaluate(lo), b = try evaluate(hi)
            guard case .number(let x) = a, case .number(let y) = b else {
                throw e.location.error("a range needs two numbers, got \(a.typeDescription) and \(b.typeDescription)")
            }
            guard x.isFinite, y.isFinite else {
                throw e.location.error("a range's ends must be finite numbers, got \(formatNumber(x)) and \(formatNumber(y))")
            }
            return .range(RangeValue(lower: x, upper: y, inclusive: inclusive))
        case .field(let base, let name):
            return try field(of: try evaluate(base), name, at: e.location)
        case .index(let base, let indexExpr):
            return try index(try evaluate(base), try evaluate(indexExpr), at: e.location)
        case .command(let call):
            return try invoke(call)
        }
    }

    func binary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, at: Location) throws(ShellError) -> Value {
        if op == .and || op == .or {
            let a = try truth(l, what: "the left side of '\(op.rawValue)'")
            if op == .and && !a { return .bool(false) }
            if op == .or && a { return .bool(true) }
            return .bool(try truth(r, what: "the right side of '\(op.rawValue)'"))
        }
        let a = try evaluate(l), b = try evaluate(r)
        switch (op, a, b) {
        case (.add, .number(let x), .number(let y)): return .number(x + y)
        case (.subtract, .number(let x), .number(let y)): return .number(x - y)
        case (.multiply, .number(let x), .number(let y)): return .number(x * y)
        case (.divide, .number(let x), .number(let y)):
            guard y != 0 else { throw at.error("division by zero") }
            return .number(x / y)
        case (.remainder, .number(let x), .number(let y)):
            guard y != 0 else { throw at.error("remainder by zero") }
            return .number(x - y * (x / y).rounded(.down))
        case (.power, .number(let x), .number(let y)): return .number(pow(x, y))
        case (.add, .string(let x), .string(let y)):
            let bytes = x.utf8.count + y.utf8.count
            try checkMemory(count: bytes, bytesEach: 1, for: "a string of \(bytes) bytes", at: at)
            return .string(x + y)
        case (.add, .list(let x), .list(let y)):
            try checkMemory(count: x.count + y.count, bytesEach: MemoryLayout<Value>.stride, for: "a list of \(x.count + y.count) items", at: at)
            return .list(x + y)
        case (.equal, _, _): return .bool(Value.equal(a, b))
        case (.notEqual, _, _): return .bool(!Value.equal(a, b))
        case (.less, .number(let x), .number(let y)): return .bool(x < y)
        case (.lessEqual, .number(let x), .number(let y)): return .bool(x <= y)
        case (.greater, .number(let x), .number(let y)): return .bool(x > y)
        case (.greaterEqual, .number(let x), .number(let y)): return .bool(x >= y)
        case (.less, .string(let x), .string(let y)): return .bool(x < y)
        case (.lessEqual, .string(let x), .string(let y)): return .bool(x <= y)
        case (.greater, .string(let x), .string(let y)): return .bool(x > y)
        case (.greaterEqual, .string(let x), .string(let y)): return .bool(x >= y)
        case (.add, .string, _), (.add, _, .string):
            throw at.error("cannot add \(a.typeDescription) and \(b.typeDescription) (to put a value in text write \"...{x}...\")")
        default:
            throw at.error("cannot apply '\(op.rawValue)' to \(a.typeDescription) and \(b.typeDescription)")
        }
    }

    func field(of base: Value, _ name: String, at: Location) throws(ShellError) -> Value {
        switch base {
        case .record(let r):
            if let v = r[name] { return v }
            throw at.error("no field '\(name)'; the fields are: " + r.fields.map(\.name).joined(separator: ", "))
        case .object(let o):
            let items = o.listFieldCount(name)
            if items > 0 {
                try checkMemory(count: items, bytesEach: MemoryLayout<Value>.stride, for: "the list .\(name) of \(items) items", at: at)
            }
            if let v = o.field(name) { return v }
            if let why = o.unavailable(name) { throw at.error(why) }
            throw at.error("\(type(of: o).typeDescription) has no field '\(name)'"
                + (o.fieldNames.isEmpty ? "" : "; its fields are: " + o.fieldNames.joined(separator: ", ")))
        case .list(let xs) where name == "count": return .number(Double(xs.count))
        case .string(let s) where name == "count": return .number(Double(s.count))
        case .range(let r) where name == "count": return .number(Double(r.count))
        case .list, .string, .range:
            throw at.error("\(base.typeDescription) has no field '\(name)' (it has: count)")
        default:
            throw at.error("\(base.typeDescription) has no fields (tried '.\(name)')")
        }
    }

    func index(_ base: Value, _ i: Value, at: Location) throws(ShellError) -> Value {
        func position(_ count: Int, _ noun: String = "item") throws(ShellError) -> Int {
            guard case .number(let x) = i, x == x.rounded(), abs(x) < 1e15 else {
                throw at.error("an index must be a whole number, got \(i.literal)")
            }
            let k = Int(x) < 0 ? count + Int(x) : Int(x)
            guard k >= 0, k < count else {
                throw at.error("index \(Int(x)) is out of range (\(counted(count, noun))"
                               + (count == 0 ? ")" : ", first is 0, last is \(count - 1))"))
            }
            return k
        }
        switch base {
        case .list(let xs): return xs[try position(xs.count)]
        case .range(let r): return .number(r.element(try position(r.count)))
        case .string(let s):
            let chars = Array(s)
            return .string(String(chars[try position(chars.count)]))
        case .record:
            guard case .string(let name) = i else { throw at.error("index a record with a field name string") }
            return try field(of: base, name, at: at)
        case .object(let o as any IndexableObject):
            return o.element(try position(o.elementCount, o.elementNoun))
        default:
            throw at.error("cannot index \(base.typeDescription)")
        }
    }

    // MARK: - Commands and procedures

    func invoke(_ call: CommandCall) throws(ShellError) -> Value {
        if let v = lookup(call.verb) {
            if case .procedure(let p) = v { return try callProcedure(p, call) }
            if call.arguments.isEmpty { return v }
            throw call.location.error("'\(call.verb)' is \(v.typeDescription), not a command"
                + (call.arguments.first.map(Interpreter.isNegation) == true ? " (to subtract, put spaces on both sides of '-')" : ""))
        }
        if let command = CommandTable.command(named: call.verb) {
            let arguments = try bind(call, to: command)
            do {
                return try command.run(arguments, self)
            } catch {
                if let underlying = error.underlying { throw underlying }
                let place = error.parameter.flatMap { arguments.locations[$0] } ?? call.location
                let message = error.namesCommand ? call.verb + " " + error.message : error.message
                throw error.isInterruption ? place.interruption(message) : place.error(message)
            }
        }
        if call.arguments.isEmpty, Words.all.contains(call.verb) { return .string(call.verb) }
        let candidates = CommandTable.names + visibleNames
        throw call.location.error("unknown command '\(call.verb)'" + Suggest.didYouMean(call.verb, among: candidates))
    }

    /// `x -1` parses as the command x with the argument -1: worth a hint.
    private static func isNegation(_ a: Argument) -> Bool {
        if a.key == nil, case .unary(.negate, _) = a.value.kind { return true }
        return false
    }

    func callProcedure(_ p: Procedure, _ call: CommandCall) throws(ShellError) -> Value {
        guard frames.count < Interpreter.maxCallDepth else {
            throw call.location.error("too many nested procedure calls (more than \(Interpreter.maxCallDepth)); is '\(p.name)' calling itself forever?")
        }
        guard StackRoom.here() > stackFloor else {
            throw call.location.error("too many nested procedure calls (\(frames.count), and this thread's stack is nearly full); is '\(p.name)' calling itself forever?")
        }
        let parameters = p.declaration.parameters
        var frame: [String: Value] = [:]
        var nextPositional = 0
        for argument in call.arguments {
            if let key = argument.key {
                guard parameters.contains(where: { $0.name == key }) else {
                    throw argument.location.error("'\(p.name)' has no parameter '\(key)' (usage: \(p.usage))")
                }
                guard frame[key] == nil else { throw argument.location.error("'\(key)' is given twice") }
                frame[key] = try evaluate(argument.value)
            } else {
                while nextPositional < parameters.count, frame[parameters[nextPositional].name] != nil {
                    nextPositional += 1
                }
                guard nextPositional < parameters.count else {
                    throw argument.location.error("too many arguments for '\(p.name)' (usage: \(p.usage))")
                }
                frame[parameters[nextPositional].name] = try evaluate(argument.value)
                nextPositional += 1
            }
        }
        frames.append(frame)
        defer { frames.removeLast() }
        for parameter in parameters where frames[frames.count - 1][parameter.name] == nil {
            guard let d = parameter.defaultValue else {
                throw call.location.error("missing argument '\(parameter.name)' for '\(p.name)' (usage: \(p.usage))")
            }
            frames[frames.count - 1][parameter.name] = try evaluate(d)
        }
        switch try execute(p.declaration.body) {
        case .returned(let v): return v
        case .quit, .normal: return .none
        case .breakLoop, .continueLoop:
            throw call.location.error("'break' or 'continue' outside a loop in '\(p.name)'")
        }
    }
}

extension Value {
    /// How many lists deep this value is: 0 for a non-list, 1 for `[1, 2]`, 2 for `[[1]]`.
    var listNesting: Int {
        guard case .list(let items) = self else { return 0 }
        var deepest = 0
        for item in items { if case .list = item { deepest = max(deepest, item.listNesting) } }
        return deepest + 1
    }

    /// Equality for `==`: numbers, strings, bools, lists and records by value; handles by identity.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.range(let x), .range(let y)): return x == y
        case (.record(let x), .record(let y)):
            return x.fields.count == y.fields.count
                && zip(x.fields, y.fields).allSatisfy { $0.name == $1.name && equal($0.value, $1.value) }
        case (.procedure(let x), .procedure(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        default: return false
        }
    }
}
