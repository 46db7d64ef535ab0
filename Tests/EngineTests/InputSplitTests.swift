import Testing
@testable import Engine
import EngineTestSupport

/// The hidden layers' forward product cut along the layer's inputs (`ParallelJobs.InputSplit`),
/// the ∂W product cut by rows to match (`GemmSplit.rows`) and the optimiser update cut by the
/// same rows (`Update.rowLength`) give what one thread gives.
@Suite struct InputSplitTests {
    /// y = f(a·W + b) from the partial products and their sums equals one GEMM and one pass,
    /// for 2 and 3 parts, with k and n that do not divide evenly (and k below 8 × parts for
    /// the last part, which then has no inputs and must contribute zeros).
    @Test(arguments: [2, 3])
    func inputSplitMatchesOneProduct(parts: Int) {
        let pool = WorkerPool(parts: parts)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Double>(pool: pool)
        var g = RandomGenerator(seed: 11)
        for (m, n, k) in [(64, 300, 784), (5, 37, 19), (17, 64, 100), (4, 12, 10)] {
            jobs.reservePartials(m * n)
            let a: Matrix<Double> = randomMatrix(m, k, &g), w: Matrix<Double> = randomMatrix(k, n, &g)
            let bias: [Double] = (0..<n).map { _ in g.nextUniform() - 0.5 }
            for f in [Activation.relu, .tanh, .linear] {
                var expected = Matrix<Double>(rows: m, columns: n)
                Matrix.gemm(a, w, into: &expected)
                for r in 0..<m { for c in 0..<n { expected[r, c] = f.value(expected[r, c] + bias[c]) } }
                var y = Matrix<Double>(rows: m, columns: n)
                y.storage.withUnsafeMutableBufferPointer { py in
                    for i in py.indices { py[i] = .nan }   // every element must be written
                    a.storage.withUnsafeBufferPointer { pa in
                        w.storage.withUnsafeBufferPointer { pw in
                            bias.withUnsafeBufferPointer { pb in
                                jobs.run(ParallelJobs<Double>.InputSplit(
                                    m: m, n: n, k: k, a: pa.baseAddress!, lda: k, w: pw.baseAddress!,
                                    y: py.baseAddress!, epilogue: .biasActivation(f, bias: pb.baseAddress!)))
                            }
                        }
                    }
                }
                #expect(isClose(y.storage, expected.storage, tolerance: 1e-12), "\(m)×\(n)×\(k) \(f), \(parts) parts")
            }
        }
    }

    /// Without room reserved for the partial products the split falls back to one product,
    /// which still gives the right answer.
    @Test func inputSplitWithoutRoomFallsBack() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Float>(pool: pool)
        var g = RandomGenerator(seed: 12)
        let (m, n, k) = (8, 40, 30)
        let a: Matrix<Float> = randomMatrix(m, k, &g), w: Matrix<Float> = randomMatrix(k, n, &g)
        var expected = Matrix<Float>(rows: m, columns: n)
        Matrix.gemm(a, w, into: &expected)
        var y = Matrix<Float>(rows: m, columns: n)
        y.storage.withUnsafeMutableBufferPointer { py in
            a.storage.withUnsafeBufferPointer { pa in
                w.storage.withUnsafeBufferPointer { pw in
                    jobs.run(ParallelJobs<Float>.InputSplit(m: m, n: n, k: k, a: pa.baseAddress!, lda: k,
                                                            w: pw.baseAddress!, y: py.baseAddress!, epilogue: .none))
                }
            }
        }
        #expect(isClose(y.storage, expected.storage, tolerance: 1e-5))
    }

    /// `GemmSplit.rows` cuts C by rows even when C is wider than tall, with the same product.
    @Test func rowSplitOfAWideProduct() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Double>(pool: pool)
        var g = RandomGenerator(seed: 13)
        let (m, n, k) = (100, 300, 64)   // ∂W of a 100 → 300 layer over a batch of 64
        let a: Matrix<Double> = randomMatrix(k, m, &g), b: Matrix<Double> = randomMatrix(k, n, &g)
        var whole = Matrix<Double>(rows: m, columns: n), split = whole
        Matrix.gemm(a, transposeA: true, b, into: &whole)
        #expect(ParallelJobs<Double>.splitsRows(.init(transposeA: true, transposeB: false, m: m, n: n, k: k,
                                                      alpha: 1, a: UnsafePointer(bitPattern: 8)!, lda: m,
                                                      b: UnsafePointer(bitPattern: 8)!, ldb: n, beta: 0,
                                                      c: UnsafeMutablePointer(bitPattern: 8)!, ldc: n, byRows: true)))
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                split.storage.withUnsafeMutableBufferPointer { pc in
                    splitGemm(jobs, transposeA: true, transposeB: false, m: m, n: n, k: k, alpha: 1,
                              a: pa.baseAddress!, lda: m, b: pb.baseAddress!, ldb: n,
                              beta: 0, c: pc.baseAddress!, ldc: n, split: .rows)
                }
            }
        }
        #expect(isClose(split.storage, whole.storage, tolerance: 1e-12))
    }

    /// An Adam update cut by whole rows (`rowLength`) gives the same bits as one update of the
    /// whole tensor, for a row length that is not a multiple of 8.
    @Test func rowOwnedUpdateMatchesWholeUpdate() throws {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Float>(pool: pool)
        let (rows, columns) = (100, 300)
        var g = RandomGenerator(seed: 14)
        let start: [Float] = (0..<rows * columns).map { _ in Float(g.nextUniform() - 0.5) }
        let gradients: [[Float]] = (0..<3).map { _ in (0..<rows * columns).map { _ in Float(g.nextUniform() - 0.5) } }
        func train(split: Bool) -> [Float] {
            let state = OptimizerState<Float>(settings: OptimizerSettings(.adam, learningRate: 0.01),
                                              tensorSizes: [rows * columns])
            let optimizer = Optimizer(state: state)
            var w = start
            for step in gradients {
                var gradient = step
                optimizer.beginStep()
                w.withUnsafeMutableBufferPointer { pw in
                    gradient.withUnsafeMutableBufferPointer { pg in
                        if split {
                            jobs.run(ParallelJobs<Float>.Update(optimizer: optimizer, tensor: 0, weights: pw.baseAddress!,
                                                                gradient: pg.baseAddress!, count: rows * columns,
                                                                l1: 0, l2: 1e-3, rowLength: columns))
                        } else {
                            optimizer.update(tensor: 0, weights: pw.baseAddress!, gradient: pg.baseAddress!,
                                             range: 0 ..< rows * columns, l1: 0, l2: 1e-3)
                        }
                    }
                }
                #expect(gradient.allSatisfy { $0 == 0 }, "the update consumes the whole gradient")
            }
            return w
        }
        let whole = train(split: false), split = train(split: true)
        #expect(whole != start)
        #expect(split == whole)
    }
}
