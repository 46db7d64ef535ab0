import Foundation

/// Short, readable renderings of numbers for tick labels and heatmap cells.
enum NumberFormat {
    /// Labels for evenly spaced linear ticks: all with the same number of decimals (the fewest
    /// that show every tick exactly), or scientific notation for very large or small magnitudes.
    static func tickLabels(_ ticks: [Double]) -> [String] {
        let magnitudes = ticks.map(abs).filter { $0 > 0 }
        let largest = magnitudes.max() ?? 0
        let smallest = magnitudes.min() ?? 0
        if largest >= 1e6 || (smallest > 0 && largest < 1e-3) {
            return ticks.map { compact($0, significant: 3) }
        }
        var decimals = 0
        for tick in ticks {
            while decimals < 8, abs(tick * pow(10, Double(decimals)) - (tick * pow(10, Double(decimals))).rounded()) > 1e-6 {
                decimals += 1
            }
        }
        return ticks.map { fixed($0, decimals: decimals) }
    }

    /// 10^k as "0.01", "1", "1000" for -3 < k < 5, else "1e-5", "1e6".
    static func powerOfTen(_ k: Int) -> String {
        if k >= 0 && k < 5 { return "1" + String(repeating: "0", count: k) }
        if k < 0 && k > -4 { return "0." + String(repeating: "0", count: -k - 1) + "1" }
        return "1e\(k)"
    }

    /// `value` with `decimals` digits after the point, never "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(max(0, decimals))f", value)
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
            return String(text.dropFirst())
        }
        return text
    }

    /// About `significant` significant digits, fixed-point for 0.0001 ≤ |v| < 100000, otherwise
    /// scientific ("1.23e-5"); trailing zeros dropped; "nan", "inf", "-inf" for the specials.
    static func compact(_ value: Double, significant: Int = 3) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-4 && magnitude < 1e5 {
            let exponent = Int(floor(log10(magnitude)))
            let decimals = max(0, significant - 1 - exponent)
            return trimZeros(fixed(value, decimals: decimals))
        }
        let text = String(format: "%.\(max(0, significant - 1))e", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = trimZeros(String(text[..<e]))
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        return "\(mantissa)e\(exponent)"
    }

    /// Values for heatmap cells: integers as integers when every finite value is a whole number
    /// (confusion matrices), otherwise `compact`.
    static func cellLabels(_ values: [Double]) -> (Double) -> String {
        let finite = values.filter(\.isFinite)
        let allIntegers = !finite.isEmpty && finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e15 }
        if allIntegers {
            return { $0.isFinite ? String(Int64($0)) : compact($0) }
        }
        return { compact($0) }
    }

    private static func trimZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
