"""grid ... runner=slurm on a real single-node Slurm (Scripts/slurm/start.sh), about half a
minute: a 4 x 2 grid with 2 seeds through Slurm gives the table runner=local gives, bit for bit;
then, in a second sweep held at submission, one array task is cancelled: its configurations come
back missing with the task's log path, and running the same line again submits only that task
and completes the table. Then halving through Slurm (a job per round) against runner=local,
runner=parallel (GNU parallel here, when installed) against runner=local, and Ctrl-C at nnsh's
prompt (a pseudo-terminal), which must cancel the job.

    python3 Scripts/slurm/test_slurm.py .build/debug/nnsh

Needs root and slurm-wlm + munge (Scripts/test.sh installs them with apt-get); exits 0 with the
reason on stderr when they are not there. Only the daemons start.sh started are stopped."""

import os
import pty
import re
import select
import socket
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from checks import check, finish  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Both grids train with one thread, the Slurm tasks too (cpus=1), so the bits are comparable.
SETUP = """set threads 1
set precision float64
r = runge n=40 noise=0.05 seed=4
net = network 1
add net dense 6 tanh
add net dense 1 linear
local = grid net r lr=[0.003, 0.01, 0.03, 0.1] l2=[0, 1e-4] epochs=3 batch=8 repeats=2 seed=1 quiet
"""
GRID = "grid net r lr=[0.003, 0.01, 0.03, 0.1] l2=[0, 1e-4] epochs=3 batch=8 repeats=2 seed=1 cpus=1 runner=slurm"


def skip(reason):
    print(f"slurm: skipped: {reason}", file=sys.stderr)
    sys.exit(0)


