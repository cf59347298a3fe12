/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keras 3 categorical losses on rows of probabilities p (inner == 1), each
 * row along its classes in the canonical 16 lanes of rows.h, eps = 1e-7:
 *
 *   categorical_crossentropy: t' = t (1 - ls) + ls / C (SL_CE_SMOOTH);
 *     S = sum_c p[c]; o = p / S; oc = clip(o, eps, 1 - eps) (TF's max, then
 *     min); loss = -sum_c t'[c] log oc[c].
 *   categorical_focal: t', S, o, oc as above, q = 1 - oc;
 *     loss = sum_c (q^gamma alpha[c]) ((-t'[c]) log oc[c]).
 *   categorical_hinge: pos = sum_c t[c] p[c]; neg = max_c (1 - t[c]) p[c];
 *     loss = max(neg - pos + 1, 0).
 *
 * Gradients (g = the reduction's factor) follow reverse-mode autodiff of
 * those expressions, g entering first as TensorFlow and torch apply it:
 *   crossentropy: u[c] = ((-g) t'[c]) / oc[c];
 *   focal: u[c] = ((g wf[c]) (-t'[c])) / oc[c]
 *                 - ((g cce[c]) alpha[c]) (gamma q^(gamma - 1))
 *     with wf = q^gamma alpha, cce = (-t') log oc (the second term absent
 *     for gamma = 0);
 *   u[c] = 0 where the clip is active (o outside [eps, 1 - eps]; the clip
 *   passes the gradient at its bounds, as TF's clip_by_value), then
 *   d/dp[k] = (u[k] - sum_c u[c] o[c]) / S.
 *   hinge: with dz = g where neg - pos + 1 >= 0 (TF's maximum passes the
 *   gradient at the tie), else 0, and n the number of classes attaining
 *   neg (reduce_max splits the gradient evenly):
 *     d/dp[c] = (-dz) t[c] + ([c attains neg] dz / n) (1 - t[c]).
 * A row whose loss is NaN (NaN anywhere in its p or t) gets an all-NaN
 * gradient.
 *
 * Row sums follow the canonical order (class c in lane c % 16, lanes
 * combined in the fixed tree): S, the loss and the hinge's pos and count
 * through rows.h's sl_rsum (float lanes per block of 1024 classes);
 * sum u o in double lanes (vacc, the elementwise reduction's accumulator),
 * because its rounding error reaches every gradient element, also those
 * where u[k] and the sum cancel: float lanes gave up to 2.7e-6 of the
 * terms' magnitude at 1000 classes, double lanes 2.8e-7. Both are the same
 * bits on every ISA; for rows of at most 16 classes they are the same sum.
 *
 * Passes per row: S; then the losses, u (stored in the gradient row: each
 * element is read before its own gradient slot is written, so the gradient
 * may alias p or t exactly) and sum u o; then the gradient from u. The
 * hinge: pos and neg; the number of maxima (only when it matters); the
 * gradient.
 *
 * sl_rargs: gn = g; p[0] = alpha (one value for every class), p[1] = gamma,
 * p[2] = 1 - ls, p[3] = ls / C; w = alpha per class (flag SL_CE_W);
 * SL_CE_SMOOTH when ls != 0; the SL_POW_* kind of gamma in the bits at
 * SL_F_POW_SHIFT.
 */
#ifndef SL_KERNELS_CATEGORICAL_H
#define SL_KERNELS_CATEGORICAL_H

#ifdef SL_PLANS /* the plans, compiled once (src/class_entry.c) */

/* MEAN is Keras' sum_over_batch_size: the sum of the row losses divided by
 * batch. Label smoothing as Keras: y_true * (1.0 - label_smoothing) +
 * label_smoothing / num_classes, in float32, only when it is not 0. */
static int sl_plan_categorical(sl_ccall *c, const sl_class_call *q, int id, float ls)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_rargs *a = &c->a;
    a->tf = q->tf;
    a->gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    if (ls != 0.0f && q->classes != 0) {
        a->flags |= SL_CE_SMOOTH;
        a->p[2] = 1.0f - ls;
        a->p[3] = ls / (float)q->classes;
    }
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    return sl_crun(c, &p);
}

static int sl_plan_categorical_crossentropy_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    return sl_plan_categorical(c, q, SL_R_categorical_crossentropy_f32, q->pf[0]);
}

static int sl_plan_categorical_hinge_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    return sl_plan_categorical(c, q, SL_R_categorical_hinge_f32, 0.0f);
}

/* alpha: one value for every class, or one per class (SL_CE_W) */
static int sl_plan_categorical_focal_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const float gamma = q->pf[0];
    sl_rargs *a = &c->a;
    a->p[0] = q->batch > 0 ? q->alpha[0] : 0.0f; /* an empty batch reads nothing */
    a->p[1] = gamma;
    if (q->alpha_len > 1) {
        a->w = q->alpha;
        a->flags |= SL_CE_W;
    }
    a->flags |= sl_pow_flags(gamma);
    return sl_plan_categorical(c, q, SL_R_categorical_focal_f32, q->pf[1]);
}

#elif !defined(SL_SPECS) /* the kernels, compiled per table */

#include "row_driver.h"

/* mode bits of the Keras categorical rows: the loss is focal (its gamma of
 * SL_POW_* kind mode >> SL_CAT_KIND), the caller wants the gradient */
enum { SL_CAT_FOCAL = 1, SL_CAT_GRAD = 2, SL_CAT_KIND = 2 };

/* A row's constants (categorical_crossentropy and _focal; the hinge uses
 * zero, one, neg, ndz, h); sm (smoothing) and av (alpha per class) are
 * tested at run time, as the loops are many already. */
typedef struct {
    vf zero, one, eps, ome, keep, add, gamma, g, alpha, S, A;
    vf neg, ndz, h;
    int sm, av;
} sl_cat_k;

/* pass 1: S = sum_c p[c] (padded lanes hold 0) */
SL_INLINE void sl_cat_sum_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode;
    o->sum[0] = in->x;
}

/* the block pre-loop of pass 2: log oc */
SL_INLINE vf sl_cat_log_el(const void *kv, int mode, vf x)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    (void)mode;
    return vf_log(sl_clip(vf_div(x, k->S), k->eps, k->ome));
}

/* pass 2: the loss terms (sum 0), u (stored), u o (double lanes) */
SL_INLINE void sl_cat_loss_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    const int focal = mode & SL_CAT_FOCAL, gr = mode & SL_CAT_GRAD, kind = mode >> SL_CAT_KIND;
    vf tp = in->t;
    if (k->sm) tp = vf_add(vf_mul(tp, k->keep), k->add);
    const vf ov = vf_div(in->x, k->S);
    const vf oc = sl_clip(ov, k->eps, k->ome);
    const vf lo = in->pre;
    vf term, du = k->zero;
    if (!focal) {
        term = vf_mul(tp, lo);
        if (gr) du = vf_div(vf_mul(vf_neg(k->g), tp), oc);
    } else {
        const vf al = k->av ? in->w : k->alpha;
        const vf q = vf_sub(k->one, oc);
        const vf cce = vf_mul(vf_neg(tp), lo);
        const vf wf = vf_mul(sl_pow_k(q, k->gamma, kind), al);
        term = vf_mul(wf, cce);
        if (gr) {
            du = vf_div(vf_mul(vf_mul(k->g, wf), vf_neg(tp)), oc);
            if (kind != SL_POW_0)
                du = vf_sub(du, vf_mul(vf_mul(vf_mul(k->g, cce), al),
                                       vf_mul(k->gamma, sl_pow_km1(q, k->gamma, kind))));
        }
    }
    o->sum[0] = term;
    if (gr) {
        const vm inside = vm_and(vf_ge(ov, k->eps), vf_le(ov, k->ome));
        o->out = vf_select(inside, du, k->zero);
        o->dsum = vf_mul(o->out, ov);
    }
}

/* pass 3: d/dp = (u - sum u o) / S, u read back from the gradient row */
SL_INLINE void sl_cat_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    (void)mode;
    o->out = vf_div(vf_sub(in->s, k->A), k->S);
}

