/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Softmax cross-entropy (F.cross_entropy), class-index and probability
 * targets, float32 or bfloat16 logits.
 *
 * With m = max_c x[c], e[c] = exp(x[c] - m), S = sum_c e[c], lS = log S,
 * lp[c] = (x[c] - m) - lS:
 *   index target y, smoothing eps, weights w (W = sum w):
 *     l0 = nll = -w[y] lp[y];  l1 = smooth = sum_c w[c] (m - x[c]) + W lS
 *     (= -sum_c w[c] lp[c]); the entry point combines (1 - eps) l0 +
 *     (eps / C) l1 and the MEAN divisors.
 *     d/dx[c] = e[c] (gn w[y] + gs W) / S - gs w[c] - [c == y] gn w[y]
 *     with gn, gs the factors of the two parts (sl_rargs).
 *   probability targets t' = (1 - eps) t + eps / C, T = sum_c w[c] t'[c]:
 *     l0 = sum_c w[c] t'[c] (m - x[c]) + T lS;
 *     d/dx[c] = gn (e[c] T / S - w[c] t'[c]).
 * The exponentials are stored in the gradient (float32) or the scratch row
 * (bfloat16) and rescaled in a second pass: one exp per logit.
 * Ignored positions get loss 0 and a zero gradient whatever their logits
 * hold (they are loaded with their neighbours but never used).
 *
 * sl_rargs: p[0] = eps, p[1] = 1 - eps, p[2] = eps / C; flags: SL_CE_W
 * (weights), SL_CE_SMOOTH (eps > 0).
 */
#ifndef SL_KERNELS_CROSS_ENTROPY_H
#define SL_KERNELS_CROSS_ENTROPY_H

#ifdef SL_PLANS /* the plans, compiled once (src/class_entry.c) */

/* simdloss_cross_entropy_ex_f32's options (NULL: none). Statistics alone
 * (lse, argmax) keep the plain kernel's two terms, so the loss and gradient
 * keep their bits; z-loss or soft-capping make the kernel combine the terms
 * per position (SL_CE_ONE), the z-loss divided by the cross-entropy's MEAN
 * divisor. Returns whether the logits are soft-capped. */
static int sl_plan_ce_options(sl_rargs *a, sl_cplan *p, const simdloss_ce_options *o,
                              simdloss_reduction red, double wsum)
{
    if (!o) return 0;
    a->flags |= SL_CE_EX;
    a->lse = o->lse;
    a->amax = o->argmax;
    if (o->softcap > 0.0f) {
        a->flags |= SL_CE_CAP;
        a->p[3] = o->softcap;
    }
    if (o->z_loss > 0.0f || o->softcap > 0.0f) {
        a->flags |= SL_CE_ONE;
        a->p[0] = p->f0;
        a->p[1] = p->two ? p->f1 : 0.0f;
        a->p[2] = o->z_loss;
        a->gz = (float)(2.0 * (double)o->z_loss / (red == SIMDLOSS_MEAN ? wsum : 1.0));
        p->two = 0;
        p->f0 = 1.0f;
        p->f1 = 0.0f;
    }
    return o->softcap > 0.0f;
}

/* MEAN of the index-target losses divides both parts by the sum of the
 * targets' weights (PyTorch 1.13, also with label smoothing). */
static int sl_plan_ce_index(sl_ccall *c, const sl_class_call *q, double wsum, int id, int bf16)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    const float ls = q->pf[0];
    const size_t classes = q->classes;
    const int smooth = ls > 0.0f;
    sl_cplan p = {
        k, smooth, (float)(1.0 - (double)ls), (float)((double)ls / (double)classes), wsum, wsum, 0};
    sl_rargs *a = &c->a;
    a->ti = q->ti;
    a->w = q->w;
    a->ignore = q->ignore;
    a->flags = (q->w ? SL_CE_W : 0) | (smooth ? SL_CE_SMOOTH : 0);
    /* with no position, `classes` may exceed any array: nothing is read */
    a->wsum = c->npos ? sl_weight_total(q->w, classes) : 0.0f;
    a->gn = c->red == SIMDLOSS_MEAN ? (float)((double)p.f0 / wsum) : p.f0;
    a->gs = smooth ? (c->red == SIMDLOSS_MEAN ? (float)((double)p.f1 / wsum) : p.f1) : 0.0f;
    const int cap = sl_plan_ce_options(a, &p, q->ce, c->red, wsum);
    if (!sl_rowwise(classes, q->inner))
        /* tiles, a block of rows, and the soft-capping derivatives' tile */
        p.scratch = sl_scratch(16 * (sl_col_groups(classes) + 1 + (size_t)cap), classes);
    else if (bf16 && q->grad)
        p.scratch = classes; /* the row's exponentials */
    else if (cap)
        p.scratch = sl_scratch(q->grad ? 2 : 1, classes); /* the capped row, its derivatives */
    return sl_crun(c, &p);
}

static int sl_plan_cross_entropy_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    return sl_plan_ce_index(c, q, wsum, SL_R_cross_entropy_f32, 0);
}

static int sl_plan_cross_entropy_bf16(sl_ccall *c, const sl_class_call *q, double wsum)
{
    return sl_plan_ce_index(c, q, wsum, SL_R_cross_entropy_bf16, 1);
}

