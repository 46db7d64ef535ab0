import Testing
import Synchronization
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

    /// Helpers wake for a job and go back to sleep after it: the pool is not left spinning.
    /// Part 0 holds the caller until the helpers have run parts 1 and 2, so they must wake;
    /// then the test waits for the state (each helper asleep once more), not for a time (the
    /// minute is only how long a pool that never wakes or never sleeps is given to fail).
    @Test func helpersWakeForAJobAndSleepAfterIt() {
        let pool = WorkerPool(parts: 3)
        defer { pool.shutdown() }
        #expect(pool.helperCount == 2)
        let onHelpers = Counter()
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        counts.initialize(repeating: 0, count: 3)
        defer { counts.deallocate() }
        for round in 1...3 {
            let ended = endsWithinAMinute {
                let caller = pthread_self()
                pool.run { part in
                    counts[part] += 1
                    if part == 0 {
                        while onHelpers.value.load(ordering: .acquiring) < 2 * round { sched_yield() }
                    } else if pthread_equal(pthread_self(), caller) == 0 {
                        onHelpers.value.add(1, ordering: .releasing)
                    }
                }
            }
            #expect(ended, "the helpers did not take their parts")
            guard ended else { return }
            var polls = 0
            while (pool.helperNaps < 2 * round || pool.sleepingHelpers < 2) && polls < 60_000 {
                usleep(1_000)
                polls += 1
            }
            #expect(pool.helperNaps >= 2 * round && pool.sleepingHelpers == 2, "helpers still awake a minute after the job")
        }
        #expect(onHelpers.value.load(ordering: .relaxed) == 6)
        #expect(Array(UnsafeBufferPointer(start: counts, count: 3)) == [3, 3, 3])
    }

    private final class Counter: Sendable { let value = Atomic<Int>(0) }

    /// Helpers that take no part (held, as if another process had their cores) leave their
    /// parts to the caller: every part still runs once per job, all of them on the caller's
    /// thread; released, they take parts again. (Without stealing the first job never ends.)
    @Test func partsOfHeldHelpersRunOnTheCaller() {
        let pool = WorkerPool(parts: 3)
        defer { pool.shutdown() }
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 6)
        counts.initialize(repeating: 0, count: 6)   // per part: runs, runs off the caller's thread
        defer { counts.deallocate() }
        pool.holdHelpers(true)
        let ended = endsWithinAMinute {
            let caller = pthread_self()
            for _ in 0..<10 {
                pool.run { part in
                    counts[part] += 1
                    if pthread_equal(pthread_self(), caller) == 0 { counts[3 + part] += 1 }
                }
            }
        }
        #expect(ended, "the caller waited for parts no helper could take")
        guard ended else { return }
        #expect(Array(UnsafeBufferPointer(start: counts, count: 6)) == [10, 10, 10, 0, 0, 0])
        pool.holdHelpers(false)
        for _ in 0..<10 { pool.run { part in counts[part] += 1 } }
        #expect(Array(UnsafeBufferPointer(start: counts, count: 3)) == [20, 20, 20])
    }

    /// A helper whose part is under way but late: the caller, done with its own part, spins,
    /// then sleeps, and the helper's finishing wakes it. Part 0 holds the caller until the
    /// helper has started part 1, and part 1 holds the helper until the caller sleeps, so the
    /// sleep and the wake-up happen whatever the timing.
    @Test func callerSleepsUntilALateHelperFinishes() {
        let started = Flag()
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        counts.initialize(repeating: 0, count: 3)   // runs of parts 0 and 1; times the caller slept
        defer { counts.deallocate() }
        // A pool per job: after such a wait the pool may run its next jobs alone (`Lag`).
        for _ in 1...3 {
            let pool = WorkerPool(parts: 2)
            defer { pool.shutdown() }
            let ended = endsWithinAMinute {
                let caller = pthread_self()
                pool.run { part in
                    counts[part] += 1
                    if part == 0 {
                        while !started.value.load(ordering: .acquiring) { sched_yield() }
                    } else if pthread_equal(pthread_self(), caller) == 0 {
                        started.value.store(true, ordering: .releasing)
                        while !pool.callerIsAsleep { sched_yield() }
                    }
                }
                started.value.store(false, ordering: .releasing)
                counts[2] += pool.timesCallerSlept
            }
            #expect(ended, "the caller never slept, or was never woken")
            guard ended else { return }
        }
        #expect(Array(UnsafeBufferPointer(start: counts, count: 3)) == [3, 3, 3])
    }

    private final class Flag: Sendable { let value = Atomic<Bool>(false) }

    /// When the helpers give no help in the pool's first try (`Lag.probe` jobs), the caller runs
    /// the next `Lag.shortest` jobs alone: it hands them to no helper, even a free one.
    @Test func callerRunsAloneAfterAWindowWithoutHelp() {
        let pool = WorkerPool(parts: 2)
        defer { pool.shutdown() }
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: 3)
        seen.initialize(repeating: 0, count: 3)   // alone before / after the window; parts run elsewhere
        defer { seen.deallocate() }
        pool.holdHelpers(true)
        let ended = endsWithinAMinute {
            for _ in 0..<Lag.probe {
                if pool.runsAlone { seen[0] += 1 }
                pool.run { _ in }
            }
            if pool.runsAlone { seen[1] += 1 }
            pool.holdHelpers(false)
            let caller = pthread_self()
            for _ in 0..<Lag.shortest {
                pool.run { _ in if pthread_equal(pthread_self(), caller) == 0 { seen[2] += 1 } }
            }
        }
        #expect(ended, "the caller waited for parts no helper could take")
        guard ended else { return }
        #expect(Array(UnsafeBufferPointer(start: seen, count: 3)) == [0, 1, 0])
        #expect(!pool.runsAlone)   // then the helpers are offered jobs again
    }

    /// The rule of `Lag`, fed figures: a window where the caller waited less than half the
    /// helpers' share keeps the helpers; one where it waited more runs `shortest` jobs alone,
    /// the next such window `growth` times as many, and a good window resets that.
    @Test func lagRunsAloneAfterSlowWindowsAndBacksOff() {
        var lag = Lag()
        func window(waiting: UInt64) {
            for _ in 0..<Lag.window { lag.record(ranHere: 1, of: 2, working: 100, waiting: waiting) }
        }
        func aloneJobs() -> Int {
            var n = 0
            while lag.runsAlone() { n += 1 }
            return n
        }
        window(waiting: 40)          // waited 40 % of the helper's 100: keep the helpers
        #expect(aloneJobs() == 0)
        window(waiting: 60)          // 60 %: alone for a while
        #expect(aloneJobs() == Lag.shortest)
        window(waiting: 60)
        #expect(aloneJobs() == Lag.growth * Lag.shortest)
        window(waiting: 10)
        #expect(aloneJobs() == 0)
        window(waiting: 1_000)
        #expect(aloneJobs() == Lag.shortest)
        for _ in 0..<20 { window(waiting: 1_000); _ = aloneJobs() }
        window(waiting: 1_000)
        #expect(aloneJobs() == Lag.longest)
    }

    /// Helpers that take under 3/4 of their parts (the caller ran the rest) are left alone
    /// for a while even though the caller never waited for them.
    @Test func lagRunsAloneWhenHelpersMissTheirParts() {
        var lag = Lag()
        for j in 0..<Lag.window { lag.record(ranHere: j % 8 < 2 ? 2 : 1, of: 2, working: 100, waiting: 0) }
        var alone = 0
        while lag.runsAlone() { alone += 1 }
        #expect(alone == 0)   // took 6 in 8
        for j in 0..<Lag.window { lag.record(ranHere: j % 8 < 3 ? 2 : 1, of: 2, working: 100, waiting: 0) }
        while lag.runsAlone() { alone += 1 }
        #expect(alone == Lag.shortest)   // took 5 in 8
    }

    /// A try (the first window, or the first after a spell alone) is given up at its
    /// `Lag.probe`-th job if the helpers took under 3/4 of their parts so far; a window after
    /// a good one is judged on the whole window.
    @Test func lagGivesUpATryAtItsProbe() {
        var lag = Lag()
        func aloneJobs() -> Int {
            var n = 0
            while lag.runsAlone() { n += 1 }
            return n
        }
        // The first window: the helpers take every other part.
        for j in 0..<Lag.probe - 1 { lag.record(ranHere: j % 2 == 0 ? 2 : 1, of: 2, working: 100, waiting: 0) }
        #expect(aloneJobs() == 0)
        lag.record(ranHere: 1, of: 2, working: 100, waiting: 0)
        #expect(aloneJobs() == Lag.shortest)   // took 8 of 16
        // The try after that spell: 12 of 16 is enough to go on, and the window ends well.
        for j in 0..<Lag.window { lag.record(ranHere: j % 4 == 0 ? 2 : 1, of: 2, working: 100, waiting: 0) }
        #expect(aloneJobs() == 0)
        // After a good window the helpers' first 16 parts decide nothing: half taken so far,
        // and the whole window (6 in 8) keeps them.
        for j in 0..<Lag.window {
            lag.record(ranHere: j < Lag.probe ? (j % 2 == 0 ? 2 : 1) : (j % 8 == 0 ? 2 : 1),
                       of: 2, working: 100, waiting: 0)
            if j == Lag.probe - 1 { #expect(aloneJobs() == 0) }
        }
        #expect(aloneJobs() == 0)
    }

    /// A window is given up as soon as the caller has waited more than a millisecond and half
    /// of what the helpers could bring over the whole window at their pace so far.
    @Test func lagGivesUpAWindowEarlyAfterALongWait() {
        var lag = Lag()
        for _ in 0..<3 { lag.record(ranHere: 1, of: 2, working: 100_000, waiting: 0) }
        lag.record(ranHere: 1, of: 2, working: 100_000, waiting: 2_000_000)   // 2 ms < 6.4 ms / 2
        let aloneYet = lag.runsAlone()
        #expect(!aloneYet)
        lag.record(ranHere: 1, of: 2, working: 100_000, waiting: 2_000_000)   // 4 ms ≥ 6.4 ms / 2
        var alone = 0
        while lag.runsAlone() { alone += 1 }
        #expect(alone == Lag.shortest)
    }

    /// Helpers compute in the floating-point environment of the thread that made the pool
    /// (inherited from `pthread_create`): made inside `withSubnormalsFlushed`, as the trainer
    /// makes it, a product that underflows gives 0 on the helper as on the caller, so a part's
    /// bits do not depend on which thread runs it. (Part 0 holds the caller until a helper has
    /// run part 1, so a helper does run it.)
    @Test func helpersFlushSubnormalsLikeTheCaller() {
        let values = UnsafeMutablePointer<Float>.allocate(capacity: 4)
        values.initialize(repeating: 0, count: 4)   // the two factors, then each part's product
        defer { values.deallocate() }
        values[0] = 1e-30
        values[1] = 1e-10
        let onHelper = Flag()
        let ended = withSubnormalsFlushed { () -> Bool in
            let pool = WorkerPool(parts: 2)
            defer { pool.shutdown() }
            return endsWithinAMinute {
                let caller = pthread_self()
                pool.run { part in
                    if part == 0 {
                        while !onHelper.value.load(ordering: .acquiring) { sched_yield() }
                    }
                    values[2 + part] = values[0] * values[1]
                    if part == 1 && pthread_equal(pthread_self(), caller) == 0 {
                        onHelper.value.store(true, ordering: .releasing)
                    }
                }
            }
        }
        #expect(ended, "part 1 did not run on a helper")
        #expect(values[0] * values[1] != 0)   // here, outside the flushing: a subnormal
        #expect(values[2] == 0)
        #expect(values[3] == 0)
    }

    /// Who runs a part never changes the bits: training steps of 784-300-10 (zero columns left
    /// out, Adam) give the same weights with the helpers, with the helpers held (the caller
    /// runs every part) and with no helper threads at all, for 2 and 3 parts.
    @Test(arguments: [2, 3])
    func whoRunsAPartDoesNotChangeTheBits(parts: Int) throws {
        var g = RandomGenerator(seed: 12)
        var x: Matrix<Float> = randomMatrix(64, 784, &g)
        for r in 0..<64 { for c in 0..<784 where c % 28 < 5 || c < 100 { x[r, c] = 0 } }
        let data = MatrixData(inputs: x, labels: (0..<64).map { _ in g.nextInt(below: 10) }, classes: 10)
        func train(_ pool: WorkerPool) throws -> [[Float]] {
            defer { pool.shutdown() }
            // BLAS single-threaded inside the parts, as in a training run (the count other
            // suites' trainings leave it at would change OpenBLAS's kernels).
            _ = BLASThreads.beginTraining()
            defer { BLASThreads.endTraining() }
            let net: Network<Float> = try makeNetwork([784, 300, 10], hidden: .relu, output: .softmax, seed: 13)
            let ws = Workspace(network: net, capacity: 64, targetWidth: 10)
            let jobs = ParallelJobs<Float>(pool: pool)
            jobs.reservePartials(64 * 300)
            let active = try #require(ws.activeInputs(for: net))
            let optimizer = Optimizer<Float>(state: OptimizerState(
                settings: OptimizerSettings(.adam, learningRate: 0.001), tensorSizes: net.tensorSizes))
            for _ in 0..<3 {
                ws.fill(from: data, start: 0, rows: 64)
                ws.zeroGradients()
                net.forwardPass(ws, rows: 64, cost: net.cost, withDelta: true, scale: 1 / 64, parallel: jobs, active: active)
                net.backwardPass(ws, rows: 64, parallel: jobs, active: active)
                net.applyStep(optimizer, ws, regularization: Regularization(l1: 0, l2: 0), parallel: jobs, active: active)
            }
            return net.layers.flatMap { [$0.weights.storage, $0.bias] }
        }
        let shared = try train(WorkerPool(parts: parts))
        let held = WorkerPool(parts: parts)
        held.holdHelpers(true)
        var byCaller: [[Float]] = []
        #expect(endsWithinAMinute { byCaller = (try? train(held)) ?? [] }, "the caller waited for held helpers")
        let noHelpers = WorkerPool(parts: parts, helpers: 0)
        #expect(noHelpers.helperCount == 0 && noHelpers.width == parts)
        let alone = try train(noHelpers)
        let start: Network<Float> = try makeNetwork([784, 300, 10], hidden: .relu, output: .softmax, seed: 13)
        #expect(shared[0] != start.layers[0].weights.storage)   // it trained
        #expect(byCaller == shared)   // bit for bit
        #expect(alone == shared)
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

/// Runs `body` on a thread of its own and waits up to a minute for it to end: a pool that
/// deadlocks fails the test instead of hanging the whole run (the stuck thread is left behind).
/// Work that ends takes microseconds; the minute only bounds how long a failure takes.
private func endsWithinAMinute(_ body: @escaping () -> Void) -> Bool {
    final class Task {
        let body: () -> Void
        let done = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)
        init(_ body: @escaping () -> Void) { self.body = body; sem_init(done, 0, 0) }
        deinit { sem_destroy(done); done.deallocate() }
    }
    let task = Task(body)
    let context = Unmanaged.passRetained(task).toOpaque()
    var thread = pthread_t()
    guard pthread_create(&thread, nil, { raw in
        let task = Unmanaged<Task>.fromOpaque(raw!).takeRetainedValue()
        task.body()
        sem_post(task.done)
        return nil
    }, context) == 0 else {
        Unmanaged<Task>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    var deadline = timespec()
    clock_gettime(CLOCK_REALTIME, &deadline)
    deadline.tv_sec += 60
    while sem_timedwait(task.done, &deadline) != 0 {
        if errno != EINTR { return false }
    }
    return true
}
