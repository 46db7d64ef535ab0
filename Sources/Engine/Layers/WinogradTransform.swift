/// The six transforms of Winograd's F(m×m, 3×3) (`Winograd`), for m = 2 and 4, each written out
/// as the product with its matrix (Lavin & Gray's, for correlation as CNNs compute it; the
/// matrices themselves are `matrices(m:)`, which the tests multiply out against these):
///
///     input           Bᵀ (α × α)     V = Bᵀ d B           inputGradient    B  (α × α)    ∂d = B ∂V Bᵀ
///     filter          G  (α × 3)     U = G g Gᵀ           filterGradient   Gᵀ (3 × α)    ∂g = Gᵀ ∂U G
///     output          Aᵀ (m × α)     Y = Aᵀ M A           outputGradient   A  (α × m)    ∂M = A ∂Y Aᵀ
///
/// Every 2-D transform is out = L · X · Lᵀ (`apply`): L down each column of X, then along each
/// row of the result; each on 8 lanes (8 tiles or 8 kernels) at once.
enum WinogradTransform: CaseIterable {
    case input, inputGradient, filter, filterGradient, output, outputGradient

    /// Bᵀ, G and Aᵀ for m = 2 and 4 (rows of the matrix).
    static func matrices(m: Int) -> (bT: [[Double]], g: [[Double]], aT: [[Double]]) {
        if m == 2 {
            return ([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
                    [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]],
                    [[1, 1, 1, 0], [0, 1, -1, -1]])
        }
        return ([[4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
                 [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1]],
                [[1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
                 [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1]],
                [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]])
    }

    /// This transform's L for tiles of side m (rows of the matrix).
    func matrix(m: Int) -> [[Double]] {
        let (bT, g, aT) = Self.matrices(m: m)
        func transposed(_ a: [[Double]]) -> [[Double]] { (0..<a[0].count).map { j in a.map { $0[j] } } }
        switch self {
        case .input: return bT
        case .inputGradient: return transposed(bT)
        case .filter: return g
        case .filterGradient: return transposed(g)
        case .output: return aT
        case .outputGradient: return transposed(aT)
        }
    }

    /// out = L · X · Lᵀ for tiles of side m, on 8 lanes: X's entry k (row-major, r × r) is the
    /// 8 values at x + k·xs, out's entry k (a × a) goes to out + k·os; `work` holds a·r·8 values.
    @inline(__always)
    func apply<T: Scalar>(m: Int, _ x: UnsafePointer<T>, _ xs: Int, work: UnsafeMutablePointer<T>,
                          _ out: UnsafeMutablePointer<T>, _ os: Int) {
        switch (self, m) {
        case (.input, 4): Self.twice(r: 6, a: 6, Self.input4, x, xs, work, out, os)
        case (.inputGradient, 4): Self.twice(r: 6, a: 6, Self.inputGradient4, x, xs, work, out, os)
        case (.filter, 4): Self.twice(r: 3, a: 6, Self.filter4, x, xs, work, out, os)
        case (.filterGradient, 4): Self.twice(r: 6, a: 3, Self.filterGradient4, x, xs, work, out, os)
        case (.output, 4): Self.twice(r: 6, a: 4, Self.output4, x, xs, work, out, os)
        case (.outputGradient, 4): Self.twice(r: 4, a: 6, Self.outputGradient4, x, xs, work, out, os)
        case (.input, _): Self.twice(r: 4, a: 4, Self.input2, x, xs, work, out, os)
        case (.inputGradient, _): Self.twice(r: 4, a: 4, Self.inputGradient2, x, xs, work, out, os)
        case (.filter, _): Self.twice(r: 3, a: 4, Self.filter2, x, xs, work, out, os)
        case (.filterGradient, _): Self.twice(r: 4, a: 3, Self.filterGradient2, x, xs, work, out, os)
        case (.output, _): Self.twice(r: 4, a: 2, Self.output2, x, xs, work, out, os)
        case (.outputGradient, _): Self.twice(r: 2, a: 4, Self.outputGradient2, x, xs, work, out, os)
        }
    }

    /// One line of lanes x[k·xs] (k < r) into out[i·os] (i < a).
    typealias Line<T: Scalar> = (UnsafePointer<T>, Int, UnsafeMutablePointer<T>, Int) -> Void

    /// work = L · X (each of X's r columns), then out = work · Lᵀ (each of work's a rows).
    @inline(__always)
    static func twice<T: Scalar>(r: Int, a: Int, _ line: Line<T>, _ x: UnsafePointer<T>, _ xs: Int,
                                 _ work: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<T>, _ os: Int) {
        for j in 0..<r { line(x + j * xs, r * xs, work + j * 8, r * 8) }
        for i in 0..<a { line(UnsafePointer(work + i * r * 8), 8, out + i * a * os, os) }
    }

    // MARK: F(4×4, 3×3)

    /// Bᵀ d: rows 4 0 −5 0 1 0 | 0 −4 −4 1 1 0 | 0 4 −4 −1 1 0 | 0 −2 −1 2 1 0 | 0 2 −1 −2 1 0 | 0 4 0 −5 0 1.
    @inline(__always)
    static func input4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let d0 = x.lanes(at: 0), d1 = x.lanes(at: xs), d2 = x.lanes(at: 2 * xs)
        let d3 = x.lanes(at: 3 * xs), d4 = x.lanes(at: 4 * xs), d5 = x.lanes(at: 5 * xs)
        let four: T = 4, five: T = 5, two: T = 2
        let s12 = d1 + d2, t12 = d1 - d2, d42 = d4 - d2, t31 = d3 - d1
        o.store(four * d0 - five * d2 + d4, at: 0)
        o.store(d4 + d3 - four * s12, at: os)
        o.store(d4 - d3 + four * t12, at: 2 * os)
        o.store(d42 + two * t31, at: 3 * os)
        o.store(d42 - two * t31, at: 4 * os)
        o.store(four * d1 - five * d3 + d5, at: 5 * os)
    }