/* MEAN divides by the number of positions (not by the weights), as PyTorch. */
static int sl_plan_cross_entropy_probs_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const sl_rkernel k = sl_rkernel_of(c, SL_R_cross_entropy_probs_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    const float ls = q->pf[0];
    sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    sl_rargs *a = &c->a;
    a->tf = q->tf;
    a->w = q->w;
    a->flags = q->w ? SL_CE_W : 0;
    a->p[0] = ls;
    a->p[1] = (float)(1.0 - (double)ls);
    a->p[2] = (float)((double)ls / (double)q->classes);
    a->gn = c->red == SIMDLOSS_MEAN && c->npos > 0 ? (float)(1.0 / (double)c->npos) : 1.0f;
    if (!sl_rowwise(q->classes, q->inner))
        p.scratch = sl_scratch(48, q->classes); /* logits and targets tiles, a block of rows */
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernels, compiled per table */

#include "rows.h"

/* e[c] = exp(x[c] - m) for the n classes of row x from c0 into eb[0..n),
 * and their sum into s in the canonical order. The exponentials get a loop of
 * their own, with no vector live across the calls (every vector register is
 * caller-saved: nothing is spilled around them); the sum reads them back from
 * L1. pf_x, pf_g (or NULL): the next row's logits and gradient, fetched
 * meanwhile. */
SL_INLINE void sl_exp_block(const void *x, size_t c0, size_t n, size_t C, vf mv, float *eb,
                            sl_rsum *s, const void *pf_x, void *pf_g, int bf16)
{
    const size_t esz = bf16 ? 2 : 4;
    for (size_t c = 0; c < n; c += 16) {
        sl_l16 g, e;
        if (pf_x && c + 16 <= n) {
            __builtin_prefetch((const char *)pf_x + (c0 + c) * esz);
            if (pf_g) __builtin_prefetch((char *)pf_g + (c0 + c) * esz, 1);
        }
        sl_ld16(&g, x, c0 + c, C, 0.0f, bf16);
        for (unsigned v = 0; v < SL_NV16; v++) e.v[v] = vf_exp(vf_sub(g.v[v], mv));
        sl_scratch16(eb, c, n, &e); /* lanes past the row are dropped */
    }
    for (size_t c = 0; c < n; c += 16) {
        sl_l16 e;
        sl_ld16(&e, eb, c, n, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++) sl_rsum_add(s, v, e.v[v]);
        sl_rsum_step(s, c0 + c + 16, C);
    }
}

/* ---- simdloss_cross_entropy_ex_f32's options (float32 only) ------------ */

/* Soft-capping x' = s tanh(x / s), and when dcap is not NULL its derivative
 * 1 - tanh^2, both from em = expm1(-2 |x / s|): tanh|u| = -em / (2 + em) and
 * 1 - tanh^2 = 4 (1 + em) / (2 + em)^2. expm1 keeps tanh accurate near 0,
 * and 1 + em is exact wherever it is small (em <= -1/2). */
SL_INLINE vf sl_cap(vf x, vf s, vf inv_s, vf *dcap)
{
    const vf em = vf_expm1(vf_mul(vf_set1(-2.0f), vf_abs(vf_mul(x, inv_s))));
    const vf r = vf_div(vf_set1(1.0f), vf_add(vf_set1(2.0f), em));
    const vf t = vf_neg(vf_mul(em, r));
    if (dcap) *dcap = vf_mul(vf_mul(vf_set1(4.0f), vf_add(vf_set1(1.0f), em)), vf_mul(r, r));
    return vf_mul(s, vf_select(vf_lt(x, vf_set1(0.0f)), vf_neg(t), t));
}

/* The soft-capped row of C logits into xs, the derivatives into dc (or not). */
SL_INLINE void sl_cap_row(const float *x, size_t C, float s, float *xs, float *dc)
{
    const vf sv = vf_set1(s), inv = vf_set1(1.0f / s);
    for (size_t c = 0; c < C; c += 16) {
        sl_l16 g, d;
        sl_ld16(&g, x, c, C, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++)
            g.v[v] = sl_cap(g.v[v], sv, inv, dc ? &d.v[v] : NULL);
        sl_scratch16(xs, c, C, &g);
        if (dc) sl_scratch16(dc, c, C, &d);
    }
}

/* torch.argmax of a row whose NaN-skipping maximum is m: the first NaN, else
 * the first element equal to m. */
SL_INLINE int64_t sl_row_argmax(const float *x, size_t C, float m)
{
    size_t c = 0;
    for (; c + SL_VL <= C; c += SL_VL)
        if (vm_any(vf_isnan(vf_load(x + c)))) break;
    for (; c < C; c++)
        if (x[c] != x[c]) return (int64_t)c;
    const vf mv = vf_set1(m);
    for (c = 0; c + SL_VL <= C; c += SL_VL)
        if (vm_any(vf_eq(vf_load(x + c), mv))) break;
    for (; c < C; c++)
        if (x[c] == m) break;
    return (int64_t)c;
}

/* torch.logsumexp of a row from its NaN-skipping maximum m and lS = log sum
 * exp(x - m): an infinite m (all -inf, or some +inf) is the result unless the
 * row holds a NaN (a finite m carries a NaN through lS). */
SL_INLINE float sl_row_lse(const float *x, size_t C, float m, float lS)
{
    if (!isinf(m)) return sl_canon1(m + lS);
    for (size_t c = 0; c < C; c++)
        if (x[c] != x[c]) return __builtin_nanf("");
    return m;
}

/* lse and argmax of a row that is otherwise not computed (an ignored one). */
SL_INLINE void sl_ce_row_stats(const sl_rargs *a, size_t r, const float *x)
{
    const size_t C = a->classes;
    const float m = sl_row_max(x, C, 0);
    if (a->amax) a->amax[r] = sl_row_argmax(x, C, m);
    if (!a->lse) return;
    sl_rsum s;
    sl_rsum_init(&s);
    float eloc[SL_RBLOCK];
    for (size_t c0 = 0; c0 < C; c0 += SL_RBLOCK)
        sl_exp_block(x, c0, C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK, C, vf_set1(m), eloc, &s, NULL,
                     NULL, 0);
    a->lse[r] = sl_row_lse(x, C, m, sl_log1((float)s.total));
}

/* Index targets along one row (inner == 1). */
SL_INLINE void sl_ce_row(const sl_rargs *a, size_t r, float *l0, float *l1, int wt, int sm,
                         int bf16, int ex)
{
    const size_t C = a->classes;
    const int64_t y = a->ti[r];
    /* ex: the options (float32 only), read at run time */
    const int cap = ex && (a->flags & SL_CE_CAP), comb = ex && (a->flags & SL_CE_ONE);
    const void *x = bf16 ? (const void *)((const uint16_t *)a->x + r * C)
                         : (const void *)((const float *)a->x + r * C);
    const void *xr = x; /* the logits, where x may become the capped row */
    if (y == a->ignore) {
        if (ex && (a->lse || a->amax)) { /* before the gradient may overwrite the logits */
            if (cap) sl_cap_row((const float *)x, C, a->p[3], a->scratch, NULL);
            sl_ce_row_stats(a, r, cap ? a->scratch : (const float *)x);
        }
        *l0 = 0.0f;
        if (sm && !comb) *l1 = 0.0f;
        if (a->grad) sl_zero(a->grad, r * C, C, bf16);
        return;
    }
    float *dc = NULL; /* the soft-capping derivatives */
    if (cap) {
        dc = a->grad ? a->scratch + C : NULL;
        sl_cap_row((const float *)x, C, a->p[3], a->scratch, dc);
        x = a->scratch;
    }
    /* e goes where pass 3 reads it back: the gradient row itself for
     * float32, the scratch row for bfloat16 */
    float *ebuf = a->grad ? (bf16 ? a->scratch : (float *)a->grad + r * C) : NULL;
    const float wy = wt ? a->w[y] : 1.0f;
    const float xy = sl_ld1(x, (size_t)y, bf16); /* before ebuf may overwrite it */
    const float m = sl_row_max(x, C, bf16);
    const vf mv = vf_set1(m), zero = vf_set1(0.0f);
    if (ex && a->amax) a->amax[r] = sl_row_argmax((const float *)x, C, m);

    /* the next row's logits and gradient are fetched while this row's
     * exponentials are computed (the max pass would otherwise wait for them) */
    const int last = r + 1 == a->batch;
    const void *pf_x = last ? NULL : (const char *)xr + C * (bf16 ? 2 : 4);
    void *pf_g = last || !a->grad ? NULL : (char *)a->grad + (r + 1) * C * (bf16 ? 2 : 4);
    sl_rsum s, sw;
    sl_rsum_init(&s);
    sl_rsum_init(&sw);
    float eloc[SL_RBLOCK];
    for (size_t c0 = 0; c0 < C; c0 += SL_RBLOCK) {
        const size_t n = C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK;
        /* before the exponentials may overwrite the logits (grad == logits) */
        for (size_t c = 0; sm && c < n; c += 16) {
            sl_l16 g, w;
            sl_ld16(&g, x, c0 + c, C, 0.0f, bf16);
            if (wt) sl_ld16(&w, a->w, c0 + c, C, 0.0f, 0);
            for (unsigned v = 0; v < SL_NV16; v++) {
                vf t = vf_sub(mv, g.v[v]);
                if (wt) t = vf_mul(w.v[v], t);
                sl_rsum_add(&sw, v, vf_select(sl_valid16(c0 + c, C, v), t, zero));
            }
            sl_rsum_step(&sw, c0 + c + 16, C);
        }
        sl_exp_block(x, c0, n, C, mv, ebuf ? ebuf + c0 : eloc, &s, pf_x, pf_g, bf16);
    }
    const float S = (float)s.total, lS = sl_log1(S);
    const float nll = -(wy * ((xy - m) - lS)), lse = m + lS;
    const int zl = comb && a->p[2] > 0.0f;
    if (comb) { /* (1 - eps) nll + (eps / C) smooth + z lse^2 */
        float v = a->p[0] * nll;
        if (sm) v += a->p[1] * ((float)sw.total + a->wsum * lS);
        *l0 = zl ? v + a->p[2] * (lse * lse) : v;
    } else {
        *l0 = nll;
        if (sm) *l1 = (float)sw.total + a->wsum * lS;
    }
    if (ex && a->lse) a->lse[r] = sl_row_lse((const float *)x, C, m, lS);
    if (!ebuf) return;

    /* pass 3: d/dx[c] = e[c] k - gs w[c], the target fixed up after; the
     * z-loss adds 2 z lse p[c]; soft-capping multiplies by its derivative */
    const float k = zl ? (a->gn * wy + a->gs * a->wsum + a->gz * lse) * (1.0f / S)
                       : (a->gn * wy + a->gs * a->wsum) * (1.0f / S);
    const float ey = ebuf[y];
    const vf kv = vf_set1(k), ngs = vf_set1(-a->gs);
    for (size_t c = 0; c < C; c += 16) {
        sl_l16 e, w, d, dd;
        sl_ld16(&e, ebuf, c, C, 0.0f, 0);
        if (wt) sl_ld16(&w, a->w, c, C, 0.0f, 0);
        if (cap) sl_ld16(&dd, dc, c, C, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++) {
            d.v[v] = vf_fma(e.v[v], kv, wt ? vf_mul(ngs, w.v[v]) : ngs);
            if (cap) d.v[v] = vf_mul(d.v[v], dd.v[v]);
        }
        sl_st16(bf16 ? a->grad : ebuf, bf16 ? r * C + c : c, bf16 ? r * C + C : C, &d, bf16);
    }
    const float dy = fmaf(ey, k, -(a->gs * wy + a->gn * wy));
    sl_st1(a->grad, r * C + (size_t)y, cap ? dy * dc[y] : dy, bf16);
}

/* Classes per block of the lane-wise target search: class numbers relative
 * to the block are exact in float. */
#define SL_CE_YBLOCK ((size_t)1 << 24)

/* Lane l: the target's class relative to block B when it lies in the block,
 * else -1 (matches no class). */
SL_INLINE vf sl_ce_yrel(const int64_t *y, int64_t ign, size_t B)
{
    float t[SL_VL];
    for (size_t l = 0; l < SL_VL; l++)
        t[l] = y[l] != ign && (size_t)y[l] >= B && (size_t)y[l] - B < SL_CE_YBLOCK
                   ? (float)((size_t)y[l] - B)
                   : -1.0f;
    return vf_load(t);
}

/* The SL_VL targets y[0..SL_VL) as vectors: *yv the class where the target
 * is kept and below SL_CE_YBLOCK, else -1; returns 1 where kept, 0 where
 * ignored. Vector code throughout (GCC vector extensions, register-wide
 * int64 compares, the low halves gathered by one shuffle): lane-by-lane
 * stores read back as a vector would stall on store forwarding. Integer
 * compares and exact conversions only. */
#if SL_VL == 1
SL_INLINE vf sl_ce_lanes(const int64_t *y, int64_t ign, vf *yv)
{
    const int on = *y != ign;
    *yv = on && (uint64_t)*y < SL_CE_YBLOCK ? (float)*y : -1.0f;
    return (float)on;
}
#else
#if SL_VL == 16
#define SL_CE_EVEN 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
#elif SL_VL == 8
#define SL_CE_EVEN 0, 2, 4, 6, 8, 10, 12, 14
#elif SL_VL == 4
#define SL_CE_EVEN 0, 2, 4, 6
#endif
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "sl_ce_lanes takes the even int32s");
typedef int64_t sl_ce_vq __attribute__((vector_size(SL_VL * 4))); /* half the lanes */
typedef int32_t sl_ce_vi __attribute__((vector_size(SL_VL * 4)));
typedef float sl_ce_vf __attribute__((vector_size(SL_VL * 4)));

