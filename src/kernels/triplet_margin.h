/* SPDX-License-Identifier: Apache-2.0 */
/*
 * F.triplet_margin_loss on rows of `dim` features: anchor a (input),
 * positive p and negative n (the two further inputs), as PyTorch 1.13
 * computes it with pairwise_distance:
 *   d(u, v) = (sum_c |u - v + eps|^P)^(1/P)   (eps added to every component
 *   of the difference; P the norm's order: the `p` argument, any P > 0);
 *   dn = d(a, n), or min(d(a, n), d(p, n)) with swap;
 *   loss = max(0, (margin + d(a, p)) - dn).
 * Gradients (g = the reduction's factor) where (margin + d(a, p)) - dn >= 0
 * (equality counts, as clamp_min's backward): with h(delta) = d d / d u,
 *   P = 2: delta / d;  P = 1: sign(delta);  else sign(delta) |delta|^(P-1) / d^(P-1)
 * (0 where d = 0 or delta = 0, as PyTorch's norm backward), and the negative distance's
 * weights wa (on d(a, n)) and wp (on d(p, n)): 1 and 0 without swap; with
 * swap the smaller one gets 1, a tie 1/2 each (PyTorch's minimum):
 *   d/da = g (h(a - p) - wa h(a - n)),
 *   d/dp = g (-h(a - p) - wp h(p - n)),
 *   d/dn = g (wa h(a - n) + wp h(p - n)).
 * NaN in an input makes its row's loss and gradients NaN.
 *
 * Passes per row: the sums of |delta|^P (two, three with swap); then all
 * three gradients in one pass (each group stored after its loads, so a
 * gradient may alias its input), each h computed once. A subset of the
 * gradients: d/dp and d/dn into scratch rows, d/da into its row, the
 * scratch rows copied to theirs. The positive is the
 * driver's target stream, the negative its weight stream. P = 1 and 2 are
 * products; other orders call SLEEF's pow per element (and once for the
 * root, through the vector function: the same bits on every ISA).
 */
#ifndef SL_KERNELS_TRIPLET_MARGIN_H
#define SL_KERNELS_TRIPLET_MARGIN_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

/* MEAN divides by batch; p[0] = margin, p[1] = P, p[2] = eps, flags = swap;
 * scratch: two rows */
static int sl_plan_triplet_margin_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const sl_rkernel k = sl_rkernel_of(c, SL_R_triplet_margin_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    c->a.p[0] = q->pf[0];
    c->a.p[1] = q->pf[1];
    c->a.p[2] = q->pf[2];
    c->a.flags = q->pi[0] != 0;
    c->a.gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, sl_scratch(2, q->classes)};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

/* mode: the norm's order (mode & 3), swap (SL_TRI_SWAP), which gradient a
 * pass makes (mode >> SL_TRI_WHICH) */
enum { SL_TRI_P2, SL_TRI_P1, SL_TRI_PGEN, SL_TRI_SWAP = 4, SL_TRI_WHICH = 3 };
enum { SL_TRI_GA = 1, SL_TRI_GP = 2, SL_TRI_GN = 3, SL_TRI_GALL = 4 };

typedef struct {
    vf eps, P, Pm1, zero;
    vf cap, can, cpn; /* the gradient's factors of h(a - p), h(a - n), h(p - n) */
} sl_tri_k;

/* |delta|^P */
SL_INLINE vf sl_tri_pow(const sl_tri_k *k, int kind, vf d)
{
    if (kind == SL_TRI_P2) return vf_mul(d, d);
    if (kind == SL_TRI_P1) return vf_abs(d);
    return vf_pow(vf_abs(d), k->P);
}

/* h without its 1 / d^(P-1): delta, sign(delta) or sign(delta) |delta|^(P-1),
 * 0 where delta = 0 (PyTorch's norm backward masks those for P < 1, where
 * |0|^(P-1) is inf) */
SL_INLINE vf sl_tri_h(const sl_tri_k *k, int kind, vf d)
{
    if (kind == SL_TRI_P2) return d;
    if (kind == SL_TRI_P1) return sl_sign(d);
    const vf h = vf_mul(sl_sign(d), vf_pow(vf_abs(d), k->Pm1));
    return vf_select(vf_eq(d, k->zero), k->zero, h);
}

