#!/usr/bin/env bash
# Runs the tests under the sanitizers: Scripts/sanitize.sh [address|thread|all]   (default: all)
#
#   address  the whole test suite under the address sanitizer (out-of-bounds, use-after-free,
#            double free) and LeakSanitizer, with leaks inside Foundation and libedit
#            suppressed (Scripts/lsan-suppressions.txt; docs/FUZZING.md says why)
#   thread   the threaded training path (the trainer's worker pool, split GEMMs, training runs,
#            the interrupt flag) under the thread sanitizer
#
# Each sanitizer builds in its own scratch folder (.build/asan, .build/tsan) so the normal
# build is untouched; the first run builds everything once (several minutes on 2 cores).
# Not part of Scripts/test.sh's default run (CI); `Scripts/test.sh --sanitize` runs this.
# Non-zero exit when a test fails or a sanitizer reports.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
case "$which" in address|thread|all) ;; *) echo "usage: Scripts/sanitize.sh [address|thread|all]" >&2; exit 2 ;; esac

# A new scratch folder starts from the normal build's package checkouts (no network needed).
prepare() {
    local scratch=$1
    mkdir -p "$scratch"
    if [[ ! -d "$scratch/checkouts" && -d .build/checkouts ]]; then
        cp -r .build/checkouts .build/repositories "$scratch/" 2>/dev/null || true
        cp .build/workspace-state.json "$scratch/" 2>/dev/null || true
    fi
}

if [[ "$which" == address || "$which" == all ]]; then
    prepare .build/asan
    echo "sanitize: the test suite under the address sanitizer" >&2
    # The first report fails the run (the executables the end-to-end tests start inherit this).
    export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Scripts/lsan-suppressions.txt:print_suppressions=0}
    swift build --build-tests --sanitize=address --scratch-path .build/asan
    swift test --skip-build --sanitize=address --scratch-path .build/asan --parallel
fi

if [[ "$which" == thread || "$which" == all ]]; then
    prepare .build/tsan
    echo "sanitize: the threaded training path under the thread sanitizer" >&2
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1}
    swift build --build-tests --sanitize=thread --scratch-path .build/tsan
    swift test --skip-build --sanitize=thread --scratch-path .build/tsan \
        --filter 'ThreadedTrainingTests|WorkerPoolTests|TrainingTests'
fi
echo "sanitize: no reports" >&2