/* categorical_crossentropy or categorical_focal on one row (mode: SL_CAT_*).
 * Passes: S; the losses, u (stored in the gradient row: each element is read
 * before its own gradient slot is written, so the gradient may alias p or t
 * exactly) and sum u o; the gradient from u. */
SL_INLINE void sl_cat_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    const int gr = mode & SL_CAT_GRAD;
    sl_cat_k k;
    k.zero = vf_set1(0.0f), k.one = vf_set1(1.0f), k.eps = vf_set1(1e-7f);
    k.ome = vf_set1(1.0f - 1e-7f), k.keep = vf_set1(a->p[2]), k.add = vf_set1(a->p[3]);
    k.gamma = vf_set1(a->p[1]), k.g = vf_set1(a->gn), k.alpha = vf_set1(a->p[0]);
    k.sm = (a->flags & SL_CE_SMOOTH) != 0, k.av = (mode & SL_CAT_FOCAL) && (a->flags & SL_CE_W);
    sl_rsum ss, sl;
    sl_rsum_init(&ss);
    sl_row_pass((sl_rpass){.ld = SL_RX, .sums = 1, .raw = 1}, row, NULL, NULL, &k, mode,
                sl_cat_sum_el, NULL, (sl_rloc){.s = {&ss}});
    const float S = (float)ss.total;
    k.S = vf_set1(S);

    vacc su; /* sum u o: double lanes, see the top */
    sl_rsum_init(&sl);
    vacc_zero(&su);
    const unsigned ld = SL_RX | SL_RT | (k.av ? SL_RW : 0);
    sl_row_pass((sl_rpass){.ld = ld,
                           .xpad = 1.0f,
                           .sums = 1,
                           .dsum = gr,
                           .out = gr ? SL_ROUT_SCRATCH : SL_ROUT_NONE,
                           .pre = 1,
                           .unroll = (mode & SL_CAT_FOCAL) != 0},
                row, NULL, row->grad, &k, mode, sl_cat_loss_el, sl_cat_log_el,
                (sl_rloc){.s = {&sl}, .d = &su});
    const float L = mode & SL_CAT_FOCAL ? (float)sl.total : -(float)sl.total;
    *l0 = L;
    if (!gr) return;

    k.A = vf_set1(L != L ? NAN : (float)sl_lanes_total(&su));
    sl_row_pass((sl_rpass){.ld = SL_RS, .out = SL_ROUT_GRAD}, row, (const float *)row->grad,
                row->grad, &k, mode, sl_cat_grad_el, NULL, (sl_rloc){.d = NULL});
}