/* Half of the lanes: the target where kept and in the first block, else -1. */
SL_INLINE sl_ce_vq sl_ce_half(const int64_t *y, int64_t ign, sl_ce_vq *on)
{
    sl_ce_vq q;
    memcpy(&q, y, sizeof q);
    *on = q != ign;
    const sl_ce_vq in = *on & (q >= 0) & (q < (int64_t)SL_CE_YBLOCK);
    return (q & in) | ~in;
}

SL_INLINE vf sl_ce_lanes(const int64_t *y, int64_t ign, vf *yv)
{
    sl_ce_vq ona, onb;
    const sl_ce_vq ya = sl_ce_half(y, ign, &ona), yb = sl_ce_half(y + SL_VL / 2, ign, &onb);
    /* the low 32 bits of each int64 (little-endian: the even int32 lanes) */
    const sl_ce_vi yi = __builtin_shufflevector((sl_ce_vi)ya, (sl_ce_vi)yb, SL_CE_EVEN),
                   oi = __builtin_shufflevector((sl_ce_vi)ona, (sl_ce_vi)onb, SL_CE_EVEN) & 1;
    const sl_ce_vf yf = __builtin_convertvector(yi, sl_ce_vf),
                   of = __builtin_convertvector(oi, sl_ce_vf);
    vf r;
    memcpy(yv, &yf, sizeof *yv);
    memcpy(&r, &of, sizeof r);
    return r;
}
#endif

