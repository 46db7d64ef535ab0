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
