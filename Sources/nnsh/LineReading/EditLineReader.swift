import CEditLine
import Glibc

/// The terminal line reader: libedit in emacs mode with history (persistent when given a
/// file), arrow keys, Ctrl-R incremental search, Tab completion, Ctrl-C to drop the line,
/// Ctrl-Z to suspend, and bracketed paste (pasted text goes in as typed, its Tabs as text).
///
/// libedit calls back into Swift for the prompt and the Tab, Ctrl-C and Ctrl-Z keys; those
/// callbacks find their state through `EditLineCallbacks` (see that file), nowhere else.
final class EditLineReader: LineReader {
    private let editor: OpaquePointer      // EditLine *
    private let history: OpaquePointer     // History *
    private let historyFile: String?
    /// The history's entries, oldest first, as written to `historyFile` (`HistoryFile`).
    private var entries: [String] = []
    private static let historySize = 1000
    private let state: EditLineState

    /// - Parameters:
    ///   - historyFile: where history is loaded from and saved to after every line; nil keeps
    ///     history in memory only.
    ///   - complete: the candidates for `line` with the cursor after `cursor` Unicode scalars.
    /// Returns nil when libedit cannot drive this terminal.
    init?(historyFile: String?, complete: @escaping (_ line: String, _ cursor: Int) -> [String]) {
        guard let editor = nnsh_el_init_stdio("nnsh") else { return nil }
        guard let history = history_init() else {
            el_end(editor)
            return nil
        }
        self.editor = editor
        self.history = history
        self.historyFile = historyFile
        self.state = EditLineState(complete: complete)

        nnsh_history_set_size(history, Int32(Self.historySize))
        nnsh_history_set_unique(history, 1)
        if let historyFile {
            entries = Array(HistoryFile.read(historyFile).suffix(Self.historySize))
            for entry in entries { nnsh_history_enter(history, entry) }
        }

        nnsh_el_set_editor(editor, "emacs")
        nnsh_el_set_history(editor, history)
        nnsh_el_make_signal_keys_ordinary_while_editing(editor)
        el_source(editor, nil)   // $EDITRC or ~/.editrc, if any (e.g. `bind -v` for vi keys)
        // nnsh's keys come last so that Tab, Ctrl-C, Ctrl-Z and Ctrl-R work in either mode.
        // Bracketed paste in emacs keys only: in vi's insert mode ESC must stay a key of its own
        // (binding ESC[200~ would make it wait for the rest of a sequence).
        state.usesBracketedPaste = nnsh_el_get_editor(editor).map { String(cString: $0) } == "emacs"
        EditLineCallbacks.attach(state, to: editor)
        nnsh_el_bind(editor, "^R", "em-inc-search-prev")
    }

    deinit {
        EditLineCallbacks.detach(from: editor)
        el_end(editor)
        history_end(history)
    }

    func readLine(prompt: String) -> LineInput {
        state.setPrompt(prompt)
        state.lineWasCancelled = false
        el_resize(editor)   // pick up a terminal resized while a command ran
        state.lineModeSettings = Self.terminalSettings()
        var count: Int32 = 0
        if state.usesBracketedPaste { Self.setBracketedPaste(true) }
        let text = el_gets(editor, &count)
        if state.usesBracketedPaste { Self.setBracketedPaste(false) }
        if state.lineWasCancelled { return .interrupted }
        guard let text, count > 0 else {
            if count < 0, errno == EINTR { return .interrupted }
            return .endOfInput
        }
        var line = String(cString: text)
        if line.hasSuffix("\n") { line.removeLast() }
        return .line(line)
    }

    /// Bracketed paste (xterm's mode 2004), on only while a line is being edited: the terminal
    /// then wraps pasted text in ESC[200~ … ESC[201~, which the paste keys (`EditLineCallbacks`)
    /// use to take a Tab in it as text, never completion. Off while commands run, at exit and
    /// while suspended, so other programs get plain pastes.
    static func setBracketedPaste(_ on: Bool) {
        print(on ? "\u{1b}[?2004h" : "\u{1b}[?2004l", terminator: "")
        nnsh_flush_stdout()
    }

    /// The terminal's current settings, or nil when standard input is not a terminal.
    static func terminalSettings() -> termios? {
        var settings = termios()
        return tcgetattr(STDIN_FILENO, &settings) == 0 ? settings : nil
    }

    /// A whole entry (a block's lines joined by newlines): the up arrow brings it back whole.
    func addToHistory(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace) else { return }
        nnsh_history_enter(history, entry)
        guard entries.last != entry else { return }
        entries.append(entry)
        if entries.count > Self.historySize { entries.removeFirst(entries.count - Self.historySize) }
        if let historyFile { HistoryFile.write(entries, to: historyFile) }
    }
}

/// What the libedit callbacks of one `EditLineReader` need: owned by the reader, reached by the
/// callbacks through the editor's client-data pointer.
final class EditLineState {
    let complete: (String, Int) -> [String]
    /// Set by the Ctrl-C key: the line `el_gets` returns is to be thrown away.
    var lineWasCancelled = false
    /// Between the terminal's paste-start and paste-end marks: keys are pasted text (a Tab is
    /// inserted, an Enter ends the line as typed). Stays set across the lines of a pasted block.
    var isPasting = false
    /// Whether the terminal is asked to mark pastes (emacs keys; see `EditLineReader.init`).
    var usesBracketedPaste = false
    /// The terminal's normal (line mode) settings, taken before libedit switches to key-by-key
    /// reading; the Ctrl-Z key restores them while nnsh is suspended.
    var lineModeSettings: termios?
    /// The prompt as a C string that stays valid while libedit draws it.
    private(set) var prompt: UnsafeMutablePointer<CChar>

    init(complete: @escaping (String, Int) -> [String]) {
        self.complete = complete
        self.prompt = strdup("")
    }

    func setPrompt(_ text: String) {
        free(prompt)
        prompt = strdup(text)
    }

    deinit { free(prompt) }
}
