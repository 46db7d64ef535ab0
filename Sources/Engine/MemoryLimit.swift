import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory budget of a session: what its live values hold plus any one allocation it asks
/// for must stay under one ceiling, so that an absurd size (`dense 1000000` on 100000 inputs,
/// a damaged header claiming 4 GB, a list doubled in a loop, ten wide layers) is a clear error
/// before anything is allocated instead of the kernel killing the process.
///
/// This is the one place sizes are checked: the engine (layers, training, prediction), the
/// data readers and the language call `check` with the element count and size they are about
/// to allocate; `check` compares it with the limit less what is in use, as reported by the
/// `ledger` the session binds while it runs (its variables' datasets, networks, lists and
/// strings). The program using the engine sets the limit (`set(bytes:)`). The default is
/// three quarters of the machine's physical memory.
///
///     try MemoryLimit.check(count: inputs, times: outputs, bytesEach: 4, for: "a 784×300 weight matrix")
public enum MemoryLimit {
    private static let limit = Atomic<Int>(defaultBytes)

    /// The current ceiling in bytes.
    public static var bytes: Int { scopedBytes ?? limit.load(ordering: .relaxed) }

    /// A ceiling for the current task only (`MemoryLimit.$scopedBytes.withValue(1 << 30) { ... }`),
    /// so tests running in parallel can each have their own without touching the process's.
    @TaskLocal public static var scopedBytes: Int?

    /// What the current task's session holds, for `check` (nil: nothing is charged). A session
    /// binds its own (`MemoryLimit.$ledger.withValue(ledger) { ... }`), so sessions running in
    /// parallel (tests) are charged apart.
    @TaskLocal public static var ledger: MemoryLedger?

    /// Sets the ceiling (at least 1 MiB).
    public static func set(bytes: Int) { limit.store(Swift.max(bytes, 1 << 20), ordering: .relaxed) }

    /// The machine's physical memory in bytes, when the system says.
    public static let physicalBytes: Int? = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        let (total, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? nil : total
    }()

    /// Three quarters of physical memory, or 8 GiB when it is unknown.
    public static let defaultBytes: Int = physicalBytes.map { $0 / 4 * 3 } ?? 8 << 30

    /// Throws `.tooLarge` when `count × times × bytesEach` bytes (computed without overflow)
    /// exceed the ceiling less what the session's `ledger` says is in use. `what` names the
    /// allocation ("a 1000000×784 float32 weight matrix").
    public static func check(count: Int, times: Int = 1, bytesEach: Int, for what: String) throws(EngineError) {
        let need = product([count, times, bytesEach])
        let limit = bytes
        guard let need else {
            throw EngineError(.tooLarge, "\(what) is too large for any computer (the memory limit is \(describe(limit)))")
        }
        guard need <= limit else {
            throw EngineError(.tooLarge, "\(what) needs \(describe(need)), more than the memory limit of \(describe(limit))")
        }
        // Small requests are not worth measuring the session for; what they add up to is
        // charged when the values holding them are in use at the next larger request.
        guard need >= unmeasured, let ledger else { return }
        let inUse = ledger.bytesInUse()
        guard need <= limit - min(inUse, limit) else {
            var e = EngineError(.tooLarge, "\(what) needs \(describe(need)), but \(describe(inUse)) of the memory limit of "
                                + "\(describe(limit)) is in use by the session's values")
            e.heldBytes = inUse
            throw e
        }
    }

    /// What may still be allocated: the limit less what the session's `ledger` says is in use
    /// (what is in use counts from `unmeasured` bytes up). For checks made as data arrive (a
    /// file decompressed, a row parsed): take it once, compare as they grow, and name it in
    /// the error with `describe(room:)`.
    public static var room: Int {
        let limit = bytes
        guard let inUse = ledger?.bytesInUse(), inUse >= unmeasured else { return limit }
        return limit - min(inUse, limit)
    }

    /// "the memory limit of 64 MB", or "the 20 MB left of the memory limit of 64 MB" when
    /// `room` is less than the limit.
    public static func describe(room: Int) -> String {
        let limit = bytes
        return room < limit ? "the \(describe(room)) left of the memory limit of \(describe(limit))"
            : "the memory limit of \(describe(limit))"
    }

    /// Requests below this many bytes are checked against the limit only, not against what
    /// is in use (measuring the session walks its lists).
    public static let unmeasured = 64 << 10

    /// The product of `factors`, or nil when it overflows or a factor is negative.
    public static func product(_ factors: [Int]) -> Int? {
        var total = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            total = p
        }
        return total
    }

    /// "512 MB", "2 GB", "1.5 TB" (powers of 1024).
    public static func describe(_ bytes: Int) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) bytes" }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit])"
    }

    /// Parses "2GB", "512 MB", "1.5TB", "100000" (bytes); KB, MB, GB, TB are powers of 1024
    /// (KiB, MiB, GiB, TiB are accepted too). Nil when it is not a positive size.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " && $0 != "_" }
        let units: [(String, Double)] = [("KiB", 0x1p10), ("MiB", 0x1p20), ("GiB", 0x1p30), ("TiB", 0x1p40),
                                         ("KB", 0x1p10), ("MB", 0x1p20), ("GB", 0x1p30), ("TB", 0x1p40),
                                         ("K", 0x1p10), ("M", 0x1p20), ("G", 0x1p30), ("T", 0x1p40), ("B", 1)]
        var number = Substring(trimmed), scale = 1.0
        for (suffix, factor) in units where trimmed.uppercased().hasSuffix(suffix.uppercased()) {
            number = trimmed.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let x = Double(number), x.isFinite, x > 0, x * scale < 0x1p62 else { return nil }
        return Int(x * scale)
    }
}

/// What a session's live values hold, in bytes, measured when an allocation is checked
/// (`MemoryLimit.ledger`). The session supplies the measurement: its variables' datasets,
/// networks (parameters, optimiser moments, a paused run's copies), lists and strings, each
/// shared object counted once.
public final class MemoryLedger: @unchecked Sendable {
    public let bytesInUse: () -> Int
    public init(measuring bytesInUse: @escaping () -> Int) { self.bytesInUse = bytesInUse }
}
