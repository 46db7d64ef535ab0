/// Inverted dropout (Srivastava et al. 2014), a layer with no parameters (`DropoutLayer`, the
/// layer of rate p in a network's stack; this enum holds its rule and its loops).
///
/// While training, every batch draws a mask m[rows, inputs] from the caller's generator:
///
///     m = 1/(1 − p) with probability 1 − p, else 0
///     forward   ã = a ⊙ m                     (a dense layer after it computes f(ã·W + b))
///     backward  ∂a = ∂ã ⊙ m                   (then ∂W = ãᵀ·δ, ∂ã = δ·Wᵀ in the dense layer)
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

/// The dropout layer of rate p in a network's stack (see `Dropout` for the maths): the same
/// shape out as in, no parameters; while training it reads its input through the batch's mask
/// into its own buffer, and at inference it hands its input on unchanged (no copy).
///
/// Its buffers: the mask m and the dropped inputs a ⊙ m (capacity × width each). It has no
/// gradient buffer of its own: backward scales the gradient of its input in place, ∂a = ∂ã ⊙ m,
/// then the layer in front finishes it (`finishGradient`).
package struct DropoutLayer<T: Scalar>: ParameterFreeLayer, Equatable {
    package typealias Element = T
    /// p ∈ [0, 1).
    package let rate: Double

    /// A layer of rate p; throws unless p ∈ [0, 1).
    package init(rate: Double) throws(EngineError) {
        if let why = Dropout.problem(rate: rate) { throw EngineError(.invalidArgument, why) }
        self.rate = rate
    }

    package static var kind: String { "dropout" }

    package func outputShape(for input: Shape) throws(EngineError) -> Shape { input }

    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func makeBuffers(input: Shape, capacity: Int) -> LayerBuffers<T> {
        let sizes = scratchSizes(input: input, capacity: capacity)
        let mask = Buffer<T>(count: sizes[0]), dropped = Buffer<T>(count: sizes[1])
        let width = input.count, rate = rate
        return LayerBuffers(scratch: [mask, dropped], drawPerBatch: { rows, generator in
            Dropout.drawMask(mask.pointer, count: rows * width, rate: rate, generator: &generator)
        })
    }

    /// The mask and the dropped inputs, a value per input per row each (the memory check
    /// counts them, `Trainer.checkMemory`).
    package func scratchSizes(input: Shape, capacity: Int) -> [Int] {
        [capacity * input.count, capacity * input.count]
    }

    /// Training: ã = a ⊙ m into its buffer; otherwise the identity (its output is its input).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func forward(_ pass: Pass<T>, at s: Int) {
        let input = pass.input(s)
        guard pass.training else { return pass.setOutput(s, input) }
        let scratch = pass.buffers(s).scratch
        Dropout.apply(input, mask: scratch[0].pointer, to: scratch[1].pointer, count: pass.rows * width(scratch[0], pass))
        pass.setOutput(s, scratch[1].pointer)
    }

    /// ∂a = ∂ã ⊙ m, in place (training; the identity otherwise).
    @_specialize(where T == Float)
    @_specialize(where T == Double)
    package func backward(_ pass: Pass<T>, at s: Int, frontEpilogue: Epilogue<T>) {
        guard pass.training, pass.needsInputGradient(s) else { return }
        let mask = pass.buffers(s).scratch[0]
        let g = pass.gradient(s)
        Dropout.apply(g, mask: mask.pointer, to: g, count: pass.rows * width(mask, pass))
    }

    package var appliesFrontEpilogue: Bool { false }
    package func gradientEpilogue(_ pass: Pass<T>, at s: Int) -> Epilogue<T> { .none }
    /// Nothing of its own (two dropout layers in a row are refused by `Network.addDropout`).
    package func finishGradient(_ pass: Pass<T>, at s: Int) {}
    package func predict(_ pass: Pass<T>, at s: Int) { pass.setOutput(s, pass.input(s)) }
    package func reference(_ x: Matrix<T>) -> Matrix<T> { x }

    /// "dropout 0.5".
    package var summary: String { "dropout \(rate)" }
    package func convertedLayer<U: Scalar>(to: U.Type) -> any Layer<U> { DropoutLayer<U>(uncheckedRate: rate) }
    package func isEqual(to other: any Layer<T>) -> Bool { (other as? DropoutLayer<T>) == self }

    /// A layer of a rate checked before.
    package init(uncheckedRate: Double) { rate = uncheckedRate }

    /// Values per example: a buffer's count over the workspace's capacity.
    private func width(_ b: Buffer<T>, _ pass: Pass<T>) -> Int { b.count / pass.ws.capacity }
}
