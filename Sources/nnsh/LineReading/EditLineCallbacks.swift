import CEditLine
import Glibc

/// The ONE place where libedit's C callbacks get their state.
///
/// C function pointers cannot capture Swift values, so each `EditLine` carries a pointer to its
/// `EditLineState` as libedit "client data" (`EL_CLIENTDATA`), set in `attach` and cleared in
/// `detach`. The callbacks below run on the thread that called `el_gets`, while the reader (which
/// owns the state) is alive. There are no globals. (The other C callback in nnsh, the SIGINT
/// handler in `InterruptSignal`, touches only the atomic `Interrupt` flag.)
enum EditLineCallbacks {
    static func attach(_ state: EditLineState, to editor: OpaquePointer) {
        nnsh_el_set_client_data(editor, Unmanaged.passUnretained(state).toOpaque())
        nnsh_el_set_prompt(editor) { editor in
            EditLineCallbacks.state(of: editor)?.prompt
        }
        nnsh_el_add_function(editor, "nnsh-complete", "Complete the word before the cursor") { editor, _ in
            guard let editor, let state = EditLineCallbacks.state(of: editor) else { return UInt8(CC_ERROR) }
            return EditLineCallbacks.complete(editor, state)
        }
        nnsh_el_add_function(editor, "nnsh-cancel-line", "Drop the line being typed") { editor, _ in
            guard let editor, let state = EditLineCallbacks.state(of: editor) else { return UInt8(CC_ERROR) }
            return EditLineCallbacks.cancelLine(editor, state)
        }
        nnsh_el_add_function(editor, "nnsh-suspend", "Suspend nnsh (the shell's fg resumes it)") { editor, _ in
            guard let editor, let state = EditLineCallbacks.state(of: editor) else { return UInt8(CC_ERROR) }
            return EditLineCallbacks.suspend(state)
        }
        nnsh_el_add_function(editor, "nnsh-paste-start", "Pasted text follows: take it as typed, Tabs as text") { editor, _ in
            guard let editor, let state = EditLineCallbacks.state(of: editor) else { return UInt8(CC_ERROR) }
            state.isPasting = true
            return UInt8(CC_NORM)
        }
        nnsh_el_add_function(editor, "nnsh-paste-end", "The pasted text has ended") { editor, _ in
            guard let editor, let state = EditLineCallbacks.state(of: editor) else { return UInt8(CC_ERROR) }
            state.isPasting = false
            return UInt8(CC_NORM)
        }
        nnsh_el_bind(editor, "^I", "nnsh-complete")
        if state.usesBracketedPaste {
            nnsh_el_bind(editor, "\\e[200~", "nnsh-paste-start")
            nnsh_el_bind(editor, "\\e[201~", "nnsh-paste-end")
        }
        nnsh_el_bind(editor, "^C", "nnsh-cancel-line")
        nnsh_el_bind(editor, "^Z", "nnsh-suspend")
    }

    static func detach(from editor: OpaquePointer) {
        nnsh_el_set_client_data(editor, nil)
    }

    private static func state(of editor: OpaquePointer?) -> EditLineState? {
        guard let editor, let pointer = nnsh_el_get_client_data(editor) else { return nil }
        return Unmanaged<EditLineState>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Tab: complete the unique candidate or the common prefix; list ambiguous candidates.
    /// A Tab in pasted text is text (indentation in a pasted block), as in IPython and bash.
    private static func complete(_ editor: OpaquePointer, _ state: EditLineState) -> UInt8 {
        if state.isPasting {
            return el_insertstr(editor, "\t") == 0 ? UInt8(CC_REFRESH) : UInt8(CC_ERROR)
        }
        guard let info = el_line(editor)?.pointee, let start = info.buffer else { return UInt8(CC_ERROR) }
        let cursorBytes = info.cursor - start
        let lineBytes = info.lastchar - start
        let line = decode(start, count: lineBytes)
        let beforeCursor = decode(start, count: cursorBytes)
        let candidates = state.complete(line, beforeCursor.unicodeScalars.count)
        switch CompletionAction(textBeforeCursor: beforeCursor, candidates: candidates) {
        case .nothing:
            return UInt8(CC_REFRESH_BEEP)
        case .insert(let text):
            if text.isEmpty { return UInt8(CC_REFRESH_BEEP) }
            return el_insertstr(editor, text) == 0 ? UInt8(CC_REFRESH) : UInt8(CC_ERROR)
        case .list(let items):
            let width = Int(nnsh_terminal_columns())
            print("\n" + columnLayout(items, width: width > 0 ? width : 80), terminator: "")
            nnsh_flush_stdout()
            return UInt8(CC_REDISPLAY)
        }
    }

    /// Ctrl-C: show `^C` after the line, end it, and mark it to be thrown away. The newline is
    /// pushed as input so libedit's own newline key finishes the display properly.
    private static func cancelLine(_ editor: OpaquePointer, _ state: EditLineState) -> UInt8 {
        if let info = el_line(editor)?.pointee, let cursor = info.cursor, let last = info.lastchar {
            el_cursor(editor, Int32(last - cursor))
        }
        el_insertstr(editor, "^C")
        state.lineWasCancelled = true
        el_push(editor, "\n")
        return UInt8(CC_REFRESH)
    }

    /// Ctrl-Z: give the shell its terminal back in line mode, stop, and on return (after `fg`, or
    /// at once where job control is unavailable) resume key-by-key reading and redraw.
    private static func suspend(_ state: EditLineState) -> UInt8 {
        guard var lineMode = state.lineModeSettings else { return UInt8(CC_ERROR) }
        var keyByKey = termios()
        guard tcgetattr(STDIN_FILENO, &keyByKey) == 0 else { return UInt8(CC_ERROR) }
        tcsetattr(STDIN_FILENO, TCSADRAIN, &lineMode)
        if state.usesBracketedPaste { EditLineReader.setBracketedPaste(false) }
        kill(0, SIGTSTP)   // the whole job stops here until continued
        if state.usesBracketedPaste { EditLineReader.setBracketedPaste(true) }
        tcsetattr(STDIN_FILENO, TCSADRAIN, &keyByKey)
        return UInt8(CC_REDISPLAY)
    }

    private static func decode(_ start: UnsafePointer<CChar>, count: Int) -> String {
        let bytes = UnsafeRawBufferPointer(start: start, count: max(0, count))
        return String(decoding: bytes, as: UTF8.self)
    }
}
