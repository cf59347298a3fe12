#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Thread scaling of simdloss and of PyTorch 1.13: installs what is missing
# (Debian: libbenchmark-dev, python3-torch, python3-numpy, python3-matplotlib),
# builds simdloss-bench and simdloss-cpu (Release, with OpenMP) and runs
# bench/threads.py, which writes bench/results/<date>-<cpu>-threads.md, its
# PNG and every run (JSON).
#
#   bench/threads.sh                 1, 2 and all threads; every elementwise
#                                    loss at n = 16K, 1M, 16M; cross_entropy at
#                                    512x1000, 8x32000, 64x128256, the other
#                                    class losses at 512x1000
#   bench/threads.sh --quick         a smoke run (a few losses, 16K and 1M, short)
#   bench/threads.sh --from-json bench/results/<file>-threads.json   report only
#
# Other arguments go to threads.py (--threads, --sizes, --losses,
# --class-cases, --reps, --min-time, --torch-min-time, --no-torch, --out,
# --note). BUILD_DIR overrides the build directory (default build/release).
# Do not pin it to one CPU (all threads = the affinity mask), and run it on an
# otherwise idle machine: a parallel call waits for its slowest thread.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build/release}
for a in "$@"; do
    if [ "$a" = --from-json ]; then
        exec /usr/bin/python3 bench/threads.py "$@"
    fi
done
scripts/deps.sh build compare
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target simdloss-bench simdloss-cpu >/dev/null
# the thread counts are set explicitly on both sides (simdloss_set_num_threads,
# torch.set_num_threads): no OpenMP setting from the environment caps them
unset OMP_NUM_THREADS OMP_THREAD_LIMIT OMP_DYNAMIC SIMDLOSS_NUM_THREADS
exec /usr/bin/python3 bench/threads.py --bench "$build/bench/simdloss-bench" \
    --probe "$build/simdloss-cpu" "$@"
