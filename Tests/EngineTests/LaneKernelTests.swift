import Testing
@testable import Engine
import EngineTestSupport

/// The 8-lane element-wise kernels against one-value-at-a-time arithmetic, in float32, on blocks
/// whose rows hold a full 8-lane run and a tail, and on a column slice of a wider matrix (the
/// shape a split GEMM hands its epilogue).
@Suite struct LaneKernelTests {
    static let elementWise: [Activation] = [.relu, .leakyReLU(alpha: 0.2), .linear, .sigmoid, .tanh]

    /// `select` picks `a` exactly where y > 0: not at ±0, not at NaN; Float and Double alike.
    @Test func selectPicksWhereStrictlyPositive() {
        let y: [Float] = [1, -1, 0, -0.0, .nan, .infinity, -.infinity, 1e-30]
        let a = Lanes<Float>(repeating: 7), b = Lanes<Float>(repeating: -3)
        let picked = select(a, whereIsPositive: Lanes(y), else: b)
        #expect(Array(0..<8).map { picked[$0] } == [7, -3, -3, -3, -3, 7, -3, 7])
        let yd = Lanes<Double>(y.map(Double.init))
        let pickedD = select(Lanes<Double>(repeating: 7), whereIsPositive: yd, else: Lanes(repeating: -3))
        #expect(Array(0..<8).map { pickedD[$0] } == [7, -3, -3, -3, -3, 7, -3, 7])
    }

    @Test(arguments: elementWise)
    func forwardAndBackwardMatchScalarArithmetic(_ a: Activation) {
        var g = RandomGenerator(seed: 11)
        let rows = 3, columns = 19, stride = 23, first = 2   // columns 2..<21 of a 3 × 23 matrix
        var z = (0..<rows * stride).map { _ in Float(g.nextUniform() * 6 - 3) }
        z[first + 3] = 0          // the kink
        z[stride + first + 9] = -0.0
        let bias = (0..<columns).map { _ in Float(g.nextUniform() - 0.5) }
        var y = z
        y.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { a.addBiasAndApply(p.baseAddress! + first, rows: rows, columns: columns,
                                                             stride: stride, bias: $0.baseAddress!) }
        }
        let upstream = (0..<rows * stride).map { _ in Float(g.nextUniform() * 2 - 1) }
        var delta = upstream
        delta.withUnsafeMutableBufferPointer { d in
            y.withUnsafeBufferPointer { a.backpropagate(d.baseAddress! + first, output: $0.baseAddress! + first,
                                                        rows: rows, columns: columns, stride: stride) }
        }
        for r in 0..<rows {
            for c in 0..<stride {
                let i = r * stride + c
                guard (first..<first + columns).contains(c) else {   // outside the slice: untouched
                    #expect(y[i] == z[i] && delta[i] == upstream[i])
                    continue
                }
                let expected = a.value(z[i] + bias[c - first])
                if a == .sigmoid || a == .tanh {   // float32 runs these through exp8 (≈1 ulp)
                    #expect(abs(y[i] - expected) <= 2e-6, "\(a) at \(r),\(c)")
                } else {
                    #expect(y[i] == expected, "\(a) at \(r),\(c)")
                }
                #expect(delta[i] == upstream[i] * a.derivative(output: y[i]), "\(a) δ at \(r),\(c)")
            }
        }
    }

    /// ReLU maps NaN to 0 in the fast path as in `value` (the trainer's finiteness checks look
    /// at the loss and the gradients, not at this).
    @Test func reluOfNaNIsZeroLikeTheReference() {
        var row: [Float] = Array(repeating: .nan, count: 9)
        let bias = [Float](repeating: 0, count: 9)
        row.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { Activation.relu.addBiasAndApply(p.baseAddress!, rows: 1, columns: 9, bias: $0.baseAddress!) }
        }
        #expect(row.allSatisfy { $0 == Activation.relu.value(Float.nan) })
    }
}

/// The one-off product that writes OpenBLAS's packing buffers before training.
@Suite struct BLASWarmUpTests {
    @Test func widthReachesPastTheWidestProductByMoreThanAPanel() throws {
        let mnist: Network<Float> = try makeNetwork([784, 300, 10], hidden: .relu, output: .softmax)
        #expect(BLASWarmUp.width(for: mnist) == 896)   // 784 + 64, rounded up to 64
        let small: Network<Float> = try makeNetwork([1, 50, 50, 1], hidden: .tanh, output: .linear)
        #expect(BLASWarmUp.width(for: small) == 512)
        let empty = try Network<Float>(inputWidth: 3)
        #expect(BLASWarmUp.width(for: empty) == 0)
        #expect(!BLASWarmUp.prepare(for: empty, parallel: nil))
    }

    /// Once per precision, part count and width: a second call for the same network does nothing;
    /// a wider network warms again. (Its own record: other tests warm wider networks at the same
    /// time, in the process's.)
    @Test func runsOncePerWidth() throws {
        let record = BLASWarmUp.Record()
        let wide: Network<Double> = try makeNetwork([1, 9000, 1], hidden: .relu, output: .linear)
        #expect(BLASWarmUp.prepare(for: wide, parallel: nil, record: record))
        #expect(!BLASWarmUp.prepare(for: wide, parallel: nil, record: record))
        let narrower: Network<Double> = try makeNetwork([1, 8000, 1], hidden: .relu, output: .linear)
        #expect(!BLASWarmUp.prepare(for: narrower, parallel: nil, record: record))
        let wider: Network<Double> = try makeNetwork([1, 9100, 1], hidden: .relu, output: .linear)
        #expect(BLASWarmUp.prepare(for: wider, parallel: nil, record: record))
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let jobs = ParallelJobs<Double>(pool: pool)
        #expect(BLASWarmUp.prepare(for: wider, parallel: jobs, record: record) == (jobs.width > 1))
        let float: Network<Float> = try makeNetwork([1, 9000, 1], hidden: .relu, output: .linear)
        #expect(BLASWarmUp.prepare(for: float, parallel: nil, record: record))
    }
}
