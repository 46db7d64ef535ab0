#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

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

/// √v lane by lane. The standard library's `squareRoot()` goes through the C library's `sqrtf`
/// (with its errno check) and never vectorises on Linux, so on x86-64 this uses the SSE
/// instructions (`sqrtps`, `sqrtpd`: correctly rounded, like `squareRoot()`) and elsewhere
/// falls back to one lane at a time. The type tests fold away when `T` is concrete.
@inline(__always)
func squareRoot<T: Scalar>(_ v: Lanes<T>) -> Lanes<T> {
    #if arch(x86_64)
    if T.self == Float.self {
        let f = unsafeBitCast(v, to: SIMD8<Float>.self)
        let r = SIMD8(lowHalf: _mm_sqrt_ps(f.lowHalf), highHalf: _mm_sqrt_ps(f.highHalf))
        return unsafeBitCast(r, to: Lanes<T>.self)
    }
    if T.self == Double.self {
        let d = unsafeBitCast(v, to: SIMD8<Double>.self)
        let low = SIMD4(lowHalf: _mm_sqrt_pd(d.lowHalf.lowHalf), highHalf: _mm_sqrt_pd(d.lowHalf.highHalf))
        let high = SIMD4(lowHalf: _mm_sqrt_pd(d.highHalf.lowHalf), highHalf: _mm_sqrt_pd(d.highHalf.highHalf))
        return unsafeBitCast(SIMD8(lowHalf: low, highHalf: high), to: Lanes<T>.self)
    }
    #endif
    var r = v
    for i in r.indices { r[i] = v[i].squareRoot() }
    return r
}
