import Data
import Engine
import Testing

/// `fillInputs` over a range of columns writes exactly those columns of each row, as the whole
/// batch has them, and leaves the rest alone: the training loop's cores each fill their own
/// columns (`ParallelJobs.Fill` with `byColumns`).
@Suite struct ColumnFillTests {
    static let width = 7, count = 6

    /// One set of examples in each storage, the same numbers in each (k/255 for bytes k).
    static func datasets() throws -> [Dataset] {
        let bytes = (0..<(count * width)).map { UInt8(($0 * 37 + 11) % 256) }
        let labels = Targets.classes(labels: (0..<count).map { $0 % 3 }, classCount: 3)
        return [
            try Dataset(name: "bytes", features: .pixels(bytes), inputWidth: width, targets: labels),
            try Dataset(name: "float", features: .float(bytes.map { Float($0) / 255 }), inputWidth: width,
                        targets: labels),
            try Dataset(name: "double", features: .double(bytes.map { Double($0) / 255 }), inputWidth: width,
                        targets: .values(Matrix<Double>(rows: count, columns: 1, storage: (0..<count).map(Double.init)))),
        ]
    }

    @Test(arguments: [0..<0, 0..<7, 0..<3, 3..<7, 2..<5, 6..<7])
    func columnsMatchTheWholeBatch(columns: Range<Int>) throws {
        for data in try Self.datasets() {
            check(data, columns: columns, as: Float.self)
            check(data, columns: columns, as: Double.self)
        }
    }

    private func check<T: Scalar>(_ data: Dataset, columns: Range<Int>, as _: T.Type) {
        let indices = [5, 0, 3, 3]
        let n = indices.count * Self.width
        var whole = [T](repeating: 0, count: n), targets = [T](repeating: 0, count: indices.count * data.targetWidth)
        var part = [T](repeating: -7, count: n)
        indices.withUnsafeBufferPointer { i in
            data.fillBatch(i, inputs: &whole, targets: &targets)
            data.fillInputs(i, columns: columns, into: &part)
        }
        for r in indices.indices {
            for c in 0..<Self.width {
                let expected = columns.contains(c) ? whole[r * Self.width + c] : -7
                #expect(part[r * Self.width + c] == expected, "\(data.name) \(T.self) row \(r) column \(c)")
            }
        }
        // The whole batch itself: example i's feature c.
        #expect(abs(Double(whole[1 * Self.width + 4]) - data.feature(0, 4)) < 1e-6, "\(data.name) \(T.self)")
    }
}
