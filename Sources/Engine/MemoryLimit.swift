import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ceiling on the memory any one tensor, dataset or training run may ask for, so that an
/// absurd size (`dense 1000000` on 100000 inputs, a damaged header claiming 4 GB) is a clear
/// error before anything is allocated instead of the kernel killing the process.
///
/// This is the one place sizes are checked: the engine (layers, training, prediction) and the
/// data readers call `check` with the element count and size they are about to allocate; the
/// shell sets the limit (`set max_memory`, `nnsh --max-memory`). The default is three quarters
/// of the machine's physical memory.
///
///     try MemoryLimit.check(count: inputs, times: outputs, bytesEach: 4, for: "a 784×300 weight matrix")
public enum MemoryLimit {
    private static let limit = Atomic<Int>(defaultBytes)

    /// The current ceiling in bytes.
    public static var bytes: Int { scopedBytes ?? limit.load(ordering: .relaxed) }

    /// A ceiling for the current task only (`MemoryLimit.$scopedBytes.withValue(1 << 30) { ... }`),
    /// so tests running in parallel can each have their own without touching the process's.
    @TaskLocal public static var scopedBytes: Int?

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
    /// exceed the ceiling. `what` names the allocation ("a 1000000×784 float32 weight matrix").
    public static func check(count: Int, times: Int = 1, bytesEach: Int, for what: String) throws(EngineError) {
        let need = product([count, times, bytesEach])
        guard let need else {
            throw EngineError(.tooLarge, "\(what) is too large for any computer (the memory limit is \(describe(bytes)))")
        }
        guard need <= bytes else {
            throw EngineError(.tooLarge, "\(what) needs \(describe(need)), more than the memory limit of \(describe(bytes))")
        }
    }

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
