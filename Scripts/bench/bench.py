#!/usr/bin/env python3
"""The driver behind Scripts/bench.sh (run that; it builds nnsh in release first).

Runs each workload several times and prints the median and [min-max] range of every figure:
  - sgemm/dgemm: the machine's large-GEMM rate (sgemm.c, the same OpenBLAS nnsh links)
  - MNIST 784-300-10 (ReLU, softmax + cross-entropy, Adam 1e-3, batch 64, shuffled, 60,000
    images) in float32 and float64 at 1 and 2 threads: seconds/epoch, samples/s, GFLOP/s,
    the floor (FLOPs / measured GEMM rate), peak RSS (getrusage of the process)
  - the CNN conv 32 3×3 relu, maxpool 2, conv 64 3×3 relu, maxpool 2, dense 128 relu, dense 10
    (softmax + cross-entropy, Adam 1e-3, batch 64, shuffled, 60,000 images, float32) at 1 and 2
    threads: seconds/epoch, samples/s, GFLOP/s, peak RSS (cnn.nnsh)
  - the small regression net 1-50-50-1 (tanh, Adam, batch 16, 10,000 Runge points): steps/s
  - start to prompt (a pseudo-terminal, until "nnsh> " appears) and a whole process that
    loads a model and classifies one image
  - work that must stay linear in the input's size (a model file of n and 4n layers loaded;
    a string of n and 4n `{…}` pieces run): whole-process times and their ratio (≈ 4: linear)
  - the digit pad (`nnsh serve`, serve_load.py): classify requests of the page's 280×280
    canvas, one at a time and 200 at once: errors, requests/s, latency p50/p99
  - threads under load (--only loaded): the float32 MNIST epoch at 1 thread and at the default
    thread count (all the CPUs nnsh may use), quiet and with a `yes` busy on the last of them,
    in alternating rounds, each run pinned with taskset
  - the output layer's products at a training batch (narrow.c), as nnsh runs them and
    transposed: OpenBLAS's AVX-512 kernels take a malloc-ing small-matrix path for narrow
    outputs; this says whether avoiding it would be faster
When a Python with torch is given, the same MNIST, CNN and small-net workloads run in PyTorch,
alternating with ours (A B A B), and the ratios are printed (ratio < 1: nnsh takes less time).
MNIST runs PyTorch twice per round: as shipped, and given the one wider product nnsh runs
before training to write OpenBLAS's packing buffers (BLASWarmUp.swift), which makes Debian's
PyTorch faster too on some CPUs. The targets are judged against both.

Only the standard library is used here; the PyTorch side (torch_workloads.py) needs torch and
numpy.
"""
import argparse
import datetime
import gzip
import math
import os
import pty
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST_FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
# Multiply-adds of one example through 784-300-10, ×2 for FLOPs: forward x·W for both layers,
# ∂W = aᵀ·δ for both layers, δ·Wᵀ for the second layer only (the first needs no input gradient).
FLOPS_PER_EXAMPLE = 2 * (2 * (784 * 300 + 300 * 10) + 300 * 10)
# The CNN's multiply-adds per example, ×2 for FLOPs: each layer's forward product, its ∂W product
# (as many), and the input gradient of every layer but the first. Convolutions count
# outHeight·outWidth·filters·(channels·3·3) multiply-adds (26×26 and 11×11 outputs).
CNN_FORWARD = [26 * 26 * 32 * 9, 11 * 11 * 64 * 32 * 9, 64 * 5 * 5 * 128, 128 * 10]
CNN_FLOPS_PER_EXAMPLE = 2 * (2 * sum(CNN_FORWARD) + sum(CNN_FORWARD[1:]))
SMALL_EXAMPLES = 10_000
SMALL_BATCH = 16


# MARK: - Measuring

class Run:
    """One finished child process: its output, exit code, wall seconds and peak RSS (MB)."""

    def __init__(self, output, errors, code, wall, rss_mb):
        self.output, self.errors, self.code, self.wall, self.rss_mb = output, errors, code, wall, rss_mb

    def values(self, key):
        """The numbers of every output line "key NUMBER"."""
        return [float(m.group(1)) for m in re.finditer(rf"^{key} ([0-9.eE+-]+)$", self.output, re.M)]


