#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Fashion-MNIST experiment: focal BCE against ALE (gamma 0, 1, 2) and
# softmax cross-entropy on a classifier, BCE against ALE and MSE on an
# autoencoder (soft targets), several seeds each. Installs what is missing
# (scripts/deps.sh examples), builds the programs (build/examples), runs one
# job per loss and seed, as many at once as there are cores (one BLAS thread
# each), and writes docs/results/fashion_mnist.md, its CSVs and plots
# (examples/report.py).
#
#   examples/run.sh               the full run (about 8 minutes of two idle cores)
#   examples/run.sh --followup    more seeds (6 to 15) for focal BCE and ALE at
#                                 gamma 1, after a full run; the report adds them
#   examples/run.sh --quick       2 seeds, 2 epochs, 5000 training images, into
#                                 build/examples/quick/: checks the pipeline
#   examples/run.sh --out DIR     results elsewhere than docs/results/
#
# SEEDS, FOLLOWUP_SEEDS, EPOCHS, AE_EPOCHS, HIDDEN, AE_HIDDEN, BATCH, LR and
# JOBS override the defaults below.
set -euo pipefail
cd "$(dirname "$0")/.."

run_args="$*"
out=docs/results
limit=()
quick=0
followup=0
while [ $# -gt 0 ]; do
    case "$1" in
    --quick) quick=1 ;;
    --followup) followup=1 ;;
    --out) [ $# -ge 2 ] || { echo "--out needs a directory" >&2; exit 2; }; out=$2; shift ;;
    *) echo "usage: examples/run.sh [--quick] [--followup] [--out DIR]" >&2; exit 2 ;;
    esac
    shift
done
seeds=${SEEDS:-"1 2 3 4 5"}
followup_seeds=${FOLLOWUP_SEEDS:-"6 7 8 9 10 11 12 13 14 15"}
epochs=${EPOCHS:-15}
ae_epochs=${AE_EPOCHS:-10}
if [ $quick -eq 1 ]; then
    seeds=${SEEDS:-"1 2"}
    followup_seeds=${FOLLOWUP_SEEDS:-"3 4"}
    epochs=${EPOCHS:-2}
    ae_epochs=${AE_EPOCHS:-2}
    limit=(--train-limit 5000)
    [ "$out" = docs/results ] && out=build/examples/quick
fi
hidden=${HIDDEN:-256}
ae_hidden=${AE_HIDDEN:-128}
batch=${BATCH:-128}
lr=${LR:-0.001}
jobs=${JOBS:-$(nproc)}
if [ $followup -eq 1 ] && [ ! -f "$out/fashion_mnist_run.txt" ]; then
    echo "examples/run.sh --followup: no full run in $out yet" >&2
    exit 1
fi

scripts/deps.sh build examples
build=build/examples
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DSIMDLOSS_BUILD_BENCH=OFF >/dev/null
cmake --build $build -j"$jobs" --target fmnist_classifier fmnist_autoencoder >/dev/null
bin=$build/examples

mkdir -p "$out"
work=$build/run
[ $followup -eq 1 ] && work=$build/followup
rm -rf "$work"
mkdir -p "$work"

common=(--batch "$batch" --lr "$lr" --no-progress "${limit[@]}")
classifier() { # loss seed
    echo "$bin/fmnist_classifier --losses $1 --seed $2 --epochs $epochs --hidden $hidden" \
        "${common[*]} --csv $work/classifier-${1/:/-}-$2.csv"
}
commands=()
if [ $followup -eq 1 ]; then
    for seed in $followup_seeds; do
        for loss in binary_focal:1 ale:1; do commands+=("$(classifier $loss "$seed")"); done
    done
else
    # the autoencoder's jobs are the longest: first, so that the cores stay busy
    for seed in $seeds; do
        for loss in bce ale:0 mse; do
            commands+=("$bin/fmnist_autoencoder --losses $loss --seed $seed --epochs $ae_epochs --hidden $ae_hidden ${common[*]} --csv $work/autoencoder-${loss/:/-}-$seed.csv")
        done
    done
    for seed in $seeds; do
        for loss in binary_focal:0 binary_focal:1 binary_focal:2 ale:0 ale:1 ale:2 cross_entropy; do
            commands+=("$(classifier $loss "$seed")")
        done
    done
    commands+=("$bin/fmnist_autoencoder --epochs 0 --identity-csv $work/identity.csv")
fi
printf '%s\n' "${commands[@]}" >"$work/commands.txt"

echo "${#commands[@]} jobs, $jobs at a time; logs in $work/"
start=$(date +%s)
times >"$work/times-before.txt"
export OPENBLAS_NUM_THREADS=1
# each job: its log, then one line when it ends
i=0
for c in "${commands[@]}"; do
    i=$((i + 1))
    log=$work/job-$i.log
    printf '%s\0' "$c >$log 2>&1 || { echo \"FAILED: $c (log: $log)\" >&2; exit 1; };
        echo \"[\$((\$(date +%s) - $start)) s] done $i/${#commands[@]}\""
done | xargs -0 -P "$jobs" -I{} bash -c {}
wall=$(($(date +%s) - start))
times >"$work/times-after.txt"
# the children's user + system time (second line of `times`), after - before
cpu_seconds() { tail -n1 "$1" | tr 'ms' '  ' | awk '{ print 60 * $1 + $2 + 60 * $3 + $4 }'; }
cpu=$(awk -v a="$(cpu_seconds "$work/times-after.txt")" -v b="$(cpu_seconds "$work/times-before.txt")" \
    'BEGIN { printf "%d", a - b }')
echo "all jobs: $wall s, $cpu CPU seconds"

collect() { # output, input files...
    local dest=$1
    shift
    head -n1 -q "$@" | head -n1 >"$dest"
    tail -n+2 -q "$@" >>"$dest"
}
# the commands as run, with paths relative to the repository
relative() { sed -e "s|$work/|<run>/|g" "$work/commands.txt"; }
# what the report says about the run
run_info() {
    echo "command=examples/run.sh${run_args:+ $run_args}"
    echo "date=$(date +%F)"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "jobs=$jobs"
    echo "wall_seconds=$wall"
    echo "cpu_seconds=$cpu"
}
if [ $followup -eq 1 ]; then
    collect "$out/fashion_mnist_followup.csv" "$work"/classifier-*.csv
    relative >"$out/fashion_mnist_followup_commands.txt"
    run_info >"$out/fashion_mnist_followup_run.txt"
else
    collect "$out/fashion_mnist_classifier.csv" "$work"/classifier-*.csv
    collect "$out/fashion_mnist_autoencoder.csv" "$work"/autoencoder-*.csv
    cp "$work/identity.csv" "$out/fashion_mnist_identity.csv"
    relative >"$out/fashion_mnist_commands.txt"
    run_info >"$out/fashion_mnist_run.txt"
    # a new full run replaces an older follow-up's context
    rm -f "$out"/fashion_mnist_followup*
fi
/usr/bin/python3 examples/report.py --results "$out"
echo "wrote $out/fashion_mnist.md"
