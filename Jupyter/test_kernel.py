"""End-to-end test of the nnsh Jupyter kernel through jupyter_client, as a notebook drives it.

    python3 Jupyter/test_kernel.py PATH/TO/nnsh

Starts the real kernel (this folder's nnsh_kernel with the given nnsh) from a kernelspec in a
temporary JUPYTER_PATH (nothing is installed), runs cells and checks the messages: variables
persist, an error is an error with its caret, plot is an SVG, training is one display updated
in place, completion and inspection answer, the interrupt button pauses training
and `resume` in the next cell goes on. Exit status
0 when all pass.
"""

import json
import os
import queue
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 60


def make_spec(folder, nnsh):
    kernels = os.path.join(folder, "kernels", "nnsh")
    os.makedirs(kernels)
    with open(os.path.join(HERE, "kernel.json")) as f:
        spec = json.load(f)
    spec["argv"][0] = sys.executable
    spec["env"] = {"NNSH_EXECUTABLE": nnsh, "PYTHONPATH": HERE}
    with open(os.path.join(kernels, "kernel.json"), "w") as f:
        json.dump(spec, f)


def run(client, code):
    """Runs a cell; returns (reply content, [iopub messages of the cell])."""
    outputs = []
    reply = client.execute_interactive(code, timeout=TIMEOUT, output_hook=outputs.append)
    kinds = ("stream", "display_data", "update_display_data", "error", "execute_result")
    return reply["content"], [m for m in outputs if m["msg_type"] in kinds]


def stdout(messages):
    return "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")


PASSED = []


def check(condition, what):
    if not condition:
        print(f"kernel: {len(PASSED)} passed, 1 failed")
        raise AssertionError(what)
    PASSED.append(what)
    print(f"ok: {what}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: python3 Jupyter/test_kernel.py PATH/TO/nnsh")
    nnsh = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as folder:
        make_spec(folder, nnsh)
        os.environ["JUPYTER_PATH"] = folder
        from jupyter_client.manager import start_new_kernel
        manager, client = start_new_kernel(kernel_name="nnsh", startup_timeout=TIMEOUT)
        try:
            tests(manager, client)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    print(f"kernel: {len(PASSED)} passed, 0 failed")


def tests(manager, client):
    reply, _ = run(client, "x = 20\ny = x + 1")
    check(reply["status"] == "ok", "a cell runs")
    reply, out = run(client, "print x * 2\nprint y")
    check(stdout(out) == "40\n21\n", "variables persist across cells")

    reply, out = run(client, "z = x +* 2")
    errors = [m["content"] for m in out if m["msg_type"] == "error"]
    check(reply["status"] == "error" and len(errors) == 1, "an error is an error")
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in errors[0]["traceback"]]
    check(plain[1:] == ["z = x +* 2", "       ^"], "the error shows its line and caret")
    check("\x1b[1;31merror:" in errors[0]["traceback"][0], "the error is red")

    outputs = []
    client.execute_interactive("print 1\nclear\nprint 2", timeout=TIMEOUT, output_hook=outputs.append)
    kinds = [m["msg_type"] for m in outputs if m["msg_type"] in ("stream", "clear_output")]
    check(kinds == ["stream", "clear_output", "stream"], "clear clears the cell's output")

    reply, out = run(client, 'plot [1, 4, 9, 16] title="squares"')
    svgs = [m for m in out if m["msg_type"] == "display_data" and "image/svg+xml" in m["content"]["data"]]
    check(len(svgs) == 1 and "<svg" in svgs[0]["content"]["data"]["image/svg+xml"], "plot is an SVG picture")

    reply, out = run(client, "r = runge n=64 seed=1\nnet = network 1\nadd net dense 8 tanh\n"
                             "add net dense 1 linear\ntrain net r epochs=10 batch=8")
    shown = [m for m in out if m["msg_type"] == "display_data"]
    updates = [m for m in out if m["msg_type"] == "update_display_data"]
    ids = {m["content"]["transient"]["display_id"] for m in shown + updates}
    check(len(shown) == 1 and len(updates) >= 9 and len(ids) == 1, "training is one display updated in place")
    check(updates[-1]["content"]["data"]["text/plain"].startswith("epoch 10/10"), "the display ends at the last epoch")
    check("epoch" not in stdout(out), "no line per epoch")

    complete = client.complete("tra", 3, reply=True, timeout=TIMEOUT)["content"]
    check(complete["matches"] == ["train"] and complete["cursor_start"] == 0, "Tab completes commands")
    inspect = client.inspect("train net r", 2, reply=True, timeout=TIMEOUT)["content"]
    check(inspect["found"] and inspect["data"]["text/plain"].startswith("usage: train"), "Shift-Tab shows help")

    interrupt(manager, client)


def interrupted(manager, client, code):
    """Runs `code` and presses the interrupt button once its progress line shows (no timing
    involved); returns the reply's content. The button's path: jupyter_client's interrupt_kernel
    (what the notebook server calls) signals the kernel's process group, as kernel.json's
    interrupt_mode "signal" says; the wrapper passes the SIGINT on to nnsh."""
    msg_id = client.execute(code)
    while True:
        message = client.get_iopub_msg(timeout=TIMEOUT)
        if message["parent_header"].get("msg_id") == msg_id and message["msg_type"] == "display_data":
            break
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=TIMEOUT)
    try:
        while True:
            client.get_iopub_msg(timeout=1)
    except queue.Empty:
        pass
    return reply["content"]


def interrupt(manager, client):
    """The interrupt button during a long training: it pauses; `resume` in the next cell goes on
    with the same run; the network stays."""
    paused = re.compile(r"training paused by Ctrl-C in epoch (\d+) of 1000000")
    content = interrupted(manager, client, "train net r epochs=1000000 batch=1")
    first = paused.match(content.get("evalue", ""))
    check(content["status"] == "error" and content["ename"] == "Interrupted" and first,
          "the interrupt button pauses training")
    reply, out = run(client, "print net.layers.count")
    check(stdout(out) == "2\n", "the session goes on after an interrupt")
    content = interrupted(manager, client, "resume net")
    again = paused.match(content.get("evalue", ""))
    check(content["status"] == "error" and again and int(again.group(1)) >= int(first.group(1)),
          "resume goes on with the paused run (its epochs of 1000000), until interrupted again")


if __name__ == "__main__":
    main()
