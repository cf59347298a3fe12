/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The margin losses over rows of `classes` values (inner == 1), PyTorch 1.13
 * semantics. Every row runs along its classes in the canonical 16 lanes of
 * rows.h (class c in lane c % 16, float lanes within blocks of SL_RBLOCK
 * classes, blocks added in double); a row's loss is that total divided by C
 * in double and rounded once. g = sl_rargs.gn is PyTorch's gradient factor
 * (float)(1 / C), or (float)(1 / (batch C)) for MEAN, formed in double.
 *
 * multi_margin (target y, margin m = p[0], w = w[y], 1 without weights):
 *   z[j] = (m - x[y]) + x[j];  h[j] = w max(0, z[j])^p  (j != y);
 *   loss = sum_j h[j] / C;
 *   d/dx[j] = w (p == 1 ? g : 2 g z[j]) where z[j] > 0 (strict), else 0;
 *   d/dx[y] = -(canonical sum of the d/dx[j]).
 * multilabel_margin (labels: the row's targets before the first -1,
 * duplicates included; "is target" mask T in scratch[0, C), gradient counts
 * in scratch[C, 2C)):
 *   loss = sum_{label j} sum_{k, T[k] = 0} max(0, (1 - x[j]) + x[k]) / C,
 *   one canonical row pass over k per label, passes added in label order;
 *   d/dx[k] = g (number of active pairs (j, k)) for T[k] = 0,
 *   d/dx[j] = -g (number of active pairs (j, k)) for a label j,
 *   a pair being active when its z > 0 (strict).
 * multilabel_soft_margin (targets t, weights w[c], ones without):
 *   e = exp(-|x|), L = log1p(e), logsig(x) = min(x, 0) - L,
 *   logsig(-x) = min(-x, 0) - L;
 *   loss = sum_c w[c] (-(t logsig(x) + (1 - t) logsig(-x))) / C;
 *   with q = 1 / (1 + e), r = e / (1 + e): sigmoid(x) = x >= 0 ? q : r,
 *   sigmoid(-x) the other one;
 *   d/dx[c] = (((1 - t) sigmoid(x) - t sigmoid(-x)) w[c]) g
 *   (= w[c] (sigmoid(x) - t) g, without cancellation when t is 0 or 1).
 *
 * NaN: a NaN input reaches the row's loss and every gradient element whose
 * formula reads it (z = NaN fails the test z > 0, so it is passed on
 * explicitly where an input of z is NaN); a z that is NaN from inf - inf
 * alone fails the test as in PyTorch: no term. A row without terms
 * (multi_margin with C == 1, multilabel_margin without labels or with every
 * class labelled) has loss 0 and gradient 0 whatever x holds.
 * In place: a row's gradient is written only after every input value it
 * depends on has been read (x[y] and x[j] first; multilabel_margin writes
 * the row at the end; the others store each group of 16 after loading it).
 *
 * sl_rargs: p[0] = margin, gn = g; flags: SL_MM_P2 (multi_margin p == 2),
 * SL_MM_NOLOSS (the caller wants no loss: l0 gets zeros).
 */
#ifndef SL_KERNELS_MARGIN_H
#define SL_KERNELS_MARGIN_H

#ifdef SL_PLANS /* the plans, compiled once (src/class_entry.c) */

/* What the three share: MEAN divides the sum of the row losses by batch;
 * the gradient factor is PyTorch's g = 1 / C (1 / (batch C) for MEAN),
 * formed in double and rounded once. */
static int sl_plan_margin(sl_ccall *c, const sl_class_call *q, int id)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_rargs *a = &c->a;
    if (c->npos > 0)
        a->gn = (float)(c->red == SIMDLOSS_MEAN ? 1.0 / ((double)c->npos * (double)a->classes)
                                                : 1.0 / (double)a->classes);
    if (!q->loss) a->flags |= SL_MM_NOLOSS;
    sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    if (id == SL_R_multilabel_margin_f32)
        p.scratch = sl_scratch(2, a->classes); /* label mask, counts */
    return sl_crun(c, &p);
}

