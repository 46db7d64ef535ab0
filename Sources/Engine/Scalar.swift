import CBLAS
import Synchronization
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types the engine computes in: `Float` (training default) and `Double`
/// (gradient checks). Everything numeric in the engine is generic over `Scalar`; the few
/// operations that differ per type (BLAS calls, transcendental functions, the vector kernels
/// below) live here. (`Codable` stated, not only implied: Swift 6.3 warns that the SIMD types'
/// same-type constraints on `Self` need it.)
///
/// ## One way across precisions
///
/// This file is the one place where Float and Double part ways; no code asks `T.self == Float.self`.
///
/// - **Per-type kernels are requirements of this protocol**, each conformance giving its own:
///   generic `Lanes<T>` code compiles to one lane at a time through the stack for what the
///   concrete `SIMD8<Float>` / `SIMD8<Double>` do in one instruction (comparisons, blends,
///   square roots), and per-element conversions between two generic types are ~10× slower
///   than concrete ones. In specialised code the requirement is resolved at compile time and
///   inlined; nothing is looked up per element.
/// - **Entry points are specialised with `@_specialize(where T == Float)` and `(where T ==
///   Double)`**: `Trainer`'s run, `Network.evaluate`, both `Network.predict`s, and (in Data)
///   `Dataset.fillBatch`. Generic code called from another module (the shell, the tests) runs
///   unspecialised — about 70× slower for training; the attribute compiles the Float and Double
///   instances in this module and makes the generic entry hand over to them after one type
///   check, so everything they call is specialised too.
public protocol Scalar: BinaryFloatingPoint, SIMDScalar, Sendable, CustomStringConvertible, Codable
where RawSignificand: FixedWidthInteger {
    /// `C = alpha * op(A) * op(B) + beta * C`, all row-major.
    /// op(A) is m×k, op(B) is k×n, C is m×n; `lda`, `ldb`, `ldc` are row strides.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    /// "float32" or "float64": the name used in files and messages.
    static var precisionName: String { get }

    // MARK: Vector kernels (8 lanes; `Lanes<T>` in the hot loops)

    /// √v lane by lane, correctly rounded like `squareRoot()` (whose C `sqrtf` with its errno
    /// check never vectorises on Linux): `sqrtps` / `sqrtpd` on x86-64.
    static func squareRoot(lanes v: SIMD8<Self>) -> SIMD8<Self>
    /// `a` where `y > 0`, else `b`, lane by lane (`y` NaN: `b`): `cmpps`/`cmppd` and a blend.
    static func select(_ a: SIMD8<Self>, whereIsPositive y: SIMD8<Self>, else b: SIMD8<Self>) -> SIMD8<Self>
    /// `a` where `x < y`, else `b`, lane by lane (either NaN: `b`); and where `x == y` (−0 equals
    /// 0; NaN: `b`). Generic code comparing `SIMD` vectors runs lane by lane; these are one
    /// compare and one blend.
    static func select(_ a: SIMD8<Self>, where x: SIMD8<Self>, isBelow y: SIMD8<Self>, else b: SIMD8<Self>) -> SIMD8<Self>
    static func select(_ a: SIMD8<Self>, where x: SIMD8<Self>, equals y: SIMD8<Self>, else b: SIMD8<Self>) -> SIMD8<Self>
    /// The logistic function and tanh of 8 values. Float: the engine's own vector
    /// approximations (`sigmoid8`, `tanh8`); Double: lane by lane through `Activation.sigmoid`
    /// and the C library's tanh, whose accuracy the gradient checks rely on.
    static func sigmoid(lanes z: SIMD8<Self>) -> SIMD8<Self>
    static func tanh(lanes z: SIMD8<Self>) -> SIMD8<Self>

    // MARK: Conversions

    /// `destination[i] = T(source[i])` for i < count (a copy when the types agree): hands over
    /// to `T`'s concrete `convert(floats:…)` or `convert(doubles:…)`.
    static func convert<T: Scalar>(_ source: UnsafePointer<Self>, into destination: UnsafeMutablePointer<T>, count: Int)
    static func convert(floats source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Self>, count: Int)
    static func convert(doubles source: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Self>, count: Int)
    /// b / 255 for every byte b (`byteFractions[b]`), made once per type: pixel bytes as
    /// inputs in [0, 1].
    static var byteFractions: [Self] { get }
}