/* argmax of the k lanes of a tile (positions P..P+k) as torch.argmax (the
 * first NaN, else the first maximum), and per lane the NaN-skipping maximum
 * m and whether the lane holds a NaN, for lse's special cases. */
SL_INLINE void sl_ce_lane_stats(const sl_rargs *a, const float *tile, size_t C, size_t k, size_t P,
                                vf m, float *mlane, float *nanlane)
{
    vf_store(mlane, m);
    for (size_t l = 0; l < k; l++) {
        size_t best = 0, c = 1;
        float bv = tile[l];
        for (; c < C && bv == bv; c++) {
            const float v = tile[c * SL_VL + l];
            if (v > bv || v != v) bv = v, best = c;
        }
        nanlane[l] = bv != bv ? 1.0f : 0.0f;
        if (a->amax) a->amax[P + l] = (int64_t)best;
    }
}

/* One group g of index-target positions across classes, positions [P, P +
 * g->k), losses to l0/l1 (at the group's first position). Each lane finds
 * its target's class by comparing with the class number. io: the group
 * loads its tile from the logits and stores the gradient itself (and reads
 * nothing when every position is ignored); otherwise the caller has loaded
 * the tile and stores it afterwards. */
SL_INLINE void sl_ce_group(const sl_rargs *a, const sl_grp *g, size_t P, float *tile, float *buf,
                           int io, float *l0, float *l1, int wt, int sm, int bf16, float *dtile,
                           int ex)
{
    /* ex: the options (float32 only), read at run time; dtile: the
     * soft-capping derivatives' tile */
    const int cap = ex && (a->flags & SL_CE_CAP), comb = ex && (a->flags & SL_CE_ONE);
    const int stats = ex && (a->lse || a->amax);
    const size_t C = a->classes;
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f), gn = vf_set1(a->gn), gs = vf_set1(a->gs);
    const int64_t ign = a->ignore;
    int64_t ypad[SL_VL];
    const int64_t *y = a->ti + P;
    if (g->k < SL_VL) { /* the missing lanes are ignored positions */
        for (size_t l = 0; l < SL_VL; l++) ypad[l] = l < g->k ? y[l] : ign;
        y = ypad;
    }
    vf y0;
    const vf onf = sl_ce_lanes(y, ign, &y0);
    const vm on = vf_ne(onf, zero);
    const int any = vm_any(on);
    if (!any && !stats) { /* every position ignored */
        sl_put_loss(l0, zero, g->k);
        if (sm && !comb) sl_put_loss(l1, zero, g->k);
        if (a->grad) {
            for (size_t c = 0; c < C; c++) vf_store(tile + c * SL_VL, zero);
            if (io) sl_tile_out(a->grad, buf, tile, g, C, bf16);
        }
        return;
    }
    if (io) sl_tile_in(tile, buf, a->x, g, C, 0.0f, bf16);
    if (cap) {
        const vf sv = vf_set1(a->p[3]), inv = vf_set1(1.0f / a->p[3]);
        for (size_t c = 0; c < C; c++) {
            vf d = zero;
            vf_store(tile + c * SL_VL,
                     sl_cap(vf_load(tile + c * SL_VL), sv, inv, a->grad ? &d : NULL));
            if (a->grad) vf_store(dtile + c * SL_VL, d);
        }
    }
    vf wy = onf;
    if (wt) {
        float t[SL_VL];
        for (size_t l = 0; l < SL_VL; l++) t[l] = y[l] != ign ? a->w[y[l]] : 0.0f;
        wy = vf_load(t);
    }

    /* the exponentials get a loop of their own: no vector lives across
     * the calls (every zmm/ymm register is caller-saved), so nothing is
     * spilled around them; the sums then read the tile back in class order */
    vf m = vf_set1(-INFINITY), xy = zero;
    for (size_t B = 0; B < C; B += SL_CE_YBLOCK) {
        const vf yv = B == 0 ? y0 : sl_ce_yrel(y, ign, B);
        const size_t E = C - B < SL_CE_YBLOCK ? C : B + SL_CE_YBLOCK;
        vf cv = zero; /* c - B */
        for (size_t c = B; c < E; c++, cv = vf_add(cv, one)) {
            const vf xc = vf_load(tile + c * SL_VL);
            m = vf_max(xc, m);
            xy = vf_select(vf_eq(yv, cv), xc, xy);
        }
    }
    float mlane[SL_VL] = {0}, nanlane[SL_VL] = {0}; /* for lse's special cases */
    if (stats) sl_ce_lane_stats(a, tile, C, g->k, P, m, mlane, nanlane);
    sl_csum cs, ca;
    sl_csum_init(&cs);
    sl_csum_init(&ca);
    if (sm)
        for (size_t c = 0; c < C; c++) {
            const vf t = vf_sub(m, vf_load(tile + c * SL_VL));
            sl_csum_add(&ca, wt ? vf_mul(vf_set1(a->w[c]), t) : t);
        }
    for (size_t c = 0; c < C; c++)
        vf_store(tile + c * SL_VL, vf_exp(vf_sub(vf_load(tile + c * SL_VL), m)));
    for (size_t c = 0; c < C; c++) sl_csum_add(&cs, vf_load(tile + c * SL_VL));
    const vf S = sl_csum_get(&cs), A = sm ? sl_csum_get(&ca) : zero;
    const vf lS = vf_log(S);
    const vf nll = vf_neg(vf_mul(wy, vf_sub(vf_sub(xy, m), lS))), lse = vf_add(m, lS);
    const int zl = comb && a->p[2] > 0.0f;
    if (comb) { /* (1 - eps) nll + (eps / C) smooth + z lse^2 */
        vf v = vf_mul(vf_set1(a->p[0]), nll);
        if (sm) v = vf_add(v, vf_mul(vf_set1(a->p[1]), vf_add(A, vf_mul(vf_set1(a->wsum), lS))));
        if (zl) v = vf_add(v, vf_mul(vf_set1(a->p[2]), vf_mul(lse, lse)));
        sl_put_loss(l0, vf_select(on, v, zero), g->k);
    } else {
        sl_put_loss(l0, vf_select(on, nll, zero), g->k);
        if (sm) {
            const vf smooth = vf_add(A, vf_mul(vf_set1(a->wsum), lS));
            sl_put_loss(l1, vf_select(on, smooth, zero), g->k);
        }
    }
    if (ex && a->lse) {
        float t[SL_VL];
        vf_store(t, lse);
        for (size_t l = 0; l < g->k; l++)
            a->lse[P + l] = isinf(mlane[l]) ? (nanlane[l] != 0.0f ? __builtin_nanf("") : mlane[l])
                                            : sl_canon1(t[l]);
    }
    if (!a->grad) return;
    /* d = e k - gs w[c]; at the target e k - (gs w[y] + gn w[y]); the
     * z-loss adds 2 z lse p[c], soft-capping multiplies by its derivative */
    vf kn = vf_add(vf_mul(gn, wy), vf_mul(gs, vf_set1(a->wsum)));
    if (zl) kn = vf_add(kn, vf_mul(vf_set1(a->gz), lse));
    const vf k = vf_mul(kn, vf_div(vf_set1(1.0f), S));
    const vf ngs = vf_neg(gs), ty = vf_neg(vf_add(vf_mul(gs, wy), vf_mul(gn, wy)));
    for (size_t B = 0; B < C; B += SL_CE_YBLOCK) {
        const vf yv = B == 0 ? y0 : sl_ce_yrel(y, ign, B);
        const size_t E = C - B < SL_CE_YBLOCK ? C : B + SL_CE_YBLOCK;
        vf cv = zero;
        for (size_t c = B; c < E; c++, cv = vf_add(cv, one)) {
            const vf e = vf_load(tile + c * SL_VL);
            vf d = vf_fma(e, k, wt ? vf_mul(ngs, vf_set1(a->w[c])) : ngs);
            d = vf_select(vf_eq(yv, cv), vf_fma(e, k, ty), d);
            if (cap) d = vf_mul(d, vf_load(dtile + c * SL_VL));
            vf_store(tile + c * SL_VL, vf_select(on, d, zero));
        }
    }
    if (io) sl_tile_out(a->grad, buf, tile, g, C, bf16);
}