static int sl_plan_multi_margin_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    c->a.ti = q->ti;
    c->a.w = q->w;
    c->a.p[0] = q->pf[0]; /* margin */
    c->a.flags = q->pi[0] == 2 ? SL_MM_P2 : 0;
    return sl_plan_margin(c, q, SL_R_multi_margin_f32);
}

static int sl_plan_multilabel_margin_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    c->a.ti = q->tl;
    return sl_plan_margin(c, q, SL_R_multilabel_margin_f32);
}

static int sl_plan_multilabel_soft_margin_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    c->a.tf = q->tf;
    c->a.w = q->w;
    return sl_plan_margin(c, q, SL_R_multilabel_soft_margin_f32);
}

#elif !defined(SL_SPECS) /* the kernels, compiled per table */

#include "row_driver.h"

/* d where z > 0, else 0; z (NaN) where nan_in: an input of z is NaN. */
SL_INLINE vf sl_mm_active(vf z, vm nan_in, vf d)
{
    const vf zero = vf_set1(0.0f);
    return vf_select(nan_in, z, vf_select(vf_gt(z, zero), d, zero));
}

/* mode bits of the margin rows: the loss is wanted, the gradient is wanted,
 * multi_margin's p == 2, multilabel_soft_margin's weights */
enum { SL_MG_LOSS = 1, SL_MG_GRAD = 2, SL_MG_P2 = 4, SL_MG_W = 8 };

/* The mode of a call: a loss unless only the gradient is wanted. */
SL_INLINE int sl_mg_mode(const sl_rargs *a)
{
    const int gr = a->grad != NULL;
    return (gr ? SL_MG_GRAD : 0) | (!gr || !(a->flags & SL_MM_NOLOSS) ? SL_MG_LOSS : 0);
}

/* A row's constants. */
typedef struct {
    vf zero, one, base, wv, h1, g2;
    vm nan0; /* the input of z fixed for the row (x[y], x[j]) is NaN */
} sl_mg_k;

/* ---- multi_margin ---------------------------------------------------------- */

/* z[j] = (m - x[y]) + x[j] over j != y: the loss terms (sum 0), the
 * gradient (sum 1, stored) */
SL_INLINE void sl_mm_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_mg_k *k = (const sl_mg_k *)kv;
    const vf z = vf_add(k->base, in->x);
    const vm nan_in = vm_or(k->nan0, vf_isnan(in->x));
    o->keep = in->ok_y;
    if (mode & SL_MG_LOSS) {
        vf h = sl_mm_active(z, nan_in, z);
        if (mode & SL_MG_P2) h = vf_mul(h, h);
        o->sum[0] = vf_mul(h, k->wv);
    }
    if (mode & SL_MG_GRAD) {
        const vf d =
            sl_mm_active(z, nan_in, mode & SL_MG_P2 ? vf_mul(vf_mul(k->g2, z), k->wv) : k->h1);
        o->sum[1] = d;
        o->out = vf_select(o->keep, d, k->zero);
    }
}

SL_INLINE void sl_mm_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    const size_t C = row->C, y = row->y;
    const float xy = ((const float *)row->x)[y];
    const float wy = a->w ? a->w[y] : 1.0f;
    const float g = row->g;
    sl_mg_k k;
    k.zero = vf_set1(0.0f), k.base = vf_set1(a->p[0] - xy), k.wv = vf_set1(wy);
    k.h1 = vf_set1(g * wy), k.g2 = vf_set1(2.0f * g);
    k.nan0 = vf_isnan(vf_set1(xy));
    sl_rsum s, sg;
    sl_rsum_init(&s);
    sl_rsum_init(&sg);
    const int lo = mode & SL_MG_LOSS, gr = mode & SL_MG_GRAD;
    sl_row_pass((sl_rpass){.ld = SL_RX,
                           .sums = (lo ? 1u : 0u) | (gr ? 2u : 0u),
                           .at_y = 1,
                           .out = gr ? SL_ROUT_GRAD : SL_ROUT_NONE},
                row, NULL, row->grad, &k, mode, sl_mm_el, NULL, (sl_rloc){.s = {&s, &sg}});
    *l0 = lo ? (float)(s.total / (double)C) : 0.0f;
    /* +0 when nothing is active, as PyTorch */
    if (gr) ((float *)row->grad)[y] = sl_canon1(0.0f - (float)sg.total);
}

