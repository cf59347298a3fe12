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

#include "rows.h"

static void k_nll(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
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
