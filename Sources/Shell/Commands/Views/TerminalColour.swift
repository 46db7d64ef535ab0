/// The one decision what output may do to the terminal: move the cursor (redraw a line) and
/// carry colour (ANSI escape codes). Every command that draws (`plot`, `heatmap`, `show`,
/// `errors`, `classify`, `eval`'s confusion matrix) asks `Interpreter.useColour`; `train`'s live
/// progress line asks `Interpreter.canRedrawLine`; the executable asks for standard error
/// before it colours an error (`ShellError.rendered(width:colour:)`). All ask this.
///
/// Escape codes at all (cursor movement: `\r`, erase line `ESC[2K`) only when both hold:
/// - standard output is a terminal (not a pipe or a file);
/// - `TERM` is set and is not `dumb` (a terminal that cannot show escape codes).
///
/// Colour when, besides, `NO_COLOR` is unset or empty (https://no-color.org: any non-empty
/// value turns colour off; it says nothing about cursor movement).
///
/// Otherwise the pictures are plain text (shade characters " ░▒▓█", markers for the series)
/// and `train` prints one line per epoch.
public enum TerminalColour {
    /// The terminal understands escape codes: a line may be redrawn in place.
    public static func canMoveCursor(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }

    /// Escape codes are understood and colour is wanted.
    public static func allowed(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard canMoveCursor(isTerminal: isTerminal, environment: environment) else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return true
    }
}
