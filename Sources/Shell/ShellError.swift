import Engine

/// An error in nnsh code, with the place it started: the file, the 1-based line and column, and
/// the text of that line (for the caret). Produced by the lexer, parser, interpreter and the
/// commands; turned into text only at the edge, by `rendered()`.
public struct ShellError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    /// The full text of `line` (without its newline), or "" when unknown.
    public var sourceLine: String
    /// True when the error is "the input ended too early" (an open block, bracket or string):
    /// the REPL reads another line instead of reporting it.
    public var isAtEndOfInput: Bool

    public init(file: String, line: Int, column: Int, message: String, sourceLine: String = "",
                isAtEndOfInput: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.message = PrintableText.escaping(message)   // a CSV cell or a file's label may hold "\n", ESC, NUL
        self.sourceLine = sourceLine
        self.isAtEndOfInput = isAtEndOfInput
    }

    /// `file:line:col: error: message`, then the source line and a caret under the column.
    /// Tabs before the column are kept in the caret line so the caret lines up.
    public func rendered() -> String {
        var text = "\(file):\(line):\(column): error: \(message)"
        if !sourceLine.isEmpty {
            let prefix = sourceLine.prefix(max(0, column - 1))
            let pad = String(prefix.map { $0 == "\t" ? "\t" : " " })
            text += "\n\(sourceLine)\n\(pad)^"
        }
        return text
    }

    public var description: String { rendered() }
}
