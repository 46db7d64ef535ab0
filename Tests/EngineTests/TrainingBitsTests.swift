import Glibc
import Testing
@testable import Engine
import EngineTestSupport

/// The exact bits training leaves in the weights and the optimiser's moments, pinned as SHA-256
/// digests computed with the code before the layer protocol (issue 22): a refactor of the
/// passes must not change a single bit (same seed, same weights).
///
/// The digests cover every parameter tensor in optimiser order (W₀, b₀, W₁, b₁, …, the values'
/// little-endian bytes), then every moment array, then the step count. They depend on the BLAS
/// kernels the CPU gets (OpenBLAS picks them by CPU), so each case pins the OpenBLAS core it was
/// computed on and runs only there; other machines skip it (the other training tests compare
/// within tolerances and still run).
@Suite struct TrainingBitsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let precision: String
        let optimizer: OptimizerKind
        let threads: Int
        /// (outputs, activation, dropout rate in front) per dense layer.
        let layers: [(Int, Activation, Double)]
        let digest: String
        var testDescription: String { "\(precision) \(optimizer) \(threads) thread(s) \(layers.map(\.0))" }
    }

    /// The OpenBLAS core the digests below were computed on.
    static let pinnedCore = "Cooperlake"

    /// Two threads split the products and the update into parts (sums in another order), so
    /// their bits differ from one thread's.
    /// 64 inputs (a quarter of them always zero, so the first layer skips them), 256 hidden:
    /// big enough for the worker pool, the input split and the zero-input skipping.
    static let cases: [Case] = [
        Case(precision: "float32", optimizer: .adam, threads: 1,
             layers: [(256, .relu, 0), (64, .tanh, 0.25), (10, .softmax, 0)],
             digest: "0c5b501855dec404b64d1b0ba2fda6be6759fa9ca221e209955d4c4398286b03"),
        Case(precision: "float32", optimizer: .adam, threads: 2,
             layers: [(256, .relu, 0), (64, .tanh, 0.25), (10, .softmax, 0)],
             digest: "47d2cbf60c348341cc389ff8e539b0941e40b1f7a4a64ff4e6d56946d4108a2e"),
        Case(precision: "float64", optimizer: .momentum, threads: 1,
             layers: [(32, .leakyReLU(alpha: 0.1), 0.2), (3, .softmax, 0.5)],
             digest: "06d57ff4f30b89d1f90a0b7fa82b60991e207c8de78e317a069720a50950b3f9"),
        Case(precision: "float64", optimizer: .rmsprop, threads: 2,
             layers: [(256, .sigmoid, 0), (1, .linear, 0)],
             digest: "8463498b6eacc15640be2c297954b31e888d0f2c8f179e4563fdec34d3ef2c2b"),
    ]

    /// The name OpenBLAS gives the kernels it chose for this CPU, or nil (another BLAS).
    static var blasCore: String? {
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)   // RTLD_DEFAULT
        guard let symbol = dlsym(everywhere, "openblas_get_corename") else { return nil }
        let corename = unsafeBitCast(symbol, to: (@convention(c) () -> UnsafePointer<CChar>?).self)
        return corename().map { String(cString: $0) }
    }

    static func digest<T: Scalar>(_: T.Type, _ c: Case) throws -> String {
        var g = RandomGenerator(seed: 22)
        let inputs = 64, rows = 200
        let classes = c.layers.last!.0
        var x: Matrix<T> = randomMatrix(rows, inputs, &g)
        for r in 0..<rows { for col in stride(from: 0, to: inputs, by: 4) { x[r, col] = 0 } }
        let data: MatrixData<T>
        if c.layers.last!.1 == .linear {
            let y = Matrix<T>(rows: rows, columns: 1, storage: (0..<rows).map { T(Double(x[$0, 1]) * 0.5 + 0.1) })
            data = MatrixData(inputs: x, targets: y)
        } else {
            data = MatrixData(inputs: x, labels: (0..<rows).map { _ in g.nextInt(below: classes) }, classes: classes)
        }
        let net = try Network<T>(inputWidth: inputs)
        for (outputs, activation, dropout) in c.layers {
            if dropout > 0 { try net.addDropout(rate: dropout) }
            try net.addDense(outputs: outputs, activation: activation, generator: &g)
        }
        var options = TrainingOptions(epochs: 2, batchSize: 32, optimizer: OptimizerSettings(c.optimizer, learningRate: 0.01))
        options.threads = c.threads
        try net.train(on: data, options: options, generator: &g)

        var sha = SHA256()
        func add(_ values: [T]) { values.withUnsafeBytes { sha.update($0) } }
        for layer in net.layers {
            add(layer.weights.storage)
            add(layer.bias)
        }
        let state = try #require(net.optimizerState)
        for moment in state.moments { for tensor in moment { add(tensor) } }
        sha.update(withUnsafeBytes(of: UInt64(state.step).littleEndian) { Array($0) })
        let hex = Array("0123456789abcdef")
        return String(sha.finalize().flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }

    @Test(.enabled(if: blasCore == pinnedCore, "digests pinned on OpenBLAS's Cooperlake kernels"),
          arguments: cases)
    func trainingLeavesTheSameBits(_ c: Case) throws {
        let digest = c.precision == "float32" ? try Self.digest(Float.self, c) : try Self.digest(Double.self, c)
        #expect(digest == c.digest, "\(digest)")
    }
}