/* categorical_hinge pass 1: pos (sum 0) and neg (the max); NaN products never
 * win the max (a NaN reaches the loss through pos) */
SL_INLINE void sl_chinge_pn_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    (void)mode;
    o->sum[0] = vf_mul(in->t, in->x);
    o->max = vf_mul(vf_sub(k->one, in->t), in->x);
}

/* pass 2: the number of classes attaining neg */
SL_INLINE void sl_chinge_count_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    (void)mode;
    o->keep = vm_and(in->ok, vf_eq(vf_mul(vf_sub(k->one, in->t), in->x), k->neg));
    o->sum[0] = k->one;
}

/* pass 3: the gradient */
SL_INLINE void sl_chinge_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_cat_k *k = (const sl_cat_k *)kv;
    (void)mode;
    const vf omt = vf_sub(k->one, in->t);
    const vm at = vf_eq(vf_mul(omt, in->x), k->neg);
    o->out = vf_add(vf_mul(k->ndz, in->t), vf_mul(vf_select(at, k->h, k->zero), omt));
}

/* categorical_hinge on one row: pos and neg; the number of maxima (only when
 * it matters); the gradient. */
SL_INLINE void sl_chinge_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    sl_cat_k k;
    k.zero = vf_set1(0.0f), k.one = vf_set1(1.0f);
    sl_rsum sp;
    sl_l16 mx;
    sl_rsum_init(&sp);
    sl_l16_set(&mx, -INFINITY);
    const sl_rpass pn = {.ld = SL_RX | SL_RT, .sums = 1, .max = 1};
    sl_row_pass(pn, row, NULL, NULL, &k, mode, sl_chinge_pn_el, NULL,
                (sl_rloc){.s = {&sp}, .m = &mx});
    const float pos = (float)sp.total, neg = sl_l16_max(&mx);
    const float z = (neg - pos) + 1.0f;
    const float L = z < 0.0f ? 0.0f : z; /* NaN stays */
    *l0 = L;
    if (!row->grad) return;

    const float dz = L != L ? NAN : (z >= 0.0f ? a->gn : 0.0f);
    float h = dz; /* dz / n; with dz = 0 or NaN the count does not matter */
    k.neg = vf_set1(neg);
    if (dz != 0.0f && dz == dz) {
        sl_rsum sn;
        sl_rsum_init(&sn);
        sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT, .sums = 1}, row, NULL, NULL, &k, mode,
                    sl_chinge_count_el, NULL, (sl_rloc){.s = {&sn}});
        h = dz / (float)sn.total;
    }
    k.ndz = vf_set1(-dz), k.h = vf_set1(h);
    sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT, .out = SL_ROUT_GRAD}, row, NULL, row->grad, &k,
                mode, sl_chinge_grad_el, NULL, (sl_rloc){.d = NULL});
}

