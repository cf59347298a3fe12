#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds simdloss and runs the whole test suite (installs missing packages).
#   scripts/test.sh              release build + ctest
#   scripts/test.sh --werror     ... with -Werror
#   scripts/test.sh --sanitize   ... and a second build with ASan + UBSan, and a
#                                ThreadSanitizer build of the thread test
#   scripts/test.sh --clang      ... and a release build with clang (Debian's clang)
# SIMDLOSS_REQUIRE_ISAS=scalar,avx2,avx512 makes the run fail when a listed
# ISA cannot run here (CI sets it from /proc/cpuinfo).
# On x86, when the AArch64 cross toolchain and qemu-aarch64 are installed
# (scripts/deps.sh arm64), the AArch64 suite runs too, under emulation
# (scripts/test-arm64.sh, same options). SIMDLOSS_ARM64=0 skips it,
# SIMDLOSS_ARM64=1 makes a missing toolchain an error (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

werror=OFF
sanitize=0
clang=0
for a in "$@"; do
    case "$a" in
    --werror) werror=ON ;;
    --sanitize) sanitize=1 ;;
    --clang) clang=1 ;;
    *) echo "usage: scripts/test.sh [--werror] [--sanitize] [--clang]" >&2; exit 2 ;;
    esac
done

# qemu: the probe's tests on emulated x86 CPUs (qemu-x86_64)
deps=(build bench qemu)
[ $clang -eq 1 ] && deps+=(clang)
scripts/deps.sh "${deps[@]}"
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
if [ $clang -eq 1 ]; then
    # the whole suite again from clang's code: the two compilers differ in
    # what they predefine (__FP_FAST_FMA) and in NaN signs, among others
    echo "== clang release build =="
    CC=clang CXX=clang++ run_suite build/clang
fi
if [ $sanitize -eq 1 ]; then
    echo "== sanitizer build (address, undefined) =="
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_suite build/sanitize -DSIMDLOSS_SANITIZE=ON -DSIMDLOSS_BUILD_BENCH=OFF
    # ThreadSanitizer on the caller's-pool path (libgomp is not instrumented,
    # so the built-in engine is left out): concurrent calls from several
    # threads while others change the thread count and the pool
    echo "== ThreadSanitizer build (caller's pool) =="
    cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_WERROR=$werror \
        -DSIMDLOSS_TSAN=ON -DSIMDLOSS_OPENMP=OFF -DSIMDLOSS_BUILD_BENCH=OFF >/dev/null
    cmake --build build/tsan -j"$jobs" --target test_threads
    TSAN_OPTIONS=halt_on_error=1 CK_DEFAULT_TIMEOUT=600 build/tsan/tests/test_threads
fi

arm64=${SIMDLOSS_ARM64:-auto}
if [ "$(uname -m)" = x86_64 ] && [ "$arm64" != 0 ]; then
    if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
        # its own SIMDLOSS_REQUIRE_ISAS (scalar,neon)
        args=()
        [ "$werror" = ON ] && args+=(--werror)
        [ $sanitize -eq 1 ] && args+=(--sanitize)
        scripts/test-arm64.sh "${args[@]}"
    elif [ "$arm64" = 1 ]; then
        echo "SIMDLOSS_ARM64=1 but aarch64-linux-gnu-gcc or qemu-aarch64 is missing" >&2
        exit 1
    else
        echo "== arm64 suite skipped: no aarch64-linux-gnu-gcc/qemu-aarch64 (scripts/deps.sh arm64) =="
    fi
fi
