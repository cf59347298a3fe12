/*
 * Negative log-likelihood (F.nll_loss) on log-probabilities: one element per
 * position, at the target's class; no vector code (a gather of one float per
 * position).
 *   k_nll:      loss = -(w[y] x[y]) per position of the chunk (0 ignored);
 *   k_nll_grad: the whole gradient, -(w[y] g) at each target, 0 elsewhere,
 *               NaN where x[y] is NaN (NaN in, NaN out; PyTorch's is
 *               finite). Written after every loss is computed, element by
 *               element in place (each read before its own slot is
 *               written), so it may alias the input.
 * sl_rargs: w (weights or NULL), ignore, gn = the gradient factor g.
 */
#ifndef SL_KERNELS_NLL_H
#define SL_KERNELS_NLL_H

#ifdef SL_PLANS /* the plans, compiled once (src/class_entry.c) */

/* MEAN divides by the sum of the targets' weights; the gradient is written
 * after every loss (it may alias the input). */
static int sl_plan_nll_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    sl_rargs *a = &c->a;
    a->ti = q->ti;
    a->w = q->w;
    a->ignore = q->ignore;
    a->gn = c->red == SIMDLOSS_MEAN ? (float)(1.0 / wsum) : 1.0f;
    if (q->loss) {
        const sl_rkernel k = sl_rkernel_of(c, SL_R_nll_f32);
        if (!k) return SIMDLOSS_ENOTSUP;
        const sl_cplan p = {k, 0, 1.0f, 0.0f, wsum, 1.0, 0};
        const int rc = sl_crun(c, &p);
        if (rc) return rc;
    }
    if (q->grad && q->batch > 0) {
        const sl_rkernel k = sl_rkernel_of(c, SL_R_nll_grad);
        if (!k) return SIMDLOSS_ENOTSUP;
        k(a, 0, c->npos, NULL, NULL);
    }
    return SIMDLOSS_OK;
}

#elif !defined(SL_SPECS) /* the kernels, compiled per table */

#include "rows.h"

static void k_nll_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    const float *x = a->x;
    for (size_t j = 0; j < cnt; j++) {
        const size_t P = pos + j, b = P / a->inner, i = P % a->inner;
        const int64_t y = a->ti[P];
        if (y == a->ignore) {
            l0[j] = 0.0f;
            continue;
        }
        const float w = a->w ? a->w[y] : 1.0f;
        l0[j] = -(w * x[(b * a->classes + (size_t)y) * a->inner + i]);
    }
}

/* The value is canonicalised too: a NaN weight, or 0 times the infinite
 * MEAN factor of a zero weight sum, gives a NaN whose sign depends on the
 * operands and the compiler. */
static inline float sl_nll_grad_at(const sl_rargs *a, int64_t y, float x)
{
    const float v = -((a->w ? a->w[y] : 1.0f) * a->gn);
    return sl_canon1(x != x ? x : v);
}

/* Positions [pos, pos + cnt) must be whole batch rows. */
static void k_nll_grad(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l0, (void)l1;
    const size_t C = a->classes, inner = a->inner;
    float *grad = a->grad;
    for (size_t b = pos / inner; b < (pos + cnt) / inner; b++) {
        const int64_t *t = a->ti + b * inner;
        const float *x = (const float *)a->x + b * C * inner;
        float *d = grad + b * C * inner;
        if (inner == 1) {
            const int64_t y = t[0];
            const int on = y != a->ignore;
            const float v = on ? sl_nll_grad_at(a, y, x[y]) : 0.0f;
            memset(d, 0, C * sizeof(float));
            if (on) d[y] = v;
            continue;
        }
        for (size_t c = 0; c < C; c++)
            for (size_t i = 0; i < inner; i++) {
                const int64_t y = t[i];
                const size_t e = c * inner + i;
                d[e] = y == (int64_t)c && y != a->ignore ? sl_nll_grad_at(a, y, x[e]) : 0.0f;
            }
    }
}

#endif
#endif