def run_child(argv, env, cwd):
    """Runs argv to completion; returns a Run with peak RSS from wait4's rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = b"", b""
    # Read both pipes to the end without letting the child block, then reap it with wait4.
    streams = {proc.stdout.fileno(): [], proc.stderr.fileno(): []}
    while streams:
        ready, _, _ = select.select(list(streams), [], [])
        for fd in ready:
            chunk = os.read(fd, 65536)
            if chunk:
                streams[fd].append(chunk)
            else:
                parts = streams.pop(fd)
                if fd == proc.stdout.fileno():
                    out = b"".join(parts)
                else:
                    err = b"".join(parts)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(out.decode(errors="replace"), err.decode(errors="replace"), proc.returncode,
               time.perf_counter() - start, usage.ru_maxrss / 1024)


def check(run, what):
    if run.code != 0:
        sys.exit(f"bench: {what} failed (exit {run.code}):\n{run.errors.strip() or run.output.strip()}")
    return run


class Stat:
    """A list of measurements, printed as median [min-max]."""

    def __init__(self, values=None):
        self.values = list(values or [])

    def add(self, v):
        self.values.append(v)

    @property
    def median(self):
        return statistics.median(self.values) if self.values else math.nan

    def fmt(self, digits=3, scale=1.0):
        if not self.values:
            return "—"
        v = [x * scale for x in self.values]
        med = statistics.median(v)
        if len(v) == 1:
            return f"{med:.{digits}g}"
        return f"{med:.{digits}g} [{min(v):.{digits}g}–{max(v):.{digits}g}]"


def threads_env(threads):
    """The thread settings of a child: BLAS and OpenMP pools of `threads`, and OpenMP threads that
    sleep when idle. PyTorch runs its element-wise work on OpenMP threads beside OpenBLAS's own;
    with spinning OpenMP threads the two pools fight over 2 cores (measured at 2 threads, single
    runs: 7.96 s per epoch with OMP_WAIT_POLICY=ACTIVE, 4.05 s with PASSIVE), so PASSIVE is PyTorch's better setting. nnsh uses
    no OpenMP."""
    env = dict(os.environ)
    for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[key] = str(threads)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


# MARK: - Inputs

def mnist_folder(root, tmp):
    """The MNIST folder and whether it is real; synthetic IDX files of MNIST's shape if absent."""
    folder = os.path.join(root, "Data", "mnist")
    if all(os.path.exists(os.path.join(folder, f)) or os.path.exists(os.path.join(folder, f + ".gz"))
           for f in MNIST_FILES):
        return folder, True
    folder = os.path.join(tmp, "synthetic-mnist")
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(1993)
    for prefix, count in (("train", 60_000), ("t10k", 10_000)):
        with open(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), "wb") as f:
            f.write(bytes([0, 0, 8, 3]) + b"".join(n.to_bytes(4, "big") for n in (count, 28, 28)))
            f.write(rng.randbytes(count * 784))
        with open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), "wb") as f:
            f.write(bytes([0, 0, 8, 1]) + count.to_bytes(4, "big"))
            f.write(bytes(rng.randrange(10) for _ in range(count)))
    return folder, False


def runge_csv(tmp):
    """10,000 points x ~ U[-1, 1], y = 1/(1 + 25x²) + N(0, 0.1²), as a CSV with columns x,y."""
    path = os.path.join(tmp, "runge.csv")
    rng = random.Random(1993)
    with open(path, "w") as f:
        f.write("x,y\n")
        for _ in range(SMALL_EXAMPLES):
            x = rng.uniform(-1, 1)
            f.write(f"{x:.9g},{1 / (1 + 25 * x * x) + rng.gauss(0, 0.1):.9g}\n")
    return path


def digit_image(folder, tmp):
    """The first test image of `folder` as a PGM file."""
    stem = os.path.join(folder, "t10k-images-idx3-ubyte")
    opener, path = (open, stem) if os.path.exists(stem) else (gzip.open, stem + ".gz")
    with opener(path, "rb") as f:
        pixels = f.read(16 + 784)[16:]
    out = os.path.join(tmp, "digit.pgm")
    with open(out, "wb") as f:
        f.write(b"P5\n28 28\n255\n" + pixels)
    return out


def digit_model(root, nnsh, folder, tmp, notes):
    """A model in Models/ (mnist*.nnm first), else one trained here for one epoch and saved."""
    models = os.path.join(root, "Models")
    if os.path.isdir(models):
        names = sorted(n for n in os.listdir(models) if n.endswith(".nnm"))
        names.sort(key=lambda n: (not n.startswith("mnist"), n))
        if names:
            return os.path.join(models, names[0])
    out = os.path.join(tmp, "mnist.nnm")
    notes.append(f"no model in Models/: trained one for 1 epoch and saved it to {out}")
    check(run_child([nnsh, "--set", f"folder={folder}", "--set", f"out={out}", os.path.join(HERE, "trainsave.nnsh")],
                    threads_env(2), root), "training the digit model")
    return out


