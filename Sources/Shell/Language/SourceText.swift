/// A piece of nnsh source with its name ("script.nnsh", "<stdin>", "-e") and the line number of
/// its first line (and column, for code inside a string), so errors can quote the line and
/// locations stay right for REPL input.
final class SourceText: Sendable {
    let name: String
    let text: String
    let firstLine: Int
    /// The column of the text's first character (code inside a string's `{...}` starts there).
    let firstColumn: Int
    private let lines: [Substring]

    init(name: String, text: String, firstLine: Int = 1, firstColumn: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
        self.firstColumn = firstColumn
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The text of an absolute line number (as counted from `firstLine`), without "\r".
    func line(_ number: Int) -> String {
        let i = number - firstLine
        guard i >= 0, i < lines.count else { return "" }
        var l = lines[i]
        if l.hasSuffix("\r") { l = l.dropLast() }
        return String(l)
    }
}

/// A place in a source: 1-based line (absolute, see `SourceText.firstLine`) and column
/// (counted in Unicode scalars).
struct Location: Sendable {
    let source: SourceText
    let line: Int
    let column: Int

    /// Ctrl-C stopped the work here: see `ShellError.isInterruption`.
    func interruption(_ message: String = "interrupted (Ctrl-C)") -> ShellError {
        var e = error(message)
        e.isInterruption = true
        return e
    }

    /// An error at this place.
    func error(_ message: String, atEnd: Bool = false) -> ShellError {
        ShellError(file: source.name, line: line, column: column, message: message,
                   sourceLine: source.line(line), isAtEndOfInput: atEnd)
    }
}