/* with or without the gradient, each its own loop */
SL_INLINE void sl_cat_rows(const sl_rargs *a, size_t pos, size_t cnt, float *l0, int mode)
{
    if (a->grad)
        sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_cat_row, mode | SL_CAT_GRAD);
    else
        sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_cat_row, mode);
}

static void k_categorical_crossentropy_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0,
                                           float *l1)
{
    (void)l1;
    sl_cat_rows(a, pos, cnt, l0, SL_POW_0 << SL_CAT_KIND);
}

static void k_categorical_focal_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    const int m = SL_CAT_FOCAL;
    switch ((a->flags >> SL_F_POW_SHIFT) & 15) {
    case SL_POW_0: sl_cat_rows(a, pos, cnt, l0, m | SL_POW_0 << SL_CAT_KIND); break;
    case SL_POW_1: sl_cat_rows(a, pos, cnt, l0, m | SL_POW_1 << SL_CAT_KIND); break;
    case SL_POW_2: sl_cat_rows(a, pos, cnt, l0, m | SL_POW_2 << SL_CAT_KIND); break;
    case SL_POW_3: sl_cat_rows(a, pos, cnt, l0, m | SL_POW_3 << SL_CAT_KIND); break;
    default: sl_cat_rows(a, pos, cnt, l0, m | SL_POW_GEN << SL_CAT_KIND); break;
    }
}

static void k_categorical_hinge_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_chinge_row, 0);
}

#else /* the tests' reference and data (tests/class_spec.h) */
/* Keras' float32 constants: eps = 1e-7 and 1 - eps rounded to float; the
 * label smoothing of Keras uses the float32 roundings of 1 - ls and ls / C
 * (Python scalars meeting a float32 tensor) */
static void sl_keras_ce_ref(const cr_pos *q, int focal, double ls, double g, cr_res *r,
                            double *grad, double *gmag, double *kink, double *sing)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const double *x = q->x, *t = q->t;
    const double e = ts_eps7(), ome = ts_one_minus_eps7();
    const double a = (double)(float)(1.0 - ls), b = (double)(float)(ls / (double)C);
    cr_acc Sa = {0, 0}, v = {0, 0}, su = {0, 0};
    for (size_t c = 0; c < C; c++) cr_add(&Sa, x[c]);
    const double S = cr_get(&Sa);
    double mag = 0, sua = 0, dmin = INFINITY, qmin = INFINITY;
    double *u = malloc((C + 1) * sizeof *u), *ua = malloc((C + 1) * sizeof *ua);
    if (!u || !ua) abort();
    for (size_t c = 0; c < C; c++) {
        const double tt = ls != 0.0 ? a * t[c] + b : t[c];
        const double o = x[c] / S;
        const int inside = o >= e && o <= ome;
        const double oc = o < e ? e : (o > ome ? ome : o);
        const double qc = 1.0 - oc, lo = log(oc);
        const double al = focal ? (double)p->alpha[p->alpha_len == 1 ? 0 : c] : 1.0;
        const double f = focal ? pow(qc, g) : 1.0;
        /* relative error of q = 1 - oc from the rounding of oc, in powers of q */
        const double kap = focal ? 1.0 + (g + 1.0) * oc / qc : 1.0;
        const double term = -al * f * tt * lo;
        cr_add(&v, term);
        if (tt != 0.0 && qc < qmin) qmin = qc;
        mag += fabs(term) * kap + fabs(al * f * tt);
        if (inside) {
            const double df = focal ? g * pow(qc, g - 1.0) : 0.0; /* -d f / d o */
            u[c] = al * (df * tt * lo - f * tt / oc);
            ua[c] = fabs(al) * (df * fabs(tt * lo) + f * fabs(tt) / oc) * kap;
        } else {
            u[c] = ua[c] = 0;
        }
        cr_add(&su, u[c] * o);
        sua += ua[c] * fabs(o);
        const double d = fmin(fabs(o - e), fabs(o - ome));
        if (d < dmin) dmin = d;
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        if (grad) grad[k] = (u[k] - cr_get(&su)) / S;
        /* sum_c u[c] o[c] is a float sum over the classes in the library: its
         * rounding grows like sqrt(classes), and d/dp[k] can cancel it */
        if (gmag) gmag[k] = (ua[k] + sua * (1.0 + sqrt((double)C) / 4.0)) / fabs(S);
        /* |d o[c] / d x[k]| <= 1 / S for probabilities */
        if (kink) kink[k] = 0.5 * fabs(S) * dmin;
        if (sing) {
            const double tt = ls != 0.0 ? a * t[k] + b : t[k];
            double sg = fabs(S);
            if (tt != 0.0) sg = fmin(sg, fabs(x[k]));
            /* (1 - o[c])^gamma of every labelled class depends on x[k] through S */
            if (focal) sg = fmin(sg, 0.5 * fabs(S) * qmin);
            sing[k] = sg;
        }
    }
    free(u);
    free(ua);
}

