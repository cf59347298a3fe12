#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden-vector generator for simdloss's losses with several inputs (the
registry's X2 arguments): cosine_embedding and triplet_margin.

Writes tests/golden/embedding/<loss>.txt (format: README.md beside this file,
"Losses with several inputs") from PyTorch 1.13 float32 on the CPU:
F.cosine_embedding_loss (input1, input2, one target per row) and
F.triplet_margin_loss (anchor, positive, negative), gradients by autograd with
respect to every input. As gen_class.py: where torch's float32 value is more
than 4 ulp from the float64 evaluation of the same function on the same
float32 data, the float64 value rounded once replaces it (closer_to_f64), and
the library's departures from torch's raw output (include/simdloss.h: NaN in,
NaN out; a zero gradient where a row has no loss) are applied by rule()
and listed in a comment before the case and as `note:` lines.

Deterministic: seeds from the crc32 of the case name, single-threaded torch.
Run with /usr/bin/python3 (Debian's python3-torch); see regenerate.sh.
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen import F32, INF, NAN, check_expected, hexs, pick_red, rng_for, write_all  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench"))
import registry as R  # noqa: E402

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

OUT = os.path.join(HERE, "embedding")

# The registry's losses with further inputs (X2), by short name: their float and int parameters
# (the golden files' parameter lines, in registry order), their inputs (the input, then the X2
# in index order: x0, x1, x2 in the files) and their kind of target ("row": one float per row,
# the y line; "none").
REG = {L["short"]: L for L in R.class_losses() if L["x2"]}
LOSSES = list(REG)
NIN = {k: 1 + len(L["x2"]) for k, L in REG.items()}
ROW_TARGET = {k for k, L in REG.items() if L["target"]["kind"] == "row"}
assert all(L["target"]["kind"] in ("row", "none") for L in REG.values())


def f32(v):
    return np.asarray(v, dtype=F32).ravel().copy()


def pf(v):
    return float(F32(v))


# ------------------------------------------------------------- references --
# short name -> f(xs, y, q, red): xs the inputs, (B, D) tensors in the registry's order (the
# input, then the X2); y the row targets (B,) or None; q the registry parameters by name (floats
# as the float32 value, ints as int); red "none", "mean" or "sum". Shared with the benchmark's
# PyTorch side (bench/torch_ref.py).
TORCH = {
    "cosine_embedding": lambda xs, y, q, red: F.cosine_embedding_loss(
        xs[0], xs[1], y, margin=q["margin"], reduction=red),
    "triplet_margin": lambda xs, y, q, red: F.triplet_margin_loss(
        xs[0], xs[1], xs[2], margin=q["margin"], p=q["p"], eps=q["eps"], swap=bool(q["swap"]),
        reduction=red),
}
assert set(TORCH) == set(REG), "TORCH and the registry's losses with several inputs differ"


def params_of(c):
    q = {k: pf(v) for k, v in c["pf"].items()}
    q.update(c["pi"])
    return q


def forward(c, xs, red):
    """torch on the case's data: xs the leaves (flat, float32 or float64)."""
    B, D = c["B"], c["D"]
    y = None if c["y"] is None else torch.tensor(c["y"]).to(xs[0].dtype)
    return TORCH[c["loss"]]([x.view(B, D) for x in xs], y, params_of(c), red)


# ---- the library's semantics in float64, per row (include/simdloss.h) -----
def rows64(c):
    """Per row, in float64 on the float32 data: the state of the row under the library's
    rules ("nan": loss NaN, "off": loss 0 and a zero gradient (a target other than +-1, or
    the clamp's argument < 0), "on": the gradient flows) and the magnitudes of the terms
    that cancel in its loss (B values) and in each input's gradient (NIN x B*D values, before
    the reduction's factor), for closer_to_f64's assertion."""
    B, D = c["B"], c["D"]
    xs = [x.astype(np.float64).reshape(B, D) for x in c["xs"]]
    q = params_of(c)
    with np.errstate(all="ignore"):
        if c["loss"] == "cosine_embedding":
            x1, x2 = xs
            y = c["y"].astype(np.float64)
            P = np.sum(x1 * x2, axis=1)
            m1 = np.sum(x1 * x1, axis=1) + 1e-12
            m2 = np.sum(x2 * x2, axis=1) + 1e-12
            Dn = np.sqrt(m1 * m2)
            cos = P / Dn
            z = cos - q["margin"]
            pm = (y == 1) | (y == -1)
            state = np.where(~pm, "off", np.where(np.isnan(cos), "nan",
                                                  np.where((y == -1) & (z < 0), "off", "on")))
            lmag = 1.0 + np.abs(cos) + np.abs(q["margin"])
            c1 = (np.abs(cos) / m1)[:, None]
            c2 = (np.abs(cos) / m2)[:, None]
            gmag = [np.abs(x2) / Dn[:, None] + c1 * np.abs(x1),
                    np.abs(x1) / Dn[:, None] + c2 * np.abs(x2)]
        else:
            a, p, n = xs
            P, eps, swap = q["p"], q["eps"], q["swap"]

            def dist(u, v):
                d = u - v + eps
                s = np.sum(np.abs(d) ** P, axis=1)
                r = s ** (1.0 / P)
                # |h| = |d d / d u| per element: (|delta| / dist)^(P - 1) (<= 1 for P >= 1)
                h = np.where(r[:, None] > 0, (np.abs(d) / r[:, None]) ** (P - 1), 0.0)
                h = np.where(np.abs(d) > 0, h, 0.0)
                return r, np.nan_to_num(h, nan=0.0, posinf=0.0)

            dap, hap = dist(a, p)
            dan, han = dist(a, n)
            dn = dan
            hpn = np.zeros_like(han)
            if swap:
                dpn, hpn = dist(p, n)
                dn = np.minimum(dan, dpn)  # NaN if either is
            z = q["margin"] + dap - dn
            state = np.where(np.isnan(z), "nan", np.where(z < 0, "off", "on"))
            lmag = np.abs(q["margin"]) + np.abs(dap) + np.abs(dn)
            gmag = [hap + han, hap + hpn, han + hpn]
    return state, np.nan_to_num(lmag, nan=1.0, posinf=1.0), [
        np.nan_to_num(g, nan=0.0, posinf=0.0).ravel() for g in gmag]


# ------------------------------------------------------------------ cases --
CASES = {k: [] for k in LOSSES}


def add(loss, name, B, D, xs=(), y=None, status=None, note=None, expect=None, **params):
    """One case. xs: the inputs in registry order (each B*D values, row-major); y: the row
    targets (losses with a row target); status: None or ("EINVAL",); params: the registry
    parameters by name, the registry's default for those not given. expect: a worked
    example's values, {"none": [...], "mean": v, "gmean0": [...], ...}, checked by
    check_expect()."""
    assert " " not in name and all(c["name"] != name for c in CASES[loss]), name
    L = REG[loss]
    unknown = set(params) - {q["name"] for q in L["pf"] + L["pi"]}
    assert not unknown, (name, unknown)
    pfv = {q["name"]: F32(params.get(q["name"], q["default"])) for q in L["pf"]}
    piv = {q["name"]: int(params.get(q["name"], q["default"])) for q in L["pi"]}
    xs = [f32(x) for x in xs] if len(xs) else [f32([]) for _ in range(NIN[loss])]
    assert len(xs) == NIN[loss], name
    assert all(len(x) == B * D for x in xs), (name, [len(x) for x in xs], B, D)
    if loss in ROW_TARGET:
        y = f32([] if y is None else y)
        assert len(y) == B, name
    else:
        assert y is None, name
    CASES[loss].append(dict(loss=loss, name=name, B=B, D=D, xs=xs, y=y, pf=pfv, pi=piv,
                            status=status, note=note, expect=expect))


def ordered(v):
    """float32 values as integers ordered like the floats (for ulp distances)."""
    b = np.asarray(v, dtype=F32).view(np.int32).astype(np.int64)
    return np.where(b < 0, -(b & 0x7FFFFFFF), b)


def closer_to_f64(c, what, v32, v64, scale, changes):
    """gen_class.py's rule: where torch's float32 value is more than 4 ulp from the float64
    evaluation of the same function on the same float32 data, the float64 value rounded once
    replaces it. Differences of 1e-3 relative or more must be cancellations, tiny against the
    magnitude of the cancelling terms (scale: rows64's, times the reduction's factor), so that a
    replacement never picks the other side of a kink (the clamp, the swap's minimum)."""
    r64 = v64.astype(F32)
    scale = np.maximum(1.0, scale)
    fin = np.isfinite(v32) & np.isfinite(r64)
    with np.errstate(all="ignore"):
        diff = np.abs(v32.astype(np.float64) - v64)
        rel = diff / np.abs(v64)
        ok = np.abs(ordered(v32) - ordered(r64)) <= 4
    bad = fin & ~ok
    big = bad & ~(rel < 1e-3)
    worst = big & (diff > 1e-6 * np.maximum(scale, np.abs(v64)))
    assert not worst.any(), (c["name"], what, np.nonzero(worst)[0][:8], v32[worst][:8],
                             v64[worst][:8])
    if bad.any():
        why = []
        if (bad & ~big).any():
            why.append("torch float32 off by up to %.2g relative" % float(np.max(rel[bad & ~big])))
        if big.any():
            why.append("%d cancellation(s)" % int(big.sum()))
        changes.append("%s: %d value(s) from float64 (%s)" % (what, int(bad.sum()),
                                                              ", ".join(why)))
        v32[bad] = r64[bad]


def rule(c, r, state):
    """The library's departures from torch (include/simdloss.h), per row: a row whose loss is
    NaN has NaN gradients for every input (torch: 0 where clamp_min's NaN >= 0 is false, or
    finite values where a NaN does not reach an element); a row with no loss (a target other
    than +-1, or the clamp's argument < 0) has loss 0 and a zero gradient whatever it holds
    (torch: NaN through 0 * inf or 0 / NaN in the backward of a row holding NaN or inf).
    Returns the changes made to torch's values."""
    B, D, nin = c["B"], c["D"], NIN[c["loss"]]
    changes = []
    for b in range(B):
        ri = np.arange(b * D, (b + 1) * D)
        if state[b] == "nan":
            assert np.isnan(r["none"][b]), (c["name"], b)
            for g in ("gsum", "gmean"):
                for i in range(nin):
                    arr = r[g][i]
                    bad = ~np.isnan(arr[ri])
                    if bad.any():
                        changes.append("%s%d%s" % (g, i, [int(v) for v in ri[bad]]))
                        arr[ri] = NAN
        elif state[b] == "off":
            if r["none"][b] != 0:
                assert np.isnan(r["none"][b]), (c["name"], b)
                changes.append("none[%d]->0" % b)
                r["none"][b] = 0.0
            for g in ("gsum", "gmean"):
                for i in range(nin):
                    arr = r[g][i]
                    bad = arr[ri] != 0
                    # only NaN may become 0: a finite torch gradient here would be the other
                    # side of a kink
                    assert np.isnan(arr[ri][bad]).all(), (c["name"], g, i, b)
                    if bad.any():
                        changes.append("%s%d%s->0" % (g, i, [int(v) for v in ri[bad]]))
                        arr[ri[bad]] = 0.0
    return changes


def evaluate(c, notes):
    B, D, nin = c["B"], c["D"], NIN[c["loss"]]
    if B == 0:  # the header: NONE empty, MEAN NaN, SUM 0
        z = np.zeros(0, F32)
        return dict(none=z, mean=F32(NAN), sum=F32(0), gsum=[z] * nin, gmean=[z] * nin), [], []
    r = {}
    for red in ("none", "sum", "mean"):
        xs = [torch.tensor(x, requires_grad=True) for x in c["xs"]]
        out = forward(c, xs, red)
        if red == "none":
            out.backward(torch.ones_like(out))
            r["none"] = out.detach().numpy().astype(F32).ravel().copy()
            gn = [x.grad.numpy().astype(F32).copy() for x in xs]
        else:
            out.backward()
            r[red + "_t"] = out.item()
            r["g" + red] = [x.grad.numpy().astype(F32).copy() for x in xs]
    # none.backward(ones) is the gradient of SUM (what the API returns for NONE)
    for i in range(nin):
        a, s = gn[i], r["gsum"][i]
        same = (a == s) | (np.isnan(a) & np.isnan(s))
        if not same.all():
            d = np.nanmax(np.abs(a.astype(np.float64) - s))
            if d > 1e-6 * max(1.0, np.nanmax(np.abs(s))):
                notes.append("%s: none.backward(ones) differs from sum.backward() by %g"
                             % (c["name"], d))
    if c["expect"]:
        c["raw32"] = {"none": np.copy(r["none"]), "mean": F32(r["mean_t"])}
        for i in range(nin):
            c["raw32"]["gmean%d" % i] = np.copy(r["gmean"][i])
    state, lmag, gmag = rows64(c)
    # the same function in float64 on the same float32 data
    acc = []
    for red in ("none", "sum", "mean"):
        xs = [torch.tensor(x.astype(np.float64), requires_grad=True) for x in c["xs"]]
        out = forward(c, xs, red)
        if red == "none":
            closer_to_f64(c, "none", r["none"], out.detach().numpy().ravel(), lmag, acc)
        else:
            out.backward()
            f = 1.0 / B if red == "mean" else 1.0
            for i in range(nin):
                closer_to_f64(c, "g%s%d" % (red, i), r["g" + red][i], xs[i].grad.numpy(),
                              gmag[i] * f, acc)
    changes = rule(c, r, state)
    none = r["none"]
    s64 = np.sum(none.astype(np.float64))
    if np.isnan(none).any():
        r["mean"], r["sum"] = F32(NAN), F32(NAN)
    else:
        r["mean"] = pick_red(c["name"], "mean", r["mean_t"], F32(s64 / B), notes)
        r["sum"] = pick_red(c["name"], "sum", r["sum_t"], F32(s64), notes)
    if changes and np.isnan(r["mean_t"]) and not np.isnan(r["mean"]):
        changes.append("mean/sum")
    return r, changes, acc


def check_expect(c, r):
    """A worked example's values (gen.check_expected); gradient keys end in the input's
    number."""
    check_expected(c["name"], c["expect"], c["raw32"],
                   lambda k: r[k] if k in ("none", "mean") else r["gmean"][int(k[-1])])


# ----------------------------------------------------------- generators --
BS = [1, 3, 17, 33, 5, 9, 2]  # batches the random cases cycle through


def batch_for(k, D):
    """The k-th random case's batch at row length D (fewer rows of long ones)."""
    B = BS[k % len(BS)]
    if D >= 1000:
        return 2
    if D >= 128:
        return min(B, 5)
    if D >= 33:
        return min(B, 9)
    return B


def cosine_embedding():
    L = "cosine_embedding"
    a = lambda name, *args, **kw: add(L, "cemb_" + name, *args, **kw)  # noqa: E731
    # the spec's worked examples (torch 1.13, include/simdloss.h's semantics)
    a("spec_margin0", 4, 3, xs=[[[1, 2, 3], [1, 0, 0], [0, 0, 0], [1, 0, 0]],
                                [[2, 1, 0], [-1, 0.5, 0], [1, 1, 1], [0, 1, 0]]],
      y=[1, -1, 1, -1], margin=0.0,
      expect={"none": [0.52190852, 0, 1, 0], "mean": 0.38047713,
              "gmean0": [-0.051224083, -0.012806021, 0.025612041, 0, 0, 0,
                         -144337.56, -144337.56, -144337.56, 0, 0.25, 0],
              "gmean1": [0.017928431, -0.035856858, -0.089642145, 0, 0, 0, 0, 0, 0,
                         0.25, 0, 0]},
      note="y = 1; y = -1 with cos < 0 (no loss); a zero input1 row (cos = 0, its gradient "
           "x2 / sqrt(1e-12 m2) / batch); orthogonal rows with y = -1: cos = 0 = margin, the "
           "clamp's kink, where the gradient flows (clamp_min's backward at equality)")
    a("spec_margin0.5", 2, 3, xs=[[[1, 2, 3], [1, 1, 0]], [[2, 1, 0], [1, 2, 0]]], y=[-1, -1],
      margin=0.5,
      expect={"none": [0, 0.44868326], "mean": 0.22434163,
              "gmean0": [0, 0, 0, -0.079056934, 0.079056948, 0],
              "gmean1": [0, 0, 0, 0.063245557, -0.031622767, 0]})
    a("spec_targets_0_2", 2, 2, xs=[[[1, 0], [1, 1]], [[0, 1], [1, 0]]], y=[0, 2],
      expect={"none": [0, 0], "mean": 0, "gmean0": [0] * 4, "gmean1": [0] * 4},
      note="targets other than +-1: no loss, no gradient")
    # random rows N(0, 1), targets +-1 with ~10% 0 or 2; "scaled": each row of each input
    # scaled by 10^U(-3, 3), and (batch >= 2, 3) an input2 row parallel (2.5 x) and one
    # opposite (-x) to input1's
    k = 0
    for D in (1, 2, 3, 7, 16, 33, 128, 1000):
        for margin in (0.0, 0.5, -0.3):
            for kind in ("n01", "scaled"):
                if kind == "scaled" and (D == 1000 or margin != 0.5):
                    continue
                B = batch_for(k, D)
                k += 1
                name = "D%d_B%d_m%g_%s" % (D, B, margin, kind)
                rng = rng_for(L, name)
                x1 = rng.normal(0, 1, (B, D))
                x2 = rng.normal(0, 1, (B, D))
                u = rng.random(B)
                y = np.where(u < 0.45, 1.0, -1.0)
                y[u > 0.9] = np.where(rng.random(B) < 0.5, 0.0, 2.0)[u > 0.9]
                if kind == "scaled":
                    x1 *= 10.0 ** rng.uniform(-3, 3, (B, 1))
                    x2 *= 10.0 ** rng.uniform(-3, 3, (B, 1))
                    if B >= 2:
                        x2[0] = 2.5 * x1[0]
                    if B >= 3:
                        x2[1] = -x1[1]
                a(name, B, D, xs=[x1, x2], y=y, margin=margin)
    rng = rng_for(L, "edges")
    n4 = lambda: rng.normal(0, 1, 4)  # noqa: E731
    z4 = [0.0] * 4
    for margin in (0.0, 0.5, -0.3):
        a("zero_rows_m%g" % margin, 6, 4, xs=[[z4, n4(), z4, n4(), z4, z4],
                                             [n4(), z4, z4, n4(), n4(), z4]],
          y=[1, 1, 1, -1, -1, -1], margin=margin,
          note="zero rows (input1, input2, both): cos = 0 with the 1e-12 added to each squared "
               "norm; the gradient of a zero row's input is x_other / sqrt(1e-12 m_other) "
               "(large); y = -1: at the margin 0 the clamp's gradient flows")
    par = rng.normal(0, 1, (8, 5))
    k8 = np.array([2.5, 0.1, -1, -10, 1, 3, -0.5, -2])
    for margin in (0.0, 0.5, -0.3):
        a("parallel_opposite_m%g" % margin, 8, 5, xs=[par, par * k8[:, None]],
          y=[1, 1, 1, 1, -1, -1, -1, -1], margin=margin,
          note="input2 = k input1 (k > 0: cos ~ 1, k < 0: cos ~ -1): 1 - cos cancels (y = 1), "
               "cos - margin at +-1 (y = -1)")
    # orthogonal rows on a grid: cos = 0 exactly = the margin 0 (the kink: the gradient flows),
    # and below / above the margins 0.5 and -0.3
    o1 = [[1, 0, 2, 0], [0.5, 0.25, 0, 0], [3, -1, 0, 0], [0, 0, 0, 1]]
    o2 = [[0, 3, 0, -1], [0, 0, 1, 7], [1, 3, 0, 0], [1, 2, 3, 0]]
    for margin in (0.0, 0.5, -0.3):
        a("at_margin_m%g" % margin, 4, 4, xs=[o1, o2], y=[-1, -1, -1, 1], margin=margin,
          note="orthogonal rows: cos = 0 exactly (= margin 0: loss 0, the gradient flows)")
    for margin, nm in ((INF, "inf"), (-INF, "minus_inf")):
        x1, x2 = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4))
        a("margin_%s" % nm, 3, 4, xs=[x1, x2], y=[1, -1, -1], margin=margin,
          note="an infinite margin is valid: y = -1 rows have no loss (margin inf) or an "
               "infinite loss with a finite gradient (margin -inf)")
    x1, x2 = rng.normal(0, 1, (8, 3)), rng.normal(0, 1, (8, 3))
    x1[0, 1] = NAN
    x1[1, 0] = NAN
    x2[2, 2] = NAN
    x2[3, 0] = NAN
    x1[4, 2] = INF
    x2[5, 1] = -INF
    a("nonfinite_rows", 8, 3, xs=[x1, x2], y=[1, -1, 1, -1, 1, -1, 1, -1], margin=0.0,
      note="NaN in a row with y = +-1: its loss and both gradient rows NaN (torch already, "
           "through 0 / NaN in the division's backward); +-inf: cos = inf / inf = NaN, the same")
    x1, x2 = rng.normal(0, 1, (6, 3)), rng.normal(0, 1, (6, 3))
    x1[0, 0] = NAN
    x2[1, 1] = NAN
    x1[2, 2] = INF
    x1[3] = 0.0
    a("no_loss_rows_any_contents", 6, 3, xs=[x1, x2], y=[0, 2, NAN, 0, 1, -1], margin=0.0,
      note="targets 0, 2 and NaN: loss 0 and a zero gradient whatever the row holds (torch: "
           "NaN gradients from a NaN or inf through the division's backward)")
    a("empty", 0, 3)
    a("einval_margin_nan", 2, 3, xs=[rng.normal(0, 1, 6), rng.normal(0, 1, 6)], y=[1, -1],
      margin=NAN, status=("EINVAL",), note="a NaN margin is rejected")
    a("einval_dim0", 2, 0, y=[1, -1], status=("EINVAL",))


