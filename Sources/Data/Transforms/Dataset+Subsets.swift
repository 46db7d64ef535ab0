import Engine

extension Dataset {
    /// The examples at `indices`, in that order (repeats allowed). Every per-example array
    /// follows. Indices must be valid (`0..<count`).
    public func subset(_ indices: [Int]) -> Dataset {
        var d = self
        d.replaceExamples(
            features: features.gathered(rows: indices, width: inputWidth),
            targets: targets.gathered(rows: indices),
            trueTargets: trueTargets?.gatheredRows(indices),
            rawInput: rawInput.map { raw in indices.map { raw[$0] } },
            count: indices.count)
        return d
    }

    /// The first `n` examples (all of them when `n >= count`).
    public func take(_ n: Int) -> Dataset {
        subset(Array(0..<max(0, min(n, count))))
    }

    /// The examples `range` (0-based, end excluded).
    public func slice(_ range: Range<Int>) throws(DataError) -> Dataset {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw DataError(.invalidArgument, file: name,
                            "slice \(range.lowerBound)..<\(range.upperBound) is outside 0..<\(count)")
        }
        try checkCopy(examples: range.count, for: "\(range.count) examples")
        return subset(Array(range))
    }

    /// The same examples in a random order.
    public func shuffled(using generator: inout RandomGenerator) -> Dataset {
        var order = Array(0..<count)
        generator.shuffle(&order)
        return subset(order)
    }

    /// Replaces all per-example arrays at once; used by subsets and feature transforms.
    mutating func replaceExamples(
        features: FeatureStorage, targets: Targets, trueTargets: Matrix<Double>?,
        rawInput: [Double]?, count: Int
    ) {
        self.features = features
        self.targets = targets
        self.trueTargets = trueTargets
        self.rawInput = rawInput
        self.count = count
    }

    /// Replaces the features (same examples, possibly a new width); drops the image shape when
    /// the width changes.
    mutating func replaceFeatures(_ features: FeatureStorage, width: Int) {
        if width != inputWidth { imageShape = nil }
        self.features = features
        self.inputWidth = width
    }
}
