import AllocationCounter
import Engine
import Testing
@testable import Data

/// Training on a `Dataset` allocates nothing after the first batch, like training on the
/// engine's `MatrixData` (EngineTests' TrainingAllocationTests): `fillBatch`, called once per
/// batch, turns pixel bytes into numbers through a table on the stack and walks the indices
/// with index loops. Counted for byte pixels (MNIST's storage) with class labels and for
/// Double features with regression targets, in both precisions.
@Suite(.serialized) struct BatchAllocationTests {
    /// Allocation calls made by this thread (and threads it starts) during batches 2…N.
    static func allocationsAfterTheFirstBatch<T: Scalar>(_: T.Type, _ data: Dataset, outputs: Int, last: Activation) throws -> (allocations: Int, batches: Int) {
        var g = RandomGenerator(seed: 11)
        let net = try Network<T>(inputWidth: data.inputWidth)
        try net.addDense(outputs: 16, activation: .relu, generator: &g)
        try net.addDense(outputs: outputs, activation: last, generator: &g)
        let options = TrainingOptions(epochs: 2, batchSize: 16, optimizer: OptimizerSettings(.adam, learningRate: 0.01))
        allocation_counter_track_this_thread(true)
        defer { allocation_counter_track_this_thread(false) }
        var allocations = -1, batches = 0
        try net.train(on: data, options: options, generator: &g, progress: { p in
            batches += 1
            if p.epochInRun == 1 && p.batch == 1 { allocation_counter_start() }
            if p.epochInRun == p.epochsInRun && p.batch == p.batchesPerEpoch { allocations = allocation_counter_stop() }
        })
        _ = allocation_counter_stop()
        return (allocations, batches)
    }

    static func pixelDigits() throws -> Dataset {
        var g = RandomGenerator(seed: 3)
        let bytes = (0..<(64 * 49)).map { _ in UInt8(g.nextInt(below: 256)) }
        let labels = (0..<64).map { _ in g.nextInt(below: 10) }
        return try Dataset(name: "pixels", features: .pixels(bytes), inputWidth: 49,
                           targets: .classes(labels: labels, classCount: 10))
    }

    static func regressionRows() throws -> Dataset {
        var g = RandomGenerator(seed: 4)
        let x = (0..<(64 * 3)).map { _ in g.nextUniform() }
        let y = Matrix<Double>(rows: 64, columns: 1, storage: (0..<64).map { _ in g.nextUniform() })
        return try Dataset(name: "rows", features: .double(x), inputWidth: 3, targets: .values(y))
    }

    @Test(arguments: ["float32", "float64"])
    func pixelBatchesAllocateNothing(_ precision: String) throws {
        guard allocation_counter_available() else { return }   // under a sanitizer: its own malloc
        let data = try Self.pixelDigits()
        let r = precision == "float32"
            ? try Self.allocationsAfterTheFirstBatch(Float.self, data, outputs: 10, last: .softmax)
            : try Self.allocationsAfterTheFirstBatch(Double.self, data, outputs: 10, last: .softmax)
        #expect(r.batches == 8)
        #expect(r.allocations == 0, "\(r.allocations) allocation calls in batches 2…\(r.batches)")
    }

    @Test(arguments: ["float32", "float64"])
    func regressionBatchesAllocateNothing(_ precision: String) throws {
        guard allocation_counter_available() else { return }
        let data = try Self.regressionRows()
        let r = precision == "float32"
            ? try Self.allocationsAfterTheFirstBatch(Float.self, data, outputs: 1, last: .linear)
            : try Self.allocationsAfterTheFirstBatch(Double.self, data, outputs: 1, last: .linear)
        #expect(r.batches == 8)
        #expect(r.allocations == 0, "\(r.allocations) allocation calls in batches 2…\(r.batches)")
    }

    /// The pixel path scales bytes by 1/255 exactly as before (the table moved to the stack).
    @Test func pixelBatchValues() throws {
        let data = try Self.pixelDigits()
        var inputs = [Float](repeating: -1, count: 2 * 49), targets = [Float](repeating: -1, count: 20)
        let indices = [5, 0]
        indices.withUnsafeBufferPointer { i in
            data.fillBatch(i, inputs: &inputs, targets: &targets)
        }
        guard case .pixels(let bytes) = data.features, case .classes(let labels, _) = data.targets else {
            Issue.record("expected pixels with classes"); return
        }
        for c in 0..<49 {
            #expect(inputs[c] == Float(bytes[5 * 49 + c]) / 255)
            #expect(inputs[49 + c] == Float(bytes[c]) / 255)
        }
        #expect(targets[labels[5]] == 1 && targets.prefix(10).reduce(0, +) == 1)
        #expect(targets[10 + labels[0]] == 1 && targets.suffix(10).reduce(0, +) == 1)
    }
}
