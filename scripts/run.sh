#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds simdloss (installing missing packages) and runs the main job:
# simdloss-cpu --bench, which reports the CPU, its SIMD features (and whether
# the OS enables them), its caches, the kernels simdloss compiled in, can run
# and selects, and times a few losses on every runnable ISA (about 3 s).
# Extra arguments go to simdloss-cpu too (e.g. --json).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target simdloss-cpu
build/release/simdloss-cpu --bench "$@"
