#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# simdloss against its limits and against PyTorch 1.13: installs what is
# missing (Debian: libbenchmark-dev, python3-torch, python3-numpy,
# python3-matplotlib), builds simdloss-bench and simdloss-cpu (Release) and
# runs bench/compare.py, which writes bench/results/<date>-<cpu>.md, its
# PNG plots and the raw medians (JSON).
#
#   bench/compare.sh                      every loss, n = 4K, 64K, 1M, 16M,
#                                         and the class losses at their shapes
#   bench/compare.sh --quick              a smoke run (4K and 64K, class shapes
#                                         8192x10 and 512x1000, short)
#   taskset -c 1 bench/compare.sh         pinned to CPU 1 (recommended)
#   bench/compare.sh --from-json bench/results/<file>.json   report only
#
# Other arguments go to compare.py (--losses, --sizes, --class-losses,
# --shapes, --reps, --min-time, --torch-reps, --torch-min-time, --out).
# BUILD_DIR overrides the build directory (default build/release). Run it on
# an otherwise idle machine; one full run takes about 15 minutes, and the
# class losses add about 5.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build compare
build=${BUILD_DIR:-build/release}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target simdloss-bench simdloss-cpu >/dev/null
# PyTorch on one thread: set_num_threads(1) in compare.py, and no OpenMP pool
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
exec /usr/bin/python3 bench/compare.py --bench "$build/bench/simdloss-bench" \
    --probe "$build/simdloss-cpu" "$@"
