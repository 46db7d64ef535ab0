/// Binding: matching the arguments written in a call to a command's declared parameters.
///
/// 1. `key=value` goes to the parameter of that name (positional ones can be named too).
/// 2. A bare name equal to one of the command's flags sets the flag (`quiet`).
/// 3. Other arguments fill the positional parameters in order, then the variadic one; a
///    positional declared `givingWayToWords()` is passed over by a word or a string.
/// 4. Values are evaluated and checked against the declared type; defaults fill the rest.
/// Every error points at the argument concerned and ends with the command's short usage
/// (`Help.shortUsage`): the line stays one line, and `help NAME` gives the rest.
extension Interpreter {
    func bind(_ call: CommandCall, to command: any Command.Type) throws(ShellError) -> Arguments {
        var arguments = Arguments(command: command.name)
        let parameters = command.parameters
        let positionals = parameters.filter { $0.kind == .positional }
        let variadic = parameters.first { $0.kind == .variadic }
        var filled = Set<String>()
        var nextPositional = 0
        let usage = " (usage: \(Help.shortUsage(command)))"

        for argument in call.arguments {
            var parameter: Parameter
            if let key = argument.key {
                if parameters.first(where: { $0.name == key && $0.kind != .variadic && $0.kind != .keywords }) == nil,
                   let rest = parameters.first(where: { $0.kind == .keywords }) {
                    guard !arguments.keywords.contains(where: { $0.key == key }) else {
                        throw argument.location.error("'\(key)' is given twice")
                    }
                    arguments.keywords.append((key, try convert(argument, to: rest, command: command)))
                    arguments.locations[key] = argument.location
                    continue
                }
                guard let p = parameters.first(where: { $0.name == key && $0.kind != .variadic }) else {
                    let names = parameters.filter { $0.kind != .variadic }.map(\.name)
                    let hint = Suggest.didYouMean(key, among: names)
                    throw argument.location.error("'\(command.name)' has no option '\(key)'"
                        + (hint.isEmpty ? usage : hint))
                }
                parameter = p
            } else if let name = argument.bareName,
                      let flag = parameters.first(where: { $0.kind == .flag && $0.name == name }) {
                guard !filled.contains(flag.name) else { throw argument.location.error("'\(name)' is given twice") }
                filled.insert(flag.name)
                arguments.values[flag.name] = .bool(true)
                arguments.given.insert(flag.name)
                arguments.locations[flag.name] = argument.location
                continue
            } else {
                while nextPositional < positionals.count, filled.contains(positionals[nextPositional].name) {
                    nextPositional += 1
                }
                if nextPositional < positionals.count {
                    parameter = positionals[nextPositional]
                    nextPositional += 1
                    if parameter.givesWayToWords, nextPositional < positionals.count, try isWord(argument) {
                        parameter = positionals[nextPositional]
                        nextPositional += 1
                    }
                } else if let variadic {
                    let v = try convert(argument, to: variadic, command: command)
                    arguments.rest.append(v)
                    arguments.given.insert(variadic.name)
                    continue
                } else {
                    throw argument.location.error("too many arguments for '\(command.name)'" + usage)
                }
            }
            guard !filled.contains(parameter.name) else {
                throw argument.location.error("'\(parameter.name)' is given twice")
            }
            filled.insert(parameter.name)
            arguments.values[parameter.name] = try convert(argument, to: parameter, command: command)
            arguments.given.insert(parameter.name)
            arguments.locations[parameter.name] = argument.location
        }

        for p in parameters where p.kind != .variadic && p.kind != .keywords && !filled.contains(p.name) {
            if let d = p.defaultValue {
                arguments.values[p.name] = d
            } else if p.isRequired {
                throw call.location.error("'\(command.name)' needs its '\(p.name)' argument" + usage)
            }
        }
        return arguments
    }

    /// True when `argument` is a bare name that is not a variable, or a value other than a number.
    private func isWord(_ argument: Argument) throws(ShellError) -> Bool {
        if let name = argument.bareName, lookup(name) == nil { return true }
        if case .number = try evaluate(argument.value) { return false }
        return true
    }

    /// Evaluates one argument and checks it against the parameter's type.
    private func convert(_ argument: Argument, to p: Parameter, command: any Command.Type) throws(ShellError) -> Value {
        let at = argument.location
        // Words and columns may be written bare.
        if let name = argument.bareName {
            switch p.type {
            case .column: return .string(name)
            case .word(let words) where lookup(name) == nil:
                guard words.contains(name) else {
                    throw at.error("\(p.name): '\(name)' is not \(p.type.expectation)" + Suggest.didYouMean(name, among: words))
                }
                return .string(name)
            default:
                if lookup(name) == nil, p.type.words.contains(name) { return .string(name) }
            }
        }
        var v = try evaluate(argument.value)
        if let problem = check(v, against: p.type) {
            throw at.error("\(p.name): expected \(p.type.expectation), got \(problem)")
        }
        if p.type.acceptsPath, case .string(let path) = v {
            v = .string(filePath(path, written: p.writesFile))
        }
        if case .word(let words) = p.type, case .string(let s) = v, !words.contains(s) {
            throw at.error("\(p.name): '\(s)' is not \(p.type.expectation)" + Suggest.didYouMean(s, among: words))
        }
        return v
    }

    /// nil when `v` fits `type`, else a description of what it is instead.
    func check(_ v: Value, against expected: ArgumentType) -> String? {
        if case .any = expected { return nil }
        if case .none = v { return "none" }
        switch (expected, v) {
        case (.number, .number(let x)):
            return x.isFinite ? nil : formatNumber(x)
        case (.numberIn(let r), .number(let x)):
            return r.contains(x) ? nil : formatNumber(x)
        case (.integer(let r), .number(let x)):
            guard x == x.rounded(), abs(x) < 1e15 else { return formatNumber(x) }
            return r.contains(Int(x)) ? nil : formatNumber(x)
        case (.string, .string), (.path, .string), (.word, .string), (.column, .string): return nil
        case (.bool, .bool): return nil
        case (.list, .list), (.list, .range): return nil
        case (.object(let t), .object(let o)):
            return ObjectIdentifier(Swift.type(of: o)) == ObjectIdentifier(t) ? nil : v.typeDescription
        case (.splitRecord, .record(let r)):
            if case .object(_ as DatasetObject)? = r["train"] { return nil }
            return "a record without a .train dataset"
        case (.oneOf(let types), _):
            let problems = types.map { check(v, against: $0) }
            if problems.contains(where: { $0 == nil }) { return nil }
            // The value itself ("0", "\"a\"") when an alternative of its type refused it, else its type.
            return problems.lazy.compactMap { $0 }.first { $0 != v.typeDescription } ?? v.typeDescription
        default:
            if case .string(let s) = v { return "\"\(s)\"" }
            return v.typeDescription
        }
    }
}
