#!/usr/bin/python3
"""PyTorch reference throughput for the simdloss benchmarks.

Measures, on one thread (torch.set_num_threads(1)), float32 CPU tensors, the
forward pass with reduction='mean' plus loss.backward() for the gradient with
respect to the input, and reports elements per second (Melem/s) as the median
of several repetitions. This is the work simdloss's `<loss>/fwdgrad/<isa>/<n>`
benchmarks do in one fused pass.

Each repetition: input.grad = None (set_to_none, no accumulation pass),
loss = f(input, target), loss.backward(). Data lie in each loss's domain and
follow the distributions of bench/bench.cc.

Losses without a torch.nn.functional equivalent are written op-by-op in
torch, as their reference computes them (LABELS says which): ALE as ale.py
(alpha = 0, gamma = 0, label_smoothing = 0); sigmoid_focal as torchvision's
sigmoid_focal_loss (alpha = 0.25, gamma = 2); the Keras losses as Keras 3
computes them with its torch backend (binary_focal: gamma = 2, no class
balancing, no label smoothing).

Each repetition runs the call enough times to take at least --min-time
seconds (small n) and reports the mean time per call; the result is the
median over the repetitions.

The class-dimension losses (class_cases.py; bench.cc's class benchmarks) run
at their shapes (batch, classes[, d1, d2]), elements = batch * classes * d1 * d2:
F.cross_entropy with class-index targets on float32 and on bfloat16 (the
float32 logits rounded; PyTorch's loss is then bfloat16 too) at every
cross-entropy shape; F.cross_entropy with probability targets, F.nll_loss,
F.multi_margin_loss, F.multilabel_margin_loss and F.multilabel_soft_margin_loss
at 512 x 1000. Logits N(0, 3^2); class indices uniform, none ignored; nll's
input the log_softmax of such logits; probability targets uniform and
normalised; multi-label rows 1 to 8 distinct classes. The Keras categorical
losses have no torch counterpart and are not run. A case PyTorch cannot run
(e.g. a dtype without a CPU kernel) is reported as unsupported.

usage: bench/torch_ref.py [--sizes 1048576,16777216] [--reps 7] [--json]
                          [--losses mse,bce,...] [--class-losses cross_entropy,...|none]
                          [--shapes 8192x10,512x1000,...]
"""
import argparse
import json
import math
import statistics
import sys
import time
import warnings

import torch
import torch.nn.functional as F

import class_cases as CC

EPS = 1e-7


def ale(y_pred, y_true, alpha=0.0, gamma=0.0, label_smoothing=0.0):
    """ale.py's loss, op-by-op in torch float32, reduce='mean'."""
    t = torch.clamp(y_true, label_smoothing, 1.0 - label_smoothing)
    p = torch.clamp(y_pred, EPS, 1.0 - EPS)
    a = torch.clamp(torch.abs(t - p), 0.0, 1.0)
    loss = -torch.log((1.0 + EPS) - a)
    if alpha > 0.0:
        loss = loss * torch.where(y_true != 1.0, alpha, 1.0 - alpha)
    if gamma >= 1.0:
        loss = loss * torch.pow(a, gamma)
    return loss.mean()


def keras_binary_focal(y_pred, y_true, gamma=2.0):
    """keras.losses.binary_focal_crossentropy (from_logits=False, no class balancing,
    no label smoothing); ops.binary_crossentropy of Keras' torch backend."""
    bce = F.binary_cross_entropy(torch.clip(y_pred, EPS, 1.0 - EPS), y_true, reduction="none")
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    return (torch.pow(1.0 - p_t, gamma) * bce).mean()


def keras_log_cosh(y_pred, y_true):
    """keras.losses.log_cosh."""
    x = y_pred - y_true
    return (x + F.softplus(x * -2.0) - math.log(2.0)).mean()


def keras_hinge_labels(y_true):
    """Keras' convert_binary_labels_to_hinge: {0, 1} labels become {-1, 1}."""
    is_binary = torch.all(torch.logical_or(y_true == 0, y_true == 1))
    return 2.0 * y_true - 1.0 if bool(is_binary) else y_true


