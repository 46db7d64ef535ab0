/// The one decision whether output may carry colour (ANSI escape codes). Every command that
/// draws (`plot`, `heatmap`, `show`, `errors`, `classify`, `eval`'s confusion matrix) asks
/// `Interpreter.useColour`, which asks this.
///
/// Colour only when all hold:
/// - standard output is a terminal (not a pipe or a file);
/// - `NO_COLOR` is unset or empty (https://no-color.org: any non-empty value turns colour off);
/// - `TERM` is set and is not `dumb` (a terminal that cannot show escape codes).
///
/// Otherwise the pictures are plain text: shade characters " ░▒▓█", markers for the series.
enum TerminalColour {
    static func allowed(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return false }
        return true
    }
}