static void k_multi_margin_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    const int p2 = (a->flags & SL_MM_P2) != 0;
    switch (sl_mg_mode(a) | (p2 ? SL_MG_P2 : 0)) {
    case SL_MG_LOSS: sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_LOSS); break;
    case SL_MG_GRAD: sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_GRAD); break;
    case SL_MG_LOSS | SL_MG_GRAD:
        sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_LOSS | SL_MG_GRAD);
        break;
    case SL_MG_P2 | SL_MG_LOSS:
        sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_P2 | SL_MG_LOSS);
        break;
    case SL_MG_P2 | SL_MG_GRAD:
        sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_P2 | SL_MG_GRAD);
        break;
    default:
        sl_rows(a, pos, cnt, l0, SL_RT_INDEX, 0, sl_mm_row, SL_MG_P2 | SL_MG_LOSS | SL_MG_GRAD);
        break;
    }
}

/* ---- multilabel_margin ------------------------------------------------------- */

/* One label j's pass over the classes k that are not labels (the target
 * stream is the is-target mask, padded with 1: padding counts as a label):
 * the loss terms (sum 0), the active pairs (sum 1) added to the counts (the
 * scratch row, stored back) */
SL_INLINE void sl_mlm_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_mg_k *k = (const sl_mg_k *)kv;
    o->keep = vf_eq(in->t, k->zero);
    const vf z = vf_add(k->base, in->x);
    const vm nan_in = vm_or(k->nan0, vf_isnan(in->x));
    if (mode & SL_MG_LOSS) o->sum[0] = sl_mm_active(z, nan_in, z);
    if (mode & SL_MG_GRAD) {
        const vf d = sl_mm_active(z, nan_in, k->one);
        o->sum[1] = d;
        o->out = vf_add(in->s, vf_select(o->keep, d, k->zero));
    }
}

/* the gradient: the counts times g (the driver's factor) */
SL_INLINE void sl_mlm_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode;
    o->out = in->s;
}

SL_INLINE void sl_mlm_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    const size_t C = row->C;
    const float *x = (const float *)row->x;
    float *cnt = a->scratch + C; /* the driver's is-target mask is scratch[0, C) */
    const int lo = mode & SL_MG_LOSS, gr = mode & SL_MG_GRAD;
    sl_mg_k k;
    k.zero = vf_set1(0.0f), k.one = vf_set1(1.0f);
    if (gr) memset(cnt, 0, C * sizeof(float));

    sl_rsum s, n; /* the loss over every label's pass; one label's active pairs */
    sl_rsum_init(&s);
    const sl_rpass lp = {.ld = SL_RX | SL_RT | (gr ? SL_RS : 0u),
                         .tpad = 1.0f,
                         .sums = (lo ? 1u : 0u) | (gr ? 2u : 0u),
                         .out = gr ? SL_ROUT_SCRATCH : SL_ROUT_NONE,
                         .unroll = 1};
    for (size_t i = 0; i < row->nl; i++) {
        const size_t j = (size_t)row->lab[i];
        k.base = vf_set1(1.0f - x[j]);
        k.nan0 = vf_isnan(vf_set1(x[j]));
        sl_rsum_init(&n);
        sl_row_pass(lp, row, cnt, cnt, &k, mode, sl_mlm_el, NULL, (sl_rloc){.s = {&s, &n}});
        /* counts are integers: exact while below 2^24 */
        if (gr) cnt[j] -= (float)n.total;
    }
    *l0 = lo ? (float)(s.total / (double)C) : 0.0f;
    if (!gr) return;
    /* every read of x is done: the gradient may overwrite it */
    sl_row_pass((sl_rpass){.ld = SL_RS, .out = SL_ROUT_GRAD, .gmul = 1}, row, cnt, row->grad, &k,
                mode, sl_mlm_grad_el, NULL, (sl_rloc){.d = NULL});
}

