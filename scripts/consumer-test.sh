#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds simdloss as a library only (tests and benchmark off: neither Check nor
# a C++ compiler is used, CXX names none), installs it into a temporary prefix
# and builds and runs tests/consumer/consumer.c against it the ways the README
# shows:
#   1. cc ... -I$prefix/include -L$prefix/lib -lsimdloss -lsleef -lm
#   2. pkg-config --cflags --libs simdloss, and --static with libsimdloss.a
#   3. find_package(simdloss CONFIG): simdloss::simdloss, simdloss::simdloss_static
#   4. add_subdirectory of this source tree: the same two targets (a Debug
#      build, the way a consumer's debug build compiles simdloss; it also
#      compiles faster than a second -O2 build)
# and the same for libsimdloss_linear (tests/consumer/consumer_linear.c:
# pkg-config simdloss_linear, simdloss::linear, simdloss::linear_static)
# and checks the installed files, the SONAME, and that the programs linked
# with the static library do not load libsimdloss.so.
#   scripts/consumer-test.sh            (CI: scripts/consumer-test.sh --werror)
#   scripts/consumer-test.sh --werror   the library built with -Werror
#   scripts/consumer-test.sh --keep     keep the temporary directory
# SIMDLOSS_JOBS sets the build parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

werror=OFF
keep=0
for a in "$@"; do
    case "$a" in
    --werror) werror=ON ;;
    --keep) keep=1 ;;
    *) echo "usage: scripts/consumer-test.sh [--werror] [--keep]" >&2; exit 2 ;;
    esac
done

scripts/deps.sh build linear
src=$PWD
jobs=${SIMDLOSS_JOBS:-2}
cc=${CC:-cc}
start=$SECONDS
tmp=$(mktemp -d "${TMPDIR:-/tmp}/simdloss-consumer.XXXXXX")
if [ $keep -eq 1 ]; then
    echo "consumer test: $tmp is kept"
else
    trap 'rm -rf "$tmp"' EXIT
fi
prefix=$tmp/prefix
# a configure step that enabled C++ would fail on this
export CXX=/nonexistent/c++

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
version_part() { sed -n "s/^#define SIMDLOSS_VERSION_$1 \([0-9]*\)$/\1/p" include/simdloss.h; }
major=$(version_part MAJOR)
version=$major.$(version_part MINOR).$(version_part PATCH)

# library-only configure: no Check, no C++ in the cache
library_only() { # cache file, what
    if grep -Eq '^(__pkg_config_checked_)?CHECK_|^CMAKE_CXX_COMPILER' "$1"; then
        fail "$2 looked for Check or a C++ compiler"
    fi
}
# run PROGRAM static|shared: runs it and checks whether it loads libsimdloss.so
run() {
    local needed out
    needed=$(readelf -d "$1" | grep -c "NEEDED.*\[libsimdloss\.so\.$major\]" || true)
    if [ "$2" = static ] && [ "$needed" -ne 0 ]; then fail "$1 loads libsimdloss.so"; fi
    if [ "$2" = shared ] && [ "$needed" -ne 1 ]; then fail "$1 does not load libsimdloss.so.$major"; fi
    out=$("$1") || fail "$1: $out"
    printf '  %-28s %s\n' "${1#"$tmp"/}" "$out"
}

echo "== consumer test: library-only build, installed into a temporary prefix =="
cmake -S . -B "$tmp/build" -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_WERROR=$werror \
    -DSIMDLOSS_BUILD_TESTS=OFF -DSIMDLOSS_BUILD_BENCH=OFF -DSIMDLOSS_BUILD_EXAMPLES=OFF >/dev/null
library_only "$tmp/build/CMakeCache.txt" "the library-only build"
cmake --build "$tmp/build" -j"$jobs" >/dev/null
# the prefix given at install time, not the configured one, goes into the files
cmake --install "$tmp/build" --prefix "$prefix" >/dev/null
for f in include/simdloss.h lib/libsimdloss.a lib/libsimdloss.so "lib/libsimdloss.so.$major" \
    lib/pkgconfig/simdloss.pc lib/cmake/simdloss/simdlossConfig.cmake \
    lib/cmake/simdloss/simdlossConfigVersion.cmake lib/cmake/simdloss/simdlossTargets.cmake \
    bin/simdloss-cpu include/simdloss_linear.h lib/libsimdloss_linear.a lib/libsimdloss_linear.so \
    "lib/libsimdloss_linear.so.$major" lib/pkgconfig/simdloss_linear.pc; do
    [ -e "$prefix/$f" ] || fail "$f was not installed"
