#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite. Non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build
swift test --parallel
