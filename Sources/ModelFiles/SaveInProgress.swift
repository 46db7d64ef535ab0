import Engine
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary file a save is writing at this moment, kept where a signal handler can read it
/// without allocating or locking. When SIGTERM, SIGHUP or (in a script) Ctrl-C ends the process
/// in the middle of a save, the executable's handler calls `removeFromSignalHandler` before the
/// process dies, so no `.NAME.tmp-PID-N` file is left behind (`AtomicFile.write` removes it
/// itself on every error, and a later save removes those of processes killed outright).
///
/// One save at a time is recorded (the shell saves on one thread); a second save running at the
/// same moment in the same process simply is not recorded.
public enum SaveInProgress {
    private static let capacity = Int(PATH_MAX) + 1
    /// The path, NUL-terminated; written only by the save that holds `state`.
    nonisolated(unsafe) private static let path: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    /// 0: no save recorded; 1: a save is writing the path; 2: `path` names the temporary file.
    private static let state = Atomic<Int>(0)

    /// Makes the storage before any handler may run (a handler must not initialise a global).
    public static func prepare() { _ = path }

    /// Records `temporary`; false when another save is recorded or the path is too long.
    static func begin(_ temporary: String) -> Bool {
        guard temporary.utf8.count < capacity,
              state.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else { return false }
        temporary.withCString { _ = strcpy(path, $0) }
        state.store(2, ordering: .releasing)
        return true
    }

    /// Forgets the recorded file (the save committed it by renaming it, or removed it).
    static func end() { state.store(0, ordering: .releasing) }

    /// The recorded temporary file, if any (tests).
    static var current: String? { state.load(ordering: .acquiring) == 2 ? String(cString: path) : nil }

    /// Removes the recorded temporary file. Async-signal-safe: one atomic load and `unlink`.
    public static func removeFromSignalHandler() {
        if state.load(ordering: .acquiring) == 2 { _ = unlink(path) }
    }
}
