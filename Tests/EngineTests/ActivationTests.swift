import Testing
@testable import Engine
import EngineTestSupport

@Suite struct ActivationTests {
    static let elementWise: [Activation] = [.sigmoid, .relu, .leakyReLU(alpha: 0.2), .tanh, .linear]

    /// Each derivative, written in terms of the output, matches a central difference of the function.
    @Test(arguments: elementWise)
    func derivativeMatchesCentralDifference(_ a: Activation) {
        for z in stride(from: -3.0, through: 3.0, by: 0.37) {
            let h = 1e-6
            let numeric = (a.value(z + h) - a.value(z - h)) / (2 * h)
            #expect(isClose(a.derivative(output: a.value(z)), numeric, tolerance: 1e-8), "\(a) at \(z)")
        }
    }

    @Test func valuesAtKnownPoints() {
        #expect(Activation.sigmoid.value(0.0) == 0.5)
        #expect(Activation.relu.value(-2.0) == 0 && Activation.relu.value(2.0) == 2)
        #expect(Activation.leakyReLU().value(-2.0) == -0.02)
        #expect(isClose(Activation.tanh.value(1.0), 0.7615941559557649))
        #expect(Activation.sigmoid.value(-1000.0) == 0 && Activation.sigmoid.value(1000.0) == 1)
        #expect(Activation.sigmoid.value(Float(-100)).isFinite)
    }

    @Test func namesParse() throws {
        #expect(try Activation(parsing: "relu") == .relu)
        #expect(try Activation(parsing: "leaky_relu") == .leakyReLU(alpha: 0.01))
        #expect(try Activation(parsing: "leaky_relu", alpha: 0.2) == .leakyReLU(alpha: 0.2))
        #expect(try Activation(parsing: "TANH") == .tanh)
        #expect(try Activation(parsing: "softmax").name == "softmax")
        for name in Activation.names { #expect(try Activation(parsing: name).name == name) }
        #expect(throws: EngineError.self) { try Activation(parsing: "swish") }
        #expect(throws: EngineError.self) { try Activation(parsing: "leaky_relu", alpha: -1) }
        #expect(Activation.leakyReLU(alpha: 0.2).description == "leaky_relu(alpha=0.2)")
    }

    @Test func softmaxIsStableAndSumsToOne() {
        let y = Activation.softmax([1000.0, -1000, 0])
        #expect(y.allSatisfy { $0.isFinite })
        #expect(isClose(y.reduce(0, +), 1))
        #expect(y[0] == 1)
    }

    /// The fused batch kernels (bias + activation; backward step) agree with the reference functions.
    @Test(arguments: elementWise + [.softmax])
    func batchKernelsMatchReference(_ a: Activation) {
        var g = RandomGenerator(seed: 4)
        let rows = 5, columns = 4
        let z: Matrix<Double> = randomMatrix(rows, columns, scale: 3, &g)
        let bias = (0..<columns).map { _ in g.nextUniform() - 0.5 }
        let upstream: Matrix<Double> = randomMatrix(rows, columns, &g)
        var fast = z.storage
        fast.withUnsafeMutableBufferPointer { p in
            bias.withUnsafeBufferPointer { a.addBiasAndApply(p.baseAddress!, rows: rows, columns: columns, bias: $0.baseAddress!) }
        }
        var delta = upstream.storage
        delta.withUnsafeMutableBufferPointer { d in
            fast.withUnsafeBufferPointer { a.backpropagate(d.baseAddress!, output: $0.baseAddress!, rows: rows, columns: columns) }
        }
        for r in 0..<rows {
            let zr = (0..<columns).map { z[r, $0] + bias[$0] }
            let y = a == .softmax ? Activation.softmax(zr) : zr.map { a.value($0) }
            let dz = a == .softmax ? Activation.softmaxBackward(output: y, gradient: upstream.row(r))
                : (0..<columns).map { upstream[r, $0] * a.derivative(output: y[$0]) }
            #expect(isClose(Array(fast[r * columns ..< (r + 1) * columns]), y, tolerance: 1e-12))
            #expect(isClose(Array(delta[r * columns ..< (r + 1) * columns]), dz, tolerance: 1e-12))
        }
    }
}

@Suite struct CostTests {
    /// The fused output pass (loss and ∂ℓ/∂z) agrees with the reference path: activation, then
    /// `Cost.loss`, then `Cost.gradient` back through the activation's derivative.
    @Test(arguments: [(Cost.mse, Activation.linear), (.mse, .sigmoid), (.mse, .softmax),
                      (.crossEntropy, .softmax), (.binaryCrossEntropy, .sigmoid)])
    func fusedOutputPassMatchesReference(_ cost: Cost, _ activation: Activation) throws {
        var g = RandomGenerator(seed: 6)
        let rows = 6, k = 3
        let z: Matrix<Double> = randomMatrix(rows, k, scale: 2, &g)
        let bias = [0.1, -0.2, 0.3]
        var y = Matrix<Double>(rows: rows, columns: k)
        for r in 0..<rows {
            if cost == .crossEntropy { y[r, g.nextInt(below: k)] = 1 } else { for c in 0..<k { y[r, c] = g.nextUniform() } }
        }
        let layer = try DenseLayer(weights: Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), bias: bias, activation: activation)
        let reference = layer.forward(z)
        let referenceLoss = cost.loss(predictions: reference, targets: y)
        let dy = cost.gradient(predictions: reference, targets: y)
        var out = z.storage, delta = [Double](repeating: 0, count: rows * k)
        let totals = out.withUnsafeMutableBufferPointer { o in
            delta.withUnsafeMutableBufferPointer { d in
                y.storage.withUnsafeBufferPointer { t in
                    bias.withUnsafeBufferPointer { b in
                        cost.outputPass(activation: activation, out: o.baseAddress!, rows: rows, columns: k,
                                        bias: b.baseAddress!, targets: t.baseAddress!, delta: d.baseAddress!,
                                        scale: 1 / Double(rows))
                    }
                }
            }
        }
        #expect(isClose(out, reference.storage, tolerance: 1e-12))
        #expect(isClose(totals.loss / Double(rows), referenceLoss, tolerance: 1e-12))
        for r in 0..<rows {
            let expected = activation == .softmax
                ? Activation.softmaxBackward(output: reference.row(r), gradient: dy.row(r))
                : (0..<k).map { dy[r, $0] * activation.derivative(output: reference[r, $0]) }
            #expect(isClose(Array(delta[r * k ..< (r + 1) * k]), expected, tolerance: 1e-10))
        }
    }

