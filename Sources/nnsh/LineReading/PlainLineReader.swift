import CEditLine

/// Reads lines from standard input with no editing: the fallback when libedit is unavailable
/// and the reader for pipes. Writes the prompt only when asked to (a terminal with no libedit).
final class PlainLineReader: LineReader {
    private let showsPrompt: Bool

    init(showsPrompt: Bool) { self.showsPrompt = showsPrompt }

    func readLine(prompt: String) -> LineInput {
        if showsPrompt {
            print(prompt, terminator: "")
            nnsh_flush_stdout()
        }
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    func addToHistory(_ line: String) {}
}
