/// Eight scalars processed as one SIMD vector by the element-wise hot loops.
typealias Lanes<T: Scalar> = SIMD8<T>

extension UnsafePointer where Pointee: Scalar {
    /// The 8 values starting at `i` (no alignment needed).
    @inline(__always)
    func lanes(at i: Int) -> Lanes<Pointee> {
        UnsafeRawPointer(self + i).loadUnaligned(as: Lanes<Pointee>.self)
    }
}

extension UnsafeMutablePointer where Pointee: Scalar {
    @inline(__always)
    func lanes(at i: Int) -> Lanes<Pointee> {
        UnsafeRawPointer(self + i).loadUnaligned(as: Lanes<Pointee>.self)
    }

    @inline(__always)
    func store(_ v: Lanes<Pointee>, at i: Int) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: Lanes<Pointee>.self)
    }
}

/// √v lane by lane, correctly rounded (`Scalar.squareRoot(lanes:)`).
@inline(__always)
func squareRoot<T: Scalar>(_ v: Lanes<T>) -> Lanes<T> { T.squareRoot(lanes: v) }

/// `a` where `y > 0`, else `b`, lane by lane (`y` NaN: `b`; `Scalar.select`).
@inline(__always)
func select<T: Scalar>(_ a: Lanes<T>, whereIsPositive y: Lanes<T>, else b: Lanes<T>) -> Lanes<T> {
    T.select(a, whereIsPositive: y, else: b)
}

/// `a` where `x < y`, else `b`, lane by lane (either NaN: `b`; `Scalar.select`).
@inline(__always)
func select<T: Scalar>(_ a: Lanes<T>, where x: Lanes<T>, isBelow y: Lanes<T>, else b: Lanes<T>) -> Lanes<T> {
    T.select(a, where: x, isBelow: y, else: b)
}

/// `a` where `x == y`, else `b`, lane by lane (−0 equals 0; NaN: `b`; `Scalar.select`).
@inline(__always)
func select<T: Scalar>(_ a: Lanes<T>, where x: Lanes<T>, equals y: Lanes<T>, else b: Lanes<T>) -> Lanes<T> {
    T.select(a, where: x, equals: y, else: b)
}

// MARK: - Exponential and friends, 8 lanes at a time (Float)

/// e^x for 8 Floats at once: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by Cephes' `expf`
/// polynomial, 2ⁿ written straight into the exponent bits. About 1 ulp; inputs are clamped to
/// [−87.3, 88.3] (so e^x stays a normal number; below that the result is ~1e-38, not 0).
/// The C library's `expf` runs one value at a time; this is what makes sigmoid and tanh
/// layers cheap in float32.
@inline(__always)
func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let x = x.replacing(with: -87.3, where: x .< -87.3).replacing(with: 88.3, where: x .> 88.3)
    // n = round(x / ln 2): adding 1.5·2²³ makes the addition itself round to an integer, which
    // then sits in the low mantissa bits of t.
    let magic: Float = 12_582_912
    let t = x * 1.442_695_04 + magic
    let n = t - magic
    let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4   // ln 2 in two parts, for accuracy
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let expR = p * r * r + r + 1
    let n127 = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(SIMD8<Float>(repeating: magic), to: SIMD8<Int32>.self) &+ 127
    return expR * unsafeBitCast(n127 &<< 23, to: SIMD8<Float>.self)
}

/// 1 / (1 + e^(−z)) for 8 Floats (saturates cleanly: no overflow, no NaN).
@inline(__always)
func sigmoid8(_ z: SIMD8<Float>) -> SIMD8<Float> {
    1 / (1 + exp8(-z))
}

/// tanh z for 8 Floats: (1 − e^(−2|z|)) / (1 + e^(−2|z|)) with z's sign, and for |z| < 1/16
/// (where that difference cancels) the odd series z − z³/3 + 2z⁵/15 − 17z⁷/315.
@inline(__always)
func tanh8(_ z: SIMD8<Float>) -> SIMD8<Float> {
    let negative = z .< 0
    let a = z.replacing(with: -z, where: negative)
    let t = exp8(-2 * a)
    var y = (1 - t) / (1 + t)
    y = y.replacing(with: -y, where: negative)
    let z2 = z * z
    let c3: Float = -1.0 / 3, c5: Float = 2.0 / 15, c7: Float = -17.0 / 315
    var series = z2 * c7 + c5
    series = series * z2 + c3
    series = z + z * z2 * series
    return y.replacing(with: series, where: a .< 0.0625)
}
