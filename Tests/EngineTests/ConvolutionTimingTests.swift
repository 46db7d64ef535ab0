import Foundation
import Testing
@testable import Engine
import EngineTestSupport

/// Not a test of speed (tests must not depend on timing): a harness that prints how long the
/// convolution's passes take, for docs/PERFORMANCE.md. It runs only with NNSH_CONV_TIMING=1,
/// in a release build of the tests (debug code is 10–100× slower and says nothing):
///
///     swift build -c release --build-tests -Xswiftc -enable-testing
///     NNSH_CONV_TIMING=1 OPENBLAS_NUM_THREADS=1 swift test -c release --skip-build -Xswiftc -enable-testing \
///         --filter ConvolutionTimingTests
///
/// The network is the bench's CNN (conv 32 3×3 relu → maxpool 2 → conv 64 3×3 relu → maxpool 2 →
/// dense 128 relu → dense 10), float32, batch 64, random images. Printed: milliseconds of the
/// calling thread's CPU time per batch for each layer's forward and backward pass (median of
/// `rounds`), with no pool and with a pool of 2.
@Suite struct ConvolutionTimingTests {
    static let enabled = ProcessInfo.processInfo.environment["NNSH_CONV_TIMING"] == "1"

    /// This thread's CPU time: on a shared machine, wall time says more about the other
    /// processes. (With a pool, the calling thread's, its waits for the helpers included.)
    static func cpuNanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    @Test(.enabled(if: ConvolutionTimingTests.enabled))
    func passesPerBatch() throws {
        var g = RandomGenerator(seed: 1)
        let rows = 64, rounds = 41
        let net = try Network<Float>(inputShape: Shape([1, 28, 28]))
        try net.addConvolution(filters: 32, kernel: 3, activation: .relu, generator: &g)
        try net.addMaxPool(window: 2)
        try net.addConvolution(filters: 64, kernel: 3, activation: .relu, generator: &g)
        try net.addMaxPool(window: 2)
        try net.addDense(outputs: 128, activation: .relu, generator: &g)
        try net.addDense(outputs: 10, activation: .softmax, generator: &g)
        let ws = Workspace(network: net, capacity: rows, targetWidth: 10)
        for i in 0..<rows * 784 { ws.inputs.pointer[i] = Float(g.nextUniform()) }
        for r in 0..<rows { ws.targets.pointer[r * 10 + r % 10] = 1 }
        for threads in [1, 2] {
            let pool = threads > 1 ? WorkerPool(parts: threads) : nil
            defer { pool?.shutdown() }
            let parallel = pool.map { ParallelJobs<Float>(pool: $0) }
            parallel?.reservePartials(rows * 128)
            var forward = Array(repeating: [Double](), count: net.stack.count)
            var backward = forward
            var whole: [Double] = []
            for _ in 0..<rounds {
                let pass = Pass(ws: ws, rows: rows, training: true, parallel: parallel, active: nil)
                let start = Self.cpuNanoseconds()
                for s in 0..<net.stack.count {
                    let t = Self.cpuNanoseconds()
                    net.stack[s].forward(pass, at: s)
                    forward[s].append(Double(Self.cpuNanoseconds() - t) / 1e6)
                }
                let output = net.stack.last as! DenseLayer<Float>
                _ = output.outputPass(pass, at: net.stack.count - 1, cost: .crossEntropy, targets: ws.targets.pointer,
                                  withDelta: true, scale: 1 / Float(rows))
                var s = net.stack.count
                while s > 0 {
                    s -= 1
                    let t = Self.cpuNanoseconds()
                    let layer = net.stack[s]
                    let passesBack = pass.needsInputGradient(s)
                    let fused = passesBack && layer.appliesFrontEpilogue
                    layer.backward(pass, at: s, frontEpilogue: fused ? net.stack[s - 1].gradientEpilogue(pass, at: s - 1) : .none)
                    if passesBack && !fused { net.stack[s - 1].finishGradient(pass, at: s - 1) }
                    backward[s].append(Double(Self.cpuNanoseconds() - t) / 1e6)
                }
                whole.append(Double(Self.cpuNanoseconds() - start) / 1e6)
                ws.zeroGradients()
            }
            func median(_ v: [Double]) -> String { String(format: "%.3f", v.sorted()[v.count / 2]) }
            for s in 0..<net.stack.count {
                print("conv-timing threads \(threads) layer \(s + 1) \(net.stack[s].summary): forward \(median(forward[s])) ms, backward \(median(backward[s])) ms")
            }
            print("conv-timing threads \(threads) whole batch (no update): \(median(whole)) ms")
            #expect(whole.count == rounds)
        }
    }
}