    /// Softmax with cross-entropy and sigmoid with binary cross-entropy stay finite for logits
    /// of ±1000, in loss and gradient, in both precisions.
    @Test func crossEntropiesStayFiniteForHugeLogits() throws {
        func check<T: Scalar>(_: T.Type) throws {
            let net = try Network<T>(inputWidth: 1, layers: [
                DenseLayer(weights: Matrix([[1000, -1000, 0]]), bias: [0, 0, 0], activation: .softmax)])
            let data = MatrixData(inputs: Matrix<T>([[1], [-1]]), labels: [1, 0], classes: 3)
            let e = try net.evaluate(on: data)
            // Example 1: logits (1000, −1000, 0), true class 1: ℓ = lse − z₁ = 1000 + 1000.
            #expect(isClose(e.loss, (2000 + 2000) / 2, tolerance: 1e-6))
            var g = RandomGenerator(seed: 1)
            try net.train(on: data, options: TrainingOptions(epochs: 1, batchSize: 2, optimizer: OptimizerSettings(.sgd, learningRate: 1e-4)),
                          generator: &g)
            #expect(net.history.last!.trainingLoss.isFinite)
            #expect(net.layers[0].weights.storage.allSatisfy { $0.isFinite })
            let bce = try Network<T>(inputWidth: 1, layers: [
                DenseLayer(weights: Matrix([[1000]]), bias: [0], activation: .sigmoid)], cost: .binaryCrossEntropy)
            let bdata = MatrixData(inputs: Matrix<T>([[1], [-1]]), targets: Matrix([[0], [1]]))
            #expect(isClose(try bce.evaluate(on: bdata).loss, 1000, tolerance: 1e-6))
        }
        try check(Float.self)
        try check(Double.self)
    }

