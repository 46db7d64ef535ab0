import Engine

/// One-hot encoding: class `c` of `k` becomes a row of `k` values, all 0 but a 1 at `c`.
public enum OneHot {
    /// `out[i, labels[i]] = 1`, all else 0: a `labels.count × classCount` matrix.
    /// Labels must lie in `0..<classCount`.
    public static func encode<T: Scalar>(_ labels: [Int], classCount: Int, as type: T.Type = T.self) -> Matrix<T> {
        var out = Matrix<T>(rows: labels.count, columns: classCount)
        for (i, label) in labels.enumerated() { out[i, label] = 1 }
        return out
    }

    /// The class of each row: the index of its largest value (the first on ties).
    public static func decode<T: Scalar>(_ rows: Matrix<T>) -> [Int] {
        (0..<rows.rows).map { r in
            var best = 0
            for c in 1..<max(1, rows.columns) where rows[r, c] > rows[r, best] { best = c }
            return best
        }
    }
}

extension Dataset {
    /// Replaces the categorical feature `column` by one 0/1 indicator column per distinct value
    /// (in increasing order of value), inserted where the column was.
    ///
    ///     features [x, colour, y] with colour ∈ {1, 2, 7}  →  [x, c=1, c=2, c=7, y]
    public func oneHotEncodingFeature(_ column: Int) throws(DataError) -> Dataset {
        guard (0..<inputWidth).contains(column) else {
            throw DataError(.invalidArgument, file: name,
                            "feature \(column) does not exist (there are \(inputWidth))")
        }
        let categories = Array(Set((0..<count).map { feature($0, column) })).sorted()
        guard categories.count <= 1000 else {
            throw DataError(.invalidArgument, file: name,
                            "feature \(column) has \(categories.count) distinct values; too many to one-hot encode")
        }
        let position = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, $0) })
        let width = inputWidth - 1 + categories.count
        try checkCopy(featureBytes: MemoryLayout<Double>.stride, width: width, for: "the one-hot encoded copy")
        var values = [Double]()
        values.reserveCapacity(count * width)
        for i in 0..<count {
            for j in 0..<inputWidth {
                if j == column {
                    let hot = position[feature(i, j)]!
                    for c in 0..<categories.count { values.append(c == hot ? 1 : 0) }
                } else {
                    values.append(feature(i, j))
                }
            }
        }
        var d = self
        d.replaceFeatures(features.withSamePrecision(values), width: width)
        return d
    }
}

extension FeatureStorage {
    /// New values stored as Double when this storage is Double, else as Float.
    func withSamePrecision(_ values: [Double]) -> FeatureStorage {
        if case .double = self { return .double(values) }
        return .float(values.map { Float($0) })
    }
}
