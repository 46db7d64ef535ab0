import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A few threads that split one job into `parts` pieces: the calling thread runs part 0 and
/// each helper thread one of the others; `run` returns when all parts are done.
///
/// The trainer creates one for a training run when more than one thread is allowed, and runs
/// its `ParallelJobs` on it: the large GEMMs (split along the longer side of the result) and
/// the optimiser's update (each tensor split into equal runs). The split depends only on `parts`, so the same thread
/// count gives the same bits. Between jobs the helpers spin, yielding the CPU: a batch's jobs
/// come every few hundred microseconds, too often to sleep and wake.
final class WorkerPool: @unchecked Sendable {
    let parts: Int
    /// Bumped by `run` to start a job (after `job` is set).
    private let generation = Atomic<Int>(0)
    /// Parts finished by helpers, over all jobs.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// The current job; set and cleared only by the caller, around a bump of `generation`.
    private var job: ((Int) -> Void)?
    private var threads: [pthread_t] = []

    init(parts: Int) {
        self.parts = Swift.max(1, parts)
        for part in 1..<self.parts {
            let context = Unmanaged.passRetained(Helper(pool: self, part: part)).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { raw in
                let helper = Unmanaged<Helper>.fromOpaque(raw!).takeRetainedValue()
                helper.pool.helperLoop(part: helper.part)
                return nil
            }, context) == 0 {
                threads.append(thread)
            } else {
                Unmanaged<Helper>.fromOpaque(context).release()
            }
        }
    }

    private final class Helper {
        let pool: WorkerPool
        let part: Int
        init(pool: WorkerPool, part: Int) { self.pool = pool; self.part = part }
    }

    /// Processors online: more parts than this would only take turns.
    static var processors: Int { Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The number of parts jobs are actually split into (fewer if a thread could not start).
    var width: Int { threads.count + 1 }

    /// Runs `job(0)` here and `job(1) … job(width − 1)` on the helpers, and waits for all.
    /// `job` is escaping so that handing it over allocates nothing (a non-escaping closure
    /// would need `withoutActuallyEscaping`, which moves its context to the heap); build jobs
    /// once and pass their arguments through the object they capture (`ParallelJobs`).
    func run(_ job: @escaping (Int) -> Void) {
        guard width > 1 else { job(0); return }
        self.job = job
        let target = finished.load(ordering: .relaxed) + threads.count
        generation.add(1, ordering: .releasing)
        job(0)
        var spins = 0
        while finished.load(ordering: .acquiring) != target {
            spins += 1
            if spins > 64 { sched_yield() }
        }
        self.job = nil
    }

    /// Stops and joins the helpers; call once, when training ends.
    func shutdown() {
        stopping.store(true, ordering: .releasing)
        generation.add(1, ordering: .releasing)
        for t in threads { pthread_join(t, nil) }
        threads = []
    }

    private func helperLoop(part: Int) {
        var seen = 0
        var spins = 0
        while true {
            let g = generation.load(ordering: .acquiring)
            if g == seen {
                spins += 1
                if spins > 64 { sched_yield() }
                continue
            }
            spins = 0
            seen = g
            if stopping.load(ordering: .acquiring) { return }
            job?(part)
            finished.add(1, ordering: .releasing)
        }
    }

    /// `total` items cut into `width` runs whose starts are multiples of 8 (so vector loops
    /// see the same lanes as an unsplit run): the run of part `part`.
    func slice(_ total: Int, part: Int) -> Range<Int> {
        let chunk = (total / width + 7) / 8 * 8
        let lower = Swift.min(total, part * chunk)
        let upper = part == width - 1 ? total : Swift.min(total, lower + chunk)
        return lower..<upper
    }
}
