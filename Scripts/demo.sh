#!/usr/bin/env bash
# Installs what is missing, builds in release, and runs nnsh's main job.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)/nnsh
"$bin" --version
