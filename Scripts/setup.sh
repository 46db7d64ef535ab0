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
