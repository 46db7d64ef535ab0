import Engine

/// The Runge function `f(x) = 1 / (1 + 25x²)` as a regression set: the classic example where
/// high-degree polynomial interpolation on equispaced points oscillates near the ends.
///
///     var rng = RandomGenerator(seed: 1993)
///     let r = try Runge.make(count: 18, noise: 0.1, using: &rng)   // x in [-1, 1], y = f(x) + N(0, 0.1²)
///     r.trueTargets   // the noiseless f(x), to score a model against the true function
public enum Runge {
    public enum Spacing: String, Sendable {
        /// x drawn uniformly at random from the interval (in the order drawn).
        case random
        /// x evenly spaced from one end of the interval to the other, both ends included.
        case equispaced
    }

    /// f(x) = 1 / (1 + 25x²).
    public static func f(_ x: Double) -> Double { 1 / (1 + 25 * x * x) }

    /// `count` examples with one feature x (or x, x², …, x^degree when `degree > 1`) and one
    /// target y = f(x) + noise·N(0, 1). The noiseless f(x) is kept as `trueTargets` and x as
    /// `rawInput`. Features are stored in Double unless `precision` says Float.
    public static func make(
        count: Int, interval: ClosedRange<Double> = -1...1, spacing: Spacing = .random,
        noise: Double = 0, degree: Int = 1, precision: FeaturePrecision = .double,
        using generator: inout RandomGenerator
    ) throws(DataError) -> Dataset {
        guard count >= 1, count <= 10_000_000 else {
            throw DataError(.invalidArgument, file: "runge", "the number of points must be 1 to 10000000, not \(count)")
        }
        guard (1...30).contains(degree) else {
            throw DataError(.invalidArgument, file: "runge", "the polynomial degree must be 1 to 30, not \(degree)")
        }
        try checkMemory(count: count, times: degree + 4, bytesEach: 8, for: "a set of \(count) points", file: "runge")
        guard noise >= 0, noise.isFinite else {
            throw DataError(.invalidArgument, file: "runge", "the noise deviation must be ≥ 0, not \(noise)")
        }
        guard interval.lowerBound.isFinite, interval.upperBound.isFinite else {
            throw DataError(.invalidArgument, file: "runge", "the interval must be finite")
        }
        let a = interval.lowerBound, b = interval.upperBound
        let xs: [Double]
        switch spacing {
        case .random:
            xs = (0..<count).map { _ in a + (b - a) * generator.nextUniform() }
        case .equispaced:
            xs = count == 1 ? [(a + b) / 2] : (0..<count).map { a + (b - a) * Double($0) / Double(count - 1) }
        }
        let clean = xs.map(f)
        let noisy = noise > 0 ? clean.map { $0 + noise * generator.nextGaussian() } : clean
        let features: FeatureStorage = precision == .double ? .double(xs) : .float(xs.map { Float($0) })
        let data = try Dataset(
            name: "runge", features: features, inputWidth: 1,
            targets: .values(Matrix(rows: count, columns: 1, storage: noisy)),
            trueTargets: Matrix(rows: count, columns: 1, storage: clean), rawInput: xs)
        return degree > 1 ? try data.polynomialFeatures(degree: degree) : data
    }
}

/// The precision a reader stores non-pixel features in.
public enum FeaturePrecision: String, Sendable {
    case float, double
}
