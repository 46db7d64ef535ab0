import Testing
@testable import Engine
import EngineTestSupport

/// Dropout layers (`Network.addDropout`, `Dropout`): identity at inference, the kept fraction
/// of a mask, backpropagation through a fixed mask against finite differences (the model file:
/// ModelFilesTests.DropoutModelFileTests).
@Suite struct DropoutTests {
    static func data(rows: Int, seed: UInt64) -> MatrixData<Double> {
        var g = RandomGenerator(seed: seed)
        let x: Matrix<Double> = randomMatrix(rows, 4, &g)
        return MatrixData(inputs: x, labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
    }

    @Test func addingDropoutPutsItInFrontOfTheNextDenseLayer() throws {
        let net = try droppedNetwork()
        #expect(net.layers.map(\.inputDropout) == [0.3, 0.5])
        #expect(net.pendingDropout == 0)
        #expect(net.parameterCount == 4 * 6 + 6 + 6 * 3 + 3)   // dropout has no parameters
        #expect(net.description == "Network<float64>(4 → dropout 0.3 → 6 tanh → dropout 0.5 → 3 softmax, 51 parameters, cross_entropy)")
    }

    @Test func badRatesAndDanglingDropoutAreRefused() throws {
        let net = try Network<Float>(inputWidth: 2)
        for bad in [-0.1, 1, 1.5, .nan] {
            #expect(throws: EngineError.self) { try net.addDropout(rate: bad) }
        }
        var g = RandomGenerator(seed: 1)
        try net.addDense(outputs: 2, activation: .softmax, generator: &g)
        try net.addDropout(rate: 0.5)
        #expect(throws: EngineError.self) { try net.addDropout(rate: 0.5) }   // two in a row
        var caught: EngineError?
        do { try net.train(on: xorData(Float.self), options: TrainingOptions(epochs: 1), generator: &g) } catch { caught = error }
        #expect(caught?.message == "the network ends with a dropout layer; add a dense layer after it")
    }

    /// At inference a dropout layer is the identity: predictions and evaluation equal those of
    /// the same weights without dropout, bit for bit.
    @Test func inferenceIsTheIdentity() throws {
        let net = try droppedNetwork()
        let plain = try Network<Double>(inputWidth: 4, layers: net.layers.map { var l = $0; l.inputDropout = 0; return l })
        let data = Self.data(rows: 50, seed: 3)
        #expect(try net.predict(data) == plain.predict(data))
        #expect(try net.predict(data.inputs) == plain.predict(data.inputs))
        #expect(try net.evaluate(on: data).loss == plain.evaluate(on: data).loss)
        // The reference path agrees too.
        #expect(isClose(try net.predict(data.inputs).storage,
                        net.layers[1].forward(net.layers[0].forward(data.inputs)).storage, tolerance: 1e-12))
    }

    /// A mask keeps a fraction 1 − p of its entries, each scaled to 1/(1 − p), so E[m] = 1.
    @Test(arguments: [0.1, 0.5, 0.8])
    func maskKeepsTheExpectedFraction(rate: Double) {
        let count = 200_001   // odd: the last entry takes a draw of its own
        let mask = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { mask.deallocate() }
        var g = RandomGenerator(seed: 11)
        Dropout.drawMask(mask, count: count, rate: rate, generator: &g)
        let values = UnsafeBufferPointer(start: mask, count: count)
        let kept = values.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == Float(1 / (1 - rate)) })
        // Binomial: standard deviation sqrt(p(1 − p)/n) ≤ 0.0012; allow 5 of them.
        #expect(abs(Double(kept.count) / Double(count) - (1 - rate)) < 0.006)
        #expect(abs(values.reduce(0.0) { $0 + Double($1) } / Double(count) - 1) < 0.006 / (1 - rate))
        // Same generator state, same mask.
        var h = RandomGenerator(seed: 11)
        let again = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { again.deallocate() }
        Dropout.drawMask(again, count: count, rate: rate, generator: &h)
        #expect(Array(values) == Array(UnsafeBufferPointer(start: again, count: count)))
    }

    /// With one fixed mask per layer, backpropagation's gradients equal central differences of
    /// the loss computed through the same masks (relative error below 1e-7 in float64).
    @Test func backpropagationThroughAFixedMaskMatchesFiniteDifferences() throws {
        let net = try droppedNetwork()
        let rows = 12
        let data = Self.data(rows: rows, seed: 5)
        let ws = Workspace(network: net, capacity: rows, targetWidth: 3)
        var g = RandomGenerator(seed: 9)
        ws.drawDropoutMasks(rows: rows, generator: &g)
        ws.fill(from: data, start: 0, rows: rows)
        // Both masks really drop something, and keep something.
        for l in 0..<2 {
            let m = Array(UnsafeBufferPointer(start: ws.dropoutMasks[l]!.pointer, count: ws.dropoutMasks[l]!.count))
            #expect(m.contains(0) && m.contains { $0 > 1 })
        }
        let cost = net.cost
        func loss() -> Double {
            net.forwardPass(ws, rows: rows, cost: cost, withDelta: false, scale: 1, dropout: true).loss / Double(rows)
        }
        ws.zeroGradients()
        net.forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: 1 / Double(rows), dropout: true)
        net.backwardPass(ws, rows: rows, dropout: true)
        let epsilon = 1e-6
        for l in net.layers.indices {
            let analytic = ws.weightGradients[l].array + ws.biasGradients[l].array
            var numeric: [Double] = []
            for i in 0..<net.layers[l].weights.count {
                let w = net.layers[l].weights.storage[i]
                net.layers[l].weights.storage[i] = w + epsilon
                let plus = loss()
                net.layers[l].weights.storage[i] = w - epsilon
                let minus = loss()
                net.layers[l].weights.storage[i] = w
                numeric.append((plus - minus) / (2 * epsilon))
            }
            for i in 0..<net.layers[l].bias.count {
                let b = net.layers[l].bias[i]
                net.layers[l].bias[i] = b + epsilon
                let plus = loss()
                net.layers[l].bias[i] = b - epsilon
                let minus = loss()
                net.layers[l].bias[i] = b
                numeric.append((plus - minus) / (2 * epsilon))
            }
            let difference = zip(analytic, numeric).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norms = analytic.map { $0 * $0 }.reduce(0, +).squareRoot() + numeric.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(norms > 0)
            #expect(difference / norms < 1e-7, "layer \(l): relative error \(difference / norms)")
        }
        // The mask matters: without dropout the gradient of the first layer differs.
        let masked = ws.weightGradients[0].array
        ws.zeroGradients()
        net.forwardPass(ws, rows: rows, cost: cost, withDelta: true, scale: 1 / Double(rows))
        net.backwardPass(ws, rows: rows)
        #expect(!isClose(masked, ws.weightGradients[0].array, tolerance: 1e-6))
    }

    /// Training with dropout is repeatable with the same seed and changes the weights.
    @Test func trainingWithDropoutIsRepeatable() throws {
        let data = Self.data(rows: 64, seed: 2)
        var weights: [[Double]] = []
        for _ in 0..<2 {
            let net = try droppedNetwork()
            var g = RandomGenerator(seed: 3)
            try net.train(on: data, options: TrainingOptions(epochs: 3, batchSize: 16), generator: &g)
            weights.append(net.layers.flatMap(\.weights.storage))
        }
        #expect(weights[0] == weights[1])
        #expect(weights[0] != (try droppedNetwork()).layers.flatMap(\.weights.storage))
    }
}