static void sl_categorical_crossentropy_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                            double *kink, double *sing)
{
    sl_keras_ce_ref(q, 0, (double)q->p->pf[0], 0.0, r, grad, gmag, kink, sing);
}

/* pf[0] = gamma, pf[1] = label_smoothing */
static void sl_categorical_focal_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                     double *kink, double *sing)
{
    sl_keras_ce_ref(q, 1, (double)q->p->pf[1], (double)q->p->pf[0], r, grad, gmag, kink, sing);
}

static void sl_categorical_hinge_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                     double *kink, double *sing)
{
    const size_t C = q->classes;
    const double *x = q->x, *t = q->t;
    (void)sing;
    double pos = 0, posa = 0, neg = -INFINITY;
    for (size_t c = 0; c < C; c++) {
        pos += t[c] * x[c];
        posa += fabs(t[c] * x[c]);
        const double v = (1.0 - t[c]) * x[c];
        if (v > neg) neg = v;
    }
    size_t cnt = 0;
    double second = -INFINITY; /* largest value below the maximum */
    for (size_t c = 0; c < C; c++) {
        const double v = (1.0 - t[c]) * x[c];
        if (v == neg)
            cnt++;
        else if (v > second)
            second = v;
    }
    const double z = neg - pos + 1.0;
    r->value = z > 0 ? z : 0.0;
    r->mag = fabs(neg) + posa + 1.0;
    r->div = 1.0;
    for (size_t c = 0; c < C; c++) {
        const double v = (1.0 - t[c]) * x[c], om = 1.0 - t[c];
        if (grad) grad[c] = z >= 0 ? -t[c] + (v == neg ? om / (double)cnt : 0.0) : 0.0;
        if (gmag) gmag[c] = fabs(t[c]) + fabs(om);
        if (kink) {
            double gap = INFINITY;
            if (om != 0.0) {
                if (v == neg)
                    gap = cnt > 1 ? 0.0 : (neg - second) / fabs(om);
                else
                    gap = (neg - v) / fabs(om);
            }
            kink[c] = fmin(fabs(z), gap);
        }
    }
}

/* probabilities and one-hot or (b->soft) mostly soft targets */
static void sl_categorical_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t,
                               int64_t *y, int64_t *row)
{
    (void)y, (void)row;
    cs_gen_probs(s, x, C);
    cs_gen_onehot(s, t, C, b->soft && ts_coin(s, 0.7));
}

