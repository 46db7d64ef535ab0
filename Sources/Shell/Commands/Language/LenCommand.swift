/// `len xs`: the number of items of a list, range or string, or examples of a dataset.
struct LenCommand: Command {
    static let name = "len"
    static let group = CommandGroup.language
    static let summary = "The number of items in a list, range or string."
    static let parameters: [Parameter] = [
        .positional("value", .any, help: "a list, range, string or dataset"),
    ]
    static let example = """
        print (len [1, 2, 3])
        """

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        switch try a.value("value") {
        case .list(let xs): return .number(Double(xs.count))
        case .range(let r): return .number(Double(r.count))
        case .string(let s): return .number(Double(s.count))
        case .object(let o):
            if let n = o.field("count") { return n }
            throw CommandError("\(type(of: o).typeDescription) has no length", parameter: "value")
        case let v: throw CommandError("\(v.typeDescription) has no length", parameter: "value")
        }
    }
}