/* x: anchor, t: positive, w: negative */
SL_INLINE void sl_tri_sum_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_tri_k *k = (const sl_tri_k *)kv;
    const int kind = mode & 3;
    o->sum[0] = sl_tri_pow(k, kind, vf_add(vf_sub(in->x, in->t), k->eps));
    o->sum[1] = sl_tri_pow(k, kind, vf_add(vf_sub(in->x, in->w), k->eps));
    if (mode & SL_TRI_SWAP) o->sum[2] = sl_tri_pow(k, kind, vf_add(vf_sub(in->t, in->w), k->eps));
}

SL_INLINE void sl_tri_grad_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_tri_k *k = (const sl_tri_k *)kv;
    const int kind = mode & 3, which = mode >> SL_TRI_WHICH;
    const vf hap = sl_tri_h(k, kind, vf_add(vf_sub(in->x, in->t), k->eps));
    const vf han = sl_tri_h(k, kind, vf_add(vf_sub(in->x, in->w), k->eps));
    vf hpn = k->zero;
    if (mode & SL_TRI_SWAP) hpn = sl_tri_h(k, kind, vf_add(vf_sub(in->t, in->w), k->eps));
    const vf ga = vf_sub(vf_mul(k->cap, hap), vf_mul(k->can, han));
    const vf gp = vf_sub(vf_neg(vf_mul(k->cap, hap)), vf_mul(k->cpn, hpn));
    const vf gn = vf_add(vf_mul(k->can, han), vf_mul(k->cpn, hpn));
    /* SL_TRI_GALL: all three (out, out2, out3) */
    o->out = which == SL_TRI_GP ? gp : which == SL_TRI_GN ? gn : ga;
    o->out2 = gp;
    o->out3 = gn;
}

/* the distance from its sum: S^(1/P) */
SL_INLINE float sl_tri_root(int kind, float S, float P)
{
    if (kind == SL_TRI_P2) return sqrtf(S);
    if (kind == SL_TRI_P1) return S;
    return sl_lane0(vf_pow(vf_set1(S), vf_set1(1.0f / P)));
}

/* the factor of h: g w / d^(P-1), 0 where d = 0 or w = 0 */
SL_INLINE float sl_tri_fac(int kind, float g, float w, float d, float P)
{
    if (w == 0.0f || d == 0.0f) return 0.0f;
    if (kind == SL_TRI_P2) return g * w / d;
    if (kind == SL_TRI_P1) return g * w;
    return g * w / sl_lane0(vf_pow(vf_set1(d), vf_set1(P - 1.0f)));
}

