#!/usr/bin/env bash
# Builds simdloss (installing missing packages) and runs the main job:
# simdloss-cpu, which reports the CPU, its SIMD features (and whether the OS
# enables them) and the kernels simdloss compiled in, can run and selects.
# Extra arguments go to simdloss-cpu (--json, --bench, --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target simdloss-cpu
build/release/simdloss-cpu "$@"
