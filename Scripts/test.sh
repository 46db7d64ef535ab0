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