/* Index targets across positions (inner > 1, or rows of at most 16). Runs of
 * whole contiguous groups (inner > 1) are loaded and stored together, class
 * plane by class plane: each plane is then read in runs of several cache
 * lines instead of one line per plane per group. */
SL_INLINE void sl_ce_cols(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1, int wt,
                          int sm, int bf16, int ex)
{
    const size_t C = a->classes, umax = sl_col_groups(C);
    float *tile = a->scratch, *buf = a->scratch + 16 * C * umax, *dtile = buf + 16 * C;
    const int cap = ex && (a->flags & SL_CE_CAP);
    for (size_t P = pos; P < pos + cnt;) {
        const sl_grp g = sl_next_grp(a, P, pos + cnt);
        const size_t room = a->inner - P % a->inner; /* positions left in this batch row */
        size_t U = 0;
        if (g.contig && !cap) { /* soft-capping takes one group at a time */
            const size_t left = pos + cnt - P;
            U = (room < left ? room : left) / SL_VL;
            if (U > umax) U = umax;
        }
        if (U < 2) {
            sl_ce_group(a, &g, P, tile, buf, 1, l0 + (P - pos), l1 ? l1 + (P - pos) : NULL, wt, sm,
                        bf16, dtile, ex);
            P += g.k;
            continue;
        }
        /* the next run of every plane (the same positions, later in this
         * batch row) is fetched while this one is computed: the hardware
         * prefetchers lose track of this many streams */
        const size_t run = U * SL_VL, esz = bf16 ? 2 : 4;
        const int pf = room >= 2 * run;
        for (size_t c = 0; c < C; c++) {
            for (size_t u = 0; u < U; u++)
                vf_store(tile + (u * C + c) * SL_VL,
                         sl_ld(a->x, g.off + c * g.cs + u * SL_VL, bf16));
            const size_t nb = (g.off + c * g.cs + run) * esz;
            for (size_t b = 0; pf && b < run * esz; b += 64) {
                __builtin_prefetch((const char *)a->x + nb + b);
                if (a->grad) __builtin_prefetch((char *)a->grad + nb + b, 1);
            }
        }
        for (size_t u = 0; u < U; u++) {
            sl_grp gu = g;
            gu.off += u * SL_VL;
            const size_t Pu = P + u * SL_VL;
            sl_ce_group(a, &gu, Pu, tile + u * C * SL_VL, buf, 0, l0 + (Pu - pos),
                        l1 ? l1 + (Pu - pos) : NULL, wt, sm, bf16, dtile, ex);
        }
        if (a->grad)
            for (size_t c = 0; c < C; c++)
                for (size_t u = 0; u < U; u++)
                    sl_st(a->grad, g.off + c * g.cs + u * SL_VL,
                          vf_load(tile + (u * C + c) * SL_VL), bf16);
        P += U * SL_VL;
    }
}

SL_INLINE void sl_ce_run(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1, int wt,
                         int sm, int bf16, int ex)
{
    if (sl_rowwise(a->classes, a->inner)) {
        for (size_t r = 0; r < cnt; r++)
            sl_ce_row(a, pos + r, l0 + r, l1 ? l1 + r : NULL, wt, sm, bf16, ex);
    } else {
        sl_ce_cols(a, pos, cnt, l0, l1, wt, sm, bf16, ex);
    }
}

/* The common parameter combinations get loops with constant flags. */
SL_INLINE void sl_ce_any(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1, int bf16)
{
    switch (a->flags & (SL_CE_W | SL_CE_SMOOTH)) {
    case 0: sl_ce_run(a, pos, cnt, l0, l1, 0, 0, bf16, 0); break;
    case SL_CE_W: sl_ce_run(a, pos, cnt, l0, l1, 1, 0, bf16, 0); break;
    case SL_CE_SMOOTH: sl_ce_run(a, pos, cnt, l0, l1, 0, 1, bf16, 0); break;
    default: sl_ce_run(a, pos, cnt, l0, l1, 1, 1, bf16, 0); break;
    }
}