@inline(__always)
private func cblasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Float: Scalar {
    @inlinable public static var precisionName: String { "float32" }
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }

    @inline(__always)
    public static func squareRoot(lanes v: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        return SIMD8(lowHalf: _mm_sqrt_ps(v.lowHalf), highHalf: _mm_sqrt_ps(v.highHalf))
        #else
        return laneByLane(v) { $0.squareRoot() }
        #endif
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Float>, whereIsPositive y: SIMD8<Float>, else b: SIMD8<Float>) -> SIMD8<Float> {
        b.replacing(with: a, where: y .> 0)
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Float>, where x: SIMD8<Float>, isBelow y: SIMD8<Float>, else b: SIMD8<Float>) -> SIMD8<Float> {
        b.replacing(with: a, where: x .< y)
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Float>, where x: SIMD8<Float>, equals y: SIMD8<Float>, else b: SIMD8<Float>) -> SIMD8<Float> {
        b.replacing(with: a, where: x .== y)
    }
    @inline(__always) public static func sigmoid(lanes z: SIMD8<Float>) -> SIMD8<Float> { sigmoid8(z) }
    @inline(__always) public static func tanh(lanes z: SIMD8<Float>) -> SIMD8<Float> { tanh8(z) }

    @inline(__always)
    public static func convert<T: Scalar>(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<T>, count: Int) {
        T.convert(floats: source, into: destination, count: count)
    }
    @inline(__always)
    public static func convert(floats source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        destination.update(from: source, count: count)
    }
    @inline(__always)
    public static func convert(doubles source: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { destination[i] = Float(source[i]) }
    }
    public static let byteFractions: [Float] = (0..<256).map { Float($0) / 255 }
}

extension Double: Scalar {
    @inlinable public static var precisionName: String { "float64" }
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    @inlinable public static func exp(_ x: Double) -> Double { _exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { _log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { _tanh(x) }

    @inline(__always)
    public static func squareRoot(lanes v: SIMD8<Double>) -> SIMD8<Double> {
        #if arch(x86_64)
        let low = SIMD4(lowHalf: _mm_sqrt_pd(v.lowHalf.lowHalf), highHalf: _mm_sqrt_pd(v.lowHalf.highHalf))
        let high = SIMD4(lowHalf: _mm_sqrt_pd(v.highHalf.lowHalf), highHalf: _mm_sqrt_pd(v.highHalf.highHalf))
        return SIMD8(lowHalf: low, highHalf: high)
        #else
        return laneByLane(v) { $0.squareRoot() }
        #endif
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Double>, whereIsPositive y: SIMD8<Double>, else b: SIMD8<Double>) -> SIMD8<Double> {
        b.replacing(with: a, where: y .> 0)
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Double>, where x: SIMD8<Double>, isBelow y: SIMD8<Double>, else b: SIMD8<Double>) -> SIMD8<Double> {
        b.replacing(with: a, where: x .< y)
    }
    @inline(__always)
    public static func select(_ a: SIMD8<Double>, where x: SIMD8<Double>, equals y: SIMD8<Double>, else b: SIMD8<Double>) -> SIMD8<Double> {
        b.replacing(with: a, where: x .== y)
    }
    @inline(__always)
    public static func sigmoid(lanes z: SIMD8<Double>) -> SIMD8<Double> { laneByLane(z) { Activation.sigmoid($0) } }
    @inline(__always)
    public static func tanh(lanes z: SIMD8<Double>) -> SIMD8<Double> { laneByLane(z) { _tanh($0) } }

    @inline(__always)
    public static func convert<T: Scalar>(_ source: UnsafePointer<Double>, into destination: UnsafeMutablePointer<T>, count: Int) {
        T.convert(doubles: source, into: destination, count: count)
    }
    @inline(__always)
    public static func convert(floats source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { destination[i] = Double(source[i]) }
    }
    @inline(__always)
    public static func convert(doubles source: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Double>, count: Int) {
        destination.update(from: source, count: count)
    }
    public static let byteFractions: [Double] = (0..<256).map { Double($0) / 255 }
}

/// `f` applied to each lane.
@inline(__always)
private func laneByLane<T: Scalar>(_ v: SIMD8<T>, _ f: (T) -> T) -> SIMD8<T> {
    var r = v
    for i in r.indices { r[i] = f(v[i]) }
    return r
}

/// How many threads the engine computes with (the shell's `threads` setting).
///
/// Outside training this is the size of BLAS's own thread pool. While any training runs, BLAS
/// is kept single-threaded and the trainer splits its large GEMMs and optimiser updates over
/// `current` threads itself (`WorkerPool`); the last training to finish hands BLAS its thread
/// count back. The same seed and thread count give the same bits.
public enum BLASThreads {
    public static func set(_ count: Int) {
        state.withLock { s in
            s.requested = max(1, count)
            if s.trainings == 0 { nnsh_blas_set_threads(Int32(s.requested)) }
        }
    }

    public static var current: Int { state.withLock { $0.requested } }

    /// The count the process started with: BLAS's own default (every CPU, or
    /// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS when set).
    public static let initial = max(1, Int(nnsh_blas_threads()))

    /// Called when a training run starts: BLAS goes single-threaded; returns `current`.
    static func beginTraining() -> Int {
        state.withLock { s in
            if s.trainings == 0 { nnsh_blas_set_threads(1) }
            s.trainings += 1
            return s.requested
        }
    }

    /// Called when a training run ends: the last one gives BLAS its thread count back.
    static func endTraining() {
        state.withLock { s in
            s.trainings -= 1
            if s.trainings == 0 { nnsh_blas_set_threads(Int32(s.requested)) }
        }
    }

    private struct State: Sendable {
        var requested: Int
        var trainings: Int
    }

    private static let state = Mutex(State(requested: initial, trainings: 0))
}

// Free-function spellings of the C library's double-precision functions, so the Double
// conformance's static members do not call themselves.
@usableFromInline func _exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline func _sin(_ x: Double) -> Double { sin(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
