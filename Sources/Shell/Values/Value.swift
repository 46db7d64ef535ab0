/// A value of the nnsh language.
///
/// Numbers are Doubles (the language never computes on weights; the engine does). Lists and
/// records are values (copied on assignment); handles (`ShellObject`: datasets, networks,
/// results tables, ...) are references: `add net dense 10 relu` changes the network every
/// variable holding it sees.
enum Value: Sendable {
    case none
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([Value])
    case range(RangeValue)
    case record(Record)
    case procedure(Procedure)
    case object(any ShellObject)

    /// The type name used in messages: "a number", "a list", "a network".
    var typeDescription: String {
        switch self {
        case .none: return "none"
        case .number: return "a number"
        case .string: return "a string"
        case .bool: return "a bool"
        case .list: return "a list"
        case .range: return "a range"
        case .record: return "a record"
        case .procedure: return "a procedure"
        case .object(let o): return type(of: o).typeDescription
        }
    }

    var isNone: Bool { if case .none = self { return true } else { return false } }
}

/// A handle the language holds but does not look inside: datasets, networks, results tables.
/// Fields (`data.train`, `net.history`) are reached through `field(_:)`.
protocol ShellObject: AnyObject, Sendable {
    /// "a dataset", "a network", ...
    static var typeDescription: String { get }
    /// The field names `field(_:)` answers, for completion and "unknown field" messages.
    var fieldNames: [String] { get }
    func field(_ name: String) -> Value?
    /// One line, used inside lists and by `vars`: `network 784-300-10 (238,510 parameters)`.
    var shortDescription: String { get }
    /// What printing the value on its own shows (may be several lines).
    var summary: String { get }
    /// The same, fitted to `width` columns where it can be (the prompt's echo).
    func summary(width: Int) -> String
    /// Why `field(name)` gave nothing for a field this kind of object lists (`data.x` of a
    /// dataset with many inputs); nil for an unknown name.
    func unavailable(_ name: String) -> String?
    /// Adds what the object holds to `tally` (the session's memory in use); nothing by default.
    func tallyMemory(into tally: inout MemoryTally)
    /// How many items the list field `name` would hold, to check against the memory budget
    /// before `field(name)` makes it (`data.x`); 0 for other fields, and by default.
    func listFieldCount(_ name: String) -> Int
}

extension ShellObject {
    var summary: String { shortDescription }
    func summary(width: Int) -> String { summary }
    func unavailable(_ name: String) -> String? { nil }
    func tallyMemory(into tally: inout MemoryTally) {}
    func listFieldCount(_ name: String) -> Int { 0 }
}

/// A handle whose elements `x[i]` reaches (0-based; negative counts from the end):
/// a dataset's examples, a matrix's rows.
protocol IndexableObject: ShellObject {
    var elementCount: Int { get }
    /// What an element is called in messages: "example", "row".
    var elementNoun: String { get }
    /// Element `i`, `0 ≤ i < elementCount`.
    func element(_ i: Int) -> Value
}

/// `a..<b` or `a...b`: whole numbers from `lower` counting up by 1.
struct RangeValue: Sendable, Equatable {
    let lower: Double
    let upper: Double
    let inclusive: Bool

    /// The number of elements, without making them.
    var count: Int {
        let span = upper - lower
        guard span.isFinite, span >= 0 else { return 0 }
        let n = inclusive ? span.rounded(.down) + 1 : span.rounded(.up)
        return n < Double(Int.max / 2) ? Int(n) : Int.max / 2
    }

    /// Element `i` (0-based, `i < count`).
    func element(_ i: Int) -> Double { lower + Double(i) }

    /// All elements (for lists and plots; loops step through `element(_:)` instead).
    var elements: [Double] { (0..<Swift.min(count, 100_000_000)).map(element) }
}

/// Named fields in order: results of commands such as `eval` (`.accuracy`, `.loss`) and
/// `split` (`.train`, `.test`). `report`, when present, is how the record prints on its own.
struct Record: Sendable {
    var fields: [(name: String, value: Value)]
    var report: String?

    init(_ fields: [(String, Value)], report: String? = nil) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
        self.report = report
    }

    subscript(name: String) -> Value? {
        fields.first(where: { $0.name == name })?.value
    }
}

/// A user-defined procedure: `proc name(a, b=1) { ... }`.
final class Procedure: Sendable {
    let declaration: ProcedureDeclaration
    init(_ declaration: ProcedureDeclaration) { self.declaration = declaration }
    var name: String { declaration.name }
    var usage: String {
        let ps = declaration.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name)=..." }
        return ([name] + ps).joined(separator: " ")
    }
}