def run_nnsh(binary, folder, name, body, env):
    """Starts `body` (after SETUP) as a script in `folder`; the process."""
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(SETUP + body)
    return subprocess.Popen([binary, path], cwd=folder, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finished(process, what, timeout=120):
    out, _ = process.communicate(timeout=timeout)
    if process.returncode != 0:
        print(out, file=sys.stderr)
    check(process.returncode == 0, f"{what}: nnsh succeeds")
    return out


def ctrl_c_cancels(binary, folder, env):
    """nnsh at a prompt (a pseudo-terminal) submits a held sweep; Ctrl-C must cancel the job."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(folder)
        os.execve(binary, [binary], env)
    seen = ""

    def read_until(text, seconds=60):
        nonlocal seen
        deadline = time.monotonic() + seconds
        while text not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 4096).decode(errors="replace")
                except OSError:
                    break
        return text in seen

    try:
        for line in SETUP.splitlines()[:6] + [f'{GRID} dir="interrupted" sbatch="--hold"']:
            os.write(fd, (line + "\r").encode())
        if not read_until("submitted Slurm job"):
            print(seen, file=sys.stderr)
            return False
        job = re.search(r"submitted Slurm job (\d+)", seen).group(1)
        time.sleep(0.5)
        os.write(fd, b"\x03")
        cancelled = read_until(f"Ctrl-C: cancelled Slurm job {job}")
        queued = subprocess.run(["squeue", "-h", "-j", job, "-t", "PD,R"], env=env, capture_output=True, text=True).stdout.strip()
        if not cancelled or queued:
            print(seen + "\nsqueue: " + queued, file=sys.stderr)
        os.write(fd, b"quit\r")
        read_until("never", seconds=5)
        return cancelled and not queued
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)


def free_port_pair():
    """A port p with p and p + 1 free (slurmctld's and slurmd's), so a Slurm already running
    here (a system one, or start.sh's default ports) is not in the way."""
    for _ in range(50):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                with socket.socket() as b:
                    b.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue
    return 16817


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: test_slurm.py <path to nnsh>")
    binary = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        skip("a single-node Slurm is started as root, and this is not root")
    missing = [t for t in ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol")
               if shutil.which(t) is None]
    if missing:
        skip("slurm-wlm and munge are not installed (no " + ", ".join(missing) + ")")
    state = tempfile.mkdtemp(prefix="nnsh-slurm-")
    work = tempfile.mkdtemp(prefix="nnsh-sweep-")
    env = dict(os.environ, SLURM_CONF=os.path.join(state, "slurm.conf"))
    started = time.monotonic()
    try:
        up = subprocess.run([os.path.join(HERE, "start.sh"), state], capture_output=True, text=True, timeout=60,
                            env=dict(env, NNSH_SLURM_PORT=str(free_port_pair())))
        check(up.returncode == 0, "start.sh starts a single-node Slurm")
        if up.returncode != 0:
            print(up.stdout + up.stderr, file=sys.stderr)
            return

        # 1. The same table as runner=local: columns, scores and their spread, compared exactly.
        out = finished(run_nnsh(binary, work, "equal.nnsh", f"""s = {GRID} dir="equal" shards=3
print "columns" local.columns == s.columns s.columns
print "mse" local.mse == s.mse
print "mse_std" local.mse_std == s.mse_std
""", env), "the Slurm grid")
        check(re.search(r"submitted Slurm job \d+: 3 tasks for 8 configurations", out) is not None,
              "one array job of 3 tasks (shards=3) for the 8 configurations")
        check('columns true ["lr", "l2", "mse", "mse_std"]' in out, "the same columns as runner=local")
        check("mse true" in out, "the same mse, bit for bit")
        check("mse_std true" in out, "the same mse_std, bit for bit")
        results = os.path.join(work, "equal", "results")
        check(os.path.isdir(results) and len(os.listdir(results)) == 8, "one result file per configuration")

        # 2. A task cancelled while the job is held: its configurations are missing, with its log.
        held = run_nnsh(binary, work, "cancel.nnsh", f"""s = {GRID} dir="resume" shards=4 sbatch="--hold"
print "mse" s.mse
print "missing" s.missing
""", env)
        job = None
        for _ in range(300):
            q = subprocess.run(["squeue", "-h", "-o", "%F"], env=env, capture_output=True, text=True)
            ids = q.stdout.split()
            if ids:
                job = ids[0]
                break
            if held.poll() is not None:
                break
            time.sleep(0.1)
        check(job is not None, "the held job is queued")
        if job is None:
            print(held.communicate()[0], file=sys.stderr)
            return
        subprocess.run(["scancel", f"{job}_2"], env=env, check=True)
        subprocess.run(["scontrol", "release", job], env=env, check=True)
        out = finished(held, "the grid with a cancelled task")
        log = os.path.join(work, "resume", "logs", f"task-{job}-2.log")
        # shards=4 deals configurations 2 and 6 to task 2.
        check(re.search(r'^mse \[[0-9.e-]+, [0-9.e-]+, none, [0-9.e-]+, [0-9.e-]+, [0-9.e-]+, none, [0-9.e-]+\]$', out, re.M)
              is not None, "configurations 2 and 6 have no score")
        check(f'missing [none, none, "{log}", none, none, none, "{log}", none]' in out,
              "configurations 2 and 6 are marked missing with task 2's log")
        check("2 configurations missing" in out, "the grid says 2 configurations are missing")

        # 3. The same line again submits only what is missing, and the table is complete.
        out = finished(run_nnsh(binary, work, "resume.nnsh", f"""s = {GRID} dir="resume" shards=4 sbatch=""
print "columns" local.columns == s.columns
print "mse" local.mse == s.mse
print "mse_std" local.mse_std == s.mse_std
""", env), "the resumed grid")
        check(re.search(r"submitted Slurm job \d+: 1 task for 2 configurations", out) is not None,
              "the resumed grid submits one task for the 2 missing configurations")
        with open(os.path.join(work, "resume", "batch.sh")) as f:
            batch = f.read()
        check("#SBATCH --array=0-0" in batch and 'configurations="[2, 6]"' in batch,
              "the resubmitted batch script holds only configurations 2 and 6")
        check("columns true" in out and "mse true" in out and "mse_std true" in out,
              "the resumed table equals runner=local's")

        # 4. halving: each round one array job; the same table as runner=local.
        out = finished(run_nnsh(binary, work, "halving.nnsh", """
h = halving net r lr=[0.003, 0.01, 0.03, 0.1] l2=[0, 1e-4] epochs=2 keep=0.5 repeats=2 seed=1 quiet
g = halving net r lr=[0.003, 0.01, 0.03, 0.1] l2=[0, 1e-4] epochs=2 keep=0.5 repeats=2 seed=1 cpus=1 runner=slurm dir="halving"
print "halving" h.columns == g.columns and h.mse == g.mse and h.mse_std == g.mse_std and h.epochs == g.epochs and h.kept == g.kept
""", env), "the Slurm halving")
        check(len(re.findall(r"submitted Slurm job \d+ \(round \d\)", out)) == 3, "halving submits one job per round (3 rounds)")
        check("halving true" in out, "halving's table equals runner=local's")

        # 6. The same tasks run by GNU parallel on this machine (runner=parallel).
        if shutil.which("parallel") is None:
            print("slurm: the runner=parallel check is skipped: GNU parallel is not installed", file=sys.stderr)
        else:
            out = finished(run_nnsh(binary, work, "parallel.nnsh", f"""s = {GRID.replace("runner=slurm", "runner=parallel")} dir="parallel" shards=3
print "parallel" local.columns == s.columns and local.mse == s.mse and local.mse_std == s.mse_std
""", env), "the grid run by GNU parallel")
            check("started GNU parallel: 3 tasks for 8 configurations" in out, "GNU parallel runs 3 tasks (shards=3)")
            check("parallel true" in out, "runner=parallel's table equals runner=local's")

        # 5. Ctrl-C at the prompt cancels the job (scancel).
        check(ctrl_c_cancels(binary, work, env), "Ctrl-C at the prompt cancels the Slurm job")
    finally:
        subprocess.run([os.path.join(HERE, "stop.sh"), state], capture_output=True, timeout=60)
        shutil.rmtree(work, ignore_errors=True)
        daemons = subprocess.run(["pgrep", "-f", state], capture_output=True, text=True).stdout.split()
        check(not daemons, "stop.sh leaves no Slurm daemon of this test running")
        print(f"slurm: {time.monotonic() - started:.0f} s with Slurm", file=sys.stderr)
    finish("slurm")


if __name__ == "__main__":
    main()