static void k_multilabel_margin_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    switch (sl_mg_mode(a)) {
    case SL_MG_LOSS: sl_rows(a, pos, cnt, l0, SL_RT_LABELS, 0, sl_mlm_row, SL_MG_LOSS); break;
    case SL_MG_GRAD: sl_rows(a, pos, cnt, l0, SL_RT_LABELS, 0, sl_mlm_row, SL_MG_GRAD); break;
    default: sl_rows(a, pos, cnt, l0, SL_RT_LABELS, 0, sl_mlm_row, SL_MG_LOSS | SL_MG_GRAD); break;
    }
}

/* ---- multilabel_soft_margin -------------------------------------------------- */

/* the loss term (sum 0) and the gradient before g (stored times g) */
SL_INLINE void sl_mls_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_mg_k *k = (const sl_mg_k *)kv;
    const vf xv = in->x, tv = in->t, zero = k->zero, one = k->one;
    const vf e = vf_exp(vf_neg(vf_abs(xv)));
    if (mode & SL_MG_LOSS) {
        const vf L = vf_log1p(e);
        const vf lsp = vf_sub(vf_min(zero, xv), L); /* NaN stays */
        const vf lsn = vf_sub(vf_min(zero, vf_neg(xv)), L);
        vf f = vf_neg(vf_add(vf_mul(tv, lsp), vf_mul(vf_sub(one, tv), lsn)));
        if (mode & SL_MG_W) f = vf_mul(f, in->w);
        o->sum[0] = f;
    }
    if (mode & SL_MG_GRAD) {
        /* sigmoid(x) - t as (1 - t) sigmoid(x) - t sigmoid(-x): no
         * cancellation for hard targets */
        const vf e1 = vf_add(one, e), q = vf_div(one, e1), qe = vf_div(e, e1);
        const vm pos = vf_ge(xv, zero);
        const vf sp = vf_select(pos, q, qe), sn = vf_select(pos, qe, q);
        vf d = vf_sub(vf_mul(vf_sub(one, tv), sp), vf_mul(tv, sn));
        if (mode & SL_MG_W) d = vf_mul(d, in->w);
        o->out = d;
    }
}

SL_INLINE void sl_mls_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    (void)a;
    const int lo = mode & SL_MG_LOSS, gr = mode & SL_MG_GRAD;
    sl_mg_k k;
    k.zero = vf_set1(0.0f), k.one = vf_set1(1.0f);
    sl_rsum s;
    sl_rsum_init(&s);
    sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT | (mode & SL_MG_W ? SL_RW : 0u),
                           .sums = lo ? 1u : 0u,
                           .out = gr ? SL_ROUT_GRAD : SL_ROUT_NONE,
                           .gmul = 1},
                row, NULL, row->grad, &k, mode, sl_mls_el, NULL, (sl_rloc){.s = {&s}});
    *l0 = lo ? (float)(s.total / (double)row->C) : 0.0f;
}

static void k_multilabel_soft_margin_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0,
                                         float *l1)
{
    (void)l1;
    const int m = sl_mg_mode(a) | (a->w ? SL_MG_W : 0);
#define SL_MLS_ROWS(mode) sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_mls_row, mode)
    switch (m) {
    case SL_MG_LOSS: SL_MLS_ROWS(SL_MG_LOSS); break;
    case SL_MG_GRAD: SL_MLS_ROWS(SL_MG_GRAD); break;
    case SL_MG_LOSS | SL_MG_GRAD: SL_MLS_ROWS(SL_MG_LOSS | SL_MG_GRAD); break;
    case SL_MG_W | SL_MG_LOSS: SL_MLS_ROWS(SL_MG_W | SL_MG_LOSS); break;
    case SL_MG_W | SL_MG_GRAD: SL_MLS_ROWS(SL_MG_W | SL_MG_GRAD); break;
    default: SL_MLS_ROWS(SL_MG_W | SL_MG_LOSS | SL_MG_GRAD); break;
    }
#undef SL_MLS_ROWS
}