    /// B e (Bᵀ's columns).
    @inline(__always)
    static func inputGradient4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let e0 = x.lanes(at: 0), e1 = x.lanes(at: xs), e2 = x.lanes(at: 2 * xs)
        let e3 = x.lanes(at: 3 * xs), e4 = x.lanes(at: 4 * xs), e5 = x.lanes(at: 5 * xs)
        let four: T = 4, five: T = 5, two: T = 2
        let s12 = e1 + e2, t21 = e2 - e1, s34 = e3 + e4, t34 = e3 - e4
        o.store(four * e0, at: 0)
        o.store(four * (t21 + e5) - two * t34, at: os)
        o.store(-five * e0 - four * s12 - s34, at: 2 * os)
        o.store(two * t34 - t21 - five * e5, at: 3 * os)
        o.store(e0 + s12 + s34, at: 4 * os)
        o.store(e5, at: 5 * os)
    }

    /// G g: rows 1/4 0 0 | −1/6 −1/6 −1/6 | −1/6 1/6 −1/6 | 1/24 1/12 1/6 | 1/24 −1/12 1/6 | 0 0 1.
    @inline(__always)
    static func filter4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let g0 = x.lanes(at: 0), g1 = x.lanes(at: xs), g2 = x.lanes(at: 2 * xs)
        let quarter: T = 0.25, sixth: T = 1.0 / 6, twelfth: T = 1.0 / 12, twentyFourth: T = 1.0 / 24
        let s02 = g0 + g2
        o.store(quarter * g0, at: 0)
        o.store(-sixth * (s02 + g1), at: os)
        o.store(-sixth * (s02 - g1), at: 2 * os)
        let a = twentyFourth * g0 + sixth * g2, b = twelfth * g1
        o.store(a + b, at: 3 * os)
        o.store(a - b, at: 4 * os)
        o.store(g2, at: 5 * os)
    }

    /// Gᵀ u (G's columns).
    @inline(__always)
    static func filterGradient4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let u0 = x.lanes(at: 0), u1 = x.lanes(at: xs), u2 = x.lanes(at: 2 * xs)
        let u3 = x.lanes(at: 3 * xs), u4 = x.lanes(at: 4 * xs), u5 = x.lanes(at: 5 * xs)
        let quarter: T = 0.25, sixth: T = 1.0 / 6, twelfth: T = 1.0 / 12, twentyFourth: T = 1.0 / 24
        let s12 = u1 + u2, s34 = u3 + u4
        o.store(quarter * u0 - sixth * s12 + twentyFourth * s34, at: 0)
        o.store(sixth * (u2 - u1) + twelfth * (u3 - u4), at: os)
        o.store(sixth * (s34 - s12) + u5, at: 2 * os)
    }

    /// Aᵀ m: rows 1 1 1 1 1 0 | 0 1 −1 2 −2 0 | 0 1 1 4 4 0 | 0 1 −1 8 −8 1.
    @inline(__always)
    static func output4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let m0 = x.lanes(at: 0), m1 = x.lanes(at: xs), m2 = x.lanes(at: 2 * xs)
        let m3 = x.lanes(at: 3 * xs), m4 = x.lanes(at: 4 * xs), m5 = x.lanes(at: 5 * xs)
        let two: T = 2, four: T = 4, eight: T = 8
        let s12 = m1 + m2, t12 = m1 - m2, s34 = m3 + m4, t34 = m3 - m4
        o.store(m0 + s12 + s34, at: 0)
        o.store(t12 + two * t34, at: os)
        o.store(s12 + four * s34, at: 2 * os)
        o.store(t12 + eight * t34 + m5, at: 3 * os)
    }

    /// A y (Aᵀ's columns).
    @inline(__always)
    static func outputGradient4<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let y0 = x.lanes(at: 0), y1 = x.lanes(at: xs), y2 = x.lanes(at: 2 * xs), y3 = x.lanes(at: 3 * xs)
        let two: T = 2, four: T = 4, eight: T = 8
        let s02 = y0 + y2, s13 = y1 + y3, e = y0 + four * y2, f = two * y1 + eight * y3
        o.store(y0, at: 0)
        o.store(s02 + s13, at: os)
        o.store(s02 - s13, at: 2 * os)
        o.store(e + f, at: 3 * os)
        o.store(e - f, at: 4 * os)
        o.store(y3, at: 5 * os)
    }

    // MARK: F(2×2, 3×3)

    /// Bᵀ d: rows 1 0 −1 0 | 0 1 1 0 | 0 −1 1 0 | 0 1 0 −1.
    @inline(__always)
    static func input2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let d0 = x.lanes(at: 0), d1 = x.lanes(at: xs), d2 = x.lanes(at: 2 * xs), d3 = x.lanes(at: 3 * xs)
        o.store(d0 - d2, at: 0)
        o.store(d1 + d2, at: os)
        o.store(d2 - d1, at: 2 * os)
        o.store(d1 - d3, at: 3 * os)
    }

    /// B e.
    @inline(__always)
    static func inputGradient2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let e0 = x.lanes(at: 0), e1 = x.lanes(at: xs), e2 = x.lanes(at: 2 * xs), e3 = x.lanes(at: 3 * xs)
        o.store(e0, at: 0)
        o.store(e1 - e2 + e3, at: os)
        o.store(e1 + e2 - e0, at: 2 * os)
        o.store(-e3, at: 3 * os)
    }

    /// G g: rows 1 0 0 | 1/2 1/2 1/2 | 1/2 −1/2 1/2 | 0 0 1.
    @inline(__always)
    static func filter2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let g0 = x.lanes(at: 0), g1 = x.lanes(at: xs), g2 = x.lanes(at: 2 * xs)
        let half: T = 0.5, s02 = g0 + g2
        o.store(g0, at: 0)
        o.store(half * (s02 + g1), at: os)
        o.store(half * (s02 - g1), at: 2 * os)
        o.store(g2, at: 3 * os)
    }

    /// Gᵀ u.
    @inline(__always)
    static func filterGradient2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let u0 = x.lanes(at: 0), u1 = x.lanes(at: xs), u2 = x.lanes(at: 2 * xs), u3 = x.lanes(at: 3 * xs)
        let half: T = 0.5, s12 = half * (u1 + u2)
        o.store(u0 + s12, at: 0)
        o.store(half * (u1 - u2), at: os)
        o.store(s12 + u3, at: 2 * os)
    }

    /// Aᵀ m: rows 1 1 1 0 | 0 1 −1 −1.
    @inline(__always)
    static func output2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let m0 = x.lanes(at: 0), m1 = x.lanes(at: xs), m2 = x.lanes(at: 2 * xs), m3 = x.lanes(at: 3 * xs)
        o.store(m0 + m1 + m2, at: 0)
        o.store(m1 - m2 - m3, at: os)
    }

    /// A y.
    @inline(__always)
    static func outputGradient2<T: Scalar>(_ x: UnsafePointer<T>, _ xs: Int, _ o: UnsafeMutablePointer<T>, _ os: Int) {
        let y0 = x.lanes(at: 0), y1 = x.lanes(at: xs)
        o.store(y0, at: 0)
        o.store(y0 + y1, at: os)
        o.store(y0 - y1, at: 2 * os)
        o.store(-y1, at: 3 * os)
    }
}
