/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keras 3 Dice and Tversky losses over each row of `dim` features: x the
 * prediction (input, y_pred), t the target (y_true), eps = 1e-7 (Keras'
 * backend.epsilon(), added last as Keras adds it). Keras' axis=None (the
 * whole tensor) is batch = 1.
 *   dice:    I = sum_c t x, St = sum_c t, Sx = sum_c x;
 *            den = (St + Sx) + eps, D = (2 I) / den, loss = 1 - D;
 *            d/dx[k] = (D - 2 t[k]) (g / den).
 *   tversky: I = sum_c t x, fp = sum_c (1 - x) t, fn = sum_c x (1 - t) (Keras'
 *            names: "fp" weighs the target's mass the prediction misses);
 *            den = ((I + fp alpha) + fn beta) + eps, T = I / den, loss = 1 - T;
 *            d/dx[k] = (T dd[k] - t[k]) (g / den), dd[k] = (t - alpha t) + beta (1 - t)
 *            (d den / d x[k]).
 * g is the reduction's factor; alpha = beta = 0.5 is Dice's value with I
 * weighted once instead of twice: the same ratio, other roundings. A row
 * whose loss is NaN gets an all-NaN gradient.
 *
 * One pass for the three sums (canonical lanes, row_driver.h), one for the
 * gradient.
 */
#ifndef SL_KERNELS_DICE_H
#define SL_KERNELS_DICE_H

#ifdef SL_PLANS /* the plans, compiled once (src/class_entry.c) */

/* MEAN is Keras' sum_over_batch_size: the sum of the row losses / batch.
 * p[0], p[1]: tversky's alpha and beta. */
static int sl_plan_overlap(sl_ccall *c, const sl_class_call *q, int id)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    c->a.tf = q->tf;
    c->a.p[0] = q->pf[0];
    c->a.p[1] = q->pf[1];
    c->a.gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    return sl_crun(c, &p);
}

static int sl_plan_dice_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    return sl_plan_overlap(c, q, SL_R_dice_f32);
}

static int sl_plan_tversky_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    return sl_plan_overlap(c, q, SL_R_tversky_f32);
}

#elif !defined(SL_SPECS) /* the kernels, compiled per table */

#include "row_driver.h"

enum { SL_DICE, SL_TVERSKY };

typedef struct {
    vf one, two, alpha, beta, q, h;
} sl_dice_k;

/* the three sums; the pads (x = t = 0) add +0 to each */
SL_INLINE void sl_dice_sum_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_dice_k *k = (const sl_dice_k *)kv;
    o->sum[0] = vf_mul(in->t, in->x);
    if (mode == SL_DICE) {
        o->sum[1] = in->t;
        o->sum[2] = in->x;
    } else {
        o->sum[1] = vf_mul(vf_sub(k->one, in->x), in->t);
        o->sum[2] = vf_mul(in->x, vf_sub(k->one, in->t));
    }
}

SL_INLINE void sl_dice_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_dice_k *k = (const sl_dice_k *)kv;
    if (mode == SL_DICE) {
        o->out = vf_mul(vf_sub(k->q, vf_mul(k->two, in->t)), k->h);
    } else {
        const vf dd =
            vf_add(vf_sub(in->t, vf_mul(k->alpha, in->t)), vf_mul(k->beta, vf_sub(k->one, in->t)));
        o->out = vf_mul(vf_sub(vf_mul(k->q, dd), in->t), k->h);
    }
}

SL_INLINE void sl_dice_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    sl_dice_k k;
    k.one = vf_set1(1.0f), k.two = vf_set1(2.0f);
    k.alpha = vf_set1(a->p[0]), k.beta = vf_set1(a->p[1]);
    sl_rsum si, s1, s2;
    sl_rsum_init(&si);
    sl_rsum_init(&s1);
    sl_rsum_init(&s2);
    const unsigned ld = SL_RX | SL_RT;
    sl_row_pass((sl_rpass){.ld = ld, .sums = 7, .raw = 1}, row, NULL, NULL, &k, mode,
                sl_dice_sum_el, NULL, (sl_rloc){.s = {&si, &s1, &s2}});
    const float I = (float)si.total, A = (float)s1.total, B = (float)s2.total;
    const float den = mode == SL_DICE ? (A + B) + 1e-7f : ((I + A * a->p[0]) + B * a->p[1]) + 1e-7f;
    const float q = mode == SL_DICE ? (2.0f * I) / den : I / den;
    *l0 = 1.0f - q;
    if (!row->grad) return;
    k.q = vf_set1(q);
    k.h = vf_set1(a->gn / den);
    sl_row_pass((sl_rpass){.ld = ld, .out = SL_ROUT_GRAD}, row, NULL, row->grad, &k, mode,
                sl_dice_grad_el, NULL, (sl_rloc){.d = NULL});
}

