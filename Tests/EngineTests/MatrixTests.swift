import Testing
@testable import Engine

@Suite struct MatrixTests {
    @Test func gemmMatchesHandProduct() {
        let a = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        let b = Matrix<Double>([[7, 8], [9, 10], [11, 12]])
        #expect(a.multiplied(by: b) == Matrix([[58, 64], [139, 154]]))
    }

    @Test func gemmWithTransposes() {
        let a = Matrix<Float>([[1, 2], [3, 4], [5, 6]])      // 3×2
        let b = Matrix<Float>([[1, 0, 2], [0, 1, 3]])        // 2×3
        var c = Matrix<Float>(rows: 2, columns: 2)
        Matrix.gemm(a, transposeA: true, b, transposeB: true, into: &c)   // (2×3)·(3×2)
        #expect(c == a.transposed().multiplied(by: b.transposed()))
    }

    @Test func resizeKeepsLeadingRows() {
        var m = Matrix<Float>([[1, 2], [3, 4], [5, 6]])
        m.resizeRows(1)
        #expect(m == Matrix([[1, 2]]))
        m.resizeRows(2)
        #expect(m == Matrix([[1, 2], [0, 0]]))
    }
}

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameNumbers() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var c = RandomGenerator(seed: 43)
        #expect(RandomGenerator(seed: 42).state != c.state || a.next() != c.next())
    }

    @Test func gaussianMomentsAreStandard() {
        var g = RandomGenerator(seed: 7)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n { let x = g.nextGaussian(); sum += x; sumSq += x * x }
        let mean = sum / Double(n), variance = sumSq / Double(n) - mean * mean
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.02)
    }

    @Test func nextIntIsInRangeAndCoversIt() {
        var g = RandomGenerator(seed: 1)
        var seen = Set<Int>()
        for _ in 0..<1000 { let v = g.nextInt(below: 7); #expect((0..<7).contains(v)); seen.insert(v) }
        #expect(seen.count == 7)
    }
}

@Suite struct MatrixDataTests {
    /// `fillBatch` gathers the requested rows in order, in the same and in the other precision.
    @Test func fillBatchGathersRowsInEitherPrecision() {
        let data = MatrixData(inputs: Matrix<Float>([[1, 2], [3, 4], [5, 6]]), labels: [2, 0, 1], classes: 3)
        let indices = [2, 0]
        func gather<T: Scalar>(_: T.Type) -> ([T], [T]) {
            var x = [T](repeating: 0, count: 4), y = [T](repeating: 0, count: 6)
            indices.withUnsafeBufferPointer { i in
                x.withUnsafeMutableBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in data.fillBatch(i, inputs: xp.baseAddress!, targets: yp.baseAddress!) }
                }
            }
            return (x, y)
        }
        #expect(gather(Float.self) == ([5, 6, 1, 2], [0, 1, 0, 0, 0, 1]))
        #expect(gather(Double.self) == ([5, 6, 1, 2], [0, 1, 0, 0, 0, 1]))
    }

    @Test func elementWritesKeepTheShape() {
        var m = Matrix<Double>(rows: 2, columns: 2)
        m[1, 0] = 3
        m.storage[3] = 4
        #expect(m == Matrix([[0, 0], [3, 4]]))
    }
}
