/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The elementwise driver: everything a loss needs besides its element
 * function.
 *
 * An element function (src/kernels/<name>.h, declared with SL_ELEMENT)
 * computes, for SL_VL lanes, the loss from its arguments by name:
 *     loss = sl_<name>_elem(prm, flags, in, g, out, &bad)
 * prm holds the parameters (floats broadcast to vectors, ints as they are),
 * in the lanes of every input, target and cyclic array, g the gradient
 * factor; it writes each gradient output, already times g, to out and ORs
 * lanes outside the domain into bad. The types come from the registry
 * (SL_VEC_TYPES), with the registry's names: prm->delta, in->target,
 * out->grad_input.
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
#define SL_REP 128 /* short cyclic arrays are replicated to this length */

/* v with every NaN lane the canonical NaN (sl_canon1): applied to whatever
 * reaches an output. */
SL_INLINE vf sl_canon(vf v) { return vf_select(vf_isnan(v), vf_set1(__builtin_nanf("")), v); }

/* A cyclic array: element i reads src[i % len]. */
typedef struct {
    const float *src, *base;
    size_t len, readable, off, step;
    float rep[SL_REP];
} sl_cyc;

/* first: the index of the call's element 0 (a task's start) */
SL_INLINE void sl_cyc_init(sl_cyc *c, const float *src, size_t len, size_t first)
{
    c->src = src;
    c->len = len;
    c->off = first % len;
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

/* Gradient w.r.t. cyclic array 0: stored when one value per element,
 * otherwise summed in element order into a double per value (the same order
 * on every ISA). */
SL_INLINE void sl_put_dc(sl_args *a, size_t i, size_t start, vf dc, size_t k)
{
    if (a->grad_cyc) {
        if (k == SL_VL) {
            vf_store(a->grad_cyc + i, dc);
        } else {
            float t[SL_VL];
            vf_store(t, dc);
            memcpy(a->grad_cyc + i, t, k * sizeof(float));
        }
    } else if (a->cyc_acc) {
        float t[SL_VL];
        const size_t len = a->cyc_len[0];
        vf_store(t, dc);
        for (size_t l = 0; l < k; l++) {
            size_t j = start + l;
            while (j >= len) j -= len;
            a->cyc_acc[j] += (double)t[l];
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

/* One vector of a loss: its step function (SL_DEFINE_STEP) packs the lanes
 * of the inputs x, targets t and cyclic arrays c into the loss's named
 * arguments, calls the element function and unpacks the gradients of the
 * inputs into dx and that of cyclic array 0 into dc. */
typedef vf (*sl_step_fn)(const void *p, int flags, const vf *x, const vf *t, const vf *c, vf g,
                         vf *dx, vf *dc, vm *bad);

/* What one instantiation of the loop does; every field is a constant at the
 * call site, so the compiler drops what is not needed. */
typedef struct {
    int nin, ntgt, ncyc; /* the loss's arrays (registry counts) */
    int has_dc, has_dom; /* gradient of cyclic array 0 wanted; domain check */
    int st_loss, sum_loss, st_grad;
    int in_regs; /* sum in registers (no SLEEF call to spill them around) */
    int cflags;  /* flags known at compile time, or -1 */
} sl_mode;

/* Where one step's results go: local copies of the output pointers, which
 * the vector stores (may_alias types) cannot change, so they stay in
 * registers. */
typedef struct {
    float *loss, *grad[SL_MAX_IN]; /* NONE losses and gradients, or NULL */
    float *lbuf;                   /* the block's loss buffer (sum, not in_regs) */
    vacc *acc;                     /* the block's accumulator (sum, in_regs) */
} sl_out;

/*
 * One vector at element i (k valid lanes, k < SL_VL only in the tail, where
 * xs and ts are padded copies read at offset 0; off = i otherwise).
 */
SL_INLINE void sl_step(sl_args *a, const void *p, sl_step_fn step, int flags, vf g, sl_cyc *cy,
                       const sl_mode m, const sl_out o, size_t i, size_t blk, unsigned part,
                       const float *const *xs, const float *const *ts, size_t off, size_t k)
{
    /* the loops over the arrays are unrolled: their counts are constants,
     * and every lane array must become registers */
    vf x[SL_MAX_IN], t[SL_MAX_TGT], c[SL_MAX_CYC], dx[SL_MAX_IN], dc = vf_set1(0.0f);
    size_t start[SL_MAX_CYC] = {0};
#pragma GCC unroll 4
    for (int j = 0; j < m.nin; j++) x[j] = vf_load(xs[j] + off);
#pragma GCC unroll 4
    for (int j = 0; j < m.ntgt; j++) t[j] = vf_load(ts[j] + off);
#pragma GCC unroll 4
    for (int j = 0; j < m.ncyc; j++) c[j] = sl_cyc_next(&cy[j], &start[j]);
    vm bad = vm_none();
    vf l = step(p, flags, x, t, c, g, dx, &dc, &bad);
    if (m.st_loss) l = sl_canon(l);
    if (m.st_grad) {
#pragma GCC unroll 4
        for (int j = 0; j < m.nin; j++) dx[j] = sl_canon(dx[j]);
    }
    if (m.has_dc) dc = sl_canon(dc);
    if (k == SL_VL) {
        if (m.st_loss) vf_store(o.loss + i, l);
        if (m.st_grad) {
#pragma GCC unroll 4
            for (int j = 0; j < m.nin; j++)
                if (m.nin == 1 || o.grad[j]) vf_store(o.grad[j] + i, dx[j]);
        }
    } else {
        float tb[SL_VL];
        const vm valid = vm_prefix((unsigned)k);
        l = vf_select(valid, l, vf_set1(-0.0f));
        bad = vm_and(bad, valid);
        if (m.st_loss) {
            vf_store(tb, l);
            memcpy(o.loss + i, tb, k * sizeof(float));
        }
        for (int j = 0; j < m.nin; j++)
            if (m.st_grad && (m.nin == 1 || o.grad[j])) {
                vf_store(tb, dx[j]);
                memcpy(o.grad[j] + i, tb, k * sizeof(float));
            }
    }
    if (m.sum_loss && m.in_regs) vacc_add(o.acc, l, part);
    if (m.sum_loss && !m.in_regs) vf_store(o.lbuf + (i - blk), l);
    if (m.has_dc) sl_put_dc(a, i, start[0], dc, k);
    if (m.has_dom) sl_note_bad(a, bad, i, x[0]);
}

SL_INLINE void sl_pairwise(sl_args *a, const void *p, sl_step_fn step, const sl_mode m)
{
    const size_t n = a->n;
    const vf g = vf_set1(a->gscale);
    const int flags = m.cflags >= 0 ? m.cflags : a->flags;
    sl_cyc cy[SL_MAX_CYC];
    double total = 0.0;
    size_t i = 0;
    /* Without SLEEF calls the 16 double lanes stay in registers. With them,
     * the block's losses are buffered and reduced after the block, since the
     * calls clobber every vector register: the same order either way. */
    float lbuf[SL_BLOCK];
    vacc acc;
    sl_out o = {a->loss, {NULL}, lbuf, &acc};
    const float *xs[SL_MAX_IN], *ts[SL_MAX_TGT];
#pragma GCC unroll 4
    for (int j = 0; j < m.nin; j++) xs[j] = a->in[j], o.grad[j] = a->grad[j];
#pragma GCC unroll 4
    for (int j = 0; j < m.ntgt; j++) ts[j] = a->tgt[j];

#pragma GCC unroll 4
    for (int j = 0; j < m.ncyc; j++) sl_cyc_init(&cy[j], a->cyc[j], a->cyc_len[j], a->first);

    for (size_t blk = 0; blk < n; blk += SL_BLOCK) {
        const size_t end = n - blk < SL_BLOCK ? n : blk + SL_BLOCK;
        vacc_zero(&acc);
        /* whole groups of 16 elements: SL_GROUP vectors with constant parts */
        for (; SL_GROUP * SL_VL == 16 && i + 16 <= end; i += 16) {
#pragma GCC unroll 4
            for (unsigned v = 0; v < SL_GROUP; v++) {
                const size_t e = i + v * SL_VL;
                sl_step(a, p, step, flags, g, cy, m, o, e, blk, v, xs, ts, e, SL_VL);
            }
        }
        for (; i + SL_VL <= end; i += SL_VL)
            sl_step(a, p, step, flags, g, cy, m, o, i, blk, (unsigned)((i & 15) / SL_VL), xs, ts, i,
                    SL_VL);
        /* the tail: padded copies, one vector, keep the valid lanes */
        if (i < end) {
            float xt[SL_MAX_IN][SL_VL], tt[SL_MAX_TGT][SL_VL];
            const float *xp[SL_MAX_IN], *tp[SL_MAX_TGT];
            const size_t k = end - i;
            for (int j = 0; j < m.nin; j++) {
                for (size_t l = 0; l < SL_VL; l++) xt[j][l] = 0.5f;
                memcpy(xt[j], xs[j] + i, k * sizeof(float));
                xp[j] = xt[j];
            }
            for (int j = 0; j < m.ntgt; j++) {
                for (size_t l = 0; l < SL_VL; l++) tt[j][l] = 0.5f;
                memcpy(tt[j], ts[j] + i, k * sizeof(float));
                tp[j] = tt[j];
            }
            sl_step(a, p, step, flags, g, cy, m, o, i, blk, (unsigned)((i & 15) / SL_VL), xp, tp, 0,
                    k);
            i = end;
        }
        if (m.sum_loss) {
            const double bt = m.in_regs ? sl_lanes_total(&acc) : sl_block_total(lbuf, end - blk);
            if (a->bsum)
                a->bsum[blk / SL_BLOCK] = bt; /* a task's: added in order by its caller */
            else
                total += bt;
        }
    }
    a->sum = total;
}

/* ---- instantiating a loss from its registry entry ------------------------------------------- */

/* The vector-side types of a loss: its arrays' lanes (v), its gradients (d)
 * and its parameters (p), each by the name the registry gives it. */
#define SL_VIN_IN(k, nm, gr, dom) vf nm;
#define SL_VIN_TGT(k, nm, dom) vf nm;
#define SL_VIN_CYC(k, nm, len, dom) vf nm;
#define SL_VIN_CYCG(k, nm, len, gr, dom) vf nm;
#define SL_VIN_PF(...)
#define SL_VIN_PI(...)
#define SL_VIN(kind, ...) SL_VIN_##kind(__VA_ARGS__)
#define SL_VGR_IN(k, nm, gr, dom) vf gr;
#define SL_VGR_TGT(...)
#define SL_VGR_CYC(...)
#define SL_VGR_CYCG(k, nm, len, gr, dom) vf gr;
#define SL_VGR_PF(...)
#define SL_VGR_PI(...)
#define SL_VGR(kind, ...) SL_VGR_##kind(__VA_ARGS__)
#define SL_VPR_IN(...)
#define SL_VPR_TGT(...)
#define SL_VPR_CYC(...)
#define SL_VPR_CYCG(...)
#define SL_VPR_PF(k, nm, def, range) vf nm;
#define SL_VPR_PI(k, nm, def, rule) int nm;
#define SL_VPR(kind, ...) SL_VPR_##kind(__VA_ARGS__)
#define SL_VEC_TYPES(name, ...)                                                                    \
    typedef struct {                                                                               \
        SL_ARGS_##name(SL_VIN)                                                                     \
    } sl_##name##_v;                                                                               \
    typedef struct {                                                                               \
        SL_ARGS_##name(SL_VGR)                                                                     \
    } sl_##name##_d;                                                                               \
    typedef struct {                                                                               \
        SL_ARGS_##name(SL_VPR) int flags;                                                          \
    } sl_##name##_p;

/* The element function of loss `name`. */
#define SL_ELEMENT(name)                                                                           \
    SL_INLINE vf sl_##name##_elem(                                                                 \
        __attribute__((unused)) const sl_##name##_p *prm, __attribute__((unused)) const int flags, \
        const sl_##name##_v *in, const vf g, sl_##name##_d *out, __attribute__((unused)) vm *bad)

/* The step function: from the driver's arrays of lanes to the names. */
#define SL_PACK_IN(k, nm, gr, dom) v.nm = x[k];
#define SL_PACK_TGT(k, nm, dom) v.nm = t[k];
#define SL_PACK_CYC(k, nm, len, dom) v.nm = c[k];
#define SL_PACK_CYCG(k, nm, len, gr, dom) v.nm = c[k];
#define SL_PACK_PF(...)
#define SL_PACK_PI(...)
#define SL_PACK(kind, ...) SL_PACK_##kind(__VA_ARGS__)
#define SL_UNPACK_IN(k, nm, gr, dom) dx[k] = d.gr;
#define SL_UNPACK_TGT(...)
#define SL_UNPACK_CYC(...)
#define SL_UNPACK_CYCG(k, nm, len, gr, dom) *dc = d.gr;
#define SL_UNPACK_PF(...)
#define SL_UNPACK_PI(...)
#define SL_UNPACK(kind, ...) SL_UNPACK_##kind(__VA_ARGS__)
#define SL_DEFINE_STEP(name)                                                                       \
    SL_INLINE vf sl_##name##_step(const void *pv, int flags, const vf *x, const vf *t,             \
                                  const vf *c, vf g, vf *dx, vf *dc, vm *bad)                      \
    {                                                                                              \
        sl_##name##_v v;                                                                           \
        sl_##name##_d d;                                                                           \
        (void)x, (void)t, (void)c, (void)dc;                                                       \
        SL_ARGS_##name(SL_PACK) const vf l =                                                       \
            sl_##name##_elem((const sl_##name##_p *)pv, flags, &v, g, &d, bad);                    \
        SL_ARGS_##name(SL_UNPACK) return l;                                                        \
    }

/* The vector parameters from the entry point's sl_<name>_args. */
#define SL_VSET_IN(...)
#define SL_VSET_TGT(...)
#define SL_VSET_CYC(...)
#define SL_VSET_CYCG(...)
#define SL_VSET_PF(k, nm, def, range) p.nm = vf_set1(s->nm);
#define SL_VSET_PI(k, nm, def, rule) p.nm = s->nm;
#define SL_VSET(kind, ...) SL_VSET_##kind(__VA_ARGS__)

/* One loop for a combination of outputs, with constant or runtime flags. */
#define SL_LOOP(name, has_dc, has_dom, calls, st_loss, sum_loss, st_grad, cflags)                  \
    sl_pairwise(a, &p, sl_##name##_step,                                                           \
                (sl_mode){SL_##name##_NIN, SL_##name##_NTGT, SL_##name##_NCYC, has_dc, has_dom,    \
                          st_loss, sum_loss, st_grad, !(calls), cflags})

/* The five useful combinations of outputs, each its own loop. */
#define SL_LOOPS(name, has_dc, has_dom, calls, cflags)                                             \
    do {                                                                                           \
        if (a->loss && grads)                                                                      \
            SL_LOOP(name, has_dc, has_dom, calls, 1, 0, 1, cflags);                                \
        else if (a->loss)                                                                          \
            SL_LOOP(name, has_dc, has_dom, calls, 1, 0, 0, cflags);                                \
        else if (a->want_sum && grads)                                                             \
            SL_LOOP(name, has_dc, has_dom, calls, 0, 1, 1, cflags);                                \
        else if (a->want_sum)                                                                      \
            SL_LOOP(name, has_dc, has_dom, calls, 0, 1, 0, cflags);                                \
        else if (grads)                                                                            \
            SL_LOOP(name, has_dc, has_dom, calls, 0, 0, 1, cflags);                                \
        else if (has_dc) /* only the gradient of the cyclic array */                               \
            SL_LOOP(name, has_dc, has_dom, calls, 0, 0, 0, cflags);                                \
    } while (0)

/*
 * Instantiates k_<name> from a registry entry: loops for the loss's hot
 * flags (branches on flags folded away) and for any other flags; the cyclic
 * gradient only when wanted.
 */
#define SL_DEFINE_ELEMENTWISE(name, sleef_, hot_, gradmul_, flags_, domain_, prescan_, ref_)       \
    SL_DEFINE_STEP(name)                                                                           \
    static void k_##name(sl_args *a)                                                               \
    {                                                                                              \
        const sl_##name##_args *s = (const sl_##name##_args *)a->params;                           \
        sl_##name##_p p;                                                                           \
        (void)s;                                                                                   \
        SL_ARGS_##name(SL_VSET) p.flags = a->flags;                                                \
        int grads = 0;                                                                             \
        for (int j = 0; j < SL_##name##_NIN; j++) grads |= a->grad[j] != NULL;                     \
        const int dc = SL_##name##_NCG > 0 && (a->grad_cyc || a->cyc_acc);                         \
        if (dc)                                                                                    \
            SL_LOOPS(name, SL_##name##_NCG > 0, SL_1ST(domain_), SL_SLEEF_ANY(sleef_), -1);        \
        else if (a->flags == (hot_))                                                               \
            SL_LOOPS(name, 0, SL_1ST(domain_), SL_SLEEF_ANY(sleef_), hot_);                        \
        else                                                                                       \
            SL_LOOPS(name, 0, SL_1ST(domain_), SL_SLEEF_ANY(sleef_), -1);                          \
    }

#endif