/* With simdloss_cross_entropy_ex_f32's options: the flags read at run time,
 * but for the plain case (no weights, no smoothing). */
static void k_cross_entropy_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    if (!(a->flags & SL_CE_EX))
        sl_ce_any(a, pos, cnt, l0, l1, 0);
    else if (!(a->flags & (SL_CE_W | SL_CE_SMOOTH)))
        sl_ce_run(a, pos, cnt, l0, l1, 0, 0, 0, 1);
    else
        sl_ce_run(a, pos, cnt, l0, l1, (a->flags & SL_CE_W) != 0, (a->flags & SL_CE_SMOOTH) != 0, 0,
                  1);
}

static void k_cross_entropy_bf16(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    sl_ce_any(a, pos, cnt, l0, l1, 1);
}

/* ---- probability targets (float32 only) -------------------------------- */

SL_INLINE void sl_cep_row(const sl_rargs *a, size_t r, float *l0, int wt)
{
    const size_t C = a->classes;
    const float *x = (const float *)a->x + r * C, *t = a->tf + r * C;
    float *ebuf = a->grad ? (float *)a->grad + r * C : NULL;
    const float m = sl_row_max(x, C, 0);
    const vf mv = vf_set1(m), zero = vf_set1(0.0f), keep = vf_set1(a->p[1]), add = vf_set1(a->p[2]);
    sl_rsum s, sa, st;
    sl_rsum_init(&s);
    sl_rsum_init(&sa);
    sl_rsum_init(&st);
    float eloc[SL_RBLOCK];
    for (size_t c0 = 0; c0 < C; c0 += SL_RBLOCK) {
        const size_t n = C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK;
        /* before the exponentials may overwrite the logits (grad == logits) */
        for (size_t c = c0; c < c0 + n; c += 16) {
            sl_l16 g, tg, w;
            sl_ld16(&g, x, c, C, 0.0f, 0);
            sl_ld16(&tg, t, c, C, 0.0f, 0);
            if (wt) sl_ld16(&w, a->w, c, C, 0.0f, 0);
            for (unsigned v = 0; v < SL_NV16; v++) {
                const vm ok = sl_valid16(c, C, v);
                vf tw = vf_add(vf_mul(tg.v[v], keep), add);
                if (wt) tw = vf_mul(w.v[v], tw);
                sl_rsum_add(&sa, v, vf_select(ok, vf_mul(tw, vf_sub(mv, g.v[v])), zero));
                sl_rsum_add(&st, v, vf_select(ok, tw, zero));
            }
            sl_rsum_step(&sa, c + 16, C);
            sl_rsum_step(&st, c + 16, C);
        }
        /* the targets are read again in pass 3: the exponentials never
         * overwrite them (they are recomputed there when grad == target) */
        sl_exp_block(x, c0, n, C, mv, ebuf && ebuf != t ? ebuf + c0 : eloc, &s, NULL, NULL, 0);
    }
    const float S = (float)s.total, T = (float)st.total, lS = sl_log1(S);
    *l0 = (float)sa.total + T * lS;
    if (!ebuf) return;
    const vf k = vf_set1(a->gn * T * (1.0f / S)), ng = vf_set1(-a->gn);
    for (size_t c = 0; c < C; c += 16) {
        sl_l16 e, tg, w, d;
        if (ebuf == t) { /* the gradient aliases the targets: recompute e */
            sl_ld16(&e, x, c, C, 0.0f, 0);
            for (unsigned v = 0; v < SL_NV16; v++) e.v[v] = vf_exp(vf_sub(e.v[v], mv));
        } else {
            sl_ld16(&e, ebuf, c, C, 0.0f, 0);
        }
        sl_ld16(&tg, t, c, C, 0.0f, 0);
        if (wt) sl_ld16(&w, a->w, c, C, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++) {
            vf tw = vf_add(vf_mul(tg.v[v], keep), add);
            if (wt) tw = vf_mul(w.v[v], tw);
            d.v[v] = vf_fma(e.v[v], k, vf_mul(ng, tw));
        }
        sl_st16(ebuf, c, C, &d, 0);
    }
}

SL_INLINE void sl_cep_cols(const sl_rargs *a, size_t pos, size_t cnt, float *l0, int wt)
{
    const size_t C = a->classes;
    float *tile = a->scratch, *buf = a->scratch + 16 * C, *ttile = a->scratch + 32 * C;
    const vf keep = vf_set1(a->p[1]), add = vf_set1(a->p[2]);
    for (size_t P = pos; P < pos + cnt;) {
        const sl_grp g = sl_next_grp(a, P, pos + cnt);
        sl_tile_in(tile, buf, a->x, &g, C, 0.0f, 0);
        sl_tile_in(ttile, buf, a->tf, &g, C, 0.0f, 0);
        vf m = vf_set1(-INFINITY);
        for (size_t c = 0; c < C; c++) m = vf_max(vf_load(tile + c * SL_VL), m);
        sl_csum cs, ca, ct;
        sl_csum_init(&cs);
        sl_csum_init(&ca);
        sl_csum_init(&ct);
        for (size_t c = 0; c < C; c++) {
            vf tw = vf_add(vf_mul(vf_load(ttile + c * SL_VL), keep), add);
            if (wt) tw = vf_mul(vf_set1(a->w[c]), tw);
            sl_csum_add(&ca, vf_mul(tw, vf_sub(m, vf_load(tile + c * SL_VL))));
            sl_csum_add(&ct, tw);
            vf_store(ttile + c * SL_VL, tw);
        }
        /* nothing live across the calls (see sl_ce_group) */
        for (size_t c = 0; c < C; c++)
            vf_store(tile + c * SL_VL, vf_exp(vf_sub(vf_load(tile + c * SL_VL), m)));
        for (size_t c = 0; c < C; c++) sl_csum_add(&cs, vf_load(tile + c * SL_VL));
        const vf S = sl_csum_get(&cs), A = sl_csum_get(&ca), T = sl_csum_get(&ct);
        sl_put_loss(l0 + (P - pos), vf_add(A, vf_mul(T, vf_log(S))), g.k);
        if (a->grad) {
            const vf k = vf_mul(vf_mul(vf_set1(a->gn), T), vf_div(vf_set1(1.0f), S));
            const vf ng = vf_set1(-a->gn);
            for (size_t c = 0; c < C; c++)
                vf_store(tile + c * SL_VL, vf_fma(vf_load(tile + c * SL_VL), k,
                                                  vf_mul(ng, vf_load(ttile + c * SL_VL))));
            sl_tile_out(a->grad, buf, tile, &g, C, 0);
        }
        P += g.k;
    }
}

