#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""libsimdloss_linear against PyTorch, forward + backward, MEAN, 2 threads.

Fused linear cross-entropy at (batch, dim, vocab) = (4096, 1024, 32000) and
(2048, 2048, 128256), no bias, loss and the gradients of hidden and weight:
  simdloss fused    simdloss_linear_cross_entropy_f32 (default chunk bound)
  simdloss unfused  sgemm, cross_entropy_f32 in place, two sgemm
  sgemm             the logits' sgemm alone: OpenBLAS's own rate
  torch 1.13        F.cross_entropy(F.linear(h, w), y).backward() (Debian)
  torch 2.x         the same on the current PyTorch (bench/peers-venv.sh)
  cce               Cut Cross-Entropy's linear_cross_entropy, torch_compile
                    implementation (its CPU path), on the current PyTorch
AdaptiveLogSoftmaxWithLoss at batch 4096, in_features 1024, n_classes
128256, cutoffs [8000, 32000], div_value 4, no head bias: simdloss against
the module's forward + loss.backward() on both PyTorch versions.
Keras 3's Circle loss at (batch, dim) = (4096, 128) and (4096, 512), unit
embeddings, labels from batch / 4 classes, Keras' defaults, MEAN, the loss
and the embeddings' gradient: simdloss_circle_f32 against Keras itself
(jax.jit of jax.value_and_grad on the JAX CPU backend,
tests/golden/keras-venv.sh) and Keras' formula written in torch on both
PyTorch versions.

Every measurement is a process of its own (peak memory): one untimed
iteration, then --iters timed ones; the variants run interleaved, round
after round (--rounds), and each reports the median of its timed iterations
over all rounds and the median peak resident growth over the round
processes (the high-water mark after the calls minus the resident size
before them, inputs and outputs allocated, the BLAS's threads and buffers
made by 2048^3 products in each transposition). OPENBLAS_NUM_THREADS,
SIMDLOSS_NUM_THREADS and torch.set_num_threads are all --threads, and
OMP_WAIT_POLICY is --wait-policy (default passive) for every variant:
libgomp's threads (simdloss's and PyTorch's) otherwise spin after each
parallel region while OpenBLAS's own threads need the cores (the
AdaptiveLogSoftmax case ran 20 % slower so).

    python3 bench/linear_vs_torch.py [--build build/release] [--rounds 3]
        [--iters 2] [--only lce,adaptive,circle]
        [--out bench/results/<date>-<cpu>-linear]
Writes <out>.json and <out>.md, and <out>.png when matplotlib imports.
"""
import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LCE_SHAPES = [(4096, 1024, 32000), (2048, 2048, 128256)]
ADAPTIVE = (4096, 1024, 128256, [8000, 32000])
CIRCLE_SHAPES = [(4096, 128), (4096, 512)]


def circle_inputs(torch, B, D):
    e = torch.nn.functional.normalize(torch.rand(B, D) - 0.5, dim=1)
    return e, torch.randint(0, B // 4, (B,))


def circle_torch(torch, e, y, gamma=80.0, margin=0.4):
    """Keras 3's circle() and its sum_over_batch_size mask, in torch."""
    d = torch.clamp_min(1 - e @ e.T, 0.0)
    same = y[:, None] == y[None, :]
    pos = same & ~torch.eye(len(y), dtype=torch.bool)
    neg = ~same
    pw = torch.clamp_min((margin + d) * pos, 0.0)
    nw = torch.clamp_min((1 + margin - d) * neg, 0.0)
    p = torch.logsumexp(torch.where(pos, -gamma * pw * (margin - d), -torch.inf), 1)
    n = torch.logsumexp(torch.where(neg, gamma * nw * ((1 - margin) - d), -torch.inf), 1)
    loss = torch.nn.functional.softplus(p + n)
    kept = loss > 0
    return (loss * kept).sum() / kept.sum()


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def worker(args):
    """One measurement in this process: prints its JSON line."""
    if args.worker == "keras_circle":
        return keras_worker(args)
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    kind, B, D, V = args.worker, args.B, args.D, args.V
    a = torch.rand(2048, 2048)  # the BLAS's threads and buffers, every transposition
    a @ a.T, a @ a, a.T @ a
    if kind in ("torch", "cce"):
        h = ((torch.rand(B, D) - 0.5) * 2).requires_grad_()
        w = ((torch.rand(V, D) - 0.5) * 0.1).requires_grad_()
        t = torch.randint(0, V, (B,))
        h.grad, w.grad = torch.zeros_like(h), torch.zeros_like(w)
        if kind == "cce":
            from cut_cross_entropy import linear_cross_entropy

            def step():
                linear_cross_entropy(h, w, t, impl="torch_compile").backward()
        else:
            def step():
                F.cross_entropy(F.linear(h, w), t).backward()
    elif kind == "circle":
        e, y = circle_inputs(torch, B, D)
        e.requires_grad_()
        e.grad = torch.zeros_like(e)

        def step():
            circle_torch(torch, e, y).backward()
    else:  # adaptive
        m = nn.AdaptiveLogSoftmaxWithLoss(D, V, ADAPTIVE[3], div_value=4.0, head_bias=False)
        x = ((torch.rand(B, D) - 0.5) * 2).requires_grad_()
        t = torch.randint(0, V, (B,))
        x.grad = torch.zeros_like(x)
        for p in m.parameters():
            p.grad = torch.zeros_like(p)

        def step():
            m(x, t).loss.backward()
    rss0 = rss_mb()
    times = []
    for k in range(args.iters + 1):
        t0 = time.perf_counter()
        step()
        if k:
            times.append(time.perf_counter() - t0)
    print(json.dumps({"peak_growth_mb": peak_mb() - rss0, "times": times}))


