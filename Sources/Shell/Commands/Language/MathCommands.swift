import Foundation

/// Small numeric functions: `(log10 mse)`, `round(x, 2)`, `(mean xs)`. The language does
/// arithmetic on results (metrics, grids), never on weights.
protocol UnaryMathCommand: Command {
    static func apply(_ x: Double) -> Double
}

extension UnaryMathCommand {
    static var group: CommandGroup { .language }
    static var parameters: [Parameter] { [.positional("x", .number, help: "a number")] }
    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let x = try a.number("x")
        let y = apply(x)
        guard !y.isNaN else { throw CommandError("\(name) is not defined for \(formatNumber(x))", parameter: "x") }
        return .number(y)
    }
}

struct AbsCommand: UnaryMathCommand {
    static let name = "abs"
    static let summary = "The absolute value |x|."
    static let example = "print (abs -3)"
    static func apply(_ x: Double) -> Double { Swift.abs(x) }
}

struct SqrtCommand: UnaryMathCommand {
    static let name = "sqrt"
    static let summary = "The square root of x (x ≥ 0)."
    static let example = "print (sqrt 2)"
    static func apply(_ x: Double) -> Double { x.squareRoot() }
}

struct ExpCommand: UnaryMathCommand {
    static let name = "exp"
    static let summary = "e to the power x."
    static let example = "print (exp 1)"
    static func apply(_ x: Double) -> Double { Foundation.exp(x) }
}

struct LogCommand: UnaryMathCommand {
    static let name = "log"
    static let summary = "The natural logarithm of x (x > 0)."
    static let example = "print (log 10)"
    static func apply(_ x: Double) -> Double { x > 0 ? Foundation.log(x) : .nan }
}

struct Log10Command: UnaryMathCommand {
    static let name = "log10"
    static let summary = "The base-10 logarithm of x (x > 0): the papers report log10(MSE)."
    static let example = "print (log10 0.01)"
    static func apply(_ x: Double) -> Double { x > 0 ? Foundation.log10(x) : .nan }
}

/// `round x` or `round x 3`: to a whole number or to some decimals.
struct RoundCommand: Command {
    static let name = "round"
    static let group = CommandGroup.language
    static let summary = "x rounded to a whole number, or to the given number of decimals."
    static let parameters: [Parameter] = [
        .positional("x", .number, help: "a number"),
        .positional("decimals", .integer(0...15), default: .number(0), help: "decimals to keep"),
    ]
    static let example = "print (round 2.71828 2)"

    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        let x = try a.number("x"), d = try a.int("decimals")
        let scale = Foundation.pow(10, Double(d))
        return .number((x * scale).rounded() / scale)
    }
}

/// Reductions over a list of numbers: min, max, sum, mean.
protocol ListMathCommand: Command {
    static func reduce(_ xs: [Double]) -> Double
}

extension ListMathCommand {
    static var group: CommandGroup { .language }
    static var parameters: [Parameter] {
        [.variadic("values", .any, help: "numbers, or one list of numbers")]
    }
    static func run(_ a: Arguments, _ shell: Interpreter) throws(CommandError) -> Value {
        var items = a.rest
        if items.count == 1 {
            if case .list(let xs) = items[0] { items = xs }
            if case .range(let r) = items[0] { items = try r.values(for: "values") }
        }
        var xs: [Double] = []
        for item in items {
            guard case .number(let x) = item else {
                throw CommandError("\(name) needs numbers, got \(item.typeDescription)", parameter: "values")
            }
            xs.append(x)
        }
        guard !xs.isEmpty else { throw CommandError("\(name) of no numbers", parameter: "values") }
        return .number(reduce(xs))
    }
}

struct MinCommand: ListMathCommand {
    static let name = "min"
    static let summary = "The smallest of some numbers (or of a list)."
    static let example = "print (min 3 1 2) (min [0.2, 0.1])"
    static func reduce(_ xs: [Double]) -> Double { xs.min()! }
}

struct MaxCommand: ListMathCommand {
    static let name = "max"
    static let summary = "The largest of some numbers (or of a list)."
    static let example = "print max(3, 1, 2)"
    static func reduce(_ xs: [Double]) -> Double { xs.max()! }
}

struct SumCommand: ListMathCommand {
    static let name = "sum"
    static let summary = "The sum of some numbers (or of a list)."
    static let example = "print (sum [1, 2, 3])"
    static func reduce(_ xs: [Double]) -> Double { xs.reduce(0, +) }
}

struct MeanCommand: ListMathCommand {
    static let name = "mean"
    static let summary = "The mean of some numbers (or of a list)."
    static let example = "print (mean [1, 2, 3, 4])"
    static func reduce(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
}
