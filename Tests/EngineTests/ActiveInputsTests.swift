import Testing
@testable import Engine
import EngineTestSupport

/// The first layer's products over the batch's nonzero input columns only (`ActiveInputs`)
/// give what the products over every column give: outputs, loss and gradients, on one thread
/// and cut into 2 or 3 parts, for zero columns inside a part, across a part boundary, none
/// at all and every column. (Serialized: the training test sets the process's thread count.)
@Suite(.serialized) struct ActiveInputsTests {
    static let widths = [100, 200, 3]

    /// Columns of a 100-wide batch that are zero in every row. With 2 parts the columns split
    /// 0..<56 | 56..<100, with 3 parts 0..<40 | 40..<80 | 80..<100.
    static let patterns: [(name: String, zero: Set<Int>)] = [
        ("scattered", Set(0..<20).union(45..<60).union(stride(from: 60, to: 100, by: 3)).union([99])),
        ("none", []),
        ("all", Set(0..<100)),
        ("one part dense", Set(60..<100).union([3])),
        ("single columns", Set(stride(from: 1, to: 100, by: 2))),
    ]

    static func batch<T: Scalar>(rows: Int, zero: Set<Int>, seed: UInt64) -> MatrixData<T> {
        var g = RandomGenerator(seed: seed)
        var x: Matrix<T> = randomMatrix(rows, widths[0], &g)
        for r in 0..<rows { for c in zero { x[r, c] = 0 } }
        return MatrixData(inputs: x, labels: (0..<rows).map { _ in g.nextInt(below: 3) }, classes: 3)
    }

    /// One forward and backward pass: the first layer's outputs, the loss, and every gradient.
    static func pass<T: Scalar>(_ net: Network<T>, _ data: MatrixData<T>, parts: Int, skipping: Bool)
        -> (outputs: [T], loss: Double, gradients: [[T]], active: ActiveInputs<T>?) {
        let rows = data.count
        let ws = Workspace(network: net, capacity: rows, targetWidth: 3)
        ws.fill(from: data, start: 0, rows: rows)
        ws.zeroGradients()
        ws.outputs[0].pointer.update(repeating: .nan, count: ws.outputs[0].count)   // all must be written
        let pool = parts > 1 ? WorkerPool(parts: parts) : nil
        defer { pool?.shutdown() }
        let jobs = pool.map { ParallelJobs<T>(pool: $0) }
        jobs?.reservePartials(rows * widths[1])
        let active = skipping ? ws.activeInputs(for: net) : nil
        let t = net.forwardPass(ws, rows: rows, cost: net.cost, withDelta: true, scale: 1 / T(rows),
                                parallel: jobs, active: active)
        net.backwardPass(ws, rows: rows, parallel: jobs, active: active)
        ws.releaseHeldGradients()   // (the first layer's rows wait for the optimiser otherwise)
        let gradients = net.layers.indices.flatMap { [ws.weightGradients[$0].array, ws.biasGradients[$0].array] }
        return (ws.outputs[0].array, t.loss, gradients, active)
    }

    @Test(arguments: [1, 2, 3])
    func skippingZeroColumnsChangesNothing(parts: Int) throws {
        let net: Network<Double> = try makeNetwork(Self.widths, hidden: .relu, output: .softmax, seed: 21)
        // Biases of both signs, so an all-zero batch still has outputs to get right.
        for i in net.layers[0].bias.indices { net.layers[0].bias[i] = Double(i % 5) * 0.1 - 0.2 }
        for (i, p) in Self.patterns.enumerated() {
            let data: MatrixData<Double> = Self.batch(rows: 24, zero: p.zero, seed: UInt64(30 + i))
            let dense = Self.pass(net, data, parts: 1, skipping: false)
            let skipped = Self.pass(net, data, parts: parts, skipping: true)
            #expect(isClose(skipped.outputs, dense.outputs, tolerance: 1e-12), "\(p.name), \(parts) parts")
            #expect(isClose(skipped.loss, dense.loss, tolerance: 1e-12), "\(p.name), \(parts) parts")
            for (a, b) in zip(skipped.gradients, dense.gradients) {
                #expect(isClose(a, b, tolerance: 1e-12), "\(p.name), \(parts) parts")
            }
            // The zero columns were really left out wherever a part had enough of them.
            let active = try #require(skipped.active)
            #expect(active.parts == parts)   // with a pool, cut by InputSplit's parts
            for part in 0..<parts {
                let K = active.columns(part: part)
                let nonzero = K.filter { !p.zero.contains($0) }.count
                #expect(active.isCompacted(part: part) == (nonzero * 8 <= K.count * 7), "\(p.name) part \(part)")
                if active.isCompacted(part: part) {
                    #expect(active.activeColumns(part: part) == nonzero, "\(p.name) part \(part)")
                }
            }
        }
    }

