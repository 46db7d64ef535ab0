#!/usr/bin/env bash
# Speed benchmark (issue 7): builds nnsh in release, then runs every workload several times and
# prints median [min–max] of each figure, the targets and whether they are met.
#
#   Scripts/bench.sh             # 5 runs of each (9 minutes with PyTorch in session 5's run)
#   Scripts/bench.sh --quick     # 1 run of each, shorter runs: a fast check that it all works
#   Scripts/bench.sh --runs 9 --only mnist --configs float32:2    # one workload, more runs
#   Scripts/bench.sh --no-torch  # skip PyTorch even when it is installed
#   Scripts/bench.sh --only cnn      # the CNN (conv, maxpool, dense) epoch at 1 and 2 threads
#   Scripts/bench.sh --only narrow   # the output layer's products, as run and transposed
#   Scripts/bench.sh --only serve    # the digit pad (nnsh serve) under 200 concurrent requests
#   Scripts/bench.sh --only loaded   # 1 thread and the default thread count, quiet and with one CPU busy
#
# Workloads, data and PyTorch's side: Scripts/bench/bench.py. MNIST comes from Data/mnist
# (Scripts/fetch-mnist.sh), else synthetic data of the same shape (said in the output).
# PyTorch is optional: the first of python3, /usr/bin/python3 that imports torch and numpy
# (Debian: apt-get install python3-torch); NNSH_BENCH_PYTHON=... picks another.
# Uses bash, python3 (standard library), a C compiler and OpenBLAS for the GEMM rate, and the C
# compiler for coretrip.c (the CPU 0 ↔ 1 cache-line round trip printed beside 2-thread runs).
set -euo pipefail
cd "$(dirname "$0")/.."

torch=1
args=()
for arg in "$@"; do
    case "$arg" in
        --no-torch) torch=0 ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$arg") ;;
    esac
done

command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }
echo "bench: swift build -c release --product nnsh" >&2
swift build -c release --product nnsh >&2
nnsh="$(swift build -c release --show-bin-path)/nnsh"

python="none"
if [ "$torch" = 1 ]; then
    python=""
    for candidate in ${NNSH_BENCH_PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import torch, numpy' >/dev/null 2>&1; then
            python="$candidate"
            break
        fi
    done
fi

exec python3 Scripts/bench/bench.py --nnsh "$nnsh" --torch-python "$python" ${args[@]+"${args[@]}"}