def keras_hinge(y_pred, y_true):
    """keras.losses.hinge."""
    y = keras_hinge_labels(y_true)
    return torch.maximum(1.0 - y * y_pred, torch.zeros_like(y_pred)).mean()


def keras_squared_hinge(y_pred, y_true):
    """keras.losses.squared_hinge."""
    y = keras_hinge_labels(y_true)
    return torch.square(torch.maximum(1.0 - y * y_pred, torch.zeros_like(y_pred))).mean()


def keras_mape(y_pred, y_true):
    """keras.losses.mean_absolute_percentage_error."""
    diff = torch.abs((y_true - y_pred) / torch.clamp(torch.abs(y_true), min=EPS))
    return 100.0 * diff.mean()


def keras_msle(y_pred, y_true):
    """keras.losses.mean_squared_logarithmic_error."""
    first = torch.log(torch.clamp(y_pred, min=EPS) + 1.0)
    second = torch.log(torch.clamp(y_true, min=EPS) + 1.0)
    return torch.square(first - second).mean()


def keras_poisson(y_pred, y_true):
    """keras.losses.poisson."""
    return (y_pred - y_true * torch.log(y_pred + EPS)).mean()


def sigmoid_focal(inputs, targets, alpha=0.25, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss, reduction='mean'."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean()


def gen(kind, n, g):
    """Data in a loss's domain (same distributions as bench/bench.cc)."""
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


# name: (input domain, target domain, f(input, target, extra))
LOSSES = {
    "mse": ("real", "real", lambda x, y, v: F.mse_loss(x, y)),
    "l1": ("real", "real", lambda x, y, v: F.l1_loss(x, y)),
    "huber": ("real", "real", lambda x, y, v: F.huber_loss(x, y, delta=1.0)),
    "bce": ("prob", "soft01", lambda x, y, v: F.binary_cross_entropy(x, y)),
    "bce_with_logits": ("logit", "soft01",
                        lambda x, y, v: F.binary_cross_entropy_with_logits(x, y)),
    "soft_margin": ("logit", "pm1", lambda x, y, v: F.soft_margin_loss(x, y)),
    "kl_div": ("logprob", "prob", lambda x, y, v: F.kl_div(x, y, reduction="mean")),
    "poisson_nll": ("real", "count",
                    lambda x, y, v: F.poisson_nll_loss(x, y, log_input=True, full=False)),
    "gaussian_nll": ("real", "real", lambda x, y, v: F.gaussian_nll_loss(x, y, v)),
    "ale": ("prob", "label01", lambda x, y, v: ale(x, y)),
    "sigmoid_focal": ("logit", "label01", lambda x, y, v: sigmoid_focal(x, y)),
    "smooth_l1": ("real", "real", lambda x, y, v: F.smooth_l1_loss(x, y, beta=1.0)),
    "hinge_embedding": ("real", "pm1", lambda x, y, v: F.hinge_embedding_loss(x, y, margin=1.0)),
    "binary_focal": ("prob", "label01", lambda x, y, v: keras_binary_focal(x, y)),
    "log_cosh": ("real", "real", lambda x, y, v: keras_log_cosh(x, y)),
    "hinge": ("real", "pm1", lambda x, y, v: keras_hinge(x, y)),
    "squared_hinge": ("real", "pm1", lambda x, y, v: keras_squared_hinge(x, y)),
    "mape": ("real", "away0", lambda x, y, v: keras_mape(x, y)),
    "msle": ("positive", "positive", lambda x, y, v: keras_msle(x, y)),
    "poisson": ("positive", "count", lambda x, y, v: keras_poisson(x, y)),
}

# What the torch side of each comparison is.
LABELS = {name: "torch" for name in LOSSES}
LABELS["ale"] = "torch (ale.py formula)"
LABELS["sigmoid_focal"] = "torch (torchvision formula)"
for _k in ("binary_focal", "log_cosh", "hinge", "squared_hinge", "mape", "msle", "poisson"):
    LABELS[_k] = "torch (Keras formula)"


# class-dimension losses: f(input, target)
CLASS_FN = {
    "cross_entropy": lambda x, y: F.cross_entropy(x, y),
    "cross_entropy_bf16": lambda x, y: F.cross_entropy(x, y),
    "cross_entropy_probs": lambda x, y: F.cross_entropy(x, y),
    "nll": lambda x, y: F.nll_loss(x, y),
    "multi_margin": lambda x, y: F.multi_margin_loss(x, y),
    "multilabel_margin": lambda x, y: F.multilabel_margin_loss(x, y),
    "multilabel_soft_margin": lambda x, y: F.multilabel_soft_margin_loss(x, y),
}
assert set(CLASS_FN) == set(CC.TORCH_CLASS_LOSSES)
for _k in CLASS_FN:
    LABELS[_k] = "torch"


def class_data(name, shape, g):
    """Input (a leaf requiring grad) and target of a class loss at shape
    (batch, classes, inner), with bench.cc's distributions."""
    b, c, i = shape
    rest = CC.TORCH_INNER.get(i, () if i == 1 else (i,))
    x = torch.randn((b, c) + rest, generator=g) * 3.0
    if name in ("cross_entropy", "cross_entropy_bf16", "nll", "multi_margin"):
        y = torch.randint(0, c, (b,) + rest, generator=g)
    elif name == "cross_entropy_probs":
        y = torch.rand((b, c) + rest, generator=g)
        y = y / y.sum(1, keepdim=True)
    else:  # multilabel_margin, multilabel_soft_margin: 1 to 8 distinct classes a row
        lab = torch.full((b, c), -1, dtype=torch.long)
        hot = torch.zeros((b, c))
        for r in range(b):
            k = int(torch.randint(1, 9, (1,), generator=g))
            cls = torch.randperm(c, generator=g)[:k]
            lab[r, :k] = cls
            hot[r, cls] = 1.0
        y = lab if name == "multilabel_margin" else hot
    if name == "cross_entropy_bf16":
        x = x.bfloat16()  # round to nearest even, as bench.cc
    elif name == "nll":
        x = torch.log_softmax(x, 1)
    return x.detach().requires_grad_(True), y


def measure_class(name, shape, reps, warmup=2, min_time=0.0):
    """measure() for a class loss at shape (batch, classes, inner); melem_per_s
    is None and "unsupported" says why when PyTorch cannot run the case."""
    g = torch.Generator().manual_seed(1234)
    x, y = class_data(name, shape, g)
    f = CLASS_FN[name]
    n = CC.elems(shape)
    out = {"loss": name, "shape": CC.shape_name(shape), "n": n, "dtype": str(x.dtype)[6:],
           "reps": reps, "what": LABELS[name]}

    def once():
        x.grad = None
        loss = f(x, y)
        loss.backward()
        return loss

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


def measure(name, n, reps, warmup=2, min_time=0.0):
    """Median seconds per forward + backward call over reps repetitions; each
    repetition loops until it has run for min_time seconds (at least once)."""
    dx, dy, f = LOSSES[name]
    g = torch.Generator().manual_seed(1234)
    x = gen(dx, n, g).requires_grad_(True)
    y = gen(dy, n, g)
    var = gen("var", n, g) if name == "gaussian_nll" else None

    def once():
        x.grad = None
        loss = f(x, y, var)
        loss.backward()
        return loss

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
                    help="comma-separated subset of the class losses, or 'none'")
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
        if nm not in CLASS_FN:
            ap.error(f"unknown class loss {nm}; known: {', '.join(CLASS_FN)}")
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
        print()
        print(f"{'class loss':<24}{'shape':>14}{'dtype':>10}{'Melem/s':>12}{'ms':>10}")
        for r in cresults:
            if r["melem_per_s"] is None:
                print(f"{r['loss']:<24}{r['shape']:>14}{r['dtype']:>10}  unsupported: "
                      f"{r['unsupported']}")
            else:
                print(f"{r['loss']:<24}{r['shape']:>14}{r['dtype']:>10}"
                      f"{r['melem_per_s']:>12.1f}{r['median_s'] * 1e3:>10.2f}")


if __name__ == "__main__":
    main()
