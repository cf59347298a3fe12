/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keras 3 cosine_similarity on rows of `dim` features: x the prediction
 * (input, y_pred), t the target (y_true), e2 = 1e-14 (Keras' epsilon 1e-7,
 * squared):
 *   rx = 1 / sqrt(max(Sx, e2)), Sx = sum_c x[c]^2 (Keras' normalize:
 *   x * rsqrt(max(sum x^2, eps^2))); rt likewise from t;
 *   loss = -sum_c (t[c] rt) (x[c] rx)   in [-1, 1]; -1: the same direction.
 * A zero row (x or t) gives -0, as Keras.
 * Gradient (g = the reduction's factor), reverse-mode autodiff of that, with
 * cos = -loss:
 *   d/dx[k] = (cos (x[k] rx) - t[k] rt) (g rx)   where Sx >= e2,
 *   d/dx[k] = -(t[k] rt) (g rx)                  where Sx < e2 (the clamp
 *   blocks the norm's path: 1e7-scale for a zero x).
 * A row whose loss is NaN gets an all-NaN gradient.
 *
 * Passes per row: Sx and St; cos as the sum of the normalised products, as
 * Keras sums them (not the dot product times rt rx: with Sx overflowing to
 * inf, x rx is 0 and so is the loss, where the dot product would be inf or
 * NaN); the gradient. Sums in the canonical lanes (row_driver.h).
 */
#ifndef SL_KERNELS_COSINE_SIMILARITY_H
#define SL_KERNELS_COSINE_SIMILARITY_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

/* MEAN is Keras' sum_over_batch_size: the sum of the row losses / batch. */
static int sl_plan_cosine_similarity_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const sl_rkernel k = sl_rkernel_of(c, SL_R_cosine_similarity_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    c->a.tf = q->tf;
    c->a.gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

typedef struct {
    vf rx, rt, cos, grx;
} sl_cos_k;

/* pass 1: Sx (sum 0), St (sum 1); the pads hold 0 */
SL_INLINE void sl_cos_norm_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode;
    o->sum[0] = vf_mul(in->x, in->x);
    o->sum[1] = vf_mul(in->t, in->t);
}

/* pass 2: the normalised products (t rt) (x rx) */
SL_INLINE void sl_cos_dot_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cos_k *k = (const sl_cos_k *)kv;
    (void)mode;
    o->sum[0] = vf_mul(vf_mul(in->t, k->rt), vf_mul(in->x, k->rx));
}

/* pass 3: the gradient; cos is 0 where the clamp is active */
SL_INLINE void sl_cos_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cos_k *k = (const sl_cos_k *)kv;
    (void)mode;
    o->out = vf_mul(vf_sub(vf_mul(k->cos, vf_mul(in->x, k->rx)), vf_mul(in->t, k->rt)), k->grx);
}

/* 1 / sqrt(max(s, e2)); NaN stays NaN */
SL_INLINE float sl_cos_rnorm(float s)
{
    const float e2 = 1e-14f;
    return 1.0f / sqrtf(s < e2 ? e2 : s);
}

SL_INLINE void sl_cos_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    sl_cos_k k;
    sl_rsum sx, st, sd;
    sl_rsum_init(&sx);
    sl_rsum_init(&st);
    const unsigned ld = SL_RX | SL_RT;
    sl_row_pass((sl_rpass){.ld = ld, .sums = 3, .raw = 1}, row, NULL, NULL, &k, mode,
                sl_cos_norm_el, NULL, (sl_rloc){.s = {&sx, &st}});
    const float Sx = (float)sx.total, St = (float)st.total;
    const float rx = sl_cos_rnorm(Sx), rt = sl_cos_rnorm(St);
    k.rx = vf_set1(rx), k.rt = vf_set1(rt);
    sl_rsum_init(&sd);
    sl_row_pass((sl_rpass){.ld = ld, .sums = 1, .raw = 1}, row, NULL, NULL, &k, mode, sl_cos_dot_el,
                NULL, (sl_rloc){.s = {&sd}});
    const float cos = (float)sd.total;
    *l0 = -cos;
    if (!row->grad) return;
    k.cos = vf_set1(cos != cos ? NAN : (Sx >= 1e-14f ? cos : 0.0f));
    k.grx = vf_set1(a->gn * rx);
    sl_row_pass((sl_rpass){.ld = ld, .out = SL_ROUT_GRAD}, row, NULL, row->grad, &k, mode,
                sl_cos_grad_el, NULL, (sl_rloc){.d = NULL});
}

static void k_cosine_similarity_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_cos_row, 0);
}

#else /* the tests' reference and data (tests/class_spec.h) */

/* sqrt(max(sum v^2, e2)) in double, e2 the float 1e-14 */
static double sl_cos_norm_ref(const double *v, size_t n, double *ss)
{
    cr_acc a = {0, 0};
    for (size_t c = 0; c < n; c++) cr_add(&a, v[c] * v[c]);
    *ss = cr_get(&a);
    const double e2 = (double)1e-14f;
    return sqrt(*ss < e2 ? e2 : *ss);
}

