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
# with ipykernel and jupyter_client from PyPI in a virtual environment under .build; skipped with
# the reason when they cannot be installed (offline, no python3-venv).
venv=.build/jupyter-venv
if { [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >/dev/null 2>&1; } &&
   "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ipykernel jupyter_client >/dev/null 2>&1; then
  "$venv/bin/python" Jupyter/test_kernel.py "$(swift build --show-bin-path)/nnsh"
else
  echo "test: the Jupyter kernel test is skipped: ipykernel and jupyter_client could not be installed from PyPI into $venv" >&2
fi
# nnsh's NumPy files against NumPy itself (Scripts/interop/test_numpy.py, a few seconds), with
# numpy from PyPI in the same virtual environment; skipped with the reason when it cannot be had.
if [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy >/dev/null 2>&1; then
  "$venv/bin/python" Scripts/interop/test_numpy.py "$(swift build --show-bin-path)/nnsh"
else
  echo "test: the NumPy check is skipped: numpy could not be installed from PyPI into $venv" >&2
fi
# nnsh's TensorBoard logs read back by tensorboard's event reader (Scripts/interop/test_tensorboard.py),
# tensorboard from PyPI in the same virtual environment; skipped with the reason when it cannot be had.
if [ -x "$venv/bin/python" ] &&
   "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy tensorboard >/dev/null 2>&1; then
  "$venv/bin/python" Scripts/interop/test_tensorboard.py "$(swift build --show-bin-path)/nnsh"
else
  echo "test: the TensorBoard check is skipped: tensorboard could not be installed from PyPI into $venv" >&2
fi
