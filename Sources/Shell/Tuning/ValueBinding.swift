/// Binding values that are already evaluated to a command's declared parameters: how `grid`
/// and `halving` call `train` and `eval` for each configuration, so every option those
/// commands declare (today's and tomorrow's) can be searched over, with the same checks and
/// messages as when written by hand.
extension Interpreter {
    func bindValues(_ pairs: [(String, Value)], to command: any Command.Type) throws(CommandError) -> Arguments {
        var arguments = Arguments(command: command.name)
        let parameters = command.parameters.filter { $0.kind != .variadic && $0.kind != .keywords }
        for (key, value) in pairs {
            guard let p = parameters.first(where: { $0.name == key }) else {
                throw CommandError("'\(command.name)' has no option '\(key)'"
                                   + Suggest.didYouMean(key, among: parameters.map(\.name)), parameter: key)
            }
            if let problem = check(value, against: p.type) {
                throw CommandError("\(key): expected \(p.type.expectation), got \(problem)", parameter: key)
            }
            if case .word(let words) = p.type, case .string(let s) = value, !words.contains(s) {
                throw CommandError("\(key): '\(s)' is not \(p.type.expectation)" + Suggest.didYouMean(s, among: words), parameter: key)
            }
            arguments.values[key] = value
            arguments.given.insert(key)
        }
        for p in parameters where arguments.values[p.name] == nil {
            if let d = p.defaultValue {
                arguments.values[p.name] = d
            } else if p.isRequired {
                throw CommandError("'\(command.name)' needs its '\(p.name)' argument")
            }
        }
        return arguments
    }
}
