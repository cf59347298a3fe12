#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden-vector generator for simdloss's elementwise losses.

Writes tests/golden/<loss>.txt (format: see README.md beside this file) from
PyTorch 1.13 float32 on the CPU, with the library's deliberate deviations
(docs/semantics.md):
  * NaN in, NaN out (loss and gradients of an element whose x, y or aux value
    is NaN are NaN; mean and sum are NaN);
  * soft_margin uses a stable softplus (finite where 1.13 overflows);
  * bce with an input outside [0, 1] or NaN expects SIMDLOSS_EDOMAIN;
  * Keras losses and ALE are evaluated op-by-op in torch float32 in Keras' /
    ale.py's operation order, gradients by autograd (torch.clamp stands for
    TF's clip_by_value / maximum-with-a-constant, whose gradient it matches);
    log_cosh's derivative is tanh(d), and its loss is |d| - log 2 where Keras'
    float32 form overflows (see README.md).

Deterministic: fixed seeds (crc32 of the case name), single-threaded torch.
Run with /usr/bin/python3 (Debian's python3-torch); see regenerate.sh.
"""
import math
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import hexs, rng_for  # noqa: E402,F401 (the other torch generators import them from here)

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

OUT = os.path.dirname(os.path.abspath(__file__))
F32 = np.float32
INF = float("inf")
NAN = float("nan")
EPS = F32(1e-7)  # keras.backend.epsilon() / ale.py's eps, as float32

# name -> (number of float params, number of int params, number of aux arrays)
LOSSES = {
    "mse": (0, 0, 0),
    "l1": (0, 0, 0),
    "huber": (1, 0, 0),
    "smooth_l1": (1, 0, 0),
    "bce": (0, 0, 1),
    "bce_with_logits": (0, 0, 2),
    "ale": (3, 0, 0),
    "binary_focal": (3, 0, 0),
    "sigmoid_focal": (2, 0, 0),
    "soft_margin": (0, 0, 0),
    "hinge_embedding": (1, 0, 0),
    "kl_div": (0, 1, 0),
    "poisson_nll": (1, 2, 0),
    "log_cosh": (0, 0, 0),
    "hinge": (0, 0, 0),
    "squared_hinge": (0, 0, 0),
    "mape": (0, 0, 0),
    "msle": (0, 0, 0),
    "poisson": (0, 0, 0),
    "gaussian_nll": (1, 1, 1),
    "margin_ranking": (1, 0, 0),
}
# losses with a second differentiable input (c["x2"], "in 1" in the files)
TWO_INPUTS = {"margin_ranking"}
# losses whose torch function takes reduction= (the rest reduce the 'none' tensor)
TORCH_RED = {"mse", "l1", "huber", "smooth_l1", "bce", "bce_with_logits", "hinge_embedding",
             "kl_div", "poisson_nll", "gaussian_nll", "margin_ranking"}

SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33]
SWEEP_N = 4097
SWEEP_PREFIX = list(range(0, 68)) + [1023, 1024, 1025, 2047, 2048, 2049]


def f32(v):
    return np.asarray(v, dtype=F32).ravel().copy()


def pf(v):
    """A float32 value as the Python float torch receives for a scalar parameter."""
    return float(F32(v))


# ------------------------------------------------------------- references --

def check_expected(name, expect, raw32, golden):
    """A worked example's values from the spec (float32 printed to 8 significant digits):
    torch's float32 evaluation reproduces every one within 1e-6 relative, so the
    transcription is the spec's formula in its order; the golden values too, but for those
    replaced by float64 (cancellations, where the spec's float32 rounding is not the exact
    value), which must be within the replacement rule's 1e-6 absolute (for values up to 1).
    expect, raw32: the values by key; golden(key): the golden value of that key."""
    for k, want in expect.items():
        want = np.atleast_1d(np.asarray(want, dtype=np.float64))
        for src, got in (("torch float32", raw32[k]), ("golden", golden(k))):
            got = np.atleast_1d(np.asarray(got, dtype=np.float64))
            assert got.shape == want.shape, (name, k)
            err = np.abs(got - want)
            ok = err <= 1e-6 * np.abs(want)
            if src == "golden":
                ok |= (got != raw32[k]) & (err <= 1e-6 * np.maximum(1.0, np.abs(want)))
            assert ok.all(), (name, src, k, list(got), list(want))


def write_all(losses, cases, write):
    """Writes every loss's golden file (write(loss, notes) -> path) and prints the summary
    and the notes."""
    notes = []
    total = 0
    width = max(len(k) for k in losses)
    for loss in losses:
        path = write(loss, notes)
        size = os.path.getsize(path)
        total += size
        nf = sum(1 for c in cases[loss] if c.get("f64"))
        print("%-*s %3d cases %8d bytes (%d with float64 values, see their comments)"
              % (width, loss, len(cases[loss]), size, nf))
    print("total %d bytes" % total)
    for s in notes:
        print("note:", s)

def cyc(t, n):
    """Cyclic broadcast of an aux array to n elements (autograd sums back)."""
    if t is None:
        return None
    if t.numel() == n:
        return t
    return t.repeat(n // t.numel())


def elem_or_red(none, red):
    if red == "none":
        return none
    return none.mean() if red == "mean" else none.sum()


def forward(loss, x, y, f, iv, a0, a1, red, x2=None):
    """The reference: torch float32, reduction red. x, x2 (and a0 for gaussian) are leaves."""
    n = x.numel()
    if loss == "margin_ranking":
        return F.margin_ranking_loss(x, x2, y, margin=pf(f[0]), reduction=red)
    if loss == "mse":
        return F.mse_loss(x, y, reduction=red)
    if loss == "l1":
        return F.l1_loss(x, y, reduction=red)
    if loss == "huber":
        return F.huber_loss(x, y, reduction=red, delta=pf(f[0]))
    if loss == "smooth_l1":
        return F.smooth_l1_loss(x, y, reduction=red, beta=pf(f[0]))
    if loss == "bce":
        return F.binary_cross_entropy(x, y, weight=cyc(a0, n), reduction=red)
    if loss == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(x, y, weight=cyc(a0, n), reduction=red,
                                                  pos_weight=cyc(a1, n))
    if loss == "hinge_embedding":
        return F.hinge_embedding_loss(x, y, margin=pf(f[0]), reduction=red)
    if loss == "kl_div":
        return F.kl_div(x, y, reduction=red, log_target=bool(iv[0]))
    if loss == "poisson_nll":
        return F.poisson_nll_loss(x, y, log_input=bool(iv[0]), full=bool(iv[1]), eps=pf(f[0]),
                                  reduction=red)
    if loss == "gaussian_nll":
        return F.gaussian_nll_loss(x, y, cyc(a0, n), full=bool(iv[0]), eps=pf(f[0]),
                                   reduction=red)
    one = F32(1)
    if loss == "ale":
        # ale.py, float32: t = clip(y, ls, 1-ls); p = clip(x, eps, 1-eps);
        # a = clip(|t-p|, 0, 1); l = -log((1+eps) - a); alpha; a^gamma
        alpha, gamma, ls = F32(f[0]), F32(f[1]), F32(f[2])
        t = torch.clamp(y, float(ls), float(one - ls))
        p = torch.clamp(x, float(EPS), float(one - EPS))
        a = torch.clamp(torch.abs(t - p), 0.0, 1.0)
        l = -torch.log(float(one + EPS) - a)
        if alpha > 0:
            w = torch.where(y != 1, torch.full_like(y, float(alpha)),
                            torch.full_like(y, float(one - alpha)))
            l = l * w
        if gamma >= 1:
            l = l * torch.pow(a, float(gamma))
        return elem_or_red(l, red)
    if loss == "binary_focal":
        # Keras 3 binary_focal_crossentropy (from_logits=False), TF backend bce
        gamma, alpha, ls = F32(f[0]), F32(f[1]), F32(f[2])
        yp = y
        if ls != 0:
            yp = y * float(one - ls) + float(F32(0.5) * ls)
        o = torch.clamp(x, float(EPS), float(one - EPS))
        bce = yp * torch.log(o)
        bce = bce + (1 - yp) * torch.log(1 - o)
        bce = -bce
        p_t = yp * x + (1 - yp) * (1 - x)
        if gamma == 0:
            ff = torch.ones_like(p_t)
        else:
            ff = torch.pow(1.0 - p_t, float(gamma))
        l = ff * bce
        if alpha >= 0:
            w = yp * float(alpha) + (1 - yp) * float(one - alpha)
            l = w * l
        return elem_or_red(l, red)
    if loss == "sigmoid_focal":
        # torchvision.ops.sigmoid_focal_loss
        alpha, gamma = F32(f[0]), F32(f[1])
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        l = ce * ((1 - p_t) ** float(gamma))
        if alpha >= 0:
            a_t = float(alpha) * y + float(one - alpha) * (1 - y)
            l = a_t * l
        return elem_or_red(l, red)
    if loss == "soft_margin":
        # Value: max(z, 0) + log(1 + exp(-|z|)), z = -y x: for z <= 0 exactly
        # 1.13's log(1 + exp(z)); for z > 0 finite where 1.13 overflows
        # (simdloss decision 4). Gradient: autograd of the stable softplus,
        # -y sigmoid(z), which is 1.13's -y e/(1 + e) where that is finite.
        z = (-y) * x
        sp = F.softplus(z, beta=1, threshold=20)
        val = torch.clamp(z, min=0.0) + torch.log(1.0 + torch.exp(-torch.abs(z)))
        diff = (val - sp).detach()  # rounding only; NaN where both are inf
        l = torch.where(torch.isfinite(diff), sp + diff, sp)
        return elem_or_red(l, red)
    if loss == "log_cosh":
        d = x - y
        l = d + F.softplus(d * -2.0) - float(F32(math.log(2.0)))
        return elem_or_red(l, red)
    if loss in ("hinge", "squared_hinge"):
        yp = y
        if bool(torch.all((y == 0) | (y == 1))):
            yp = 2.0 * y - 1.0
        h = torch.clamp(1.0 - yp * x, min=0.0)
        l = h if loss == "hinge" else torch.square(h)
        return elem_or_red(l, red)
    if loss == "mape":
        diff = torch.abs((y - x) / torch.clamp(torch.abs(y), min=float(EPS)))
        return elem_or_red(100.0 * diff, red)
    if loss == "msle":
        first = torch.log(torch.clamp(x, min=float(EPS)) + 1.0)
        second = torch.log(torch.clamp(y, min=float(EPS)) + 1.0)
        return elem_or_red(torch.square(first - second), red)
    if loss == "poisson":
        return elem_or_red(x - y * torch.log(x + float(EPS)), red)
    raise KeyError(loss)


# What a benchmark times where the golden reference departs from the torch
# function it names (decision 4, the stable soft_margin): the function itself.
TORCH_TIMED = {
    "soft_margin": lambda x, y, f, iv, red: F.soft_margin_loss(x, y, reduction=red),
}


def nan_mask(loss, x, y, a0, a1, x2=None):
    n = len(x)
    m = np.isnan(x) | np.isnan(y)
    if x2 is not None:
        m |= np.isnan(x2)
    for a in (a0, a1):
        if a is not None and n:
            m |= np.isnan(a[np.arange(n) % len(a)])
    return m


def f64_reduce(none):
    """mean, sum of float32 values accumulated in double, rounded once."""
    n = len(none)
    if n == 0:
        return F32(NAN), F32(0)
    s = np.sum(none.astype(np.float64))
    return F32(s / n), F32(s)


def pick_red(name, what, torch_val, f64_val, notes):
    """torch's float32 reduction, unless it is not within 1e-6 of the double one."""
    t, d = F32(torch_val), F32(f64_val)
    if np.isnan(d):
        return F32(NAN)
    if np.isnan(t):
        notes.append("%s: torch float32 %s NaN replaced by the double-accumulated %r"
                     % (name, what, float(d)))
        return d
    if t == d:
        return t
    if np.isfinite(t) and np.isfinite(d) and abs(float(t) - float(d)) <= 1e-6 * abs(float(d)):
        return t
    notes.append("%s: torch float32 %s %r replaced by the double-accumulated %r"
                 % (name, what, float(t), float(d)))
    return d


def fix_none(loss, x, y, none):
    """log_cosh: Keras' d + softplus(-2d) - log 2 overflows in -2d for |d| > FLT_MAX/2
    (inf) and gives inf - inf = NaN for d = -inf; log cosh d is |d| - log 2 there
    (Keras' own stable form for large |x|: |x| - log 2), as soft_margin is stable."""
    if loss == "log_cosh" and len(x):
        with np.errstate(all="ignore"):
            d = (x - y).astype(F32)
            big = np.isinf(d) | (np.abs(d) > np.finfo(F32).max / 2)
            none[big] = (np.abs(d[big]) - F32(math.log(2.0))).astype(F32)
    return none


def leaves(loss, x, y, a0, a1, grad=True, x2=None):
    xt = torch.tensor(x, dtype=torch.float32, requires_grad=grad)
    yt = torch.tensor(y, dtype=torch.float32)
    a0t = None if a0 is None else torch.tensor(
        a0, dtype=torch.float32, requires_grad=grad and loss == "gaussian_nll")
    a1t = None if a1 is None else torch.tensor(a1, dtype=torch.float32)
    x2t = None if x2 is None else torch.tensor(x2, dtype=torch.float32, requires_grad=grad)
    return xt, yt, a0t, a1t, x2t


def reductions(c, xs, ys, notes, tag, x2s=None):
    """mean and sum (torch) of the loss on xs, ys (x2s) with c's params and aux."""
    with torch.no_grad():
        xt, yt, a0t, a1t, x2t = leaves(c["loss"], xs, ys, c["a0"], c["a1"], grad=False, x2=x2s)
        m = forward(c["loss"], xt, yt, c["f"], c["i"], a0t, a1t, "mean", x2t).item()
        s = forward(c["loss"], xt, yt, c["f"], c["i"], a0t, a1t, "sum", x2t).item()
        none = forward(c["loss"], xt, yt, c["f"], c["i"], a0t, a1t, "none",
                       x2t).numpy().astype(F32)
    none = fix_none(c["loss"], xs, ys, none.copy())
    mask = nan_mask(c["loss"], xs, ys, c["a0"], c["a1"], x2s)
    none = none.copy()
    none[mask] = NAN
    m64, s64 = f64_reduce(none)
    if mask.any():
        return F32(NAN), F32(NAN)
    return (pick_red(tag, "mean", m, m64, notes), pick_red(tag, "sum", s, s64, notes))


def evaluate(c, notes):
    loss, x, y, a0, a1, x2 = c["loss"], c["x"], c["y"], c["a0"], c["a1"], c["x2"]
    n = len(x)
    r = {}
    if loss == "bce":
        bad = np.nonzero(~((x >= 0) & (x <= 1)))[0]
        if len(bad):
            r["edomain"] = int(bad[0])
            return r
    # none and its elementwise gradient
    grad_of = lambda t: (t.grad.numpy() if t.grad is not None else np.zeros(n)).astype(F32).copy()
    xt, yt, a0t, a1t, x2t = leaves(loss, x, y, a0, a1, x2=x2)
    none = forward(loss, xt, yt, c["f"], c["i"], a0t, a1t, "none", x2t)
    none.backward(torch.ones_like(none))
    r["none"] = fix_none(loss, x, y, none.detach().numpy().astype(F32).copy())
    r["gnone"] = grad_of(xt)
    if x2 is not None:
        r["gnone2"] = grad_of(x2t)
    # mean: value and gradient (inputs, and var for gaussian)
    xt, yt, a0t, a1t, x2t = leaves(loss, x, y, a0, a1, x2=x2)
    m = forward(loss, xt, yt, c["f"], c["i"], a0t, a1t, "mean", x2t)
    m.backward()
    r["mean_t"] = m.item()
    r["gmean"] = grad_of(xt)
    if x2 is not None:
        r["gmean2"] = grad_of(x2t)
    if loss == "gaussian_nll":
        r["gamean"] = a0t.grad.numpy().astype(F32).copy()
    xt, yt, a0t, a1t, x2t = leaves(loss, x, y, a0, a1, x2=x2)
    s = forward(loss, xt, yt, c["f"], c["i"], a0t, a1t, "sum", x2t)
    s.backward()
    r["sum_t"] = s.item()
    if loss == "gaussian_nll":
        r["gasum"] = a0t.grad.numpy().astype(F32).copy()
    if loss == "log_cosh":
        # d/dx of Keras' x + softplus(-2x) - log 2 is tanh(x) (docs/semantics.md); autograd's
        # 1 - 2 sigmoid(-2x) loses up to ~6e-8 absolute to cancellation near 0.
        with torch.no_grad():
            th = torch.tanh(torch.tensor(x) - torch.tensor(y)).numpy().astype(F32)
        r["gnone"] = th.copy()
        r["gmean"] = (th * F32(1.0 / n)).astype(F32) if n else th.copy()
    if loss == "gaussian_nll" and n:
        # torch differentiates (x - y)**2 / v through 2 (x - y), which overflows for
        # |x - y| > 1.7e38 although the gradient (x - y) / v' is finite
        with np.errstate(all="ignore"):
            v = np.maximum(a0[np.arange(n) % len(a0)], F32(c["f"][0])).astype(F32)
            gn = ((x - y).astype(F32) / v).astype(F32)
        fix = np.isinf(r["gnone"]) & np.isfinite(gn)
        if fix.any():
            notes.append("%s: %d gradient(s) where torch overflows in 2(x - y) set to (x - y)/v"
                         % (c["name"], int(fix.sum())))
            r["gnone"][fix] = gn[fix]
            r["gmean"][fix] = (gn[fix] * F32(1.0 / n)).astype(F32)
    # NaN in, NaN out
    mask = nan_mask(loss, x, y, a0, a1, x2)
    if loss == "l1":
        # torch.sign(NaN) = 0 (NaN in, NaN out): also where x - y is NaN (inf - inf)
        with np.errstate(all="ignore"):
            dm = np.isnan((x - y).astype(F32))
        r["gnone"][dm] = NAN
        r["gmean"][dm] = NAN
    for k in ("none", "gnone", "gmean", "gnone2", "gmean2"):
        if k in r:
            r[k][mask] = NAN
    if loss == "gaussian_nll" and n:
        vl = len(a0)
        vmask = np.zeros(vl, dtype=bool)
        for j in np.nonzero(mask)[0]:
            vmask[j % vl] = True
        r["gasum"][vmask] = NAN
        r["gamean"][vmask] = NAN
    m64, s64 = f64_reduce(r["none"])
    if mask.any():
        r["mean"], r["sum"] = F32(NAN), F32(NAN)
    else:
        r["mean"] = pick_red(c["name"], "mean", r["mean_t"], m64, notes)
        r["sum"] = pick_red(c["name"], "sum", r["sum_t"], s64, notes)
    r["prefix"] = []
    for L in c["prefix"]:
        assert L < n
        mm, ss = reductions(c, x[:L], y[:L], notes, "%s[:%d]" % (c["name"], L),
                            None if x2 is None else x2[:L])
        r["prefix"].append((L, mm, ss))
    return r


# ------------------------------------------------------------------ cases --
CASES = {k: [] for k in LOSSES}


def add(loss, name, x, y, f=(), i=(), a0=None, a1=None, prefix=(), note=None, x2=None):
    nf, ni, naux = LOSSES[loss]
    x, y = f32(x), f32(y)
    assert len(x) == len(y), name
    assert (x2 is not None) == (loss in TWO_INPUTS), name
    if x2 is not None:
        x2 = f32(x2)
        assert len(x2) == len(x), name
    assert " " not in name
    assert len(f) == nf and len(i) == ni, (loss, name)
    n = len(x)
    for a in (a0, a1):
        if a is not None:
            assert len(a) >= 1 and n % len(a) == 0, (loss, name, len(a), n)
    if loss == "gaussian_nll":
        assert a0 is not None
    assert all(c["name"] != name for c in CASES[loss]), name
    CASES[loss].append(dict(loss=loss, name=name, x=x, y=y, x2=x2, f=[F32(v) for v in f],
                            i=[int(v) for v in i], a0=None if a0 is None else f32(a0),
                            a1=None if a1 is None else f32(a1), prefix=list(prefix), note=note))


def sz(k):
    return SIZES[k % len(SIZES)]


def place(rng, arr, values, last=None):
    """Put values at distinct random positions of arr (and `last` at the end)."""
    n = len(arr)
    k = min(len(values), n - (1 if last is not None else 0))
    pos = rng.permutation(n - (1 if last is not None else 0))[:k]
    for p, v in zip(pos, values[:k]):
        arr[p] = v
    if last is not None:
        arr[n - 1] = last
    return arr


EDGE = [0.0, -0.0, 1.0, 1e-38, 1e-45, 1e19, 3e38, -1e19, -3e38, INF, -INF]


def nan_positions(n):
    return sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))


