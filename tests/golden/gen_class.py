#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Golden-vector generator for simdloss's class-dimension losses.

Writes tests/golden/class/<loss>.txt (format: README.md beside this file,
"Class-dimension losses") from PyTorch 1.13 float32 on the CPU:
cross_entropy, cross_entropy_probs, cross_entropy_bf16 and nll from
F.cross_entropy / F.nll_loss; multi_margin, multilabel_margin and
multilabel_soft_margin from their torch functions; kl_div_logits from
F.kl_div on (log_)softmax(logits / T); Keras 3's categorical_crossentropy,
categorical_hinge, categorical_focal, sparse_categorical_crossentropy,
cosine_similarity, dice and tversky evaluated op by op in torch float32 in
Keras' operation order (torch.clamp for TF's clip_by_value, torch.amax for
reduce_max: both have TF's gradient, including the even split among tied
maxima); jsd as Liger-Kernel's torch reference module (test/transformers/
test_jsd.py's JSD) in torch float32; gradients by autograd. Departures from
torch's raw output (docs/semantics.md, include/simdloss.h) are
listed in README.md and printed as `note:` lines.

Deterministic: seeds from the crc32 of the case name, single-threaded torch.
Run with /usr/bin/python3 (Debian's python3-torch); see regenerate.sh.
"""
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import EPS, F32, INF, NAN, check_expected, hexs, pick_red, rng_for, write_all  # noqa: E402

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "class")

# What the registry (src/losses.def, read by bench/registry.py) says of each
# class loss, by its short name (the registry's name without "_f32", the
# golden file's name): the parameter lines in the golden files, in this order
# (ignore_index, then the float and int parameters in registry order), the
# kind of target, whether weights and inner are taken, and the reference.
# The IGN argument's line is `ignore_index` whatever the registry calls it
# (sparse_categorical_crossentropy's ignore_class): tests/test_class_golden.c
# reads that key.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "bench"))
import registry as R  # noqa: E402

# (losses with several inputs, X2: gen_embedding.py's, tests/golden/embedding/)
REG = {L["short"]: L for L in R.class_losses() if not L["x2"]}
PARAMS = {k: (("ignore_index",) if L["ignore"] else ()) + tuple(L["params"]) for k, L in REG.items()}
LOSSES = list(PARAMS)
INT_TARGET = {k for k, L in REG.items() if L["target"]["kind"] != "float"}
WEIGHTED = {k for k, L in REG.items() if L["weight"]}
ROWS_ONLY = {k for k, L in REG.items() if not L["inner"]}  # inner is always 1
KERAS = {k for k, L in REG.items() if L["ref_lib"] == "keras"}


def f32(v):
    return np.asarray(v, dtype=F32).ravel().copy()


def pf(v):
    return float(F32(v))


# ------------------------------------------------------------------ bf16 --
def bf16_bits(v):
    """float32 -> bfloat16 bits, round to nearest even, every NaN -> 0x7fc0 (c10's
    round_to_nearest_even; torch's vectorised .to(torch.bfloat16) writes 0xffff for
    NaN instead, see README.md)."""
    a = np.asarray(v, dtype=F32).ravel()
    b = a.view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint32) & 0xFFFF
    r[np.isnan(a)] = 0x7FC0
    return r.astype(np.uint16)


def bf16_widen(bits):
    return (np.asarray(bits, dtype=np.uint32) << 16).astype(np.uint32).view(F32)


def hex16(bits):
    return " ".join("%04x" % int(u) for u in np.asarray(bits).ravel())


# ------------------------------------------------------------------ cases --
CASES = {k: [] for k in LOSSES}


# add()'s short keywords for registry parameters (any other parameter is passed by its registry
# name: alpha, beta, temperature, margin, gamma, p, ...)
PARAM_ALIAS = {"ls": "label_smoothing"}
# A loss with a per-class ALPHA array takes add()'s `alpha` as that array; no loss may also have a
# float parameter of that name (the two would share the keyword and forward()'s q["alpha"]).
assert not any(L["alpha"] and "alpha" in L["params"] for L in REG.values())


def add(loss, name, B, C, K=1, x=(), ti=None, tf=None, weight=None, alpha=None, ignore=-100,
        status=None, note=None, keep32=False, expect=None, **params):
    """One case. x: B*C*K logits/inputs (row-major (B, C, K)); ti: int targets; tf: float
    targets; status: None, ("EDOMAIN", first bad target index) or ("EINVAL",); params: the
    loss's float and int parameters by registry name (or PARAM_ALIAS), the registry's default
    for those not given; alpha: the per-class ALPHA array of a loss that has one, else the float
    parameter "alpha". keep32: torch's float32 values stand even where float64 differs (a
    float32 overflow that is the reference's result). expect: the worked example's values
    from the spec, {"none": [...], "mean": v, "gmean": [...]}, checked by check_expect()."""
    assert " " not in name and all(c["name"] != name for c in CASES[loss]), name
    if loss in ROWS_ONLY:
        assert K == 1, name
    L = REG[loss]
    if alpha is not None and not L["alpha"]:
        params["alpha"] = alpha
        alpha = None
    params = {PARAM_ALIAS.get(k, k): v for k, v in params.items()}
    unknown = set(params) - {q["name"] for q in L["pf"] + L["pi"]}
    assert not unknown, (name, unknown)
    pfv = {q["name"]: F32(params.get(q["name"], q["default"])) for q in L["pf"]}
    piv = {q["name"]: int(params.get(q["name"], q["default"])) for q in L["pi"]}
    x = f32(x)
    ti = None if ti is None else np.asarray(ti, dtype=np.int64).ravel().copy()
    tf = None if tf is None else f32(tf)
    xbits = None
    if loss == "cross_entropy_bf16":
        xbits = bf16_bits(x)
        x = bf16_widen(xbits)
    if status is None:
        assert len(x) == B * C * K, (name, len(x), B, C, K)
        if loss in INT_TARGET:
            assert ti is not None and len(ti) == (B * C if loss == "multilabel_margin" else B * K)
        else:
            assert tf is not None and len(tf) == B * C * K, name
            if L["rlab"]:  # optional labels, one per row
                assert ti is None or len(ti) == B * K, name
        if weight is not None:
            assert len(weight) == C and loss in WEIGHTED, name
        if L["alpha"]:
            assert alpha is not None and len(alpha) in (1, C), name
    CASES[loss].append(dict(
        loss=loss, name=name, B=B, C=C, K=K, x=x, xbits=xbits,
        ti=ti, tf=tf,
        weight=None if weight is None else f32(weight),
        alpha=None if alpha is None else f32(alpha),
        ignore=int(ignore), pf=pfv, pi=piv,
        status=status, note=note, keep32=keep32, expect=expect))


# ------------------------------------------------------------- references --
def t32(a):
    return torch.tensor(np.asarray(a, dtype=F32))


def ordered(v):
    """float32 values as integers ordered like the floats (for ulp distances)."""
    b = np.asarray(v, dtype=F32).view(np.int32).astype(np.int64)
    return np.where(b < 0, -(b & 0x7FFFFFFF), b)


def term_scale(c, what):
    """The magnitude of the terms that cancel in each value, where it exceeds 1 for a reason
    the loss's formula gives (None: 1, every other loss). cosine_similarity's gradient
    r (l2n(t) - l2n(x) (l2n(x) . l2n(t))) has terms of r = rsqrt(max(sum x^2, 1e-14)), the
    prediction row's inverse norm (up to 1e7), divided by the batch for MEAN."""
    if c["loss"] != "cosine_similarity" or what == "none":
        return None
    B, C = c["B"], c["C"]
    x = c["x"].astype(np.float64).reshape(B, C)
    r = 1.0 / np.sqrt(np.maximum(np.sum(x * x, axis=1, keepdims=True), float(F32(1e-14))))
    return np.repeat(r, C, axis=1).ravel() / (B if what == "gmean" else 1)


def closer_to_f64(c, what, v32, v64, changes):
    """Where torch's float32 value is more than 4 ulp from the float64 evaluation of the
    same formulas on the same float32 data (torch's float64 kernels; float32 accumulation
    over many classes, rounding of cancelling terms), the float64 value rounded once
    replaces it, so that the golden value's own error does not eat into the test's
    tolerance. Differences of 1e-3 relative or more must be cancellations (p - 1 with p within
    an ulp or so of 1, p_c - eps/C, an underflow): asserted tiny in absolute terms, so a
    replacement never picks a different branch of a kink or clip (in terms of the cancelling
    terms' magnitude, where term_scale() gives it)."""
    r64 = v64.astype(F32)
    scale = term_scale(c, what)
    scale = 1.0 if scale is None else np.maximum(1.0, scale)
    fin = np.isfinite(v32) & np.isfinite(r64)
    with np.errstate(all="ignore"):
        diff = np.abs(v32.astype(np.float64) - v64)
        rel = diff / np.abs(v64)
        ok = np.abs(ordered(v32) - ordered(r64)) <= 4
    bad = fin & ~ok
    big = bad & ~(rel < 1e-3)
    assert not (big & (diff > 1e-6 * np.maximum(scale, np.abs(v64)))).any(), (c["name"], what)
    if bad.any():
        changes.append("%s: %d value(s) from float64 (torch float32 off by up to %.2g "
                       "relative%s)" % (what, int(bad.sum()), float(np.max(rel[bad & ~big]))
                                        if (bad & ~big).any() else 0.0,
                                        ", %d cancellation(s)" % int(big.sum()) if big.any()
                                        else ""))
        v32[bad] = r64[bad]


# ---- the reference of every class loss in torch: one table, shared with the
# benchmark's PyTorch side (bench/torch_ref.py) ------------------------------
def _keras_smooth(t, q, C):
    """Keras' label smoothing: y_true * (1.0 - label_smoothing) +
    (label_smoothing / num_classes), the division in float32 (Python floats
    converted to float32 tensors)."""
    ls = q["label_smoothing"]
    if not ls:
        return t
    k = lambda v: torch.tensor(np.asarray(v, dtype=F32)).to(t.dtype)  # noqa: E731
    return t * (1.0 - ls) + k(ls) / k(C)


def _keras_probs(p):
    eps, ome = float(EPS), float(F32(1) - EPS)
    return torch.clamp(p / torch.sum(p, dim=-1, keepdim=True), eps, ome)


def _reduce(l, red):
    if red == "none":
        return l
    return l.mean() if red == "mean" else l.sum()


def _keras_cce(x, t, w, q, red):
    o = _keras_probs(x)
    return _reduce(-torch.sum(_keras_smooth(t, q, x.shape[-1]) * torch.log(o), dim=-1), red)


def _keras_chinge(x, t, w, q, red):
    pos = torch.sum(t * x, dim=-1)
    neg = torch.amax((1.0 - t) * x, dim=-1)
    return _reduce(torch.clamp(neg - pos + 1.0, min=0.0), red)


def _keras_cfocal(x, t, w, q, red):
    o = _keras_probs(x)
    cce = -_keras_smooth(t, q, x.shape[-1]) * torch.log(o)
    mf = torch.pow(1.0 - o, q["gamma"])
    a = q["alpha"]
    wf = mf * (a[0] if len(a) == 1 else torch.tensor(np.asarray(a, dtype=F32)).to(x.dtype))
    return _reduce(torch.sum(wf * cce, dim=-1), red)


def _keras_sparse_cce(x, t, w, q, red):
    """Keras 3's sparse_categorical_crossentropy on probabilities (the JAX backend's
    formula: normalise, clip, -sum(one_hot(y) * log(o))). A row whose target is
    ignore_class has loss 0 (here torch.where; its gradient, NaN in Keras' JAX through the
    zeroed prediction, is 0: nan_rule) and MEAN divides by the rows not ignored (Keras: that
    count + 1e-7), 0 when every row is ignored."""
    keep = t != q["ignore_index"]
    y = torch.where(keep, t, torch.zeros_like(t))
    oh = F.one_hot(y, x.shape[-1]).to(x.dtype)
    l = -torch.sum(oh * torch.log(_keras_probs(x)), dim=-1)
    l = torch.where(keep, l, torch.zeros_like(l))
    if red == "mean":
        return l.sum() / max(int(keep.sum()), 1)
    return _reduce(l, red)


# Keras' normalize(x, order=2): x * rsqrt(max(sum(x^2), epsilon^2)), epsilon = 1e-7 (the
# float32 value of the Python 1e-14, as TF converts it)
_COS_EPS2 = float(F32(1e-14))


def _l2n(v):
    return v * torch.rsqrt(torch.clamp(torch.sum(v * v, dim=-1, keepdim=True), min=_COS_EPS2))


def _keras_cosine(x, t, w, q, red):
    return _reduce(-torch.sum(_l2n(t) * _l2n(x), dim=-1), red)


def _keras_dice(x, t, w, q, red):
    """Keras 3's dice with axis = the row: inputs = y_true, targets = y_pred."""
    inter = torch.sum(t * x, dim=-1)
    d = (2.0 * inter) / (torch.sum(t, dim=-1) + torch.sum(x, dim=-1) + float(EPS))
    return _reduce(1 - d, red)


def _keras_tversky(x, t, w, q, red):
    """Keras 3's tversky per row (its names: false_positives = sum((1 - y_pred) * y_true),
    false_negatives = sum(y_pred * (1 - y_true)))."""
    tp = torch.sum(t * x, dim=-1)
    fp = torch.sum((1 - x) * t, dim=-1)
    fn = torch.sum(x * (1 - t), dim=-1)
    tv = tp / (tp + fp * q["alpha"] + fn * q["beta"] + float(EPS))
    return _reduce(1 - tv, red)


def _kl_div_logits(x, t, w, q, red):
    """Distillation: KL(softmax(t / T) || softmax(x / T)) per row, times T^2 (Hinton et al.);
    'mean' is PyTorch's batchmean (rows / batch)."""
    T = q["temperature"]
    l = F.kl_div(F.log_softmax(x / T, dim=1), F.softmax(t / T, dim=1),
                 reduction="none").sum(dim=1) * T * T
    return _reduce(l, red)


_KL_LOG_TARGET = torch.nn.KLDivLoss(reduction="none", log_target=True)


def _liger_jsd(x, t, w, q, red):
    """Liger-Kernel's generalised Jensen-Shannon divergence, its own torch reference
    (test/transformers/test_jsd.py's JSD module) transcribed: x = log_q, the student's
    log-probabilities (the input), t = log_p, the teacher's (the target), per row
      beta = 0: KL(P || Q) = sum exp(t) (t - x);  beta = 1: KL(Q || P) = sum exp(x) (x - t);
      else m = lerp(exp(x), exp(t), beta):
           beta KL(P || m) + (1 - beta) KL(Q || m)
    (KLDivLoss(reduction='none', log_target=True)). q["labels"]: one int64 label per row or
    None; a row whose label is ignore_index has loss 0 (torch.where) and MEAN divides by the
    rows kept ((loss / n).sum(), Liger's order; 0 when none is), else by the batch."""
    beta, kl = q["beta"], _KL_LOG_TARGET
    if beta == 0.0:
        l = kl(x, t).sum(-1)
    elif beta == 1.0:
        l = kl(t, x).sum(-1)
    else:
        m = torch.lerp(torch.exp(x), torch.exp(t), beta)
        l = beta * kl(torch.log(m), t).sum(-1) + (1 - beta) * kl(torch.log(m), x).sum(-1)
    lab = q.get("labels")
    if lab is None:
        n = l.shape[0]
    else:
        keep = lab != q["ignore_index"]
        l = torch.where(keep, l, torch.zeros_like(l))
        n = int(keep.sum())
    if red == "mean":
        return (l / n).sum() if n else l.sum()  # every row ignored: 0 (the zeros' sum)
    return _reduce(l, red)


# short name -> f(x, t, w, q, red): x the input, (B, C) or (B, C, K) (K > 1,
# or PyTorch's (N, C, d1..dk)); t the target (int64 class indices (B[, K...]),
# label rows (B, C), or floats of x's shape); w the weights or None; q the
# parameters by registry name plus "ignore_index" and "alpha" (a list); red
# "none", "mean" or "sum"; a loss with optional row labels (RLAB: jsd) also finds them
# as q["labels"] (int64 (B,), or None). The Keras 3 losses are evaluated op by op in
# Keras' order (keras/src/losses/losses.py, backend/tensorflow/nn.py):
# torch.clamp for TF's clip_by_value, torch.amax for reduce_max (both have
# TF's gradient, including the even split among tied maxima).
TORCH = {
    "cross_entropy": lambda x, t, w, q, red: F.cross_entropy(
        x, t, weight=w, ignore_index=q["ignore_index"], reduction=red,
        label_smoothing=q["label_smoothing"]),
    "cross_entropy_probs": lambda x, t, w, q, red: F.cross_entropy(
        x, t, weight=w, reduction=red, label_smoothing=q["label_smoothing"]),
    "nll": lambda x, t, w, q, red: F.nll_loss(x, t, weight=w, ignore_index=q["ignore_index"],
                                              reduction=red),
    "categorical_crossentropy": _keras_cce,
    "categorical_hinge": _keras_chinge,
    "categorical_focal": _keras_cfocal,
    "multi_margin": lambda x, t, w, q, red: F.multi_margin_loss(x, t, p=q["p"], margin=q["margin"],
                                                                weight=w, reduction=red),
    "multilabel_margin": lambda x, t, w, q, red: F.multilabel_margin_loss(x, t, reduction=red),
    "multilabel_soft_margin": lambda x, t, w, q, red: F.multilabel_soft_margin_loss(
        x, t, weight=w, reduction=red),
    "sparse_categorical_crossentropy": _keras_sparse_cce,
    "cosine_similarity": _keras_cosine,
    "dice": _keras_dice,
    "tversky": _keras_tversky,
    "kl_div_logits": _kl_div_logits,
    "jsd": _liger_jsd,
}
TORCH["cross_entropy_bf16"] = TORCH["cross_entropy"]  # on the widened logits
assert set(TORCH) == set(REG), "TORCH and the registry's class losses differ"


def forward(c, x, red):
    """torch float32 reference; x is the float32 leaf (flat). Returns the loss for
    reduction red ('none': one value per position). With a float64 x, the same
    formulas in float64 on the same float32 data and parameters."""
    T = lambda a: t32(a).to(x.dtype)  # noqa: E731
    loss, B, C, K = c["loss"], c["B"], c["C"], c["K"]
    L = REG[loss]
    w = None if c["weight"] is None else T(c["weight"])
    xin = x.view(B, C, K) if K > 1 else x.view(B, C)
    kind = L["target"]["kind"]
    if kind == "float":
        t = T(c["tf"])
        t = t.view(B, C, K) if K > 1 else t.view(B, C)
    elif kind == "labels":
        t = torch.tensor(c["ti"]).view(B, C)
    else:
        t = torch.tensor(c["ti"])
        t = t.view(B, K) if K > 1 else t.view(B)
    # every registry parameter by name (floats as the float32 value), ignore_index, and a
    # per-class ALPHA array as "alpha" (a list) where the loss has one
    q = {"ignore_index": c["ignore"]}
    q.update({k: pf(v) for k, v in c["pf"].items()})
    q.update(c["pi"])
    if L["alpha"]:
        q["alpha"] = None if c["alpha"] is None else [pf(a) for a in c["alpha"]]
    if L["rlab"]:  # optional labels per row (the golden file's ti line)
        q["labels"] = None if c["ti"] is None else torch.tensor(c["ti"])
    return TORCH[loss](xin, t, w, q, red)


def positions(c):
    return c["B"] * c["K"]


# The registry's MEAN_KEPT losses: MEAN divides by the number of positions not ignored, and is 0,
# not NaN (0/0), when every one of a non-empty batch is (Keras divides by that count + 1e-7)
MEAN_KEPT = {k for k, L in REG.items() if L["mean"] == "kept"}


def denominator(c):
    """Divisor of MEAN in double (0: MEAN NaN, or 0 for MEAN_KEPT)."""
    loss, B, K = c["loss"], c["B"], c["K"]
    if loss in MEAN_KEPT:  # row labels may be absent (jsd): every row kept
        d = float(B * K if c["ti"] is None else np.sum(c["ti"] != c["ignore"]))
    elif loss in ("cross_entropy", "cross_entropy_bf16", "nll"):
        keep = c["ti"] != c["ignore"]
        if c["weight"] is None:
            d = float(np.sum(keep))
        else:
            d = float(np.sum(c["weight"][c["ti"][keep]].astype(np.float64)))
    else:
        d = float(B * K)
    return d


def row_index(c, b, i):
    """Flat indices of the class vector of position (b, i)."""
    C, K = c["C"], c["K"]
    return (b * C + np.arange(C)) * K + i


def nan_rule(c, r):
    """NaN in, NaN out (docs/semantics.md) and the header's "0 at ignored positions": returns
    the list of changes made to torch's values (empty when torch already agrees)."""
    loss, B, C, K = c["loss"], c["B"], c["C"], c["K"]
    x = c["x"]
    changes = []

    def set_nan(what, idx):
        arr = r[what]
        idx = np.atleast_1d(idx)
        bad = ~np.isnan(arr[idx])
        if bad.any():
            changes.append("%s%s" % (what, list(int(v) for v in idx[bad])))
            arr[idx] = NAN

    def set_zero(what, idx):
        arr = r[what]
        idx = np.atleast_1d(idx)
        bad = arr[idx] != 0
        if bad.any():
            changes.append("%s%s->0" % (what, list(int(v) for v in idx[bad])))
            arr[idx] = 0.0

    for b in range(B):
        for i in range(K):
            pos = b * K + i
            ri = row_index(c, b, i)
            xr = x[ri]
            if loss in ("cross_entropy", "cross_entropy_bf16", "sparse_categorical_crossentropy"):
                # an ignored position is not read: loss 0, gradient 0 (torch's where() leaves a
                # NaN gradient in sparse's rows that sum to 0 or hold NaN); a NaN elsewhere in the
                # row: NaN (sparse: the one-hot sum's 0 * NaN)
                if c["ti"][pos] == c["ignore"]:
                    set_zero("none", pos)
                    for g in ("gsum", "gmean"):
                        set_zero(g, ri)
                elif np.isnan(xr).any():
                    set_nan("none", pos)
                    for g in ("gsum", "gmean"):
                        set_nan(g, ri)
            elif loss == "nll":
                y = c["ti"][pos]
                if y != c["ignore"] and np.isnan(xr[y]):
                    set_nan("none", pos)
                    for g in ("gsum", "gmean"):
                        set_nan(g, ri[y])
            elif loss == "jsd":
                # a row whose label is ignore_index is not read: loss 0, gradient 0 (torch's
                # where() leaves 0 * inf = NaN in the gradient of a row holding -inf or NaN);
                # NaN in another row: its loss NaN (torch already), and its gradient NaN
                # where the element's own value is (torch's, elementwise: beta = 0's -P does
                # not read x; the library's too)
                if c["ti"] is not None and c["ti"][pos] == c["ignore"]:
                    set_zero("none", pos)
                    for g in ("gsum", "gmean"):
                        set_zero(g, ri)
                elif np.isnan(xr).any() or np.isnan(c["tf"][ri]).any():
                    set_nan("none", pos)
            elif loss in ("cross_entropy_probs", "kl_div_logits") or loss in KERAS:
                bad = np.isnan(xr).any() or np.isnan(c["tf"][ri]).any()
                for a in ("weight", "alpha"):
                    if c[a] is not None:
                        bad = bad or np.isnan(c[a]).any()
                if bad:
                    set_nan("none", pos)
                    for g in ("gsum", "gmean"):
                        set_nan(g, ri)
            elif loss == "multi_margin":
                # a NaN input of z = margin - x[y] + x[j]; a z that is NaN from
                # inf - inf alone fails z > 0 as in torch
                y = c["ti"][pos]
                zn = np.isnan(xr) | np.isnan(xr[y])
                zn[y] = False
                if zn.any():
                    set_nan("none", pos)
                    for g in ("gsum", "gmean"):
                        set_nan(g, ri[zn])
                        set_nan(g, ri[y])
            elif loss == "multilabel_margin":
                tr = c["ti"][ri]
                labels = []
                for v in tr:
                    if v < 0:
                        break
                    labels.append(int(v))
                isl = np.zeros(C, dtype=bool)
                isl[labels] = True
                for j in labels:
                    for k in np.nonzero(~isl)[0]:
                        if np.isnan(xr[j]) or np.isnan(xr[k]):
                            set_nan("none", pos)
                            for g in ("gsum", "gmean"):
                                set_nan(g, [ri[j], ri[k]])
            # multilabel_soft_margin: torch's NaN propagation is already elementwise
    return changes


def evaluate(c, notes):
    B, C, K = c["B"], c["C"], c["K"]
    r = {}
    npos, n = positions(c), B * C * K
    if B == 0:
        # docs/semantics.md / header: NONE empty, MEAN NaN, SUM 0 for every loss (multi_margin and
        # multilabel_margin return uninitialised memory in 1.13)
        r.update(none=np.zeros(0, F32), gsum=np.zeros(0, F32), gmean=np.zeros(0, F32),
                 mean=F32(NAN), sum=F32(0))
        return r, [], []
    for red in ("none", "sum", "mean"):
        xt = torch.tensor(c["x"], requires_grad=True)
        out = forward(c, xt, red)
        if red == "none":
            out.backward(torch.ones_like(out))
            r["none"] = out.detach().numpy().astype(F32).ravel().copy()
            gn = xt.grad.numpy().astype(F32).copy()
        else:
            out.backward()
            r[red + "_t"] = out.item()
            r["g" + red] = xt.grad.numpy().astype(F32).copy()
    # none.backward(ones) is the gradient of SUM (what the API returns for NONE)
    same = (gn == r["gsum"]) | (np.isnan(gn) & np.isnan(r["gsum"]))
    if not same.all():
        d = np.nanmax(np.abs(gn.astype(np.float64) - r["gsum"]))
        if d > 1e-6 * max(1.0, np.nanmax(np.abs(r["gsum"]))):
            notes.append("%s: none.backward(ones) differs from sum.backward() by %g" %
                         (c["name"], d))
    assert len(r["none"]) == npos and len(r["gsum"]) == n
    if c["expect"]:
        c["raw32"] = {k: np.copy(r[k]) for k in ("none", "gmean")}
        c["raw32"]["mean"] = F32(r["mean_t"])
    # the same formulas in float64 on the same float32 data
    acc = []
    for red in () if c["keep32"] else ("none", "sum", "mean"):
        xt = torch.tensor(c["x"].astype(np.float64), requires_grad=True)
        out = forward(c, xt, red)
        if red == "none":
            v64 = out.detach().numpy().ravel()
            closer_to_f64(c, "none", r["none"], v64, acc)
        else:
            out.backward()
            g64 = xt.grad.numpy()
            closer_to_f64(c, "g" + red, r["g" + red], g64, acc)
    if c["loss"] == "jsd":
        c["limit"] = jsd_limit_rule(c, r)
    changes = nan_rule(c, r)
    # reductions: torch's float32 value unless > 1e-6 from the double one (gen.py's rule)
    none = r["none"]
    s64 = np.sum(none.astype(np.float64))
    d = denominator(c)
    m64 = s64 / d if d != 0 else (0.0 if c["loss"] in MEAN_KEPT else NAN)
    if np.isnan(none).any():
        r["mean"], r["sum"] = F32(NAN), F32(NAN)
    else:
        r["mean"] = pick_red(c["name"], "mean", r["mean_t"], F32(m64), notes)
        r["sum"] = pick_red(c["name"], "sum", r["sum_t"], F32(s64), notes)
    if changes and not np.isnan(r["mean_t"]) and np.isnan(r["mean"]):
        changes.append("mean/sum")
    return r, changes, acc


def jsd_limit64(x, t, beta):
    """The library's jsd (include/simdloss.h, src/kernels/jsd.h) in float64 on (B, C)
    float64 rows: per element, in Liger's order, with the limit rule (a probability that is
    exactly 0 times a logarithm counts 0). Returns the row losses and d loss / d x."""
    with np.errstate(all="ignore"):
        Q, P = np.exp(x), np.exp(t)

        def pl(p, v):
            return np.where(p == 0, 0.0, p * v)

        if beta == 0.0:
            term, d = pl(P, t - x), -P
        elif beta == 1.0:
            term = pl(Q, x - t)
            d = term + Q
        else:
            bP, qQ = beta * P, (1 - beta) * Q
            M = bP + qQ
            lM = np.log(M)
            term = pl(bP, t) + pl(qQ, x) - pl(M, lM)
            d = pl(qQ, x - lM)
        return term.sum(axis=1), d


def jsd_limit_rule(c, r):
    """jsd's one departure from Liger's torch reference (the header's): where a probability
    that is exactly 0 in float32 (exp of a log-probability below about -103.97, or of -inf)
    multiplies a logarithm, the library takes 0, the limit, where torch computes
    0 * (+-inf) = NaN (P (Y - log M) and Q (X - log M) with M = 0 or Y, X = -inf, the
    gradient's 0 / 0 through log M). Every NaN torch leaves in a kept row's loss or
    gradient that jsd_limit64 (the library's formulas in float64 with that rule) does not
    have is replaced by jsd_limit64's value rounded once, and must come from such a zero
    (asserted); everywhere else jsd_limit64 must agree with the torch values (asserted:
    Liger's formulas and the library's are the same function). Returns the changes."""
    B, C = c["B"], c["C"]
    x = c["x"].astype(np.float64).reshape(B, C)
    t = c["tf"].astype(np.float64).reshape(B, C)
    beta = pf(c["pf"]["beta"])
    l64, d64 = jsd_limit64(x, t, beta)
    keep = np.ones(B, bool) if c["ti"] is None else c["ti"] != c["ignore"]
    n = int(keep.sum())
    with np.errstate(all="ignore"):
        zero = (np.exp(c["x"]) == 0) | (np.exp(c["tf"]) == 0)  # float32 exp underflows
    zrow = zero.reshape(B, C).any(axis=1)
    changes = []
    for what, v64, kept, z in (
            ("none", l64, keep, zrow),
            ("gsum", d64.ravel(), np.repeat(keep, C), zero),
            ("gmean", (d64 / (n if n else 1)).ravel(), np.repeat(keep, C), zero)):
        arr = r[what]
        with np.errstate(all="ignore"):
            both = kept & np.isfinite(arr) & np.isfinite(v64)
            err = np.abs(arr.astype(np.float64) - v64)
            assert (err[both] <= 1e-5 * np.abs(v64[both]) + 1e-6).all(), (c["name"], what)
        assert ((np.isinf(arr) == np.isinf(v64)) | ~kept).all(), (c["name"], what)
        assert (~np.isnan(v64) | np.isnan(arr) | ~kept).all(), (c["name"], what)
        fix = kept & np.isnan(arr) & ~np.isnan(v64)
        if fix.any():
            assert z[fix].all(), (c["name"], what)
            arr[fix] = v64[fix].astype(F32)
            idx = [int(v) for v in np.nonzero(fix)[0]]
            changes.append("%s%s" % (what, idx) if len(idx) <= 16 else "%s[%s, ... (%d values)]"
                           % (what, ", ".join(str(v) for v in idx[:8]), len(idx)))
    return changes


def check_expect(c, r):
    """A worked example's values (gen.check_expected), golden values from evaluate()."""
    check_expected(c["name"], c["expect"], c["raw32"], lambda k: r[k])


def check_raises(c):
    """Bad-input cases: torch raises for the EDOMAIN ones (sanity check)."""
    if c["status"][0] != "EDOMAIN":
        return
    xt = torch.tensor(c["x"])
    try:
        forward(c, xt, "sum")
    except (IndexError, RuntimeError, ValueError):
        return
    raise AssertionError("torch accepted the EDOMAIN case " + c["name"])


# ----------------------------------------------------------- generators --
def logits(rng, B, C, K=1, big=True, const=True):
    """N(0, 3^2), one class vector scaled to max |x| = 50 and one constant one."""
    x = rng.normal(0, 3, (B, C, K))
    npos = B * K
    if npos >= 2 and C >= 2:
        sel = rng.permutation(npos)
        if big:
            b, i = divmod(int(sel[0]), K)
            v = x[b, :, i]
            x[b, :, i] = v * (50.0 / np.max(np.abs(v)))
        if const:
            b, i = divmod(int(sel[1]), K)
            x[b, :, i] = np.round(rng.normal(0, 2), 2)
    return x.ravel()


def class_targets(rng, npos, C, ignore=-100, frac=0.2):
    t = rng.integers(0, C, npos)
    if frac:
        t[rng.random(npos) < frac] = ignore
    return t


def softmax_rows(rng, B, C, K=1, s=1.0):
    z = rng.normal(0, s, (B, C, K))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).ravel()


