#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite. Non-zero exit on any failure.
# `Scripts/test.sh --sanitize` runs Scripts/sanitize.sh instead (address and thread sanitizers;
# slower, not part of CI).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
if [[ "${1:-}" == --sanitize ]]; then exec Scripts/sanitize.sh all; fi
# MNIST in Data/mnist, so its integration test runs (quiet when already there; offline it is skipped).
Scripts/fetch-mnist.sh || echo "test: MNIST could not be fetched; its integration test will be skipped" >&2
swift build
swift test --parallel
# The Jupyter kernel end to end through jupyter_client (Jupyter/test_kernel.py, a few seconds),
# then Notebooks/tour.ipynb executed headless with nbclient and its outputs checked
# (Jupyter/test_notebook.py, under a minute; skipped with the reason when MNIST is absent), with
# ipykernel, jupyter_client, nbclient and nbformat from PyPI in a virtual environment under
# .build; skipped with the reason when they cannot be installed (offline, no python3-venv).
bin="$(swift build --show-bin-path)/nnsh"
# python_env DIR PACKAGE...: a virtual environment under .build with these packages from PyPI;
# fails when they cannot be had (offline, no python3-venv), and the test says it is skipped.
python_env() {
  local dir=$1; shift
  { [ -x "$dir/bin/python" ] || python3 -m venv "$dir" >/dev/null 2>&1; } &&
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >/dev/null 2>&1
}
jupyter=.build/jupyter-venv
if python_env $jupyter ipykernel jupyter_client nbclient nbformat; then
  $jupyter/bin/python Jupyter/test_kernel.py "$bin"
  $jupyter/bin/python Jupyter/test_notebook.py "$bin" .build/tour-executed.ipynb
else
  echo "test: the Jupyter kernel and notebook tests are skipped: ipykernel, jupyter_client, nbclient and nbformat could not be installed from PyPI into $jupyter" >&2
fi
# The digit pad (`nnsh serve`) in headless Chromium driven by Selenium (Scripts/browser/
# test_digit_pad.py, about ten seconds): draws a 7 and drawn-3.png's 3 on the page and reads the
# answers; screenshots in .build/digit-pad. Chromium and its driver come from Debian (installed
# here when missing), Selenium from PyPI; skipped with the reason when they cannot be installed.
if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1; } ||
    echo "test: chromium and chromium-driver could not be installed with apt-get" >&2
fi
browser=.build/browser-venv
if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  echo "test: the digit pad browser test is skipped: no chromium and chromedriver" >&2
elif python_env $browser selenium; then
  $browser/bin/python Scripts/browser/test_digit_pad.py "$bin"
else
  echo "test: the digit pad browser test is skipped: selenium could not be installed from PyPI into $browser" >&2
fi
# nnsh's NumPy files against NumPy itself (Scripts/interop/test_numpy.py, a few seconds), then its
# TensorBoard logs read back by tensorboard's event reader (Scripts/interop/test_tensorboard.py);
# numpy and tensorboard from PyPI; each skipped with the reason when it cannot be had.
interop=.build/interop-venv
if python_env $interop numpy; then
  $interop/bin/python Scripts/interop/test_numpy.py "$bin"
else
  echo "test: the NumPy check is skipped: numpy could not be installed from PyPI into $interop" >&2
fi
if python_env $interop numpy tensorboard; then
  $interop/bin/python Scripts/interop/test_tensorboard.py "$bin"
else
  echo "test: the TensorBoard check is skipped: tensorboard could not be installed from PyPI into $interop" >&2
fi
# nnsh's ONNX export run by onnxruntime on 1,000 MNIST digits against `predict` (Scripts/interop/
# test_onnx.py, under a minute), a conv network's safetensors export read by `safetensors`,
# then models built with the onnx package (and torch, when it is there) imported by nnsh
# against onnxruntime; onnxruntime, safetensors and onnx from PyPI, each skipped with the
# reason when it cannot be had.
if python_env $interop numpy onnxruntime safetensors; then
  python_env $interop onnx || echo "test: onnx could not be installed from PyPI into $interop; the ONNX import checks will say they are skipped" >&2
  $interop/bin/python Scripts/interop/test_onnx.py "$bin"
else
  echo "test: the ONNX check is skipped: onnxruntime and safetensors could not be installed from PyPI into $interop" >&2
fi
# grid ... runner=slurm on a single-node Slurm started and stopped by the test as root
# (Scripts/slurm/test_slurm.py, under a minute): the merged table equals runner=local's bit for
# bit; a cancelled array task leaves its configurations missing and the same line again submits
# only that task; runner=parallel (GNU parallel) gives the same table too. slurm-wlm, munge and
# parallel come from Debian (installed here when missing); skipped with the reason when they
# cannot be installed or this is not root.
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1 || ! command -v parallel >/dev/null 2>&1; then
  { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge parallel) >/dev/null 2>&1; } ||
    echo "test: slurm-wlm, munge and parallel could not be installed with apt-get" >&2
fi
python3 Scripts/slurm/test_slurm.py "$bin"
