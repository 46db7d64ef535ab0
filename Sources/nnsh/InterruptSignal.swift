import Glibc
import Shell

/// Ctrl-C while a command runs: SIGINT sets `Interrupt` (in the Shell layer), which `train`,
/// `gradcheck`, `eval`/`predict`, file reads, long loops and sleeps poll so they stop at the
/// next safe point and return to the prompt.
///
/// The handler is async-signal-safe: it performs one lock-free atomic store and nothing else.
/// It is installed with `SA_RESTART` so that reads and writes in progress resume. At the prompt
/// the terminal sends Ctrl-C as a key instead (see `EditLineReader`), which clears the line.
/// Script mode keeps the default action: Ctrl-C ends the script.
enum InterruptSignal {
    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupt.request() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        var interrupt = sigset_t()   // a parent may have left SIGINT blocked
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
    }
}
