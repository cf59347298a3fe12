/* SPDX-License-Identifier: Apache-2.0 */
/*
 * F.cosine_embedding_loss on rows of `dim` features: x1 (input1), x2
 * (input2), one target y per row, as PyTorch 1.13 computes it:
 *   P = sum x1 x2, m1 = sum x1^2 + 1e-12, m2 = sum x2^2 + 1e-12 (the 1e-12
 *   added to each squared norm), cos = P / sqrt(m1 m2);
 *   y = 1: loss = 1 - cos; y = -1: loss = max(0, cos - margin); any other y
 *   (0, 2, NaN): loss 0 and a zero gradient.
 * Gradients (g = the reduction's factor), with s = -1 for y = 1 and +1 for
 * y = -1 where cos - margin >= 0 (equality counts, as clamp_min's backward):
 *   d/dx1 = g s (x2 / sqrt(m1 m2) - cos x1 / m1), d/dx2 symmetrically.
 * A NaN cos of a y = +-1 row makes its loss and both gradient rows NaN
 * (PyTorch: a zero gradient where y = -1).
 *
 * Passes per row: the three sums; the gradients, both in one pass when both
 * are wanted. The input2 stream is the driver's target stream. Each group
 * of a gradient row is written after that group's loads of both inputs, so
 * a gradient may alias its input.
 */
#ifndef SL_KERNELS_COSINE_EMBEDDING_H
#define SL_KERNELS_COSINE_EMBEDDING_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

/* MEAN divides by batch; p[0] = margin */
static int sl_plan_cosine_embedding_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const sl_rkernel k = sl_rkernel_of(c, SL_R_cosine_embedding_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    c->a.tf = q->tf;
    c->a.p[0] = q->pf[0];
    c->a.gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

typedef struct {
    vf a, b1, b2;
} sl_cemb_k;

/* x: x1, t: x2; the pads (0) add +0 */
SL_INLINE void sl_cemb_sum_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode;
    o->sum[0] = vf_mul(in->x, in->t);
    o->sum[1] = vf_mul(in->x, in->x);
    o->sum[2] = vf_mul(in->t, in->t);
}

/* mode 1: d/dx1 = a x2 - b1 x1; mode 2: d/dx2 = a x1 - b2 x2; mode 3: both
 * (d/dx2 as out2) */
SL_INLINE void sl_cemb_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cemb_k *k = (const sl_cemb_k *)kv;
    const vf g1 = vf_sub(vf_mul(k->a, in->t), vf_mul(k->b1, in->x));
    const vf g2 = vf_sub(vf_mul(k->a, in->x), vf_mul(k->b2, in->t));
    o->out = mode == 2 ? g2 : g1;
    o->out2 = g2;
}

SL_INLINE void sl_cemb_row(const sl_rargs *a, const sl_row *row0, float *l0, int mode)
{
    (void)mode;
    const size_t C = row0->C;
    sl_row row = *row0;
    row.t = a->x2[0] + row.r * C;
    float *g1 = (float *)row.grad, *g2 = a->g2[0] ? a->g2[0] + row.r * C : NULL;
    const float y = a->tf[row.r];
    if (y != 1.0f && y != -1.0f) {
        *l0 = 0.0f;
        if (g1) memset(g1, 0, C * sizeof(float));
        if (g2) memset(g2, 0, C * sizeof(float));
        return;
    }
    sl_cemb_k k;
    sl_rsum sp, s1, s2;
    sl_rsum_init(&sp);
    sl_rsum_init(&s1);
    sl_rsum_init(&s2);
    const unsigned ld = SL_RX | SL_RT;
    sl_row_pass((sl_rpass){.ld = ld, .sums = 7, .raw = 1}, &row, NULL, NULL, &k, 0, sl_cemb_sum_el,
                NULL, (sl_rloc){.s = {&sp, &s1, &s2}});
    const float m1 = (float)s1.total + 1e-12f, m2 = (float)s2.total + 1e-12f;
    const float D = sqrtf(m1 * m2), cos = (float)sp.total / D;
    float L, G;
    if (y == 1.0f) {
        L = 1.0f - cos;
        G = -a->gn;
    } else {
        const float z = cos - a->p[0];
        L = z < 0.0f ? 0.0f : z; /* NaN stays */
        G = z < 0.0f ? 0.0f : a->gn;
    }
    *l0 = L;
    if (!g1 && !g2) return;
    if (G == 0.0f) {
        if (g1) memset(g1, 0, C * sizeof(float));
        if (g2) memset(g2, 0, C * sizeof(float));
        return;
    }
    k.a = vf_set1(G / D);
    k.b1 = vf_set1(G * cos / m1);
    k.b2 = vf_set1(G * cos / m2);
    const sl_rpass gp = {.ld = ld, .out = SL_ROUT_GRAD};
    if (g1 && g2) {
        row.grad2 = g2;
        sl_row_pass((sl_rpass){.ld = ld, .out = SL_ROUT_GRAD, .outs = 2}, &row, NULL, g1, &k, 3,
                    sl_cemb_grad_el, NULL, (sl_rloc){0});
    } else if (g1) {
        sl_row_pass(gp, &row, NULL, g1, &k, 1, sl_cemb_grad_el, NULL, (sl_rloc){0});
    } else {
        sl_row_pass(gp, &row, NULL, g2, &k, 2, sl_cemb_grad_el, NULL, (sl_rloc){0});
    }
}

