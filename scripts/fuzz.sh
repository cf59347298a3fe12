#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan, library
# instrumented too) in build/fuzz and runs each for a bounded time from a
# copy of its committed seed corpus (fuzz/corpus/<name>/, never modified);
# fails on any crash, abort (a contract check of the target), sanitizer
# report, leak or timeout.
#   scripts/fuzz.sh                  60 s per target; with 2+ cores all at once
#   scripts/fuzz.sh -t 600           600 s per target
#   scripts/fuzz.sh -j 2 -t 480      each target with -jobs=2 -workers=2 (480 s
#                                    per job), one target after the other
#   scripts/fuzz.sh --full-ubsan     the kernel tables with every UBSan check
#                                    too (fuzz/CMakeLists.txt; ~4x the build time)
#   scripts/fuzz.sh fuzz_class       only the targets named
# SIMDLOSS_FUZZ_TIME sets the default time. A crashing input is saved in
# build/fuzz/artifacts/ and printed with the command that reproduces it; the
# logs are in build/fuzz/logs/. SIMDLOSS_FUZZ_VERBOSE=1 makes a target print
# every call it makes (for replaying one input).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${SIMDLOSS_FUZZ_TIME:-60}
jobs=1
full=OFF
targets=()
usage() {
    echo "usage: scripts/fuzz.sh [-t SECONDS] [-j JOBS] [--full-ubsan] [fuzz_elementwise|fuzz_class|fuzz_ctc|fuzz_ce_ex|fuzz_triplet_distance|fuzz_linear]..." >&2
    exit 2
}
while [ $# -gt 0 ]; do
    case "$1" in
    -t) [ $# -ge 2 ] || usage; secs=$2; shift ;;
    -j) [ $# -ge 2 ] || usage; jobs=$2; shift ;;
    --full-ubsan) full=ON ;;
    fuzz_elementwise | fuzz_class | fuzz_ctc | fuzz_ce_ex | fuzz_triplet_distance | fuzz_linear) targets+=("$1") ;;
    *) usage ;;
    esac
    shift
done
[[ "$secs" =~ ^[0-9]+$ && "$jobs" =~ ^[1-9][0-9]*$ ]] || usage
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_elementwise fuzz_class fuzz_ctc fuzz_ce_ex fuzz_triplet_distance fuzz_linear)

scripts/deps.sh build clang linear
rt="$(clang --print-runtime-dir)/libclang_rt.fuzzer-$(uname -m).a"
if [ ! -f "$rt" ]; then
    echo "fuzz.sh: $rt is missing (Debian: libclang-rt-<version>-dev)" >&2
    exit 1
fi

dir=build/fuzz
start=$SECONDS
echo "== fuzz build (clang, ASan + UBSan + libFuzzer, full UBSan in the kernels: $full) =="
CC=clang CXX=clang++ cmake -S . -B $dir -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_FUZZ=ON \
    -DSIMDLOSS_FUZZ_FULL_UBSAN=$full -DSIMDLOSS_BUILD_TESTS=OFF -DSIMDLOSS_BUILD_BENCH=OFF >/dev/null
cmake --build $dir -j"$(nproc)" --target "${targets[@]}"
echo "fuzz build: $((SECONDS - start)) s"

rm -rf $dir/artifacts $dir/logs
mkdir -p $dir/artifacts $dir/logs $dir/corpus

# run TARGET: fuzzes it for $secs s from a fresh copy of its corpus; the
# exit status is libFuzzer's
run() {
    local t=$1 name=${1#fuzz_}
    local corpus=$dir/corpus/$name logs=$dir/logs/$t
    rm -rf "$corpus" "$logs"
    cp -r fuzz/corpus/"$name" "$corpus"
    mkdir -p "$logs"
    local args=(-max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len=4096
        -print_final_stats=1 -artifact_prefix="$PWD/$dir/artifacts/$t-")
    if [ "$jobs" -gt 1 ]; then
        # libFuzzer writes each job's log to fuzz-<job>.log in the current directory
        (cd "$logs" && exec "$OLDPWD/$dir/fuzz/$t" "${args[@]}" -jobs="$jobs" -workers="$jobs" \
            "$OLDPWD/$corpus" >"$OLDPWD/$logs/main.log" 2>&1)
    else
        "$dir/fuzz/$t" "${args[@]}" "$corpus" >"$logs/fuzz-0.log" 2>&1
    fi
}

# report TARGET STATUS: the numbers of each run, and what it found
report() {
    local t=$1 st=$2 log ok=1
    for log in "$dir"/logs/"$t"/fuzz-*.log; do
        [ -f "$log" ] || continue
        local done runs eps
        done=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 | tr -s ' \t' ' ') || true
        runs=$(grep -m1 '^stat::number_of_executed_units' "$log" | awk '{print $2}') || true
        eps=$(grep -m1 '^stat::average_exec_per_sec' "$log" | awk '{print $2}') || true
        echo "$t $(basename "$log" .log): ${runs:-?} runs, ${eps:-?} exec/s; last: ${done:-none}"
        if grep -qE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|simdloss fuzz failure' "$log"; then
            ok=0
            echo "---- $log (end) ----"
            tail -n 40 "$log"
        fi
    done
    local crash
    for crash in "$dir"/artifacts/"$t"-*; do
        [ -e "$crash" ] || continue
        ok=0
        echo "$t: crashing input $crash; reproduce with"
        echo "  SIMDLOSS_FUZZ_VERBOSE=1 $dir/fuzz/$t $crash"
    done
    if [ "$st" -ne 0 ] || [ $ok -eq 0 ]; then
        echo "FAIL: $t (status $st)"
        return 1
    fi
    echo "ok: $t, ${secs} s x $jobs job(s), no failure"
}

echo "== fuzzing ${targets[*]}: ${secs} s each, $jobs job(s) per target =="
fails=0
if [ "$jobs" -eq 1 ] && [ "$(nproc)" -ge 2 ] && [ ${#targets[@]} -gt 1 ]; then
    # one core per target, all at once
    pids=()
    for t in "${targets[@]}"; do
        run "$t" &
        pids+=($!)
    done
    for i in "${!targets[@]}"; do
        st=0
        wait "${pids[$i]}" || st=$?
        report "${targets[$i]}" $st || fails=$((fails + 1))
    done
else
    for t in "${targets[@]}"; do
        st=0
        run "$t" || st=$?
        report "$t" $st || fails=$((fails + 1))
    done
fi
echo "fuzz: $((SECONDS - start)) s in all"
[ $fails -eq 0 ]
