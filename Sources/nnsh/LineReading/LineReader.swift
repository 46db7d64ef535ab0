/// What one prompt returned.
enum LineInput: Equatable {
    /// A line the user entered, without its newline.
    case line(String)
    /// The user pressed Ctrl-C at the prompt: forget the current line (and any open block).
    case interrupted
    /// Ctrl-D on an empty line, or the end of standard input.
    case endOfInput
}

/// The REPL's view of the terminal: show a prompt, get a line. Two implementations:
/// `EditLineReader` (libedit: editing, history, completion) for a terminal, and
/// `PlainLineReader` for pipes, dumb terminals and tests.
protocol LineReader: AnyObject {
    /// Shows `prompt` and reads one line.
    func readLine(prompt: String) -> LineInput
    /// Remembers an entry (one line, or a block's lines joined by newlines) so that the up
    /// arrow can recall it (and keeps it across runs where the reader supports persistent history).
    func addToHistory(_ entry: String)
}
