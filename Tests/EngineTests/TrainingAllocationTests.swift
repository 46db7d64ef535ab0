import AllocationCounter
import Glibc
import Testing
@testable import Engine
import EngineTestSupport

/// nnsh's own code allocates nothing in the training loop after the first batch (issues 2 and
/// 7): every buffer is made before it, and the batches (dropout masks included), the
/// optimiser's updates, the epoch's bookkeeping and validation only reuse them. Checked in the
/// unoptimised build the suite runs, where generic code is not specialised: there
/// `for x in array`, `zip`, `reversed()` and `swapAt` over generic elements allocate, so the
/// loop uses index loops.
///
/// The count (AllocationCounter, a C test-support target) covers malloc, calloc, realloc and
/// the aligned allocators called by this test's thread and the threads it starts — the
/// trainer's worker threads — and nothing from other tests running at the same time. Calls
/// made by OpenBLAS's own code are left out of it: which kernels OpenBLAS runs depends on the
/// CPU, and its AVX-512 small-matrix kernels call malloc where its AVX2 ones do not. The
/// window opens in the progress callback after batch 1 and closes after the last batch, so it
/// holds batches 2…N of both epochs, the end of epoch 1 (validation, the epoch record, the
/// rollback copy) and the start of epoch 2 (the reshuffle).
///
/// Each run names its thread count in `TrainingOptions.threads`: nothing here changes the
/// process-wide `BLASThreads` setting, so suites running at the same time cannot change it
/// under a run.
@Suite(.serialized) struct TrainingAllocationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let precision: String
        let optimizer: OptimizerKind
        let widths: [Int]
        let validation: Bool
        /// A dropout layer of this rate in front of every dense layer (0: none).
        var dropout = 0.0
        /// A batch-normalisation layer after every hidden dense layer.
        var batchNorm = false
        /// The inputs as a 1×16×16 image (widths[0] = 256) through conv 16 3×3 relu → maxpool 2
        /// in front of the dense layers.
        var convolution = false
        var testDescription: String {
            "\(precision) \(optimizer) \(widths)" + (dropout > 0 ? " dropout \(dropout)" : "") + (batchNorm ? " batchnorm" : "")
                + (convolution ? " after conv and maxpool" : "") + (validation ? " with validation" : "")
        }
    }

    /// 64→256→4 in batches of 32: 16,384 weights in the first layer and 32·64·256 = 2¹⁹
    /// multiply-adds in its GEMMs, enough for the trainer to start its worker pool and split
    /// both the optimiser's update and the GEMMs (when more than one core and thread is
    /// allowed); 8→16→3 stays on one thread.
    static let cases: [Case] = [
        Case(precision: "float32", optimizer: .adam, widths: [64, 256, 4], validation: true),
        Case(precision: "float64", optimizer: .adam, widths: [64, 256, 4], validation: true),
        Case(precision: "float32", optimizer: .adam, widths: [64, 256, 4], validation: true, dropout: 0.3),
        Case(precision: "float64", optimizer: .adam, widths: [8, 16, 3], validation: false, dropout: 0.5),
        Case(precision: "float32", optimizer: .sgd, widths: [8, 16, 3], validation: false),
        Case(precision: "float64", optimizer: .momentum, widths: [8, 16, 3], validation: false),
        Case(precision: "float32", optimizer: .adam, widths: [64, 256, 4], validation: true, batchNorm: true),
        Case(precision: "float64", optimizer: .sgd, widths: [8, 16, 3], validation: false, batchNorm: true),
        Case(precision: "float32", optimizer: .adam, widths: [256, 32, 4], validation: true, convolution: true),
    ]

    /// Allocation calls after the first batch, and whether the worker pool ran.
    struct Measurement {
        var allocations: Int
        /// Calls made by OpenBLAS's code in the same window (not counted as nnsh's).
        var blasAllocations: Int
        var helperThreads: Int
        var batches: Int
        /// The threads the run computed on (`TrainingResult.threads`).
        var threads: Int
    }

    /// Threads a case asks for: 2 for the wide network (its products and update are split
    /// over the trainer's worker pool when the machine has two processors) and the
    /// convolutional one (its convolution and pooling, 32 × 16·14·14 values a batch, are cut by
    /// examples; its first dense layer, 784 × 32, starts the pool), else 1.
    static func threads(_ c: Case) -> Int { c.widths[1] == 256 || c.convolution ? 2 : 1 }

    static func measure<T: Scalar>(_: T.Type, _ c: Case, allocateInBatch: Int? = nil) throws -> Measurement {
        var g = RandomGenerator(seed: 5)
        let inputs = c.widths[0], classes = c.widths.last!
        let x: Matrix<T> = randomMatrix(128, inputs, &g)
        let data = MatrixData(inputs: x, labels: (0..<128).map { _ in g.nextInt(below: classes) }, classes: classes)
        let v: Matrix<T> = randomMatrix(20, inputs, &g)
        let validation = MatrixData(inputs: v, labels: (0..<20).map { _ in g.nextInt(below: classes) }, classes: classes)
        let net = c.convolution ? try Network<T>(inputShape: Shape([1, 16, 16])) : try Network<T>(inputWidth: inputs)
        if c.convolution {
            try net.addConvolution(filters: 16, kernel: 3, activation: .relu, generator: &g)
            try net.addMaxPool(window: 2)
        }
        for (i, w) in c.widths.dropFirst().enumerated() {
            if c.dropout > 0 { try net.addDropout(rate: c.dropout) }
            try net.addDense(outputs: w, activation: i == c.widths.count - 2 ? .softmax : .tanh, generator: &g)
            if c.batchNorm && i < c.widths.count - 2 { try net.addBatchNorm() }
        }
        var options = TrainingOptions(epochs: 2, batchSize: 32, optimizer: OptimizerSettings(c.optimizer, learningRate: 0.01))
        options.threads = threads(c)

        allocation_counter_track_this_thread(true)
        defer { allocation_counter_track_this_thread(false) }

        var allocations = -1, blas = -1, batches = 0
        var planted: [Int] = []
        let result = try net.train(
            on: data, validation: c.validation ? validation : nil, options: options, generator: &g,
            progress: { p in
                batches += 1
                if p.epochInRun == 1 && p.batch == 1 { allocation_counter_start() }
                if p.epochInRun == 1 && p.batch == allocateInBatch { planted = Array(repeating: p.batch, count: 100) }
                if p.epochInRun == p.epochsInRun && p.batch == p.batchesPerEpoch {
                    allocations = allocation_counter_stop()
                    blas = allocation_counter_blas_calls()
                }
            })
        _ = allocation_counter_stop()   // in case the last batch was never reported
        #expect(planted.count == (allocateInBatch == nil ? 0 : 100))
        return Measurement(allocations: allocations, blasAllocations: blas,
                           helperThreads: allocation_counter_tracked_threads_started(),
                           batches: batches, threads: result.threads)
    }

    static func measure(_ c: Case, allocateInBatch: Int? = nil) throws -> Measurement {
        c.precision == "float32" ? try measure(Float.self, c, allocateInBatch: allocateInBatch)
                                 : try measure(Double.self, c, allocateInBatch: allocateInBatch)
    }

    @Test(arguments: cases)
    func noAllocationAfterTheFirstBatch(_ c: Case) throws {
        guard allocation_counter_available() else { return }   // under a sanitizer: its own malloc
        let m = try Self.measure(c)
        #expect(m.batches == 8, "2 epochs of 128 examples in batches of 32")
        #expect(m.allocations == 0,
                "\(m.allocations) allocation calls in batches 2…\(m.batches) (and \(m.blasAllocations) by OpenBLAS, not counted)")
        if Self.threads(c) == 2 && WorkerPool.processors > 1 {
            #expect(m.threads == 2, "the run was split over two threads")
            #expect(m.helperThreads >= 1, "the worker pool ran, and its threads were counted")
        } else {
            #expect(m.threads == 1)
        }
    }

    /// The measurement sees an allocation made in the window on the training thread (here by
    /// the progress callback, between two batches): leaving OpenBLAS's calls out of the count
    /// leaves nnsh's in.
    @Test(arguments: [cases[0], cases[4]])
    func anAllocationInTheLoopIsCounted(_ c: Case) throws {
        guard allocation_counter_available() else { return }
        let m = try Self.measure(c, allocateInBatch: 3)
        #expect(m.allocations >= 1, "the array made in batch 3 was counted")
    }

    /// The calls the count leaves out are exactly those made from the BLAS library's code.
    @Test func onlyTheBLASLibrarysCodeIsLeftOut() throws {
        guard allocation_counter_available() else { return }
        let everywhere = UnsafeMutableRawPointer(bitPattern: 0)   // RTLD_DEFAULT
        let gemm = try #require(dlsym(everywhere, "cblas_sgemm"))
        let dgemm = try #require(dlsym(everywhere, "cblas_dgemm"))
        let malloc = try #require(dlsym(everywhere, "malloc"))
        let retain = try #require(dlsym(everywhere, "swift_retain"))
        #expect(allocation_counter_is_blas_code(gemm))
        #expect(allocation_counter_is_blas_code(dgemm))
        #expect(!allocation_counter_is_blas_code(malloc))
        #expect(!allocation_counter_is_blas_code(retain))
        let here: @convention(c) () -> Void = { }
        #expect(!allocation_counter_is_blas_code(unsafeBitCast(here, to: UnsafeRawPointer.self)))
    }

    /// The counter itself: it sees an allocation in the window on this thread and on a thread
    /// this thread starts, and none from threads it does not track.
    @Test func theCounterSeesAllocations() throws {
        guard allocation_counter_available() else { return }
        allocation_counter_track_this_thread(true)
        defer { allocation_counter_track_this_thread(false) }
        allocation_counter_start()
        let array = Array(repeating: 1.5, count: 1000)
        let onThisThread = allocation_counter_stop()
        #expect(array.count == 1000)
        #expect(onThisThread >= 1)

        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let sink = Sink()
        allocation_counter_start()
        pool.run(sink.job)
        let withHelper = allocation_counter_stop()
        #expect(sink.made.count == 2)
        #expect(withHelper >= 2, "one array made here and one on the helper thread")
    }

    final class Sink: @unchecked Sendable {
        var made: [[Int]] = [[], []]
        lazy var job: (Int) -> Void = { [unowned self] part in self.made[part] = Array(repeating: part, count: 100) }
    }
}
