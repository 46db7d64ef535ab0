import CEditLine
import Glibc
import Synchronization

/// The size of the terminal standard output goes to, in character cells: asked of the kernel
/// (`TIOCGWINSZ`) once, and again after the terminal says it was resized (`SIGWINCH`), so a
/// window dragged narrower while `train` runs gets a narrower progress line at its next redraw.
///
/// The signal handler is async-signal-safe: it performs one lock-free atomic store. It is
/// installed with `SA_RESTART` so that reads and writes in progress resume.
enum TerminalSize {
    private static let stale = Atomic<Bool>(true)
    private static let cached = Mutex<(columns: Int, rows: Int)?>(nil)

    /// Marks the size stale on every resize.
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in TerminalSize.stale.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGWINCH, &action, nil)
    }

    /// Columns and rows of standard output's terminal; nil when it is not a terminal or says
    /// it has no size (0 × 0, as some pseudo-terminals do before they are sized).
    static func current() -> (columns: Int, rows: Int)? {
        if stale.exchange(false, ordering: .relaxed) {
            let size = query()
            cached.withLock { $0 = size }
            return size
        }
        return cached.withLock { $0 }
    }

    private static func query() -> (columns: Int, rows: Int)? {
        var columns: Int32 = 0, rows: Int32 = 0
        guard nnsh_terminal_size(&columns, &rows) > 0 else { return nil }
        return (Int(columns), Int(rows))
    }
}
