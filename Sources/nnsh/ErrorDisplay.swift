import Foundation
import Glibc
import Shell

/// How an error looks on standard error: an excerpt of a long source line fitted to the
/// terminal's width (100 columns when standard error is not a terminal), in colour when
/// standard error is a terminal that shows it (not a pipe, not TERM=dumb, no NO_COLOR).
enum ErrorDisplay {
    static func render(_ error: ShellError) -> String {
        let colour = TerminalColour.allowed(isTerminal: isatty(STDERR_FILENO) == 1,
                                            environment: ProcessInfo.processInfo.environment)
        return error.rendered(width: width, colour: colour)
    }

    /// The columns an error may take.
    static var width: Int {
        guard isatty(STDERR_FILENO) == 1, let size = TerminalSize.current() else { return 100 }
        return size.columns - 1
    }
}