SL_INLINE void sl_tri_row(const sl_rargs *a, const sl_row *row0, float *l0, int mode)
{
    const int kind = mode & 3, swap = mode & SL_TRI_SWAP;
    const size_t C = row0->C;
    sl_row row = *row0;
    row.t = a->x2[0] + row.r * C;
    row.w = a->x2[1] + row.r * C;
    float *ga = (float *)row.grad, *gp = a->g2[0] ? a->g2[0] + row.r * C : NULL,
          *gn = a->g2[1] ? a->g2[1] + row.r * C : NULL;
    const float P = a->p[1];
    sl_tri_k k;
    k.eps = vf_set1(a->p[2]), k.P = vf_set1(P), k.Pm1 = vf_set1(P - 1.0f), k.zero = vf_set1(0.0f);
    sl_rsum s0, s1, s2;
    sl_rsum_init(&s0);
    sl_rsum_init(&s1);
    sl_rsum_init(&s2);
    const unsigned ld = SL_RX | SL_RT | SL_RW;
    if (swap)
        sl_row_pass((sl_rpass){.ld = ld, .sums = 7}, &row, NULL, NULL, &k, mode, sl_tri_sum_el,
                    NULL, (sl_rloc){.s = {&s0, &s1, &s2}});
    else
        sl_row_pass((sl_rpass){.ld = ld, .sums = 3}, &row, NULL, NULL, &k, mode, sl_tri_sum_el,
                    NULL, (sl_rloc){.s = {&s0, &s1}});
    const float dap = sl_tri_root(kind, (float)s0.total, P);
    const float dan = sl_tri_root(kind, (float)s1.total, P);
    float dn = dan, wa = 1.0f, wp = 0.0f, dpn = 0.0f;
    if (swap) {
        dpn = sl_tri_root(kind, (float)s2.total, P);
        if (dpn < dan) dn = dpn, wa = 0.0f, wp = 1.0f;
        if (dpn == dan) wa = wp = 0.5f;
        if (dpn != dpn) dn = dpn; /* NaN: as PyTorch's minimum */
    }
    const float z = (a->p[0] + dap) - dn;
    *l0 = z < 0.0f ? 0.0f : z; /* NaN stays */
    if (!ga && !gp && !gn) return;
    if (z < 0.0f) {
        if (ga) memset(ga, 0, C * sizeof(float));
        if (gp) memset(gp, 0, C * sizeof(float));
        if (gn) memset(gn, 0, C * sizeof(float));
        return;
    }
    const float g = z != z ? NAN : a->gn; /* a NaN row: NaN gradients */
    k.cap = vf_set1(sl_tri_fac(kind, g, 1.0f, dap, P));
    k.can = vf_set1(sl_tri_fac(kind, g, wa, dan, P));
    k.cpn = vf_set1(sl_tri_fac(kind, g, wp, dpn, P));
    if (g != g) k.cap = k.can = k.cpn = vf_set1(NAN);
    const sl_rpass gpass = {.ld = ld, .out = SL_ROUT_GRAD};
    if (ga && gp && gn) { /* one pass: each group stored after its loads */
        row.grad2 = gp, row.grad3 = gn;
        sl_row_pass((sl_rpass){.ld = ld, .out = SL_ROUT_GRAD, .outs = 3}, &row, NULL, ga, &k,
                    mode | SL_TRI_GALL << SL_TRI_WHICH, sl_tri_grad_el, NULL, (sl_rloc){0});
        return;
    }
    /* a subset: the positive's and negative's gradients go straight to their
     * rows unless they alias their inputs, which later passes still read */
    const int direct = gp != row.t && gn != row.w;
    float *sp = direct ? gp : a->scratch, *sn = direct ? gn : a->scratch + C;
    if (gp)
        sl_row_pass(gpass, &row, NULL, ga || gn ? sp : gp, &k, mode | SL_TRI_GP << SL_TRI_WHICH,
                    sl_tri_grad_el, NULL, (sl_rloc){0});
    if (gn)
        sl_row_pass(gpass, &row, NULL, ga ? sn : gn, &k, mode | SL_TRI_GN << SL_TRI_WHICH,
                    sl_tri_grad_el, NULL, (sl_rloc){0});
    if (ga)
        sl_row_pass(gpass, &row, NULL, ga, &k, mode | SL_TRI_GA << SL_TRI_WHICH, sl_tri_grad_el,
                    NULL, (sl_rloc){0});
    if (!direct && gp && (ga || gn)) memcpy(gp, sp, C * sizeof(float));
    if (!direct && gn && ga) memcpy(gn, sn, C * sizeof(float));
}

static void k_triplet_margin_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    const float P = a->p[1];
    const int kind = P == 2.0f ? SL_TRI_P2 : P == 1.0f ? SL_TRI_P1 : SL_TRI_PGEN;
    switch (kind | (a->flags & 1 ? SL_TRI_SWAP : 0)) {
    case SL_TRI_P2: sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_P2); break;
    case SL_TRI_P1: sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_P1); break;
    case SL_TRI_PGEN: sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_PGEN); break;
    case SL_TRI_P2 | SL_TRI_SWAP:
        sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_P2 | SL_TRI_SWAP);
        break;
    case SL_TRI_P1 | SL_TRI_SWAP:
        sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_P1 | SL_TRI_SWAP);
        break;
    default: sl_rows(a, pos, cnt, l0, SL_RT_NONE, 0, sl_tri_row, SL_TRI_PGEN | SL_TRI_SWAP);
    }
}

#else /* the tests' reference and data (tests/class_spec.h, tests/test_embedding.c) */