done
readelf -d "$prefix/lib/libsimdloss.so" | grep -q "SONAME.*\[libsimdloss\.so\.$major\]" ||
    fail "the SONAME is not libsimdloss.so.$major"
"$prefix/bin/simdloss-cpu" --json >/dev/null || fail "simdloss-cpu"
echo "  installed simdloss $version (SONAME libsimdloss.so.$major): $((SECONDS - start)) s"

flags=(-std=c11 -O2 -Wall -Wextra -Werror tests/consumer/consumer.c)
echo "== 1. cc -lsimdloss -lsleef -lm =="
"$cc" "${flags[@]}" -I"$prefix/include" -L"$prefix/lib" -lsimdloss -lsleef -lm \
    -Wl,-rpath,"$prefix/lib" -o "$tmp/plain"
run "$tmp/plain" shared

echo "== 2. pkg-config =="
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
[ "$(pkg-config --modversion simdloss)" = "$version" ] || fail "pkg-config --modversion"
[ "$(pkg-config --variable=prefix simdloss)" = "$prefix" ] || fail "simdloss.pc's prefix"
# shellcheck disable=SC2046
"$cc" "${flags[@]}" $(pkg-config --cflags --libs simdloss) -Wl,-rpath,"$prefix/lib" \
    -o "$tmp/pkg-config"
run "$tmp/pkg-config" shared
# --static adds what libsimdloss.a needs (SLEEF, libm); -l:libsimdloss.a picks
# the archive over the shared library beside it
static_libs=$(pkg-config --static --libs simdloss)
[[ " $static_libs " == *" -lsleef "* && " $static_libs " == *" -lm "* ]] ||
    fail "pkg-config --static --libs simdloss: $static_libs"
# shellcheck disable=SC2046,SC2086
"$cc" "${flags[@]}" $(pkg-config --cflags simdloss) ${static_libs/-lsimdloss/-l:libsimdloss.a} \
    -o "$tmp/pkg-config-static"
run "$tmp/pkg-config-static" static

# libsimdloss_linear through pkg-config: shared, and static with the CBLAS
# and the core's archive
lflags=(-std=c11 -O2 -Wall -Wextra -Werror tests/consumer/consumer_linear.c)
# shellcheck disable=SC2046
"$cc" "${lflags[@]}" $(pkg-config --cflags --libs simdloss_linear) -Wl,-rpath,"$prefix/lib" \
    -o "$tmp/pkg-config-linear"
run "$tmp/pkg-config-linear" shared
lstatic=$(pkg-config --static --libs simdloss_linear)
lstatic=${lstatic/-lsimdloss_linear/-l:libsimdloss_linear.a}
# shellcheck disable=SC2046,SC2086
"$cc" "${lflags[@]}" $(pkg-config --cflags simdloss_linear) ${lstatic/-lsimdloss /-l:libsimdloss.a } \
    -o "$tmp/pkg-config-linear-static"
run "$tmp/pkg-config-linear-static" static

echo "== 3. find_package(simdloss CONFIG) =="
cmake -S tests/consumer -B "$tmp/package" -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_CONSUMER=package \
    -DSIMDLOSS_CONSUMER_VERSION="$version" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/package" -j"$jobs" >/dev/null
run "$tmp/package/consumer_shared" shared
run "$tmp/package/consumer_static" static
run "$tmp/package/consumer_linear_shared" shared
run "$tmp/package/consumer_linear_static" static

echo "== 4. add_subdirectory (a Debug build: the library at -O0 with the consumer) =="
cmake -S tests/consumer -B "$tmp/subdir" -DCMAKE_BUILD_TYPE=Debug -DSIMDLOSS_CONSUMER=subdir \
    -DSIMDLOSS_SOURCE_DIR="$src" -DSIMDLOSS_WERROR=$werror >/dev/null
# not the top-level project: tests, benchmark and examples off by default
for o in TESTS BENCH EXAMPLES; do
    grep -q "^SIMDLOSS_BUILD_$o:BOOL=OFF" "$tmp/subdir/CMakeCache.txt" ||
        fail "add_subdirectory: SIMDLOSS_BUILD_$o is not OFF by default"
done
library_only "$tmp/subdir/CMakeCache.txt" "the add_subdirectory build"
cmake --build "$tmp/subdir" -j"$jobs" >/dev/null
run "$tmp/subdir/consumer_shared" shared
run "$tmp/subdir/consumer_static" static
run "$tmp/subdir/consumer_linear_shared" shared
run "$tmp/subdir/consumer_linear_static" static

echo "consumer test: $((SECONDS - start)) s"
