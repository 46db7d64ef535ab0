#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with subnormal floats flushed to zero (x86-64 with glibc: the MXCSR's flush-to-zero
/// and denormals-are-zero bits through `fesetenv`, on this thread only; restored afterwards).
///
/// Why: Adam's first moment of a parameter whose gradient is always zero (a pixel that is 0
/// in every image, a dead ReLU unit) decays by β₁ each step and becomes subnormal after about
/// 700 steps; arithmetic on subnormals is then ~100× slower and an epoch took 40% longer.
/// Values below ~1e-38 (Float) change to 0, deterministically, so seeds still replay.
@inline(__always)
func withSubnormalsFlushed<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
    #if arch(x86_64) && canImport(Glibc)
    var saved = fenv_t()
    fegetenv(&saved)
    var flushing = saved
    flushing.__mxcsr |= 0x8040   // FTZ (bit 15) | DAZ (bit 6)
    fesetenv(&flushing)
    defer { fesetenv(&saved) }
    #endif
    return try body()
}