static void sl_cosine_similarity_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                     double *kink, double *sing)
{
    const size_t C = q->classes;
    const double *x = q->x, *t = q->t;
    double Sx, St;
    const double nx = sl_cos_norm_ref(x, C, &Sx), nt = sl_cos_norm_ref(t, C, &St);
    const double active = Sx >= (double)1e-14f;
    cr_acc d = {0, 0};
    double mag = 0;
    for (size_t c = 0; c < C; c++) {
        cr_add(&d, (t[c] / nt) * (x[c] / nx));
        mag += fabs((t[c] / nt) * (x[c] / nx));
    }
    const double cos = cr_get(&d);
    r->value = -cos;
    r->mag = mag + 1e-30;
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        const double xh = x[k] / nx, th = t[k] / nt;
        if (grad) grad[k] = ((active ? cos * xh : 0.0) - th) / nx;
        /* cos is a float sum over the row: its rounding reaches every element */
        if (gmag) gmag[k] = (fabs(cos * xh) + fabs(th) + fabs(xh) * mag * sqrt((double)C)) / nx;
        /* the clamp: |d norm| <= |d x[k]| */
        if (kink) kink[k] = fabs(nx - 1e-7);
        /* second derivatives scale as 1 / norm */
        if (sing) sing[k] = nx;
    }
}

/* normal rows; zero and tiny rows (below the clamp); parallel, opposite and
 * orthogonal pairs; large rows */
static void sl_cosine_similarity_gen(const cs_branch *b, size_t C, uint64_t *s, double *x,
                                     double *t, int64_t *y, int64_t *row)
{
    (void)b, (void)y, (void)row;
    for (size_t c = 0; c < C; c++) x[c] = ts_N(s), t[c] = ts_N(s);
    const double u = ts_unit(s);
    if (u < 0.08) {
        for (size_t c = 0; c < C; c++) x[c] = 0.0;
    } else if (u < 0.14) {
        for (size_t c = 0; c < C; c++) t[c] = 0.0;
    } else if (u < 0.22) { /* x below the clamp: Sx < 1e-14 */
        for (size_t c = 0; c < C; c++) x[c] *= 1e-9 / sqrt((double)C);
    } else if (u < 0.34) { /* parallel or opposite */
        const double k = ts_sgn(s) * ts_LU(s, 0.1, 10.0);
        for (size_t c = 0; c < C; c++) t[c] = k * x[c];
    } else if (u < 0.40 && C >= 2) { /* orthogonal: two disjoint supports */
        for (size_t c = 0; c < C; c++) (c % 2 ? x : t)[c] = 0.0;
    } else if (u < 0.5) {
        const double k = ts_coin(s, 0.5) ? 1e15 : 1e-5;
        for (size_t c = 0; c < C; c++) x[c] *= k;
    }
}

/* loss = -sum th xh; d/dx = (cos xh - th) rx: terms |th xh|, |cos xh|, |th| */
static void sl_cosine_similarity_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    double Sx, St;
    const double nx = sl_cos_norm_ref(q->x, C, &Sx), nt = sl_cos_norm_ref(q->t, C, &St);
    for (size_t c = 0; c < C; c++) *lt += fabs(q->t[c] / nt * q->x[c] / nx);
    for (size_t k = 0; k < C; k++)
        gt[k] = (fabs(q->x[k] / nx) * (1.0 + *lt) + fabs(q->t[k] / nt)) / nx;
}

static const cs_branch sl_cosine_similarity_f32_branches[] = {
    {.label = "normal rows", .cross = 1},
};

/* Keras 3 (SPEC examples; printed float32 values) */
static const double sl_cos_t1[6] = {0, 1, 1, 1, 1, 2}, sl_cos_x1[6] = {1, 0, 1, 1, 0, 0};
static const double sl_cos_none1[3] = {-0.0, -0.99999994, -0.0};
static const double sl_cos_g1[6] = {-0.0,           -0.33333334, -1.4901161e-08,
                                    -1.4901161e-08, -1490712,    -2981424};
static const double sl_cos_t2[6] = {1, 2, 3, -1, 0.5, 0}, sl_cos_x2[6] = {2, 1, 0, 1, 1, 1};
static const double sl_cos_none2[2] = {-0.47809142, 0.25819889};
static const double sl_cos_g2[6] = {0.035856858, -0.071713716, -0.17928427,
                                    0.21516573,  -0.1721326,   -0.043033145};
static const double sl_cos_t3[6] = {1, 0, 0, 0, 3, 4}, sl_cos_x3[6] = {-2, 0, 0, 0, 4, 3};
static const double sl_cos_none3[2] = {1, -0.96000004};
static const double sl_cos_g3[6] = {0, -0.0, -0.0, 0, 0.016800001, -0.022400001};
static const cs_example sl_cosine_similarity_f32_examples[] = {
    {3, 2, .x = sl_cos_x1, .t = sl_cos_t1, .none = sl_cos_none1, .mean = -0.33333331,
     .gmean = sl_cos_g1, .tol = 2e-6},
    {2, 3, .x = sl_cos_x2, .t = sl_cos_t2, .none = sl_cos_none2, .mean = -0.10994627,
     .gmean = sl_cos_g2, .tol = 2e-6},
    {2, 3, .x = sl_cos_x3, .t = sl_cos_t3, .none = sl_cos_none3, .mean = 0.019999981,
     .gmean = sl_cos_g3, .tol = 2e-6},
};

CS_SPEC(cosine_similarity_f32, sl_cosine_similarity_gen, sl_cosine_similarity_ref, CS_NONE,
        sl_cosine_similarity_f32_examples, CS_LEN(sl_cosine_similarity_f32_examples),
        sl_cosine_similarity_golden);
#endif
#endif