/* d(u, v) and, per element, h = d d / d u, in double; mag: the sum's terms */
static double sl_tri_dist_ref(size_t C, const double *u, const double *v, double P, double eps,
                              double *h, double *kink)
{
    cr_acc S = {0, 0};
    for (size_t c = 0; c < C; c++) cr_add(&S, pow(fabs(u[c] - v[c] + eps), P));
    const double d = pow(cr_get(&S), 1.0 / P);
    for (size_t c = 0; c < C && h; c++) {
        const double de = u[c] - v[c] + eps, sg = de > 0 ? 1.0 : de < 0 ? -1.0 : 0.0;
        h[c] = d == 0.0 || de == 0.0 ? 0.0
               : P == 2.0            ? de / d
                                     : sg * pow(fabs(de), P - 1.0) / pow(d, P - 1.0);
        /* the norm's curvature scales as 1 / d; |delta| = 0 is a kink for
         * P <= 1 and a singular point of the second derivative below 2 */
        if (kink) kink[c] = fmin(kink[c], 0.01 * (P == 2.0 ? d : fmin(fabs(de), d)));
    }
    return d;
}

static void sl_triplet_margin_ref(const ce_row *q, cr_res *r, double *const *grad,
                                  double *const *gmag, double *const *kink)
{
    const size_t C = q->dim;
    const double margin = q->p->pf[0], P = q->p->pf[1], eps = q->p->pf[2];
    const int swap = q->p->pi[0] != 0;
    const double *a = q->x[0], *p = q->x[1], *n = q->x[2];
    double *h = malloc(3 * (C + 1) * sizeof *h), *kk = malloc((C + 1) * sizeof *kk);
    if (!h || !kk) abort();
    double *hap = h, *han = h + C + 1, *hpn = h + 2 * (C + 1);
    for (size_t c = 0; c < C; c++) kk[c] = INFINITY;
    const double dap = sl_tri_dist_ref(C, a, p, P, eps, hap, kk);
    const double dan = sl_tri_dist_ref(C, a, n, P, eps, han, kk);
    double dn = dan, wa = 1, wp = 0, dpn = 0;
    if (swap) {
        dpn = sl_tri_dist_ref(C, p, n, P, eps, hpn, kk);
        if (dpn < dan) dn = dpn, wa = 0, wp = 1;
        if (dpn == dan) wa = wp = 0.5;
    } else {
        for (size_t c = 0; c < C; c++) hpn[c] = 0;
    }
    const double z = margin + dap - dn, G = z >= 0 ? 1.0 : 0.0;
    /* the sums' rounding grows with the row; the roots and the powers add a few ulps */
    const double rel = 1.0 + sqrt((double)C) / 4.0 + (P != 1.0 && P != 2.0 ? 8.0 * P : 0.0);
    r->value = z > 0 ? z : 0.0;
    r->mag = fabs(margin) + (dap + dn) * rel;
    r->div = 1.0;
    /* the tie of the swap and the clamp are kinks: along an element, a
     * distance moves by at most |d x| */
    double kz = fabs(z) / 2.0;
    if (swap) kz = fmin(kz, fabs(dpn - dan) / 2.0);
    for (size_t c = 0; c < C; c++) {
        const double g3[3] = {hap[c] - wa * han[c], -hap[c] - wp * hpn[c],
                              wa * han[c] + wp * hpn[c]};
        const double m3[3] = {fabs(hap[c]) + fabs(wa * han[c]), fabs(hap[c]) + fabs(wp * hpn[c]),
                              fabs(wa * han[c]) + fabs(wp * hpn[c])};
        for (int i = 0; i < 3; i++) {
            if (grad && grad[i]) grad[i][c] = G * g3[i];
            if (gmag && gmag[i]) gmag[i][c] = G * m3[i] * rel;
            if (kink && kink[i]) kink[i][c] = fmin(kk[c], kz);
        }
    }
    free(h), free(kk);
}

/* normal rows, one negative close to the anchor or farther; ties of the
 * swap (p and a equidistant from n) and z = 0 exactly (2^-10 grids) */
static void sl_triplet_margin_gen(const cs_branch *b, size_t C, uint64_t *s, double *const *x,
                                  double *y)
{
    (void)b, (void)y;
    const double sc = ts_coin(s, 0.8) ? 1.0 : ts_LU(s, 1e-3, 1e3);
    for (size_t c = 0; c < C; c++)
        for (int i = 0; i < 3; i++) x[i][c] = sc * ts_N(s);
    const double u = ts_unit(s);
    if (u < 0.2) { /* the negative near the anchor: active */
        for (size_t c = 0; c < C; c++) x[2][c] = x[0][c] + 0.1 * sc * ts_N(s);
    } else if (u < 0.3) { /* positive equal to the anchor */
        for (size_t c = 0; c < C; c++) x[1][c] = x[0][c];
    }
}

