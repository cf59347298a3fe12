#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the committed seed corpora of the fuzz targets, deterministically:

    fuzz/corpus/elementwise/   inputs of fuzz/fuzz_elementwise.c
    fuzz/corpus/class/         inputs of fuzz/fuzz_class.c
    fuzz/corpus/ctc/           inputs of fuzz/fuzz_ctc.c
    fuzz/corpus/ce_ex/         inputs of fuzz/fuzz_ce_ex.c
    fuzz/corpus/linear/        inputs of fuzz/fuzz_linear.c
    fuzz/corpus/triplet_distance/  inputs of fuzz/fuzz_triplet_distance.c

Each seed is one call in the input layout documented at the top of the two
targets (a fixed header, then a pool of raw 32-bit words). The seeds cover
every loss of the registry (src/losses.def, read here for the names and
order) and every class-dimension function (SL_CLASS entries of src/losses.def)
with the interesting choices: NULLs, vector tails and block edges, every
reduction and invalid ones, special floats (NaN payloads, infinities,
subnormals) from the pool, cyclic lengths (divisors, 0, non-divisors, huge),
parameters at their range boundaries, aliased outputs; for the class
functions weights, ignored and out-of-range targets, label smoothing,
alpha lengths, empty batches and sizes whose product overflows.

Usage: fuzz/make_corpus.py  (rewrites the three directories)
"""
import os
import re
import shutil
import struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---- what the targets decode (keep in step with their headers) -----------------------------
# fill bytes (low 4 bits)
F_DOM, F_DOM_SP, F_QUARTERS, F_POOL, F_DOM_POOL8 = 0, 4, 6, 7, 8
F_SPECIALS, F_CONST, F_RAWBITS, F_OTHERDOM, F_DOM_1SP, F_DOM_POOL2, F_NULL = 9, 10, 11, 12, 13, 14, 15
# reduction modes
R_NONE, R_MEAN, R_SUM, R_RAW, R_ODD = 0, 2, 4, 6, 7
# elementwise: n modes, output modes, cyclic length modes, parameter modes
N_SMALL, N_BIG, N_EDGE = 0, 6, 7
EDGE_N = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 127, 128,
          129, 255, 256, 257, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096]
L_NULL, L_SEP, L_ALIAS_IN0, L_ALIAS_INW, L_ALIAS_TGT = 0, 1, 5, 6, 7
G_NULL, G_SEP, G_ALIAS_IN, G_ALIAS_TGT = 0, 2, 6, 7
C_NULL, C_NULL_HUGE, C_DIV, C_N, C_ONE, C_ZERO, C_NONDIV, C_HUGE, C_RAW = 0, 1, 2, 6, 8, 9, 10, 11, 13
P_DEF, P_RAW, P_SPECIAL, P_BOUND, P_SMALL = 0, 4, 5, 6, 7
I_DEF, I_0, I_1, I_2, I_RAW = 0, 4, 5, 6, 7

SPECIALS = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001,
            0xff800001, 0x7fc12345, 0x00000001, 0x007fffff, 0x80000001, 0x00800000, 0x7f7fffff,
            0xff7fffff, 0x3f800000, 0xbf800000, 0x3f7fffff, 0x3f800001, 0x33d6bf95, 0x42b17218,
            0xc2aeac50, 0x3f000000, 0x40400000]


def losses():
    text = open(os.path.join(ROOT, "src", "losses.def")).read()
    return re.findall(r"^SL_ELEMENTWISE\((\w+),", text, re.M)


def class_kinds():
    text = open(os.path.join(ROOT, "src", "losses.def")).read()
    return re.findall(r"^SL_CLASS\((\w+),", text, re.M)


def pool(words):
    return b"".join(struct.pack("<I", w & 0xffffffff) for w in words)


def specials_pool(count, start=0):
    return pool([SPECIALS[(start + i) % len(SPECIALS)] for i in range(count)])


def pad_for_n(n):
    """Pool bytes so the input justifies n (the target allows n <= 64 + 2 * size)."""
    return max(0, (n - 64 + 1) // 2 - 100)


# ---- elementwise ---------------------------------------------------------------------------
def elem(loss, n=37, nmode=N_SMALL, nval=None, red=R_NONE, redraw=0, lossout=L_SEP,
         ins=None, tgts=None, cycs=None, pfs=None, pis=None, data=b""):
    """ins: 3 x (fill, seed, gradout); tgts: 2 x (fill, seed);
    cycs: 2 x (lenmode, lenval, fill, seed, gradout); pfs/pis: 4 x (mode, raw)."""
    if nval is None:
        nval = n
    ins = (ins or []) + [(F_DOM, 0x100 + i, G_SEP) for i in range(3)]
    tgts = (tgts or []) + [(F_DOM, 0x200 + i) for i in range(2)]
    cycs = (cycs or []) + [(C_NULL, 0, F_DOM, 0x300 + i, G_SEP) for i in range(2)]
    pfs = (pfs or []) + [(P_DEF, 0)] * 4
    pis = (pis or []) + [(I_DEF, 0)] * 4
    b = struct.pack("<BBHBIB", loss, nmode, nval & 0xffff, red, redraw & 0xffffffff, lossout)
    for f, s, g in ins[:3]:
        b += struct.pack("<BIB", f, s, g)
    for f, s in tgts[:2]:
        b += struct.pack("<BI", f, s)
    for lm, lv, f, s, g in cycs[:2]:
        b += struct.pack("<BIBIB", lm, lv & 0xffffffff, f, s, g)
    for m, r in pfs[:4]:
        b += struct.pack("<BI", m, r & 0xffffffff)
    for m, r in pis[:4]:
        b += struct.pack("<BI", m, r & 0xffffffff)
    assert len(b) == 100
    return b + data


def elementwise_seeds():
    names = losses()
    seeds = {}
    for k, name in enumerate(names):
        # natural data, an odd tail, a cyclic array of a divisor, loss and gradients
        seeds[f"{name}-n37-none"] = elem(k, 37, cycs=[(C_DIV, 2, F_DOM, 7, G_SEP)] * 2)
        # a block edge, MEAN, specials sprinkled and from the pool, parameters at
        # their boundaries, the gradient in place
        n = 1025
        seeds[f"{name}-n1025-mean-specials"] = elem(
            k, n, nmode=N_EDGE, nval=EDGE_N.index(n), red=R_MEAN,
            ins=[(F_DOM_POOL8, 11, G_ALIAS_IN), (F_DOM_SP, 12, G_SEP)],
            tgts=[(F_DOM_SP, 13)], cycs=[(C_N, 0, F_DOM_SP, 14, G_SEP), (C_ONE, 0, F_DOM, 15, 0)],
            pfs=[(P_BOUND, 1), (P_BOUND, 3), (P_BOUND, 0), (P_BOUND, 6)],
            pis=[(I_1, 0), (I_0, 0)],
            data=specials_pool(24 + pad_for_n(n) // 4, start=k))
        # every element a special value, SUM, loss in place of the target (NONE)
        seeds[f"{name}-n17-specials-inplace"] = elem(
            k, 17, red=R_NONE, lossout=L_ALIAS_TGT,
            ins=[(F_SPECIALS, 21, G_ALIAS_IN), (F_SPECIALS, 22, G_ALIAS_IN)],
            tgts=[(F_QUARTERS, 23)], cycs=[(C_DIV, 3, F_SPECIALS, 24, G_SEP)],
            pfs=[(P_SPECIAL, 2), (P_SPECIAL, 20), (P_SMALL, 4096 + 256)],
            pis=[(I_RAW, 0x80000000)])
    mse = names.index("mse")
    bce = names.index("bce")
    gnll = names.index("gaussian_nll")
    bwl = names.index("bce_with_logits")
    # n == 0 with each reduction, NULL arrays
    for r, rn in ((R_NONE, "none"), (R_MEAN, "mean"), (R_SUM, "sum")):
        seeds[f"gaussian_nll-n0-{rn}-nullvar"] = elem(
            gnll, 0, red=r, ins=[(F_NULL, 1, G_SEP)], tgts=[(F_NULL, 2)],
            cycs=[(C_NULL, 5, F_DOM, 3, G_SEP)])
    # invalid reductions
    seeds["mse-bad-reduction"] = elem(mse, 8, red=R_ODD, redraw=1)
    seeds["bce-raw-reduction"] = elem(bce, 8, red=R_RAW, redraw=0xffffffff)
    # cyclic lengths: huge, 0, not a divisor, NULL with a huge length
    seeds["bce-weight-huge"] = elem(bce, 12, cycs=[(C_HUGE, 0, F_DOM, 1, 0)])
    seeds["bce_with_logits-weight0-posweight-nondiv"] = elem(
        bwl, 12, cycs=[(C_ZERO, 0, F_DOM, 1, 0), (C_NONDIV, 4, F_DOM, 2, 0)])
    seeds["gaussian_nll-var-huge-n0"] = elem(gnll, 0, cycs=[(C_HUGE, 4, F_DOM, 1, G_SEP)])
    seeds["gaussian_nll-var-null-huge"] = elem(gnll, 9, cycs=[(C_NULL_HUGE, 0, F_DOM, 1, G_SEP)])
    seeds["gaussian_nll-var-negative"] = elem(gnll, 30, cycs=[(C_DIV, 3, F_OTHERDOM, 2, G_SEP)])
    # the largest n, raw bit patterns from the pool
    n = 4096
    seeds["bce-n4096-pool"] = elem(bce, n, nmode=N_BIG, nval=n, red=R_SUM,
                                   ins=[(F_POOL, 1, G_SEP)], tgts=[(F_DOM_POOL2, 2)],
                                   cycs=[(C_DIV, 5, F_DOM, 3, 0)],
                                   data=specials_pool(pad_for_n(n) // 4))
    # no output at all
    seeds["mse-no-output"] = elem(mse, 5, lossout=L_NULL, ins=[(F_DOM, 1, G_NULL)])
    return seeds


# ---- class-dimension -----------------------------------------------------------------------
S_NORMAL, S_EMPTY, S_NOCLASS, S_NOINNER, S_HUGE = 0, 10, 11, 12, 13
MAX_PARAMS = 4  # SL_MAX_PF and SL_MAX_PI (src/registry.h)
CLASS_HEADER = 54 + 2 * MAX_PARAMS * 5
C_RAW, C_INT2, C_INT_ODD = 4, 4, 7  # fuzz_class.c's parameter modes
F_01 = 0x3dcccccd  # 0.1f: inside every class parameter's range


def cls(kind, smode=S_NORMAL, b16=4, c16=4, i16=0, hb=1, hc=1, hi=1, red=R_NONE, redraw=0,
        lossout=1, gradout=2, x=(F_DOM, 1), tgt=(0, 0, 2), w=(0, 0, 3), alpha=(0, 0, 0, 4),
        ign=(0, 0), pf=(), pi=(), data=b""):
    """pf, pi: (mode, raw) of the float and int parameters, registry order (defaults after)."""
    b = struct.pack("<BBHHHBBB", kind, smode, b16, c16, i16, hb, hc, hi)
    b += struct.pack("<BIBB", red, redraw & 0xffffffff, lossout, gradout)
    b += struct.pack("<BI", x[0], x[1])
    b += struct.pack("<BBI", *tgt)
    b += struct.pack("<BBI", *w)
    b += struct.pack("<BIBI", alpha[0], alpha[1] & 0xffffffff, alpha[2], alpha[3])
    b += struct.pack("<BQ", ign[0], ign[1] & 0xffffffffffffffff)
    for params in (pf, pi):
        params = list(params) + [(0, 0)] * (MAX_PARAMS - len(params))
        for m, r in params:
            b += struct.pack("<BI", m, r & 0xffffffff)
    assert len(b) == CLASS_HEADER
    return b + data


def pad_class(elements):
    """Pool bytes so the input justifies that many elements (the class target
    allows batch * classes * inner <= 128 + 8 * size)."""
    return bytes(max(0, (elements - 128 + 7) // 8 - CLASS_HEADER))


def hi(v, mod):
    """A u16 with bit 15 set (the targets' "large" size choice) that is v modulo mod."""
    return 0x8000 + (v - 0x8000) % mod


def class_seeds():
    kinds = class_kinds()
    seeds = {}
    for k, nm in enumerate(kinds):
        # batch 5, classes 7 (across positions), inner 3 where taken
        seeds[f"{nm}-small"] = cls(k, b16=5, c16=6, i16=0x4000 + 2, tgt=(0, 0, 11))
        # rows along the classes (classes > 16), MEAN, weights, smoothing, some
        # ignored targets, the gradient in place
        seeds[f"{nm}-rows-mean"] = cls(k, b16=3, c16=hi(39, 1100), red=R_MEAN, gradout=6,
                                       tgt=(4, 0, 12), w=(4, 0, 13), alpha=(3, 0, 0, 14),
                                       pf=[(C_RAW, F_01)] * MAX_PARAMS, pi=[(C_INT2, 0)])
        # specials in the data from the pool, SUM, odd targets, bf16 raw patterns
        seeds[f"{nm}-specials-sum"] = cls(k, b16=6, c16=9, i16=0x4000 + 3, red=R_SUM,
                                          x=(F_DOM_POOL2, 21), tgt=(5, F_DOM_SP, 22),
                                          w=(4, F_SPECIALS, 23), alpha=(4, 0, F_DOM_SP, 24),
                                          data=specials_pool(48, start=k))
        # an empty batch with huge classes and inner: nothing read
        seeds[f"{nm}-empty-huge"] = cls(k, smode=S_HUGE, hb=1, b16=0, hc=0, c16=0, hi=0, i16=4,
                                        red=R_MEAN)
    ce, nll = kinds.index("cross_entropy_f32"), kinds.index("nll_f32")
    cfocal, mm = kinds.index("categorical_focal_f32"), kinds.index("multi_margin_f32")
    mlm = kinds.index("multilabel_margin_f32")
    seeds["ce-overflow"] = cls(ce, smode=S_HUGE, hb=2, b16=3, hc=0, c16=1, hi=0, i16=0)
    seeds["ce-noclass"] = cls(ce, smode=S_NOCLASS, b16=2)
    seeds["ce-noinner"] = cls(ce, smode=S_NOINNER, b16=2, c16=3)
    seeds["ce-empty-batch"] = cls(ce, smode=S_EMPTY, c16=5, i16=2, red=R_SUM)
    seeds["ce-bad-target"] = cls(ce, b16=7, c16=5, tgt=(7, 0, 3))
    seeds["ce-ignore-class0"] = cls(ce, b16=8, c16=4, tgt=(4, 0, 3), ign=(4, 0), red=R_MEAN)
    seeds["ce-all-ignored-mean"] = cls(ce, b16=4, c16=3, tgt=(6, 0, 3), red=R_MEAN)
    seeds["ce-ls-nan"] = cls(ce, pf=[(C_RAW, 0x7fc12345)])
    seeds["ce-bad-reduction"] = cls(ce, red=R_ODD, redraw=2)
    # more positions than a chunk (1024), more classes than a block (1024)
    seeds["ce-big-batch"] = cls(ce, b16=hi(1100, 1500), c16=0, red=R_MEAN, data=pad_class(1100))
    seeds["ce-inner40"] = cls(ce, b16=hi(60, 1500), c16=1, i16=hi(39, 40), tgt=(4, 0, 5),
                              data=pad_class(4800))
    for k in (ce, kinds.index("cross_entropy_bf16"), kinds.index("categorical_crossentropy_f32")):
        seeds[f"{kinds[k]}-wide-row"] = cls(k, b16=1, c16=hi(1029, 1100), red=R_SUM,
                                                        data=pad_class(1030))
    seeds["nll-zero-weights-mean"] = cls(nll, b16=4, c16=3, w=(4, F_CONST, 0), red=R_MEAN)
    seeds["cfocal-alpha-null"] = cls(cfocal, alpha=(5, 0, 0, 1))
    seeds["cfocal-alpha-len-odd"] = cls(cfocal, alpha=(7, 0x01000000, 0, 1))
    seeds["cfocal-gamma-inf"] = cls(cfocal, pf=[(C_RAW, 0x7f800000)])
    seeds["mmargin-p-bad"] = cls(mm, pi=[(C_INT_ODD, 1)])
    seeds["mmargin-margin-nan"] = cls(mm, pf=[(C_RAW, 0x7fc00000)])
    seeds["mlmargin-no-terminator"] = cls(mlm, b16=3, c16=20, tgt=(4, 0, 9))
    seeds["mlmargin-bad-entry"] = cls(mlm, b16=3, c16=20, tgt=(7, 0, 9))
    seeds["no-output"] = cls(ce, lossout=0, gradout=0)
    return seeds


def ctc(shape, mode, fill, lens, seed, T, N, C, red=0, stride=4, blank=0):
    """fuzz/fuzz_ctc.c's header: shape, mode, fill, lens, the seed, T, N, C,
    the raw reduction word, the stride (padded layouts: shape bit 0 clear),
    blank (bits 1-3 of shape zero: -1 or C)"""
    b = struct.pack("<BBBBQBBBI", shape, mode, fill, lens, seed, T, N, C, red)
    if not shape & 1:
        b += struct.pack("<B", stride)
    return b + struct.pack("<B", blank)


def ctc_seeds():
    seeds = {}
    # mode: bits 0-2 the reduction (0-1 NONE, 2-3 MEAN, 4-5 SUM, 6-7 invalid), bit 3
    # zero_infinity, bits 4-5 loss (0: none), bits 6-7 grad (1: none); fill: bits 0-1 the
    # log-probabilities (0 raw bits, 1-2 log-softmax, 3 with a special), bits 0-2 the
    # scale, bit 7 in place; lens: bits 0-1 allow bad lengths
    shapes = [(5, 2, 4), (20, 3, 12), (1, 1, 2), (0, 2, 3), (24, 6, 7), (12, 5, 3), (3, 4, 12)]
    modes = [0x10, 0x12, 0x14, 0x1C, 0x50, 0x02, 0x16, 0x2A, 0x07, 0x00]
    fills = [1, 2, 0, 3, 0x81, 5, 6]
    for k in range(40):
        T, N, C = shapes[k % len(shapes)]
        shape = 0x02 | (k % 2) | (0x10 if k % 5 == 0 else 0)
        lens = (0x00, 0x03, 0x7F, 0x0C)[k % 4]
        seeds["ctc-%02d" % k] = ctc(shape, modes[k % len(modes)], fills[k % len(fills)], lens,
                                    0x9E3779B97F4A7C15 * (k + 1) % (1 << 64), T, N, C,
                                    stride=(4, 10, 1, 0)[k % 4], blank=k % 3)
    seeds["ctc-blank-minus-one"] = ctc(0x00, 0x10, 1, 0, 7, 5, 2, 4)
    seeds["ctc-blank-c"] = ctc(0x10, 0x10, 1, 0, 7, 5, 2, 4)
    seeds["ctc-no-output"] = ctc(0x02, 0x40, 1, 0, 9, 5, 2, 4)
    seeds["ctc-bad-reduction"] = ctc(0x02, 0x17, 1, 0, 9, 5, 2, 4, red=3)
    seeds["ctc-empty-classes"] = ctc(0x02, 0x10, 1, 0, 9, 5, 2, 0)
    return seeds


def ce_ex(shape, mode, fill, opts, seed, N, C, inner=1, red=0, zsel=8, capsel=8, lsel=0):
    """fuzz/fuzz_ce_ex.c's header: shape (bit 0: inner follows; else bit 1:
    inner 0; bit 2: weights), mode, fill, opts (bit 0 lse, bit 1 argmax), the
    seed, N, C, [inner - 1], the raw reduction word, the selectors of z_loss,
    softcap (0-4 zero, 5-12 valid, 13 NaN, 14 negative, 15 infinite) and
    label_smoothing (sel % 8 / 8; 7: out of range)"""
    b = struct.pack("<BBBBQBB", shape, mode, fill, opts, seed, N, C)
    if shape & 1:
        b += struct.pack("<B", inner - 1)
    return b + struct.pack("<IBBB", red, zsel, capsel, lsel)


def ce_ex_seeds():
    seeds = {}
    # mode: bits 0-2 the reduction (0-1 NONE, 2-3 MEAN, 4-5 SUM, 6-7 invalid), bits 4-5
    # loss (0: none), bits 6-7 grad (1: none); fill: bits 0-1 the logits (0 raw bits and
    # specials, 1 uniform of scale 2^(bits 2-4), 2 ties, 3 with specials), bit 7 in place
    shapes = [(4, 40, 1), (6, 10, 1), (3, 7, 4), (1, 17, 1), (0, 5, 1), (5, 16, 2), (2, 33, 3)]
    modes = [0x12, 0x14, 0x10, 0x1A, 0x52, 0x02, 0x16, 0x24, 0x07, 0x00]
    fills = [1, 2, 0, 3, 0x81, 0x0D, 0x83]
    for k in range(40):
        N, C, inner = shapes[k % len(shapes)]
        shape = (1 if inner > 1 else 0) | (4 if k % 3 == 0 else 0)
        seeds["ce_ex-%02d" % k] = ce_ex(shape, modes[k % len(modes)], fills[k % len(fills)],
                                        k % 4, 0x9E3779B97F4A7C15 * (k + 1) % (1 << 64), N, C,
                                        inner, zsel=(0, 8, 5, 12)[k % 4],
                                        capsel=(8, 0, 10, 6, 0)[k % 5], lsel=(0, 1, 4, 0)[k % 4])
    seeds["ce_ex-z-nan"] = ce_ex(0, 0x12, 1, 3, 7, 4, 40, zsel=13)
    seeds["ce_ex-cap-negative"] = ce_ex(0, 0x12, 1, 3, 7, 4, 40, capsel=14)
    seeds["ce_ex-cap-inf"] = ce_ex(0, 0x12, 1, 3, 7, 4, 40, capsel=15)
    seeds["ce_ex-stats-only"] = ce_ex(0, 0x42, 0, 3, 9, 5, 20, zsel=0, capsel=0)
    seeds["ce_ex-inner-zero"] = ce_ex(2, 0x12, 1, 0, 9, 3, 5)
    seeds["ce_ex-smoothing-out"] = ce_ex(0, 0x12, 1, 0, 9, 3, 5, lsel=7)
    return seeds


def circle(seed, mode, fill, lsel, B, D, red=0, gsel=3, msel=5, rows=2):
    """fuzz/fuzz_linear.c, simdloss_circle_f32 (byte 0 even): the seed, mode
    (bits 0-2 the reduction as ce_ex's, bit 3 remove_diagonal, bits 4-5 loss
    (0: none), bits 6-7 grad (1: none)), fill (bits 0-1: 0 raw bits and
    specials, 1 exact quarters, 2 normals, 3 unit rows), the labels' selector
    (bit 7: wide 64-bit labels, else sel % 6 + 1 classes from -2), B, D, the
    raw reduction word, gamma's and margin's selectors (14 NaN, 15 infinite),
    the block's rows - 1"""
    return struct.pack("<BQBBBBBIBBB", 0, seed, mode, fill, lsel, B, D, red, gsel, msel, rows - 1)


def linear_ce(seed, mode, fill, opts, B, D, V, red=0, lsel=0, zsel=3, capsel=3, rows=2):
    """fuzz/fuzz_linear.c, simdloss_linear_cross_entropy_f32 (byte 0 odd):
    the seed, mode (as circle's, bit 3: a bias), fill (hidden, weight and
    bias from bits 0-1, 2-3, 4-5 as circle's), opts (bit 0 lse, bit 2 z_loss
    and bit 3 softcap follow, bits 4-6 grad_hidden, grad_weight,
    grad_bias), B, D, V, the raw reduction word, label_smoothing's selector
    (as ce_ex's), [z_loss's], [softcap's] (14 NaN, 15 infinite), the chunk's
    rows - 1"""
    b = struct.pack("<BQBBBBBBIB", 1, seed, mode, fill, opts, B, D, V, red, lsel)
    if opts & 4:
        b += struct.pack("<B", zsel)
    if opts & 8:
        b += struct.pack("<B", capsel)
    return b + struct.pack("<B", rows - 1)


def linear_seeds():
    seeds = {}
    modes = [0x1A, 0x12, 0x14, 0x1C, 0x52, 0x02, 0x16, 0x24, 0x07, 0x98]
    shapes = [(8, 5), (24, 12), (6, 3), (1, 4), (0, 3), (12, 0), (17, 8)]
    for k in range(20):
        B, D = shapes[k % len(shapes)]
        seeds["circle-%02d" % k] = circle(0x9E3779B97F4A7C15 * (k + 1) % (1 << 64),
                                          modes[k % len(modes)], (3, 1, 2, 0, 0x0B)[k % 5],
                                          (2, 0, 5, 0x81, 1)[k % 5], B, D,
                                          gsel=(3, 9, 0, 12)[k % 4], msel=(5, 2, 11, 7)[k % 4],
                                          rows=1 + k % 4)
    seeds["circle-gamma-nan"] = circle(5, 0x1A, 3, 2, 6, 4, gsel=14)
    seeds["circle-margin-inf"] = circle(5, 0x1A, 3, 2, 6, 4, msel=15)
    vshapes = [(6, 4, 10), (24, 12, 40), (3, 1, 33), (0, 5, 7), (5, 0, 9), (4, 3, 0), (9, 6, 17)]
    for k in range(20):
        B, D, V = vshapes[k % len(vshapes)]
        seeds["linear_ce-%02d" % k] = linear_ce(0xD1B54A32D192ED03 * (k + 1) % (1 << 64),
                                                modes[k % len(modes)], (2, 0x1A, 0x2E, 0, 3)[k % 5],
                                                (0x71, 0x11, 0x7D, 0x35, 0x21)[k % 5], B, D, V,
                                                lsel=(0, 1, 4, 0)[k % 4], rows=1 + k % 3)
    seeds["linear_ce-smoothing-out"] = linear_ce(3, 0x1A, 2, 0x71, 6, 4, 10, lsel=7)
    seeds["linear_ce-z-nan"] = linear_ce(3, 0x1A, 2, 0x75, 6, 4, 10, zsel=14)
    return seeds


def triplet_distance(kind, B, D, seed, pmode=0, emode=0, mmode=0, outs=0x0F, fill=0x2A, rmode=2,
                     red=0):
    """fuzz/fuzz_triplet_distance.c: the distance's mode (bits 0-2: 0 NULL,
    1 PAIRWISE p = 1, 2 PAIRWISE with p and eps from their selectors, 3
    COSINE, 4 CUSTOM, 5 CUSTOM without a function when pmode is odd, 6 a kind
    outside the enum, 7 PAIRWISE p = 2; bit 4 swap), p's, eps's and margin's
    selectors (8: 0, 9: negative, 10: infinite, 11: NaN, else valid), the
    outputs (bit 0 loss, bits 1-3 the three gradients, bits 4-5: 1 positive
    NULL, 2 negative NULL), the inputs' kinds (2 bits each: 0 raw bits and
    specials, 1 equal to the anchor, else small normals), the reduction's
    mode, the seed, B, D, the raw reduction word"""
    return struct.pack("<BBBBBBBQBBI", kind, pmode, emode, mmode, outs, fill, rmode, seed, B, D,
                       red)


def triplet_distance_seeds():
    seeds = {}
    kinds = [0, 1, 2, 3, 4, 7, 0x13, 0x14, 0x10, 0x17]
    shapes = [(4, 5), (8, 12), (1, 1), (0, 3), (3, 0), (5, 16 % 13), (7, 9)]
    for k in range(20):
        B, D = shapes[k % len(shapes)]
        seeds["triplet_distance-%02d" % k] = triplet_distance(
            kinds[k % len(kinds)], B, D, 0x9E3779B97F4A7C15 * (k + 1) % (1 << 64),
            pmode=(0, 3, 8, 9)[k % 4], emode=(0, 1, 2)[k % 3], mmode=(0, 5, 1)[k % 3],
            outs=(0x0F, 0x01, 0x0E, 0x05, 0x0B)[k % 5], fill=(0x2A, 0x00, 0x16, 0x3F)[k % 4],
            rmode=(2, 0, 4, 3)[k % 4])
    seeds["triplet_distance-p-nan"] = triplet_distance(2, 3, 4, 11, pmode=11)
    seeds["triplet_distance-p-inf"] = triplet_distance(2, 3, 4, 11, pmode=10)
    seeds["triplet_distance-eps-nan"] = triplet_distance(2, 3, 4, 11, emode=11)
    seeds["triplet_distance-margin-nan"] = triplet_distance(3, 3, 4, 11, mmode=11)
    seeds["triplet_distance-no-fn"] = triplet_distance(5, 3, 4, 11, pmode=1)
    seeds["triplet_distance-bad-kind"] = triplet_distance(6, 3, 4, 11)
    seeds["triplet_distance-positive-null"] = triplet_distance(4, 3, 4, 11, outs=0x1F)
    seeds["triplet_distance-negative-null"] = triplet_distance(3, 3, 4, 11, outs=0x2F)
    seeds["triplet_distance-no-output"] = triplet_distance(4, 3, 4, 11, outs=0x00)
    seeds["triplet_distance-bad-reduction"] = triplet_distance(3, 3, 4, 11, rmode=7, red=3)
    return seeds


def write(dirname, seeds):
    path = os.path.join(ROOT, "fuzz", "corpus", dirname)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)
    total = sum(len(d) for d in seeds.values())
    print(f"fuzz/corpus/{dirname}: {len(seeds)} seeds, {total} bytes")


if __name__ == "__main__":
    write("elementwise", elementwise_seeds())
    write("class", class_seeds())
    write("ctc", ctc_seeds())
    write("ce_ex", ce_ex_seeds())
    write("linear", linear_seeds())
    write("triplet_distance", triplet_distance_seeds())