#else /* the tests' reference and data (tests/class_spec.h) */
/* pi[0] = p, pf[0] = margin */
static void sl_multi_margin_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                double *kink, double *sing)
{
    const size_t C = q->classes, yy = (size_t)q->ti[0];
    const cr_params *p = q->p;
    const double *x = q->x;
    const int pw = p->pi[0];
    const double w = cr_w(p, yy), mg = (double)p->pf[0], Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0, kmin = INFINITY;
    (void)sing;
    cr_fill(grad, C, 0);
    cr_fill(gmag, C, 0);
    for (size_t j = 0; j < C; j++) {
        if (j == yy) continue;
        const double z = mg - x[yy] + x[j];
        const double za = fabs(mg) + fabs(x[yy]) + fabs(x[j]);
        if (kink) kink[j] = fabs(z);
        if (fabs(z) < kmin) kmin = fabs(z);
        if (z > 0) {
            cr_add(&v, w * (pw == 1 ? z : z * z) / Cd);
            mag += fabs(w) * (pw == 1 ? za : za * za) / Cd;
            const double gj = w * (pw == 1 ? 1.0 : 2.0 * z) / Cd;
            const double ga = fabs(w) * (pw == 1 ? 1.0 : 2.0 * za) / Cd;
            if (grad) grad[j] += gj, grad[yy] -= gj;
            if (gmag) gmag[j] += ga, gmag[yy] += ga;
        }
    }
    if (kink) kink[yy] = kmin;
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

static void sl_multilabel_margin_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                     double *kink, double *sing)
{
    const size_t C = q->classes;
    const double *x = q->x;
    const int64_t *row = q->ti;
    (void)sing;
    unsigned char *is_target = calloc(C + 1, 1);
    if (!is_target) abort();
    size_t nl = 0;
    while (nl < C && row[nl] != -1) is_target[(size_t)row[nl++]] = 1;
    const double Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0;
    cr_fill(grad, C, 0);
    cr_fill(gmag, C, 0);
    for (size_t a = 0; a < nl; a++) {
        const size_t j = (size_t)row[a];
        for (size_t k = 0; k < C; k++) {
            if (is_target[k]) continue;
            const double z = 1.0 - (x[j] - x[k]);
            if (kink) {
                kink[j] = fmin(kink[j], fabs(z));
                kink[k] = fmin(kink[k], fabs(z));
            }
            if (z > 0) {
                cr_add(&v, z / Cd);
                mag += (1.0 + fabs(x[j]) + fabs(x[k])) / Cd;
                if (grad) grad[j] -= 1.0 / Cd, grad[k] += 1.0 / Cd;
                if (gmag) gmag[j] += 1.0 / Cd, gmag[k] += 1.0 / Cd;
            }
        }
    }
    free(is_target);
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

static void sl_multilabel_soft_margin_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                          double *kink, double *sing)
{
    const size_t C = q->classes;
    const double *x = q->x, *t = q->t;
    const double Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0;
    (void)kink, (void)sing;
    for (size_t c = 0; c < C; c++) {
        const double w = cr_w(q->p, c);
        const double spn = ts_softplus(-x[c]), spp = ts_softplus(x[c]);
        cr_add(&v, w * (t[c] * spn + (1.0 - t[c]) * spp) / Cd);
        mag += fabs(w) * (fabs(t[c]) * spn + fabs(1.0 - t[c]) * spp + 1.0) / Cd;
        const double sg = ts_sigmoid(x[c]);
        if (grad) grad[c] = w * (sg - t[c]) / Cd;
        if (gmag) gmag[c] = fabs(w) * (sg + fabs(t[c])) / Cd;
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

/* scores on the 2^-10 grid (exact in float); z = 0 exactly */
static void sl_multi_margin_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t,
                                int64_t *y, int64_t *row)
{
    (void)t, (void)row;
    for (size_t c = 0; c < C; c++) x[c] = cs_Q(ts_coin(s, 0.9) ? ts_U(s, -2, 2) : ts_U(s, -6, 6));
    if (ts_coin(s, 0.2) && C > 1) {
        const size_t j = cs_R(s, C);
        if (j != (size_t)*y) x[j] = x[*y] - (double)b->pf[0];
    }
}

/* label rows: empty, every class (no -1), or a few labels with occasional
 * duplicates, then -1 and arbitrary values; x_j - x_k = 1 exactly */
static void sl_multilabel_margin_gen(const cs_branch *b, size_t C, uint64_t *s, double *x,
                                     double *t, int64_t *y, int64_t *row)
{
    (void)b, (void)t, (void)y;
    for (size_t c = 0; c < C; c++) x[c] = cs_Q(ts_U(s, -1.5, 1.5));
    const double u = ts_unit(s);
    size_t nl;
    if (u < 0.1)
        nl = 0;
    else if (u < 0.15)
        nl = C;
    else
        nl = 1 + cs_R(s, C < 8 ? C : 8);
    unsigned char *used = calloc(C + 1, 1);
    if (!used) abort();
    for (size_t a = 0; a < nl; a++) {
        if (nl == C) {
            row[a] = (int64_t)a;
            continue;
        }
        size_t c;
        do c = cs_R(s, C);
        while (used[c] && ts_coin(s, 0.9));
        used[c] = 1;
        row[a] = (int64_t)c;
    }
    free(used);
    if (nl < C) row[nl] = -1;
    for (size_t a = nl + 1; a < C; a++) row[a] = (int64_t)cs_R(s, C + 1) - 1;
    if (nl > 0 && nl < C && ts_coin(s, 0.3)) {
        const size_t j = (size_t)row[0];
        size_t kk = cs_R(s, C);
        int lab = 0;
        for (size_t a = 0; a < nl; a++) lab |= row[a] == (int64_t)kk;
        if (!lab) x[kk] = x[j] - 1.0;
    }
}

static void sl_multilabel_soft_margin_gen(const cs_branch *b, size_t C, uint64_t *s, double *x,
                                          double *t, int64_t *y, int64_t *row)
{
    (void)y, (void)row;
    for (size_t c = 0; c < C; c++) {
        x[c] = ts_coin(s, 0.85) ? 3.0 * ts_N(s) : ts_U(s, -50, 50);
        t[c] = b->soft ? (ts_coin(s, 0.5) ? ts_U(s, 0, 1) : (double)ts_coin(s, 0.5))
                       : (double)ts_coin(s, 0.5);
    }
}

/* z_j = margin - x_y + x_j (float, as the kernel); p = 2: z^2, gradient 2 z */
static void sl_multi_margin_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes, y = (size_t)q->ti[0];
    const cr_params *p = q->p;
    const float margin = p->pf[0], xy = (float)q->x[y];
    const int p2 = p->pi[0] == 2;
    const double wy = cr_w(p, y) / (double)C;
    for (size_t j = 0; j < C; j++) {
        if (j == y) continue;
        const float xj = (float)q->x[j], z = (margin - xy) + xj;
        if (!(z > 0) || !isfinite(z)) continue;
        const double mag = fabs((double)margin) + fabs((double)xy) + fabs((double)xj);
        *lt += fabs(wy) * mag * (p2 ? 2 * (double)z : 1);
        /* x[y]'s gradient sums every active term */
        gt[y] += fabs(wy) * (p2 ? 2 * (double)z : 1);
        if (p2) {
            gt[j] += 2 * fabs(wy) * mag;
            gt[y] += 2 * fabs(wy) * mag;
        }
    }
}

