#ifndef NNSH_EDITLINE_SHIM_H
#define NNSH_EDITLINE_SHIM_H
// libedit (BSD editline) for the nnsh REPL.
//
// el_set, el_get and history are C variadic functions, which Swift cannot call. Each use nnsh
// makes of them gets one tiny non-variadic wrapper here, named nnsh_<function>_<what>. The
// stdio streams (stdin, stdout, stderr) are mutable C globals that Swift 6 refuses to touch,
// so they are named here too.
#include <stdio.h>
#include <histedit.h>
#include <sys/ioctl.h>
#include <unistd.h>

/// A prompt callback: returns the prompt text (owned by the caller's state, not freed).
typedef char *(*nnsh_prompt_fn)(EditLine *);
/// A key callback (EL_ADDFN): returns one of the CC_* codes.
typedef unsigned char (*nnsh_key_fn)(EditLine *, int);

/// A line editor on the process's standard streams.
static inline EditLine *nnsh_el_init_stdio(const char *program) {
    return el_init(program, stdin, stdout, stderr);
}

static inline int nnsh_el_set_prompt(EditLine *el, nnsh_prompt_fn fn) {
    return el_set(el, EL_PROMPT, fn);
}

/// "emacs" or "vi".
static inline int nnsh_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int nnsh_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

/// Registers a named editor function that keys can then be bound to.
static inline int nnsh_el_add_function(EditLine *el, const char *name, const char *help,
                                       nnsh_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

/// Binds a key sequence (e.g. "^I", "^R") to a named editor function.
static inline int nnsh_el_bind(EditLine *el, const char *key, const char *function) {
    return el_set(el, EL_BIND, key, function, NULL);
}

/// Turns the terminal's signal keys (^C, ^Z, ^\) into ordinary keys while a line is being
/// edited, so that ^C can be bound to "clear the line" and ^Z to "suspend". While a command runs
/// the terminal is back in its normal mode and ^C raises SIGINT as usual.
static inline int nnsh_el_make_signal_keys_ordinary_while_editing(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-isig", NULL);
}


/// "emacs" or "vi": the keys in use (after ~/.editrc), or NULL when unknown.
static inline const char *nnsh_el_get_editor(EditLine *el) {
    const char *mode = NULL;
    if (el_get(el, EL_EDITOR, &mode) != 0) return NULL;
    return mode;
}

static inline int nnsh_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *nnsh_el_get_client_data(EditLine *el) {
    void *data = NULL;
    if (el_get(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}

/// Flushes the editor's output stream (what a key callback printed itself).
static inline void nnsh_el_flush_output(EditLine *el) {
    FILE *out = NULL;
    if (el_get(el, EL_GETFP, 1, &out) == 0 && out != NULL) fflush(out);
}

static inline int nnsh_history_set_size(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}

/// Consecutive identical entries are stored once.
static inline int nnsh_history_set_unique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}

static inline int nnsh_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}

/// Width of the terminal on standard output, or 0 when unknown.
static inline int nnsh_terminal_columns(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
    return ws.ws_col;
}

/// Columns and rows of the terminal on standard output; 0 (and both 0) when unknown.
static inline int nnsh_terminal_size(int *columns, int *rows) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0) { *columns = 0; *rows = 0; return 0; }
    *columns = ws.ws_col;
    *rows = ws.ws_row;
    return ws.ws_col;
}

/// Flushes the C standard output stream (Swift's print writes through it).
static inline void nnsh_flush_stdout(void) {
    fflush(stdout);
}

#endif
