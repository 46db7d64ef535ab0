import CBLAS
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types the engine computes in: `Float` (training default) and `Double`
/// (gradient checks). Everything numeric in the engine is generic over `Scalar`; the few
/// operations that differ per type (BLAS calls, transcendental functions) live here.
/// (`Codable` stated, not only implied: Swift 6.3 warns that the SIMD types' same-type
/// constraints on `Self` need it.)
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

    private static let state = Mutex(State(requested: max(1, Int(nnsh_blas_threads())), trainings: 0))
}

// Free-function spellings of the C library's double-precision functions, so the Double
// conformance's static members do not call themselves.
@usableFromInline func _exp(_ x: Double) -> Double { exp(x) }
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _tanh(_ x: Double) -> Double { tanh(x) }
@usableFromInline func _sin(_ x: Double) -> Double { sin(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