/* z_jk = 1 - (x_j - x_k) over (label, non-label) pairs */
static void sl_multilabel_margin_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    const double *x = q->x;
    const int64_t *t = q->ti;
    char *is_label = calloc(C + 1, 1);
    if (!is_label) abort();
    size_t nl = 0;
    while (nl < C && t[nl] >= 0) is_label[t[nl++]] = 1;
    for (size_t a = 0; a < nl; a++)
        for (size_t k = 0; k < C; k++) {
            if (is_label[k]) continue;
            const double j = x[t[a]], v = x[k];
            if (isfinite(j) && isfinite(v) && 1 - (j - v) > 0) {
                *lt += (1 + fabs(j) + fabs(v)) / (double)C;
                /* the gradients sum +-1/C per active pair */
                gt[(size_t)t[a]] += 1 / (double)C;
                gt[k] += 1 / (double)C;
            }
        }
    free(is_label);
}

/* d/dx = w (sigmoid(x) - t) / C (the header): the terms are sigmoid(x) and
 * t. torch differentiates t log sigmoid(x) + (1 - t) log sigmoid(-x), whose
 * terms t sigmoid(-x) and (1 - t) sigmoid(x) do not cancel for t in {0, 1}
 * (x = 20, t = 1: -2.06e-9 w / C, where sigmoid(x) - t is 0 in float32); the
 * header's formula is the reference for the tolerance, so about an ulp of
 * sigmoid(x) + |t| is allowed. */