def grid(rng, n, lo=-8, hi=8):
    """multiples of 0.25 in [lo/4, hi/4]: exact margins and kinks."""
    return rng.integers(lo, hi + 1, n) / 4.0


def weights(rng, C):
    return rng.uniform(0.1, 3, C)


def one_hot(rng, B, C):
    t = np.zeros((B, C))
    t[np.arange(B), rng.integers(0, C, B)] = 1.0
    return t.ravel()


def keras_rows(rng, B, C, kind):
    """Predictions for the Keras probability losses: rows U(0,1), unnormalised; kind >= 1: 20%
    exact zeros and a row of zeros but one 0.5; kind >= 2: an exact one-hot row; no row sums to
    0."""
    x = rng.uniform(0, 1, (B, C))
    if kind >= 1 and C > 1:
        x[rng.random((B, C)) < 0.2] = 0.0
        x[rng.integers(0, B), :] = 0.0
        x[rng.integers(0, B), rng.integers(0, C)] = 0.5  # keep that row's sum > 0
    if kind >= 2:
        r = rng.integers(0, B)
        x[r, :] = 0.0
        x[r, rng.integers(0, C)] = 1.0
    x[x.sum(axis=1) == 0, 0] = 0.25
    return x.ravel()


# The inputs of the worked examples (the `spec_*` cases)
SX = [[1, 2, 0.5, -1], [0, 0, 0, 0], [3, -2, 1, 0.5]]
SP = [[0.1, 0.60000002, 0.2, 0.1], [0, 0, 0, 1], [0.5, 0.5, 0, 0]]
SW = [0.5, 2, 1, 3]
KY = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
KP = [[0.050000001, 0.94999999, 0], [0.1, 0.80000001, 0.1], [0.2, 0.30000001, 0.5]]


