/*
 * The pairwise driver: everything a loss needs besides its element function.
 *
 * An element function computes, for SL_VL lanes,
 *     loss = elem(ctx, x, y, a0, a1, g, &dx, &da, &bad)
 * with x = input, y = target, a0/a1 the cyclic aux arrays (weights, var),
 * g the gradient factor; it writes d loss/d x times g to dx (and d/d a0 to
 * da when the loss has one) and ORs lanes outside the domain into bad.
 *
 * The driver owns the loop, the tail, the stores and the canonical reduction:
 * element i goes to virtual lane i % 16; lanes accumulate in double within a
 * block of SL_BLOCK elements; each block's 16 lanes are added in a fixed tree
 * and block totals are added in order. This order does not depend on SL_VL,
 * so every ISA produces the same bits. Padded tail lanes add -0.0f, the exact
 * additive identity.
 */
#ifndef SL_DRIVER_H
#define SL_DRIVER_H

#include <string.h>

#include "../internal.h"

#define SL_INLINE static inline __attribute__((always_inline))
#define SL_BLOCK 1024
#define SL_REP 128 /* short cyclic arrays are replicated to this length */

/* Loss parameters as the element functions see them. */
typedef struct {
    vf p0, p1, p2, p3;
    int flags;
} sl_ctx;

typedef vf (*sl_elem_fn)(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad);

/* A cyclic array: element i reads src[i % len]. */
typedef struct {
    const float *src, *base;
    size_t len, readable, off, step;
    float rep[SL_REP];
} sl_cyc;

SL_INLINE void sl_cyc_init(sl_cyc *c, const float *src, size_t len)
{
    c->src = src;
    c->len = len;
    c->off = 0;
    c->step = SL_VL % len;
    if (len <= SL_REP / 2) {
        /* off < len, so a whole vector from rep + off never leaves rep */
        for (size_t k = 0; k < SL_REP; k++) c->rep[k] = src[k % len];
        c->base = c->rep;
        c->readable = SL_REP;
    } else {
        c->base = src;
        c->readable = len;
    }
}

/* The next SL_VL elements; *start receives the index of the first in src. */
SL_INLINE vf sl_cyc_next(sl_cyc *c, size_t *start)
{
    vf v;
    *start = c->off;
    if (c->off + SL_VL <= c->readable) {
        v = vf_load(c->base + c->off);
    } else {
        float t[SL_VL];
        for (size_t l = 0; l < SL_VL; l++) t[l] = c->src[(c->off + l) % c->len];
        v = vf_load(t);
    }
    c->off += c->step;
    if (c->off >= c->len) c->off -= c->len;
    return v;
}

/* The 16 lanes of a block, added in a fixed pairwise tree. */
static inline double sl_lanes_total(const vacc *acc)
{
    double l[16];
    vacc_lanes(acc, l);
    for (int w = 8; w > 0; w /= 2)
        for (int j = 0; j < w; j++) l[j] += l[j + w];
    return l[0];
}

/* Canonical total of one block of cnt buffered losses (padded lanes of the
 * last vector hold -0.0f): lane j % 16 accumulates in element order. */
static inline double sl_block_total(const float *lbuf, size_t cnt)
{
    vacc acc;
    size_t j = 0;
    vacc_zero(&acc);
    for (; SL_GROUP * SL_VL == 16 && j + 16 <= cnt; j += 16) {
#pragma GCC unroll 4
        for (unsigned v = 0; v < SL_GROUP; v++) vacc_add(&acc, vf_load(lbuf + j + v * SL_VL), v);
    }
    for (; j < cnt; j += SL_VL) vacc_add(&acc, vf_load(lbuf + j), (unsigned)((j & 15) / SL_VL));
    return sl_lanes_total(&acc);
}

/* Gradient w.r.t. aux[0]: stored when one value per element, otherwise summed
 * in element order into a double per aux value (the same order on every ISA). */
SL_INLINE void sl_put_da(sl_args *a, size_t i, size_t start, vf da, size_t k)
{
    if (a->grad_aux) {
        if (k == SL_VL) {
            vf_store(a->grad_aux + i, da);
        } else {
            float t[SL_VL];
            vf_store(t, da);
            memcpy(a->grad_aux + i, t, k * sizeof(float));
        }
    } else if (a->aux_acc) {
        float t[SL_VL];
        const size_t len = a->aux_len[0];
        vf_store(t, da);
        for (size_t l = 0; l < k; l++) {
            size_t j = start + l;
            while (j >= len) j -= len;
            a->aux_acc[j] += (double)t[l];
        }
    }
}

SL_INLINE void sl_note_bad(sl_args *a, vm b, size_t i, vf x)
{
    if (vm_any(b) && !a->bad) {
        float t[SL_VL];
        unsigned l = vm_first(b);
        vf_store(t, x);
        a->bad = 1;
        a->bad_index = i + l;
        a->bad_value = t[l];
    }
}

