import Foundation

/// Format specifications for string interpolation: `"{x:.3f}"`.
///
///     spec  -> [ '<' | '>' ] [ width ] [ '.' precision ] [ type ]
///     type  -> 'f' fixed | 'e' exponent | 'g' general | '%' percent (×100) | 'd' integer
///
/// `:.3f` 0.12346   `:8.2f` right-aligned in 8   `:.1%` 98.3%   `:.2e` 1.23e-04   `:<10` pad right.
/// Non-numbers take only width and alignment. Numbers align right by default, text left.
enum Format {
    struct Spec: Equatable {
        var alignLeft: Bool?
        var width: Int?
        var precision: Int?
        var type: Character?
    }

    static func parse(_ spec: String) -> Spec? {
        var s = Substring(spec)
        var out = Spec()
        if s.first == "<" { out.alignLeft = true; s = s.dropFirst() }
        else if s.first == ">" { out.alignLeft = false; s = s.dropFirst() }
        let widthDigits = s.prefix(while: \.isNumber)
        if !widthDigits.isEmpty {
            guard let w = Int(widthDigits) else { return nil }   // beyond Int: as bad as beyond 200
            out.width = w
            s = s.dropFirst(widthDigits.count)
        }
        if s.first == "." {
            s = s.dropFirst()
            let p = s.prefix(while: \.isNumber)
            guard !p.isEmpty, let n = Int(p), n <= 30 else { return nil }
            out.precision = n
            s = s.dropFirst(p.count)
        }
        if let t = s.first {
            guard "fegd%".contains(t) else { return nil }
            out.type = t
            s = s.dropFirst()
        }
        guard s.isEmpty, (out.width ?? 0) <= 200 else { return nil }
        return out
    }

    /// `x` rounded to a whole number, all its digits: `:d` of 1e300 is a 1 and 300 zeros (any
    /// double that large is a whole number). Infinities and NaN print as `inf`, `-inf`, `nan`.
    static func integer(_ x: Double) -> String {
        guard x.isFinite else { return formatNumber(x) }
        let r = x.rounded()
        if let n = Int64(exactly: r) { return String(n) }
        return String(format: "%.0f", r)   // beyond Int64: the double's own (exact) digits
    }

    static func isValid(_ spec: String) -> Bool { parse(spec) != nil }

    /// Formats `value` by `spec` (already validated by the parser).
    static func apply(_ spec: String, to value: Value) -> String {
        guard let f = parse(spec) else { return value.display }
        var text: String
        var isNumber = false
        if case .number(let x) = value, !x.isFinite {
            isNumber = true
            text = formatNumber(x)   // nan, inf, -inf in every format (printf would say "-nan")
        } else if case .number(let x) = value {
            isNumber = true
            switch f.type {
            case "f": text = String(format: "%.\(f.precision ?? 6)f", x)
            case "e": text = String(format: "%.\(f.precision ?? 6)e", x)
            case "g": text = String(format: "%.\(f.precision ?? 6)g", x)
            case "%": text = String(format: "%.\(f.precision ?? 1)f%%", x * 100)
            case "d": text = integer(x)
            default: text = f.precision.map { String(format: "%.\($0)g", x) } ?? formatNumber(x)
            }
        } else {
            text = value.display
        }
        if let w = f.width, text.count < w {
            let pad = String(repeating: " ", count: w - text.count)
            text = (f.alignLeft ?? !isNumber) ? text + pad : pad + text
        }
        return text
    }
}
