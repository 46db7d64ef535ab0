#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite. Non-zero exit on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
# MNIST in Data/mnist, so its integration test runs (quiet when already there; offline it is skipped).
Scripts/fetch-mnist.sh || echo "test: MNIST could not be fetched; its integration test will be skipped" >&2
swift build
swift test --parallel
