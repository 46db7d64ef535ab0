import Testing
@testable import Engine

@Suite struct WorkerPoolTests {
    /// Every part runs exactly once per job, on as many threads as asked for.
    @Test func runsEveryPartOnce() {
        let pool = WorkerPool(parts: 3)
        defer { pool.shutdown() }
        #expect(pool.width == 3)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        counts.initialize(repeating: 0, count: 3)
        defer { counts.deallocate() }
        for _ in 0..<50 { pool.run { part in counts[part] += 1 } }   // each part writes only its own slot
        #expect(Array(UnsafeBufferPointer(start: counts, count: 3)) == [50, 50, 50])
    }

    /// Slices cover 0..<total without overlap and start at multiples of 8.
    @Test func slicesCoverTheRange() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        for total in [0, 1, 7, 8, 9, 300, 235_200] {
            let parts = (0..<pool.width).map { pool.slice(total, part: $0) }
            #expect(parts.map(\.count).reduce(0, +) == total)
            #expect(parts.first?.lowerBound == 0 && parts.last?.upperBound == total)
            for (a, b) in zip(parts, parts.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            #expect(parts.allSatisfy { $0.lowerBound % 8 == 0 || $0.isEmpty })
        }
    }

    /// A GEMM split by rows or by columns over the pool gives the unsplit product, for every
    /// transpose combination.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitGemmMatchesOneGemm(_ ta: Bool, _ tb: Bool) {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Double>(pool: pool)
        var g = RandomGenerator(seed: 3)
        for (m, n, k) in [(64, 300, 40), (300, 64, 40)] {
            let a: Matrix<Double> = ta ? randomMatrix(k, m, &g) : randomMatrix(m, k, &g)
            let b: Matrix<Double> = tb ? randomMatrix(n, k, &g) : randomMatrix(k, n, &g)
            var whole = Matrix<Double>(rows: m, columns: n), split = whole
            Matrix.gemm(a, transposeA: ta, b, transposeB: tb, into: &whole)
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    split.storage.withUnsafeMutableBufferPointer { pc in
                        splitGemm(jobs, transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
                                  a: pa.baseAddress!, lda: a.columns, b: pb.baseAddress!, ldb: b.columns,
                                  beta: 0, c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            #expect(isClose(split.storage, whole.storage, tolerance: 1e-12))
        }
    }
}