static void k_dice_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_dice_row, SL_DICE);
}

static void k_tversky_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_dice_row, SL_TVERSKY);
}

#else /* the tests' reference and data (tests/class_spec.h) */

/* Dice (alpha < 0: the dice form) or Tversky in double. The float result's
 * error: the sums' (about an ulp of the sum of |terms|) through the ratio. */
static void sl_overlap_ref(const cr_pos *q, int tversky, cr_res *r, double *grad, double *gmag,
                           double *kink, double *sing)
{
    const size_t C = q->classes;
    const double *x = q->x, *t = q->t;
    const double al = tversky ? (double)q->p->pf[0] : 0.0, be = tversky ? (double)q->p->pf[1] : 0.0;
    cr_acc I = {0, 0}, A = {0, 0}, B = {0, 0};
    double ia = 0, aa = 0, ba = 0;
    for (size_t c = 0; c < C; c++) {
        const double a = tversky ? (1 - x[c]) * t[c] : t[c], b = tversky ? x[c] * (1 - t[c]) : x[c];
        cr_add(&I, t[c] * x[c]), cr_add(&A, a), cr_add(&B, b);
        ia += fabs(t[c] * x[c]), aa += fabs(a), ba += fabs(b);
    }
    const double e = (double)1e-7f, Iv = cr_get(&I);
    const double den =
        tversky ? Iv + al * cr_get(&A) + be * cr_get(&B) + e : cr_get(&A) + cr_get(&B) + e;
    const double num = tversky ? Iv : 2 * Iv, Q = num / den;
    /* |num| and |den| each carry about an ulp of their terms' magnitude */
    const double dmag = tversky ? ia + fabs(al) * aa + fabs(be) * ba + e : aa + ba + e;
    const double qerr = ((tversky ? ia : 2 * ia) + fabs(Q) * dmag) / fabs(den);
    r->value = 1.0 - Q;
    r->mag = 1.0 + fabs(Q) + qerr * (1.0 + sqrt((double)C) / 4.0);
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        const double dd = tversky ? t[k] - al * t[k] + be * (1 - t[k]) : 1.0;
        const double nk = tversky ? t[k] : 2 * t[k];
        if (grad) grad[k] = (Q * dd - nk) / den;
        /* T's error (qerr) and 1 / den's (dmag / |den| relative) */
        if (gmag)
            gmag[k] = (fabs(Q * dd) + fabs(nk) + fabs(dd) * qerr * (1.0 + sqrt((double)C) / 4.0) +
                       (fabs(Q * dd) + fabs(nk)) * dmag / fabs(den)) /
                      fabs(den);
        (void)kink;
        if (sing) sing[k] = fabs(den) / fmax(fabs(dd), 1e-300);
    }
}

static void sl_dice_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag, double *kink,
                        double *sing)
{
    sl_overlap_ref(q, 0, r, grad, gmag, kink, sing);
}

static void sl_tversky_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag, double *kink,
                           double *sing)
{
    sl_overlap_ref(q, 1, r, grad, gmag, kink, sing);
}

/* predictions in [0, 1]; masks of 0 and 1, soft targets, empty masks */
static void sl_overlap_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t,
                           int64_t *y, int64_t *row)
{
    (void)y, (void)row;
    for (size_t c = 0; c < C; c++) {
        x[c] = ts_unit(s);
        t[c] = b->soft ? ts_unit(s) : (double)ts_coin(s, 0.3);
    }
    const double u = ts_unit(s);
    if (u < 0.1) {
        for (size_t c = 0; c < C; c++) t[c] = 0.0;
    } else if (u < 0.2) { /* an exact prediction */
        for (size_t c = 0; c < C; c++) x[c] = t[c];
    } else if (u < 0.3) { /* confident predictions */
        for (size_t c = 0; c < C; c++)
            x[c] = ts_coin(s, 0.5) ? ts_LU(s, 1e-6, 1e-2) : 1 - ts_LU(s, 1e-6, 1e-2);
    }
}

