#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many of this process's CPUs no other program is busy on right now: the thread count
/// `set threads auto` (the shell's default) trains with.
///
/// With two threads on two cores and a third program busy on one of them, the helper thread
/// gets a share of that core only, and the caller waits for its parts (`WorkerPool`, `Lag`):
/// the epoch then takes a few per cent longer than on one thread. Choosing the thread count
/// when the run starts, from what the other programs are doing, avoids that. The count is chosen
/// once per run, only when its network is big enough to split, and kept by it (a paused run
/// resumes on it): within a run the cut, and so the bits, never change with the load.
/// `TrainingResult.threads` says what it chose (`TrainingRun.startWorkers`).
///
///     others = tasks running or waiting to run, machine-wide (/proc/loadavg's 4th field),
///              less this process's own running threads (/proc/self/task/*/stat)
///     busy   = the median of `samples` looks, `gapMicroseconds` sleeps between them (about
///              5 ms in all): a program running in most looks, not one that ran in one look
///     free   = clamp(online CPUs − busy, 1 … min(limit, CPUs this process may use))
///
/// The count is machine-wide, so it means something only when the process may use every CPU:
/// when its affinity mask (taskset, a container's cpuset, Slurm) leaves some out, or where
/// /proc cannot be read (not Linux), every usable CPU counts as free, as before `auto`.
public enum FreeCores {
    static let samples = 9
    static let gapMicroseconds: UInt32 = 200

    /// The CPUs (at most `limit`) that no other program is running on now.
    public static func count(limit: Int) -> Int {
        let usable = usableCPUs, online = WorkerPool.processors
        let cpus = Swift.max(1, Swift.min(limit, usable))
        guard cpus > 1, usable >= online else { return cpus }
        var others: [Int] = []
        for i in 0..<samples {
            if i > 0 { usleep(gapMicroseconds) }
            // This process's running threads before and after: the fewer is taken, so a thread
            // of ours that starts between the two reads cannot hide another program.
            guard let before = ownRunningThreads(),
                  let running = readFile("/proc/loadavg").flatMap(runningTasks(loadavg:)),
                  let after = ownRunningThreads() else { return cpus }
            others.append(Swift.max(0, running - Swift.min(before, after)))
        }
        return decide(cpus: cpus, online: online, others: others)
    }

    /// The free CPUs from the looks at other programs' running tasks (see the type's comment).
    static func decide(cpus: Int, online: Int, others: [Int]) -> Int {
        guard !others.isEmpty else { return cpus }
        let busy = others.sorted()[others.count / 2]
        return Swift.max(1, Swift.min(cpus, online - busy))
    }

    /// "0.02 0.86 1.56 3/110 12213" → 3: the tasks running or runnable now, machine-wide.
    static func runningTasks(loadavg: String) -> Int? {
        let fields = loadavg.split(separator: " ")
        guard fields.count >= 4, let slash = fields[3].firstIndex(of: "/") else { return nil }
        return Int(fields[3][..<slash])
    }

    /// The state letter of a /proc/…/stat line ("R" running or runnable, "S" asleep, …): the
    /// field after the command name, which is in parentheses and may itself hold ") ".
    static func state(stat: String) -> Character? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// This process's threads that are running or runnable (the one asking among them).
    static func ownRunningThreads() -> Int? {
        #if os(Linux)
        guard let dir = opendir("/proc/self/task") else { return nil }
        defer { closedir(dir) }
        var running = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.first?.isNumber == true, let stat = readFile("/proc/self/task/\(name)/stat") else { continue }
            if state(stat: stat) == "R" { running += 1 }
        }
        return Swift.max(1, running)
        #else
        return nil
        #endif
    }

    /// The CPUs this process may run on (its affinity mask, /proc/self/status's
    /// Cpus_allowed_list), else the CPUs online.
    static var usableCPUs: Int {
        readFile("/proc/self/status").flatMap(allowedCPUs(status:)) ?? WorkerPool.processors
    }

    /// "Cpus_allowed_list:\t0-3,8,10-11" → 7.
    static func allowedCPUs(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        var n = 0
        for range in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let ends = range.split(separator: "-").map { Int($0.filter { !$0.isWhitespace }) }
            switch ends.count {
            case 1: guard ends[0] != nil else { return nil }; n += 1
            case 2: guard let a = ends[0], let b = ends[1], b >= a else { return nil }; n += b - a + 1
            default: return nil
            }
        }
        return n > 0 ? n : nil
    }

    /// A small text file's contents (up to 4 KB), or nil.
    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        return String(decoding: bytes[..<n], as: UTF8.self)
    }
}