/* scores on the 2^-10 grid; exact ties of the maximum and z = 0 exactly */
static void sl_categorical_hinge_gen(const cs_branch *b, size_t C, uint64_t *s, double *x,
                                     double *t, int64_t *y, int64_t *row)
{
    (void)row;
    for (size_t c = 0; c < C; c++) x[c] = cs_Q(ts_U(s, -2, 2));
    if (b->soft && ts_coin(s, 0.8)) { /* a few entries on a 1/8 grid */
        const size_t nz = 1 + cs_R(s, C < 3 ? C : 3);
        for (size_t j = 0; j < nz; j++) t[cs_R(s, C)] = (double)(1 + cs_R(s, 8)) / 8.0;
    } else {
        t[*y] = 1.0;
    }
    const double u = ts_unit(s);
    if (u < 0.15 && C > 2) { /* a tie in the maximum */
        size_t a = 0;
        for (size_t c = 1; c < C; c++)
            if ((1 - t[c]) * x[c] > (1 - t[a]) * x[a]) a = c;
        const size_t o = cs_R(s, C);
        if (t[o] == 0.0 && t[a] == 0.0) x[o] = x[a];
    } else if (u < 0.3) { /* z = neg - pos + 1 exactly 0 (one-hot) */
        double neg = -INFINITY;
        int onehot = 1;
        for (size_t c = 0; c < C; c++) {
            neg = fmax(neg, (1 - t[c]) * x[c]);
            if (t[c] != 0.0 && t[c] != 1.0) onehot = 0;
        }
        if (onehot && t[*y] == 1.0) x[*y] = neg + 1.0;
    }
}

/* o = p / S, oc = clip(o, e, 1 - e); loss = sum_c f_c(oc_c);
 * d/dp_k = (u_k - sum_c u_c o_c) / S. Terms |u_k| and |u_c| o_c. The focal
 * u_c carries a relative error of about (g + 1) oc / q ulp from q = 1 - oc
 * (a_c below); u_k's own error enters the gradient as u_k (1 - o_k), not
 * twice. */
static void sl_keras_ce_golden(const cr_pos *q, int focal, double eps, double g, double *lt,
                               double *gt)
{
    const size_t C = q->classes;
    const cr_params *p = q->p;
    const double *x = q->x, *t = q->t;
    const double e = 1e-7f, ome = 1.0f - 1e-7f;
    double S = 0, G = 0;
    int fin = 1;
    for (size_t k = 0; k < C; k++) {
        S += x[k];
        fin &= isfinite(x[k]) && isfinite(t[k]);
    }
    if (!fin || S == 0) return;
    double *u = malloc((C + 1) * sizeof *u), *au = malloc((C + 1) * sizeof *au);
    if (!u || !au) abort();
    for (size_t k = 0; k < C; k++) {
        const double o = x[k] / S, oc = fmin(fmax(o, e), ome), qk = 1 - oc;
        const double tp = fabs((1 - eps) * t[k] + eps / (double)C);
        const double lg = fabs(log(oc));
        double uk;
        au[k] = 0;
        if (!focal) {
            *lt += tp * (lg + 1);
            uk = tp / oc;
        } else {
            /* the focal factor (1 - oc)^g: relative error g oc / q ulp */
            const double A = fabs((double)p->alpha[p->alpha_len == 1 ? 0 : k]) * tp;
            *lt += A * pow(qk, g) * (lg + 1) * (1 + g * oc / qk);
            uk = A * ((g > 0 ? g * pow(qk, g - 1) * lg : 0) + pow(qk, g) / oc);
            au[k] = (g + 1) * oc / qk;
        }
        u[k] = (o >= e && o <= ome) ? uk : 0;
        G += u[k] * fabs(o) * (1 + au[k]);
    }
    for (size_t k = 0; k < C; k++) {
        const double o = fabs(x[k] / S);
        gt[k] = (u[k] * (1 + au[k] * fabs(1 - o)) + G - u[k] * o * au[k]) / fabs(S);
    }
    free(u), free(au);
}

static void sl_categorical_crossentropy_golden(const cr_pos *q, double *lt, double *gt)
{
    sl_keras_ce_golden(q, 0, q->p->pf[0], 0.0, lt, gt);
}

static void sl_categorical_focal_golden(const cr_pos *q, double *lt, double *gt)
{
    sl_keras_ce_golden(q, 1, q->p->pf[1], q->p->pf[0], lt, gt);
}

