import Engine

extension Dataset {
    /// Splits the examples at random into a training part of `trainFraction` of them and a test
    /// part of the rest (each part at least one example). Class data are split per class
    /// (stratified), so both parts keep the class proportions as closely as whole numbers
    /// allow; the parts are then shuffled.
    ///
    ///     var rng = RandomGenerator(seed: 1993)
    ///     let (train, test) = try data.split(trainFraction: 0.8, using: &rng)
    public func split(trainFraction: Double, using generator: inout RandomGenerator)
        throws(DataError) -> (train: Dataset, test: Dataset)
    {
        guard trainFraction > 0, trainFraction < 1 else {
            throw DataError(.invalidArgument, file: name, "the training fraction must lie strictly between 0 and 1, not \(trainFraction)")
        }
        guard count >= 2 else {
            throw DataError(.invalidArgument, file: name, "cannot split \(count) example\(count == 1 ? "" : "s") in two")
        }
        try checkCopy(for: "the split of \(count) examples")
        let testCount = min(count - 1, max(1, Int((Double(count) * (1 - trainFraction)).rounded())))
        var testIndices = [Int](), trainIndices = [Int]()
        let groups = exampleGroups(using: &generator)
        // Largest-remainder quotas: each class gives floor(n_c · f) test examples, and the few
        // still missing come from the classes with the largest fractional parts.
        let exact = groups.map { Double($0.count) * Double(testCount) / Double(count) }
        var quota = exact.map { Int($0.rounded(.down)) }
        let missing = testCount - quota.reduce(0, +)
        let byRemainder = exact.indices.sorted { exact[$0] - Double(quota[$0]) > exact[$1] - Double(quota[$1]) }
        for g in byRemainder.prefix(missing) { quota[g] += 1 }
        for (g, members) in groups.enumerated() {
            testIndices += members.prefix(quota[g])
            trainIndices += members.dropFirst(quota[g])
        }
        generator.shuffle(&trainIndices)
        generator.shuffle(&testIndices)
        return (subset(trainIndices), subset(testIndices))
    }

    /// k-fold cross-validation: the examples dealt at random into `k` folds of nearly equal size
    /// (per class, for class data); fold i is the test part of the i-th pair, the other folds
    /// its training part.
    public func folds(_ k: Int, using generator: inout RandomGenerator)
        throws(DataError) -> [(train: Dataset, test: Dataset)]
    {
        guard k >= 2 else { throw DataError(.invalidArgument, file: name, "k-fold needs k ≥ 2, not \(k)") }
        guard k <= count else {
            throw DataError(.invalidArgument, file: name, "cannot make \(k) folds of \(count) examples")
        }
        try checkCopy(copies: k, for: "\(k) folds of \(count) examples (each a training and a test part)")
        var foldOf = [Int](repeating: 0, count: count)
        var next = 0
        for members in exampleGroups(using: &generator) {
            for i in members {
                foldOf[i] = next
                next = (next + 1) % k
            }
        }
        return (0..<k).map { fold in
            let test = (0..<count).filter { foldOf[$0] == fold }
            let train = (0..<count).filter { foldOf[$0] != fold }
            return (subset(train), subset(test))
        }
    }

    /// The example indices grouped by class (one group for regression data), each group
    /// shuffled.
    private func exampleGroups(using generator: inout RandomGenerator) -> [[Int]] {
        var groups: [[Int]]
        if case .classes(let labels, let k) = targets {
            groups = Array(repeating: [], count: k)
            for (i, label) in labels.enumerated() { groups[label].append(i) }
        } else {
            groups = [Array(0..<count)]
        }
        for g in groups.indices { generator.shuffle(&groups[g]) }
        return groups
    }
}
