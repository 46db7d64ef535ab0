/// How a series is drawn: joined by lines, or as separate markers (a scatter).
public enum SeriesStyle: Sendable, Equatable {
    case line
    case points
}

/// One named sequence of (x, y) points in a `LineChart`.
///
/// Points whose x or y is NaN or infinite are skipped when drawing (a line breaks there); on a
/// log-scaled axis so are points with y ≤ 0. The chart's legend says how many were skipped.
/// If `x` and `y` differ in length, the extra values of the longer one are ignored.
public struct Series: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: SeriesStyle

    public init(_ name: String, x: [Double], y: [Double], style: SeriesStyle = .line) {
        self.name = name
        self.x = x
        self.y = y
        self.style = style
    }

    /// A series over x = 1, 2, 3, … (epochs of a learning curve).
    public init(_ name: String, y: [Double], style: SeriesStyle = .line) {
        self.init(name, x: y.indices.map { Double($0 + 1) }, y: y, style: style)
    }

    /// The (x, y) pairs, as many as the shorter of `x` and `y`.
    var pairs: Zip2Sequence<[Double], [Double]> { zip(x, y) }
}
