#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages simdloss needs that are missing (apt-get, as
# root or through sudo).
# Usage: scripts/deps.sh [build|bench|golden|compare|qemu|arm64|clang|examples|linear]...
#   linear: CBLAS (OpenBLAS), for libsimdloss_linear
#   clang: clang, for scripts/test.sh --clang, and its sanitizer and libFuzzer
#          runtimes (Debian 12: clang 14), for scripts/fuzz.sh
#   compare: PyTorch, NumPy and Matplotlib for bench/compare.sh
#   examples: CBLAS (OpenBLAS), zlib and Fashion-MNIST for the examples/
#          programs, NumPy and Matplotlib for examples/report.py
#   qemu: qemu-user, for the tests that run simdloss-cpu on emulated x86 CPUs
#   arm64: the AArch64 cross toolchain, qemu-user and the arm64 libraries
#          (adds dpkg's arm64 architecture), for scripts/test-arm64.sh
#          (g++ only because the project enables C++ for bench/)
set -euo pipefail

pkgs=(cmake make gcc g++ pkg-config libsleef-dev check libsubunit-dev)
arm64=0
for what in "$@"; do
    case "$what" in
    build) ;;
    bench) pkgs+=(libbenchmark-dev) ;;
    golden) pkgs+=(python3-torch python3-numpy) ;;
    compare) pkgs+=(libbenchmark-dev python3-torch python3-numpy python3-matplotlib) ;;
    qemu) pkgs+=(qemu-user) ;;
    linear) pkgs+=(libopenblas-dev) ;;
    clang) pkgs+=(clang libclang-rt-14-dev) ;;
    examples) pkgs+=(libopenblas-dev zlib1g-dev dataset-fashion-mnist python3-numpy python3-matplotlib) ;;
    arm64)
        arm64=1
        pkgs+=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user libsleef-dev:arm64
            check:arm64 libsubunit-dev:arm64 libasan8:arm64 libubsan1:arm64 libgomp1:arm64)
        ;;
    *) echo "deps.sh: unknown set '$what'" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ $arm64 -eq 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