def keras_worker(args):
    """keras.losses.Circle's loss and gradient, jitted, on JAX's CPU backend."""
    os.environ["KERAS_BACKEND"] = "jax"
    import jax
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    e = rng.random((args.B, args.D), dtype=np.float32) - 0.5
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    y = jax.numpy.asarray(rng.integers(0, args.B // 4, args.B).astype(np.int32))
    loss = keras.losses.Circle()
    step_fn = jax.jit(jax.value_and_grad(lambda x: loss(y, x)))
    x = jax.numpy.asarray(e)
    rss0 = rss_mb()
    times = []
    for k in range(args.iters + 1):
        t0 = time.perf_counter()
        jax.block_until_ready(step_fn(x))
        if k:
            times.append(time.perf_counter() - t0)
    print(json.dumps({"peak_growth_mb": peak_mb() - rss0, "times": times}))


def run(cmd, env):
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build", "release"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--iters", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--wait-policy", default="passive")
    ap.add_argument("--out")
    ap.add_argument("--only", default="lce,adaptive,circle")
    ap.add_argument("--worker")
    ap.add_argument("--B", type=int)
    ap.add_argument("--D", type=int)
    ap.add_argument("--V", type=int)
    args = ap.parse_args()
    if args.worker:
        return worker(args)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               SIMDLOSS_NUM_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads),
               OMP_WAIT_POLICY=args.wait_policy)
    peers = subprocess.run([os.path.join(HERE, "peers-venv.sh")], check=True, capture_output=True,
                           text=True).stdout.strip().splitlines()[-1]
    pythons = {"torch 1.13": "/usr/bin/python3", "torch 2": peers}
    tool = os.path.join(args.build, "bench", "simdloss-linear-bench")
    me = os.path.abspath(__file__)
    only = set(args.only.split(","))
    cases = []
    for B, D, V in LCE_SHAPES if "lce" in only else []:
        shape = "%dx%dx%d" % (B, D, V)
        for mode in ("fused", "unfused", "sgemm"):
            cases.append((shape, "simdloss " + mode if mode != "sgemm" else "sgemm",
                          [tool, mode, str(B), str(D), str(V), str(args.iters)]))
        for name, py in pythons.items():
            cases.append((shape, name, [py, me, "--worker", "torch", "--B", str(B), "--D", str(D),
                                        "--V", str(V), "--iters", str(args.iters),
                                        "--threads", str(args.threads)]))
        cases.append((shape, "cce", [peers, me, "--worker", "cce", "--B", str(B), "--D", str(D),
                                     "--V", str(V), "--iters", str(args.iters),
                                     "--threads", str(args.threads)]))
    B, F_, N, cut = ADAPTIVE
    shape = "adaptive %dx%dx%d" % (B, F_, N)
    if "adaptive" in only:
        cases.append((shape, "simdloss", [tool, "adaptive", str(B), str(F_), str(N),
                                          str(args.iters)] + [str(c) for c in cut]))
    for name, py in pythons.items() if "adaptive" in only else []:
        cases.append((shape, name, [py, me, "--worker", "adaptive", "--B", str(B), "--D", str(F_),
                                    "--V", str(N), "--iters", str(args.iters),
                                    "--threads", str(args.threads)]))
    keras_py = None
    if "circle" in only:
        keras_py = subprocess.run([os.path.join(HERE, "..", "tests", "golden", "keras-venv.sh")],
                                  check=True, capture_output=True,
                                  text=True).stdout.strip().splitlines()[-1]
    for B, D in CIRCLE_SHAPES if "circle" in only else []:
        shape = "circle %dx%d" % (B, D)
        args_bd = ["--B", str(B), "--D", str(D), "--iters", str(args.iters),
                   "--threads", str(args.threads)]
        cases.append((shape, "simdloss", [tool, "circle", str(B), str(D), str(B // 4),
                                          str(args.iters)]))
        cases.append((shape, "keras (jax)", [keras_py, me, "--worker", "keras_circle"] + args_bd))
        for name, py in pythons.items():
            cases.append((shape, name, [py, me, "--worker", "circle"] + args_bd))
    res = {}
    for r in range(args.rounds):
        for shape, name, cmd in cases:
            out = run(cmd, env)
            e = res.setdefault((shape, name), {"times": [], "peak": []})
            e["times"] += out["times"]
            e["peak"].append(out["peak_growth_mb"])
            print("round %d %-24s %-16s %8.3f s  peak +%7.1f MB" % (
                r, shape, name, statistics.median(out["times"]), out["peak_growth_mb"]),
                flush=True)
    rows = []
    for (shape, name), e in res.items():
        rows.append({"shape": shape, "variant": name, "median_s": statistics.median(e["times"]),
                     "peak_growth_mb": statistics.median(e["peak"]), "times": e["times"]})
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_name(), "threads": args.threads,
            "rounds": args.rounds, "iters": args.iters, "OMP_WAIT_POLICY": args.wait_policy,
            "chunk_bytes": "default (64 MiB)"}
    out = args.out or os.path.join(HERE, "results", "%s-linear" % meta["date"])
    with open(out + ".json", "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    lines = ["# libsimdloss_linear against PyTorch (%s, %d threads)" % (meta["cpu"], args.threads),
             "", "Medians over %d interleaved rounds of %d timed iterations; peak resident growth "
             "over inputs and outputs (`bench/linear_vs_torch.py`); OMP_WAIT_POLICY=%s. "
             "GFLOP/s: 6 B D V flops (2 B D V for the sgemm row) over the time." % (
                 args.rounds, args.iters, args.wait_policy), ""]
    for shape in dict.fromkeys(r["shape"] for r in rows):
        sub = [r for r in rows if r["shape"] == shape]
        ref = {r["variant"]: r for r in sub}
        lines += ["## %s" % shape, "", "| variant | time (s) | peak growth (MB) | GFLOP/s |",
                  "|---|---|---|---|"]
        for r in sub:
            if not shape[0].isdigit():
                gf = "–"
            else:
                Bs, Ds, Vs = (int(v) for v in shape.split("x"))
                flops = 2.0 * Bs * Ds * Vs * (1 if r["variant"] == "sgemm" else 3)
                gf = "%.0f" % (flops / r["median_s"] / 1e9)
            lines.append("| %s | %.3f | %.0f | %s |" % (r["variant"], r["median_s"],
                                                        r["peak_growth_mb"], gf))
        lines.append("")
    with open(out + ".md", "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return
    shapes = list(dict.fromkeys(r["shape"] for r in rows))
    fig, axes = plt.subplots(2, len(shapes), figsize=(5 * len(shapes), 7))
    for j, shape in enumerate(shapes):
        sub = [r for r in rows if r["shape"] == shape]
        names = [r["variant"] for r in sub]
        axes[0][j].barh(names, [r["median_s"] for r in sub])
        axes[0][j].set_title(shape)
        axes[0][j].set_xlabel("seconds (forward + backward)")
        axes[1][j].barh(names, [r["peak_growth_mb"] for r in sub], color="tab:orange")
        axes[1][j].set_xlabel("peak resident growth (MB)")
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=90)


if __name__ == "__main__":
    sys.exit(main())