static void k_cross_entropy_probs_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0,
                                      float *l1)
{
    (void)l1;
    const int wt = (a->flags & SL_CE_W) != 0;
    if (sl_rowwise(a->classes, a->inner)) {
        for (size_t r = 0; r < cnt; r++) {
            if (wt)
                sl_cep_row(a, pos + r, l0 + r, 1);
            else
                sl_cep_row(a, pos + r, l0 + r, 0);
        }
    } else if (wt) {
        sl_cep_cols(a, pos, cnt, l0, 1);
    } else {
        sl_cep_cols(a, pos, cnt, l0, 0);
    }
}

#else /* the tests' reference and data (tests/class_spec.h) */
/* index targets: the PyTorch formula with smoothing eps = label_smoothing */
static void sl_cross_entropy_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                 double *kink, double *sing)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const double *x = q->x;
    const int64_t y = q->ti[0];
    (void)kink, (void)sing;
    if (y == p->ignore_index) {
        r->value = r->mag = r->div = 0;
        cr_fill(grad, C, 0);
        cr_fill(gmag, C, 0);
        return;
    }
    const size_t yy = (size_t)y;
    const double eps = (double)p->pf[0], k = eps / (double)C, a = 1.0 - eps;
    double m, s;
    cr_lse(x, C, &m, &s);
    const double ls = log(s), lse = m + ls;
    cr_acc sm = {0, 0};
    double smag = 0, W = 0;
    for (size_t c = 0; c < C; c++) {
        const double w = cr_w(p, c);
        cr_add(&sm, -w * (x[c] - lse));
        smag += fabs(w) * (fabs(x[c]) + fabs(m) + fabs(ls) + 1.0);
        W += w;
    }
    const double smooth = cr_get(&sm), wy = cr_w(p, yy);
    const double nll = -wy * (x[yy] - lse);
    r->value = a * nll + k * smooth;
    r->mag = a * fabs(wy) * (fabs(x[yy]) + fabs(m) + fabs(ls) + 1.0) + k * smag;
    r->div = wy;
    for (size_t c = 0; c < C && (grad || gmag); c++) {
        const double pc = exp(x[c] - m) / s, w = cr_w(p, c);
        const double ind = c == yy ? 1.0 : 0.0;
        /* p[c] carries the float rounding of x[c] - m, magnified by exp */
        const double pm = pc * (1.0 + 0.1 * fabs(x[c] - m));
        if (grad) grad[c] = a * wy * (pc - ind) + k * (W * pc - w);
        if (gmag) gmag[c] = a * fabs(wy) * (pm + ind) + k * (fabs(W) * pm + fabs(w));
    }
}

/* probability targets t' = (1 - eps) t + eps / C */
static void sl_cross_entropy_probs_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                       double *kink, double *sing)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const double *x = q->x, *t = q->t;
    (void)kink, (void)sing;
    const double eps = (double)p->pf[0], k = eps / (double)C, a = 1.0 - eps;
    double m, s;
    cr_lse(x, C, &m, &s);
    const double ls = log(s), lse = m + ls;
    cr_acc v = {0, 0};
    double mag = 0, wt = 0, wta = 0;
    for (size_t c = 0; c < C; c++) {
        const double tt = a * t[c] + k, w = cr_w(p, c);
        cr_add(&v, -w * tt * (x[c] - lse));
        mag += fabs(w * tt) * (fabs(x[c]) + fabs(m) + fabs(ls) + 1.0);
        wt += w * tt;
        wta += fabs(w * tt);
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
    for (size_t c = 0; c < C && (grad || gmag); c++) {
        const double pc = exp(x[c] - m) / s, w = cr_w(p, c), tt = a * t[c] + k;
        const double pm = pc * (1.0 + 0.1 * fabs(x[c] - m));
        if (grad) grad[c] = wt * pc - w * tt;
        if (gmag) gmag[c] = wta * pm + fabs(w * tt);
    }
}

static void sl_cross_entropy_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t,
                                 int64_t *y, int64_t *row)
{
    (void)b, (void)t, (void)y, (void)row;
    cs_gen_logits(s, x, C);
}

/* soft targets; some one-hot, unnormalised, negative */
static void sl_cross_entropy_probs_gen(const cs_branch *b, size_t C, uint64_t *s, double *x,
                                       double *t, int64_t *y, int64_t *row)
{
    (void)b, (void)row;
    cs_gen_logits(s, x, C);
    const double u = ts_unit(s);
    if (u < 0.3) {
        t[*y] = 1.0;
    } else {
        double S = 0;
        for (size_t c = 0; c < C; c++) S += (t[c] = ts_U(s, 0, 1));
        for (size_t c = 0; c < C; c++) t[c] /= S;
        if (u > 0.85)
            for (size_t c = 0; c < C; c++) t[c] = t[c] * 3.0 - (ts_coin(s, 0.2) ? 0.5 : 0.0);
    }
}

/* lp = x - max - log S (exp and log: about an ulp of |lp| + 1);
 * d/dx_c = (1 - e) w_y (p_c - [c = y]) + (e / C) (W p_c - w_c) */
static void sl_cross_entropy_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const int64_t y = q->ti[0];
    const double eps = p->pf[0];
    double *pr = malloc((C + 1) * sizeof *pr), *alp = malloc((C + 1) * sizeof *alp);
    if (!pr || !alp) abort();
    if (y != p->ignore_index && cr_softmax(q->x, C, pr, alp)) {
        double W = 0;
        for (size_t k = 0; k < C; k++) W += cr_w(p, k);
        const double A = (1 - eps) * cr_w(p, (size_t)y), Bc = eps / (double)C;
        *lt = A * (alp[y] + 1);
        for (size_t k = 0; k < C; k++) {
            *lt += Bc * cr_w(p, k) * (alp[k] + 1);
            gt[k] = (A + Bc * W) * pr[k] * (1 + alp[k]) + A * ((int64_t)k == y) + Bc * cr_w(p, k);
        }
    }
    free(pr), free(alp);
}

