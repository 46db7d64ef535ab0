#!/usr/bin/env bash
# Installs what is missing, builds in release, and runs nnsh's main job: the shipped digit
# classifiers (the MLP Models/mnist.nnm beside the convolutional Models/mnist-cnn.nnm) classify
# the first official MNIST test digits and a digit drawn with a pen (Models/drawn-3.png), each
# drawn in the terminal with each model's prediction and its probability. The nnsh part is
# Models/demo.nnsh.
#
# Without MNIST in Data/mnist it tries Scripts/fetch-mnist.sh; if that fails (no network),
# it still classifies the drawn digit.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)/nnsh
"$bin" --version
if [ ! -f Data/mnist/t10k-images-idx3-ubyte ] && [ ! -f Data/mnist/t10k-images-idx3-ubyte.gz ]; then
  echo "demo: MNIST is not in Data/mnist; fetching it (Scripts/fetch-mnist.sh)" >&2
  Scripts/fetch-mnist.sh || echo "demo: could not fetch MNIST; classifying the drawn digit only" >&2
fi
if [ -f Data/mnist/t10k-images-idx3-ubyte ] || [ -f Data/mnist/t10k-images-idx3-ubyte.gz ]; then
  "$bin" Models/demo.nnsh mnist
else
  "$bin" Models/demo.nnsh
fi
