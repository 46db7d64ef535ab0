import Glibc

/// Lines typed ahead while a command runs survive the Ctrl-C that stops it.
///
/// The terminal driver discards its unread input when Ctrl-C raises SIGINT unless `NOFLSH` is
/// set: a line typed during a long `gradcheck` was lost with the Ctrl-C that stopped it. While an
/// entry runs, `NOFLSH` is set; the settings from before are restored afterwards (libedit then
/// switches to key-by-key reading from those), so the terminal is left as it was found.
enum TypeAhead {
    static func keptThroughInterrupts<R>(_ body: () -> R) -> R {
        var saved = termios()
        guard isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &saved) == 0 else { return body() }
        var running = saved
        running.c_lflag |= tcflag_t(NOFLSH)
        tcsetattr(STDIN_FILENO, TCSANOW, &running)   // not TCSAFLUSH: that would drop typed keys
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        return body()
    }
}
