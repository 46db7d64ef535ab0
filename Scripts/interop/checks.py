"""What the interop checks (test_numpy.py, test_onnx.py, test_tensorboard.py) share: counting
checks, running an nnsh script in a folder, and the one summary line each ends with."""

import os
import subprocess
import sys

PASSED, FAILED = [], []


def check(condition, what):
    """Counts one check; a failed one is named on stderr."""
    (PASSED if condition else FAILED).append(what)
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)


def nnsh(binary, folder, script, timeout=300):
    """Runs `script` (each line stripped) as a file in `folder`; checks it succeeds; its stdout."""
    path = os.path.join(folder, "script.nnsh")
    with open(path, "w") as f:
        f.write("\n".join(line.strip() for line in script.splitlines()) + "\n")
    result = subprocess.run([binary, path], cwd=folder, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        print(result.stdout + result.stderr, file=sys.stderr)
    check(result.returncode == 0, "nnsh script runs")
    return result.stdout


def finish(name):
    """Prints `name: N passed, M failed` and exits 1 when any check failed."""
    print(f"{name}: {len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)