/* loss = -sum a_c lp_c, a_c = w_c t'_c (any sign); d/dx_c = (sum a) p_c - a_c */
static void sl_cross_entropy_probs_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const double eps = p->pf[0];
    double *pr = malloc((C + 1) * sizeof *pr), *alp = malloc((C + 1) * sizeof *alp);
    if (!pr || !alp) abort();
    int fin = cr_softmax(q->x, C, pr, alp);
    for (size_t k = 0; k < C; k++) fin &= isfinite(q->t[k]);
    if (fin) {
        double sa = 0;
        for (size_t k = 0; k < C; k++) {
            const double t = (1 - eps) * q->t[k] + eps / (double)C;
            sa += fabs(cr_w(p, k) * t);
            *lt += fabs(cr_w(p, k) * t) * (alp[k] + 1);
        }
        for (size_t k = 0; k < C; k++) {
            const double t = (1 - eps) * q->t[k] + eps / (double)C;
            gt[k] = sa * pr[k] * (1 + alp[k]) + fabs(cr_w(p, k) * t);
        }
    }
    free(pr), free(alp);
}

/* cross: 1 also in the cross-ISA test, 2 only there */
static const cs_branch sl_cross_entropy_f32_branches[] = {
    {"plain", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0.0f}, .cross = 1},
    {"weight", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {0.0f}, .cross = 1},
    {"ignore_index=-100 (20% ignored)", .weight = 0, .ignore_index = -100, .ignore_frac = 0.2,
     .pf = {0.0f}},
    {"weight ignore_index=1 (a real class)", .weight = 1, .ignore_index = 1, .ignore_frac = 0.15,
     .pf = {0.0f}},
    {"ls=0.1", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0.1f}},
    {"weight ls=0.2 ignore_index=0", .weight = 1, .ignore_index = 0, .ignore_frac = 0.1,
     .pf = {0.2f}},
    {"ls=1", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {1.0f}},
    {"weight ls=1 ignore_index=-7 (10%)", .weight = 1, .ignore_index = -7, .ignore_frac = 0.1,
     .pf = {1.0f}},
    {"weight ignore_index=-100 (20%) ls=0.1", .weight = 1, .ignore_index = -100, .ignore_frac = 0.2,
     .pf = {0.1f}, .cross = 2},
    {"ignore_index=0 (a real class) ls=1", .weight = 0, .ignore_index = 0, .ignore_frac = 0.1,
     .pf = {1.0f}, .cross = 2},
};
static const cs_branch sl_cross_entropy_bf16_branches[] = {
    {"plain", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0.0f}, .cross = 1},
    {"weight ls=0.2 ignore_index=-100 (20%)", .weight = 1, .ignore_index = -100, .ignore_frac = 0.2,
     .pf = {0.2f}},
    {"ignore_index=2 (a real class) ls=0.05", .weight = 0, .ignore_index = 2, .ignore_frac = 0.1,
     .pf = {0.05f}},
    {"weight ignore_index=-100 (20%) ls=0.1", .weight = 1, .ignore_index = -100, .ignore_frac = 0.2,
     .pf = {0.1f}, .cross = 2},
};
static const cs_branch sl_cross_entropy_probs_f32_branches[] = {
    {"plain", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0.0f}, .cross = 1},
    {"weight", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {0.0f}},
    {"ls=0.3", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0.3f}},
    {"weight ls=0.3", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {0.3f}},
    {"weight ls=1", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {1.0f}},
    {"weight ls=0.2", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {0.2f},
     .cross = 2},
};

/* torch 1.13 (printed float32 values) */
static const double sl_ce_x[12] = {1, 2, 0.5, -1, 0, 0, 0, 0, 3, -2, 1, 0.5};
static const int64_t sl_ce_y[3] = {1, 3, 0};
static const float sl_ce_w[4] = {0.5f, 2, 1, 3};
static const double sl_ce_none1[3] = {0.49518189, 1.3862944, 0.20225349};
static const double sl_ce_g1[12] = {0.07473594,   -0.13017999,  0.045329638, 0.010114411,
                                    0.083333336,  0.083333336,  0.083333336, -0.25,
                                    -0.061037384, 0.0018347159, 0.036851246, 0.02235141};
static const double sl_ce_none2[3] = {1.5032251, 0, 1.1216338};
static const double sl_ce_g2[12] = {
    0.16264002, -0.21071577, 0.084711455, -0.036635712, 0,           0,
    0,          0,           0.066897467, -0.038403798, 0.012060583, -0.040554274};
static const cs_example sl_cross_entropy_f32_examples[] = {
    {3,
     4,
     NULL,
     NULL,
     0,
     -100,
     {0.0f},
     {0},
     sl_ce_x,
     NULL,
     sl_ce_y,
     sl_ce_none1,
     0.69457656,
     sl_ce_g1,
     2e-6},
    {3,
     4,
     sl_ce_w,
     NULL,
     0,
     3,
     {0.2f},
     {0},
     sl_ce_x,
     NULL,
     sl_ce_y,
     sl_ce_none2,
     1.0499436,
     sl_ce_g2,
     2e-6},
};
static const double sl_ce_t[12] = {0.1, 0.60000002, 0.2, 0.1, 0, 0, 0, 1, 0.5, 0.5, 0, 0};
static const double sl_ce_none3[3] = {2.5479994, 3.5870368, 5.2380705};
static const double sl_ce_g3[12] = {0.10381863, 0.017900098, 0.0059603266, -0.12767908,
                                    0.20312499, 0.16562498,  0.19062498,   -0.55937499,
                                    0.30016991, -0.28083357, 0.025209824,  -0.044546206};
static const cs_example sl_cross_entropy_probs_f32_examples[] = {
    {3,
     4,
     sl_ce_w,
     NULL,
     0,
     -100,
     {0.3f},
     {0},
     sl_ce_x,
     sl_ce_t,
     NULL,
     sl_ce_none3,
     3.7910359,
     sl_ce_g3,
     2e-6},
};

CS_SPEC(cross_entropy_f32, sl_cross_entropy_gen, sl_cross_entropy_ref, CS_NONE,
        sl_cross_entropy_f32_examples, CS_LEN(sl_cross_entropy_f32_examples),
        sl_cross_entropy_golden);
CS_SPEC(cross_entropy_bf16, sl_cross_entropy_gen, sl_cross_entropy_ref, SL_R_cross_entropy_f32,
        NULL, 0, sl_cross_entropy_golden);
CS_SPEC(cross_entropy_probs_f32, sl_cross_entropy_probs_gen, sl_cross_entropy_probs_ref, CS_NONE,
        sl_cross_entropy_probs_f32_examples, CS_LEN(sl_cross_entropy_probs_f32_examples),
        sl_cross_entropy_probs_golden);
#endif
#endif
