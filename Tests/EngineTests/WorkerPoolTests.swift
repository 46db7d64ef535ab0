import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Engine
import EngineTestSupport

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

    /// Helpers that went to sleep after a long idle spell wake up for the next job.
    @Test func helpersWakeAfterSleeping() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        counts.initialize(repeating: 0, count: 2)
        defer { counts.deallocate() }
        for _ in 0..<3 {
            usleep(20_000)   // far longer than the helpers spin before sleeping
            pool.run { part in counts[part] += 1 }
        }
        #expect(Array(UnsafeBufferPointer(start: counts, count: 2)) == [3, 3])
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

    /// A split GEMM followed by its epilogue (bias + activation; activation derivative) gives
    /// the reference: the whole product, then `Activation.value` / `derivative` element by
    /// element (softmax: the row functions). Columns split for 64×300, rows for 300×64.
    @Test(arguments: [Activation.relu, .leakyReLU(alpha: 0.1), .sigmoid, .tanh, .linear, .softmax])
    func splitGemmEpiloguesMatchReference(_ f: Activation) {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Float>(pool: pool)
        var g = RandomGenerator(seed: 5)
        for (m, n, k) in [(64, 300, 40), (300, 64, 40)] {
            let a: Matrix<Float> = randomMatrix(m, k, &g), b: Matrix<Float> = randomMatrix(k, n, &g)
            let bias: [Float] = (0..<n).map { _ in Float(g.nextUniform() - 0.5) }
            let y: Matrix<Float> = randomMatrix(m, n, &g)   // "outputs" for the derivative
            var z = Matrix<Float>(rows: m, columns: n)
            Matrix.gemm(a, b, into: &z)
            // Reference results, one row at a time.
            var forward: [Float] = [], backward: [Float] = []
            for r in 0..<m {
                let zr = (0..<n).map { z[r, $0] + bias[$0] }
                forward += f == .softmax ? Activation.softmax(zr) : zr.map { f.value($0) }
                let yr = y.row(r)
                backward += f == .softmax ? Activation.softmaxBackward(output: yr, gradient: z.row(r))
                    : (0..<n).map { z[r, $0] * f.derivative(output: yr[$0]) }
            }
            for derivative in [false, true] {
                var c = Matrix<Float>(rows: m, columns: n)
                a.storage.withUnsafeBufferPointer { pa in
                    b.storage.withUnsafeBufferPointer { pb in
                        bias.withUnsafeBufferPointer { pbias in
                            y.storage.withUnsafeBufferPointer { py in
                                c.storage.withUnsafeMutableBufferPointer { pc in
                                    splitGemm(jobs, transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1,
                                              a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,
                                              beta: 0, c: pc.baseAddress!, ldc: n,
                                              epilogue: derivative ? .derivative(f, output: py.baseAddress!)
                                                  : .biasActivation(f, bias: pbias.baseAddress!))
                                }
                            }
                        }
                    }
                }
                #expect(isClose(c.storage, derivative ? backward : forward, tolerance: 1e-5), "\(f) \(m)×\(n) derivative: \(derivative)")
            }
        }
    }

    /// Reading a batch split over the pool gives the same rows as one `fillBatch` call.
    @Test func parallelFillMatchesOneFill() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Float>(pool: pool)
        var g = RandomGenerator(seed: 6)
        let rows = 100, width = 300
        let data = MatrixData(inputs: randomMatrix(rows, width, &g) as Matrix<Double>,
                              labels: (0..<rows).map { $0 % 10 }, classes: 10)
        let indices = (0..<70).map { ($0 * 37) % rows }
        var serialX = [Float](repeating: 0, count: 70 * width), serialY = [Float](repeating: 0, count: 70 * 10)
        var splitX = serialX, splitY = serialY
        indices.withUnsafeBufferPointer { i in
            data.fillBatch(i, inputs: &serialX, targets: &serialY)
            splitX.withUnsafeMutableBufferPointer { x in
                splitY.withUnsafeMutableBufferPointer { y in
                    jobs.run(ParallelJobs<Float>.Fill(data: data, indices: i, inputs: x.baseAddress!, targets: y.baseAddress!))
                }
            }
        }
        #expect(splitX == serialX)   // copies and conversions only: the same bits
        #expect(splitY == serialY)
    }
}