# Per-loss "normal" data, default parameters.
DEFAULTS = {
    "mse": ([], []), "l1": ([], []), "huber": ([1.0], []), "smooth_l1": ([1.0], []),
    "bce": ([], []), "bce_with_logits": ([], []), "ale": ([0.0, 0.0, 0.0], []),
    "binary_focal": ([2.0, -1.0, 0.0], []), "sigmoid_focal": ([0.25, 2.0], []),
    "soft_margin": ([], []), "hinge_embedding": ([1.0], []), "kl_div": ([], [0]),
    "poisson_nll": ([1e-8], [1, 0]), "log_cosh": ([], []), "hinge": ([], []),
    "squared_hinge": ([], []), "mape": ([], []), "msle": ([], []), "poisson": ([], []),
    "gaussian_nll": ([1e-6], [0]), "margin_ranking": ([0.0], []),
}


def log_softmax_rows(rng, n, row=8, log_target=False):
    z = rng.normal(0, 1, n + row).astype(np.float64)
    out = np.empty(n)
    for s in range(0, n, row):
        r = z[s:s + row]
        ls = r - r.max() - np.log(np.sum(np.exp(r - r.max())))
        out[s:s + row] = ls[: len(out[s:s + row])]
    return out


def base(loss, rng, n, kind=0):
    """x, y from the loss's usual distribution (kind picks a variant)."""
    N = lambda s=1.0: rng.normal(0, s, n)
    U = lambda a=0.0, b=1.0: rng.uniform(a, b, n)
    bits = lambda: rng.integers(0, 2, n).astype(np.float64)
    if loss in ("mse", "l1", "huber", "smooth_l1", "log_cosh"):
        s = [1.0, 1e-3, 1e3][kind % 3]
        return N(s), N(s)
    if loss == "bce":
        return U(), (bits() if kind % 2 else U())
    if loss in ("bce_with_logits", "sigmoid_focal"):
        return N(3.0), (bits() if kind % 2 == 0 else U())
    if loss in ("ale", "binary_focal"):
        x = U()
        y = bits() if kind % 3 == 0 else (U() if kind % 3 == 1 else x.copy())
        if kind % 3 == 2:  # y_true = y_pred for some, soft others
            y[::2] = U()[::2]
        return x, y
    if loss == "soft_margin":
        return N(3.0), np.where(bits() > 0, 1.0, -1.0)
    if loss == "hinge_embedding":
        return N(2.0), np.where(bits() > 0, 1.0, -1.0)
    if loss == "kl_div":
        x = log_softmax_rows(rng, n)
        if kind % 2:
            y = log_softmax_rows(rng, n)
        else:
            y = np.exp(log_softmax_rows(rng, n))
        return x, y
    if loss == "poisson_nll":
        if kind % 2 == 0:  # log_input
            return N(), rng.poisson(2.0, n).astype(np.float64)
        x = U(0, 4)
        x[rng.random(n) < 0.1] = 0.0
        return x, rng.poisson(2.0, n).astype(np.float64)
    if loss in ("hinge", "squared_hinge"):
        return N(), (bits() if kind % 2 == 0 else np.where(bits() > 0, 1.0, -1.0))
    if loss == "mape":
        y = N(10.0)
        return y + N(1.0), y
    if loss == "msle":
        return U(0, 10), U(0, 10)
    if loss == "poisson":
        return U(0, 4), rng.poisson(2.0, n).astype(np.float64)
    if loss == "gaussian_nll":
        return N(), N()
    if loss == "margin_ranking":  # first score; the order mostly +-1, some scales
        y = np.where(bits() > 0, 1.0, -1.0)
        y[rng.random(n) < 0.1] = 0.5
        return N(2.0), y
    raise KeyError(loss)


