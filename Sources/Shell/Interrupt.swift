import Synchronization

/// The one "stop what you are doing" flag of an nnsh process.
///
/// The executable's SIGINT handler calls `request()`; long-running work polls `isRequested`
/// through `Interpreter.isInterrupted`: `train` passes it to the trainer as its stop check (it
/// stops after the current batch and keeps weights and history), `gradcheck`, `eval`,
/// `predict` and the file readers pass it to the engine and data layers as their `shouldStop`
/// (they throw `.stopped` and the command changes nothing), and `for`/`while` loops check it
/// before each iteration. The session clears it before each top-level `execute`, so a Ctrl-C typed
/// while idle does not cancel the next command.
///
/// It is an atomic (`Synchronization.Atomic<Bool>`), so setting it from a signal handler and
/// reading it from the training loop is safe without locks.
public enum Interrupt {
    private static let flag = Atomic<Bool>(false)

    /// Asks running work to stop at its next check (async-signal-safe: one atomic store).
    public static func request() { flag.store(true, ordering: .relaxed) }

    /// Forgets an earlier request.
    public static func clear() { flag.store(false, ordering: .relaxed) }

    /// True once `request()` was called and `clear()` was not called since.
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
}
