import Glibc
import Shell

/// How an error looks on standard error: an excerpt of a long source line fitted to the
/// terminal's width (100 columns when standard error is not a terminal).
enum ErrorDisplay {
    static func render(_ error: ShellError) -> String {
        error.rendered(width: width)
    }

    /// The columns an error may take.
    static var width: Int {
        guard isatty(STDERR_FILENO) == 1, let size = TerminalSize.current() else { return 100 }
        return size.columns - 1
    }
}