def build_c(tmp, source, flags=("-lopenblas",)):
    """Compiles Scripts/bench/SOURCE with -O2 into tmp; the executable, or None if it cannot."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        return None
    exe = os.path.join(tmp, os.path.splitext(source)[0])
    r = subprocess.run([cc, "-O2", os.path.join(HERE, source), *flags, "-o", exe], capture_output=True, text=True)
    return exe if r.returncode == 0 else None


def build_gemm(tmp):
    """Compiles sgemm.c against OpenBLAS; None if there is no C compiler."""
    return build_c(tmp, "sgemm.c")


def build_narrow(tmp):
    """Compiles narrow.c (the output layer's products, two ways); None if it cannot."""
    return build_c(tmp, "narrow.c")


def build_coretrip(tmp):
    """Compiles coretrip.c (the cache-line round trip between CPUs 0 and 1); None if it cannot."""
    if (os.cpu_count() or 1) < 2:
        return None
    return build_c(tmp, "coretrip.c", ("-pthread",))


def core_roundtrip(exe, root):
    """Nanoseconds for one cache line to go from CPU 0 to CPU 1 and back, or None."""
    if exe is None:
        return None
    r = run_child([exe], dict(os.environ), root)
    v = r.values("roundtrip_ns")
    return v[0] if v else None


# MARK: - Threads under load

def threads_under_load(nnsh, folder, root, runs, notes):
    """The float32 MNIST epoch at 1 thread, at the default (`set threads auto`: the CPUs no other
    program is busy on when training starts) and at every CPU nnsh may use (`set threads N`),
    quiet and with a `yes` busy on the last of those CPUs: `runs` rounds of quiet then loaded,
    each run pinned to the same CPUs with taskset. Returns {"quiet"/"loaded": {"1", "auto",
    "all", "auto/1", "all/1": Stat}, "cpus", "all"}, or None (with a note) when it cannot run."""
    taskset = shutil.which("taskset")
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if not taskset or len(cpus) < 2:
        notes.append("threads under load: needs taskset and 2 CPUs; not measured")
        return None
    pinned = ",".join(str(c) for c in cpus)
    every = len(cpus)

    def epoch(threads):
        env = dict(os.environ)
        for key in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            env.pop(key, None)
        r = check(run_child([taskset, "-c", pinned, nnsh, "--set", f"folder={folder}", "--set", "prec=float32",
                             "--set", f"nthreads={threads}", "--set", "epochs=1", "--set", "skipzeros=true",
                             os.path.join(HERE, "mnist.nnsh")], env, root), "nnsh MNIST (threads under load)")
        return r.values("epoch_seconds")[0], r.values("train_loss")[-1]

    keys = ("1", "auto", "all", "auto/1", "all/1")
    result = {case: {k: Stat() for k in keys} for case in ("quiet", "loaded")}
    # Rounds in which the default trained bit for bit what 1 thread trained (the same loss).
    same = {case: 0 for case in ("quiet", "loaded")}
    for _ in range(runs):
        for case in ("quiet", "loaded"):
            busy = None
            if case == "loaded":
                # In a session of its own, as another user's process would be (with the
                # kernel's autogroups, one session's threads share that session's CPU time).
                busy = subprocess.Popen([taskset, "-c", str(cpus[-1]), "yes"], stdout=subprocess.DEVNULL,
                                        start_new_session=True)
            try:
                r = result[case]
                losses = {}
                for key, threads in (("1", 1), ("auto", "auto"), ("all", every)):
                    seconds, losses[key] = epoch(threads)
                    r[key].add(seconds)
                same[case] += losses["auto"] == losses["1"]
                r["auto/1"].add(r["auto"].values[-1] / r["1"].values[-1])
                r["all/1"].add(r["all"].values[-1] / r["1"].values[-1])
            finally:
                if busy:
                    busy.kill()
                    busy.wait()
    result.update(cpus=pinned, all=every, same=same, rounds=runs)
    return result


# MARK: - Start to prompt

def start_to_prompt(nnsh, cwd):
    """Seconds from spawning nnsh on a pseudo-terminal until its prompt appears."""
    master, slave = pty.openpty()
    env = dict(os.environ, TERM=os.environ.get("TERM", "xterm-256color"))
    start = time.perf_counter()
    proc = subprocess.Popen([nnsh], stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                            start_new_session=True)
    os.close(slave)
    seen, elapsed = b"", None
    deadline = start + 10
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
            if b"nnsh> " in seen:
                elapsed = time.perf_counter() - start
                break
    try:
        os.write(master, b"quit\n")
    except OSError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    os.close(master)
    return elapsed


# MARK: - The digit pad under load

def serve_workload(nnsh, root, runs, notes):
    """`nnsh serve` on a free port, loaded by serve_load.py: `runs` rounds of 200 requests one at
    a time and 200 at once. Returns {name: {p50, p99, rate, errors: Stat}}."""
    sys.path.insert(0, HERE)
    import serve_load
    server = subprocess.Popen([nnsh, "serve", os.path.join(root, "Models", "mnist.nnm"), "port=0"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    shapes = {"1 at a time, 200 requests": 1, "200 at once, 200 requests": 200}
    out = {name: dict(p50=Stat(), p99=Stat(), rate=Stat(), errors=Stat()) for name in shapes}
    try:
        line = server.stdout.readline()
        url = next((w for w in line.split() if w.startswith("http://")), None)
        if url is None:
            sys.exit(f"bench: nnsh serve did not start: {line.strip()}")
        serve_load.run(url, 20, 4)   # warm-up
        for _ in range(runs):
            for name, concurrency in shapes.items():
                wall, latencies, errors = serve_load.run(url, 200, concurrency)
                out[name]["p50"].add(serve_load.percentile(latencies, 0.5))
                out[name]["p99"].add(serve_load.percentile(latencies, 0.99))
                out[name]["rate"].add(200 / wall)
                out[name]["errors"].add(len(errors))
                if errors:
                    notes.append(f"digit pad, {name}: {len(errors)} errors, e.g. {errors[0]}")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    notes.append("digit pad: the load client runs on the same cores as the server")
    return out


# MARK: - The report

def main():
    ap = argparse.ArgumentParser(description="nnsh benchmark (run Scripts/bench.sh)")
    ap.add_argument("--nnsh", required=True, help="the release nnsh binary")
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(HERE)))
    ap.add_argument("--torch-python", default="", help="a Python that imports torch ('' = none found, 'none' = skip)")
    ap.add_argument("--runs", type=int, default=None, help="runs per workload (default 5; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="one run of each, shorter small-net and GEMM runs")
    ap.add_argument("--only", default="gemm,mnist,cnn,loaded,small,startup,narrow,scaling,serve",
                    help="comma-separated subset of gemm,mnist,cnn,loaded,small,startup,narrow,scaling,serve")
    ap.add_argument("--configs", default="float32:2,float32:1,float64:2,float64:1,float32:2:all",
                    help="MNIST precision:threads[:all] list (:all computes the zero input columns "
                         "too, set skip_zero_inputs false; no PyTorch runs)")
    a = ap.parse_args()
    runs = a.runs or (1 if a.quick else 5)
    only = set(a.only.split(","))
    configs = []
    for c in a.configs.split(","):
        p = c.split(":")
        if len(p) not in (2, 3) or p[0] not in ("float32", "float64") or not p[1].isdigit() or p[2:] not in ([], ["all"]):
            sys.exit(f"bench: --configs: expected precision:threads or precision:threads:all, got '{c}'")
        configs.append((p[0], int(p[1]), p[2:] == ["all"]))
    root, nnsh = a.root, a.nnsh
    torch_py = a.torch_python if a.torch_python not in ("", "none") else None
    tmp = tempfile.mkdtemp(prefix="nnsh-bench-")
    notes = []

    def say(line=""):
        print(line, flush=True)

    try:
        load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
        cpu = "?"
        if os.path.exists("/proc/cpuinfo"):
            m = re.search(r"^model name\s*:\s*(.*)$", open("/proc/cpuinfo").read(), re.M)
            cpu = m.group(1) if m else "?"
        say(f"nnsh benchmark  {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC  "
            f"{os.cpu_count()} CPUs ({cpu})  load {' '.join(load)}  runs {runs}{'  (quick)' if a.quick else ''}")
        folder, real = mnist_folder(root, tmp)
        if not real:
            notes.append("Data/mnist is absent: MNIST workloads use synthetic IDX files of the same shape "
                         "(60,000 random 28×28 images, random labels)")
        torch_version = None
        if torch_py:
            r = subprocess.run([torch_py, "-c", "import torch, numpy; print(torch.__version__)"],
                               capture_output=True, text=True)
            torch_version = r.stdout.strip() if r.returncode == 0 else None
            if not torch_version:
                notes.append(f"{torch_py} cannot import torch and numpy: PyTorch skipped")
                torch_py = None
        elif a.torch_python == "none":
            notes.append("PyTorch skipped (--no-torch)")
        else:
            notes.append("PyTorch not found (Debian: apt-get install python3-torch): PyTorch columns skipped")
        say(f"data: {folder} ({'real MNIST' if real else 'SYNTHETIC'})   "
            f"PyTorch: {torch_version + ' via ' + torch_py if torch_py else 'not run'}")
        say()

        # --- GEMM rates -----------------------------------------------------------------------
        gemm = {}
        if "gemm" in only:
            exe = build_gemm(tmp)
            if exe is None:
                notes.append("no C compiler or OpenBLAS headers: GEMM rate (and the floor) not measured")
            else:
                n, reps = (2048, 2) if a.quick else (3072, 3)
                threads_used = sorted({t for _, t, _ in configs})
                for t in threads_used:
                    for kind in ("s", "d"):
                        stat = Stat()
                        for _ in range(runs):
                            r = check(run_child([exe, kind, str(n), str(reps)], threads_env(t), root), "sgemm")
                            stat.add(statistics.median(r.values("gflops")))
                        gemm[(kind, t)] = stat
                say(f"GEMM rate, {n}×{n}×{n} through OpenBLAS (GFLOP/s)")
                for t in threads_used:
                    say(f"  {t} thread{'s' if t > 1 else ' '}   sgemm {gemm[('s', t)].fmt():<24} dgemm {gemm[('d', t)].fmt()}")
                say()

        # --- MNIST ------------------------------------------------------------------------------
        mnist = {}
        if "mnist" in only:
            flops = FLOPS_PER_EXAMPLE * 60_000
            say(f"MNIST 784-300-10, ReLU, softmax+CE, Adam 1e-3, batch 64, shuffled, 60,000 images/epoch "
                f"({flops / 1e9:.1f} GFLOP/epoch)")
            say("  (GFLOP/s and the floor count every input column; by default nnsh leaves the batch's all-zero "
                "columns out of the first layer's products, about 37 % of MNIST's: 'all columns' runs compute them)")
            coretrip = build_coretrip(tmp)
            for precision, t, every in configs:
                key = (precision, t, "all") if every else (precision, t)
                torch_here = torch_py and not every
                ours, theirs, ratios, rss, trss = Stat(), Stat(), Stat(), Stat(), Stat()
                warmed, warmed_ratios = Stat(), Stat()
                trips = []
                for _ in range(runs):
                    # Where the VM's two CPUs are at the moment (a shared cache or not): the
                    # 2-thread epoch depends on it, so each run is printed with it.
                    trips.append(core_roundtrip(coretrip, root) if t > 1 else None)
                    r = check(run_child([nnsh, "--set", f"folder={folder}", "--set", f"prec={precision}",
                                         "--set", f"nthreads={t}", "--set", "epochs=1",
                                         "--set", f"skipzeros={'false' if every else 'true'}",
                                         os.path.join(HERE, "mnist.nnsh")], threads_env(t), root), "nnsh MNIST")
                    s = r.values("epoch_seconds")[0]
                    ours.add(s)
                    rss.add(r.rss_mb)
                    if torch_here:
                        # A B C: PyTorch as shipped, then PyTorch given nnsh's BLAS warm-up.
                        q = check(run_child([torch_py, os.path.join(HERE, "torch_workloads.py"), "--cold", "mnist",
                                             folder, precision, str(t), "1"], threads_env(t), root), "PyTorch MNIST")
                        theirs.add(q.values("epoch_seconds")[0])
                        trss.add(q.rss_mb)
                        ratios.add(s / theirs.values[-1])
                        w = check(run_child([torch_py, os.path.join(HERE, "torch_workloads.py"), "mnist",
                                             folder, precision, str(t), "1"], threads_env(t), root),
                                  "PyTorch MNIST (warmed)")
                        warmed.add(w.values("epoch_seconds")[0])
                        warmed_ratios.add(s / warmed.values[-1])
                mnist[key] = dict(ours=ours, theirs=theirs, ratio=ratios, rss=rss, trss=trss,
                                  warmed=warmed, warmed_ratio=warmed_ratios)
                tag = f"{precision} {t} thread{'s' if t > 1 else ''}{', all columns' if every else ''}"
                say(f"  {tag:<18} nnsh    {ours.fmt():<24} s/epoch   "
                    f"{Stat([60_000 / v for v in ours.values]).fmt():<26} samples/s   "
                    f"{Stat([flops / v / 1e9 for v in ours.values]).fmt()} GFLOP/s   peak RSS {rss.fmt()} MB")
                if any(x is not None for x in trips):
                    pairs = ", ".join(f"{v:.3g} s @ {x:.0f} ns" for v, x in zip(ours.values, trips) if x is not None)
                    say(f"  {'':<18} each run, with the CPU 0 ↔ 1 cache-line round trip just before it: {pairs}")
                g = gemm.get(("s" if precision == "float32" else "d", t))
                if g and g.values:
                    floor = flops / (g.median * 1e9)
                    mnist[key]["floor"] = floor
                    say(f"  {'':<18} floor   {floor:.3g} s/epoch (FLOPs / median {'s' if precision == 'float32' else 'd'}gemm "
                        f"rate); nnsh = {ours.median / floor:.2f}× floor")
                if torch_here:
                    say(f"  {'':<18} PyTorch {theirs.fmt():<24} s/epoch   "
                        f"{Stat([60_000 / v for v in theirs.values]).fmt():<26} samples/s   peak RSS {trss.fmt()} MB")
                    say(f"  {'':<18} nnsh/PyTorch time {ratios.fmt(2)} (per A/B pair)")
                    say(f"  {'':<18} PyTorch given nnsh's BLAS warm-up {warmed.fmt():<24} s/epoch; "
                        f"nnsh/that {warmed_ratios.fmt(2)}")
            for t in sorted({t for _, t, _ in configs}):
                if ("float32", t) in mnist and ("float64", t) in mnist:
                    f32, f64 = mnist[("float32", t)]["ours"].median, mnist[("float64", t)]["ours"].median
                    say(f"  float64/float32 epoch time at {t} thread{'s' if t > 1 else ''}: {f64 / f32:.2f}")
            say()

        # --- CNN ----------------------------------------------------------------------------------
        cnn = {}
        if "cnn" in only:
            flops = CNN_FLOPS_PER_EXAMPLE * 60_000
            say(f"CNN conv 32 3×3 relu, maxpool 2, conv 64 3×3 relu, maxpool 2, dense 128 relu, dense 10 softmax+CE, "
                f"Adam 1e-3, batch 64, shuffled, 60,000 images/epoch, float32 ({flops / 1e9:.0f} GFLOP/epoch)")
            for t in (1, 2):
                ours, theirs, ratios, rss, trss = Stat(), Stat(), Stat(), Stat(), Stat()
                for _ in range(runs):
                    r = check(run_child([nnsh, "--set", f"folder={folder}", "--set", f"nthreads={t}", "--set", "epochs=1",
                                         os.path.join(HERE, "cnn.nnsh")], threads_env(t), root), "nnsh CNN")
                    ours.add(r.values("epoch_seconds")[0])
                    rss.add(r.rss_mb)
                    if torch_py:
                        # A B: PyTorch given nnsh's BLAS warm-up (its faster setting, see the top).
                        q = check(run_child([torch_py, os.path.join(HERE, "torch_workloads.py"), "cnn",
                                             folder, str(t), "1"], threads_env(t), root), "PyTorch CNN")
                        theirs.add(q.values("epoch_seconds")[0])
                        trss.add(q.rss_mb)
                        ratios.add(ours.values[-1] / theirs.values[-1])
                cnn[t] = dict(ours=ours, theirs=theirs, ratio=ratios)
                tag = f"float32 {t} thread{'s' if t > 1 else ''}"
                say(f"  {tag:<18} nnsh    {ours.fmt():<24} s/epoch   "
                    f"{Stat([60_000 / v for v in ours.values]).fmt():<26} samples/s   "
                    f"{Stat([flops / v / 1e9 for v in ours.values]).fmt()} GFLOP/s   peak RSS {rss.fmt()} MB")
                if torch_py:
                    say(f"  {'':<18} PyTorch {theirs.fmt():<24} s/epoch   "
                        f"{Stat([60_000 / v for v in theirs.values]).fmt():<26} samples/s   "
                        f"{Stat([flops / v / 1e9 for v in theirs.values]).fmt()} GFLOP/s   peak RSS {trss.fmt()} MB")
                    say(f"  {'':<18} nnsh/PyTorch time {ratios.fmt(2)} (per A/B pair)")
            say()

        # --- Threads under load ---------------------------------------------------------------------
        loaded = None
        if "loaded" in only:
            loaded = threads_under_load(nnsh, folder, root, runs, notes)
            if loaded:
                cpus, every = loaded["cpus"], loaded["all"]
                say(f"Threads under load: MNIST float32 epoch, nnsh pinned to CPUs {cpus}: 1 thread, the default "
                    f"(set threads auto) and set threads {every}; loaded = `yes >/dev/null` pinned to CPU "
                    f"{cpus.split(',')[-1]} (rounds alternate)")
                for case in ("quiet", "loaded"):
                    r = loaded[case]
                    say(f"  {case:<7} 1 thread {r['1'].fmt():<22} auto {r['auto'].fmt():<22} "
                        f"{every} threads {r['all'].fmt():<22} s/epoch")
                    say(f"  {'':<7} auto / 1 thread {r['auto/1'].fmt(3)}   {every} threads / 1 thread "
                        f"{r['all/1'].fmt(3)} (per round); auto trained 1 thread's bits in "
                        f"{loaded['same'][case]} of {loaded['rounds']} rounds")
                say()

        # --- Small net ----------------------------------------------------------------------------
        small = None
        if "small" in only:
            csv = runge_csv(tmp)
            steps_per_epoch = math.ceil(SMALL_EXAMPLES / SMALL_BATCH)
            our_epochs, their_epochs = (10, 1) if a.quick else (40, 4)
            ours, theirs, ratios = Stat(), Stat(), Stat()
            for _ in range(runs):
                r = check(run_child([nnsh, "--set", f"file={csv}", "--set", f"epochs={our_epochs}",
                                     os.path.join(HERE, "small.nnsh")], threads_env(1), root), "nnsh small net")
                ours.add(our_epochs * steps_per_epoch / r.values("seconds")[0])
                if torch_py:
                    q = check(run_child([torch_py, os.path.join(HERE, "torch_workloads.py"), "--cold", "small", csv,
                                         str(their_epochs)], threads_env(1), root), "PyTorch small net")
                    theirs.add(their_epochs * steps_per_epoch / q.values("seconds")[0])
                    ratios.add(ours.values[-1] / theirs.values[-1])
            small = dict(ours=ours, theirs=theirs, ratio=ratios)
            say(f"Small net 1-50-50-1 tanh, Adam 1e-3, batch 16, {SMALL_EXAMPLES:,} Runge points, 1 thread "
                f"({our_epochs} epochs nnsh, {their_epochs} PyTorch)")
            say(f"  nnsh    {ours.fmt():<26} steps/s")
            if torch_py:
                say(f"  PyTorch {theirs.fmt():<26} steps/s")
                say(f"  nnsh/PyTorch steps/s {ratios.fmt(3)} (per A/B pair)")
            say()

        # --- Start-up -------------------------------------------------------------------------------
        startup = None
        if "startup" in only:
            prompt, classify = Stat(), Stat()
            model = digit_model(root, nnsh, folder, tmp, notes)
            image = digit_image(folder, tmp)
            code = f'm = load "{model}"\nc = classify m "{image}" quiet\nprint "class {{c.class}}"'
            for _ in range(max(runs, 5) * 2):
                p = start_to_prompt(nnsh, root)
                if p is None:
                    notes.append("start to prompt: no 'nnsh> ' prompt seen within 10 s")
                    break
                prompt.add(p)
            predicted = None
            for _ in range(max(runs, 5) * 2):
                r = check(run_child([nnsh, "-e", code], threads_env(1), root), "load and classify")
                classify.add(r.wall)
                predicted = r.values("class")
            startup = dict(prompt=prompt, classify=classify)
            say("Start-up (whole processes)")
            say(f"  start to prompt (pseudo-terminal)          {prompt.fmt(3, 1000)} ms")
            say(f"  load a model + classify one image          {classify.fmt(3, 1000)} ms   "
                f"(model {os.path.relpath(model, root) if model.startswith(root) else model}; class {predicted[0]:.0f})"
                if predicted else "")
            say()

        # --- The digit pad under load ----------------------------------------------------------------
        serve = None
        if "serve" in only:
            serve = serve_workload(nnsh, root, runs, notes)
            say("Digit pad (nnsh serve Models/mnist.nnm; POST /classify of a 280×280 canvas, a new connection each)")
            for name, r in serve.items():
                say(f"  {name:<42} p50 {r['p50'].fmt(4, 1000)} ms   p99 {r['p99'].fmt(4, 1000)} ms   "
                    f"{r['rate'].fmt(3)} requests/s   errors {int(sum(r['errors'].values))}")
            say()

        # --- The output layer's products: as nnsh runs them, and transposed ---------------------------
        if "narrow" in only:
            exe = build_narrow(tmp)
            if exe is None:
                notes.append("no C compiler or OpenBLAS headers: the output layer's products not measured")
            else:
                # (precision, batch, inputs, outputs): MNIST's output layer, the small net's.
                shapes = [("s", 64, 300, 10), ("d", 64, 300, 10), ("s", 16, 50, 1), ("d", 16, 50, 1)]
                calls = 1000 if a.quick else 5000
                kernels = "?"
                say("Output layer's products at a training batch, 1 thread (ns per call; transposed: "
                    "the narrow side as the rows, plus the transpose back)")
                for kind, m, k, n in shapes:
                    stats = {}
                    for _ in range(runs):
                        r = check(run_child([exe, kind, str(m), str(k), str(n), str(calls)], threads_env(1), root),
                                  "narrow")
                        for line in r.output.splitlines():
                            name, _, value = line.rpartition(" ")
                            if name == "kernels":
                                kernels = line.split(" ", 1)[1]
                            elif name:
                                stats.setdefault(name, Stat()).add(float(value))
                    label = f"{'float32' if kind == 's' else 'float64'} {m}×{k} → {n}"
                    for product in ("forward", "weight-gradient"):
                        direct, flipped = stats[f"{product} direct"], stats[f"{product} transposed"]
                        def ns(stat):
                            return f"{stat.median:,.0f} [{min(stat.values):,.0f}–{max(stat.values):,.0f}]"
                        say(f"  {label:<20} {product:<16} as run {ns(direct):<22} transposed {ns(flipped):<22} "
                            f"transposed/as run {flipped.median / direct.median:.2f}")
                say(f"  (OpenBLAS kernels: {kernels})")
                say()

        # --- Work that must stay linear: n and 4n ---------------------------------------------------
        if "scaling" in only:
            say("Linear in the input's size (whole processes, seconds; 4n/n ≈ 4 when linear, 16 when quadratic)")
            # A model file of n layers (1 → 2 → 2 … → 2), made once by nnsh, then loaded and described.
            sizes = (5_000, 20_000) if a.quick else (20_000, 80_000)
            load_times = {}
            for n in sizes:
                model = os.path.join(tmp, f"deep-{n}.nnm")
                make = f'net = network 1\nfor i in 0..<{n} {{ add net dense 2 tanh }}\nsave net "{model}"'
                check(run_child([nnsh, "-e", make], threads_env(1), root), f"making a {n}-layer model")
                stat = Stat()
                for _ in range(runs):
                    stat.add(check(run_child([nnsh, "-e", f'm = load "{model}"\ninfo "{model}"'],
                                             threads_env(1), root), "loading a deep model").wall)
                load_times[n] = stat
                say(f"  load + info, {n:>6,} layers            {stat.fmt()} s")
            say(f"  ratio 4n/n                               {load_times[sizes[1]].median / load_times[sizes[0]].median:.1f}")
            # A string of n interpolated pieces.
            pieces = (20_000, 80_000) if a.quick else (50_000, 200_000)
            string_times = {}
            for n in pieces:
                script = os.path.join(tmp, f"pieces-{n}.nnsh")
                with open(script, "w") as f:
                    f.write('x = 1\ns = "' + "{x}" * n + '"\nprint len(s)\n')
                stat = Stat()
                for _ in range(runs):
                    stat.add(check(run_child([nnsh, script], threads_env(1), root), "a long string").wall)
                string_times[n] = stat
                say(f"  a string of {n:>6,} {{…}} pieces            {stat.fmt()} s")
            say(f"  ratio 4n/n                               {string_times[pieces[1]].median / string_times[pieces[0]].median:.1f}")
            say()

        # --- Targets ----------------------------------------------------------------------------------
        say("Targets (issue 7)")

        def verdict(name, value, target, ok):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                say(f"  {name:<46} {'not measured':<14} target {target}")
            else:
                say(f"  {name:<46} {value:<14} target {target:<10} {'met' if ok else 'MISSED'}")

        def ratio_verdicts(m, threads, limit):
            for key, who in (("ratio", "PyTorch"), ("warmed_ratio", "PyTorch+warm-up")):
                r = m[key]
                verdict(f"MNIST f32 {threads}, nnsh/{who} time", f"{r.median:.2f}" if r.values else None,
                        f"≤ {limit}", r.values and r.median <= limit)

        m32 = mnist.get(("float32", 2))
        if m32:
            ratio_verdicts(m32, "2 threads", 0.35)
            if "floor" in m32:
                x = m32["ours"].median / m32["floor"]
                verdict("MNIST f32 2 threads, × floor", f"{x:.2f}", "≤ 1.6", x <= 1.6)
        every = mnist.get(("float32", 2, "all"))
        if every and "floor" in every:
            x = every["ours"].median / every["floor"]
            verdict("MNIST f32 2 threads all columns, × floor", f"{x:.2f}", "≤ 1.6", x <= 1.6)
        m1 = mnist.get(("float32", 1))
        if m1:
            ratio_verdicts(m1, "1 thread", 0.5)
        for t in sorted(cnn):
            r = cnn[t]["ratio"]
            verdict(f"CNN f32 {t} thread{'s' if t > 1 else ''}, nnsh/PyTorch time", f"{r.median:.2f}" if r.values else None,
                    "≤ 0.5", r.values and r.median <= 0.5)
        for t in (2, 1):
            if ("float32", t) in mnist and ("float64", t) in mnist:
                x = mnist[("float64", t)]["ours"].median / mnist[("float32", t)]["ours"].median
                verdict(f"MNIST f64/f32 epoch time, {t} thread{'s' if t > 1 else ''}", f"{x:.2f}", "≤ 2.2", x <= 2.2)
        if loaded:
            # Under load the default runs the 1-thread computation itself (the same loss, bit for
            # bit, in every round); then the ratio is 1 up to run-to-run noise, so within 2 %
            # of 1 counts as met, and the line says why.
            r = loaded["loaded"]["auto/1"]
            identical = loaded["same"]["loaded"] == loaded["rounds"]
            verdict("MNIST f32 one CPU busy, default threads / 1"
                    + (" (the 1-thread run itself)" if identical and r.median > 1.0 else ""),
                    f"{r.median:.2f}", "≤ 1.0", r.median <= 1.0 or (identical and r.median <= 1.02))
            r = loaded["quiet"]["auto/1"]
            verdict("MNIST f32 quiet, default threads / 1", f"{r.median:.2f}", "< 1.0", r.median < 1.0)
        if small:
            verdict("small net, nnsh/PyTorch steps/s", f"{small['ratio'].median:.1f}" if small["ratio"].values else None,
                    "≥ 10", small["ratio"].values and small["ratio"].median >= 10)
        if startup:
            verdict("start to prompt", f"{startup['prompt'].median * 1000:.0f} ms", "< 50 ms",
                    startup["prompt"].median < 0.05)
            verdict("load + classify one image, whole process", f"{startup['classify'].median * 1000:.0f} ms",
                    "< 100 ms", startup["classify"].median < 0.1)
        if serve:
            one, burst = serve["1 at a time, 200 requests"], serve["200 at once, 200 requests"]
            verdict("digit pad p99 latency, 1 at a time", f"{one['p99'].median * 1000:.1f} ms", "< 20 ms",
                    one["p99"].median < 0.02)
            per = 1 / burst["rate"].median
            verdict("digit pad, 200 at once: time per request", f"{per * 1000:.1f} ms", "< 20 ms", per < 0.02)
            errors = sum(burst["errors"].values) + sum(one["errors"].values)
            verdict("digit pad, 200 at once: errors", f"{errors:.0f}", "0", errors == 0)
        if mnist:
            peak = max(max(v["rss"].values) for v in mnist.values())
            verdict("peak RSS training full MNIST (any config)", f"{peak:.0f} MB", "< 300 MB", peak < 300)
        load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"] * 3
        say(f"load at the end: {' '.join(load)}")
        for n in notes:
            say(f"note: {n}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