    /// The same in float32, whose zero test reads the values' bits as 32-bit integers.
    @Test func float32SkipsTheSameColumns() throws {
        let net: Network<Float> = try makeNetwork(Self.widths, hidden: .relu, output: .softmax, seed: 22)
        let zero = Self.patterns[0].zero
        let data: MatrixData<Float> = Self.batch(rows: 16, zero: zero, seed: 40)
        let dense = Self.pass(net, data, parts: 1, skipping: false)
        let skipped = Self.pass(net, data, parts: 2, skipping: true)
        #expect(isClose(skipped.outputs, dense.outputs, tolerance: 1e-5))
        for (a, b) in zip(skipped.gradients, dense.gradients) { #expect(isClose(a, b, tolerance: 1e-5)) }
        let active = try #require(skipped.active)
        #expect((0..<2).map { active.activeColumns(part: $0) }.reduce(0, +) == 100 - zero.count)
    }

    /// A network of one softmax layer (its first layer is its output layer) trains the same
    /// with and without skipping.
    @Test func singleLayerNetwork() throws {
        var g = RandomGenerator(seed: 60)
        var x: Matrix<Double> = randomMatrix(40, 64, &g)
        for r in 0..<40 { for c in 0..<64 where c % 4 != 1 { x[r, c] = 0 } }
        let data = MatrixData(inputs: x, labels: (0..<40).map { _ in g.nextInt(below: 3) }, classes: 3)
        func train(skipping: Bool) throws -> DenseLayer<Double> {
            let net: Network<Double> = try makeNetwork([64, 3], hidden: .relu, output: .softmax, seed: 61)
            var options = TrainingOptions(epochs: 3, batchSize: 8, optimizer: OptimizerSettings(.adam, learningRate: 0.05))
            options.skipsZeroInputs = skipping
            var rng = RandomGenerator(seed: 62)
            try net.train(on: data, options: options, generator: &rng)
            return net.layers[0]
        }
        let with = try train(skipping: true), without = try train(skipping: false)
        let start: Network<Double> = try makeNetwork([64, 3], hidden: .relu, output: .softmax, seed: 61)
        #expect(!isClose(with.weights.storage, start.layers[0].weights.storage, tolerance: 1e-6))
        #expect(isClose(with.weights.storage, without.weights.storage, tolerance: 1e-12))
        #expect(isClose(with.bias, without.bias, tolerance: 1e-12))
    }

    /// The optimiser reading the first layer's gradient rows where `ActiveInputs` holds them
    /// gives what adding them into ∂W first and updating from ∂W gives, for every pattern of
    /// zero columns and 1–3 parts, with penalties; and leaves every gradient zero. (To 1e-12,
    /// not bit for bit: each side runs its own passes, and with 1 part their BLAS calls use
    /// OpenBLAS's own thread count, which goes to 1 while any training runs in the process and
    /// back afterwards; a product split differently may differ in its last bits.)
    @Test(arguments: [(OptimizerKind.adam, 1), (.adam, 2), (.adam, 3), (.momentum, 2), (.sgd, 1)])
    func updatingFromHeldRowsMatchesUpdatingFromTheGradient(kind: OptimizerKind, parts: Int) throws {
        let regularization = Regularization(l1: 1e-3, l2: 1e-2)
        for (i, p) in Self.patterns.enumerated() {
            let data: MatrixData<Double> = Self.batch(rows: 24, zero: p.zero, seed: UInt64(70 + i))
            func step(releasingFirst: Bool) throws -> (weights: [Double], gradients: [Double], held: [Double]) {
                let net: Network<Double> = try makeNetwork(Self.widths, hidden: .relu, output: .softmax, seed: 71)
                let ws = Workspace(network: net, capacity: 24, targetWidth: 3)
                ws.fill(from: data, start: 0, rows: 24)
                ws.zeroGradients()
                let pool = parts > 1 ? WorkerPool(parts: parts) : nil
                defer { pool?.shutdown() }
                let jobs = pool.map { ParallelJobs<Double>(pool: $0) }
                jobs?.reservePartials(24 * Self.widths[1])
                let active = try #require(ws.activeInputs(for: net))
                let optimizer = Optimizer<Double>(state: OptimizerState(
                    settings: OptimizerSettings(kind, learningRate: 0.01), tensorSizes: net.tensorSizes))
                // Two steps, so Adam's and momentum's moments are nonzero for the second.
                for _ in 0..<2 {
                    net.forwardPass(ws, rows: 24, cost: net.cost, withDelta: true, scale: 1 / 24, parallel: jobs, active: active)
                    net.backwardPass(ws, rows: 24, parallel: jobs, active: active)
                    if releasingFirst { ws.releaseHeldGradients() }
                    net.applyStep(optimizer, ws, regularization: regularization, parallel: jobs,
                                  active: releasingFirst ? nil : active)
                }
                return (net.layers[0].weights.storage, ws.weightGradients[0].array, active.gradient.array)
            }
            let held = try step(releasingFirst: false), released = try step(releasingFirst: true)
            #expect(isClose(held.weights, released.weights, tolerance: 1e-12), "\(kind) \(p.name), \(parts) parts")
            #expect(held.gradients.allSatisfy { $0 == 0 } && held.held.allSatisfy { $0 == 0 }, "\(kind) \(p.name)")
            #expect(released.gradients.allSatisfy { $0 == 0 } && released.held.allSatisfy { $0 == 0 }, "\(kind) \(p.name)")
        }
    }

    /// A first layer that is too narrow, or has dropout in front of it, gets none.
    @Test func onlyWideFirstLayersWithoutDropout() throws {
        let narrow: Network<Double> = try makeNetwork([8, 16, 2], hidden: .relu, output: .softmax)
        #expect(Workspace(network: narrow, capacity: 4, targetWidth: 2).activeInputs(for: narrow) == nil)
        let dropped: Network<Double> = try makeNetwork([64, 16, 2], hidden: .relu, output: .softmax)
        dropped.layers[0].inputDropout = 0.2
        #expect(Workspace(network: dropped, capacity: 4, targetWidth: 2).activeInputs(for: dropped) == nil)
        let wide: Network<Double> = try makeNetwork([64, 16, 2], hidden: .relu, output: .softmax)
        #expect(Workspace(network: wide, capacity: 4, targetWidth: 2).activeInputs(for: wide) != nil)
    }

    /// Whole training runs with and without skipping end with the same weights: Adam in
    /// batches, and full-batch gradient descent, whose chunks add their gradients into one.
    @Test(arguments: [(OptimizerKind.adam, 1), (.adam, 2), (.gd, 1), (.gd, 2)])
    func trainingWithAndWithoutSkipping(kind: OptimizerKind, threads: Int) throws {
        let threads = Swift.min(threads, WorkerPool.processors)   // one processor: both at 1
        // Each example has its own zero columns; a batch's zero columns are those all share.
        var g = RandomGenerator(seed: 50)
        var x: Matrix<Double> = randomMatrix(60, 100, &g)
        for r in 0..<60 { for c in 0..<100 where c < 30 || c % 7 == r % 3 || c > 90 { x[r, c] = 0 } }
        let data = MatrixData(inputs: x, labels: (0..<60).map { _ in g.nextInt(below: 3) }, classes: 3)
        func train(skipping: Bool) throws -> [DenseLayer<Double>] {
            let net: Network<Double> = try makeNetwork(Self.widths, hidden: .relu, output: .softmax, seed: 23)
            var options = TrainingOptions(epochs: 2, batchSize: 16, optimizer: OptimizerSettings(kind, learningRate: 0.01))
            options.skipsZeroInputs = skipping
            options.threads = threads
            var rng = RandomGenerator(seed: 24)
            let result = try net.train(on: data, options: options, generator: &rng)
            #expect(result.threads == threads, "the run computed on \(threads) thread(s)")
            return net.layers
        }
        let with = try train(skipping: true), without = try train(skipping: false)
        let start: Network<Double> = try makeNetwork(Self.widths, hidden: .relu, output: .softmax, seed: 23)
        #expect(!isClose(with[0].weights.storage, start.layers[0].weights.storage, tolerance: 1e-6))   // it trained
        for (a, b) in zip(with, without) {
            #expect(isClose(a.weights.storage, b.weights.storage, tolerance: 1e-9))
            #expect(isClose(a.bias, b.bias, tolerance: 1e-9))
        }
    }
}
