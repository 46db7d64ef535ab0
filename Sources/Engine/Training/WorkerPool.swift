import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A few threads that share one job cut into `width` parts: `run` returns when every part is done.
///
/// The trainer creates one for a training run when more than one thread is allowed, and runs
/// its `ParallelJobs` on it: the large GEMMs (split along the longer side of the result, each
/// part followed by its element-wise pass), reading a batch, and the optimiser's update (each
/// tensor split into equal runs). The cut depends only on `width` (the thread count asked for),
/// never on which thread runs a part or when: the same thread count gives the same bits.
///
/// Who runs what: helper p runs part p and the calling thread part 0, when each is on time.
/// A part is claimed before it runs (`claims`), so a part whose thread is late (asleep, or
/// preempted by another process on its core) is run by whoever is free first: the caller,
/// after its own part, takes every part no helper has claimed (and helper p, after its own,
/// any later part still unclaimed). Only a part already under way is waited for.
///
/// Waiting: a batch's jobs come every few tens of microseconds, too often to sleep and wake, so
/// an idle helper spins for up to `spinNanoseconds`, then sleeps on a condition variable that
/// `run` signals only when someone sleeps. It sleeps at once when its spinning was interrupted
/// (the clock jumped: the core is wanted by another thread, so spinning takes time from it).
/// The caller waits for parts under way the same way: it spins (yielding after a few rounds)
/// for up to `spinNanoseconds`, then sleeps until the last part's thread wakes it.
///
/// When fewer cores are free than there are threads, a helper's part can be under way while
/// its thread is off the core, and the caller waits milliseconds for it. So `run` keeps count
/// (`Lag`): over each `Lag.window` jobs (a first `Lag.probe` of them when the helpers have
/// not just shown they keep up), if the caller waited half the time the
/// helpers' parts would have taken it, the pool runs the next jobs alone (every part on the
/// calling thread, in order: the same cut, so the same bits), then tries the helpers again,
/// waiting four times as long after each window that fails again (see `Lag`).
final class WorkerPool: @unchecked Sendable {
    /// The number of parts every job is cut into: the thread count asked for.
    let parts: Int
    /// The job number, bumped by `run` to hand out a job to the helpers (after `job` is set).
    private let generation = Atomic<Int>(0)
    /// Per part (at index `part * claimStride`, one cache line each): the last job number it
    /// was claimed for. Part p of job g is claimed by moving it from g − 1 to g.
    private let claims: UnsafeMutablePointer<Atomic<Int>>
    private static let claimStride = 8
    /// Parts finished in handed-out jobs, by anyone, over all jobs: job g is done at g · parts.
    private let finished = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    /// Helpers asleep (or about to sleep) on `wake`; `run` signals only when this is non-zero.
    private let sleepers = Atomic<Int>(0)
    /// The caller is asleep (or about to sleep) on `done`; whoever finishes a part signals it.
    private let callerSleeps = Atomic<Bool>(false)
    /// Times helpers, and the caller, have gone to sleep (tests read them).
    private let naps = Atomic<Int>(0)
    private var callerNaps = 0
    /// For tests: helpers claim nothing while this is set (they stand for threads off the core).
    private let held = Atomic<Bool>(false)
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    private let done: UnsafeMutablePointer<pthread_cond_t>
    /// How long an idle helper, or the caller waiting for a part under way, spins before it sleeps.
    static let spinNanoseconds: UInt64 = 100_000
    /// A clock step this long between two looks while spinning means the thread was off the core.
    static let preemptedNanoseconds: UInt64 = 20_000
    /// The current job; set and cleared only by the caller, around a bump of `generation`.
    private var job: ((Int) -> Void)?
    /// Jobs handed out so far (the caller's copy of `generation`).
    private var handedOut = 0
    private var threads: [pthread_t] = []
    /// The caller's record of how late the helpers are (only the caller touches it).
    private var lag = Lag()