static void sl_multilabel_soft_margin_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    for (size_t k = 0; k < C; k++) {
        const double x = q->x[k], t = q->t[k], w = fabs(cr_w(q->p, k));
        if (!isfinite(x) || !isfinite(t)) continue;
        const double sp = 1 / (1 + exp(-x)), sm = log1p(exp(-fabs(x)));
        /* the loss: -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), summed */
        *lt += w * (fabs(t) * (fmax(-x, 0) + sm) + fabs(1 - t) * (fmax(x, 0) + sm)) / (double)C;
        gt[k] = w * (sp + fabs(t)) / (double)C;
    }
}

/* pi: p; pf: margin */
static const cs_branch sl_multi_margin_f32_branches[] = {
    {"p=1 margin=1", .pi = {1}, .pf = {1.0f}, .cross = 1},
    {"p=2 margin=0.5 weight", .weight = 1, .pi = {2}, .pf = {0.5f}, .cross = 1},
    {"p=1 margin=0 weight", .weight = 1, .pi = {1}, .pf = {0.0f}},
    {"p=2 margin=1", .pi = {2}, .pf = {1.0f}},
    {"p=1 margin=2.5 weight", .weight = 1, .pi = {1}, .pf = {2.5f}},
};
static const cs_branch sl_multilabel_margin_f32_branches[] = {{.label = "plain", .cross = 1}};
static const cs_branch sl_multilabel_soft_margin_f32_branches[] = {
    {"binary targets", .cross = 1},
    {"weight soft targets", .weight = 1, .soft = 1, .cross = 1},
};

/* torch 1.13 (printed float32 values) */
static const float sl_margin_w4[4] = {0.5f, 2, 1, 3};
static const double sl_mm_x[12] = {0.1, 0.2, 0.40000001, 0.80000001, 1,          -1,
                                   0.5, 0.5, 0.30000001, 0.30000001, 0.30000001, 0.30000001};
static const int64_t sl_mm_y[3] = {3, 0, 2};
static const double sl_mm_none1[3] = {0.32499999, 0.25, 0.75};
static const double sl_mm_g1[12] = {0.083333336, 0.083333336, 0.083333336, -0.25,
                                    -0.16666667, 0,           0.083333336, 0.083333336,
                                    0.083333336, 0.083333336, -0.25,       0.083333336};
static const double sl_mm_none2[3] = {0.0074999994, 0, 0.1875};
static const double sl_mm_g2[12] = {0, 0, 0.049999997, -0.049999997, 0,     0,
                                    0, 0, 0.083333336, 0.083333336,  -0.25, 0.083333336};
static const double sl_mm_xk[3] = {1, 0, 0.25}, sl_mm_nk[1] = {0.083333336};
static const double sl_mm_gk[3] = {-0.33333334, 0, 0.33333334};
static const int64_t sl_mm_yk[1] = {0};
static const cs_example sl_multi_margin_f32_examples[] = {
    {3, 4, .pi = {1}, .pf = {1.0f}, .x = sl_mm_x, .ti = sl_mm_y, .none = sl_mm_none1,
     .mean = 0.44166666, .gmean = sl_mm_g1, .tol = 2e-6},
    {3, 4, .weight = sl_margin_w4, .pi = {2}, .pf = {0.5f}, .x = sl_mm_x, .ti = sl_mm_y,
     .none = sl_mm_none2, .mean = 0.064999998, .gmean = sl_mm_g2, .tol = 2e-6},
    {1, 3, .pi = {1}, .pf = {1.0f}, .x = sl_mm_xk, .ti = sl_mm_yk, .none = sl_mm_nk,
     .mean = 0.083333336, .gmean = sl_mm_gk, .tol = 2e-6},
};
static const double sl_ml_x[12] = {0.1,        0.2, 0.40000001, 0.80000001, 0.5, -0.30000001,
                                   0.89999998, 0,   0.2,        0.1,        0,   0.30000001};
