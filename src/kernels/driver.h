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

/* v with every NaN lane the canonical NaN (sl_canon1): applied to whatever
 * reaches an output. */
SL_INLINE vf sl_canon(vf v) { return vf_select(vf_isnan(v), vf_set1(__builtin_nanf("")), v); }

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

/* What one instantiation of the loop does; every field is a constant at the
 * call site, so the compiler drops what is not needed. */
typedef struct {
    int naux, has_da, has_dom; /* the loss's shape (SL_PAIRWISE_LOSSES) */
    int st_loss, sum_loss, st_grad;
    int in_regs; /* sum in registers (no SLEEF call to spill them around) */
    int cflags;  /* flags known at compile time, or -1 */
} sl_mode;

/* Where one step's results go. */
typedef struct {
    float *loss, *grad; /* NONE losses and gradients, or NULL */
    float *lbuf;        /* the block's loss buffer (sum, not in_regs) */
    vacc *acc;          /* the block's accumulator (sum, in_regs) */
} sl_out;

/*
 * One vector at element i (k valid lanes, k < SL_VL only in the tail, where
 * x and y are padded copies).
 */
SL_INLINE void sl_step(sl_args *a, const sl_ctx *c, sl_elem_fn elem, vf g, sl_cyc *w0, sl_cyc *w1,
                       const sl_mode m, const sl_out o, size_t i, size_t blk, unsigned part, vf x,
                       vf y, size_t k)
{
    size_t start = 0, s1;
    const vf a0 = m.naux > 0 ? sl_cyc_next(w0, &start) : vf_set1(0.5f);
    const vf a1 = m.naux > 1 ? sl_cyc_next(w1, &s1) : vf_set1(0.5f);
    vf dx = vf_set1(0.0f), da = vf_set1(0.0f);
    vm bad = vm_none();
    vf l = elem(c, x, y, a0, a1, g, &dx, &da, &bad);
    if (m.st_loss) l = sl_canon(l);
    if (m.st_grad) dx = sl_canon(dx);
    if (m.has_da) da = sl_canon(da);
    if (k == SL_VL) {
        if (m.st_loss) vf_store(o.loss + i, l);
        if (m.st_grad) vf_store(o.grad + i, dx);
    } else {
        float t[SL_VL];
        const vm valid = vm_prefix((unsigned)k);
        l = vf_select(valid, l, vf_set1(-0.0f));
        bad = vm_and(bad, valid);
        if (m.st_loss) {
            vf_store(t, l);
            memcpy(o.loss + i, t, k * sizeof(float));
        }
        if (m.st_grad) {
            vf_store(t, dx);
            memcpy(o.grad + i, t, k * sizeof(float));
        }
    }
    if (m.sum_loss && m.in_regs) vacc_add(o.acc, l, part);
    if (m.sum_loss && !m.in_regs) vf_store(o.lbuf + (i - blk), l);
    if (m.has_da) sl_put_da(a, i, start, da, k);
    if (m.has_dom) sl_note_bad(a, bad, i, x);
}

