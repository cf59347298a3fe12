#!/usr/bin/env bash
# Builds simdloss and runs the whole test suite (installs missing packages).
#   scripts/test.sh              release build + ctest
#   scripts/test.sh --werror     ... with -Werror
#   scripts/test.sh --sanitize   ... and a second build with ASan + UBSan
# SIMDLOSS_REQUIRE_ISAS=scalar,avx2,avx512 makes the run fail when a listed
# ISA cannot run here (CI sets it from /proc/cpuinfo).
set -euo pipefail
cd "$(dirname "$0")/.."

werror=OFF
sanitize=0
for a in "$@"; do
    case "$a" in
    --werror) werror=ON ;;
    --sanitize) sanitize=1 ;;
    *) echo "usage: scripts/test.sh [--werror] [--sanitize]" >&2; exit 2 ;;
    esac
done

scripts/deps.sh build bench
jobs=$(nproc)

run_suite() { # build-dir, extra cmake args...
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_WERROR=$werror "$@" >/dev/null
    cmake --build "$dir" -j"$jobs"
    (cd "$dir" && ctest --output-on-failure -j"$jobs")
}

echo "== release build =="
run_suite build/release
if [ $sanitize -eq 1 ]; then
    echo "== sanitizer build (address, undefined) =="
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_suite build/sanitize -DSIMDLOSS_SANITIZE=ON -DSIMDLOSS_BUILD_BENCH=OFF
fi
