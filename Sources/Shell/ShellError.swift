import Plots
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
    /// True when Ctrl-C stopped the work (training paused, a loop or `sleep` cut short): not a
    /// mistake in the code, so it is shown as a plain notice, without "error:" or a caret. It
    /// still ends a script (exit status 130, as shells give) and the rest of a REPL entry.
    public var isInterruption = false

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
    /// Tabs before the column are kept in the caret line so the caret lines up, and a wide
    /// character (CJK) counts as two columns. A line wider than `width` is shown as an excerpt
    /// around the column, cut ends marked "…" (as rustc and clang do).
    /// With `colour` (a terminal that shows it: `TerminalColour.allowed`), as clang does: the
    /// place and message in bold, "error:" in bold red, the caret in bold green.
    public func rendered(width: Int = 100, colour: Bool = false) -> String {
        if isInterruption { return message }
        let (bold, red, green, reset) = colour ? ("\u{1B}[1m", "\u{1B}[1;31m", "\u{1B}[1;32m", "\u{1B}[0m") : ("", "", "", "")
        var text = "\(bold)\(file):\(line):\(column):\(reset) \(red)error:\(reset) \(bold)\(message)\(reset)"
        if !sourceLine.isEmpty {
            let (shown, caret) = Self.excerpt(sourceLine, column: column, width: max(20, width))
            text += "\n\(shown)\n\(caret)\(green)^\(reset)"
        }
        return text
    }

    /// The part of `line` shown and the padding that puts a caret under `column` (1-based, in
    /// Unicode scalars).
    static func excerpt(_ line: String, column: Int, width: Int) -> (shown: String, pad: String) {
        let scalars = Array(line.unicodeScalars)
        let caret = min(max(0, column - 1), scalars.count)
        func cells(_ s: Unicode.Scalar) -> Int { s == "\t" ? 8 : DisplayWidth.of(s) }
        func text(_ part: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(part)) }
        func pad(_ part: ArraySlice<Unicode.Scalar>, keepingTabs: Bool) -> String {
            part.map { s in s == "\t" && keepingTabs ? "\t" : String(repeating: " ", count: s == "\t" ? 1 : DisplayWidth.of(s)) }
                .joined()
        }
        if scalars.reduce(0, { $0 + cells($1) }) <= width {
            return (line, pad(scalars[..<caret], keepingTabs: true))
        }
        // Tabs become single spaces; the window leaves a cell at each end for "…" and puts the
        // column about a third of the way in, further right near the line's end.
        let flat = scalars.map { $0 == "\t" ? " " : $0 }
        func w(_ s: Unicode.Scalar) -> Int { DisplayWidth.of(s) }
        let room = width - 2
        var start = caret, used = 0
        while start > 0, used + w(flat[start - 1]) <= room / 3 { start -= 1; used += w(flat[start]) }
        var end = start
        used = 0
        while end < flat.count, used + w(flat[end]) <= room { used += w(flat[end]); end += 1 }
        while end == flat.count, start > 0, used + w(flat[start - 1]) <= room { start -= 1; used += w(flat[start]) }
        let shown = (start > 0 ? "…" : "") + text(flat[start..<end]) + (end < flat.count ? "…" : "")
        return (shown, (start > 0 ? " " : "") + pad(flat[start..<caret], keepingTabs: false))
    }

    public var description: String { rendered() }
}
