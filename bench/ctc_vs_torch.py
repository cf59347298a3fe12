#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""simdloss_ctc_f32 against F.ctc_loss, forward + backward, MEAN, interleaved.

CTC is not in the registry, so bench/compare.py does not see it: this is its
comparison. Shapes (T, N, C, S) = (200, 32, 30, 40) and (100, 16, 5000, 30)
(log_softmax of normal logits, padded targets of length S/2..S, full input
lengths). For each thread count (--threads, default 1 and 2) and shape,
--rounds rounds, each timing simdloss, PyTorch 1.13 (this process:
/usr/bin/python3 with Debian's python3-torch) and the current PyTorch (a
process of the venv of bench/peers-venv.sh, --no-peer to skip) for --secs
seconds each; the report gives the medians of the rounds. simdloss is
called through ctypes on the library of a build directory (default
build/release), its threads set with simdloss_set_num_threads, torch's with
torch.set_num_threads.

    taskset -c 0,1 /usr/bin/python3 bench/ctc_vs_torch.py [--lib PATH]
        [--threads 1,2] [--rounds 7] [--out bench/results/<date>-<cpu>-ctc]
Writes <out>.json and <out>.md when --out is given.
"""
import argparse
import ctypes
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = [(200, 32, 30, 40), (100, 16, 5000, 30)]


def inputs(torch, T, N, C, S):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    lp = torch.log_softmax(torch.randn(T, N, C), -1).numpy().copy()
    tg = rng.integers(1, C, size=(N, S)).astype(np.int64)
    il = np.full(N, T, np.int64)
    tl = rng.integers(S // 2, S + 1, size=N).astype(np.int64)
    return lp, tg, il, tl


def torch_step(torch, shape):
    lp, tg, il, tl = inputs(torch, *shape)
    lpt = torch.tensor(lp, requires_grad=True)
    tt, ilt, tlt = torch.tensor(tg), torch.tensor(il), torch.tensor(tl)

    def step():
        lpt.grad = None
        torch.nn.functional.ctc_loss(lpt, tt, ilt, tlt).backward()

    return step


def seconds_per_call(fn, secs):
    fn()
    t0, k = time.perf_counter(), 0
    while time.perf_counter() - t0 < secs:
        fn()
        k += 1
    return (time.perf_counter() - t0) / k


def worker(args):
    """The current PyTorch, one round: prints {"<threads>/<shape>": seconds}."""
    import torch

    out = {}
    for threads in args.threads:
        torch.set_num_threads(threads)
        for shape in SHAPES:
            out["%d/%s" % (threads, shape)] = seconds_per_call(torch_step(torch, shape), args.secs)
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default=os.path.join(HERE, "..", "build", "release", "libsimdloss.so"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--secs", type=float, default=0.3)
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--worker", action="store_true")
    args = ap.parse_args()
    args.threads = [int(t) for t in args.threads.split(",")]
    if args.worker:
        return worker(args)
    import torch

    lib = ctypes.CDLL(args.lib)
    f = lib.simdloss_ctc_f32
    P = ctypes.c_void_p
    f.argtypes = [ctypes.c_size_t] * 3 + [P, P, ctypes.c_size_t, P, P, ctypes.c_int64,
                                          ctypes.c_int, ctypes.c_int, P, P]
    peer = None
    if not args.no_peer:
        peer = subprocess.run([os.path.join(HERE, "peers-venv.sh")], check=True,
                              capture_output=True, text=True).stdout.strip().splitlines()[-1]
        peer_version = subprocess.run([peer, "-c", "import torch; print(torch.__version__)"],
                                      check=True, capture_output=True, text=True).stdout.strip()
    steps = {}
    for shape in SHAPES:
        T, N, C, S = shape
        lp, tg, il, tl = inputs(torch, *shape)
        loss = np.zeros(1, np.float32)
        g = np.zeros_like(lp)
        ptrs = [a.ctypes.data_as(P) for a in (lp, tg, il, tl, loss, g)]

        def ours(ptrs=ptrs, T=T, N=N, C=C, S=S, keep=(lp, tg, il, tl, loss, g)):
            assert f(T, N, C, ptrs[0], ptrs[1], S, ptrs[2], ptrs[3], 0, 0, 1, ptrs[4],
                     ptrs[5]) == 0

        steps[shape] = (ours, torch_step(torch, shape))
    times = {}
    for r in range(args.rounds):
        for threads in args.threads:
            lib.simdloss_set_num_threads(threads)
            torch.set_num_threads(threads)
            for shape, (ours, theirs) in steps.items():
                key = "%d/%s" % (threads, shape)
                times.setdefault(key, {}).setdefault("simdloss", []).append(
                    seconds_per_call(ours, args.secs))
                times[key].setdefault("torch 1.13", []).append(seconds_per_call(theirs, args.secs))
        if peer:
            out = subprocess.run([peer, os.path.abspath(__file__), "--worker", "--threads",
                                  ",".join(map(str, args.threads)), "--secs", str(args.secs)],
                                 check=True, capture_output=True, text=True).stdout
            for key, s in json.loads(out.strip().splitlines()[-1]).items():
                times[key].setdefault("torch 2", []).append(s)
        print("round %d done" % r, file=sys.stderr, flush=True)
    lines = ["# simdloss_ctc_f32 against F.ctc_loss (forward + backward, MEAN)", "",
             "torch 1.13: %s; torch 2: %s. Medians of %d interleaved rounds of %.1f s each "
             "(`bench/ctc_vs_torch.py`)." % (torch.__version__, peer_version if peer else "-",
                                             args.rounds, args.secs), "",
             "| threads | (T, N, C, S) | simdloss (ms) | torch 1.13 (ms) | torch 2 (ms) | "
             "vs 1.13 | vs 2 |", "|---|---|---|---|---|---|---|"]
    rows = []
    for key, v in times.items():
        med = {k: statistics.median(s) for k, s in v.items()}
        threads, shape = key.split("/", 1)
        rows.append({"threads": int(threads), "shape": shape, "median_s": med, "times": v})
        t2 = med.get("torch 2")
        lines.append("| %s | %s | %.3f | %.3f | %s | %.2fx | %s |" % (
            threads, shape, med["simdloss"] * 1e3, med["torch 1.13"] * 1e3,
            "%.3f" % (t2 * 1e3) if t2 else "-", med["torch 1.13"] / med["simdloss"],
            "%.2fx" % (t2 / med["simdloss"]) if t2 else "-"))
    print("\n".join(lines))
    if args.out:
        meta = {"date": datetime.date.today().isoformat(), "rounds": args.rounds,
                "secs": args.secs, "torch": torch.__version__,
                "torch2": peer_version if peer else None}
        with open(args.out + ".json", "w") as fh:
            json.dump({"meta": meta, "rows": rows}, fh, indent=1)
        with open(args.out + ".md", "w") as fh:
            fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
