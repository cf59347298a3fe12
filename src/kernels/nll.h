/* SPDX-License-Identifier: Apache-2.0 */
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
        sl_crun_rows(c, k);
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

#else /* the tests' reference and data (tests/class_spec.h) */
static void sl_nll_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag, double *kink,
                       double *sing)
{
    const size_t C = q->classes;
    const int64_t y = q->ti[0];
    (void)kink, (void)sing;
    cr_fill(grad, C, 0);
    cr_fill(gmag, C, 0);
    if (y == q->p->ignore_index) {
        r->value = r->mag = r->div = 0;
        return;
    }
    const size_t yy = (size_t)y;
    const double wy = cr_w(q->p, yy);
    r->value = -wy * q->x[yy];
    r->mag = fabs(wy * q->x[yy]);
    r->div = wy;
    if (grad) grad[yy] = -wy;
    if (gmag) gmag[yy] = fabs(wy);
}

/* log-probabilities, or arbitrary scores (nll_loss does not check) */
static void sl_nll_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t, int64_t *y,
                       int64_t *row)
{
    (void)b, (void)t, (void)y, (void)row;
    if (ts_coin(s, 0.6)) {
        cs_gen_logits(s, x, C);
        double m = -INFINITY, S = 0;
        for (size_t c = 0; c < C; c++) m = fmax(m, x[c]);
        for (size_t c = 0; c < C; c++) S += exp(x[c] - m);
        for (size_t c = 0; c < C; c++) x[c] -= m + log(S);
    } else {
        for (size_t c = 0; c < C; c++) x[c] = ts_coin(s, 0.8) ? 3.0 * ts_N(s) : ts_U(s, -50, 50);
    }
}

/* cross: 1 also in the cross-ISA test, 2 only there */
static const cs_branch sl_nll_f32_branches[] = {
    {"plain", .weight = 0, .ignore_index = -100, .ignore_frac = 0, .pf = {0}, .cross = 1},
    {"weight", .weight = 1, .ignore_index = -100, .ignore_frac = 0, .pf = {0}},
    {"weight ignore_index=2 (a real class)", .weight = 1, .ignore_index = 2, .ignore_frac = 0.15,
     .pf = {0}},
    {"ignore_index=-100 (20% ignored)", .weight = 0, .ignore_index = -100, .ignore_frac = 0.2,
     .pf = {0}},
    {"weight ignore_index=1 (a real class)", .weight = 1, .ignore_index = 1, .ignore_frac = 0.1,
     .pf = {0}, .cross = 2},
};

/* torch 1.13 (printed float32 values) */
static const double sl_nll_x[12] = {-1.4951819,  -0.49518189, -1.9951819, -3.4951818,
                                    -1.3862944,  -1.3862944,  -1.3862944, -1.3862944,
                                    -0.20225349, -5.2022533,  -2.2022536, -2.7022536};
static const int64_t sl_nll_y[3] = {1, 3, 0};
static const float sl_nll_w[4] = {0.5f, 2, 1, 3};
static const double sl_nll_none[3] = {0, 4.1588831, 0.10112675};
static const double sl_nll_g[12] = {0, 0, 0, 0, 0, 0, 0, -0.85714293, -0.14285715, 0, 0, 0};
static const cs_example sl_nll_f32_examples[] = {
    {3,
     4,
     sl_nll_w,
     NULL,
     0,
     1,
     {0},
     {0},
     sl_nll_x,
     NULL,
     sl_nll_y,
     sl_nll_none,
     1.2171457,
     sl_nll_g,
     2e-6},
};

/* golden: -w x is one rounding, no cancellation, no sum */
CS_SPEC(nll_f32, sl_nll_gen, sl_nll_ref, CS_NONE, sl_nll_f32_examples, CS_LEN(sl_nll_f32_examples),
        NULL);
#endif
#endif
