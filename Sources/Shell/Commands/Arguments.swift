import Engine

/// The arguments of one command call after binding: every declared parameter that was given
/// or has a default, converted to its declared type. Accessors never crash: the binder has
/// already checked types, and a missing value is a `CommandError` naming the parameter.
struct Arguments {
    let command: String
    var values: [String: Value] = [:]
    /// Parameters written by the user (not filled from defaults).
    var given: Set<String> = []
    /// Values of the variadic parameter, in order.
    var rest: [Value] = []
    /// The `key=value` pairs collected by a `.keywords` parameter, in order.
    var keywords: [(key: String, value: Value)] = []
    /// Where each given argument was written (for error messages).
    var locations: [String: Location] = [:]

    func has(_ name: String) -> Bool { given.contains(name) }

    func value(_ name: String) throws(CommandError) -> Value {
        guard let v = values[name], !v.isNone else { throw CommandError("missing argument '\(name)'") }
        return v
    }

    func number(_ name: String) throws(CommandError) -> Double {
        guard case .number(let x) = try value(name) else { throw CommandError("\(name): expected a number", parameter: name) }
        return x
    }

    func optionalNumber(_ name: String) throws(CommandError) -> Double? {
        guard let v = values[name], !v.isNone else { return nil }
        guard case .number(let x) = v else { throw CommandError("\(name): expected a number", parameter: name) }
        return x
    }

    func int(_ name: String) throws(CommandError) -> Int {
        let x = try number(name)
        guard x == x.rounded(), abs(x) < 1e15 else { throw CommandError("\(name): expected a whole number", parameter: name) }
        return Int(x)
    }

    func optionalInt(_ name: String) throws(CommandError) -> Int? {
        guard values[name].map({ !$0.isNone }) ?? false else { return nil }
        return try int(name)
    }

    func string(_ name: String) throws(CommandError) -> String {
        guard case .string(let s) = try value(name) else { throw CommandError("\(name): expected a string", parameter: name) }
        return s
    }

    func optionalString(_ name: String) throws(CommandError) -> String? {
        guard values[name].map({ !$0.isNone }) ?? false else { return nil }
        return try string(name)
    }

    /// A `.cases(E.self)` argument as its enum case; a word that names none is refused (the
    /// binder has checked the words, so this is a declaration that lists other words).
    func choice<E: CaseIterable & RawRepresentable>(_ name: String, as type: E.Type = E.self) throws(CommandError) -> E
    where E.RawValue == String {
        let word = try string(name)
        guard let e = E(rawValue: word) else {
            throw CommandError("\(name): expected one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), got \(word)",
                               parameter: name)
        }
        return e
    }

    func optionalChoice<E: CaseIterable & RawRepresentable>(_ name: String, as type: E.Type = E.self) throws(CommandError) -> E?
    where E.RawValue == String {
        guard values[name].map({ !$0.isNone }) ?? false else { return nil }
        return try choice(name, as: type)
    }

    func bool(_ name: String) -> Bool {
        if case .bool(let b) = values[name] { return b }
        return false
    }

    func list(_ name: String) throws(CommandError) -> [Value] {
        switch try value(name) {
        case .list(let xs): return xs
        case .range(let r): return try r.values(for: name)
        default: throw CommandError("\(name): expected a list", parameter: name)
        }
    }

    func object<T: ShellObject>(_ name: String, as type: T.Type = T.self) throws(CommandError) -> T {
        let v = try value(name)
        guard case .object(let o) = v, let t = o as? T else {
            throw CommandError("\(name): expected \(T.typeDescription), got \(v.typeDescription)", parameter: name)
        }
        return t
    }

    func optionalObject<T: ShellObject>(_ name: String, as type: T.Type = T.self) throws(CommandError) -> T? {
        guard values[name].map({ !$0.isNone }) ?? false else { return nil }
        return try object(name, as: type)
    }
}

extension RangeValue {
    /// The most elements a range may have when a command needs it as a list (`sum 1...10`,
    /// `plot x=0..<100`); loops step through ranges of any length without making a list.
    static let maximumListed = 10_000_000

    /// The elements as number values, refusing ranges too long to list.
    func values(for parameter: String) throws(CommandError) -> [Value] {
        guard count <= RangeValue.maximumListed else {
            throw CommandError("\(parameter): a range of \(count) numbers is too long to use as a list (at most \(RangeValue.maximumListed); a for loop can step through it)",
                               parameter: parameter)
        }
        do {
            try MemoryLimit.check(count: count, bytesEach: MemoryLayout<Double>.stride + MemoryLayout<Value>.stride,
                                  for: "\(parameter): a list of \(count) numbers")
        } catch {
            throw CommandError(error, parameter: parameter)
        }
        return elements.map { .number($0) }
    }
}
