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
/// its `ParallelJobs` on it: the large GEMMs (split along the longer side of the result, each
/// part followed by its element-wise pass), reading a batch, and the optimiser's update (each
/// tensor split into equal runs). The split depends only on `parts`, so the same thread count
/// gives the same bits.
///
/// Waiting: a batch's jobs come every few tens of microseconds, too often to sleep and wake, so
/// an idle helper first spins for `spinNanoseconds` (100 µs); only then does it sleep on a condition variable, which `run` signals when someone
/// sleeps. So a helper costs nothing between epochs, during evaluation or when the machine is
/// busy, and the batch loop never pays for a wake-up. The caller waits for the helpers by
/// spinning, yielding the CPU after a few rounds (their parts take as long as its own).
final class WorkerPool: @unchecked Sendable {
    let parts: Int
    /// Bumped by `run` to start a job (after `job` is set).
    private let generation = Atomic<Int>(0)
    /// Parts finished by helpers, over all jobs.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Helpers asleep (or about to sleep) on `wake`; `run` signals only when this is non-zero.
    private let sleepers = Atomic<Int>(0)
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// How long an idle helper spins before it goes to sleep.
    static let spinNanoseconds: UInt64 = 100_000
    /// The current job; set and cleared only by the caller, around a bump of `generation`.
    private var job: ((Int) -> Void)?
    private var threads: [pthread_t] = []

    init(parts: Int) {
        self.parts = Swift.max(1, parts)
        lock = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
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
        generation.add(1, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 { signalHelpers() }
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
        generation.add(1, ordering: .sequentiallyConsistent)
        signalHelpers()
        for t in threads { pthread_join(t, nil) }
        threads = []
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(lock)
        wake.deallocate()
        lock.deallocate()
    }

    private func signalHelpers() {
        pthread_mutex_lock(lock)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
    }

    private func helperLoop(part: Int) {
        var seen = 0
        var spins = 0
        var idleSince: UInt64 = 0
        while true {
            let g = generation.load(ordering: .acquiring)
            if g == seen {
                spins += 1
                if spins % 64 == 0 {   // look at the clock now and then
                    let now = Self.nanoseconds()
                    if spins == 64 {
                        idleSince = now
                    } else if now &- idleSince > Self.spinNanoseconds {
                        sleep(whileGenerationIs: seen)
                        spins = 0
                    }
                }
                continue
            }
            spins = 0
            seen = g
            if stopping.load(ordering: .acquiring) { return }
            job?(part)
            finished.add(1, ordering: .releasing)
        }
    }

    /// A monotonic clock in nanoseconds (a vDSO call, no system call).
    static func nanoseconds() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// Sleeps until `generation` moves past `seen`. `sleepers` is raised before the check and
    /// `run` reads it after its bump (both sequentially consistent), so either `run` sees a
    /// sleeper and signals under the lock, or this sees the new generation: no lost wake-up.
    private func sleep(whileGenerationIs seen: Int) {
        pthread_mutex_lock(lock)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while generation.load(ordering: .sequentiallyConsistent) == seen {
            pthread_cond_wait(wake, lock)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(lock)
    }

    /// `total` items cut into `width` runs whose starts are multiples of 8 (so vector loops
    /// see the same lanes as an unsplit run): the run of part `part`.
    func slice(_ total: Int, part: Int) -> Range<Int> {
        Self.slice(total, part: part, of: width)
    }

    /// `slice` for a pool of `parts` parts.
    static func slice(_ total: Int, part: Int, of parts: Int) -> Range<Int> {
        let chunk = (total / parts + 7) / 8 * 8
        let lower = Swift.min(total, part * chunk)
        let upper = part == parts - 1 ? total : Swift.min(total, lower + chunk)
        return lower..<upper
    }
}
