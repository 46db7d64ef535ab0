/// Inverted dropout (Srivastava et al. 2014), a layer with no parameters placed in front of a
/// dense layer (`DenseLayer.inputDropout` holds its rate p).
///
/// While training, every batch draws a mask m[rows, inputs] from the caller's generator:
///
///     m = 1/(1 − p) with probability 1 − p, else 0
///     forward   ã = a ⊙ m                     (the dense layer then computes f(ã·W + b))
///     backward  ∂W = ãᵀ·δ,   ∂a = (δ·Wᵀ) ⊙ m
///
/// so E[ã] = a and nothing changes at inference, where the layer is the identity. The masks
/// live in the `Workspace`, drawn before each forward pass; the batch loop allocates nothing.
public enum Dropout {
    /// Why `rate` cannot be a dropout rate (it must lie in [0, 1)), or nil.
    public static func problem(rate: Double) -> String? {
        rate >= 0 && rate < 1 ? nil : "a dropout rate must be at least 0 and below 1, got \(rate)"
    }

    /// Fills `mask[0..<count]` with 1/(1 − rate) (kept, probability 1 − rate) or 0 (dropped).
    ///
    /// Each 64-bit draw of `generator` decides two elements through its two 32-bit halves,
    /// kept when the half is below (1 − rate)·2³², so the kept fraction is 1 − rate to within 2⁻³².
    static func drawMask<T: Scalar>(_ mask: UnsafeMutablePointer<T>, count: Int, rate: Double,
                                    generator: inout RandomGenerator) {
        let keep = 1 - rate
        let threshold = UInt64(Swift.min(keep * 4_294_967_296, 4_294_967_295))
        let scale = T(1 / keep)
        var i = 0
        while i + 1 < count {
            let bits = generator.next()
            mask[i] = bits >> 32 < threshold ? scale : 0
            mask[i + 1] = bits & 0xFFFF_FFFF < threshold ? scale : 0
            i += 2
        }
        if i < count { mask[i] = generator.next() >> 32 < threshold ? scale : 0 }
    }

    /// out[i] = a[i] · mask[i] for i in 0..<count (`out` may be `a`).
    static func apply<T: Scalar>(_ a: UnsafePointer<T>, mask: UnsafePointer<T>, to out: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count { out[i] = a[i] * mask[i] }
    }
}