def triplet_margin():
    L = "triplet_margin"
    a = lambda name, *args, **kw: add(L, "tri_" + name, *args, **kw)  # noqa: E731
    A = [[0, 0], [1, 2], [0.5, 0.5]]
    P = [[1, 0], [1, 2], [0, 0.5]]
    N = [[0, 2.5], [3, 2], [0.60000002, 0.40000001]]
    g1 = {"gmean0": [-0.0, 0, 0, 0, 0.56903327, -0.23570392],
          "gmean1": [0, -0.0, -0.0, -0.0, -0.33333334, -6.666653e-07],
          "gmean2": [0, -0.0, -0.0, 0, -0.23569995, 0.23570459]}
    a("spec_p2", 3, 2, xs=[A, P, N], margin=1.0, p=2.0,
      expect=dict(none=[0, 0, 1.3585796], mean=0.45285988, **g1),
      note="an inactive row, positive = anchor with the negative far, an active row")
    a("spec_p1", 3, 2, xs=[A, P, N], margin=1.0, p=1.0,
      expect={"none": [0, 0, 1.300002], "mean": 0.43333399,
              "gmean0": [-0.0, 0, 0, 0, 0.66666669, 0],
              "gmean1": [0, -0.0, -0.0, -0.0, -0.33333334, -0.33333334],
              "gmean2": [0, -0.0, -0.0, 0, -0.33333334, 0.33333334]})
    a("spec_p2_swap", 3, 2, xs=[A, P, N], margin=0.5, p=2.0, swap=1,
      expect=dict(none=[0, 0, 0.85857958], mean=0.28619319, **g1))
    a("spec_p3_swap_tie", 1, 2, xs=[[[0, 0]], [[2, 0]], [[1, 1.5]]], margin=1.0, p=3.0, eps=0.0,
      swap=1,
      expect={"none": [1.3644668], "mean": 1.3644668, "gmean0": [-0.81308198, 0.42056561],
              "gmean1": [0.81308198, 0.42056561], "gmean2": [0, -0.84113121]},
      note="d(a, n) = d(p, n) exactly: the swap's minimum splits its gradient 1/2, 1/2")
    a("spec_margin2_swap", 2, 2, xs=[[[0, 0], [1, 1]], [[1, 0], [1, 2]], [[0, 3], [1.5, 1]]],
      margin=2.0, swap=1, expect={"none": [0, 2.5], "mean": 1.25},
      note="row 0: margin + d(a, p) - d(a, n) rounds to 0 in float32 (the gradient flows); "
           "row 1: the swap picks d(a, n) < d(p, n)")
    # random rows: a, p, n N(0, 1) (~20% of the rows scaled by 10^U(-3, 3)); ~20% of the rows
    # with the negative near the anchor (active), ~10% with the positive equal to the anchor
    PS, MS, ES = (1.0, 2.0, 3.0, 1.5, 0.7), (1.0, 0.5, 0.0, -0.5, 2.0), (1e-6, 0.0, 1e-3)
    k = 0
    for D in (1, 2, 3, 7, 16, 33, 128, 1000):
        for P_ in PS:
            if D == 1000 and P_ in (3.0, 1.5):
                continue
            B = batch_for(k, D)
            swap, margin, eps = k % 2, MS[k % len(MS)], ES[(k // 2) % len(ES)]
            k += 1
            name = "D%d_B%d_p%g_m%g_e%g_s%d" % (D, B, P_, margin, eps, swap)
            rng = rng_for(L, name)
            x = rng.normal(0, 1, (3, B, D))
            sc = np.where(rng.random(B) < 0.2, 10.0 ** rng.uniform(-3, 3, B), 1.0)
            x *= sc[None, :, None]
            u = rng.random(B)
            near = u < 0.2
            x[2][near] = x[0][near] + 0.1 * sc[near, None] * rng.normal(0, 1, (int(near.sum()), D))
            same = (u >= 0.2) & (u < 0.3)
            x[1][same] = x[0][same]
            a(name, B, D, xs=list(x), margin=margin, p=P_, eps=eps, swap=swap)
    rng = rng_for(L, "edges")

    def grid(shape, lo=-4, hi=4):
        return rng.integers(lo * 1024, hi * 1024 + 1, shape) / 1024.0

    # z = margin + d(a, p) - d(a, n) = 0 exactly: 2^-10 grids, eps = 0, p = 1 (the negative
    # differs from the anchor in one element by margin + d(a, p)); p = 2 with 3-4-5 rows
    for swap in (0, 1):
        B, D, m = 6, 5, 0.5
        an, po = grid((B, D)), grid((B, D))
        ne = an.copy()
        dap = np.sum(np.abs(an - po), axis=1)
        ne[:, 0] = an[:, 0] + np.where(np.arange(B) % 2, 1, -1) * (m + dap)
        ne[1] = grid(D)  # a random one
        a("z0_grid_p1_s%d" % swap, B, D, xs=[an, po, ne], margin=m, p=1.0, eps=0.0, swap=swap,
          note="margin + d(a, p) - d(a, n) = 0 exactly (but row 1): loss 0, the gradient "
               "flows (clamp_min's backward at equality)" + (
                   "; with swap the minimum may be d(p, n)" if swap else ""))
    a("z0_p2", 3, 2, xs=[[[0, 0], [1, 1], [0, 0]], [[3, 4], [4, 5], [0.75, 1]],
                         [[0, 6], [7, 1], [1.25, 0]]], margin=1.0, p=2.0, eps=0.0,
      note="3-4-5 rows: margin 1 + 5 - 6 = 0, 1 + 5 - 6 = 0, 1 + 1.25 - 1.25 = 1")
    # ties of the swap: p - n = s (a - n) with random signs s (not all +1), so that
    # d(a, n) = d(p, n) exactly with eps = 0 (the spec's p = 3 example is one)
    for P_ in (1.0, 2.0, 3.0, 1.5, 0.7):
        B, D = 4, 3
        an, ne = grid((B, D), -2, 2), grid((B, D), -2, 2)
        sg = np.where(rng.random((B, D)) < 0.5, -1.0, 1.0)
        sg[:, 0] = -1.0
        po = ne + sg * (an - ne)
        po[3] = grid(D, -2, 2)  # one without the tie
        a("swap_ties_p%g" % P_, B, D, xs=[an, po, ne], margin=0.5, p=P_, eps=0.0, swap=1,
          note="d(a, n) = d(p, n) exactly (but row 3): the minimum's gradient split 1/2, 1/2")
    # the positive equal to the anchor: d(a, p) = |eps| D^(1/p), with eps = 0 a zero distance
    # (its gradient 0, torch's norm backward); elements where u - v + eps = 0 with p < 1
    for P_ in (1.0, 2.0, 3.0, 1.5, 0.7):
        for eps in (0.0, 1e-6):
            B, D = 3, 4
            an = rng.normal(0, 1, (B, D))
            ne = an + 0.3 * rng.normal(0, 1, (B, D))
            a("anchor_eq_positive_p%g_e%g" % (P_, eps), B, D, xs=[an, an.copy(), ne],
              margin=1.0, p=P_, eps=eps, swap=int(P_ == 2.0),
              note="positive = anchor" + (": d(a, p) = 0, whose gradient is 0" if eps == 0
                                          else ""))
    for P_ in (0.7, 0.5, 1.5, 3.0):
        an, po, ne = grid((4, 5)), grid((4, 5)), grid((4, 5))
        po[:, :2] = an[:, :2]  # u - v = 0 in two elements of d(a, p)
        ne[:, 4] = an[:, 4]    # and one of d(a, n)
        ne[0] = an[0] + 0.25   # every element of d(a, n) nonzero in row 0
        a("zero_elements_p%g" % P_, 4, 5, xs=[an, po, ne], margin=2.0, p=P_, eps=0.0,
          note="elements with u - v + eps = 0 in a nonzero distance: d |t|^p / dt there is 0 "
               "(p > 1), or torch's 0 where it is infinite (p < 1: its norm backward's "
               "masked_fill)")
    # NaN and inf
    for swap in (0, 1):
        x = rng.normal(0, 1, (3, 7, 3))
        x[0, 0, 1] = NAN
        x[1, 1, 0] = NAN
        x[2, 2, 2] = NAN
        x[1, 3, 1] = INF    # d(a, p) = inf: loss inf
        x[2, 4, 0] = -INF   # d(a, n) = inf: z = -inf, no loss
        x[0, 5, 2] = INF    # inf in the same element of all three: inf - inf = NaN
        x[2, 5, 2] = INF
        x[1, 5, 2] = INF
        a("nonfinite_rows_s%d" % swap, 7, 3, xs=list(x), margin=1.0, swap=swap,
          note="NaN in the anchor, positive or negative: the row's loss and every gradient "
               "NaN (torch: clamp_min's backward of NaN is 0, its gradients 0 where a NaN does "
               "not reach them); inf - inf in a difference: NaN, the same; d(a, n) = inf: no "
               "loss, a zero gradient (torch: 0 * inf / inf = NaN); d(a, p) = inf: loss inf "
               "(torch's gradient, NaN where inf / inf)")
    x3 = [rng.normal(0, 1, 6) for _ in range(3)]
    a("empty", 0, 3)
    for nm, kw in (("p0", {"p": 0.0}), ("p_minus1", {"p": -1.0}), ("p_inf", {"p": INF}),
                   ("p_nan", {"p": NAN}), ("margin_nan", {"margin": NAN}),
                   ("eps_nan", {"eps": NAN})):
        a("einval_" + nm, 2, 3, xs=x3, status=("EINVAL",), **kw)
    a("einval_dim0", 2, 0, status=("EINVAL",))


# ------------------------------------------------------------------ write --
def write(loss, notes):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, loss + ".txt")
    L = REG[loss]
    lines = ["# simdloss golden vectors for %s: tests/golden/gen_embedding.py, torch %s, numpy %s"
             % (loss, torch.__version__, np.__version__),
             "# format: tests/golden/README.md (losses with several inputs); floats are float32 "
             "bit patterns; inputs x0 = %s, %s" % (
                 L["x"]["name"], ", ".join("x%d = %s" % (i + 1, v["name"])
                                           for i, v in enumerate(L["x2"])))]
    nin = NIN[loss]
    for c in CASES[loss]:
        comments = [c["note"]] if c["note"] else []
        if c["status"] is None:
            r, changes, acc = evaluate(c, notes)
            if c["expect"]:
                check_expect(c, r)
            c["f64"] = bool(acc)
            if acc:
                comments.append("torch float32 replaced by float64 (more than 4 ulp from it): " +
                                "; ".join(acc))
            if changes:
                comments.append("departs from torch 1.13 (NaN in, NaN out / no loss, no "
                                "gradient) at " + " ".join(changes))
                notes.append("%s: %s" % (c["name"], " ".join(changes)))
        else:
            r = None
        for s in comments:
            lines.append("# " + s)
        lines.append("case " + c["name"])
        lines.append("shape %d %d" % (c["B"], c["D"]))
        for pname in L["params"]:
            if pname in c["pi"]:
                lines.append("%s %d" % (pname, c["pi"][pname]))
            else:
                lines.append("%s %s" % (pname, hexs([c["pf"][pname]])))
        for i in range(nin):
            lines.append(("x%d %s" % (i, hexs(c["xs"][i]))).rstrip())
        if c["y"] is not None:
            lines.append(("y " + hexs(c["y"])).rstrip())
        if r is None:
            lines.append("status " + " ".join(str(v) for v in c["status"]))
        else:
            lines.append(("none " + hexs(r["none"])).rstrip())
            lines.append("mean " + hexs([r["mean"]]))
            lines.append("sum " + hexs([r["sum"]]))
            for g in ("gmean", "gsum"):
                for i in range(nin):
                    lines.append(("%s%d %s" % (g, i, hexs(r[g][i]))).rstrip())
        lines.append("end")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


GENERATORS = {"cosine_embedding": cosine_embedding, "triplet_margin": triplet_margin}
assert set(GENERATORS) == set(REG), "a loss with several inputs without cases here"


def main():
    for loss in LOSSES:
        GENERATORS[loss]()
    write_all(LOSSES, CASES, write)


if __name__ == "__main__":
    sys.exit(main())
