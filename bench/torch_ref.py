#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""PyTorch reference throughput for the simdloss benchmarks.

Measures, on one thread (torch.set_num_threads(1)), float32 CPU tensors, the
forward pass with reduction='mean' plus loss.backward() for the gradient with
respect to the inputs, and reports elements per second (Melem/s) as the median
of several repetitions. This is the work simdloss's `<loss>/fwdgrad/<isa>/<n>`
benchmarks do in one fused pass.

Each repetition: input.grad = None for every differentiable input
(set_to_none, no accumulation pass), loss = f(inputs, target), loss.backward().

The elementwise losses are the registry's (src/losses.def, read by
registry.py), and so are their data: each array lies in its registry domain
with bench/bench.cc's distributions (gen(), keyed by domain), a cyclic array
is left out (None) except a required one with a gradient (CYCG), which gets
n values and no gradient, as simdloss-bench does. The torch reference of each
loss is the golden generator's, tests/golden/gen.py's forward() with its
DEFAULTS parameters (checked against the registry's defaults): a torch
function where the registry's reference is one (LABELS "torch"), else the
reference's formula op-by-op in torch (LABELS "torch (<library> formula)").

Each repetition runs the call enough times to take at least --min-time
seconds (small n) and reports the mean time per call; the result is the
median over the repetitions.

The class-dimension losses (class_cases.py; bench.cc's class benchmarks) run
at their shapes (batch, classes[, d1, d2]), elements = batch * classes * d1 * d2:
F.cross_entropy with class-index targets on float32 and on bfloat16 (the
float32 logits rounded; PyTorch's loss is then bfloat16 too) at every
cross-entropy shape; F.cross_entropy with probability targets, F.nll_loss,
F.multi_margin_loss, F.multilabel_margin_loss and F.multilabel_soft_margin_loss
at 4096 x 10 and 512 x 1000; kl_div_logits (F.kl_div on log_softmax /
softmax of the logits / T) at 512 x 1000 and 64 x 32000;
F.cosine_embedding_loss (input1, input2, one +-1 target per row, uniform)
and F.triplet_margin_loss (anchor, positive, negative) at 4096 x 128 and
4096 x 512, backward to every input (class_cases.py's shapes_of()). Logits
N(0, 3^2) (also the real-valued inputs, every one of several); class indices
uniform, none ignored; nll's input the log_softmax of such logits, a
probability input their softmax; probability targets uniform and normalised;
multi-label and multi-hot rows 1 to 8 distinct classes; real targets N(0, 1);
a teacher's logits N(0, 3^2), its log-probabilities their log_softmax. The
Keras losses and jsd (Liger-Kernel's) have no torch counterpart and are not
run by default; named in --class-losses, their formula runs in torch (the
golden generator's: "torch (Keras formula)"; for jsd Liger's own torch
reference module, "torch (Liger-Kernel formula)", labels None, at 512 x 1000
and 64 x 32000). A case PyTorch cannot run
(e.g. a dtype without a CPU kernel) is reported as unsupported.

usage: bench/torch_ref.py [--sizes 1048576,16777216] [--reps 7] [--json]
                          [--losses LOSS,...|none] [--class-losses cross_entropy,...|none]
                          [--shapes 8192x10,512x1000,...]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time
import warnings

import numpy as np
import torch
import torch.nn.functional as F

import class_cases as CC
import registry as R

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests", "golden"))
# gen.py defines its tables and functions; at import it also sets
# torch.set_num_threads(1) (wanted here) and ignores every warning, which
# catch_warnings undoes
with warnings.catch_warnings():
    import gen as golden  # noqa: E402
    import gen_class as golden_class  # noqa: E402  (its TORCH table)
    import gen_embedding as golden_embedding  # noqa: E402  (its TORCH table: X2 losses)


def gen(kind, n, g):
    """Data of a registry domain, kind = SL_D_<KIND> in lower case (bench/bench.cc's
    fill(): the same distributions)."""
    u = torch.rand(n, generator=g, dtype=torch.float32).clamp_(1e-7, 1 - 6e-8)
    if kind == "real":
        return u * 8 - 4
    if kind == "prob":
        return u
    if kind == "logit":
        return u * 16 - 8
    if kind == "label01":
        return (u >= 0.5).float()
    if kind == "soft01":
        v = torch.rand(n, generator=g)
        return torch.where(u < 0.45, 0.0, torch.where(u < 0.9, 1.0, v)).float()
    if kind == "pm1":
        return torch.where(u < 0.5, -1.0, 1.0).float()
    if kind == "logprob":
        return torch.log(u)
    if kind == "count":
        return torch.floor(u * 8)
    if kind == "var":
        return 0.05 + u * 1.95
    if kind == "positive":
        return 0.01 + u * 3.99
    if kind == "away0":
        s = torch.rand(n, generator=g)
        return torch.where(s < 0.5, -1.0, 1.0) * (0.5 + 1.5 * u)
    raise ValueError(kind)


# the elementwise losses, in registry order
LOSSES = R.names()

# What the torch side of each comparison is.
LABELS = {L["name"]: R.torch_label(L) for L in R.losses()}


def torch_case(name):
    """The golden generator's parameters (f, iv) of an elementwise loss, after
    checking that the generator has the loss, can call it (its inputs,
    targets and cyclic arrays), and that its DEFAULTS are the registry's
    defaults (those simdloss-bench passes)."""
    L = R.loss(name)
    if name not in golden.LOSSES or name not in golden.DEFAULTS:
        sys.exit(f"torch_ref.py: {name} has no entry in tests/golden/gen.py (LOSSES, DEFAULTS)")
    if (len(L["inputs"]) != 1 + (name in golden.TWO_INPUTS) or len(L["targets"]) != 1
            or len(L["cyc"]) > 2):
        sys.exit(f"torch_ref.py: {name}: gen.py's forward() takes 1 or 2 inputs (TWO_INPUTS), "
                 f"1 target and up to 2 cyclic arrays; the registry has "
                 f"{len(L['inputs'])}, {len(L['targets'])}, {len(L['cyc'])}")
    f, iv = golden.DEFAULTS[name]
    reg_f = [p["default"] for p in L["pf"]]
    reg_i = [p["default"] for p in L["pi"]]
    if ([np.float32(v) for v in f] != [np.float32(v) for v in reg_f] or
            [int(v) for v in iv] != reg_i):
        sys.exit(f"torch_ref.py: {name}: gen.py's DEFAULTS {f}, {iv} are not the registry's "
                 f"defaults {reg_f}, {reg_i}")
    return list(f), list(iv)


# class-dimension losses: the golden generators' torch references
# (tests/golden/gen_class.py, TORCH; gen_embedding.py's for the losses with
# further inputs, X2), with the registry's defaults; f(xs, y): xs the inputs
# (the input, then the X2), y the target (None: none)
def class_fn(name):
    L = R.class_loss(name)
    q = {p["name"]: p["default"] for p in L["pf"] + L["pi"]}
    if L["x2"]:
        f = golden_embedding.TORCH[name]
        return lambda xs, y: f(xs, y, q, "mean")
    q["ignore_index"] = -100
    if L["alpha"]:  # the per-class array; a float parameter "alpha" (tversky) stays
        q["alpha"] = [L["alpha"]["default"]]
    f = golden_class.TORCH[name]
    return lambda xs, y: f(xs[0], y, None, q, "mean")


for _k in CC.CLASS_LOSSES:
    LABELS[_k] = "torch" if _k in CC.TORCH_CLASS_LOSSES else R.torch_label(R.class_loss(_k))


def class_data(name, shape, g):
    """Inputs (leaves requiring grad: the input, then the further inputs of a
    loss with X2) and target of a class loss at shape (batch, classes, inner),
    with bench.cc's distributions (from the registry: the input's domain and
    type, the kind of target)."""
    L = R.class_loss(name)
    b, c, i = shape
    rest = CC.TORCH_INNER.get(i, () if i == 1 else (i,))
    x = torch.randn((b, c) + rest, generator=g) * 3.0
    kind, dist = L["target"]["kind"], L["target"]["dist"]
    if L["x2"]:  # further inputs N(0, 3^2) as the input's (features: SL_D_REAL)
        assert L["x"]["dom"] == "real" and i == 1, name
        xs = [x] + [torch.randn((b, c), generator=g) * 3.0 for _ in L["x2"]]
        if kind == "none":
            y = None
        elif kind == "row" and dist == "pm1":  # one +-1 per row, uniform
            y = torch.randint(0, 2, (b,), generator=g).float() * 2.0 - 1.0
        else:
            raise ValueError(f"{name}: no data for target {kind} {dist}")
        return [v.detach().requires_grad_(True) for v in xs], y
    if kind == "index":
        y = torch.randint(0, c, (b,) + rest, generator=g)
    elif dist == "probs":
        y = torch.rand((b, c) + rest, generator=g)
        y = y / y.sum(1, keepdim=True)
    elif dist == "onehot":
        y = torch.zeros((b, c) + rest)
        y.scatter_(1, torch.randint(0, c, (b, 1) + rest, generator=g), 1.0)
    elif dist == "real":
        y = torch.randn((b, c) + rest, generator=g)
    elif dist == "logits":  # a teacher's, as the input's
        y = torch.randn((b, c) + rest, generator=g) * 3.0
    elif dist == "logprobs":  # a teacher's log-probabilities: log_softmax of such logits
        y = torch.log_softmax(torch.randn((b, c) + rest, generator=g) * 3.0, 1)
    elif kind == "labels" or dist == "multihot":  # 1 to 8 distinct classes a row
        lab = torch.full((b, c), -1, dtype=torch.long)
        hot = torch.zeros((b, c))
        for r in range(b):
            k = int(torch.randint(1, 9, (1,), generator=g))
            cls = torch.randperm(c, generator=g)[:k]
            lab[r, :k] = cls
            hot[r, cls] = 1.0
        y = lab if kind == "labels" else hot
    else:
        raise ValueError(f"{name}: no data for target distribution {dist}")
    if L["x"]["type"] == "uint16_t":
        x = x.bfloat16()  # round to nearest even, as bench.cc
    elif L["x"]["dom"] == "logprob":
        x = torch.log_softmax(x, 1)
    elif L["x"]["dom"] == "prob":
        x = torch.softmax(x, 1)
    return [x.detach().requires_grad_(True)], y


def class_call(name, shape):
    """(once, dtype) of measure_class(): once() runs the forward + backward call
    of a class loss on its data at shape (made here, seed 1234) and returns the
    loss; dtype is the input's ("float32", "bfloat16"). Also for timing the
    call at other settings (bench/threads.py: thread counts)."""
    g = torch.Generator().manual_seed(1234)
    xs, y = class_data(name, shape, g)
    f = class_fn(name)

    def once():
        for x in xs:
            x.grad = None
        loss = f(xs, y)
        loss.backward()
        return loss

    return once, str(xs[0].dtype)[6:]


def measure_class(name, shape, reps, warmup=2, min_time=0.0):
    """measure() for a class loss at shape (batch, classes, inner); melem_per_s
    is None and "unsupported" says why when PyTorch cannot run the case."""
    once, dtype = class_call(name, shape)
    n = CC.elems(shape)
    out = {"loss": name, "shape": CC.shape_name(shape), "n": n, "dtype": dtype,
           "reps": reps, "what": LABELS[name]}

    try:
        for _ in range(warmup):
            loss = once()
    except RuntimeError as e:  # no CPU kernel for this dtype
        out.update({"median_s": None, "min_s": None, "melem_per_s": None,
                    "unsupported": str(e).splitlines()[0]})
        return out
    times, loss = time_calls(once, reps, min_time)
    if not math.isfinite(loss.item()):
        print(f"warning: {name} {out['shape']}: loss = {loss.item()}", file=sys.stderr)
    med = statistics.median(times)
    out.update({"median_s": med, "min_s": min(times), "melem_per_s": n / med / 1e6,
                "loss_value": loss.item()})
    return out


def time_calls(once, reps, min_time):
    """Seconds per call of once() in each of reps repetitions (each loops until
    it has run for min_time seconds, at least once), and the last result."""
    times = []
    for _ in range(reps):
        calls = 0
        t0 = time.perf_counter()
        while True:
            result = once()
            calls += 1
            t1 = time.perf_counter()
            if t1 - t0 >= min_time:
                break
        times.append((t1 - t0) / calls)
    return times, result


def cpu_capability():
    """ATen's kernel dispatch level ("AVX2", "AVX512", ...), from the build config."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return "unknown"


def elem_call(name, n):
    """once() of measure(): runs the forward + backward call of an elementwise
    loss on n elements of its data (made here, seed 1234) and returns the loss.
    Also for timing the call at other settings (bench/threads.py: thread
    counts)."""
    L = R.loss(name)
    f, iv = torch_case(name)
    g = torch.Generator().manual_seed(1234)
    # in call order, as simdloss-bench: inputs, targets, full-length cyclic arrays
    xs = [gen(a["dom"], n, g).requires_grad_(True) for a in L["inputs"]]
    y = gen(L["targets"][0]["dom"], n, g)
    cyc = [gen(c["dom"], n, g) if c["grad"] else None for c in L["cyc"]] + [None, None]
    x2 = xs[1] if len(xs) > 1 else None

    def once():
        for x in xs:
            x.grad = None
        timed = golden.TORCH_TIMED.get(name)
        loss = (timed(xs[0], y, f, iv, "mean") if timed else
                golden.forward(name, xs[0], y, f, iv, cyc[0], cyc[1], "mean", x2=x2))
        loss.backward()
        return loss

    return once


def measure(name, n, reps, warmup=2, min_time=0.0):
    """Median seconds per forward + backward call over reps repetitions; each
    repetition loops until it has run for min_time seconds (at least once)."""
    once = elem_call(name, n)
    for _ in range(warmup):
        loss = once()
    times, loss = time_calls(once, reps, min_time)
    if not math.isfinite(loss.item()):
        print(f"warning: {name} n={n}: loss = {loss.item()}", file=sys.stderr)
    med = statistics.median(times)
    return {"loss": name, "n": n, "median_s": med, "min_s": min(times),
            "melem_per_s": n / med / 1e6, "reps": reps, "what": LABELS[name]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1048576,16777216",
                    help="comma-separated element counts (default 1M,16M)")
    ap.add_argument("--reps", type=int, default=7, help="timed repetitions (median)")
    ap.add_argument("--min-time", type=float, default=0.0,
                    help="minimum seconds per repetition (loops the call; default 0: once)")
    ap.add_argument("--losses", default=",".join(LOSSES), help="comma-separated subset, or 'none'")
    ap.add_argument("--class-losses", default=",".join(CC.TORCH_CLASS_LOSSES),
                    help="comma-separated class losses (default: those with a torch "
                    "function; a Keras one or jsd runs its formula in torch), or 'none'")
    ap.add_argument("--shapes", help="comma-separated subset of the class shapes "
                    "(e.g. 8192x10,8x21x262144; default: each loss's shapes)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()

    warnings.filterwarnings("ignore", message="reduction: 'mean' divides")
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [] if args.losses == "none" else args.losses.split(",")
    for nm in names:
        if nm not in LOSSES:
            ap.error(f"unknown loss {nm}; known: {', '.join(LOSSES)}")
    cnames = [] if args.class_losses == "none" else args.class_losses.split(",")
    for nm in cnames:
        if nm not in CC.CLASS_LOSSES:
            ap.error(f"unknown class loss {nm}; known: {', '.join(CC.CLASS_LOSSES)}")
    shapes = args.shapes.split(",") if args.shapes else None

    results = []
    for nm in names:
        for n in sizes:
            results.append(measure(nm, n, args.reps, min_time=args.min_time))
    cresults = [measure_class(nm, s, args.reps, min_time=args.min_time)
                for nm, s in CC.cases(cnames, shapes)]

    if args.json:
        json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(),
                   "cpu_capability": cpu_capability(),
                   "reduction": "mean", "results": results + cresults}, sys.stdout, indent=1)
        print()
        return
    print(f"PyTorch {torch.__version__} (ATen CPU capability "
          f"{cpu_capability()}), {torch.get_num_threads()} thread, "
          f"float32 (bfloat16 where said), forward (mean) + backward, median of {args.reps}")
    if names:
        hdr = f"{'loss':<16}" + "".join(f"{'n=' + str(n):>22}" for n in sizes)
        print(hdr)
        print(f"{'':<16}" + "".join(f"{'Melem/s (ms)':>22}" for _ in sizes))
    for nm in names:
        row = f"{nm:<16}"
        for n in sizes:
            r = next(r for r in results if r["loss"] == nm and r["n"] == n)
            row += f"{r['melem_per_s']:>12.1f} ({r['median_s'] * 1e3:7.2f})"
        print(row)
    if cresults:
        w = max([24] + [len(r["loss"]) + 2 for r in cresults])
        print()
        print(f"{'class loss':<{w}}{'shape':>14}{'dtype':>10}{'Melem/s':>12}{'ms':>10}")
        for r in cresults:
            if r["melem_per_s"] is None:
                print(f"{r['loss']:<{w}}{r['shape']:>14}{r['dtype']:>10}  unsupported: "
                      f"{r['unsupported']}")
            else:
                print(f"{r['loss']:<{w}}{r['shape']:>14}{r['dtype']:>10}"
                      f"{r['melem_per_s']:>12.1f}{r['median_s'] * 1e3:>10.2f}")


if __name__ == "__main__":
    main()
