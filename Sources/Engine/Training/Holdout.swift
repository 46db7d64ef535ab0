/// A fraction of the training data held out for validation, chosen by its own seed so the same
/// seed picks the same examples in every run (and a second `train` on the same data with the
/// same seed never trains on the previous run's validation examples).
///
///     let split = Holdout(fraction: 0.1, seed: 7).split(count: 1000)
///     // split.validation: 100 example indices, split.training: the other 900, both ascending
public struct Holdout: Hashable, Sendable {
    /// Share of the examples held out, 0 < fraction < 1.
    public var fraction: Double
    public var seed: UInt64

    public init(fraction: Double, seed: UInt64) {
        self.fraction = fraction
        self.seed = seed
    }

    /// The indices 0..<count cut in two: `validation` holds round(fraction · count) examples
    /// (at least 1, at most count − 1) drawn by a fresh generator from `seed`; `training` the
    /// rest. Both are ascending and disjoint, and together they cover 0..<count.
    public func split(count: Int) throws(EngineError) -> HoldoutSplit {
        guard count >= 2 else {
            throw EngineError(.empty, "holding out examples needs at least 2, the training data has \(count)")
        }
        let held = Swift.min(Swift.max(Int((fraction * Double(count)).rounded()), 1), count - 1)
        var generator = RandomGenerator(seed: seed)
        var order = Array(0..<count)
        generator.shuffle(&order)
        return HoldoutSplit(training: order[held...].sorted(), validation: order[..<held].sorted())
    }

    var fieldProblem: (field: TrainingOptions.Field, message: String)? {
        fraction > 0 && fraction < 1 ? nil : (.holdout, "the holdout fraction must be between 0 and 1 (exclusive), got \(fraction)")
    }
}

/// Example indices for training and for validation (empty when nothing is held out).
public struct HoldoutSplit: Hashable, Sendable {
    public var training: [Int]
    public var validation: [Int]

    /// Every example trains, none is held out.
    static func all(_ count: Int) -> HoldoutSplit { HoldoutSplit(training: Array(0..<count), validation: []) }
}