def second(loss, rng, n):
    """The second input of a TWO_INPUTS loss, as add()'s keyword (none otherwise)."""
    if loss not in TWO_INPUTS:
        return {}
    return {"x2": rng.normal(0, 2.0, n)}


def var_values(rng, k):
    return rng.uniform(0, 2, k)


# ----------------------------------------------- pinned (worked examples) --
def pinned():
    X = [0.5, -1.25, 2, 3]
    Y = [1, -1, 0, 3]
    X2 = [0.1, 0.2, 0.30000001, 1000, -1000, 7.5]
    Y2 = [0.30000001, 0.2, 0.1, 999, -1001, -2.5]
    add("mse", "mse_E1", X, Y)
    add("mse", "mse_E2", X2, Y2)
    add("mse", "mse_E3", [1e20, -3], [-1e20, -3])
    add("l1", "l1_E1", X, Y)
    add("l1", "l1_E2", X2, Y2)
    add("l1", "l1_E3_nan", [NAN, 1], [0, 0])
    for loss, par in (("huber", "delta"), ("smooth_l1", "beta")):
        add(loss, "%s_%s1" % (loss, par), [0.5, -1.25, 2, 3, 1], [1, -1, 0, 3, 0], f=[1.0])
        add(loss, "%s_%s0.5" % (loss, par), [0.5, -1.25, 2, 0.30000001, -0.5], [1, -1, 0, 0, 0],
            f=[0.5])
        add(loss, "%s_%s2" % (loss, par), [0.5, -1.25, 5, -3, 2], [1, -1, 0, 0, 0], f=[2.0])
    add("smooth_l1", "smooth_l1_beta0", X, Y, f=[0.0])
    add("bce", "bce_E1", [0.2, 0.5, 0.89999998, 0.99900001], [1, 0, 1, 0])
    add("bce", "bce_E2_weight", [0, 1, 0.30000001, 1e-30], [1, 1, 0.25, 0], a0=[0.5, 2, 1, 3])
    add("bce", "bce_E3_soft", [0.1, 0.60000002, 0.34999999, 0.80000001],
        [0.30000001, 0.60000002, 0.5, 0.89999998])
    # the Keras-vs-PyTorch BCE comparison, PyTorch column (input = y_pred, target = y_true)
    add("bce", "bce_keras_comparison_table", [0, 0.2, 0.9, 1, 0.1, 0.5, 0.6],
        [1, 1, 1, 1, 0.1, 0.5, 0.6])
    add("bce_with_logits", "bce_with_logits_E1", [-3, -0.5, 0, 0.5, 3], [1, 0, 1, 0.25, 0])
    # weight [[1],[2]] is per row of a (2,3) tensor: expanded to n; pos_weight [3,0.5,1] cyclic
    add("bce_with_logits", "bce_with_logits_E2_pos_weight_weight",
        [0.30000001, -1.2, 2, -0.69999999, 0.1, 4], [1, 0, 1, 0.2, 1, 0],
        a0=[1, 1, 1, 2, 2, 2], a1=[3, 0.5, 1])
    add("bce_with_logits", "bce_with_logits_E3_extreme", [-100, 100, -20, 88], [1, 1, 0, 0])
    # sigmoid focal f = [alpha, gamma]
    SX = [-3, -0.5, 0, 0.5, 3, 20]
    SY = [1, 0, 1, 1, 0, 1]
    add("sigmoid_focal", "sigmoid_focal_alpha0.25_gamma2", SX, SY, f=[0.25, 2])
    add("sigmoid_focal", "sigmoid_focal_alpha-1_gamma0", SX, SY, f=[-1, 0])
    add("sigmoid_focal", "sigmoid_focal_alpha0.5_gamma1", SX, SY, f=[0.5, 1])
    add("sigmoid_focal", "sigmoid_focal_alpha0.25_gamma0.5", SX, SY, f=[0.25, 0.5])
    # infinite parameters, accepted as by torchvision: q^inf is 0 (1 at q = 1), its
    # derivative inf * 0 = NaN; alpha = -inf switches the weighting off
    SXI = SX + [-20, 100, -100]
    SYI = SY + [0, 0.5, 1]
    add("sigmoid_focal", "sigmoid_focal_alpha0.25_gamma_inf", SXI, SYI, f=[0.25, INF])
    add("sigmoid_focal", "sigmoid_focal_alpha-inf_gamma_inf", SXI, SYI, f=[-INF, INF])
    add("sigmoid_focal", "sigmoid_focal_alpha-inf_gamma2", SXI, SYI, f=[-INF, 2])
    # Keras binary focal f = [gamma, alpha(<0: no balancing), ls]
    BT = [0, 1, 0, 1, 1, 1, 0, 0]
    BP = [0.60000002, 0.30000001, 0.2, 0.80000001, 0.89999998, 0.050000001, 9.9999997e-10, 1]
    add("binary_focal", "binary_focal_default_gamma2", BP, BT, f=[2, -1, 0])
    add("binary_focal", "binary_focal_balancing_alpha0.25_gamma2_ls0.1", BP, BT, f=[2, 0.25, 0.1])
    # infinite parameters (Keras 3 accepts them): as sigmoid_focal
    add("binary_focal", "binary_focal_gamma_inf_alpha0.25", BP + [0.5, 1e-07], BT + [1, 1],
        f=[INF, 0.25, 0])
    add("binary_focal", "binary_focal_gamma_inf_alpha-inf_ls0.1", BP + [0.5, 1e-07], BT + [1, 1],
        f=[INF, -INF, 0.1])
    add("binary_focal", "binary_focal_gamma2_alpha-inf", BP, BT, f=[2, -INF, 0])
    # from_logits is not in the API: the same example on float32 sigmoid(logits)
    logits = np.array([0.40000001, -1, -2, 1.5, 2, -3, -20, 20], dtype=F32)
    probs = torch.sigmoid(torch.tensor(logits)).numpy()
    add("binary_focal", "binary_focal_from_logits_gamma1.5_on_sigmoid", probs, BT, f=[1.5, -1, 0],
        note="Keras from_logits example with x = float32 sigmoid(logits); gradient is d/dprob")
    # ALE f = [alpha, gamma, ls]; input = y_pred, target = y_true
    for yt, yp in ((1, 0), (1, 0.2), (1, 0.9), (1, 1), (0, 0), (0.1, 0.1)):
        add("ale", "ale_single_t%g_p%g" % (yt, yp), [yp], [yt], f=[0, 0, 0])
    add("ale", "ale_docstring", [0.60000002, 0.40000001, 0.40000001, 0.60000002], [0, 1, 0, 0],
        f=[0, 0, 0])
    add("ale", "ale_alpha0.25_gamma2_ls0.1",
        [0.30000001, 0.60000002, 0.5, 0.94999999, 0.02, 0.69999999],
        [0, 1, 0.5, 1, 0, 0.30000001], f=[0.25, 2, 0.1])
    add("ale", "ale_gamma1_clip_boundaries", [0, 1, -0.5, 1e-07, 0.5], [1, 0, 1, 0, 0.5],
        f=[0, 1, 0])
    add("ale", "ale_plain_clip_boundaries", [0, 1, 1.5, 1e-07, 0.5], [1, 0, 1, 0, 0.5],
        f=[0, 0, 0])
    add("ale", "ale_gamma2_no_alpha", [0.69999999, 0.5, 0.89999998], [1, 0, 0.30000001],
        f=[0, 2, 0])
    add("ale", "ale_alpha0.75_only", [0.69999999, 0.5, 0.89999998], [1, 0, 0.30000001],
        f=[0.75, 0, 0])
    # gamma = +inf passes ale.py's assertion (gamma >= 1): a^inf is 0 below a = 1, the
    # derivative inf * 0 = NaN, but 0 where the clip of y_pred blocks (a select in TF)
    AXI = [0, 1, -0.5, 1e-07, 0.5, 0.30000001, 0.89999998, 0.1, 1.5]
    AYI = [1, 0, 1, 0, 0.5, 0.30000001, 1, 0, 1]
    add("ale", "ale_alpha0.25_gamma_inf", AXI, AYI, f=[0.25, INF, 0])
    add("ale", "ale_gamma_inf_ls0.1", AXI, AYI, f=[0, INF, 0.1])
    # soft margin
    add("soft_margin", "soft_margin_E1", [-2, -0.5, 0, 0.5, 2], [1, -1, 1, 1, -1])
    add("soft_margin", "soft_margin_E2_overflow_stable", [-89, -88, 100], [1, 1, 1],
        note="stable softplus: x=-89,y=1 gives 89 and gradient -1 (PyTorch 1.13: inf, NaN)")
    add("soft_margin", "soft_margin_E3_non_pm1_target", [1.5, -0.25, 3, -4], [-1, 1, 0.5, 1])
    # hinge embedding f = [margin]
    add("hinge_embedding", "hinge_embedding_margin1", [-0.5, 0.30000001, 0.30000001, 2, 1],
        [1, 1, -1, -1, -1], f=[1])
    add("hinge_embedding", "hinge_embedding_margin2.5", [0.5, 0.30000001, 3, -1], [1, -1, -1, -1],
        f=[2.5])
    add("hinge_embedding", "hinge_embedding_margin1_other_labels_kink", [1.5, 0.5, 1, -2],
        [0, 2, -1, -1], f=[1])
    # kl_div i = [log_target]
    KX = [-1.3862944, -0.69314718, -1.3862944, -2.3025851, -0.35667494, -1.6094379]
    add("kl_div", "kl_div_log_target0", KX, [0.5, 0, 0.5, 0.30000001, 0.30000001, 0.40000001],
        i=[0])
    add("kl_div", "kl_div_log_target1", KX,
        [-0.69314718, -20, -0.69314718, -1.2039728, -1.2039728, -0.91629076], i=[1])
    add("kl_div", "kl_div_negative_zero_target_neginf_input", [-1, -INF, -2], [-0.2, 0, 0], i=[0])
    # poisson_nll i = [log_input, full], f = [eps]
    PX = [-1, 0, 0.5, 2, 1, 0.30000001]
    PX2 = [0, 9.9999997e-10, 0.5, 2, 1, 0.30000001]
    PT = [0, 1, 2, 3, 0.5, 7]
    add("poisson_nll", "poisson_nll_log_input1_full0", PX, PT, f=[1e-8], i=[1, 0])
    add("poisson_nll", "poisson_nll_log_input1_full1", PX, PT, f=[1e-8], i=[1, 1])
    add("poisson_nll", "poisson_nll_log_input0_eps1e-8", PX2, PT, f=[1e-8], i=[0, 0])
    add("poisson_nll", "poisson_nll_log_input0_full1_eps0.1", PX2, PT, f=[0.1], i=[0, 1])
    # gaussian_nll i = [full], f = [eps], a0 = var
    add("gaussian_nll", "gaussian_nll_heteroscedastic", [0.5, 1, 2, -1], [1, 1, 0, 0.5],
        f=[1e-6], i=[0], a0=[0.25, 1, 2, 4])
    add("gaussian_nll", "gaussian_nll_var_below_eps_full", [0.5, 1, 2], [1, 1, 0],
        f=[1e-6], i=[1], a0=[9.9999999e-09, 0, 1e-06])
    add("gaussian_nll", "gaussian_nll_homoscedastic_rows_expanded", [0.5, 1, 2, -1],
        [1, 1, 0, 0.5], f=[1e-6], i=[0], a0=[0.5, 0.5, 2, 2],
        note="homoscedastic var of shape (N,) is per row; expanded to n values here, "
             "so gasum/gamean are per element, not torch's per-row sums")
    # Keras
    add("log_cosh", "log_cosh_E1", [0.5, 1, 10, -50, 0.001, 0], [0, 1, -2, 3, 0, 0])
    add("log_cosh", "log_cosh_E2_large_errors", [100, -100, 1, -1], [0, 0, 1, -1])
    add("log_cosh", "log_cosh_E3_small_errors", [0.1001, 0.19, 0.34999999],
        [0.1, 0.2, 0.30000001])
    for loss in ("hinge", "squared_hinge"):
        add(loss, loss + "_binary_labels", [0.30000001, 0.40000001, 2, -0.5], [0, 1, 1, 0])
    add("hinge", "hinge_labels_not_binary", [0.30000001, 0.40000001, 2, -0.5], [0, 1, -1, 0.5])
    add("hinge", "hinge_kink", [1, -1, 0.5], [1, 0, 1])
    add("squared_hinge", "squared_hinge_labels_pm1", [0.5, 2, -0.5], [-1, 1, 1])
    add("squared_hinge", "squared_hinge_kink", [1, -1], [1, 0])
    add("mape", "mape_E1", [1.5, -1, 0.1, 90, 0.5, 0], [1, -2, 0, 100, 0.5, 9.9999997e-10])
    add("mape", "mape_E2_exact_and_negatives", [2, -3, 1, 0], [2, -4, 0.5, 0.25])
    add("mape", "mape_E3_single_column", [11, -9, 0.0020000001], [10, -10, 0.001])
    add("msle", "msle_E1", [0.5, 1, 1, -2, 0, 0.5], [0, 1, 3, 2, -1, 0.5])
    add("msle", "msle_E2_large", [50, 2000], [100, 1000])
    add("msle", "msle_E3_at_eps", [1e-07, 9.9999999e-09, 0.5], [0, 1e-07, 1])
    add("poisson", "poisson_E1", [0.5, 1, 1, 4, 0, 0.5], [0, 1, 3, 2, 0, 0.5])
    add("poisson", "poisson_E2", [2, 0.5, 5, 3], [1, 2, 5, 0])
    add("poisson", "poisson_E3_tiny_prediction", [9.9999997e-10, 9.9999997e-10], [1, 0])
    # margin ranking f = [margin]; x = input1, x2 = input2
    add("margin_ranking", "margin_ranking_margin0", [1, 0.2, -0.5, 0.30000001], [1, 1, -1, 1],
        f=[0.0], x2=[0.5, 0.69999999, -0.5, 0.30000001])
    add("margin_ranking", "margin_ranking_margin0.5", [1, 0.2, -0.5, 2], [1, 1, -1, -1],
        f=[0.5], x2=[0.5, 0.69999999, -0.5, 1])
    add("margin_ranking", "margin_ranking_non_pm1_negative_margin", [1, 0, 2], [0.5, 2, -1],
        f=[-0.25], x2=[1.5, 0.5, 1])