static void k_cosine_embedding_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_cemb_row, 0);
}

#else /* the tests' reference and data (tests/class_spec.h, tests/test_embedding.c) */

static void sl_cosine_embedding_ref(const ce_row *q, cr_res *r, double *const *grad,
                                    double *const *gmag, double *const *kink)
{
    const size_t C = q->dim;
    const double *x1 = q->x[0], *x2 = q->x[1], y = q->y, margin = (double)q->p->pf[0];
    cr_acc P = {0, 0}, A = {0, 0}, B = {0, 0};
    double pa = 0;
    for (size_t c = 0; c < C; c++) {
        cr_add(&P, x1[c] * x2[c]), cr_add(&A, x1[c] * x1[c]), cr_add(&B, x2[c] * x2[c]);
        pa += fabs(x1[c] * x2[c]);
    }
    const double m1 = cr_get(&A) + (double)1e-12f, m2 = cr_get(&B) + (double)1e-12f;
    const double D = sqrt(m1 * m2), cos = cr_get(&P) / D;
    double L = 0, G = 0;
    if (y == 1.0) {
        L = 1.0 - cos, G = -1.0;
    } else if (y == -1.0) {
        L = cos - margin > 0 ? cos - margin : 0.0;
        G = cos - margin >= 0 ? 1.0 : 0.0;
    }
    /* cos carries P's rounding (an ulp of sum |x1 x2|, growing with the row)
     * and the norms' */
    const double cmag = (pa / D + fabs(cos)) * (1.0 + sqrt((double)C) / 4.0);
    const int on = y == 1.0 || y == -1.0;
    r->value = L;
    r->mag = on ? 1.0 + cmag + fabs(margin) : 0.0;
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        if (grad && grad[0]) grad[0][k] = G * (x2[k] / D - cos * x1[k] / m1);
        if (grad && grad[1]) grad[1][k] = G * (x1[k] / D - cos * x2[k] / m2);
        if (gmag && gmag[0])
            gmag[0][k] = fabs(G) * (fabs(x2[k] / D) + (fabs(cos) + cmag) * fabs(x1[k] / m1));
        if (gmag && gmag[1])
            gmag[1][k] = fabs(G) * (fabs(x1[k] / D) + (fabs(cos) + cmag) * fabs(x2[k] / m2));
        /* the clamp's kink at cos = margin (|d cos / d x1[k]| <= 1 / |x1|); the
         * curvature scales as 1 / |x| */
        for (int i = 0; i < 2 && kink; i++)
            if (kink[i])
                kink[i][k] = fmin(y == -1.0 ? fabs(cos - margin) * sqrt(i ? m2 : m1) : INFINITY,
                                  3e-3 * sqrt(i ? m2 : m1));
    }
}

/* normal rows; targets +-1 (some 0 and 2: no loss); parallel, opposite and
 * zero rows; cos exactly at the margin (a 2^-10 grid with margin 0) */
