import CEditLine
import Foundation

/// Reads lines from standard input with no editing: the fallback for a dumb terminal, a
/// redirected standard output, or when libedit cannot start. The prompt, when shown, goes to
/// standard error so that redirected output holds only what the commands print.
final class PlainLineReader: LineReader {
    private let showsPrompt: Bool

    init(showsPrompt: Bool) { self.showsPrompt = showsPrompt }

    func readLine(prompt: String) -> LineInput {
        if showsPrompt {
            nnsh_flush_stdout()
            FileHandle.standardError.write(Data(prompt.utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    func addToHistory(_ entry: String) {}
}