# --------------------------------------------------------- generic cases --
def generic(loss):
    """tie, edge values (no NaN), NaN positions, n = 0, a large case, the sweep."""
    fdef, idef = DEFAULTS[loss]
    nf, ni, naux = LOSSES[loss]

    def aux_for(rng, n):
        if loss == "gaussian_nll":
            return dict(a0=var_values(rng, 1 if n == 0 else n))
        return {}

    k0 = list(LOSSES).index(loss)
    # target == input exactly
    for j, n in enumerate((SIZES[(k0 + 3) % 11], 33)):
        rng = rng_for(loss, "tie", n)
        x, _ = base(loss, rng, n)
        if loss == "bce":
            x[: min(2, n)] = [0.0, 1.0][: min(2, n)]
        if loss == "gaussian_nll":
            a = var_values(rng, n)
            a[0] = 0.0
            add(loss, "%s_tie_n%d" % (loss, n), x, x.copy(), f=fdef, i=idef, a0=a)
        elif loss in TWO_INPUTS:  # the two inputs equal
            add(loss, "%s_tie_n%d" % (loss, n), x, base(loss, rng, n)[1], f=fdef, i=idef,
                x2=x.copy())
        else:
            add(loss, "%s_tie_n%d" % (loss, n), x, x.copy(), f=fdef, i=idef)
    # n = 0
    add(loss, loss + "_empty", [], [], f=fdef, i=idef,
        **({"a0": [1.0]} if loss == "gaussian_nll" else {}), **second(loss, rng, 0))
    # edge values mixed into random data (no NaN); bce: only valid probabilities
    for j, n in enumerate((17, 33)):
        rng = rng_for(loss, "edge", n)
        x, y = base(loss, rng, n, kind=j)
        if loss == "bce":
            place(rng, x, [0.0, -0.0, 1.0, 1e-45, 3.7e-44, 1e-38, 1e-30, 1 - 2**-24, 0.999],
                  last=[1e-45, 1.0][j])
            place(rng, y, [0.0, 1.0, 2.0, -1.0, 1e-38, 1e19, INF][: 4 + 3 * j])
        elif loss == "binary_focal":
            # huge / infinite probabilities only give overflow-order artifacts
            # (the focal factor uses the unclipped prediction): the y_pred edges
            place(rng, x, [-0.5, 0.0, 1e-9, 1e-7, 1 - 1e-7, 1.0, 1.5, 1e-38, 1e-45],
                  last=[1.0, 1e-45][j])
            place(rng, y, [0.0, 1.0, 1e-38, 0.5, 1.0, 0.0][: 3 + 3 * j])
        else:
            ex = EDGE if j == 0 else [v for v in EDGE if abs(v) < INF]
            place(rng, x, ex, last=[INF, 3e38][j])
            ey = list(reversed(EDGE))[: 5 + 3 * j]
            if loss in ("hinge", "squared_hinge"):
                # infinite labels: the reference's 0 * inf = NaN in the inactive branch
                ey = [v for v in ey if abs(v) < INF]
            place(rng, y, ey, last=None)
        add(loss, "%s_edges_n%d" % (loss, n), x, y, f=fdef, i=idef, **aux_for(rng, n),
            **second(loss, rng, n))
    # NaN at several positions including the tail (x, then y, then aux)
    for j, n in enumerate((9, 17, 33)):
        rng = rng_for(loss, "nan", n)
        x, y = base(loss, rng, n, kind=j)
        extra = dict(aux_for(rng, n), **second(loss, rng, n))
        pos = nan_positions(n)
        if j == 0:
            x[pos] = NAN
        elif j == 1:
            y[pos] = NAN
        else:
            x[pos[0]] = NAN
            y[pos[-1]] = NAN
            if loss == "gaussian_nll":
                extra["a0"][n // 3] = NAN
            if loss in TWO_INPUTS:
                extra["x2"][n // 3] = NAN
        if loss == "bce" and j != 1:
            continue  # NaN probabilities are EDOMAIN: see the bce edomain cases
        add(loss, "%s_nan_n%d" % (loss, n), x, y, f=fdef, i=idef, **extra)
    # one large case (1023/1024/1025), default parameters
    n = [1023, 1024, 1025][k0 % 3]
    rng = rng_for(loss, "large", n)
    x, y = base(loss, rng, n, kind=1)
    add(loss, "%s_large_n%d" % (loss, n), x, y, f=fdef, i=idef, **aux_for(rng, n),
        **second(loss, rng, n))
    # the sweep: n = 4097, default parameters, prefixes for tails and block boundaries
    rng = rng_for(loss, "sweep")
    x, y = base(loss, rng, SWEEP_N)
    extra = {"a0": var_values(rng, 1)} if loss == "gaussian_nll" else {}
    add(loss, loss + "_sweep", x, y, f=fdef, i=idef, prefix=SWEEP_PREFIX, **extra,
        **second(loss, rng, SWEEP_N))


# ------------------------------------------------------ per-loss branches --
def branches():
    k = 0

    def nxt():
        nonlocal k
        k += 1
        return sz(k)

    # regression: scales, parameters, exact kinks
    for loss in ("mse", "l1", "huber", "smooth_l1"):
        pars = {"mse": [[]], "l1": [[]], "huber": [[0.5], [1.0], [2.0], [INF]],
                "smooth_l1": [[0.0], [0.5], [1.0], [2.0], [1e-30]]}[loss]
        for p in pars:
            for kind, s in enumerate(("1", "1e-3", "1e3")):
                n = nxt()
                rng = rng_for(loss, p, s, n)
                x, y = base(loss, rng, n, kind=kind)
                add(loss, "%s%s_scale%s_n%d" % (loss, "_p%g" % p[0] if p else "", s, n), x, y,
                    f=p)
        # overflow magnitudes and infinities
        rng = rng_for(loss, "huge")
        x = rng.choice([1e19, -1e19, 1e20, -1e20, 3e38, -3e38, INF, -INF, 2.0], 16)
        y = rng.choice([1e19, -1e20, -3e38, 0.0, INF, -INF, 1.0], 16)
        for p in pars:
            add(loss, "%s%s_huge_n16" % (loss, "_p%g" % p[0] if p else ""), x, y, f=p)
    # exact kinks |x - y| == delta / beta with representable values
    for loss, pars in (("huber", [0.5, 1.0, 2.0]), ("smooth_l1", [0.5, 1.0, 2.0, 0.0])):
        for p in pars:
            rng = rng_for(loss, "kink", p)
            n = 17
            y = rng.integers(-16, 17, n) / 4.0
            sgn = np.where(rng.integers(0, 2, n) > 0, 1.0, -1.0)
            x = y + sgn * p
            x[::5] = y[::5] + sgn[::5] * p / 2  # inside
            x[3] = y[3]  # tie
            add(loss, "%s_kink_p%g" % (loss, p), x, y, f=[p])
    rng = rng_for("smooth_l1", "tiny_beta")
    y = rng.integers(-8, 9, 16) * F32(1e-30)
    x = y + rng.integers(-3, 4, 16) * F32(1e-30)
    add("smooth_l1", "smooth_l1_beta1e-30_tiny_diffs", f32(x), f32(y), f=[1e-30])
    add("smooth_l1", "smooth_l1_beta1e-30_tiny_random",
        rng.normal(0, 1e-30, 15), rng.normal(0, 1e-30, 15), f=[1e-30])
    add("smooth_l1", "smooth_l1_beta0_ties", [1, -2, 0, 3.5, 0], [1, -2, 0, 3.5, 1], f=[0.0])
    add("l1", "l1_ties_and_signs", [1, -2, 0, -0.0, 3.5, 4], [1, -2, -0.0, 0, 3, 5])

    # bce: weights of various lengths, targets, pinned behaviours
    for j, (wl, hard) in enumerate(((None, 0), (None, 1), (1, 0), ("div", 1), ("n", 0),
                                    ("n", 1), ("div", 0))):
        n = [16, 33, 9, 32, 17, 8, 1023][j]
        rng = rng_for("bce", "w", j)
        x, y = base("bce", rng, n, kind=hard)
        a0 = None
        if wl is not None:
            L = 1 if wl == 1 else (n if wl == "n" else {32: 8, 1023: 31}[n])
            a0 = rng.uniform(0, 3, L)
        add("bce", "bce_w%s_%s_n%d" % ("none" if wl is None else L, "hard" if hard else "soft",
                                      n), x, y, a0=a0)
    add("bce", "bce_p0_y1_grad_minus_1e12", [0, 0, 1, 1], [1, 0, 0, 1])
    add("bce", "bce_saturation", [1e-45, 3.7e-44, 1e-38, 1e-30, 1 - 2**-24, 0.999, 2**-24, 0.5],
        [1, 1, 1, 1, 0, 0, 1, 1])
    add("bce", "bce_unchecked_targets", [0.5, 0.30000001, 0.5, 0.2], [2, -1, NAN, 0.5])
    add("bce", "bce_weight_nan", [0.5, 0.3, 0.7, 0.1, 0.9, 0.4], [1, 0, 1, 0, 1, 0],
        a0=[1.0, NAN, 2.0])
    # EDOMAIN
    for name, x in (("neg_at0", [-0.1, 0.5, 0.5]),
                    ("gt1_mid", [0.5] * 8 + [1.5] + [0.5] * 8),
                    ("nan_tail", [0.25] * 16 + [NAN]),
                    ("negtiny_tail", [0.75] * 32 + [-1e-45]),
                    ("first_of_several", [0.5] * 20 + [INF] + [0.5] * 5 + [-1.0] + [NAN] * 6),
                    ("neginf", [0.5, -INF]),
                    ("one_plus_ulp", [0.5] * 3 + [1.0000001] + [0.2] * 5),
                    ("nan_at0_n1", [NAN])):
        add("bce", "bce_edomain_" + name, x, np.full(len(x), 1.0))
    add("bce", "bce_edomain_with_weight", [0.5] * 15 + [1.5], [0.0] * 16, a0=[1.0, 2.0])

    # bce_with_logits: weight / pos_weight lengths 1, C | n, n; soft targets; edges
    LOGIT_EDGE = [0.0, 16, -16, 20, -20, 88, -88, 89, -89, 100, -100, INF, -INF]
    combos = [(None, None), (1, None), (None, 1), ("C", None), (None, "C"), ("C", "C"),
              ("n", "n"), (1, "C"), ("n", 1), ("C", "n")]
    for j, (wl, pl) in enumerate(combos):
        n = [16, 9, 33, 32, 15, 24, 17, 8, 1024, 30][j]
        C = {16: 4, 9: 3, 33: 11, 32: 8, 15: 5, 24: 6, 17: 17, 8: 4, 1024: 32, 30: 3}[n]
        rng = rng_for("bce_with_logits", "wp", j)
        x, y = base("bce_with_logits", rng, n, kind=j)
        L = lambda s: None if s is None else (1 if s == 1 else (C if s == "C" else n))
        a0 = None if wl is None else rng.uniform(0, 3, L(wl))
        a1 = None if pl is None else rng.uniform(0.5, 3, L(pl))
        add("bce_with_logits", "bce_with_logits_w%s_pw%s_n%d" % (
            "none" if a0 is None else len(a0), "none" if a1 is None else len(a1), n),
            x, y, a0=a0, a1=a1)
    for j, (a0, a1) in enumerate(((None, None), ([2.0], [3.0]), (None, [0.5, 2.0, 1.0]))):
        rng = rng_for("bce_with_logits", "logit_edges", j)
        n = 27
        x = rng.normal(0, 3, n)
        x[: len(LOGIT_EDGE)] = LOGIT_EDGE
        y = rng.integers(0, 2, n).astype(float)
        y[n - 4:] = [0.25, 0.5, 0.75, 1.0]
        add("bce_with_logits", "bce_with_logits_logit_edges_%d" % j, x, y, a0=a0, a1=a1)
    add("bce_with_logits", "bce_with_logits_negative_pos_weight", [-1, 0.5, 2, -3],
        [1, 1, 0.5, 0], a1=[-0.5, 2.0])
    add("bce_with_logits", "bce_with_logits_nan_aux", [-1, 0.5, 2, -3, 1, 0.25],
        [1, 1, 0.5, 0, 1, 0], a0=[1.0, 2.0, NAN], a1=[NAN, 2.0])

    # ALE grid alpha x gamma x ls with edge predictions
    ALE_EDGE = [-0.5, 0.0, 1e-9, 1e-7, 1 - 1e-7, 1.0, 1.5]
    kk = 0
    for alpha in (0.0, 0.25, 1.0):
        for gamma in (0.0, 1.0, 2.0, 3.0, 2.5):
            for ls in (0.0, 0.1, 0.5):
                n = max(sz(kk), 8)
                kk += 1
                rng = rng_for("ale", alpha, gamma, ls)
                x, y = base("ale", rng, n, kind=kk)
                place(rng, x, ALE_EDGE[kk % 7:] + ALE_EDGE[: kk % 7][: max(0, n // 2 - 7)])
                y[rng.integers(0, n)] = 1.0
                y[rng.integers(0, n)] = 0.0
                y[n - 1] = x[n - 1]  # tie in the tail
                add("ale", "ale_a%g_g%g_ls%g_n%d" % (alpha, gamma, ls, n), x, y,
                    f=[alpha, gamma, ls])
    # exact clip boundaries and label-smoothing boundaries
    e, ome = float(EPS), float(F32(1) - EPS)
    add("ale", "ale_clip_exact_bounds", [e, ome, e, ome, 0.1, 0.9, 0.5, 0.5, 0.1],
        [0, 1, 1, 0, 0.1, 0.9, 0.1, 0.9, 0], f=[0.25, 2, 0.1])
    add("ale", "ale_ls_bounds", [0.1, 0.5, 0.9, 0.3, 0.7, 0.1], [0, 0.5, 1, 0.2, 0.8, 0.05],
        f=[0, 0, 0.1])
    add("ale", "ale_infinities", [INF, -INF, 0.5, 0.5, 1e-45, 3e38], [0, 1, INF, -INF, 1, 0],
        f=[0.25, 1, 0])

    # Keras binary focal grid gamma x alpha x ls
    kk = 0
    for gamma in (0.0, 0.5, 1.0, 2.0, 3.0):
        for alpha in (-1.0, 0.25):
            for ls in (0.0, 0.1):
                n = max(sz(kk + 5), 8)
                kk += 1
                rng = rng_for("binary_focal", gamma, alpha, ls)
                x, y = base("binary_focal", rng, n, kind=kk)
                place(rng, x, ALE_EDGE[kk % 7:] + ALE_EDGE[: kk % 7][: max(0, n // 2 - 7)])
                y[n - 1] = x[n - 1]
                add("binary_focal", "binary_focal_g%g_a%g_ls%g_n%d" % (gamma, alpha, ls, n),
                    x, y, f=[gamma, alpha, ls])
    add("binary_focal", "binary_focal_clip_exact_bounds",
        [e, ome, e, ome, 0.0, 1.0, 0.5, 0.25], [0, 1, 1, 0, 1, 0, 0.5, 1], f=[2, 0.25, 0.1])
    add("binary_focal", "binary_focal_gamma2.5_alpha1_ls0.5", [0.1, 0.9, 0.5, 0.3, 0.7, 1e-7],
        [0, 1, 1, 0, 0.5, 1], f=[2.5, 1.0, 0.5])

    # sigmoid focal grid alpha x gamma with logit edges
    kk = 0
    for alpha in (-1.0, 0.25, 0.5):
        for gamma in (0.0, 0.5, 1.0, 2.0, 3.0):
            n = max(sz(kk + 2), 16)
            kk += 1
            rng = rng_for("sigmoid_focal", alpha, gamma)
            x, y = base("sigmoid_focal", rng, n, kind=kk)
            place(rng, x, [0.0, 16, -16, 20, -20, 88, -89, 100, -100][: n // 2])
            add("sigmoid_focal", "sigmoid_focal_a%g_g%g_n%d" % (alpha, gamma, n), x, y,
                f=[alpha, gamma])
    add("sigmoid_focal", "sigmoid_focal_gamma2.5", [-2, -0.5, 0, 0.5, 2, 5, -5],
        [1, 0, 1, 0.3, 0, 1, 0], f=[0.25, 2.5])
    add("sigmoid_focal", "sigmoid_focal_infinities", [INF, -INF, INF, -INF, 0.0],
        [0, 0, 1, 1, 0.5], f=[0.25, 2.0])

    # soft margin: logits edges, targets other than +-1
    for j in range(3):
        n = [16, 31, 9][j]
        rng = rng_for("soft_margin", "br", j)
        x, y = base("soft_margin", rng, n)
        place(rng, x, LOGIT_EDGE[: n - 1])
        if j == 2:
            y[:4] = [0.5, 0.0, 2.0, -3.0]
        add("soft_margin", "soft_margin_logit_edges_%d_n%d" % (j, n), x, y)

    # hinge embedding: margins, other labels, kinks margin - x == 0
    for j, m in enumerate((1.0, 2.5, -0.5)):
        for kind in (0, 1):
            n = [15, 32, 9, 33, 17, 8][2 * j + kind]
            rng = rng_for("hinge_embedding", m, kind)
            x, y = base("hinge_embedding", rng, n)
            if kind:
                y[rng.permutation(n)[:4]] = [0.0, 2.0, 0.5, -2.0]
            x[rng.permutation(n)[:3]] = m  # exact kinks
            add("hinge_embedding", "hinge_embedding_m%g_%s_n%d" % (
                m, "otherlabels" if kind else "pm1", n), x, y, f=[m])

    # kl_div: log_target 0/1, zeros, negative targets, -inf inputs
    for lt in (0, 1):
        for j in range(3):
            n = [16, 33, 24][j]
            rng = rng_for("kl_div", lt, j)
            x, y = base("kl_div", rng, n, kind=lt)
            if j == 1:
                if lt == 0:
                    y[rng.permutation(n)[:5]] = 0.0
                    y[rng.permutation(n)[:2]] = [-0.2, -1e-30]
                x[rng.permutation(n)[:2]] = [-INF, -100.0]
            if j == 2:
                x = rng.normal(0, 3, n)
                y = rng.uniform(0, 2, n) if lt == 0 else rng.normal(0, 2, n)
            add("kl_div", "kl_div_lt%d_%s_n%d" % (lt, ["rows", "zeros_neg", "unnormalised"][j],
                                                   n), x, y, i=[lt])

    # poisson_nll: log_input x full x eps
    for li in (1, 0):
        for full in (0, 1):
            for eps in (1e-8, 0.1):
                n = nxt()
                n = max(n, 9)
                rng = rng_for("poisson_nll", li, full, eps)
                x, y = base("poisson_nll", rng, n, kind=0 if li else 1)
                y[: 4] = [0.0, 1.0, 2.0, 1.0000001]  # t <= 1 mask boundary
                if not li:
                    x[4] = 0.0
                add("poisson_nll", "poisson_nll_li%d_full%d_eps%g_n%d" % (li, full, eps, n),
                    x, y, f=[eps], i=[li, full])
    add("poisson_nll", "poisson_nll_linear_negative_input", [-1, -1e-9, 0.5, 2], [1, 2, 0, 3],
        f=[1e-8], i=[0, 1])

    # gaussian_nll: full x eps x var_len
    for full in (0, 1):
        for eps in (1e-6, 0.01):
            for vk in ("1", "half", "n"):
                n = {"1": [15, 16], "half": [32, 18], "n": [17, 9]}[vk][full]
                rng = rng_for("gaussian_nll", full, eps, vk)
                x, y = base("gaussian_nll", rng, n)
                vl = {"1": 1, "half": n // 2, "n": n}[vk]
                v = var_values(rng, vl)
                if vl >= 4:
                    v[:4] = [0.0, 1e-8, 1e-6, eps]
                elif vk == "1":
                    v[0] = [1.5, 1e-8][full]
                add("gaussian_nll", "gaussian_nll_full%d_eps%g_vl%d_n%d" % (full, eps, vl, n),
                    x, y, f=[eps], i=[full], a0=v)
    rng = rng_for("gaussian_nll", "divisor")
    add("gaussian_nll", "gaussian_nll_vl3_n33", rng.normal(0, 1, 33), rng.normal(0, 1, 33),
        f=[1e-6], i=[1], a0=[0.5, 1e-8, 2.0])
    add("gaussian_nll", "gaussian_nll_large_vl_n_n1025", rng.normal(0, 1, 1025),
        rng.normal(0, 1, 1025), f=[1e-6], i=[0], a0=rng.uniform(0, 2, 1025))
    add("gaussian_nll", "gaussian_nll_var_nan_inf", [0.5, 1, 2, -1, 3, 0], [1, 1, 0, 0.5, 3, 0],
        f=[1e-6], i=[0], a0=[NAN, 1.0, INF])

    # Keras log_cosh scales
    for kind, s in enumerate(("1", "1e-3", "1e3")):
        n = nxt()
        rng = rng_for("log_cosh", s)
        x, y = base("log_cosh", rng, n, kind=kind)
        add("log_cosh", "log_cosh_scale%s_n%d" % (s, n), x, y)
    add("log_cosh", "log_cosh_large_errors", [20, -20, 44, -44, 89, -89, 1e19, -1e19],
        [0, 0, 0, 0, 0, 0, 0, 0])

    # Keras hinge / squared_hinge: binary vs not, whole-case test, kinks
    for loss in ("hinge", "squared_hinge"):
        for j, kind in enumerate(("binary", "pm1", "mixed", "binary_but_tail", "all_zero",
                                  "binary_nan_tail")):
            n = [17, 16, 9, 33, 8, 15][j]
            rng = rng_for(loss, kind)
            x = rng.normal(0, 1.5, n)
            if kind in ("binary", "binary_but_tail", "binary_nan_tail"):
                y = rng.integers(0, 2, n).astype(float)
            elif kind == "pm1":
                y = np.where(rng.integers(0, 2, n) > 0, 1.0, -1.0)
            elif kind == "mixed":
                y = rng.choice([0.0, 1.0, 0.5, -1.0, 2.0], n)
            else:
                y = np.zeros(n)
            if kind == "binary_but_tail":
                y[-1] = -1.0
            if kind == "binary_nan_tail":
                y[-1] = NAN
            # exact kinks 1 - y' x == 0
            yp = 2 * y - 1 if kind in ("binary", "all_zero") else y
            for p in rng.permutation(n)[:3]:
                if yp[p] in (1.0, -1.0, 2.0, 0.5):
                    x[p] = 1.0 / yp[p]
            add(loss, "%s_%s_n%d" % (loss, kind, n), x, y)

    # mape
    rng = rng_for("mape", "edges")
    y = rng.normal(0, 10, 16)
    y[:6] = [0.0, -0.0, 1e-9, 1e-7, -1e-7, 2e-7]
    x = y + rng.normal(0, 1, 16)
    x[6] = y[6]
    add("mape", "mape_small_targets_n16", x, y)
    # msle
    rng = rng_for("msle", "edges")
    x = rng.uniform(0, 10, 17)
    y = rng.uniform(0, 10, 17)
    x[:6] = [float(EPS), 0.0, -1.0, 9e-8, float(np.nextafter(EPS, F32(1))), 1e30]
    y[:6] = [0.0, float(EPS), 5.0, -3.0, 1e-9, 1e29]
    add("msle", "msle_eps_and_negatives_n17", x, y)
    # poisson
    rng = rng_for("poisson", "edges")
    x = rng.uniform(0, 4, 16)
    y = rng.poisson(2, 16).astype(float)
    x[:5] = [0.0, -1e-7, -2e-7, 1e-9, -0.5]
    y[:5] = [1, 1, 0, 3, 2]
    add("poisson", "poisson_edges_n16", x, y)
    # margin ranking: margins, exact kinks -y (x1 - x2) + margin == 0, infinities
    for j, m in enumerate((0.0, 0.5, -1.0, 2.0)):
        n = [16, 33, 9, 17][j]
        rng = rng_for("margin_ranking", m)
        x, y = base("margin_ranking", rng, n)
        x2 = rng.normal(0, 2.0, n)
        for p in rng.permutation(n)[:4]:  # exact kinks for y = +-1
            if y[p] in (1.0, -1.0):
                x[p] = x2[p] + y[p] * m
        add("margin_ranking", "margin_ranking_m%g_n%d" % (m, n), x, y, f=[m], x2=x2)
    add("margin_ranking", "margin_ranking_infinities", [INF, -INF, INF, 1, 2], [1, -1, 1, 1, 0],
        f=[0.5], x2=[1, 1, INF, -INF, 1])
    for loss in ("mape", "msle", "poisson"):
        for kind in range(2):
            n = nxt()
            rng = rng_for(loss, "rand", kind)
            x, y = base(loss, rng, n, kind=kind)
            add(loss, "%s_random_%d_n%d" % (loss, kind, n), x, y)


# ------------------------------------------------------------------ write --
def write(loss, notes):
    path = os.path.join(OUT, loss + ".txt")
    nf, ni, naux = LOSSES[loss]
    lines = ["# simdloss golden vectors for %s: tests/golden/gen.py, torch %s, numpy %s"
             % (loss, torch.__version__, np.__version__),
             "# format: tests/golden/README.md; floats are float32 bit patterns"]
    for c in CASES[loss]:
        r = evaluate(c, notes)
        n = len(c["x"])
        if c["note"]:
            lines.append("# " + c["note"])
        lines.append("case " + c["name"])
        if nf:
            lines.append("f " + hexs(c["f"]))
        if ni:
            lines.append("i " + " ".join(str(v) for v in c["i"]))
        lines.append("n %d" % n)
        lines.append(("in 0 " + hexs(c["x"])).rstrip())
        if c["x2"] is not None:
            lines.append(("in 1 " + hexs(c["x2"])).rstrip())
        lines.append(("tgt 0 " + hexs(c["y"])).rstrip())
        for j, k in enumerate(("a0", "a1")):
            if c[k] is not None:
                lines.append("cyc %d %d %s" % (j, len(c[k]), hexs(c[k])))
        if "edomain" in r:
            lines.append("edomain %d" % r["edomain"])
        else:
            lines.append(("none " + hexs(r["none"])).rstrip())
            lines.append(("gnone 0 " + hexs(r["gnone"])).rstrip())
            lines.append(("gmean 0 " + hexs(r["gmean"])).rstrip())
            if "gnone2" in r:
                lines.append(("gnone 1 " + hexs(r["gnone2"])).rstrip())
                lines.append(("gmean 1 " + hexs(r["gmean2"])).rstrip())
            if loss == "gaussian_nll":
                lines.append("gcsum " + hexs(r["gasum"]))
                lines.append("gcmean " + hexs(r["gamean"]))
            lines.append("mean " + hexs([r["mean"]]))
            lines.append("sum " + hexs([r["sum"]]))
            for L, m, s in r["prefix"]:
                lines.append("prefix %d %s %s" % (L, hexs([m]), hexs([s])))
        lines.append("end")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def main():
    pinned()
    branches()
    for loss in LOSSES:
        generic(loss)
    notes = []
    total = 0
    for loss in LOSSES:
        path = write(loss, notes)
        size = os.path.getsize(path)
        total += size
        print("%-16s %3d cases %8d bytes" % (loss, len(CASES[loss]), size))
    print("total %d bytes" % total)
    for s in notes:
        print("note:", s)


if __name__ == "__main__":
    sys.exit(main())