static const int64_t sl_ml_y1[12] = {3, 0, -1, 1, 1, 2, 3, 0, -1, 0, 1, 2};
static const double sl_ml_none1[3] = {0.85000002, 0, 0};
static const double sl_ml_g1[12] = {-0.16666667, 0.16666667, 0.16666667, -0.16666667, 0, 0,
                                    0,           0,          0,          0,           0, 0};
static const int64_t sl_ml_y2[12] = {3, 3, -1, 0, 0, 1, 2, 3, -1, 1, 2, 3};
static const double sl_ml_none2[3] = {0.64999998, 0, 0};
static const double sl_ml_g2[12] = {0.16666667, 0.16666667, 0.16666667, -0.5, 0, 0,
                                    0,          0,          0,          0,    0, 0};
static const double sl_ml_xk[3] = {1, 0, 0.5}, sl_ml_nk[1] = {0.16666667};
static const int64_t sl_ml_yk[3] = {0, -1, 0};
static const double sl_ml_gk[3] = {-0.33333334, 0, 0.33333334};
static const cs_example sl_multilabel_margin_f32_examples[] = {
    {3, 4, .x = sl_ml_x, .ti = sl_ml_y1, .none = sl_ml_none1, .mean = 0.28333333, .gmean = sl_ml_g1,
     .tol = 2e-6},
    {3, 4, .x = sl_ml_x, .ti = sl_ml_y2, .none = sl_ml_none2, .mean = 0.21666665, .gmean = sl_ml_g2,
     .tol = 2e-6},
    {1, 3, .x = sl_ml_xk, .ti = sl_ml_yk, .none = sl_ml_nk, .mean = 0.16666667, .gmean = sl_ml_gk,
     .tol = 2e-6},
};
static const float sl_mls_w3[3] = {1, 2, 0.5f};
static const double sl_mls_x[6] = {0.5, -1, 2, -20, 0, 30},
                    sl_mls_t[6] = {1, 0, 1, 0, 1, 0.30000001};
static const double sl_mls_none[2] = {0.38802147, 3.9620981};
static const double sl_mls_g[6] = {-0.062923446,  0.089647144, -0.0099335769,
                                   3.4352562e-10, -0.16666667, 0.058333334};
static const cs_example sl_multilabel_soft_margin_f32_examples[] = {
    {2, 3, .weight = sl_mls_w3, .x = sl_mls_x, .t = sl_mls_t, .none = sl_mls_none,
     .mean = 2.1750598, .gmean = sl_mls_g, .tol = 2e-6},
};

CS_SPEC(multi_margin_f32, sl_multi_margin_gen, sl_multi_margin_ref, CS_NONE,
        sl_multi_margin_f32_examples, CS_LEN(sl_multi_margin_f32_examples), sl_multi_margin_golden);
CS_SPEC(multilabel_margin_f32, sl_multilabel_margin_gen, sl_multilabel_margin_ref, CS_NONE,
        sl_multilabel_margin_f32_examples, CS_LEN(sl_multilabel_margin_f32_examples),
        sl_multilabel_margin_golden);
CS_SPEC(multilabel_soft_margin_f32, sl_multilabel_soft_margin_gen, sl_multilabel_soft_margin_ref,
        CS_NONE, sl_multilabel_soft_margin_f32_examples,
        CS_LEN(sl_multilabel_soft_margin_f32_examples), sl_multilabel_soft_margin_golden);
#endif
#endif