    /// A pool cutting jobs into `parts`, with `helpers` helper threads (default `parts − 1`;
    /// tests pass fewer: the caller then runs the parts no helper takes, with the same bits).
    /// The helpers inherit this thread's floating-point environment (`pthread_create` copies
    /// it): made inside `withSubnormalsFlushed`, as the trainer makes it, they flush too, so a
    /// part gives the same bits whichever thread runs it.
    init(parts: Int, helpers: Int? = nil) {
        self.parts = Swift.max(1, parts)
        claims = .allocate(capacity: self.parts * Self.claimStride)
        for i in 0..<self.parts * Self.claimStride { (claims + i).initialize(to: Atomic(0)) }
        lock = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        done = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
        pthread_cond_init(done, nil)
        for part in 1..<Swift.min(self.parts, 1 + (helpers ?? self.parts)) {
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

    /// The number of parts jobs are cut into (`parts`; if a helper could not start, the caller
    /// runs its part).
    var width: Int { parts }

    /// Helper threads running (`width − 1` unless some could not start).
    var helperCount: Int { threads.count }

    /// Runs `job(0) … job(width − 1)`, each exactly once, on this thread and the helpers, and
    /// waits for all. `job` is escaping so that handing it over allocates nothing (a
    /// non-escaping closure would need `withoutActuallyEscaping`, which moves its context to the
    /// heap); build jobs once and pass their arguments through the object they capture
    /// (`ParallelJobs`).
    func run(_ job: @escaping (Int) -> Void) {
        guard width > 1, !threads.isEmpty, !lag.runsAlone() else {
            for part in 0..<width { job(part) }
            return
        }
        self.job = job
        handedOut += 1
        let g = handedOut
        generation.store(g, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 { signalHelpers() }
        let start = Self.nanoseconds()
        var ranHere = 0
        for part in 0..<width where claim(part, job: g) {
            job(part)
            finished.add(1, ordering: .sequentiallyConsistent)
            ranHere += 1
        }
        let ownEnd = Self.nanoseconds()
        waitForParts(until: g * width)
        self.job = nil
        lag.record(ranHere: ranHere, of: width, working: ownEnd &- start, waiting: Self.nanoseconds() &- ownEnd)
    }

    /// Part `part` of job `g` for the thread that wins it; false if another thread has it.
    private func claim(_ part: Int, job g: Int) -> Bool {
        claims[part * Self.claimStride].compareExchange(expected: g - 1, desired: g, ordering: .acquiringAndReleasing).exchanged
    }

    /// Spins until `finished` reaches `target` (yielding after a few rounds), and after
    /// `spinNanoseconds` sleeps on `done`. `callerSleeps` is raised before the check and the
    /// finishing thread reads it after its increment (both sequentially consistent), so either
    /// this sees the last part finished or that thread sees the sleeper and signals under the lock.
    private func waitForParts(until target: Int) {
        var spins = 0
        var since: UInt64 = 0
        while finished.load(ordering: .acquiring) != target {
            spins += 1
            guard spins >= 64 else { continue }
            sched_yield()
            if spins == 64 { since = Self.nanoseconds(); continue }
            guard spins % 16 == 0, Self.nanoseconds() &- since > Self.spinNanoseconds else { continue }
            pthread_mutex_lock(lock)
            callerNaps += 1
            callerSleeps.store(true, ordering: .sequentiallyConsistent)
            while finished.load(ordering: .sequentiallyConsistent) != target { pthread_cond_wait(done, lock) }
            callerSleeps.store(false, ordering: .sequentiallyConsistent)
            pthread_mutex_unlock(lock)
            return
        }
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
        claims.deinitialize(count: parts * Self.claimStride)
        claims.deallocate()
        pthread_cond_destroy(done)
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(lock)
        done.deallocate()
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
        while true {
            let g = waitForJob(after: seen)
            seen = g
            if stopping.load(ordering: .acquiring) { return }
            if held.load(ordering: .acquiring) { continue }
            // Its own part, then any later part still unclaimed (part 0 is the caller's).
            for q in part..<width where claim(q, job: g) {
                job?(q)
                finished.add(1, ordering: .sequentiallyConsistent)
                if callerSleeps.load(ordering: .sequentiallyConsistent) {
                    pthread_mutex_lock(lock)
                    pthread_cond_signal(done)
                    pthread_mutex_unlock(lock)
                }
            }
        }
    }

    /// The first job number after `seen`: spins for up to `spinNanoseconds` (less if the thread
    /// was preempted meanwhile), then sleeps on `wake`.
    private func waitForJob(after seen: Int) -> Int {
        var spins = 0
        var last: UInt64 = 0, idleSince: UInt64 = 0
        while true {
            let g = generation.load(ordering: .acquiring)
            if g != seen { return g }
            spins += 1
            guard spins % 64 == 0 else { continue }   // look at the clock now and then
            let now = Self.nanoseconds()
            if spins == 64 { idleSince = now; last = now; continue }
            if now &- idleSince > Self.spinNanoseconds || now &- last > Self.preemptedNanoseconds {
                sleep(whileGenerationIs: seen)
                spins = 0
            }
            last = now
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
        naps.add(1, ordering: .relaxed)
        while generation.load(ordering: .sequentiallyConsistent) == seen {
            pthread_cond_wait(wake, lock)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(lock)
    }

    // MARK: - For tests

    /// Helpers asleep now, and how many times helpers have gone to sleep.
    var sleepingHelpers: Int { sleepers.load(ordering: .sequentiallyConsistent) }
    var helperNaps: Int { naps.load(ordering: .relaxed) }
    /// Whether the caller is asleep waiting for a part (read on another thread), and how many
    /// times it has slept (read on the caller's).
    var callerIsAsleep: Bool { callerSleeps.load(ordering: .sequentiallyConsistent) }
    var timesCallerSlept: Int { callerNaps }
    /// Whether the next job runs on this thread alone (`Lag`).
    var runsAlone: Bool { lag.alone > 0 }

    /// While `holding`, helpers take no part of any job, as if their cores were taken.
    func holdHelpers(_ holding: Bool) {
        held.store(holding, ordering: .sequentiallyConsistent)
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

/// How late a pool's helpers are, kept by the calling thread, and how long it then runs jobs
/// alone. Timing decides only which thread runs a part, never how a job is cut.
///
///     per window of `window` handed-out jobs:
///         help  = Σ parts the helpers ran × (the caller's time per part of its own)
///         wait  = Σ the caller's time waiting for parts under way
///         wait ≥ help / 2, or the helpers took under 3/4 of their parts (the caller ran
///         the rest: asleep or preempted helpers, woken for nothing)
///                          →  the next `backoff` jobs alone; backoff × `growth` (≤ `longest`)
///         else             →  backoff back to `shortest`
///     a window is lost early, as soon as wait > 1 ms and wait ≥ half the help the whole
///     window would bring at the pace so far (so a failed try costs about one stall)
///     a try (the pool's first window, or one after a spell alone) is lost at its `probe`-th
///     job already if the helpers took under 3/4 of their parts so far
///
/// Every job offered to helpers that cannot keep up costs more than running it alone: they
/// are woken (a system call), take some parts on the other core (whose rows of W the caller
/// must fetch back) and miss others, and now and then one is preempted in the middle of a
/// part and the caller waits milliseconds for it. So a try says early whether the helpers keep
/// up, and tries thin out fast: with one core busy, a one-epoch run offered 260–450 of its
/// ~4,700 jobs in seven lost 64-job windows, and 64–112 in four lost tries with this rule
/// (docs/PERFORMANCE.md, "Fewer, shorter tries"). A window after a good one is not a try:
/// its helpers are awake, and it keeps the whole window to judge them.
///
/// Quiet, a helper's part ends a few microseconds after the caller's (wait ≈ 0.1 × help);
/// with the helper's core shared, the caller waits whole scheduler slices (milliseconds).
struct Lag {
    static let window = 64
    static let probe = 16
    static let shortest = 64, longest = 16_384
    static let growth = 4
    static let earlyNanoseconds: UInt64 = 1_000_000
    private(set) var alone = 0
    private var backoff = Lag.shortest
    private var jobs = 0
    private var help: UInt64 = 0, wait: UInt64 = 0
    /// Parts meant for the helpers, and parts they took (the caller ran the rest).
    private var offered = 0, taken = 0
    /// This window is a try: the first, or the first after a spell alone.
    private var trying = true

    /// Whether this job runs alone (counting it down).
    mutating func runsAlone() -> Bool {
        guard alone > 0 else { return false }
        alone -= 1
        return true
    }

    /// A handed-out job: the caller ran `ranHere` of `parts` parts in `working` ns, then waited
    /// `waiting` ns for the rest.
    mutating func record(ranHere: Int, of parts: Int, working: UInt64, waiting: UInt64) {
        if ranHere > 0 { help &+= working / UInt64(ranHere) * UInt64(parts - ranHere) }
        wait &+= waiting
        offered += parts - 1
        taken += parts - ranHere
        jobs += 1
        // A window is lost early once the wait passes a millisecond and half of what the
        // helpers could give over the whole window at their pace so far.
        // A try is lost at its probe if the helpers missed over a quarter of their parts.
        let lostEarly = wait > Self.earlyNanoseconds && wait * 2 >= help / UInt64(jobs) * UInt64(Self.window)
            || trying && jobs == Self.probe && taken * 4 < offered * 3
        guard jobs == Self.window || lostEarly else { return }
        if wait * 2 >= help || lostEarly || taken * 4 < offered * 3 {
            alone = backoff
            backoff = Swift.min(backoff * Self.growth, Self.longest)
            trying = true
        } else {
            backoff = Self.shortest
            trying = false
        }
        jobs = 0
        help = 0
        wait = 0
        offered = 0
        taken = 0
    }
}