SL_INLINE void sl_pairwise(sl_args *a, sl_elem_fn elem, const sl_mode m)
{
    const size_t n = a->n;
    const float *const xs = a->x, *const ys = a->y;
    const vf g = vf_set1(a->gscale);
    const sl_ctx c = {vf_set1(a->p[0]), vf_set1(a->p[1]), vf_set1(a->p[2]), vf_set1(a->p[3]),
                      m.cflags >= 0 ? m.cflags : a->flags};
    sl_cyc w0, w1;
    double total = 0.0;
    size_t i = 0;
    /* Without SLEEF calls the 16 double lanes stay in registers. With them,
     * the block's losses are buffered and reduced after the block, since the
     * calls clobber every vector register: the same order either way. */
    float lbuf[SL_BLOCK];
    vacc acc;
    const sl_out o = {a->loss, a->grad, lbuf, &acc};

    if (m.naux > 0) sl_cyc_init(&w0, a->aux[0], a->aux_len[0]);
    if (m.naux > 1) sl_cyc_init(&w1, a->aux[1], a->aux_len[1]);

    for (size_t blk = 0; blk < n; blk += SL_BLOCK) {
        const size_t end = n - blk < SL_BLOCK ? n : blk + SL_BLOCK;
        vacc_zero(&acc);
        /* whole groups of 16 elements: SL_GROUP vectors with constant parts */
        for (; SL_GROUP * SL_VL == 16 && i + 16 <= end; i += 16) {
#pragma GCC unroll 4
            for (unsigned v = 0; v < SL_GROUP; v++) {
                const size_t e = i + v * SL_VL;
                sl_step(a, &c, elem, g, &w0, &w1, m, o, e, blk, v, vf_load(xs + e), vf_load(ys + e),
                        SL_VL);
            }
        }
        for (; i + SL_VL <= end; i += SL_VL)
            sl_step(a, &c, elem, g, &w0, &w1, m, o, i, blk, (unsigned)((i & 15) / SL_VL),
                    vf_load(xs + i), vf_load(ys + i), SL_VL);
        /* the tail: a padded copy, one vector, keep the valid lanes */
        if (i < end) {
            float xt[SL_VL], yt[SL_VL];
            const size_t k = end - i;
            for (size_t l = 0; l < SL_VL; l++) xt[l] = yt[l] = 0.5f;
            memcpy(xt, xs + i, k * sizeof(float));
            memcpy(yt, ys + i, k * sizeof(float));
            sl_step(a, &c, elem, g, &w0, &w1, m, o, i, blk, (unsigned)((i & 15) / SL_VL),
                    vf_load(xt), vf_load(yt), k);
            i = end;
        }
        if (m.sum_loss) total += m.in_regs ? sl_lanes_total(&acc) : sl_block_total(lbuf, end - blk);
    }
    a->sum = total;
}

/* One loop for a combination of outputs, with constant or runtime flags. */
#define SL_LOOP(name, naux, has_da, has_dom, calls, st_loss, sum_loss, st_grad, cflags)            \
    sl_pairwise(a, sl_##name##_elem,                                                               \
                (sl_mode){naux, has_da, has_dom, st_loss, sum_loss, st_grad, !(calls), cflags})

/* The five useful combinations of outputs, each its own loop. */
#define SL_LOOPS(name, naux, has_da, has_dom, calls, cflags)                                       \
    do {                                                                                           \
        if (a->loss && a->grad)                                                                    \
            SL_LOOP(name, naux, has_da, has_dom, calls, 1, 0, 1, cflags);                          \
        else if (a->loss)                                                                          \
            SL_LOOP(name, naux, has_da, has_dom, calls, 1, 0, 0, cflags);                          \
        else if (a->want_sum && a->grad)                                                           \
            SL_LOOP(name, naux, has_da, has_dom, calls, 0, 1, 1, cflags);                          \
        else if (a->want_sum)                                                                      \
            SL_LOOP(name, naux, has_da, has_dom, calls, 0, 1, 0, cflags);                          \
        else if (a->grad)                                                                          \
            SL_LOOP(name, naux, has_da, has_dom, calls, 0, 0, 1, cflags);                          \
        else if (has_da) /* only the gradient w.r.t. aux[0] */                                     \
            SL_LOOP(name, naux, has_da, has_dom, calls, 0, 0, 0, cflags);                          \
    } while (0)

/*
 * Instantiates k_<name>: loops for the loss's hot flags (branches on flags
 * folded away) and for any other flags; the aux gradient only when wanted.
 */
#define SL_DEFINE_PAIRWISE(name, naux, has_da, has_dom, calls, hot)                                \
    static void k_##name(sl_args *a)                                                               \
    {                                                                                              \
        const int da = has_da && (a->grad_aux || a->aux_acc);                                      \
        if (da)                                                                                    \
            SL_LOOPS(name, naux, has_da, has_dom, calls, -1);                                      \
        else if (a->flags == (hot))                                                                \
            SL_LOOPS(name, naux, 0, has_dom, calls, hot);                                          \
        else                                                                                       \
            SL_LOOPS(name, naux, 0, has_dom, calls, -1);                                           \
    }

#endif
