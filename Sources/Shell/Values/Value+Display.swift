import Engine
import Foundation

extension Value {
    /// How `print` shows a value: strings without quotes.
    var display: String {
        if case .string(let s) = self { return s }
        return literal
    }

    /// How a value shows inside a list or record: strings quoted.
    var literal: String {
        switch self {
        case .none: return "none"
        case .number(let x): return formatNumber(x)
        case .string(let s):   // as typed: backslash, quote and control characters escaped
            return "\"" + PrintableText.escaping(s.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")) + "\""
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.literal).joined(separator: ", ") + "]"
        case .range(let r):
            return formatNumber(r.lower) + (r.inclusive ? "..." : "..<") + formatNumber(r.upper)
        case .record(let r):
            return "{" + r.fields.map { "\($0.name): \($0.value.literal)" }.joined(separator: ", ") + "}"
        case .procedure(let p): return "proc \(p.name)(\(p.declaration.parameters.map(\.name).joined(separator: ", ")))"
        case .object(let o): return o.shortDescription
        }
    }

    /// What the session prints for a statement whose value is not none: records with a report
    /// and handles show their multi-line summary.
    var echo: String {
        switch self {
        case .record(let r): return r.report ?? literal
        case .object(let o): return o.summary
        default: return literal
        }
    }
}

/// Numbers print as integers when they are whole (up to 1e15), otherwise with up to six
/// significant digits (`%g`): 0.1 + 0.2 prints 0.3. Use a format (`"{x:.17g}"`) for more.
func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    if x == x.rounded(), abs(x) < 1e15 {
        return x == 0 ? "0" : String(Int64(x))
    }
    return String(format: "%g", x)
}
