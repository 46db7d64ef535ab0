#!/usr/bin/env bash
# Installs what nnsh needs on Debian/Ubuntu when it is missing. Idempotent; silent when all is there.
set -euo pipefail
packages=(libedit-dev libopenblas-dev zlib1g-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: a Swift 6 toolchain is needed (swift not on PATH); see https://swift.org/install" >&2
  exit 1
fi

# `Scripts/setup.sh --jupyter`: also the Jupyter kernel (docs/JUPYTER.md). Builds nnsh in release
# (NNSH_CONFIGURATION=debug for a debug build), puts ipykernel and jupyter_client in a virtual
# environment of their own ($NNSH_JUPYTER_VENV, default ~/.local/share/nnsh/jupyter: no system
# Python is changed), and installs the kernelspec "nnsh" for this user.
if [[ "${1:-}" == --jupyter ]]; then
  cd "$(dirname "$0")/.."
  configuration="${NNSH_CONFIGURATION:-release}"
  venv="${NNSH_JUPYTER_VENV:-$HOME/.local/share/nnsh/jupyter}"
  echo "setup: building nnsh ($configuration)" >&2
  swift build -c "$configuration" --product nnsh >/dev/null
  if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" || { echo "setup: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 1; }
  fi
  echo "setup: installing ipykernel and jupyter_client in $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ipykernel jupyter_client
  "$venv/bin/python" Jupyter/install.py "$(swift build -c "$configuration" --show-bin-path)/nnsh"
fi