/* loss = max(neg - pos + 1, 0); d/dp_c = -t_c + (1 - t_c)[max] / count */
static void sl_categorical_hinge_golden(const cr_pos *q, double *lt, double *gt)
{
    const double *x = q->x, *t = q->t;
    double neg = 0;
    *lt = 1;
    for (size_t k = 0; k < q->classes; k++) {
        *lt += fabs(t[k] * x[k]);
        neg = fmax(neg, fabs((1 - t[k]) * x[k]));
        gt[k] = fabs(t[k]) + fabs(1 - t[k]);
    }
    *lt += neg;
}

/* cross: 1 also in the cross-ISA test, 2 only there */
static const cs_branch sl_categorical_crossentropy_f32_branches[] = {
    {"ls=0", .pf = {0.0f}, .cross = 1},
    {"ls=0.1", .pf = {0.1f}},
    {"soft targets ls=0", .pf = {0.0f}, .soft = 1},
    {"soft targets ls=0.5", .pf = {0.5f}, .soft = 1},
    {"ls=0.2", .pf = {0.2f}, .cross = 2},
};
static const cs_branch sl_categorical_hinge_f32_branches[] = {
    {.label = "one-hot targets"},
    {"soft targets", .soft = 1, .cross = 1},
};
/* pf: gamma, label_smoothing */
static const cs_branch sl_categorical_focal_f32_branches[] = {
    {"alpha=0.25 gamma=2", .pf = {2.0f, 0.0f}, .alpha = 0.25f, .cross = 1},
    {"alpha per class gamma=1.5 ls=0.2", .pf = {1.5f, 0.2f}, .alpha_per_class = 1},
    {"alpha=1 gamma=0", .pf = {0.0f, 0.0f}, .alpha = 1.0f, .cross = 1},
    {"alpha=0.25 gamma=0.5 ls=0.1 soft", .pf = {0.5f, 0.1f}, .alpha = 0.25f, .soft = 1},
    {"alpha per class gamma=3 soft", .pf = {3.0f, 0.0f}, .alpha_per_class = 1, .soft = 1},
    {"alpha=0.5 gamma=1 ls=1", .pf = {1.0f, 1.0f}, .alpha = 0.5f},
    {"alpha per class gamma=1.5 ls=0.1", .pf = {1.5f, 0.1f}, .alpha_per_class = 1, .cross = 2},
    {"alpha=0.5 gamma=0.5", .pf = {0.5f, 0.0f}, .alpha = 0.5f, .cross = 2},
};

/* Keras 3 (printed float32 values) */
static const double sl_cat_t3[9] = {0, 1, 0, 0, 0, 1, 1, 0, 0};
static const double sl_cat_p3[9] = {0.050000001, 0.94999999, 0,          0.1, 0.80000001,
                                    0.1,         0.2,        0.30000001, 0.5};
static const double sl_cce_none1[3] = {0.051293306, 2.3025851, 1.6094379};
static const double sl_cce_g1[9] = {0.33333334, -0.017543852, 0.33333334, 0.33333334, 0.33333334,
                                    -3.0000002, -1.3333334,   0.33333334, 0.33333334};
static const double sl_cce_none2[3] = {0.68500137, 2.2332704, 1.5653794};
static const double sl_cce_g2[9] = {0.099999994, -0.0052631497, 0.32222223, 0.22222222, 0.31944445,
                                    -2.7777779,  -1.2222222,    0.2962963,  0.31111112};
static const double sl_cce_t4[2] = {1, 0}, sl_cce_p4[2] = {1, 0};
static const double sl_cce_none4[1] = {1.1920929e-07}, sl_cce_g4[2] = {0, 0};
static const cs_example sl_categorical_crossentropy_f32_examples[] = {
    {3, 3, .pf = {0.0f}, .x = sl_cat_p3, .t = sl_cat_t3, .none = sl_cce_none1, .mean = 1.3211055,
     .gmean = sl_cce_g1, .tol = 2e-6},
    {3, 3, .pf = {0.1f}, .x = sl_cat_p3, .t = sl_cat_t3, .none = sl_cce_none2, .mean = 1.4945503,
     .gmean = sl_cce_g2, .tol = 2e-6},
    {1, 2, .pf = {0.0f}, .x = sl_cce_p4, .t = sl_cce_t4, .none = sl_cce_none4, .mean = NAN,
     .gmean = sl_cce_g4, .tol = 1e-6},
};
static const double sl_chinge_t1[9] = {0, 1, 0, 1, 0, 0, 0, 0, 1};
static const double sl_chinge_p1[9] = {0.30000001, 0.5, 0.89999998, 2,  0.1,
                                       0.40000001, 0.5, -0.5,       0.2};
