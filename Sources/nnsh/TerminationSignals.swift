import Engine
import ModelFiles
import Glibc

/// Signals that end nnsh while it may be saving: SIGTERM and SIGHUP always, and SIGINT in
/// script mode (where Ctrl-C ends the script; at the prompt it pauses, `InterruptSignal`). The
/// handler removes the temporary file of a save in progress (`SaveInProgress`), then the signal's
/// default action ends the process as before (restored, then `raise`), so the exit status
/// still says which signal it was. A signal the parent set to be ignored (`nohup`, a background
/// job's SIGINT) stays ignored; one it left blocked is unblocked.
///
/// The handler is async-signal-safe: `pthread_self`/`pthread_kill`, an atomic load, `unlink`,
/// `sigaction` and `raise`. It does its work on the session's thread only.
enum TerminationSignals {
    /// The thread that runs the session (and so every save); set before any handler runs.
    nonisolated(unsafe) private static var sessionThread = pthread_self()

    static func install(includingInterrupt: Bool) {
        SaveInProgress.prepare()
        sessionThread = pthread_self()
        for signal in [SIGTERM, SIGHUP] + (includingInterrupt ? [SIGINT] : []) {
            var old = sigaction()
            sigaction(signal, nil, &old)
            let ignored = 1   // SIG_IGN, ((__sighandler_t) 1), which Swift does not import
            if old.__sigaction_handler.sa_handler.map({ unsafeBitCast($0, to: Int.self) }) == ignored { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                // On another thread the session could start a new save while this one ends the
                // process: hand the signal to the session's thread, which is then stopped in it.
                guard pthread_equal(pthread_self(), TerminationSignals.sessionThread) != 0 else {
                    pthread_kill(TerminationSignals.sessionThread, received)
                    return
                }
                SaveInProgress.removeFromSignalHandler()
                var fallback = sigaction()   // SIG_DFL: the signal's own action, on return
                sigemptyset(&fallback.sa_mask)
                sigaction(received, &fallback, nil)
                raise(received)
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
            var set = sigset_t()   // a parent (a test runner's thread) may have left it blocked
            sigemptyset(&set)
            sigaddset(&set, signal)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }
}
