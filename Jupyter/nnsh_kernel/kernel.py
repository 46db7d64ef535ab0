"""The nnsh kernel: an ipykernel `Kernel` that starts `nnsh --kernel` and relays.

nnsh runs the cells; this wrapper only translates. Each Jupyter request becomes one JSON line
on nnsh's standard input; each line nnsh writes back is one message (the protocol is written
down in Sources/nnsh/Kernel/KernelProtocol.swift and docs/JUPYTER.md):

    stream   -> a stream message (stdout)
    display  -> display_data, or update_display_data for the progress line of `train`
    error    -> an error message (the rendered error with its caret)
    clear    -> clear_output (`clear` clears the cell's output)
    reply    -> ends the request: its status (and matches, found, state...) go in the reply

Interrupt: Jupyter sends SIGINT to this process (and its process group); while a cell runs, this
wrapper's handler passes it on to nnsh, which runs in a session of its own so that it gets each
interrupt exactly once. nnsh stops the cell as Ctrl-C does at its prompt (training pauses;
`resume net` in the next cell goes on). The wrapper itself is never interrupted halfway through
relaying, so every request gets its reply.
"""

import json
import os
import shutil
import signal
import subprocess

from ipykernel.kernelbase import Kernel

from . import __version__


def nnsh_executable():
    """$NNSH_EXECUTABLE (kernel.json sets it), else `nnsh` on the PATH."""
    path = os.environ.get("NNSH_EXECUTABLE") or shutil.which("nnsh")
    if not path:
        raise RuntimeError("nnsh not found: set NNSH_EXECUTABLE or put nnsh on the PATH "
                           "(Scripts/setup.sh --jupyter does it)")
    return path


class NNSHKernel(Kernel):
    implementation = "nnsh_kernel"
    implementation_version = __version__
    language = "nnsh"
    language_version = __version__
    language_info = {
        "name": "nnsh",
        "mimetype": "text/x-nnsh",
        "file_extension": ".nnsh",
        "pygments_lexer": "text",
    }
    banner = "nnsh: a neural-network shell (help lists the commands, ?word explains one)"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._nnsh = None
        self._requests = 0

    # MARK: - The nnsh process

    def _start(self):
        self._nnsh = subprocess.Popen(
            [nnsh_executable(), "--kernel"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
            start_new_session=True)

    def _running(self):
        return self._nnsh is not None and self._nnsh.poll() is None

    def _request(self, kind, **fields):
        """Sends one request; yields nnsh's messages for it, the reply last."""
        if not self._running():
            self._start()
        self._requests += 1
        request_id = str(self._requests)
        self._nnsh.stdin.write(json.dumps(dict(type=kind, id=request_id, **fields)) + "\n")
        self._nnsh.stdin.flush()
        while True:
            line = self._nnsh.stdout.readline()
            if not line:
                code = self._nnsh.wait()
                yield {"type": "reply", "status": "error", "ename": "nnsh",
                       "evalue": f"nnsh ended (exit status {code}); the next cell starts a new session",
                       "traceback": [f"nnsh ended (exit status {code}); the next cell starts a new session"]}
                return
            message = json.loads(line)
            if message.get("id") not in (request_id, None):
                continue   # left over from an earlier request
            yield message
            if message.get("type") == "reply":
                return

    # MARK: - Requests

    def _pass_on_interrupt(self, signum, frame):
        if self._running():
            self._nnsh.send_signal(signal.SIGINT)

    def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False):
        previous = signal.signal(signal.SIGINT, self._pass_on_interrupt)
        try:
            return self._execute(code, silent)
        finally:
            signal.signal(signal.SIGINT, previous)

    def _execute(self, code, silent):
        reply = {"status": "ok"}
        for message in self._request("execute", code=code):
            kind = message.get("type")
            if kind == "reply":
                reply = message
            elif silent:
                continue
            elif kind == "stream":
                self.send_response(self.iopub_socket, "stream",
                                   {"name": message.get("name", "stdout"), "text": message["text"]})
            elif kind == "display":
                content = {"data": message["data"], "metadata": {},
                           "transient": {"display_id": message["display_id"]}}
                self.send_response(self.iopub_socket,
                                   "update_display_data" if message.get("update") else "display_data", content)
            elif kind == "clear":
                self.send_response(self.iopub_socket, "clear_output", {"wait": False})
            elif kind == "error":
                self.send_response(self.iopub_socket, "error", {
                    "ename": message["ename"], "evalue": message["evalue"], "traceback": message["traceback"]})
        if reply.get("status") == "error":
            return {"status": "error", "execution_count": self.execution_count,
                    "ename": reply.get("ename", "Error"), "evalue": reply.get("evalue", ""),
                    "traceback": reply.get("traceback", [])}
        return {"status": "ok", "execution_count": self.execution_count,
                "payload": [], "user_expressions": {}}

    def _answer(self, kind, **fields):
        reply = {}
        for message in self._request(kind, **fields):
            if message.get("type") == "reply":
                reply = message
        return reply

    def do_complete(self, code, cursor_pos):
        reply = self._answer("complete", code=code, cursor=cursor_pos)
        return {"status": "ok", "matches": reply.get("matches", []),
                "cursor_start": reply.get("cursor_start", cursor_pos),
                "cursor_end": reply.get("cursor_end", cursor_pos), "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        reply = self._answer("inspect", code=code, cursor=cursor_pos)
        return {"status": "ok", "found": bool(reply.get("found")),
                "data": reply.get("data", {}), "metadata": {}}

    def do_is_complete(self, code):
        reply = self._answer("is_complete", code=code)
        return {"status": reply.get("state", "unknown")}

    def do_shutdown(self, restart):
        if self._running():
            try:
                self._answer("shutdown")
                self._nnsh.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._nnsh.kill()
        self._nnsh = None
        return {"status": "ok", "restart": restart}
