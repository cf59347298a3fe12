/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keras 3 sparse_categorical_crossentropy on rows of probabilities p
 * (inner == 1) with a class index y per row, eps = 1e-7: Keras'
 * categorical_crossentropy (categorical.h) on the one-hot row of y:
 *   S = sum_c p[c]; o = p / S; oc = clip(o, eps, 1 - eps); loss = -log oc[y]
 *   (Keras sums one_hot * log oc over the row: a NaN anywhere in the row
 *   makes the loss NaN, 0 * NaN);
 *   d/dp[k] = (u[k] - u[y] o[y]) / S, u[y] = -g / oc[y] (0 where the clip is
 *   active), u[k] = 0 elsewhere.
 * A row whose target equals ignore_class has loss 0 and a zero gradient, and
 * MEAN divides by the number of rows not ignored (0 when every row is):
 * Keras' masked mean, which divides by that count + 1e-7. Keras' JAX
 * gradient of an ignored row is NaN (the masked row is 0 / 0 before the mask
 * drops it); ours is 0, as cross_entropy's at ignored positions.
 *
 * The kernel writes the row's one-hot target into a scratch row and runs
 * categorical_crossentropy's row function on it: the same operations, so
 * the same bits as simdloss_categorical_crossentropy_f32 on one-hot rows.
 */
#ifndef SL_KERNELS_SPARSE_CATEGORICAL_H
#define SL_KERNELS_SPARSE_CATEGORICAL_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

/* wsum: the number of rows not ignored (sl_check_targets without weights) */
static int sl_plan_sparse_categorical_crossentropy_f32(sl_ccall *c, const sl_class_call *q,
                                                       double wsum)
{
    const sl_rkernel k = sl_rkernel_of(c, SL_R_sparse_categorical_crossentropy_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_rargs *a = &c->a;
    a->ti = q->ti;
    a->ignore = q->ignore;
    const double kept = q->batch == 0 ? 0.0 : (wsum > 0.0 ? wsum : 1.0); /* 0 / 1 = 0 */
    a->gn = c->red == SIMDLOSS_MEAN && wsum > 0.0 ? (float)(1.0 / wsum) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, kept, 1.0, sl_scratch(1, q->classes)};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

static void k_sparse_categorical_crossentropy_f32(const sl_rargs *a, size_t pos, size_t cnt,
                                                  float *l0, float *l1)
{
    (void)l1;
    const size_t C = a->classes;
    float *onehot = a->scratch;
    const int mode = SL_POW_0 << SL_CAT_KIND;
    for (size_t r = 0; r < cnt; r++) {
        sl_row row = sl_row_at(a, pos + r, SL_RT_NONE, 0);
        const int64_t y = a->ti[pos + r];
        if (y == a->ignore) {
            l0[r] = 0.0f;
            if (row.grad) memset(row.grad, 0, C * sizeof(float));
            continue;
        }
        memset(onehot, 0, C * sizeof(float));
        onehot[y] = 1.0f; /* validated: in [0, C) */
        row.t = onehot;
        if (a->grad)
            sl_cat_row(a, &row, l0 + r, mode | SL_CAT_GRAD);
        else
            sl_cat_row(a, &row, l0 + r, mode);
    }
}

#else /* the tests' reference and data (tests/class_spec.h) */

/* categorical_crossentropy's reference on the one-hot row; an ignored row
 * counts 0 towards MEAN's divisor */
static void sl_sparse_categorical_crossentropy_ref(const cr_pos *q, cr_res *r, double *grad,
                                                   double *gmag, double *kink, double *sing)
{
    const size_t C = q->classes;
    if (q->ti[0] == q->p->ignore_index) {
        r->value = 0, r->mag = 0, r->div = 0;
        cr_fill(grad, C, 0.0), cr_fill(gmag, C, 0.0);
        return;
    }
    double *t = calloc(C + 1, sizeof *t);
    if (!t) abort();
    t[q->ti[0]] = 1.0;
    const cr_params p = cr_default_params(SL_R_categorical_crossentropy_f32);
    const cr_pos oh = {C, &p, q->x, t, NULL};
    sl_keras_ce_ref(&oh, 0, 0.0, 0.0, r, grad, gmag, kink, sing);
    free(t);
}

static void sl_sparse_categorical_crossentropy_gen(const cs_branch *b, size_t C, uint64_t *s,
                                                   double *x, double *t, int64_t *y, int64_t *row)
{
    (void)b, (void)t, (void)row;
    cs_gen_probs(s, x, C);
    if (C > 1 && ts_coin(s, 0.1)) { /* the clip at eps; the row's sum stays > 0 */
        x[*y] = 0.0;
        x[(size_t)(*y + 1) % C] += 0.5;
    }
}

static void sl_sparse_categorical_crossentropy_golden(const cr_pos *q, double *lt, double *gt)
{
    if (q->ti[0] == q->p->ignore_index) return;
    double *t = calloc(q->classes + 1, sizeof *t);
    if (!t) abort();
    t[q->ti[0]] = 1.0;
    const cr_params p = cr_default_params(SL_R_categorical_crossentropy_f32);
    const cr_pos oh = {q->classes, &p, q->x, t, NULL};
    sl_keras_ce_golden(&oh, 0, 0.0, 0.0, lt, gt);
    free(t);
}

static const cs_branch sl_sparse_categorical_crossentropy_f32_branches[] = {
    {"none ignored", .ignore_index = -1, .cross = 1},
    {"ignore_class 0, 20% ignored", .ignore_index = 0, .ignore_frac = 0.2},
    {"ignore_class -100, 30% ignored", .ignore_index = -100, .ignore_frac = 0.3},
};

/* Keras 3 (printed float32 values): categorical_crossentropy's example rows
 * (categorical.h) as class indices */
static const int64_t sl_scce_y1[3] = {1, 2, 0};
static const double sl_scce_none1[3] = {0.051293306, 2.3025851, 1.6094379};
static const double sl_scce_g1[9] = {0.33333334, -0.017543852, 0.33333334, 0.33333334, 0.33333334,
                                     -3.0000002, -1.3333334,   0.33333334, 0.33333334};
static const int64_t sl_scce_y2[3] = {1, -1, 0};
static const double sl_scce_none2[3] = {0.051293306, 0, 1.6094379};
static const double sl_scce_g2[9] = {0.5, -0.026315778, 0.5, 0, 0, 0, -2, 0.5, 0.5};
static const cs_example sl_sparse_categorical_crossentropy_f32_examples[] = {
    {3, 3, .ignore_index = -1, .x = sl_cat_p3, .ti = sl_scce_y1, .none = sl_scce_none1,
     .mean = 1.3211055, .gmean = sl_scce_g1, .tol = 2e-6},
    {3, 3, .ignore_index = -1, .x = sl_cat_p3, .ti = sl_scce_y2, .none = sl_scce_none2,
     .mean = 0.83036561, .gmean = sl_scce_g2, .tol = 2e-6},
};

CS_SPEC(sparse_categorical_crossentropy_f32, sl_sparse_categorical_crossentropy_gen,
        sl_sparse_categorical_crossentropy_ref, CS_NONE,
        sl_sparse_categorical_crossentropy_f32_examples,
        CS_LEN(sl_sparse_categorical_crossentropy_f32_examples),
        sl_sparse_categorical_crossentropy_golden);
#endif
#endif