static const double sl_chinge_none1[3] = {1.4, 0, 1.3};
static const double sl_chinge_g1[9] = {0, -0.33333334, 0.33333334, 0,          0,
                                       0, 0.33333334,  0,          -0.33333334};
static const double sl_chinge_t2[3] = {1, 0, 0}, sl_chinge_p2[3] = {0.2, 0.69999999, 0.69999999};
static const double sl_chinge_none2[1] = {1.5}, sl_chinge_g2[3] = {-1, 0.5, 0.5};
static const double sl_chinge_t3[6] = {0, 1, 0, 0, 0, 1};
static const double sl_chinge_p3[6] = {-0.5, 0.40000001, -1, -0.2, -0.30000001, 2};
static const double sl_chinge_none3[2] = {0.60000002, 0}, sl_chinge_g3[6] = {0, -0.5, 0, 0, 0, 0};
static const cs_example sl_categorical_hinge_f32_examples[] = {
    {3, 3, .x = sl_chinge_p1, .t = sl_chinge_t1, .none = sl_chinge_none1, .mean = 0.89999992,
     .gmean = sl_chinge_g1, .tol = 2e-6},
    {1, 3, .x = sl_chinge_p2, .t = sl_chinge_t2, .none = sl_chinge_none2, .mean = 1.5,
     .gmean = sl_chinge_g2, .tol = 2e-6},
    {2, 3, .x = sl_chinge_p3, .t = sl_chinge_t3, .none = sl_chinge_none3, .mean = 0.30000001,
     .gmean = sl_chinge_g3, .tol = 2e-6},
};
static const float sl_cfocal_a1 = 0.25f, sl_cfocal_a2 = 0.5f;
static const double sl_cfocal_none1[3] = {3.2058331e-05, 0.46627346, 0.2575101};
static const double sl_cfocal_g1[9] = {0.00061440555, -3.233715e-05, 0.00061440555,
                                       0.10203878,    0.10203878,    -0.91834897,
                                       -0.38500673,   0.096251689,   0.096251689};
static const double sl_cfocal_none2[3] = {0.6299811, 0.91812336, 0.53070819};
static const double sl_cfocal_g2[9] = {-0.23773305, 0.012512266, 0.016697267,
                                       0.054834545, 0.18320447,  -1.5204703,
                                       -0.64338511, 0.14681239,  0.16926663};
static const cs_example sl_categorical_focal_f32_examples[] = {
    {3, 3, .alpha = &sl_cfocal_a1, .alpha_len = 1, .pf = {2.0f, 0.0f}, .x = sl_cat_p3,
     .t = sl_cat_t3, .none = sl_cfocal_none1, .mean = 0.24127187, .gmean = sl_cfocal_g1,
     .tol = 2e-6},
    {3, 3, .alpha = &sl_cfocal_a2, .alpha_len = 1, .pf = {1.5f, 0.2f}, .x = sl_cat_p3,
     .t = sl_cat_t3, .none = sl_cfocal_none2, .mean = 0.69293755, .gmean = sl_cfocal_g2,
     .tol = 2e-6},
};

CS_SPEC(categorical_crossentropy_f32, sl_categorical_gen, sl_categorical_crossentropy_ref, CS_NONE,
        sl_categorical_crossentropy_f32_examples, CS_LEN(sl_categorical_crossentropy_f32_examples),
        sl_categorical_crossentropy_golden);
CS_SPEC(categorical_hinge_f32, sl_categorical_hinge_gen, sl_categorical_hinge_ref, CS_NONE,
        sl_categorical_hinge_f32_examples, CS_LEN(sl_categorical_hinge_f32_examples),
        sl_categorical_hinge_golden);
CS_SPEC(categorical_focal_f32, sl_categorical_gen, sl_categorical_focal_ref, CS_NONE,
        sl_categorical_focal_f32_examples, CS_LEN(sl_categorical_focal_f32_examples),
        sl_categorical_focal_golden);
#endif
#endif