static void sl_cosine_embedding_gen(const cs_branch *b, size_t C, uint64_t *s, double *const *x,
                                    double *y)
{
    (void)b;
    for (size_t c = 0; c < C; c++) x[0][c] = ts_N(s), x[1][c] = ts_N(s);
    const double u = ts_unit(s);
    *y = u < 0.45 ? 1.0 : u < 0.9 ? -1.0 : (ts_coin(s, 0.5) ? 0.0 : 2.0);
    const double v = ts_unit(s);
    if (v < 0.1) { /* parallel or opposite */
        const double k = ts_sgn(s) * ts_LU(s, 0.1, 10.0);
        for (size_t c = 0; c < C; c++) x[1][c] = k * x[0][c];
    } else if (v < 0.15) {
        for (size_t c = 0; c < C; c++) x[ts_coin(s, 0.5)][c] = 0.0;
    } else if (v < 0.25 && C >= 2) { /* orthogonal: cos = 0 exactly */
        for (size_t c = 0; c < C; c++) x[c % 2][c] = 0.0;
    } else if (v < 0.35) {
        const double k = ts_coin(s, 0.5) ? 1e-4 : 1e4;
        for (size_t c = 0; c < C; c++) x[0][c] *= k;
    }
}

static const cs_branch sl_cosine_embedding_f32_branches[] = {
    {"margin=0", .pf = {0.0f}, .cross = 1},
    {"margin=0.5", .pf = {0.5f}},
    {"margin=-0.3", .pf = {-0.3f}, .cross = 2},
};

/* torch 1.13 (printed float32 values) */
static const double sl_cemb_x1a[12] = {1, 2, 3, 1, 0, 0, 0, 0, 0, 1, 0, 0};
static const double sl_cemb_x2a[12] = {2, 1, 0, -1, 0.5, 0, 1, 1, 1, 0, 1, 0};
static const double sl_cemb_ya[4] = {1, -1, 1, -1};
static const double sl_cemb_nonea[4] = {0.52190852, 0, 1, 0};
static const double sl_cemb_g1a[12] = {-0.051224083, -0.012806021, 0.025612041, 0, 0,    0,
                                       -144337.56,   -144337.56,   -144337.56,  0, 0.25, 0};
static const double sl_cemb_g2a[12] = {
    0.017928431, -0.035856858, -0.089642145, 0, 0, 0, 0, 0, 0, 0.25, 0, 0};
static const double sl_cemb_x1b[6] = {1, 2, 3, 1, 1, 0}, sl_cemb_x2b[6] = {2, 1, 0, 1, 2, 0};
static const double sl_cemb_yb[2] = {-1, -1}, sl_cemb_noneb[2] = {0, 0.44868326};
static const double sl_cemb_g1b[6] = {0, 0, 0, -0.079056934, 0.079056948, 0};
static const double sl_cemb_g2b[6] = {0, 0, 0, 0.063245557, -0.031622767, 0};
static const double sl_cemb_x1c[4] = {1, 0, 1, 1}, sl_cemb_x2c[4] = {0, 1, 1, 0};
static const double sl_cemb_yc[2] = {0, 2}, sl_cemb_nonec[2] = {0, 0}, sl_cemb_gc[4] = {0};
static const ce_example sl_cosine_embedding_f32_examples[] = {
    {4, 3, .pf = {0.0f}, .x = {sl_cemb_x1a, sl_cemb_x2a}, .y = sl_cemb_ya, .none = sl_cemb_nonea,
     .mean = 0.38047713, .gmean = {sl_cemb_g1a, sl_cemb_g2a}, .tol = 2e-6},
    {2, 3, .pf = {0.5f}, .x = {sl_cemb_x1b, sl_cemb_x2b}, .y = sl_cemb_yb, .none = sl_cemb_noneb,
     .mean = 0.22434163, .gmean = {sl_cemb_g1b, sl_cemb_g2b}, .tol = 2e-6},
    {2, 2, .pf = {0.0f}, .x = {sl_cemb_x1c, sl_cemb_x2c}, .y = sl_cemb_yc, .none = sl_cemb_nonec,
     .mean = 0, .gmean = {sl_cemb_gc, sl_cemb_gc}, .tol = 2e-6},
};

CE_SPEC(cosine_embedding_f32, sl_cosine_embedding_gen, sl_cosine_embedding_ref,
        sl_cosine_embedding_f32_examples);
#endif
#endif
