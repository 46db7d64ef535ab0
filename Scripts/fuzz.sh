#!/usr/bin/env bash
# Builds one libFuzzer target and runs it: Scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#
#   TARGET   shell | commands | modelfile | safetensors | onnx | npz | idx | png | csv   (Fuzz/Targets/TARGET.swift;
#            each is compiled with Fuzz/Support/*.swift, the sandbox the language-using targets share)
#   SECONDS  how long to fuzz (0: only build, then replay the seeds and the working corpus once,
#            under the address sanitizer)
#
# The package's libraries are built with coverage instrumentation and the address sanitizer
# in their own scratch folder (.build/fuzz, so the normal build is untouched); the target is
# compiled with swiftc against them. The run starts from the seeds in Fuzz/corpus/TARGET and
# grows a working corpus in .build/fuzz/corpus/TARGET; crashing inputs land in
# .build/fuzz/crashes/TARGET/ (not .build/fuzz/artifacts: SwiftPM empties that folder). The last line of libFuzzer's log holds the figures recorded
# in docs/FUZZING.md (execs, cov, ft, corpus). Run one campaign at a time on a small machine;
# long runs as `nice -n 10 Scripts/fuzz.sh ...`.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: Scripts/fuzz.sh shell|commands|modelfile|safetensors|onnx|npz|idx|png|csv SECONDS [libFuzzer flags...]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
target=$1 seconds=$2; shift 2
[[ -f "Fuzz/Targets/$target.swift" ]] || usage
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

root=$PWD
scratch=$root/.build/fuzz
# A new scratch folder starts from the normal build's package checkouts (no network needed).
if [[ ! -d "$scratch/checkouts" && -d .build/checkouts ]]; then
    mkdir -p "$scratch"
    cp -r .build/checkouts .build/repositories "$scratch/" 2>/dev/null || true
    cp .build/workspace-state.json "$scratch/" 2>/dev/null || true
fi
# 1. The libraries, instrumented (incremental after the first time). One -sanitize= flag with
#    both sanitizers: swiftc keeps only the last -sanitize= it is given, so SwiftPM's
#    `--sanitize=fuzzer --sanitize=address` would silently drop one of them.
swift build -Xswiftc -sanitize=fuzzer,address --scratch-path "$scratch" --target Shell >&2
# 2. The target, linked against their objects.
binary=$scratch/bin/fuzz-$target
mkdir -p "$scratch/bin"
objects=()
# Only the objects of each module's current sources: a scratch folder kept from an older layout
# still holds objects of files that have since moved to another module (duplicate symbols).
for module in Engine ModelFiles Data Plots Shell; do
    while IFS= read -r source; do
        objects+=("$scratch/debug/$module.build/$(basename "$source").o")
    done < <(find "Sources/$module" -name '*.swift' | sort)
done
swiftc -sanitize=fuzzer,address -parse-as-library -g -Onone \
    -I "$scratch/debug/Modules" -I Sources/CBLAS -I Sources/CZlib \
    "Fuzz/Targets/$target.swift" Fuzz/Support/*.swift "${objects[@]}" \
    -lopenblas -lz -o "$binary" >&2

# 3. The run (the shell target reads its fixture files from NNSH_ROOT).
export NNSH_ROOT=$root
# Swift's own crash backtracer would run inside the sanitizer's signal handling and trip it;
# libFuzzer's report (with the input saved) is the one wanted.
export SWIFT_BACKTRACE=enable=no
corpus=$scratch/corpus/$target crashes=$scratch/crashes/$target
mkdir -p "$corpus" "$crashes"
flags=(-artifact_prefix="$crashes/" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=8192
       -print_final_stats=1)
[[ -f "Fuzz/$target.dict" ]] && flags+=(-dict="$root/Fuzz/$target.dict")
if [[ "$seconds" == 0 ]]; then
    # Replay: every committed seed and every input of the working corpus, once, under the
    # address sanitizer (the binary's); nothing new is added to either folder.
    replay=("$root/Fuzz/corpus/$target")
    [[ -n "$(ls -A "$corpus")" ]] && replay+=("$corpus")
    exec "$binary" "${flags[@]}" -runs=0 "$@" "${replay[@]}"
fi
exec "$binary" "${flags[@]}" -max_total_time="$seconds" "$@" "$corpus" "$root/Fuzz/corpus/$target"