    @Test func namesParseAndPairingIsChecked() throws {
        #expect(try Cost(parsing: "ce") == .crossEntropy)
        #expect(try Cost(parsing: "bce") == .binaryCrossEntropy)
        #expect(throws: EngineError.self) { try Cost(parsing: "hinge") }
        #expect(Cost.crossEntropy.incompatibility(with: .sigmoid) != nil)
        #expect(Cost.binaryCrossEntropy.incompatibility(with: .sigmoid) == nil)
        #expect(Cost.default(for: .softmax) == .crossEntropy && Cost.default(for: .tanh) == .mse)
    }
}

/// The float32 fast paths (our own 8-lane exponential) against the C library in Double.
@Suite struct VectorMathTests {
    static func lanes(_ f: (SIMD8<Float>) -> SIMD8<Float>, over xs: [Float]) -> [Float] {
        stride(from: 0, to: xs.count, by: 8).flatMap { i -> [Float] in
            var v = SIMD8<Float>(repeating: 0)
            for j in 0..<8 where i + j < xs.count { v[j] = xs[i + j] }
            let r = f(v)
            return (0..<Swift.min(8, xs.count - i)).map { r[$0] }
        }
    }

    static let points: [Float] = stride(from: -90.0, through: 90.0, by: 0.0137).map { Float($0) }
        + [0, -0, 1e-8, -1e-8, 0.0624, 0.0626, -0.0626, 1000, -1000]

    @Test func exponentialIsWithinTwoUlps() {
        let xs = Self.points.filter { $0 > -87.3 && $0 < 88.3 }
        for (x, y) in zip(xs, Self.lanes(exp8, over: xs)) {
            let exact = Foundationless.exp(Double(x))
            #expect(abs(Double(y) - exact) <= 2.5e-7 * exact, "exp(\(x)) = \(y), exact \(exact)")
        }
        #expect(Self.lanes(exp8, over: [-1000, 1000]).allSatisfy { $0.isFinite && $0 >= 0 })
    }

    @Test func tanhAndSigmoidMatchTheLibrary() {
        let xs = Self.points
        for (x, y) in zip(xs, Self.lanes(tanh8, over: xs)) {
            let exact = Foundationless.tanh(Double(x))
            #expect(abs(Double(y) - exact) <= 1e-6 * abs(exact) + 1e-30, "tanh(\(x)) = \(y), exact \(exact)")
        }
        for (x, y) in zip(xs, Self.lanes(sigmoid8, over: xs)) {
            let exact = 1 / (1 + Foundationless.exp(-Double(x)))
            #expect(abs(Double(y) - exact) <= 1e-6 * exact + 1e-37, "sigmoid(\(x)) = \(y), exact \(exact)")
        }
    }

    /// A float32 tanh/sigmoid layer (fast path) against the reference forward in float64.
    @Test(arguments: [Activation.tanh, .sigmoid])
    func float32LayerMatchesFloat64Reference(_ a: Activation) throws {
        var g = RandomGenerator(seed: 8)
        let layer = try DenseLayer<Double>(inputs: 5, outputs: 19, activation: a, generator: &g)
        let x: Matrix<Double> = randomMatrix(7, 5, scale: 2, &g)
        let net = try Network<Float>(inputWidth: 5, layers: [layer.converted(to: Float.self)])
        let fast = try net.predict(x.converted(to: Float.self))
        #expect(isClose(fast.storage.map(Double.init), layer.forward(x).storage, tolerance: 2e-6))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's double-precision functions under names that do not clash with the engine's.
enum Foundationless {
    #if canImport(Glibc)
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
    #else
    static func exp(_ x: Double) -> Double { Darwin.exp(x) }
    static func tanh(_ x: Double) -> Double { Darwin.tanh(x) }
    #endif
}