/*
 * One vector at element i (k valid lanes, k < SL_VL only in the tail, where
 * x and y point to padded copies). The constant flags select what is stored
 * and let the compiler drop what is not needed.
 */
SL_INLINE void sl_step(sl_args *a, const sl_ctx *c, sl_elem_fn elem, vf g, sl_cyc *w0, sl_cyc *w1,
                       const int naux, const int has_da, const int has_dom, const int st_loss,
                       const int sum_loss, const int st_grad, float *lbuf, size_t i, vf x, vf y,
                       size_t k)
{
    size_t start = 0, s1;
    const vf a0 = naux > 0 ? sl_cyc_next(w0, &start) : vf_set1(0.5f);
    const vf a1 = naux > 1 ? sl_cyc_next(w1, &s1) : vf_set1(0.5f);
    vf dx = vf_set1(0.0f), da = vf_set1(0.0f);
    vm bad = vm_none();
    vf l = elem(c, x, y, a0, a1, g, &dx, &da, &bad);
    if (k == SL_VL) {
        if (st_loss) vf_store(a->loss + i, l);
        if (st_grad) vf_store(a->grad + i, dx);
    } else {
        float t[SL_VL];
        const vm valid = vm_prefix((unsigned)k);
        l = vf_select(valid, l, vf_set1(-0.0f));
        bad = vm_and(bad, valid);
        if (st_loss) {
            vf_store(t, l);
            memcpy(a->loss + i, t, k * sizeof(float));
        }
        if (st_grad) {
            vf_store(t, dx);
            memcpy(a->grad + i, t, k * sizeof(float));
        }
    }
    if (sum_loss) vf_store(lbuf, l);
    if (has_da) sl_put_da(a, i, start, da, k);
    if (has_dom) sl_note_bad(a, bad, i, x);
}

SL_INLINE void sl_pairwise(sl_args *a, sl_elem_fn elem, const int naux, const int has_da,
                           const int has_dom, const int st_loss, const int sum_loss,
                           const int st_grad)
{
    const size_t n = a->n;
    const float *const xs = a->x, *const ys = a->y;
    const vf g = vf_set1(a->gscale);
    sl_ctx c = {vf_set1(a->p[0]), vf_set1(a->p[1]), vf_set1(a->p[2]), vf_set1(a->p[3]), a->flags};
    sl_cyc w0, w1;
    double total = 0.0;
    size_t i = 0;

    if (naux > 0) sl_cyc_init(&w0, a->aux[0], a->aux_len[0]);
    if (naux > 1) sl_cyc_init(&w1, a->aux[1], a->aux_len[1]);

#define SL_STEP(idx, xv, yv, k)                                                                    \
    sl_step(a, &c, elem, g, &w0, &w1, naux, has_da, has_dom, st_loss, sum_loss, st_grad,           \
            lbuf + ((idx)-blk), idx, xv, yv, k)

    /* The block's losses are buffered and reduced after the block: keeping
     * the double accumulators out of the loop keeps them out of the way of
     * the SLEEF calls, which clobber every vector register. */
    float lbuf[SL_BLOCK];
    for (size_t blk = 0; blk < n; blk += SL_BLOCK) {
        const size_t end = n - blk < SL_BLOCK ? n : blk + SL_BLOCK;
        for (; i + SL_VL <= end; i += SL_VL) SL_STEP(i, vf_load(xs + i), vf_load(ys + i), SL_VL);
        /* the tail: a padded copy, one vector, keep the valid lanes */
        if (i < end) {
            float xt[SL_VL], yt[SL_VL];
            const size_t k = end - i;
            for (size_t l = 0; l < SL_VL; l++) xt[l] = yt[l] = 0.5f;
            memcpy(xt, xs + i, k * sizeof(float));
            memcpy(yt, ys + i, k * sizeof(float));
            SL_STEP(i, vf_load(xt), vf_load(yt), k);
            i = end;
        }
        if (sum_loss) total += sl_block_total(lbuf, end - blk);
    }
#undef SL_STEP
    a->sum = total;
}

/*
 * Instantiates k_<name>: the five useful combinations of outputs, each a
 * separate loop so that what is not wanted is not computed.
 */
#define SL_DEFINE_PAIRWISE(name, naux, has_da, has_dom)                                            \
    static void k_##name(sl_args *a)                                                               \
    {                                                                                              \
        if (a->loss && a->grad)                                                                    \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 1, 0, 1);                      \
        else if (a->loss)                                                                          \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 1, 0, 0);                      \
        else if (a->want_sum && a->grad)                                                           \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 0, 1, 1);                      \
        else if (a->want_sum)                                                                      \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 0, 1, 0);                      \
        else if (!has_da || a->grad)                                                               \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 0, 0, 1);                      \
        else /* only the gradient w.r.t. aux[0] */                                                 \
            sl_pairwise(a, sl_##name##_elem, naux, has_da, has_dom, 0, 0, 0);                      \
    }

#endif
