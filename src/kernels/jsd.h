/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Liger-Kernel's generalised Jensen-Shannon divergence (LigerJSD) on rows of
 * log-probabilities: X the student's (input), Y the teacher's (target),
 * Q = exp(X), P = exp(Y), beta in [0, 1]; per element, in Liger's order:
 *   beta = 0 (forward KL(P || Q)): loss = P (Y - X),        dX = -P;
 *   beta = 1 (reverse KL(Q || P)): loss = Q (X - Y),        dX = loss + Q;
 *   otherwise, with bP = beta P, qQ = (1 - beta) Q, M = bP + qQ:
 *     loss = (bP Y + qQ X) - M log M,                        dX = qQ (X - log M)
 *   (= beta KL(P || M) + (1 - beta) KL(Q || M)).
 * A row's loss is the sum over its classes; the gradient is dX g, g the
 * reduction's factor. Rows whose label equals ignore_index (labels may be
 * NULL: none) have loss 0 and a zero gradient; MEAN divides by the rows kept
 * and is 0 when none is (Liger's 1 / n_non_ignore, its loss 0 then).
 *
 * One departure: a product of a probability that is exactly 0 (underflow, or
 * a -inf log-probability) with a logarithm is taken as 0, its limit, where
 * Liger computes 0 * (-inf) = NaN (M log M with M = 0, P Y with Y = -inf, the
 * gradient's qQ (X - log M)). Log-probabilities below -103 underflow in
 * float32 and are common in large vocabularies. NaN inputs still give NaN.
 *
 * One pass per row: both exponentials (and log M) per element, the loss
 * terms summed in the canonical lanes, the gradient stored.
 */
#ifndef SL_KERNELS_JSD_H
#define SL_KERNELS_JSD_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

/* wsum: the number of rows kept (sl_class counts the labels) */
static int sl_plan_jsd_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    const sl_rkernel k = sl_rkernel_of(c, SL_R_jsd_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_rargs *a = &c->a;
    a->tf = q->tf;
    a->ti = q->rl;
    a->ignore = q->ignore;
    a->p[0] = q->pf[0];
    const double kept = q->batch == 0 ? 0.0 : (wsum > 0.0 ? wsum : 1.0); /* 0 / 1 = 0 */
    a->gn = c->red == SIMDLOSS_MEAN && wsum > 0.0 ? (float)(1.0 / wsum) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, kept, 1.0, 0};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

enum { SL_JSD_FORWARD, SL_JSD_REVERSE, SL_JSD_MIX };

typedef struct {
    vf zero, beta, omb;
} sl_jsd_k;

/* a p that is exactly 0 times v: 0 (the limit of p log p) */
SL_INLINE vf sl_jsd_plog(vf p, vf v, vf zero)
{
    return vf_select(vf_eq(p, zero), zero, vf_mul(p, v));
}

SL_INLINE void sl_jsd_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_jsd_k *k = (const sl_jsd_k *)kv;
    const vf X = in->x, Y = in->t, z = k->zero;
    if (mode == SL_JSD_FORWARD) {
        const vf P = vf_exp(Y);
        o->sum[0] = sl_jsd_plog(P, vf_sub(Y, X), z);
        o->out = vf_neg(P);
    } else if (mode == SL_JSD_REVERSE) {
        const vf Q = vf_exp(X);
        const vf l = sl_jsd_plog(Q, vf_sub(X, Y), z);
        o->sum[0] = l;
        o->out = vf_add(l, Q);
    } else {
        const vf bP = vf_mul(k->beta, vf_exp(Y)), qQ = vf_mul(k->omb, vf_exp(X));
        const vf M = vf_add(bP, qQ), lM = vf_log(M);
        o->sum[0] =
            vf_sub(vf_add(sl_jsd_plog(bP, Y, z), sl_jsd_plog(qQ, X, z)), sl_jsd_plog(M, lM, z));
        o->out = sl_jsd_plog(qQ, vf_sub(X, lM), z);
    }
}

SL_INLINE void sl_jsd_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    sl_jsd_k k;
    k.zero = vf_set1(0.0f), k.beta = vf_set1(a->p[0]), k.omb = vf_set1(1.0f - a->p[0]);
    sl_rsum s;
    sl_rsum_init(&s);
    /* pads: X = Y = 0 give P = Q = 1 and terms of 0 (the sum is masked anyway) */
    if (row->grad)
        sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT, .sums = 1, .out = SL_ROUT_GRAD, .gmul = 1}, row,
                    NULL, row->grad, &k, mode, sl_jsd_el, NULL, (sl_rloc){.s = {&s}});
    else
        sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT, .sums = 1}, row, NULL, NULL, &k, mode,
                    sl_jsd_el, NULL, (sl_rloc){.s = {&s}});
    *l0 = (float)s.total;
}

