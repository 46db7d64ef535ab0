/// The one source of randomness in nnsh: xoshiro256** seeded through SplitMix64.
///
/// It is a value passed in (never a global), so the same seed gives the same numbers on every
/// platform: integers and uniforms are pure integer arithmetic; Gaussians use Box–Muller over
/// the C library's `log`, `sin`, `cos` in Double (correctly rounded on the platforms we build).
/// Its whole state is four words (`state`), so it can be saved and restored exactly.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    public var state: (UInt64, UInt64, UInt64, UInt64)
    /// A cached second Box–Muller variate, part of the state.
    public var spareGaussian: Double?

    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
        spareGaussian = nil
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64), spareGaussian: Double? = nil) {
        self.state = state
        self.spareGaussian = spareGaussian
    }

    /// Why this state cannot be a generator's (one restored from a file), or nil: xoshiro256**
    /// never reaches the all-zero state (it would stay there), and a spare Gaussian is finite.
    public var problem: String? {
        if state == (0, 0, 0, 0) { return "the generator state is all zero, which xoshiro256** cannot have" }
        if let spare = spareGaussian, !spare.isFinite { return "the generator's spare Gaussian is \(spare)" }
        return nil
    }

    public static func == (l: RandomGenerator, r: RandomGenerator) -> Bool {
        l.state == r.state && l.spareGaussian == r.spareGaussian
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Self.rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform integer in `0..<bound` (Lemire's unbiased method).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0)
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal N(0, 1) by the Box–Muller transform.
    public mutating func nextGaussian() -> Double {
        if let g = spareGaussian { spareGaussian = nil; return g }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let radius = (-2 * _log(u1)).squareRoot()
        let angle = 2 * Double.pi * u2
        spareGaussian = radius * _sin(angle)
        return radius * _cos(angle)
    }

    /// Fisher–Yates, our own (the standard library's shuffle may change between versions).
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ c: inout C)
    where C.Index == Int {
        guard c.count > 1 else { return }
        for i in stride(from: c.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            c.swapAt(c.startIndex + i, c.startIndex + j)
        }
    }

    /// The same shuffle (the same draws, the same order) of an array of indices, without the
    /// generic collection protocols: unoptimised, their `swapAt` allocates on every swap, and
    /// the trainer shuffles every epoch.
    public mutating func shuffle(_ a: inout [Int]) {
        guard a.count > 1 else { return }
        var i = a.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            let t = a[i]
            a[i] = a[j]
            a[j] = t
            i -= 1
        }
    }
}