/* 1 - num / den; d/dx = (Q dd - n) / den */
static void sl_overlap_golden(const cr_pos *q, int tversky, double *lt, double *gt)
{
    const size_t C = q->classes;
    const double al = tversky ? (double)q->p->pf[0] : 1, be = tversky ? (double)q->p->pf[1] : 1;
    double num = 0, den = 1e-7, sn = 0, sd = 1e-7;
    for (size_t c = 0; c < C; c++) {
        const double tx = q->t[c] * q->x[c];
        const double a = tversky ? (1 - q->x[c]) * q->t[c] : q->t[c];
        const double b = tversky ? q->x[c] * (1 - q->t[c]) : q->x[c];
        num += tversky ? tx : 2 * tx;
        den += tversky ? tx + al * a + be * b : a + b;
        sn += fabs(tversky ? tx : 2 * tx);
        sd += tversky ? fabs(tx) + fabs(al * a) + fabs(be * b) : fabs(a) + fabs(b);
    }
    if (den == 0) return;
    const double Q = fabs(num / den), e = (sn + Q * sd) / fabs(den);
    *lt = 1 + Q + e;
    for (size_t k = 0; k < C; k++) {
        const double dd =
            tversky ? fabs(q->t[k]) + fabs(al * q->t[k]) + fabs(be * (1 - q->t[k])) : 1;
        /* 1 / den's rounding (sd / |den| ulp) scales the whole difference */
        const double n = (tversky ? 1 : 2) * fabs(q->t[k]);
        gt[k] = ((Q + e) * dd + n + (Q * dd + n) * sd / fabs(den)) / fabs(den);
    }
}

static void sl_dice_golden(const cr_pos *q, double *lt, double *gt)
{
    sl_overlap_golden(q, 0, lt, gt);
}

static void sl_tversky_golden(const cr_pos *q, double *lt, double *gt)
{
    sl_overlap_golden(q, 1, lt, gt);
}

static const cs_branch sl_dice_f32_branches[] = {
    {.label = "masks", .cross = 1},
    {"soft targets", .soft = 1},
};
/* pf: alpha, beta */
static const cs_branch sl_tversky_f32_branches[] = {
    {"alpha=0.5 beta=0.5", .pf = {0.5f, 0.5f}, .cross = 1},
    {"alpha=0.3 beta=0.7 soft", .pf = {0.3f, 0.7f}, .soft = 1},
    {"alpha=0 beta=1", .pf = {0.0f, 1.0f}},
    {"alpha=1 beta=0", .pf = {1.0f, 0.0f}},
    {"alpha=2 beta=0.25 soft", .pf = {2.0f, 0.25f}, .soft = 1},
};

/* Keras 3's formulas evaluated in torch float32, gradients by autograd */
static const double sl_dice_t1[6] = {1, 0, 1, 0, 0, 0};
static const double sl_dice_x1[6] = {0.5, 0.25, 0.75, 0.5, 0.5, 0};
static const double sl_dice_none1[2] = {0.28571427, 1};
static const double sl_dice_g1[6] = {-0.18367347, 0.10204082, -0.18367347, 0, 0, 0};
static const cs_example sl_dice_f32_examples[] = {
    {2, 3, .x = sl_dice_x1, .t = sl_dice_t1, .none = sl_dice_none1, .mean = 0.64285713,
     .gmean = sl_dice_g1, .tol = 2e-6},
};
static const double sl_tversky_none1[2] = {0.28571433, 1};
static const double sl_tversky_g1[6] = {-0.18367347, 0.1020408, -0.18367347, 0, 0, 0};
static const double sl_tversky_none2[2] = {0.16666675, 1};
static const double sl_tversky_g2[6] = {-0.055555582, 0.27777773, -0.055555582, 0, 0, 0};
static const cs_example sl_tversky_f32_examples[] = {
    {2, 3, .pf = {0.5f, 0.5f}, .x = sl_dice_x1, .t = sl_dice_t1, .none = sl_tversky_none1,
     .mean = 0.64285719, .gmean = sl_tversky_g1, .tol = 2e-6},
    {2, 3, .pf = {0.0f, 1.0f}, .x = sl_dice_x1, .t = sl_dice_t1, .none = sl_tversky_none2,
     .mean = 0.58333337, .gmean = sl_tversky_g2, .tol = 2e-6},
};

CS_SPEC(dice_f32, sl_overlap_gen, sl_dice_ref, CS_NONE, sl_dice_f32_examples,
        CS_LEN(sl_dice_f32_examples), sl_dice_golden);
CS_SPEC(tversky_f32, sl_overlap_gen, sl_tversky_ref, CS_NONE, sl_tversky_f32_examples,
        CS_LEN(sl_tversky_f32_examples), sl_tversky_golden);
#endif
#endif