def ce_family(loss):
    """cross_entropy and cross_entropy_bf16 (bf16: the logits are rounded to bf16)."""
    P = "ce" if loss == "cross_entropy" else "bf16"
    a = lambda name, *args, **kw: add(loss, "%s_%s" % (P, name), *args, **kw)
    # the worked examples of F.cross_entropy, verbatim
    a("spec_plain", 3, 4, x=SX, ti=[1, 3, 0])
    a("spec_weight", 3, 4, x=SX, ti=[1, 3, 0], weight=SW)
    a("spec_weight_ignore3_ls0.2", 3, 4, x=SX, ti=[1, 3, 0], weight=SW, ignore=3, ls=0.2)
    a("spec_ls0.1", 3, 4, x=SX, ti=[1, 3, 0], ls=0.1)
    a("spec_all_ignored", 3, 4, x=SX, ti=[-100, -100, -100],
      note="every target ignored: MEAN NaN (0/0), SUM 0, NONE zeros, gradient of MEAN zeros")
    # class counts, ~20% ignored, weights, label smoothing 0 / 0.1 / 1
    sizes = [1, 2, 3, 7, 16, 33, 1000, 32000] if loss == "cross_entropy" else \
        [1, 2, 3, 7, 16, 33, 1000, 32000]
    combos = [(False, 0.0, -100), (True, 0.1, "real"), (True, 1.0, -100), (False, 0.1, -1)]
    for C in sizes:
        for j, (wt, ls, ig) in enumerate(combos):
            if C == 32000 and (j > 0 if loss == "cross_entropy_bf16" else j not in (1,)):
                continue
            if C == 1000 and j > (1 if loss == "cross_entropy" else 0):
                continue
            B = {1000: 3 - j, 32000: 1}.get(C, [5, 9, 17, 12][j])
            name = "C%d_w%d_ls%g_ig%s" % (C, wt, ls, ig)
            rng = rng_for(loss, name)
            ignore = int(rng.integers(0, C)) if ig == "real" else ig
            x = logits(rng, B, C)
            t = class_targets(rng, B, C, ignore=ignore)
            if C == 32000:
                t[:] = rng.integers(0, C, B)
                w = None
            else:
                w = weights(rng, C) if wt else None
            a(name, B, C, x=x, ti=t, weight=w, ignore=ignore, ls=ls)
    # ignore_index equal to a real class that many targets use
    rng = rng_for(loss, "ignore_real_class")
    t = rng.integers(0, 4, 11)
    t[::3] = 2
    a("ignore_index_is_class2", 11, 4, x=logits(rng, 11, 4), ti=t, ignore=2,
      weight=weights(rng, 4), ls=0.1)
    # one fully ignored batch, random, with weights and smoothing
    rng = rng_for(loss, "all_ignored_random")
    a("all_ignored_w_ls0.1", 7, 5, x=logits(rng, 7, 5), ti=[-100] * 7, weight=weights(rng, 5),
      ls=0.1, note="every target ignored: MEAN NaN, SUM 0, gradient zeros")
    # inner > 1 (PyTorch's (N, C, d1, ...))
    for (B, C, K), (wt, ls, ig) in zip(((2, 5, 20), (3, 4, 17), (2, 21, 37), (2, 3, 20)),
                                       ((True, 0.0, -100), (False, 0.1, "real"),
                                        (True, 0.1, -100), (False, 0.0, -100))):
        if loss == "cross_entropy_bf16" and C == 21:
            continue
        name = "inner_%dx%dx%d_w%d_ls%g" % (B, C, K, wt, ls)
        rng = rng_for(loss, name)
        ignore = int(rng.integers(0, C)) if ig == "real" else ig
        a(name, B, C, K, x=logits(rng, B, C, K), ti=class_targets(rng, B * K, C, ignore),
          weight=weights(rng, C) if wt else None, ignore=ignore, ls=ls)
    # batches that are not multiples of 16 with small C (vectorised across rows)
    k = 0
    for B in (1, 3, 17, 33):
        for C in (2, 3, 10, 16):
            if loss == "cross_entropy_bf16" and (k % 2):
                k += 1
                continue
            wt, ls = k % 3 == 1, [0.0, 0.1, 0.0, 1.0][k % 4]
            k += 1
            name = "rows_B%d_C%d_w%d_ls%g" % (B, C, wt, ls)
            rng = rng_for(loss, name)
            a(name, B, C, x=logits(rng, B, C), ti=class_targets(rng, B, C, -100, 0.2 if B > 1 else 0),
              weight=weights(rng, C) if wt else None, ls=ls)
    # non-finite logits
    NF = [[1, INF, 0, 2, -1], [1, -INF, 0, 2, -1], [1, NAN, 0, 2, -1], [-INF, 1, 0, 2, -1],
          [-INF] * 5, [0.5, 1, 1.5, -2, 0.25], [INF, INF, 0, 1, 2], [3, 1, 0, 2, NAN]]
    NT = [0, 0, 0, 0, 2, 4, 1, 3]
    for ls in (0.0, 0.1):
        a("nonfinite_ls%g" % ls, 8, 5, x=NF, ti=NT, ls=ls,
          note="+inf or NaN in a row: that row NaN; -inf at a non-target class: exact with "
               "ls 0, inf loss with ls > 0; -inf at the target: inf loss, finite gradient")
    a("nonfinite_ignored_rows", 4, 5, x=[NF[0], NF[2], NF[6], NF[5]], ti=[-100, -100, 1, 0],
      weight=[1, 2, 0.5, 1, 3], ls=0.1,
      note="+inf / NaN logits at ignored positions: loss 0 and gradient 0 (header: 0 at ignored "
           "positions; torch 1.13 gives a NaN gradient there through log_softmax's backward)")
    a("huge_logits", 4, 4, x=[[3e38, -3e38, 1, 0], [3e38, -3e38, 1, 0], [-3e38, -3e38, -3e38, 1],
                              [1e30, 1e30, -1e30, 0]], ti=[0, 1, 3, 1],
      note="max-shifted log-sum-exp: 3e38 - (-3e38) overflows to -inf in x - max (lp -inf)")
    # C = 1: always loss 0 (lp = 0), gradient 0 (p = 1)
    a("C1_ls0.1_w", 6, 1, x=[0.5, -3, 7, 0, 100, -100], ti=[0, 0, -100, 0, 0, 0], weight=[2.5],
      ls=0.1)
    # empty batch
    a("empty", 0, 4, x=[], ti=[], note="batch 0: MEAN NaN, SUM 0")
    a("empty_inner3_w", 0, 5, 3, x=[], ti=[], weight=[1, 2, 3, 4, 5], ls=0.1)
    # bad input
    a("edomain_target_eq_C", 3, 4, x=SX, ti=[1, 4, 0], status=("EDOMAIN", 1))
    a("edomain_negative_not_ignore", 3, 4, x=SX, ti=[1, 0, -1], status=("EDOMAIN", 2))
    a("edomain_minus100_with_ignore2", 3, 4, x=SX, ti=[-100, 2, 0], ignore=2,
      status=("EDOMAIN", 0), note="-100 is out of range when ignore_index is 2")
    rng = rng_for(loss, "edomain_inner")
    t = rng.integers(0, 3, 2 * 5)
    t[7] = 3
    t[9] = -7
    a("edomain_inner_pos7", 2, 3, 5, x=logits(rng, 2, 3, 5), ti=t, status=("EDOMAIN", 7))
    t = rng.integers(0, 16, 33)
    t[32] = 16
    a("edomain_last_of_33", 33, 16, x=logits(rng, 33, 16), ti=t, ls=0.1, status=("EDOMAIN", 32))
    a("einval_ls1.5", 3, 4, x=SX, ti=[1, 3, 0], ls=1.5, status=("EINVAL",))
    a("einval_ls-0.1", 3, 4, x=SX, ti=[1, 3, 0], ls=-0.1, status=("EINVAL",),
      note="label_smoothing < 0: torch silently uses 0, simdloss reports EINVAL")
    a("einval_ls_nan", 3, 4, x=SX, ti=[1, 3, 0], ls=NAN, status=("EINVAL",))
    a("einval_classes0", 2, 0, x=[], ti=[0, 0], status=("EINVAL",))
    a("einval_inner0", 2, 4, 0, x=[], ti=[], status=("EINVAL",))