SL_INLINE void sl_jsd_rows(const sl_rargs *a, size_t pos, size_t cnt, float *l0, int mode)
{
    for (size_t r = 0; r < cnt; r++) {
        const sl_row row = sl_row_at(a, pos + r, SL_RT_FLOAT, 0);
        if (a->ti && a->ti[pos + r] == a->ignore) {
            l0[r] = 0.0f;
            if (row.grad) memset(row.grad, 0, a->classes * sizeof(float));
            continue;
        }
        sl_jsd_row(a, &row, l0 + r, mode);
    }
}

static void k_jsd_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    if (a->p[0] == 0.0f)
        sl_jsd_rows(a, pos, cnt, l0, SL_JSD_FORWARD);
    else if (a->p[0] == 1.0f)
        sl_jsd_rows(a, pos, cnt, l0, SL_JSD_REVERSE);
    else
        sl_jsd_rows(a, pos, cnt, l0, SL_JSD_MIX);
}

#else /* the tests' reference and data (tests/class_spec.h) */

/* x log-like products with the limit 0 at p = 0, in double */
static double sl_jsd_pl(double p, double v) { return p == 0.0 ? 0.0 : p * v; }

static void sl_jsd_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag, double *kink,
                       double *sing)
{
    const size_t C = q->classes;
    const double b = (double)q->p->pf[0];
    (void)kink, (void)sing;
    if (q->ti && q->ti[0] == q->p->ignore_index) {
        r->value = 0, r->mag = 0, r->div = 0;
        cr_fill(grad, C, 0.0), cr_fill(gmag, C, 0.0);
        return;
    }
    cr_acc v = {0, 0};
    double mag = 0;
    for (size_t c = 0; c < C; c++) {
        const double X = q->x[c], Y = q->t[c], Q = exp(X), P = exp(Y);
        double term, d, tm, gm;
        if (b == 0.0) {
            term = sl_jsd_pl(P, Y - X), d = -P;
            tm = P * (fabs(Y) + fabs(X)) * (1 + fabs(Y)), gm = P * (1 + fabs(Y));
        } else if (b == 1.0) {
            term = sl_jsd_pl(Q, X - Y), d = term + Q;
            tm = Q * (fabs(Y) + fabs(X)) * (1 + fabs(X)),
            gm = Q * (1 + fabs(X)) * (2 + fabs(X - Y));
        } else {
            const double bP = b * P, qQ = (1 - b) * Q, M = bP + qQ, lM = log(M);
            term = sl_jsd_pl(bP, Y) + sl_jsd_pl(qQ, X) - sl_jsd_pl(M, lM);
            d = sl_jsd_pl(qQ, X - lM);
            /* the exponentials' relative errors are their arguments' ulps */
            tm = (bP * fabs(Y) * (1 + fabs(Y)) + qQ * fabs(X) * (1 + fabs(X)) +
                  M * (1 + fabs(lM)) * (1 + fabs(X) + fabs(Y)));
            gm = qQ * (fabs(X) + fabs(lM) + 1) * (2 + fabs(X) + fabs(Y));
        }
        cr_add(&v, term);
        mag += tm;
        if (grad) grad[c] = d;
        if (gmag) gmag[c] = gm;
    }
    r->value = cr_get(&v);
    r->mag = mag + 1e-30;
    r->div = 1.0;
}

/* log-probabilities: log-softmax of logits; the teacher's independent, close
 * or the same; some far below -103 (exp underflows to 0 in float) */
