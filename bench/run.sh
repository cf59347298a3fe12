#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Build simdloss-bench (Release) and run the benchmarks matching a filter with
# repetitions, printing the median throughput of each.
#
#   bench/run.sh [FILTER] [extra google-benchmark flags...]
#
#   FILTER       google-benchmark regex, default '/fwdgrad/.*/1048576$'
#   BUILD_DIR    build directory (default: <repo>/build-bench)
#   REPS         repetitions (default 5); the median is reported
#   OUT          also keep the raw JSON there (default: a temp file, removed)
#
# Examples:
#   bench/run.sh '/fwdgrad/avx512/65536$'   (every loss; names: src/losses.def)
#   bench/run.sh '^ref_' --benchmark_min_time=0.2
#   taskset -c 1 bench/run.sh '/fwdgrad/avx512/16777216$'
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${BUILD_DIR:-$root/build-bench}
filter=${1:-'/fwdgrad/.*/1048576$'}
[ $# -gt 0 ] && shift
reps=${REPS:-5}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target simdloss-bench -j "$(nproc)" >/dev/null

if [ -n "${OUT:-}" ]; then
    json=$OUT
else
    json=$(mktemp "${TMPDIR:-/tmp}/simdloss-bench.XXXXXX.json")
    trap 'rm -f "$json"' EXIT
fi

# exit status 2: some benchmark reported an error (shown as 0 below)
status=0
"$build/bench/simdloss-bench" --benchmark_filter="$filter" \
    --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
    --benchmark_out="$json" --benchmark_out_format=json "$@" >/dev/null || status=$?
[ "$status" -le 2 ] || exit "$status"

python3 - "$json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {}
for b in d["benchmarks"]:
    if b.get("run_type") != "aggregate":
        continue
    r = rows.setdefault(b["run_name"], {})
    r[b["aggregate_name"]] = b
print(f"{'benchmark':<50} {'median Melem/s':>15} {'GB/s':>8} {'cv %':>6}")
for name, r in rows.items():
    med = r.get("median", {})
    ips = med.get("items_per_second", 0.0) / 1e6
    bps = med.get("bytes_per_second", 0.0) / 1e9
    cv = r.get("cv", {}).get("cpu_time")
    cvs = f"{100 * cv:6.1f}" if isinstance(cv, (int, float)) else "     -"
    print(f"{name:<50} {ips:15.1f} {bps:8.2f} {cvs}")
PY
exit "$status"
