/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The row driver: everything a class-dimension loss that runs along its rows
 * (inner == 1) needs besides its element functions, as driver.h is for the
 * elementwise losses.
 *
 * A loss is a row function and, for each pass it makes over a row, an
 * element function that sees SL_VL classes of the row at a time:
 *     elem(k, in, out)
 * k is the loss's own per-row context (its constants as vectors: the row's
 * sums from earlier passes, parameters, the gradient factor where its formula
 * puts it first), in the lanes the pass asked for (sl_rin: input, float
 * target, per-class weight, a scratch row, the block's precomputed value, the
 * lanes inside the row, the class-index target's lane) and out what it
 * returns (sl_rout: terms of the row's sums and max, the value to store, the
 * lanes that enter the sums). A pass is described by an sl_rpass whose
 * fields are constants at the call site, so that the compiler keeps only
 * what the pass uses (the same device as driver.h's sl_mode).
 *
 * The driver owns:
 * - the loops: rows of a chunk (sl_rows), and along a row groups of 16
 *   classes in the canonical lanes (class c in lane c % 16, as SL_NV16
 *   vectors), the last group read with masked loads padded with the pass's
 *   pad values and written with masked stores;
 * - the targets: a row's class index (sl_row.y, and per group the target's
 *   lane), its float targets, or its label row (its labels and the
 *   is-target mask, built into the first `classes` floats of the scratch and
 *   read as the pass's target stream);
 * - the masks: the lanes inside the row (sl_rin.ok, and ok_y: without the
 *   target's lane); terms enter the sums only where sl_rout.keep (ok unless
 *   the loss narrows it), the max only there too (and a second max, of
 *   another stream, for a pass that takes two rows' maxima at once);
 * - the canonical sums (the loss's sl_rsum locals, named to each pass by
 *   sl_rloc, carried across passes): float lanes closed every SL_RBLOCK
 *   classes into a double total (rows.h), a sum in double lanes over the
 *   whole row (vacc), the max of the 16 lanes;
 * - the block pre-loop (sl_rpass.pre): an expensive function (a SLEEF call)
 *   of the input computed for a block of SL_RBLOCK classes in a loop of its
 *   own into a stack buffer and read back by the main loop, so that no vector
 *   is live across the calls (every vector register is caller-saved);
 * - the loads and stores: float or bfloat16 input (sl_row.bf16), the output
 *   either the gradient (canonical NaNs, float or bfloat16) or a float
 *   scratch row read back by a later pass, optionally times the gradient
 *   factor g (sl_rpass.gmul: for formulas where g is the last factor); up
 *   to two further float gradients stored in the same pass (sl_rpass.outs:
 *   a loss with several differentiable inputs), each group after its loads.
 *
 * The order of the IEEE operations is the loss's (its element function) and
 * the canonical one (the sums): same bits on every ISA.
 */
#ifndef SL_KERNELS_ROW_DRIVER_H
#define SL_KERNELS_ROW_DRIVER_H

#include "rows.h"

#define SL_RSUMS 3 /* canonical float sums a row may carry */

/* The target kind of a row loss (sl_rows). */
enum { SL_RT_NONE, SL_RT_INDEX, SL_RT_FLOAT, SL_RT_LABELS };

/* One row, as the driver hands it to the loss's row function. */
typedef struct {
    size_t r, C;
    const void *x;      /* the row's input (float or bfloat16) */
    const float *t;     /* float targets, or the label rows' is-target mask (1 or 0), or NULL */
    const float *w;     /* per-class weights (sl_rargs.w), or NULL */
    const int64_t *lab; /* label rows: the labels, lab[0..nl) */
    size_t nl;          /* label rows: their number (labels before the first -1) */
    size_t y;           /* class-index target (SIZE_MAX: none) */
    void *grad;         /* the row's gradient, or NULL */
    float *grad2;       /* further float gradient rows (sl_rpass.outs), or NULL */
    float *grad3;
    float g; /* the gradient factor (sl_rargs.gn) */
    int bf16;
    const void *next_x;  /* the next row's input and float targets, or NULL: */
    const float *next_t; /* a row function may prefetch them */
} sl_row;

/* The lanes of one vector of a group of 16 classes (v: which vector). */
typedef struct {
    vf x, t, w, s, pre; /* input, target, weight, scratch row, block pre-loop value */
    vm ok;              /* classes inside the row */
    vm ok_y;            /* ok without the class-index target's class (sl_rpass.at_y) */
    unsigned v;
} sl_rin;

/* What an element function returns: terms of the pass's sums (sum[j] to
 * sl_rloc.s[j], dsum to the double lanes), of its max, the value stored;
 * keep (ok on entry): the lanes whose terms count. */
typedef struct {
    vf sum[SL_RSUMS], dsum, max, max2, out, out2, out3;
    vm keep;
} sl_rout;

/* The reductions a pass adds to: the loss's own locals (sl_rsum_init,
 * vacc_zero, sl_l16_set to -INFINITY), which may carry over several passes;
 * NULL where the pass has none. Separate small locals, not one struct of
 * them: the compiler keeps those in registers (a struct of every sum stayed
 * in memory, each addition a load and a store), and copying them in and
 * out of each pass costs more than a row of 10 classes. */
typedef struct {
    sl_rsum *s[SL_RSUMS];
    vacc *d;
    sl_l16 *m, *m2;
} sl_rloc;

/* mode: the loss's constant choices, passed through unchanged (they fold
 * where the element function is inlined, as driver.h's flags). */
typedef void (*sl_relem)(const void *k, int mode, const sl_rin *in, sl_rout *out);
typedef vf (*sl_rpre)(const void *k, int mode, vf x);

/* Streams a pass loads (sl_rpass.ld). */
enum { SL_RX = 1, SL_RT = 2, SL_RW = 4, SL_RS = 8 };
/* Where a pass stores sl_rout.out (sl_rpass.out). */
enum { SL_ROUT_NONE, SL_ROUT_GRAD, SL_ROUT_SCRATCH };

/* One pass over a row; every field a constant at the call site. */
typedef struct {
    unsigned ld;                  /* SL_RX | SL_RT | SL_RW | SL_RS */
    float xpad, tpad, wpad, spad; /* what the lanes past the row hold */
    unsigned sums;                /* bit j: add sum[j] to sl_rloc.s[j] */
    int raw;                      /* add the terms unmasked (the pads add +0) */
    int dsum, max, max2;          /* add dsum to the double lanes; max (max2) into m (m2) */
    int at_y;                     /* compute sl_rin.ok_y */
    int out;                      /* SL_ROUT_* */
    int outs;                     /* with SL_ROUT_GRAD: also out2 to sl_row.grad2 (2) and
                                   * out3 to grad3 (3), float: a loss with several
                                   * differentiable inputs writes all its gradients in one
                                   * pass (each group is stored after its loads, so any
                                   * gradient may alias any input exactly) */
    int gmul;                     /* store out * g */
    int pre;                      /* sl_rin.pre from the block pre-loop */
    int unroll;                   /* unroll the SL_NV16 vectors of a group: the sums' lanes
                                   * stay in registers; for passes with few live values
                                   * (the compiler's choice otherwise) */
} sl_rpass;

/* One vector v of a group of 16 classes from class c. */
SL_INLINE void sl_row_vec(const sl_rpass m, const sl_row *row, const void *k, int mode,
                          sl_relem elem, vf g, const sl_rloc acc, size_t c, unsigned v,
                          const sl_l16 *x, const sl_l16 *t, const sl_l16 *w, const sl_l16 *sc,
                          const sl_l16 *p, const float *ex, int has_y, sl_l16 o[3])
{
    const vf zero = vf_set1(0.0f);
    sl_rin in;
    sl_rout r;
    in.x = m.ld & SL_RX ? x->v[v] : zero;
    in.t = m.ld & SL_RT ? t->v[v] : zero;
    in.w = m.ld & SL_RW ? w->v[v] : zero;
    in.s = m.ld & SL_RS ? sc->v[v] : zero;
    in.pre = m.pre ? p->v[v] : zero;
    in.ok = sl_valid16(c, row->C, v);
    in.ok_y = in.ok;
    if (has_y) in.ok_y = vm_andnot(in.ok, vf_ne(vf_load(ex + v * SL_VL), zero));
    in.v = v;
    r.keep = in.ok;
    elem(k, mode, &in, &r);
#pragma GCC unroll 4
    for (int j = 0; j < SL_RSUMS; j++)
        if (m.sums >> j & 1)
            sl_rsum_add(acc.s[j], v, m.raw ? r.sum[j] : vf_select(r.keep, r.sum[j], zero));
    if (m.dsum) vacc_add(acc.d, vf_select(r.keep, r.dsum, zero), v);
    if (m.max) acc.m->v[v] = vf_max(vf_select(r.keep, r.max, vf_set1(-INFINITY)), acc.m->v[v]);
    if (m.max2) acc.m2->v[v] = vf_max(vf_select(r.keep, r.max2, vf_set1(-INFINITY)), acc.m2->v[v]);
    if (m.out) o[0].v[v] = m.gmul ? vf_mul(r.out, g) : r.out;
    if (m.outs >= 2) o[1].v[v] = m.gmul ? vf_mul(r.out2, g) : r.out2;
    if (m.outs >= 3) o[2].v[v] = m.gmul ? vf_mul(r.out3, g) : r.out3;
}

/* One group of 16 classes from class c; pb: the block's pre-loop values at
 * this group (pn of them from the group's block start c0), or NULL: pre
 * computed here from the group's input (a row of one group, where the
 * pre-loop's store and reload cost more than the spills it avoids). */
SL_INLINE void sl_row_group(const sl_rpass m, const sl_row *row, const float *s, void *out,
                            const void *k, int mode, sl_relem elem, sl_rpre pre, vf g,
                            const sl_rloc acc, size_t c, const float *pb, size_t c0, size_t pn)
{
    const size_t C = row->C;
    sl_l16 x, t, w, sc, p, o[3];
    if (m.ld & SL_RX || (m.pre && !pb)) sl_ld16(&x, row->x, c, C, m.xpad, row->bf16);
    if (m.pre && pb) sl_ld16(&p, pb, c - c0, pn, 0.0f, 0);
    if (m.pre && !pb)
        for (unsigned v = 0; v < SL_NV16; v++)
            p.v[v] = vf_select(sl_valid16(c, C, v), pre(k, mode, x.v[v]), vf_set1(0.0f));
    if (m.ld & SL_RT) sl_ld16(&t, row->t, c, C, m.tpad, 0);
    if (m.ld & SL_RW) sl_ld16(&w, row->w, c, C, m.wpad, 0);
    if (m.ld & SL_RS) sl_ld16(&sc, s, c, C, m.spad, 0);
    /* the target's lane: a 1 in a group of 16 floats, compared by vectors */
    float ex[16] = {0};
    const int has_y = m.at_y && row->y >= c && row->y - c < 16;
    if (has_y) ex[row->y - c] = 1.0f;
    if (m.unroll) {
#pragma GCC unroll 4
        for (unsigned v = 0; v < SL_NV16; v++)
            sl_row_vec(m, row, k, mode, elem, g, acc, c, v, &x, &t, &w, &sc, &p, ex, has_y, o);
    } else {
        for (unsigned v = 0; v < SL_NV16; v++)
            sl_row_vec(m, row, k, mode, elem, g, acc, c, v, &x, &t, &w, &sc, &p, ex, has_y, o);
    }
    if (m.out == SL_ROUT_GRAD) sl_st16(out, c, C, &o[0], row->bf16);
    if (m.out == SL_ROUT_SCRATCH) sl_scratch16((float *)out, c, C, &o[0]);
    if (m.outs >= 2) sl_st16(row->grad2, c, C, &o[1], 0);
    if (m.outs >= 3) sl_st16(row->grad3, c, C, &o[2], 0);
#pragma GCC unroll 4
    for (int j = 0; j < SL_RSUMS; j++)
        if (m.sums >> j & 1) sl_rsum_step(acc.s[j], c + 16, C);
}

/* A pass with a pre-loop, block by block. */
SL_INLINE void sl_row_blocks(const sl_rpass m, const sl_row *row, const float *s, void *out,
                             const void *k, int mode, sl_relem elem, sl_rpre pre, vf g,
                             const sl_rloc loc)
{
    const size_t C = row->C;
    float pbuf[SL_RBLOCK];
    for (size_t c0 = 0; c0 < C; c0 += SL_RBLOCK) {
        const size_t n = C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK;
        /* the pre-loop: no vector is live across its calls, so nothing is
         * spilled around them; the main loop reads the values back from L1 */
        for (size_t c = 0; c < n; c += 16) {
            sl_l16 x, l;
            sl_ld16(&x, row->x, c0 + c, C, m.xpad, row->bf16);
            for (unsigned v = 0; v < SL_NV16; v++) l.v[v] = pre(k, mode, x.v[v]);
            sl_scratch16(pbuf, c, n, &l);
        }
        for (size_t c = c0; c < c0 + n; c += 16)
            sl_row_group(m, row, s, out, k, mode, elem, pre, g, loc, c, pbuf, c0, n);
    }
}

/*
 * One pass over a row: s, the scratch row the pass reads (SL_RS); out, the
 * row it writes (the row's gradient for SL_ROUT_GRAD, a float scratch row for
 * SL_ROUT_SCRATCH; the pass may read it first, it is written group by group
 * after the group's loads); pre, the block pre-loop's function (m.pre); k and
 * mode go to the loss's functions; loc, the reductions it adds to.
 */
SL_INLINE void sl_row_pass(const sl_rpass m, const sl_row *row, const float *s, void *out,
                           const void *k, int mode, sl_relem elem, sl_rpre pre, const sl_rloc loc)
{
    const size_t C = row->C;
    const vf g = vf_set1(row->g);
    if (C > 0 && C <= 16) {
        /* one group: its own code, c == 0 known, no pre-loop */
        sl_row_group(m, row, s, out, k, mode, elem, pre, g, loc, 0, NULL, 0, 0);
    } else if (!m.pre) {
        for (size_t c = 0; c < C; c += 16)
            sl_row_group(m, row, s, out, k, mode, elem, pre, g, loc, c, NULL, 0, 0);
    } else {
        sl_row_blocks(m, row, s, out, k, mode, elem, pre, g, loc);
    }
}

/* The row r of a chunk, its targets of kind tgt (SL_RT_*). Label rows: the
 * is-target mask goes to scratch[0, C) (the plan's scratch starts with it). */
SL_INLINE sl_row sl_row_at(const sl_rargs *a, size_t r, int tgt, int bf16)
{
    sl_row row;
    const size_t C = a->classes;
    row.r = r;
    row.C = C;
    row.x = bf16 ? (const void *)((const uint16_t *)a->x + r * C)
                 : (const void *)((const float *)a->x + r * C);
    row.t = tgt == SL_RT_FLOAT ? a->tf + r * C : NULL;
    row.w = a->w;
    row.lab = NULL;
    row.nl = 0;
    row.y = tgt == SL_RT_INDEX ? (size_t)a->ti[r] : SIZE_MAX; /* validated */
    row.grad = !a->grad ? NULL
               : bf16   ? (void *)((uint16_t *)a->grad + r * C)
                        : (void *)((float *)a->grad + r * C);
    row.g = a->gn;
    row.bf16 = bf16;
    row.grad2 = row.grad3 = NULL;
    row.next_x = NULL;
    row.next_t = NULL;
    if (tgt == SL_RT_LABELS) {
        const int64_t *lab = a->ti + r * C; /* validated: every entry in [-1, C) */
        float *is_t = a->scratch;
        size_t nl = 0;
        memset(is_t, 0, C * sizeof(float));
        while (nl < C && lab[nl] >= 0) is_t[(size_t)lab[nl++]] = 1.0f;
        row.t = is_t;
        row.lab = lab;
        row.nl = nl;
    }
    return row;
}

/* The row function of a loss: row's loss to *l0, its gradient to row->grad;
 * mode: the loss's constant choices (folded where it is inlined). */
typedef void (*sl_rowfn)(const sl_rargs *a, const sl_row *row, float *l0, int mode);

/* The rows [pos, pos + cnt) of a chunk, one after the other. */
SL_INLINE void sl_rows(const sl_rargs *a, size_t pos, size_t cnt, float *l0, int tgt, int bf16,
                       sl_rowfn fn, int mode)
{
    for (size_t r = 0; r < cnt; r++) {
        sl_row row = sl_row_at(a, pos + r, tgt, bf16);
        if (pos + r + 1 < a->batch) { /* the next row, in this task or the next */
            row.next_x = (const char *)row.x + a->classes * (bf16 ? 2 : 4);
            row.next_t = row.t && tgt == SL_RT_FLOAT ? row.t + a->classes : NULL;
        }
        fn(a, &row, l0 + r, mode);
    }
}

#endif
