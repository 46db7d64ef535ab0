/// What a matrix holds, at a glance: the numbers the shell prints for `net.layers[0].weights`
/// and the smaller grid its heatmap draws. The shell shows these; it never computes on weights.
public struct MatrixStatistics: Equatable, Sendable {
    /// Over the finite elements; nil when there are none.
    public var minimum: Double?
    public var maximum: Double?
    public var mean: Double?
    /// Elements that are NaN or infinite (a diverged run).
    public var nonFinite: Int
}

extension Matrix {
    /// Minimum, maximum and mean of the finite elements, and how many are not finite.
    public var statistics: MatrixStatistics {
        var low = Double.infinity, high = -Double.infinity, sum = 0.0, finite = 0
        for x in storage {
            let v = Double(x)
            guard v.isFinite else { continue }
            low = Swift.min(low, v)
            high = Swift.max(high, v)
            sum += v
            finite += 1
        }
        guard finite > 0 else { return MatrixStatistics(minimum: nil, maximum: nil, mean: nil, nonFinite: count) }
        return MatrixStatistics(minimum: low, maximum: high, mean: sum / Double(finite), nonFinite: count - finite)
    }

    /// At most `maxRows × maxColumns` cells: row r of the result averages rows
    /// `r·rows/outRows ..< (r+1)·rows/outRows` (columns likewise), so every element counts in
    /// exactly one cell. Non-finite elements are left out of a cell's mean; a cell with none
    /// finite is NaN. A matrix that already fits is returned as it is (in Double).
    ///
    ///     // 784×300 weights → 28×75: each cell the mean of a 28×4 block
    ///     let small = weights.pooled(maxRows: 28, maxColumns: 75)
    public func pooled(maxRows: Int, maxColumns: Int) -> Matrix<Double> {
        let outRows = Swift.max(1, Swift.min(rows, maxRows)), outColumns = Swift.max(1, Swift.min(columns, maxColumns))
        guard rows > 0, columns > 0 else { return Matrix<Double>(rows: rows, columns: columns) }
        if outRows == rows, outColumns == columns { return converted(to: Double.self) }
        var result = Matrix<Double>(rows: outRows, columns: outColumns)
        for r in 0..<outRows {
            let rowSpan = (r * rows / outRows)..<((r + 1) * rows / outRows)
            for c in 0..<outColumns {
                let columnSpan = (c * columns / outColumns)..<((c + 1) * columns / outColumns)
                var sum = 0.0, n = 0
                for i in rowSpan {
                    for j in columnSpan {
                        let v = Double(storage[i * columns + j])
                        if v.isFinite { sum += v; n += 1 }
                    }
                }
                result[r, c] = n > 0 ? sum / Double(n) : .nan
            }
        }
        return result
    }
}