static void sl_jsd_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t, int64_t *y,
                       int64_t *row)
{
    (void)b, (void)y, (void)row;
    cs_gen_logits(s, x, C);
    const double u = ts_unit(s);
    if (u < 0.6)
        cs_gen_logits(s, t, C);
    else
        for (size_t c = 0; c < C; c++) t[c] = x[c] + (u < 0.9 ? 0.5 * ts_N(s) : 0.0);
    for (int pass = 0; pass < 2; pass++) {
        double *v = pass ? t : x, m, S;
        cr_lse(v, C, &m, &S);
        const double L = m + log(S);
        for (size_t c = 0; c < C; c++) v[c] = (double)(float)(v[c] - L);
    }
}

/* the reference's magnitudes, element by element: a non-finite element
 * (-inf: the limit rule, NaN) leaves the others' terms counted */
static void sl_jsd_golden(const cr_pos *q, double *lt, double *gt)
{
    if (q->ti && q->ti[0] == q->p->ignore_index) return;
    for (size_t c = 0; c < q->classes; c++) {
        if (!isfinite(q->x[c]) || !isfinite(q->t[c])) continue;
        const cr_pos one = {1, q->p, q->x + c, q->t + c, NULL};
        cr_res r;
        sl_jsd_ref(&one, &r, NULL, gt + c, NULL, NULL);
        *lt += r.mag;
    }
}

/* pf: beta */
static const cs_branch sl_jsd_f32_branches[] = {
    {"beta=0.5", .pf = {0.5f}, .ignore_index = -100, .cross = 1},
    {"beta=0 (forward KL)", .pf = {0.0f}, .ignore_index = -100},
    {"beta=1 (reverse KL), 20% ignored", .pf = {1.0f}, .ignore_index = 3, .ignore_frac = 0.2},
    {"beta=0.1, 30% ignored", .pf = {0.1f}, .ignore_index = -100, .ignore_frac = 0.3},
};

/* Liger-Kernel's torch reference (test/transformers/test_jsd.py's JSD module:
 * beta KL(P || M) + (1 - beta) KL(Q || M) with torch.lerp for M, KLDivLoss
 * with log_target) in torch 1.13 float32, gradients by autograd */
static const double sl_jsd_x1[6] = {-0.40760595, -1.4076059, -2.4076059,
                                    -1.0986123,  -1.0986123, -1.0986123};
static const double sl_jsd_t1[6] = {-2.4076059,  -1.4076059, -0.40760595,
                                    -0.55144465, -1.5514446, -1.5514446};
static const double sl_jsd_none1[2] = {0.24758807, 0.030027693};
static const double sl_jsd_g1[6] = {0.094168052,  0,           -0.032271028,
                                    -0.025879178, 0.016750015, 0.016750015};
static const double sl_jsd_none2[2] = {1.1504209, 0.12328455};
static const double sl_jsd_g2[6] = {-0.04501529, -0.12236425, -0.3326205,
                                    -0.28805846, -0.10597079, -0.10597079};
static const double sl_jsd_none3[2] = {1.1504209, 0.11949898};
static const double sl_jsd_g3[6] = {0.9978615,   0.12236425, -0.04501529,
                                    0.075472049, 0.24213871, 0.24213871};
static const cs_example sl_jsd_f32_examples[] = {
    {2, 3, .pf = {0.5f}, .ignore_index = -100, .x = sl_jsd_x1, .t = sl_jsd_t1, .none = sl_jsd_none1,
     .mean = 0.13880788, .gmean = sl_jsd_g1, .tol = 2e-6},
    {2, 3, .pf = {0.0f}, .ignore_index = -100, .x = sl_jsd_x1, .t = sl_jsd_t1, .none = sl_jsd_none2,
     .mean = 0.63685274, .gmean = sl_jsd_g2, .tol = 2e-6},
    {2, 3, .pf = {1.0f}, .ignore_index = -100, .x = sl_jsd_x1, .t = sl_jsd_t1, .none = sl_jsd_none3,
     .mean = 0.63495994, .gmean = sl_jsd_g3, .tol = 2e-6},
};

CS_SPEC(jsd_f32, sl_jsd_gen, sl_jsd_ref, CS_NONE, sl_jsd_f32_examples, CS_LEN(sl_jsd_f32_examples),
        sl_jsd_golden);
#endif
#endif
