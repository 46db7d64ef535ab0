import Foundation

/// How values map onto an axis or a colour scale.
public enum AxisScale: Sendable, Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); values ≤ 0 cannot be shown.
    case log

    /// The value in the axis' own coordinates: `v` for linear, `log10(v)` for log.
    /// NaN when the value cannot be shown (not finite, or ≤ 0 on a log scale).
    func transform(_ v: Double) -> Double {
        guard v.isFinite else { return .nan }
        switch self {
        case .linear: return v
        case .log: return v > 0 ? Foundation.log10(v) : .nan
        }
    }

    /// The inverse of `transform`.
    func untransform(_ t: Double) -> Double {
        switch self {
        case .linear: return t
        case .log: return Foundation.pow(10, t)
        }
    }
}
