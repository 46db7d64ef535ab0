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
venv=.build/jupyter-venv
if { [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >/dev/null 2>&1; } &&
   "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ipykernel jupyter_client nbclient nbformat >/dev/null 2>&1; then
  "$venv/bin/python" Jupyter/test_kernel.py "$(swift build --show-bin-path)/nnsh"
  "$venv/bin/python" Jupyter/test_notebook.py "$(swift build --show-bin-path)/nnsh" .build/tour-executed.ipynb
else
  echo "test: the Jupyter kernel and notebook tests are skipped: ipykernel, jupyter_client, nbclient and nbformat could not be installed from PyPI into $venv" >&2
fi
# The digit pad (`nnsh serve`) in headless Chromium driven by Selenium (Scripts/browser/
# test_digit_pad.py, about ten seconds): draws a 7 and drawn-3.png's 3 on the page and reads the
# answers; screenshots in .build/digit-pad. Chromium and its driver come from Debian (installed
# here when missing), Selenium from PyPI into a virtual environment under .build; skipped with
# the reason when they cannot be installed.
if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null &&
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null 2>&1; } ||
    echo "test: chromium and chromium-driver could not be installed with apt-get" >&2
fi
venv=.build/browser-venv
if ! { command -v chromium && command -v chromedriver; } >/dev/null 2>&1; then
  echo "test: the digit pad browser test is skipped: no chromium and chromedriver" >&2
elif { [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >/dev/null 2>&1; } &&
     "$venv/bin/python" -m pip install --quiet --disable-pip-version-check selenium >/dev/null 2>&1; then
  "$venv/bin/python" Scripts/browser/test_digit_pad.py "$(swift build --show-bin-path)/nnsh"
else
  echo "test: the digit pad browser test is skipped: selenium could not be installed from PyPI into $venv" >&2
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
