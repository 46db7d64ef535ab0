import Foundation

/// An axis interval in the axis' own coordinates (after `AxisScale.transform`), widened to
/// "nice" bounds, with the tick positions and their labels.
struct Axis: Equatable {
    /// Lower and upper bound, transformed coordinates; `low < high` always.
    var low: Double
    var high: Double
    /// Tick positions in transformed coordinates, ascending, inside [low, high].
    var ticks: [Double]
    /// One label per tick, in data units ("0.01", "1e-4", "250").
    var labels: [String]

    /// The fraction 0…1 of the way from `low` to `high` (transformed coordinates), in halves
    /// when the span overflows a double (an axis from -1e308 to 1e308).
    func fraction(_ t: Double) -> Double {
        let span = high - low
        return span.isFinite ? (t - low) / span : (t / 2 - low / 2) / (high / 2 - low / 2)
    }

    /// An axis covering the transformed values `values` (all finite), with about `target` ticks.
    /// `integerSteps` keeps linear ticks on whole numbers (epochs).
    /// `padding` widens a linear axis by that fraction of the span on each side.
    init(covering values: [Double], scale: AxisScale, target: Int, integerSteps: Bool = false,
         padding: Double = 0) {
        var lo = values.min() ?? 0
        var hi = values.max() ?? 1
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if !((hi - lo) * (1 + 2 * padding)).isFinite {
            // The padded span overflows a double: the axis of the halved values, doubled.
            self = Axis(covering: [lo / 2, hi / 2], scale: scale, target: target, integerSteps: integerSteps,
                        padding: padding).doubled()
            return
        }
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            // A single value: give it some room.
            let pad = scale == .log ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            lo -= pad
            hi += pad
        }
        let count = max(2, target)
        if scale == .log && hi - lo >= 0.5 {
            self = Axis.decades(lo: lo, hi: hi, target: count)
        } else if scale == .log {
            self = Axis.linearInLog(lo: lo, hi: hi, target: count)
        } else {
            self = Axis.linear(lo: lo, hi: hi, target: count, integerSteps: integerSteps, padding: padding)
        }
    }

    private init(low: Double, high: Double, ticks: [Double], labels: [String]) {
        self.low = low
        self.high = high
        self.ticks = ticks
        self.labels = labels
    }

    /// This axis with every coordinate doubled, bounds kept finite (ticks beyond them dropped).
    private func doubled() -> Axis {
        let largest = Double.greatestFiniteMagnitude
        let low = Swift.max(-largest, 2 * self.low), high = Swift.min(largest, 2 * self.high)
        let ticks = self.ticks.map { 2 * $0 }.filter { $0 >= low && $0 <= high }
        return Axis(low: low, high: high, ticks: ticks, labels: NumberFormat.tickLabels(ticks))
    }

    /// A step of 1, 2, 2.5 or 5 × 10^k giving about `target` intervals over `span`.
    static func niceStep(span: Double, target: Int) -> Double {
        let raw = span / Double(max(1, target))
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double
        if fraction <= 1 { nice = 1 } else if fraction <= 2 { nice = 2 } else if fraction <= 2.5 { nice = 2.5 } else if fraction <= 5 { nice = 5 } else { nice = 10 }
        return nice * magnitude
    }

    /// Linear ticks: the bounds are the data's range widened by `padding` × span on each side
    /// (not below zero when the data is not), ticks at the multiples of a nice step inside them;
    /// the step shrinks until at least two ticks fit.
    private static func linear(lo: Double, hi: Double, target: Int, integerSteps: Bool,
                               padding: Double) -> Axis {
        var low = lo - padding * (hi - lo), high = hi + padding * (hi - lo)
        if lo >= 0 && low < 0 { low = 0 }
        var ticks: [Double] = []
        for extra in 0..<8 {
            var step = niceStep(span: high - low, target: target - 1 + extra)
            if integerSteps { step = step < 1 ? 1 : (step == 2.5 ? 2 : step) }   // whole numbers, still nice
            let first = (low / step - 1e-9).rounded(.up), last = (high / step + 1e-9).rounded(.down)
            ticks = first <= last ? stride(from: first, through: last, by: 1).map { $0 * step } : []
            if ticks.count >= 2 || (integerSteps && step == 1) { break }
        }
        return Axis(low: low, high: high, ticks: ticks, labels: NumberFormat.tickLabels(ticks))
    }

    /// Log axis over at least half a decade: the data's range plus 3 % on each side, ticks at
    /// the powers of ten inside (thinned to about `target`), or at 1, 2, 5 × 10^k when fewer than
    /// three powers of ten fall inside.
    private static func decades(lo: Double, hi: Double, target: Int) -> Axis {
        let pad = 0.03 * (hi - lo)
        let low = lo - pad, high = hi + pad
        let first = low.rounded(.up), last = high.rounded(.down)
        var ticks: [Double] = []
        var labels: [String] = []
        if last - first >= 2 {
            let decadeStep = max(1, ((last - first) / Double(target - 1)).rounded(.up))
            ticks = stride(from: first, through: last, by: decadeStep).map { $0 }
            labels = ticks.map { NumberFormat.powerOfTen(Int($0)) }
        } else {
            for k in stride(from: first - 1, through: last, by: 1) {
                for m in [1.0, 2, 5] {
                    let t = k + log10(m)
                    if t >= low && t <= high {
                        ticks.append(t)
                        labels.append(NumberFormat.compact(m * pow(10, k)))
                    }
                }
            }
            if ticks.count < 2 { return linearInLog(lo: lo, hi: hi, target: target) }
        }
        return Axis(low: low, high: high, ticks: ticks, labels: labels)
    }

    /// Log axis over less than half a decade: the data's range plus 3 % on each side, ticks at
    /// nice linear steps in data units (at least two when possible), placed on the log axis.
    private static func linearInLog(lo: Double, hi: Double, target: Int) -> Axis {
        let low = lo - 0.03 * (hi - lo), high = hi + 0.03 * (hi - lo)
        let vlo = pow(10, low), vhi = pow(10, high)
        var values: [Double] = []
        for extra in 0..<8 {
            let step = niceStep(span: vhi - vlo, target: target - 1 + extra)
            let first = (vlo / step - 1e-9).rounded(.up), last = (vhi / step + 1e-9).rounded(.down)
            values = first <= last ? stride(from: first, through: last, by: 1).map { $0 * step } : []
            if values.count >= 2 { break }
        }
        values = values.filter { $0 > 0 }
        return Axis(low: low, high: high, ticks: values.map { log10($0) },
                    labels: NumberFormat.tickLabels(values))
    }
}