def ce_probs():
    L = "cross_entropy_probs"
    a = lambda name, *args, **kw: add(L, "probs_" + name, *args, **kw)
    a("spec_plain", 3, 4, x=SX, tf=SP)
    a("spec_weight_ls0.3", 3, 4, x=SX, tf=SP, weight=SW, ls=0.3)
    a("spec_unbatched_ls0.1", 1, 3, x=[2, -1, 0.5], tf=[0.69999999, 0.1, 0.2], ls=0.1,
      note="unbatched (C,) worked example as batch 1")
    kinds = ("softmax", "smoothed", "unnormalised", "negative", "onehot")
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in kinds:
            if C == 1000 and kind not in ("softmax", "negative"):
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 6][k % 5]
            wt, ls = k % 2 == 1, [0.0, 0.1, 0.0, 1.0, 0.3][k % 5]
            k += 1
            name = "C%d_%s_B%d_w%d_ls%g" % (C, kind, B, wt, ls)
            rng = rng_for(L, name)
            x = logits(rng, B, C)
            if kind == "softmax":
                t = softmax_rows(rng, B, C, s=2.0)
            elif kind == "smoothed":
                t = one_hot(rng, B, C) * 0.9 + 0.1 / C
            elif kind == "unnormalised":
                t = rng.uniform(0, 2, B * C)
            elif kind == "negative":
                t = rng.normal(0.2, 0.5, B * C)
            else:
                t = one_hot(rng, B, C)
            a(name, B, C, x=x, tf=t, weight=weights(rng, C) if wt else None, ls=ls)
    for (B, C, K), ls in zip(((2, 5, 20), (3, 4, 17), (1, 7, 9)), (0.0, 0.1, 0.2)):
        name = "inner_%dx%dx%d_ls%g" % (B, C, K, ls)
        rng = rng_for(L, name)
        a(name, B, C, K, x=logits(rng, B, C, K), tf=softmax_rows(rng, B, C, K),
          weight=weights(rng, C) if K != 9 else None, ls=ls)
    NF = [[1, INF, 0, 2], [1, -INF, 0, 2], [1, NAN, 0, 2], [0.5, 1, -1, 2], [1, -INF, 0, 2],
          [2, 1, 0, -1]]
    NT = [[0.25] * 4, [0.5, 0.25, 0.25, 0], [0.25] * 4, [0.1, NAN, 0.4, 0.5], [0.5, 0, 0.5, 0],
          [1, 0, 0, 0]]
    a("nonfinite", 6, 4, x=NF, tf=NT,
      note="+inf/NaN logit or NaN target: row NaN; -inf logit with target 0: 0 * -inf = NaN "
           "(torch's -(lp * t).sum)")
    a("nonfinite_ls0.1", 2, 4, x=NF[:2], tf=NT[:2], ls=0.1)
    a("empty", 0, 4, x=[], tf=[])
    a("empty_inner2_w", 0, 3, 2, x=[], tf=[], weight=[1, 2, 3])
    a("einval_ls1.5", 3, 4, x=SX, tf=SP, ls=1.5, status=("EINVAL",))
    a("einval_ls-0.1", 3, 4, x=SX, tf=SP, ls=-0.1, status=("EINVAL",))
    a("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))
    a("einval_inner0", 2, 4, 0, x=[], tf=[], status=("EINVAL",))


def nll():
    L = "nll"
    a = lambda name, *args, **kw: add(L, "nll_" + name, *args, **kw)
    a("spec_weight_ignore1", 3, 4,
      x=[[-1.4951819, -0.49518189, -1.9951819, -3.4951818], [-1.3862944] * 4,
         [-0.20225349, -5.2022533, -2.2022536, -2.7022536]], ti=[1, 3, 0], weight=SW, ignore=1)
    a("spec_arbitrary_scores", 2, 2, x=[[2, -1], [0.5, 4]], ti=[0, 1])
    a("spec_kdim_1x2x3", 1, 2, 3, x=[[[-0.1, -2, -0.69999999], [-2.4000001, -0.2, -0.69999999]]],
      ti=[[0, 1, 1]])
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in ("logsoftmax", "scores"):
            B = 3 if C == 1000 else [1, 3, 17, 33, 5][k % 5]
            wt, ig = k % 2 == 0, ["-100", "real", "-1"][k % 3]
            k += 1
            name = "C%d_%s_B%d_w%d_ig%s" % (C, kind, B, wt, ig)
            rng = rng_for(L, name)
            x = logits(rng, B, C)
            if kind == "logsoftmax":
                x = torch.log_softmax(torch.tensor(x.reshape(B, C)), 1).numpy().ravel()
            ignore = int(rng.integers(0, C)) if ig == "real" else int(ig)
            a(name, B, C, x=x, ti=class_targets(rng, B, C, ignore), ignore=ignore,
              weight=weights(rng, C) if wt else None)
    for (B, C, K) in ((2, 3, 20), (3, 4, 17), (2, 5, 4)):
        name = "kdim_%dx%dx%d" % (B, C, K)
        rng = rng_for(L, name)
        a(name, B, C, K, x=logits(rng, B, C, K), ti=class_targets(rng, B * K, C),
          weight=weights(rng, C) if K != 4 else None)
    rng = rng_for(L, "all_ignored")
    a("all_ignored_w", 5, 3, x=logits(rng, 5, 3), ti=[7] * 5, ignore=7, weight=weights(rng, 3))
    a("nonfinite", 6, 3, x=[[-INF, 0, 1], [INF, 0, 1], [NAN, 0, 1], [0, NAN, 1], [1, 2, INF],
                            [NAN, NAN, NAN]], ti=[0, 0, 0, 0, 1, -100], weight=[0.5, 2, 1],
      note="NaN at the target's input: loss NaN and that gradient NaN (torch: -w, finite); "
           "NaN elsewhere in the row is not read (loss and gradient as torch)")
    a("empty", 0, 3, x=[], ti=[])
    a("empty_inner4", 0, 3, 4, x=[], ti=[], weight=[1, 2, 3])
    a("edomain_target_eq_C", 2, 3, x=[[0, 1, 2], [1, 2, 3]], ti=[0, 3], status=("EDOMAIN", 1))
    a("edomain_negative", 2, 3, x=[[0, 1, 2], [1, 2, 3]], ti=[-1, 0], status=("EDOMAIN", 0))
    a("edomain_kdim", 1, 2, 3, x=[0] * 6, ti=[[0, 2, 1]], status=("EDOMAIN", 1))
    a("einval_classes0", 2, 0, x=[], ti=[0, 0], status=("EINVAL",))
    a("einval_inner0", 2, 3, 0, x=[], ti=[], status=("EINVAL",))


def keras():
    # categorical_crossentropy, worked examples
    L = "categorical_crossentropy"
    a = lambda name, *args, **kw: add(L, "cce_" + name, *args, **kw)
    a("spec_normalised", 3, 3, x=KP, tf=KY)
    a("spec_unnormalised", 3, 3, x=[[0.1, 1.9, 0], [0.050000001, 0.40000001, 0.050000001],
                                    [2, 1, 1]], tf=KY)
    a("spec_ls0.1", 3, 3, x=KP, tf=KY, ls=0.1)
    a("spec_onehot_clipped", 1, 2, x=[1, 0], tf=[1, 0],
      note="one-hot prediction equal to the label: -log(1 - eps), zero gradient")
    # categorical_hinge, worked examples
    L2 = "categorical_hinge"
    h = lambda name, *args, **kw: add(L2, "chinge_" + name, *args, **kw)
    h("spec_E1", 3, 3, x=[[0.30000001, 0.5, 0.89999998], [2, 0.1, 0.40000001],
                          [0.5, -0.5, 0.2]], tf=[[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    h("spec_tie", 1, 3, x=[0.2, 0.69999999, 0.69999999], tf=[1, 0, 0],
      note="tie in the max: reduce_max's gradient splits evenly")
    h("spec_neg0", 2, 3, x=[[-0.5, 0.40000001, -1], [-0.2, -0.30000001, 2]],
      tf=[[0, 1, 0], [0, 0, 1]])
    # categorical_focal, worked examples
    L3 = "categorical_focal"
    f = lambda name, *args, **kw: add(L3, "cfocal_" + name, *args, **kw)
    f("spec_default", 3, 3, x=KP, tf=KY, alpha=[0.25], gamma=2)
    f("spec_alpha0.5_gamma1.5_ls0.2", 3, 3, x=KP, tf=KY, alpha=[0.5], gamma=1.5, ls=0.2)
    sm = torch.softmax(torch.tensor([[1., 3, -1], [0, 2, 0], [0.5, 0.5, 1]]), -1).numpy()
    f("spec_from_logits_on_softmax", 3, 3, x=sm, tf=KY, alpha=[0.25], gamma=2,
      note="Keras from_logits example on x = float32 softmax(logits); gradient is d/dprob")

    rows = keras_rows

    def targets(rng, B, C, kind):
        if kind % 2 == 0:
            return one_hot(rng, B, C)
        return softmax_rows(rng, B, C)

    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for ls in (0.0, 0.1):
            if C == 1000 and ls:
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 8][k % 6]
            kind = k % 3
            k += 1
            name = "C%d_B%d_ls%g_k%d" % (C, B, ls, kind)
            rng = rng_for(L, name)
            x = rows(rng, B, C, kind)
            t = targets(rng, B, C, k)
            if kind == 2:  # make the one-hot prediction row equal its label
                xr = x.reshape(B, C)
                tr = t.reshape(B, C)
                for b in range(B):
                    if np.count_nonzero(xr[b]) == 1 and xr[b].max() == 1.0:
                        tr[b] = xr[b]
            a(name, B, C, x=x, tf=t, ls=ls)
    rng = rng_for(L, "nan")
    a("nan_rows", 3, 4, x=[[0.1, NAN, 0.3, 0.6], [0.2, 0.3, 0.5, 0.1], [0.25, 0.25, 0.25, 0.25]],
      tf=[[0, 1, 0, 0], [0, 0, 1, 0], [0.5, NAN, 0.5, 0]],
      note="NaN prediction or label: that row's loss and gradient NaN")
    a("empty", 0, 3, x=[], tf=[])
    a("einval_ls1.5", 3, 3, x=KP, tf=KY, ls=1.5, status=("EINVAL",))
    a("einval_ls-0.1", 3, 3, x=KP, tf=KY, ls=-0.1, status=("EINVAL",))
    a("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))

    # categorical_hinge random: N(0,1) and U(0,1), one-hot and soft labels; no ties
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in ("onehot", "soft"):
            if C == 1000 and kind == "soft":
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5][k % 5]
            k += 1
            name = "C%d_B%d_%s" % (C, B, kind)
            rng = rng_for(L2, name)
            x = rng.normal(0, 1, B * C) if k % 2 else rng.uniform(0, 1, B * C)
            t = one_hot(rng, B, C) if kind == "onehot" else softmax_rows(rng, B, C)
            h(name, B, C, x=x, tf=t)
    h("ties", 4, 4, x=[[0.5, 0.5, 0.5, -1], [0.25, -0.5, 0, 0], [0.5, -0.5, 0, -0.25],
                       [0.75, 0.75, 0.75, 0.75]],
      tf=[[0, 0, 0, 1], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]],
      note="ties in the max (also with the target's (1 - 1) * x = 0 when the non-targets are "
           "<= 0): torch.amax's backward splits evenly among every tied position, as TF's "
           "reduce_max")
    h("kink_zero", 2, 3, x=[[0.25, 1.5, 0.5], [0.5, 2, 1]], tf=[[0, 1, 0], [0, 1, 0]],
      note="neg - pos + 1 == 0 exactly: TF's maximum passes the gradient at the tie (as clamp)")
    h("nan_rows", 3, 3, x=[[NAN, 0.5, 0.2], [0.1, 0.2, 0.3], [0.5, 0.5, 2]],
      tf=[[0, 1, 0], [1, 0, NAN], [1, 0, 0]],
      note="NaN prediction or label: that row's loss and gradient NaN")
    h("empty", 0, 3, x=[], tf=[])
    h("einval_classes0", 3, 0, x=[], tf=[], status=("EINVAL",))

    # categorical_focal: gamma x alpha (scalar, per class) x ls
    k = 0
    for gamma in (0.0, 1.0, 1.5, 2.0, 3.0):
        for per_class in (False, True):
            for ls in (0.0, 0.1):
                C = [2, 3, 7, 16, 33, 5, 1][k % 7]
                B = [1, 3, 17, 33, 6, 9][k % 6]
                kind = k % 3
                k += 1
                name = "g%g_alpha%s_ls%g_C%d_B%d" % (gamma, "C" if per_class else "1", ls, C, B)
                rng = rng_for(L3, name)
                x = rows(rng, B, C, kind)
                t = targets(rng, B, C, k)
                al = rng.uniform(0, 1, C) if per_class else [0.25]
                f(name, B, C, x=x, tf=t, alpha=al, gamma=gamma, ls=ls)
    rng = rng_for(L3, "C1000")
    f("C1000_B1", 1, 1000, x=rows(rng, 1, 1000, 1), tf=softmax_rows(rng, 1, 1000), alpha=[0.5],
      gamma=2)
    f("onehot_exact", 2, 3, x=[[0, 1, 0], [0.5, 0.5, 0]], tf=[[0, 1, 0], [1, 0, 0]],
      alpha=[0.25, 0.5, 1], gamma=2, note="exact one-hot prediction: clipped on both sides")
    f("nan_rows", 2, 3, x=[[0.2, NAN, 0.3], [0.2, 0.5, 0.3]], tf=[[0, 1, 0], [0, 0, 1]],
      alpha=[0.25], gamma=2)
    f("empty", 0, 3, x=[], tf=[], alpha=[0.25], gamma=2)
    f("einval_ls1.5", 3, 3, x=KP, tf=KY, alpha=[0.25], ls=1.5, status=("EINVAL",))
    f("einval_ls-0.1", 3, 3, x=KP, tf=KY, alpha=[0.25], ls=-0.1, status=("EINVAL",))
    f("einval_gamma-1", 3, 3, x=KP, tf=KY, alpha=[0.25], gamma=-1, status=("EINVAL",))
    f("gamma_inf", 3, 3, x=KP, tf=KY, alpha=[0.25], gamma=INF,
      note="gamma = +inf (Keras accepts it): (1 - o)^inf = 0, its derivative inf * 0 = NaN")
    f("gamma_inf_clipped_C1", 2, 1, x=[0.5, 2], tf=[1, 1], alpha=[0.25], gamma=INF,
      note="one class: o = 1 is clipped, so the NaN never enters the gradient")
    f("einval_gamma_nan", 3, 3, x=KP, tf=KY, alpha=[0.25], gamma=NAN, status=("EINVAL",))
    f("einval_alpha_len2_C3", 3, 3, x=KP, tf=KY, alpha=[0.25, 0.5], status=("EINVAL",),
      note="alpha_len must be 1 or classes")
    f("einval_classes0", 2, 0, x=[], tf=[], alpha=[0.25], status=("EINVAL",))


def margins():
    L = "multi_margin"
    a = lambda name, *args, **kw: add(L, "mm_" + name, *args, **kw)
    MX = [[0.1, 0.2, 0.40000001, 0.80000001], [1, -1, 0.5, 0.5], [0.30000001] * 4]
    a("spec_p1_margin1", 3, 4, x=MX, ti=[3, 0, 2])
    a("spec_p2_margin0.5_weight", 3, 4, x=MX, ti=[3, 0, 2], p=2, margin=0.5, weight=SW)
    a("spec_kink_unbatched", 1, 3, x=[1, 0, 0.25], ti=[0],
      note="unbatched worked example as batch 1; z = 0 exactly: no gradient (strict test)")
    k = 0
    for p in (1, 2):
        for margin in (0.5, 1.0):
            for wt in (False, True):
                for C in ([2, 7, 33], [3, 16, 1])[k % 2]:
                    B = [1, 3, 17, 33, 5][k % 5]
                    name = "p%d_m%g_w%d_C%d_B%d" % (p, margin, wt, C, B)
                    k += 1
                    rng = rng_for(L, name)
                    a(name, B, C, x=grid(rng, B * C), ti=rng.integers(0, C, B), p=p,
                      margin=margin, weight=weights(rng, C) if wt else None)
    rng = rng_for(L, "C1000")
    a("p1_m1_C1000_B2", 2, 1000, x=grid(rng, 2000, -40, 40), ti=rng.integers(0, 1000, 2),
      weight=weights(rng, 1000))
    a("p2_m0.75_N01", 9, 5, x=rng_for(L, "n01").normal(0, 1, 45), ti=[0, 1, 2, 3, 4, 0, 1, 2, 3],
      p=2, margin=0.75)
    a("nonfinite_p1", 6, 3, x=[[NAN, 0, 1], [1, NAN, 0.25], [INF, 0, 1], [0, INF, 1],
                               [-INF, 0, 1], [INF, INF, 0]], ti=[0, 0, 0, 0, 0, 0],
      note="z = margin - x[y] + x[j] with a NaN input: loss NaN, gradient NaN at j and y "
           "(torch: z > 0 is false, finite); inf - inf without NaN (last row): no term, as torch")
    a("nonfinite_p2_w", 3, 3, x=[[1, NAN, 0.25], [0, INF, 1], [-INF, 0, 1]], ti=[0, 0, 0], p=2,
      weight=[2, 1, 1])
    a("empty_p1", 0, 3, x=[], ti=[], note="batch 0: MEAN NaN, SUM 0 (torch 1.13: garbage)")
    a("empty_p2_w", 0, 4, x=[], ti=[], p=2, margin=0.5, weight=SW)
    a("edomain_target_eq_C", 3, 4, x=MX, ti=[3, 4, 2], status=("EDOMAIN", 1))
    a("edomain_target_-1", 3, 4, x=MX, ti=[3, 0, -1], status=("EDOMAIN", 2))
    a("edomain_target_-100", 3, 4, x=MX, ti=[-100, 0, 1], status=("EDOMAIN", 0),
      note="no ignore_index in multi_margin")
    a("einval_p3", 3, 4, x=MX, ti=[3, 0, 2], p=3, status=("EINVAL",))
    a("einval_p0", 3, 4, x=MX, ti=[3, 0, 2], p=0, status=("EINVAL",))
    a("einval_margin_nan", 3, 4, x=MX, ti=[3, 0, 2], margin=NAN, status=("EINVAL",),
      note="a NaN parameter is rejected (torch: NaN losses)")
    a("margin_inf", 3, 4, x=MX, ti=[3, 0, 2], margin=INF)
    a("margin_-inf_p2", 3, 4, x=MX, ti=[3, 0, 2], margin=-INF, p=2)
    a("einval_classes0", 2, 0, x=[], ti=[0, 0], status=("EINVAL",))

    L = "multilabel_margin"
    a = lambda name, *args, **kw: add(L, "mlm_" + name, *args, **kw)
    a("spec_E1", 3, 4, x=[[0.1, 0.2, 0.40000001, 0.80000001], [0.5, -0.30000001, 0.89999998, 0],
                          [0.2, 0.1, 0, 0.30000001]], ti=[[3, 0, -1, 1], [1, 2, 3, 0], [-1, 0, 1, 2]])
    a("spec_duplicates_full_leading", 3, 4,
      x=[[0.1, 0.2, 0.40000001, 0.80000001], [0.30000001, 0.1, 0.2, 0], [0.5, 0.40000001,
                                                                         0.30000001, 0.2]],
      ti=[[3, 3, -1, 0], [0, 1, 2, 3], [-1, 1, 2, 3]])
    a("spec_kink", 1, 3, x=[1, 0, 0.5], ti=[0, -1, 0],
      note="x_j - x_k = 1 exactly: no gradient (strict test)")

    def label_rows(rng, B, C, dup):
        t = np.full((B, C), -1, dtype=np.int64)
        for b in range(B):
            kind = rng.integers(0, 6)
            if kind == 0:
                k = 0  # leading -1
            elif kind == 1:
                k = C  # full set, no terminator
            else:
                k = int(rng.integers(1, C + 1))
            labs = list(rng.permutation(C)[:k])
            if dup and k >= 1 and k < C and rng.random() < 0.5:
                labs[-1] = labs[0]  # duplicate label
            t[b, :k] = labs
            if k < C:
                t[b, k] = -1
                t[b, k + 1:] = rng.integers(-1, C, C - k - 1)  # anything valid after -1
        return t.ravel()

    k = 0
    for C in (1, 2, 3, 7, 16, 33):
        for dup in (False, True):
            B = [1, 3, 17, 33, 5, 9][k % 6]
            k += 1
            name = "C%d_B%d_dup%d" % (C, B, dup)
            rng = rng_for(L, name)
            a(name, B, C, x=grid(rng, B * C, -6, 6), ti=label_rows(rng, B, C, dup))
    rng = rng_for(L, "N01")
    a("C10_B7_N01", 7, 10, x=rng.normal(0, 1, 70), ti=label_rows(rng, 7, 10, True))
    a("nonfinite", 6, 3, x=[[NAN, 0, 1], [0, NAN, 1], [NAN, 0, 1], [INF, 0, INF], [-INF, 0, 1],
                            [-INF, -INF, 0]],
      ti=[[0, -1, 0], [0, -1, 1], [0, 1, 2], [0, -1, 2], [0, -1, 0], [1, -1, 0]],
      note="z = 1 - (x_j - x_k) with a NaN input, for a (label, non-label) pair: loss NaN, "
           "gradient NaN at j and k (torch: z > 0 is false, finite); a row whose NaN is in no "
           "pair is as torch, and so is inf - inf without NaN (rows 4 and 6: no term)")
    a("empty", 0, 3, x=[], ti=[])
    a("edomain_minus2", 2, 3, x=[0] * 6, ti=[[0, -2, 1], [1, -1, 0]], status=("EDOMAIN", 1))
    a("edomain_eq_C", 2, 3, x=[0] * 6, ti=[[0, 1, -1], [3, -1, 0]], status=("EDOMAIN", 3))
    a("edomain_after_terminator", 2, 3, x=[0] * 6, ti=[[0, -1, 1], [1, -1, 7]],
      status=("EDOMAIN", 5), note="entries after the -1 are checked too (as torch)")
    a("einval_classes0", 2, 0, x=[], ti=[], status=("EINVAL",))

    L = "multilabel_soft_margin"
    a = lambda name, *args, **kw: add(L, "mlsm_" + name, *args, **kw)
    a("spec_weight", 2, 3, x=[[0.5, -1, 2], [-20, 0, 30]], tf=[[1, 0, 1], [0, 1, 0.30000001]],
      weight=[1, 2, 0.5])
    a("spec_no_weight", 1, 4, x=[2, -2, 0, 1], tf=[1, 0, 1, 0])
    a("spec_1d", 1, 3, x=[0.5, -1, 2], tf=[1, 0, 1], note="1-D worked example as batch 1")
    EDGE = [20, -20, 88, -88, 100, -100]
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in ("hard", "soft"):
            if C == 1000 and kind == "hard":
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5][k % 5]
            wt = k % 2 == 1
            k += 1
            name = "C%d_B%d_%s_w%d" % (C, B, kind, wt)
            rng = rng_for(L, name)
            x = rng.normal(0, 3, B * C)
            pos = rng.permutation(B * C)[: min(len(EDGE), B * C // 2)]
            x[pos] = EDGE[: len(pos)]
            t = rng.integers(0, 2, B * C).astype(float) if kind == "hard" else \
                rng.uniform(0, 1, B * C)
            a(name, B, C, x=x, tf=t, weight=weights(rng, C) if wt else None)
    a("edges_targets_match", 2, 6, x=[EDGE, EDGE], tf=[[1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1]],
      note="saturated logits: tiny and large losses, gradients ~exp(-|x|)")
    a("nan", 3, 3, x=[[NAN, 0, 1], [0.5, -1, 2], [1, 2, 3]], tf=[[1, 0, 1], [0, NAN, 1],
                                                                 [0, 1, 0]],
      note="NaN input or target: that row's loss NaN, that element's gradient NaN")
    a("nan_weight", 2, 3, x=[[0.5, -1, 2], [1, 2, 3]], tf=[[1, 0, 1], [0, 1, 0]],
      weight=[1, NAN, 2], note="a NaN weight: every loss NaN, that column's gradient NaN")
    a("empty", 0, 3, x=[], tf=[])
    a("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))


def sparse():
    L = "sparse_categorical_crossentropy"
    a = lambda name, *args, **kw: add(L, "scce_" + name, *args, **kw)  # noqa: E731
    # Keras' example (y_true [1, 2] on the categorical example's first two rows): -log(0.95),
    # -log(0.1); the rows sum to 1 in float32, so the values are the closed forms within 1e-6
    a("spec_keras_doc", 2, 3, x=KP[:2], ti=[1, 2],
      expect={"none": [-np.log(0.95), -np.log(0.1)]})
    a("spec_ignore_class2", 2, 3, x=KP[:2], ti=[1, 2], ignore=2,
      expect={"none": [-np.log(0.95), 0.0], "mean": -np.log(0.95)},
      note="ignore_class 2: that row's loss and gradient 0, MEAN over the one row left")
    # random rows (keras_rows: unnormalised, exact zeros, an exact one-hot row whose target is
    # its class), targets uniform; ignore_class -100 (none ignored), a class (~20% of the
    # targets) or -1
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for ig in ("-100", "real", "-1"):
            if C == 1000 and ig == "-1":
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 8][k % 6]
            kind = k % 3
            k += 1
            name = "C%d_B%d_ig%s_k%d" % (C, B, ig, kind)
            rng = rng_for(L, name)
            x = keras_rows(rng, B, C, kind)
            ignore = int(rng.integers(0, C)) if ig == "real" else int(ig)
            t = class_targets(rng, B, C, ignore, 0.2 if ig == "real" else 0.0)
            xr = x.reshape(B, C)
            for b in range(B):  # the exact one-hot row predicts its target
                if np.count_nonzero(xr[b]) == 1 and xr[b].max() == 1.0 and t[b] != ignore:
                    t[b] = int(np.argmax(xr[b]))
            a(name, B, C, x=x, ti=t, ignore=ignore)
    a("clip_rows", 5, 4, x=[[0, 0.5, 0.25, 0.25], [0, 0, 1, 0], [0, 0, 1, 0], [0.5, 1, 1.5, 0],
                            [2e-8, 1, 1, 1]], ti=[0, 2, 1, 3, 0],
      note="p[y] = 0 (clipped to eps: loss -log(eps), zero gradient); an exact one-hot "
           "prediction of the target (clipped to 1 - eps) and of another class; an unnormalised "
           "row with p[y] = 0; p[y] / sum below eps")
    a("all_ignored", 5, 3, x=keras_rows(rng_for(L, "all_ignored"), 5, 3, 1), ti=[1] * 5,
      ignore=1, note="every row ignored (batch > 0): NONE zeros, MEAN 0 and SUM 0, gradients 0 "
                     "(Keras: sum / (0 + 1e-7) = 0)")
    a("ignore_outside_range", 4, 3, x=KP + [[0.25, 0.25, 0.5]], ti=[7, 0, 2, 7], ignore=7,
      note="ignore_class 7 with 3 classes: the targets equal to it are ignored")
    a("ignored_rows_any_contents", 4, 3,
      x=[[0, 0, 0], [NAN, 0.5, 0.5], [0.2, 0.3, 0.5], [INF, 1, 0]], ti=[-100, -100, 1, -100],
      note="ignored rows are not read: a zero row (0 / 0 in the normalisation), NaN, +inf: "
           "loss 0 and gradient 0")
    a("nan_rows", 3, 4, x=[[0.1, NAN, 0.3, 0.6], [0.2, 0.3, 0.5, 0.1], [0.25, 0.25, NAN, 0.25]],
      ti=[0, 1, 2], note="NaN anywhere in a row that is not ignored: its loss and whole "
                         "gradient row NaN (the one-hot sum's 0 * NaN)")
    a("empty", 0, 3, x=[], ti=[])
    a("edomain_target_eq_C", 3, 3, x=KP, ti=[1, 3, 0], status=("EDOMAIN", 1))
    a("edomain_negative_not_ignore", 3, 3, x=KP, ti=[1, 0, -1], status=("EDOMAIN", 2))
    a("edomain_minus100_with_ignore2", 3, 3, x=KP, ti=[-100, 2, 0], ignore=2,
      status=("EDOMAIN", 0), note="-100 is out of range when ignore_class is 2")
    a("einval_classes0", 2, 0, x=[], ti=[0, 0], status=("EINVAL",))


def features():
    L = "cosine_similarity"
    a = lambda name, *args, **kw: add(L, "cos_" + name, *args, **kw)  # noqa: E731
    a("spec_E1", 3, 2, x=[[1, 0], [1, 1], [0, 0]], tf=[[0, 1], [1, 1], [1, 2]],
      expect={"none": [-0.0, -0.99999994, -0.0], "mean": -0.33333331,
              "gmean": [-0.0, -0.33333334, -1.4901161e-08, -1.4901161e-08, -1490712, -2981424]},
      note="orthogonal, equal and zero predictions; the zero row's gradient is rsqrt(1e-14) * "
           "l2n(y_true) / batch (the clamp is active)")
    a("spec_E2", 2, 3, x=[[2, 1, 0], [1, 1, 1]], tf=[[1, 2, 3], [-1, 0.5, 0]],
      expect={"none": [-0.47809142, 0.25819889], "mean": -0.10994627,
              "gmean": [0.035856858, -0.071713716, -0.17928427, 0.21516573, -0.1721326,
                        -0.043033145]})
    a("spec_E3_rows", 2, 3, x=[[-2, 0, 0], [0, 4, 3]], tf=[[1, 0, 0], [0, 3, 4]],
      expect={"none": [1, -0.96000004], "mean": 0.019999981,
              "gmean": [0, -0.0, -0.0, 0, 0.016800001, -0.022400001]})
    # random rows N(0, 1); "scaled": each row's scale 10^U(-3, 3), and (batch >= 2, 3) a target
    # parallel (2.5 x) and one opposite (-x) to its prediction
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in ("n01", "scaled"):
            if C == 1000 and kind == "scaled":
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 9][k % 6]
            k += 1
            name = "C%d_B%d_%s" % (C, B, kind)
            rng = rng_for(L, name)
            x = rng.normal(0, 1, (B, C))
            t = rng.normal(0, 1, (B, C))
            if kind == "scaled":
                x *= 10.0 ** rng.uniform(-3, 3, (B, 1))
                t *= 10.0 ** rng.uniform(-3, 3, (B, 1))
                if B >= 2:
                    t[0] = 2.5 * x[0]
                if B >= 3:
                    t[1] = -x[1]
            a(name, B, C, x=x, tf=t)
    rng = rng_for(L, "edges")
    n4 = lambda: rng.normal(0, 1, 4)  # noqa: E731
    a("zero_rows", 4, 4, x=[[0] * 4, n4(), [0] * 4, n4()], tf=[n4(), [0] * 4, [0] * 4, n4()],
      note="a zero prediction or target row: l2n = 0, loss -0; the gradient of a zero "
           "prediction row is rsqrt(1e-14) * l2n(y_true) / batch, of a zero target row 0")
    a("tiny_rows", 6, 4,
      x=[n4() * 1e-8, n4(), n4() * 1e-8, n4() * 1e-20, [5.01e-8] * 4, [4.99e-8] * 4],
      tf=[n4(), n4() * 1e-8, n4() * 1e-9, n4(), n4(), n4()],
      note="sums of squares below epsilon^2 = 1e-14 (the clamp: l2n = x * 1e7, not a unit "
           "vector, and no gradient through the norm); x * x subnormal or 0 (1e-20); sums "
           "just above (5.01e-8) and below (4.99e-8) 1e-14")
    a("large_rows", 4, 3, x=[n4()[:3] * 1e18, [1e19, -1e19, 1e19], n4()[:3] * 1e18, n4()[:3]],
      tf=[n4()[:3], [1e19, 1e19, -1e19], n4()[:3] * 1e-3, n4()[:3] * 1e18],
      note="x^2 up to 1e38 without overflow (3e38 < FLT_MAX): float32 torch's gradient loses "
           "the norm's term (rsqrt's backward r^3 underflows), so those are float64")
    a("overflow_rows", 2, 7, x=[[1e19, -1e19, 1e19, 1e19, -1e19, 1e19, 1e19], n4().tolist() +
                                [0.5, -1, 2]],
      tf=[n4().tolist() + [1, 2, 3], [1e19] * 7], keep32=True,
      note="sum of squares 7e38 overflows float32: rsqrt(inf) = 0, l2n = 0, loss -0 and "
           "gradient 0 in that row (Keras' float32 result; the float64 evaluation differs, so "
           "torch's float32 values are kept)")
    a("nonfinite", 5, 3, x=[[NAN, 1, 2], [1, 2, 3], [INF, 1, 0], [1, 2, 3], [-1, 0.5, 2]],
      tf=[[1, 2, 3], [NAN, 0, 1], [1, 2, 3], [1, -INF, 0], [1, 2, 3]],
      note="NaN in a row: that row's loss and gradient NaN; +-inf: sum of squares inf, inf * "
           "rsqrt(inf) = inf * 0 = NaN (Keras' float32 result)")
    a("empty", 0, 3, x=[], tf=[])
    a("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))

    # dice and tversky on the same data: sigmoid-like predictions U(0, 1) against 0/1 masks,
    # softmax rows against multi-hot rows, soft targets U(0, 1)
    def seg(rng, B, C, kind):
        if kind == "mask":
            x = rng.uniform(0, 1, (B, C))
            t = (rng.random((B, C)) < 0.3).astype(float)
            if B >= 3:
                t[0] = 0.0  # no positive: 1 - 0 / (sum x + eps)
                x[1] = 0.0  # nothing predicted: I = 0
                x[2] = t[2]  # the mask itself: loss ~eps
        elif kind == "softmax":
            x = softmax_rows(rng, B, C, s=2.0).reshape(B, C)
            t = np.zeros((B, C))
            for b in range(B):
                t[b, rng.permutation(C)[:rng.integers(1, min(C, 8) + 1)]] = 1.0
        else:
            x = rng.uniform(0, 1, (B, C))
            t = rng.uniform(0, 1, (B, C))
        return x.ravel(), t.ravel()

    D, TV = "dice", "tversky"
    d = lambda name, *args, **kw: add(D, "dice_" + name, *args, **kw)  # noqa: E731
    v = lambda name, *args, **kw: add(TV, "tversky_" + name, *args, **kw)  # noqa: E731
    DX, DT = [[0, 1, 0, 1], [0.4, 0, 0, 0.9]], [[1, 1, 0, 0], [1, 1, 0, 0]]
    d("spec_keras_doc", 2, 4, x=DX, tf=DT, expect={"none": [0.5, 0.75757575]},
      note="Keras' example with axis=(1, 2, 3): each sample's 2 x 2 x 1 values as one row")
    # tversky by hand: tp = 1.5, fp = sum((1 - x) t) = 0.5, fn = sum(x (1 - t)) = 0.25
    TX, TT = [[0.5, 1, 0.25, 0]], [[1, 1, 0, 0]]
    for al, be in ((0.5, 0.5), (0.3, 0.7)):
        v("spec_alpha%g_beta%g" % (al, be), 1, 4, x=TX, tf=TT, alpha=al, beta=be,
          expect={"none": [1 - 1.5 / (1.5 + 0.5 * al + 0.25 * be + 1e-7)]})
    v("spec_keras_doc_default", 2, 4, x=DX, tf=DT,
      expect={"none": [1 - 1 / (1 + 0.5 * 1 + 0.5 * 1 + 1e-7),
                       1 - 0.4 / (0.4 + 0.5 * 1.6 + 0.5 * 0.9 + 1e-7)]},
      note="dice's Keras example with tversky's defaults")
    AB = ((0.5, 0.5), (0.3, 0.7), (0.0, 1.0), (1.0, 0.0), (2.0, -0.5))
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for kind in ("mask", "softmax", "soft"):
            if C == 1000 and kind == "soft":
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 9][k % 6]
            al, be = AB[k % len(AB)]
            k += 1
            name = "C%d_B%d_%s" % (C, B, kind)
            x, t = seg(rng_for(D, name), B, C, kind)
            d(name, B, C, x=x, tf=t)
            name = "C%d_B%d_%s_a%g_b%g" % (C, B, kind, al, be)
            x, t = seg(rng_for(TV, name), B, C, kind)
            v(name, B, C, x=x, tf=t, alpha=al, beta=be)
    ZX = [[0] * 4, [0.5, 0.25, 0, 1], [0] * 4, [1, 0, 1, 0]]
    ZT = [[0] * 4, [0] * 4, [1, 0, 1, 1], [1, 0, 1, 0]]
    d("zero_rows", 4, 4, x=ZX, tf=ZT,
      note="x = t = 0: 0 / (0 + eps), loss 1, gradient 0; no target: loss 1, gradient 0; no "
           "prediction: loss 1, gradient -2 t / (sum t + eps); x = t: loss ~eps")
    for al, be in AB:
        v("zero_rows_a%g_b%g" % (al, be), 4, 4, x=ZX, tf=ZT, alpha=al, beta=be)
    NX, NT = [[NAN, 0.5, 0.2], [0.1, 0.2, 0.3], [0.5, 0.5, 0.25]], [[0, 1, 0], [1, 0, NAN],
                                                                     [1, 0, 1]]
    d("nan_rows", 3, 3, x=NX, tf=NT, note="NaN prediction or target: that row's loss and "
                                          "gradient NaN")
    v("nan_rows_a0.3_b0.7", 3, 3, x=NX, tf=NT, alpha=0.3, beta=0.7)
    for f in (d, v):
        f("empty", 0, 3, x=[], tf=[])
        f("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))
    v("einval_alpha_nan", 2, 4, x=DX, tf=DT, alpha=NAN, status=("EINVAL",),
      note="a NaN parameter is rejected (Keras: NaN losses)")
    v("einval_beta_nan", 2, 4, x=DX, tf=DT, beta=NAN, status=("EINVAL",))


def distill():
    L = "kl_div_logits"
    a = lambda name, *args, **kw: add(L, "kld_" + name, *args, **kw)  # noqa: E731
    # by hand: teacher [0, ln 3] -> p = [1/4, 3/4], student [0, 0] -> q = [1/2, 1/2];
    # KL = 1/4 ln(1/2) + 3/4 ln(3/2), times T^2 with the logits times T
    kl = 0.25 * np.log(0.5) + 0.75 * np.log(1.5)
    for T in (1.0, 2.0, 0.5):
        a("spec_two_classes_T%g" % T, 1, 2, x=[0, 0], tf=[0, T * np.log(3.0)], temperature=T,
          expect={"none": [kl * T * T]})
    # random: student N(0, 3^2); teacher N(0, 3^2) (k even) or the student plus N(0, 1) noise
    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for T in (1.0, 2.0, 4.0, 0.5):
            if C == 1000 and T in (2.0, 0.5):
                continue
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 9][k % 6]
            near = k % 2 == 1
            k += 1
            name = "C%d_B%d_T%g_%s" % (C, B, T, "near" if near else "indep")
            rng = rng_for(L, name)
            x = logits(rng, B, C)
            t = x + rng.normal(0, 1, B * C) if near else logits(rng, B, C)
            a(name, B, C, x=x, tf=t, temperature=T)
    rng = rng_for(L, "offsets")
    x, t = rng.normal(0, 3, (4, 7)), rng.normal(0, 3, (4, 7))
    x[0] += 3000
    t[1] -= 3000
    x[2] += 3000
    t[2] += 3000
    x[3] -= 3000
    t[3] += 3000
    for T in (1.0, 0.5):
        a("offsets_pm3000_T%g" % T, 4, 7, x=x, tf=t, temperature=T,
          note="logits offset by +-3000 (student, teacher or both): exp needs the max shift")
    rng = rng_for(L, "identical")
    x = logits(rng, 5, 9)
    a("identical_T1", 5, 9, x=x, tf=x, note="teacher = student: loss ~0, gradient ~0")
    a("identical_T4", 5, 9, x=x, tf=x, temperature=4.0)
    rng = rng_for(L, "C32000")
    x = logits(rng, 1, 32000)
    a("C32000_B1_T2", 1, 32000, x=x, tf=x + rng.normal(0, 1, 32000), temperature=2.0)
    a("nonfinite", 5, 3, x=[[NAN, 1, 2], [1, 2, 3], [0.5, 1, -1], [1, -INF, 0], [2, 1, 0]],
      tf=[[1, 2, 3], [1, NAN, 0], [0, -INF, 1], [1, 2, 3], [2, 1, 0]],
      note="NaN in a row: its loss and gradient NaN; a -inf teacher logit (a masked class): "
           "target probability 0, xlogy(0, 0) = 0, finite; a -inf student logit where the "
           "teacher is not: loss +inf, finite gradient")
    a("empty", 0, 3, x=[], tf=[])
    a("einval_classes0", 2, 0, x=[], tf=[], status=("EINVAL",))
    for T in (0.0, -1.0, NAN):
        a("einval_T%g" % T, 2, 2, x=[[0, 1], [1, 0]], tf=[[1, 0], [0, 1]], temperature=T,
          status=("EINVAL",), note="temperature must be > 0" if T == 0 else None)


def log_softmax64(z):
    """log_softmax over the rows of z in float64 (-inf logits give -inf)."""
    z = np.asarray(z, dtype=np.float64)
    m = np.max(z, axis=1, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))


def jsd():
    L = "jsd"
    a = lambda name, *args, **kw: add(L, "jsd_" + name, *args, **kw)  # noqa: E731
    # the worked examples (include/simdloss.h's, Liger's torch module in float32): student
    # log_softmax([[2, 1, 0], [0, 0, 0]]), teacher log_softmax([[0, 1, 2], [1, 0, 0]])
    lsm = lambda v: torch.log_softmax(t32(v), -1).numpy()  # noqa: E731
    JX, JT = lsm([[2, 1, 0], [0, 0, 0]]), lsm([[0, 1, 2], [1, 0, 0]])
    a("spec_beta0.5", 2, 3, x=JX, tf=JT, beta=0.5,
      expect={"none": [0.24758807, 0.030027693], "mean": 0.13880788,
              "gmean": [0.094168052, 0, -0.032271028, -0.025879178, 0.016750015, 0.016750015]},
      note="the worked example: x = log_softmax([[2, 1, 0], [0, 0, 0]]) (student), "
           "t = log_softmax([[0, 1, 2], [1, 0, 0]]) (teacher), labels NULL")
    a("spec_beta0_forward_kl", 2, 3, x=JX, tf=JT, beta=0.0,
      expect={"none": [1.1504209, 0.12328455], "mean": 0.63685274,
              "gmean": [-0.04501529, -0.12236425, -0.3326205, -0.28805846, -0.10597079,
                        -0.10597079]})
    a("spec_beta1_reverse_kl", 2, 3, x=JX, tf=JT, beta=1.0,
      expect={"none": [1.1504209, 0.11949898], "mean": 0.63495994,
              "gmean": [0.9978615, 0.12236425, -0.04501529, 0.075472049, 0.24213871,
                        0.24213871]})

    # random rows: log_softmax of N(0, s^2) logits, s in {1, 3, 10}; the teacher independent
    # or the student's logits plus N(0, 1); labels NULL, present with none ignored, or ~20%
    # (and the first row) equal to ignore_index -100 or 3
    def labels(rng, B, C, kind):
        if kind == "null":
            return None, -100
        if kind == "kept":
            return rng.integers(0, C, B), -100
        ig = -100 if kind == "ig-100" else 3
        y = rng.integers(0, 6, B) if ig == 3 else rng.integers(0, C, B)
        y[rng.random(B) < 0.2] = ig
        if B >= 2:
            y[0] = ig
        return y, ig

    k = 0
    for C in (1, 2, 3, 7, 16, 33, 1000):
        for beta in (0.0, 0.5, 1.0, 0.1, 0.9):
            B = 2 if C == 1000 else [1, 3, 17, 33, 5, 9][k % 6]
            s = (1.0, 3.0, 10.0)[k % 3]
            lk = ("null", "ig-100", "kept", "ig3")[k % 4]
            near = k % 2 == 1
            k += 1
            name = "C%d_B%d_beta%g_s%g_%s_%s" % (C, B, beta, s, "near" if near else "indep", lk)
            rng = rng_for(L, name)
            z = rng.normal(0, s, (B, C))
            zt = z + rng.normal(0, 1, (B, C)) if near else rng.normal(0, s, (B, C))
            y, ig = labels(rng, B, C, lk)
            a(name, B, C, x=log_softmax64(z), tf=log_softmax64(zt), ti=y, ignore=ig, beta=beta)
    rng = rng_for(L, "identical")
    xi = log_softmax64(rng.normal(0, 3, (5, 9)))
    for beta in (0.0, 0.5, 1.0, 0.1):
        a("identical_beta%g" % beta, 5, 9, x=xi, tf=xi, beta=beta,
          note="teacher = student: loss ~0, gradient ~0" if beta == 0 else None)

    # labels: ignored rows whatever they hold; every row ignored
    rng = rng_for(L, "ignored")
    zi = rng.normal(0, 3, (4, 5))
    xg, tg = log_softmax64(zi), log_softmax64(zi[::-1])
    xg[0, 1], tg[0, 3] = NAN, -INF
    xg[2, 0], xg[2, 4], tg[2, 2] = -INF, INF, NAN
    for beta, ig in ((0.5, 3), (1.0, -100), (0.0, 3)):
        a("ignored_rows_any_contents_beta%g" % beta, 4, 5, x=xg, tf=tg,
          ti=[ig, 0, ig, 1] if ig == 3 else [-100, 3, -100, 7], ignore=ig, beta=beta,
          note="rows whose label is ignore_index are not read (NaN, -inf, +inf there): loss 0 "
               "and gradient 0; labels other than ignore_index are not checked"
          if beta == 0.5 else None)
    za = log_softmax64(rng.normal(0, 3, (5, 6)))
    a("all_ignored_beta0.5", 5, 6, x=za, tf=za[::-1], ti=[3] * 5, ignore=3, beta=0.5,
      note="every row ignored (batch > 0): NONE zeros, MEAN 0, SUM 0, gradients 0")
    a("all_ignored_beta0", 5, 6, x=za, tf=za[::-1], ti=[-100] * 5, beta=0.0)

    # probabilities of exactly 0 in float32: log-probabilities of -inf, or below about
    # -103.97 (exp underflows): the limit rule (0 where Liger's formula gives 0 * inf = NaN)
    rng = rng_for(L, "limits")
    zl = rng.normal(0, 3, (9, 6))
    zt = rng.normal(0, 3, (9, 6))
    zl[0, 0] = -INF                       # student 0, teacher not
    zt[1, 1] = -INF                       # teacher 0, student not
    zl[2, 2] = zt[2, 2] = -INF            # both 0
    zl[3, 3] = zt[3, 3] = -120.0          # both underflow (M = 0 in float32)
    zl[4, 4], zt[4, 5] = -200.0, -120.0   # one underflows in each
    zl[5, 1:] = -INF                      # a one-hot student
    zt[6, [0, 2, 3, 4, 5]] = -INF         # a one-hot teacher
    zl[7, 1:] = zt[7, 1:] = -INF          # the same one-hot: loss 0
    xl, tl = log_softmax64(zl), log_softmax64(zt)
    # at the edge: exp(-103) is subnormal in float32, exp(-104.5) is 0
    xl[8, 0], tl[8, 0], xl[8, 1], tl[8, 1] = -104.5, -103.0, -103.0, -104.5
    for beta in (0.0, 0.5, 1.0, 0.1, 0.9):
        a("limits_beta%g" % beta, 9, 6, x=xl, tf=tl, beta=beta,
          note="log-probabilities of -inf and below -103.97 (exp underflows to 0 in float32): "
               "a zero probability times a logarithm counts 0; KL(P || Q) with Q = 0 where "
               "P is not (beta 0, row 0) and KL(Q || P) with P = 0 where Q is not (beta 1, "
               "row 1): inf, the gradient finite (beta 0) or inf (beta 1)" if beta == 0 else None)
    a("limits_labels_beta0.5", 9, 6, x=xl, tf=tl, ti=[0, 1, -100, 3, 4, -100, 6, 7, 8],
      beta=0.5)
    # a large vocabulary with logits N(0, 40^2): most log-probabilities below -104
    for beta in (0.5, 0.0, 1.0):
        name = "C1000_B2_beta%g_s40_underflow" % beta
        rng = rng_for(L, name)
        a(name, 2, 1000, x=log_softmax64(rng.normal(0, 40, (2, 1000))),
          tf=log_softmax64(rng.normal(0, 40, (2, 1000))), beta=beta)

    # NaN
    rng = rng_for(L, "nan")
    zn = rng.normal(0, 3, (4, 5))
    xn, tn = log_softmax64(zn), log_softmax64(zn + rng.normal(0, 1, (4, 5)))
    xn[0, 1], tn[1, 3], xn[3, 0], tn[3, 0] = NAN, NAN, NAN, NAN
    for beta in (0.0, 0.5, 1.0):
        a("nan_rows_beta%g" % beta, 4, 5, x=xn, tf=tn, ti=[0, 1, 2, 3], ignore=2, beta=beta,
          note="NaN in a row: its loss NaN, its gradient NaN where the element's own term is "
               "(beta 0: -P, whatever x holds; as torch); row 2 (ignored) holds none"
          if beta == 0 else None)
    a("empty", 0, 3, x=[], tf=[], note="batch 0: MEAN NaN, SUM 0")
    a("empty_labels", 0, 3, x=[], tf=[], ti=[], beta=0.0)
    for beta in (-0.1, 1.1, NAN):
        a("einval_beta%g" % beta, 2, 3, x=JX, tf=JT, beta=beta, status=("EINVAL",),
          note="beta must be in [0, 1]" if beta < 0 else None)
    a("einval_classes0", 2, 0, x=[], tf=[], ti=[0, 1], status=("EINVAL",))


# ------------------------------------------------------------------ write --
def write(loss, notes):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, loss + ".txt")
    bf = loss == "cross_entropy_bf16"
    lines = ["# simdloss golden vectors for %s: tests/golden/gen_class.py, torch %s, numpy %s"
             % (loss, torch.__version__, np.__version__),
             "# format: tests/golden/README.md (class-dimension losses); floats are float32 "
             "bit patterns" + ("; x, gmean, gsum are bfloat16 bit patterns" if bf else "")]
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
            if c.get("limit"):
                comments.append("departs from torch 1.13 (the limit 0 of a zero probability "
                                "times a logarithm, where Liger's formula gives 0 * inf = NaN) "
                                "at " + " ".join(c["limit"]))
                notes.append("%s: limit 0 at %s" % (c["name"], " ".join(c["limit"])))
            if changes:
                comments.append("departs from torch 1.13 (NaN in, NaN out / 0 at ignored "
                                "positions) at " + " ".join(changes))
                notes.append("%s: %s" % (c["name"], " ".join(changes)))
        else:
            check_raises(c)
            r = None
        for s in comments:
            lines.append("# " + s)
        lines.append("case " + c["name"])
        lines.append("shape %d %d %d" % (c["B"], c["C"], c["K"]))
        for pname in PARAMS[loss]:
            if pname == "ignore_index":  # the IGN argument, whatever the registry calls it
                lines.append("ignore_index %d" % c["ignore"])
            elif pname in c["pi"]:
                lines.append("%s %d" % (pname, c["pi"][pname]))
            else:
                lines.append("%s %s" % (pname, hexs([c["pf"][pname]])))
        lines.append(("x " + (hex16(c["xbits"]) if bf else hexs(c["x"]))).rstrip())
        if c["ti"] is not None:
            lines.append(("ti " + " ".join(str(int(v)) for v in c["ti"])).rstrip())
        if c["tf"] is not None:
            lines.append(("tf " + hexs(c["tf"])).rstrip())
        if c["weight"] is not None:
            lines.append("weight %d %s" % (len(c["weight"]), hexs(c["weight"])))
        if c["alpha"] is not None:
            lines.append("alpha %d %s" % (len(c["alpha"]), hexs(c["alpha"])))
        if r is None:
            st = c["status"]
            lines.append("status " + " ".join(str(v) for v in st))
        else:
            lines.append(("none " + hexs(r["none"])).rstrip())
            lines.append("mean " + hexs([r["mean"]]))
            lines.append("sum " + hexs([r["sum"]]))
            for g in ("gmean", "gsum"):
                lines.append((g + " " + (hex16(bf16_bits(r[g])) if bf else hexs(r[g]))).rstrip())
        lines.append("end")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def main():
    ce_family("cross_entropy")
    ce_family("cross_entropy_bf16")
    ce_probs()
    nll()
    keras()
    margins()
    sparse()
    features()
    distill()
    jsd()
    # torch's own float32 -> bfloat16 conversion agrees with bf16_bits on non-NaN values
    for c in CASES["cross_entropy_bf16"]:
        fin = ~np.isnan(c["x"])
        tb = torch.tensor(c["x"]).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        assert (tb[fin] == c["xbits"][fin]).all(), c["name"]
    write_all(LOSSES, CASES, write)


if __name__ == "__main__":
    sys.exit(main())
