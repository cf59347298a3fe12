#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cross-builds simdloss for AArch64 and runs the whole test suite under
# qemu-user (installs the cross toolchain, qemu-user and the arm64 libraries
# on Debian). One ctest run covers every variant: scalar + NEON on a
# NEON-only core (QEMU_CPU=neoverse-n1), then scalar + SVE at 128, 256 and
# 512 bits (QEMU_CPU=max,svN=on); see tests/CMakeLists.txt.
#   scripts/test-arm64.sh              release build + ctest under qemu
#   scripts/test-arm64.sh --werror     ... with -Werror
#   scripts/test-arm64.sh --sanitize   ... and an ASan + UBSan build whose
#                                      NEON tests run under qemu too
# SIMDLOSS_JOBS overrides the parallelism (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."

werror=OFF
sanitize=0
for a in "$@"; do
    case "$a" in
    --werror) werror=ON ;;
    --sanitize) sanitize=1 ;;
    *) echo "usage: scripts/test-arm64.sh [--werror] [--sanitize]" >&2; exit 2 ;;
    esac
done

scripts/deps.sh build arm64
jobs=${SIMDLOSS_JOBS:-$(nproc)}
# qemu's default AArch64 CPU has ASIMD (and SVE): both variants must run
export SIMDLOSS_REQUIRE_ISAS=scalar,neon

configure() { # build-dir, extra cmake args...
    local dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
        -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_WERROR=$werror -DSIMDLOSS_BUILD_BENCH=OFF "$@" \
        >/dev/null
    cmake --build "$dir" -j"$jobs"
}

# Bitwise equality across architectures: scripts/bitcheck.c's hash of every
# loss and output, for each variant of the x86 build (build/release, made by
# scripts/test.sh) and of the arm64 build on each emulated CPU.
bitcheck() {
    local out=build/bitcheck cpu
    local flags=(-std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -Iinclude -Isrc -Itests
        scripts/bitcheck.c tests/harness.c tests/calls.c tests/specs.c tests/class_calls.c)
    mkdir -p $out
    # shellcheck disable=SC2046
    cc "${flags[@]}" -o $out/bitcheck-x86_64 -Lbuild/release -Wl,-rpath,"$PWD/build/release" \
        -lsimdloss $(pkg-config --cflags --libs check) -lm
    # shellcheck disable=SC2046
    aarch64-linux-gnu-gcc "${flags[@]}" -o $out/bitcheck-arm64 -Lbuild/arm64 \
        -Wl,-rpath,"$PWD/build/arm64" -lsimdloss $(PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
        pkg-config --cflags --libs check) -lm
    $out/bitcheck-x86_64 | sed 's/^/x86_64 /' >$out/hashes.txt
    for cpu in neoverse-n1 max,sve128=on max,sve256=on max,sve512=on; do
        QEMU_CPU=$cpu qemu-aarch64 $out/bitcheck-arm64 | sed "s/^/aarch64($cpu) /" >>$out/hashes.txt
    done
    cat $out/hashes.txt
    if [ "$(awk '{print $3}' $out/hashes.txt | sort -u | wc -l)" -ne 1 ]; then
        echo "FAIL: the variants are not bit-identical across architectures" \
            "(scripts/bitcheck.c -v shows which loss differs)"
        return 1
    fi
    echo "bit-identical: $(wc -l <$out/hashes.txt) variant runs on x86_64 and aarch64"
}

start=$SECONDS
echo "== arm64 cross build, tests under qemu-aarch64 (neon, sve128, sve256, sve512) =="
configure build/arm64
(cd build/arm64 && ctest --output-on-failure -j"$jobs")
if [ -e build/release/libsimdloss.so ]; then
    echo "== x86_64 vs aarch64 bits =="
    bitcheck
else
    echo "== x86_64 vs aarch64 bits: skipped (no x86 build in build/release; scripts/test.sh makes it) =="
fi
echo "arm64 suite: $((SECONDS - start)) s"

if [ $sanitize -eq 1 ]; then
    # ASan and UBSan work under qemu-user (the arm64 runtimes come from
    # libasan8:arm64 and libubsan1:arm64); LeakSanitizer does not (it needs
    # ptrace, which qemu-user lacks), so leaks are checked by the x86 build.
    # Emulated ASan is several times slower than emulation alone, so this
    # run is NEON + scalar only (VL 4 exists on no x86 table) and skips
    # test_cross_isa and test_reference (about 25 and 15 minutes of one core
    # under ASan + qemu) and their class-dimension counterparts; the
    # cross-ISA tests check for writes past every output themselves in the
    # run above, and all four run under ASan on x86.
    start=$SECONDS
    echo "== arm64 sanitizer build (address, undefined) under qemu-aarch64: neon, scalar =="
    configure build/arm64-sanitize -DSIMDLOSS_SANITIZE=ON -DSIMDLOSS_SVE=OFF
    (cd build/arm64-sanitize &&
        ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
            ctest --output-on-failure -j"$jobs" -E "^(test_(class_)?(cross_isa|reference))$")
    echo "arm64 sanitizer suite: $((SECONDS - start)) s"
fi