/* pf: margin, p, eps; pi: swap */
static const cs_branch sl_triplet_margin_f32_branches[] = {
    {"p=2 margin=1", .pf = {1.0f, 2.0f, 1e-6f}, .cross = 1},
    {"p=1 margin=1", .pf = {1.0f, 1.0f, 1e-6f}, .cross = 1},
    {"p=2 margin=0.5 swap", .pf = {0.5f, 2.0f, 1e-6f}, .pi = {1}, .cross = 1},
    {"p=3 margin=2 swap eps=0", .pf = {2.0f, 3.0f, 0.0f}, .pi = {1}},
    {"p=1.5 margin=1", .pf = {1.0f, 1.5f, 1e-6f}, .cross = 2},
    {"p=0.7 margin=0.2", .pf = {0.2f, 0.7f, 1e-6f}},
};

/* torch 1.13 (printed float32 values) */
static const double sl_tri_a[6] = {0, 0, 1, 2, 0.5, 0.5}, sl_tri_p[6] = {1, 0, 1, 2, 0, 0.5};
static const double sl_tri_n[6] = {0, 2.5, 3, 2, 0.60000002, 0.40000001};
static const double sl_tri_none1[3] = {0, 0, 1.3585796};
static const double sl_tri_ga1[6] = {-0.0, 0, 0, 0, 0.56903327, -0.23570392};
static const double sl_tri_gp1[6] = {0, -0.0, -0.0, -0.0, -0.33333334, -6.666653e-07};
static const double sl_tri_gn1[6] = {0, -0.0, -0.0, 0, -0.23569995, 0.23570459};
static const double sl_tri_none2[3] = {0, 0, 1.300002};
static const double sl_tri_ga2[6] = {-0.0, 0, 0, 0, 0.66666669, 0};
static const double sl_tri_gp2[6] = {0, -0.0, -0.0, -0.0, -0.33333334, -0.33333334};
static const double sl_tri_gn2[6] = {0, -0.0, -0.0, 0, -0.33333334, 0.33333334};
static const double sl_tri_none3[3] = {0, 0, 0.85857958};
static const double sl_tri_a4[2] = {0, 0}, sl_tri_p4[2] = {2, 0}, sl_tri_n4[2] = {1, 1.5};
static const double sl_tri_none4[1] = {1.3644668};
static const double sl_tri_ga4[2] = {-0.81308198, 0.42056561},
                    sl_tri_gp4[2] = {0.81308198, 0.42056561};
static const double sl_tri_gn4[2] = {0, -0.84113121};
static const ce_example sl_triplet_margin_f32_examples[] = {
    {3, 2, .pf = {1.0f, 2.0f, 1e-6f}, .x = {sl_tri_a, sl_tri_p, sl_tri_n}, .none = sl_tri_none1,
     .mean = 0.45285988, .gmean = {sl_tri_ga1, sl_tri_gp1, sl_tri_gn1}, .tol = 2e-6},
    {3, 2, .pf = {1.0f, 1.0f, 1e-6f}, .x = {sl_tri_a, sl_tri_p, sl_tri_n}, .none = sl_tri_none2,
     .mean = 0.43333399, .gmean = {sl_tri_ga2, sl_tri_gp2, sl_tri_gn2}, .tol = 2e-6},
    {3, 2, .pf = {0.5f, 2.0f, 1e-6f}, .pi = {1}, .x = {sl_tri_a, sl_tri_p, sl_tri_n},
     .none = sl_tri_none3, .mean = 0.28619319, .gmean = {sl_tri_ga1, sl_tri_gp1, sl_tri_gn1},
     .tol = 2e-6},
    {1, 2, .pf = {1.0f, 3.0f, 0.0f}, .pi = {1}, .x = {sl_tri_a4, sl_tri_p4, sl_tri_n4},
     .none = sl_tri_none4, .mean = 1.3644668, .gmean = {sl_tri_ga4, sl_tri_gp4, sl_tri_gn4},
     .tol = 2e-6},
};

CE_SPEC(triplet_margin_f32, sl_triplet_margin_gen, sl_triplet_margin_ref,
        sl_triplet_margin_f32_examples);
#endif
#endif
