/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Knowledge distillation on logits (Hinton et al.): per row of `classes`
 * student logits x (input) and teacher logits t (target), temperature T > 0,
 *   loss = T^2 KL(softmax(t / T) || softmax(x / T)),
 * as PyTorch computes
 *   F.kl_div(F.log_softmax(x / T, 1), F.softmax(t / T, 1), reduction) * T * T:
 *   s = x / T, ms = max s, Zs = sum_c exp(s - ms), ls = (s - ms) - log Zs;
 *   u = t / T, mu = max u, Zu = sum_c exp(u - mu), q = exp(u - mu) / Zu,
 *   lq = (u - mu) - log Zu;
 *   term[c] = xlogy(q, q) - q ls (1.13's kl_div: 0 for q = 0, also where the
 *   teacher's logit is -inf), with log q taken as lq (the exact log of the
 *   unrounded q; torch takes the log of the rounded q: 1e-7 relative at most);
 *   loss = ((sum_c term) T) T.
 * MEAN is PyTorch's reduction='batchmean': the sum of the row losses / batch
 * (F.kl_div's 'mean' would divide by batch * classes).
 * Gradient with respect to the student logits (g = the reduction's factor),
 * PyTorch's autograd order folded into one factor:
 *   d/dx[k] = (p[k] - q[k]) (g T),   p = exp(s - ms) / Zs
 * (torch's p[k] sum_c q[c] - q[k] with sum q = 1, its value: the rounding of
 * torch's sum moves the result by an ulp of p at most). The softmax
 * divisions are products with 1 / Z (an ulp from torch's quotient at most).
 * A row whose loss is NaN (a NaN logit; a -inf student logit where the
 * teacher's q is 0, 0 * -inf in torch's forward) has a NaN gradient.
 *
 * The row is worked block by block (SL_RBLOCK classes), in two sweeps.
 * The first reads each block once from memory: the block's maxima of x and
 * t, then, with the block's own shifts b = max / T, exp(s - bs) and
 * exp(u - bu) into two scratch rows, then their sums; the next block (or
 * row) is prefetched during the exps, so that it streams in while they
 * compute. After it, ms = max_b bs (= max(x) / T exactly: division by
 * T > 0 is monotonic), each block's weight f_b = exp(bs - ms), and
 * Zs = sum_b f_b Z_b in double, in block order (teacher alike). The second
 * sweep takes the loss terms with the gradient, p = exp(s - bs) (f_b / Zs)
 * and q alike, reading the student's row before it writes the same group,
 * so the gradient may alias the input or the target. A row of one block
 * has f = 1: the same bits as the unblocked softmax; longer rows differ
 * from it by an ulp of f_b's product. Two exp per logit pair.
 *
 * sl_rargs: p[0] = T, gn = g, scratch: two rows, then per block two
 * doubles (the exp sums) and two floats (the shifts).
 */
#ifndef SL_KERNELS_KL_DIV_LOGITS_H
#define SL_KERNELS_KL_DIV_LOGITS_H

#ifdef SL_PLANS /* the plan, compiled once (src/class_entry.c) */

static int sl_plan_kl_div_logits_f32(sl_ccall *c, const sl_class_call *q, double wsum)
{
    (void)wsum;
    const sl_rkernel k = sl_rkernel_of(c, SL_R_kl_div_logits_f32);
    if (!k) return SIMDLOSS_ENOTSUP;
    c->a.tf = q->tf;
    c->a.p[0] = q->pf[0];
    c->a.gn = c->red == SIMDLOSS_MEAN && q->batch > 0 ? (float)(1.0 / (double)q->batch) : 1.0f;
    const size_t rows = sl_scratch(2, q->classes), blocks = q->classes / SL_RBLOCK + 1;
    const size_t scratch = rows < SIZE_MAX - 6 * blocks ? rows + 6 * blocks : SIZE_MAX;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, scratch};
    return sl_crun(c, &p);
}

#elif !defined(SL_SPECS) /* the kernel, compiled per table */

#include "row_driver.h"

/* mode: T is a power of two, so x / T is exactly x * (1 / T) (a product is
 * cheaper than a division; there are four of them per logit pair) */
enum { SL_KLD_POW2 = 1 };

typedef struct {
    vf T, rT;          /* temperature, 1 / T */
    vf ms, mu, ls, lu; /* shifts and log-sums of student and teacher */
    vf ps, pu;         /* the block's f_b / Z of student and teacher */
    vf gT, zero;
} sl_kld_k;

/* the maxima of the student's (max) and the teacher's (max2) logits */
SL_INLINE void sl_kld_max_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode;
    o->max = in->x;
    o->max2 = in->t;
}

/* x / T, bit for bit */
SL_INLINE vf sl_kld_div(const sl_kld_k *k, int mode, vf x)
{
    return mode & SL_KLD_POW2 ? vf_mul(x, k->rT) : vf_div(x, k->T);
}

SL_INLINE void sl_kld_nan_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    (void)kv, (void)mode, (void)in;
    o->out = vf_set1(NAN);
}

/* the loss terms (sum 0) and, with GRAD, the gradient; s: exp(u - bu),
 * w: exp(s - bs) (scratch rows) */
enum { SL_KLD_GRAD = 2 };

SL_INLINE void sl_kld_loss_el(const void *kv, int mode, const sl_rin *in, sl_rout *o)
{
    const sl_kld_k *k = (const sl_kld_k *)kv;
    const vf q = vf_mul(in->s, k->pu);
    const vf lq = vf_sub(vf_sub(sl_kld_div(k, mode, in->t), k->mu), k->lu);
    const vf ls = vf_sub(vf_sub(sl_kld_div(k, mode, in->x), k->ms), k->ls);
    const vf xlogy = vf_select(vf_eq(q, k->zero), k->zero, vf_mul(q, lq));
    o->sum[0] = vf_sub(xlogy, vf_mul(q, ls));
    if (mode & SL_KLD_GRAD) o->out = vf_mul(vf_sub(vf_mul(in->w, k->ps), q), k->gT);
}

/* The classes [c0, c0 + n) of a row as a row of their own: the driver's
 * passes and sums over it are those of the whole row's block (its sums
 * close at the block's end either way). next: the stream after it, for
 * the prefetches. */
SL_INLINE sl_row sl_kld_block(const sl_row *row, size_t c0, size_t n)
{
    sl_row b = *row;
    const int more = c0 + n < row->C;
    b.C = n;
    b.x = (const float *)row->x + c0;
    b.t = row->t + c0;
    b.grad = row->grad ? (float *)row->grad + c0 : NULL;
    b.next_x = more ? (const float *)b.x + n : row->next_x;
    b.next_t = more ? b.t + n : row->next_t;
    return b;
}

/* A block's shift: its max / T; 0 for a block of -inf (its exps are 0, and
 * its weight exp(-inf - ms) is 0) */
SL_INLINE float sl_kld_shift(float b) { return b == -INFINITY ? 0.0f : b; }

/* The first sweep over one block: shifts to sh[0..1], exp sums to z[0..1];
 * es and eu: the block's scratch. The exps of student and teacher are one
 * loop that stores each group as soon as it is computed (no vector is live
 * across the SLEEF calls), the sums a second loop over the stored values
 * (the canonical lanes, closed at the block's end). */
SL_INLINE void sl_kld_exps(const sl_row *blk, float *es, float *eu, sl_kld_k *k, int mode, float T,
                           float *sh, double *z)
{
    const size_t n = blk->C;
    const float *x = (const float *)blk->x, *t = blk->t;
    sl_l16 mx, mt;
    sl_l16_set(&mx, -INFINITY);
    sl_l16_set(&mt, -INFINITY);
    const sl_rpass mp = {
        .ld = SL_RX | SL_RT, .xpad = -INFINITY, .tpad = -INFINITY, .max = 1, .max2 = 1};
    sl_row_pass(mp, blk, NULL, NULL, k, mode, sl_kld_max_el, NULL, (sl_rloc){.m = &mx, .m2 = &mt});
    sh[0] = sl_l16_max(&mx) / T, sh[1] = sl_l16_max(&mt) / T;

    const vf bs = vf_set1(sl_kld_shift(sh[0])), bu = vf_set1(sl_kld_shift(sh[1]));
    for (size_t c = 0; c < n; c += 16) {
        sl_l16 e;
        if (blk->next_x) __builtin_prefetch((const float *)blk->next_x + c);
        if (blk->next_t) __builtin_prefetch(blk->next_t + c);
        sl_ld16(&e, x, c, n, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++)
            e.v[v] = vf_exp(vf_sub(sl_kld_div(k, mode, e.v[v]), bs));
        sl_scratch16(es, c, n, &e); /* lanes past the block are dropped */
        sl_ld16(&e, t, c, n, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++)
            e.v[v] = vf_exp(vf_sub(sl_kld_div(k, mode, e.v[v]), bu));
        sl_scratch16(eu, c, n, &e);
    }
    sl_rsum zs, zu;
    sl_rsum_init(&zs);
    sl_rsum_init(&zu);
    for (size_t c = 0; c < n; c += 16) {
        sl_l16 a, b;
        sl_ld16(&a, es, c, n, 0.0f, 0);
        sl_ld16(&b, eu, c, n, 0.0f, 0);
        for (unsigned v = 0; v < SL_NV16; v++)
            sl_rsum_add(&zs, v, a.v[v]), sl_rsum_add(&zu, v, b.v[v]);
        sl_rsum_step(&zs, c + 16, n);
        sl_rsum_step(&zu, c + 16, n);
    }
    z[0] = zs.total, z[1] = zu.total;
}

SL_INLINE void sl_kld_row(const sl_rargs *a, const sl_row *row, float *l0, int mode)
{
    const size_t C = row->C, nb = C / SL_RBLOCK + (C % SL_RBLOCK != 0);
    const float T = a->p[0];
    /* the exponentials go to scratch rows, not the gradient row: the gradient
     * may alias the input or the target, which the last pass reads */
    float *eu = a->scratch, *es = a->scratch + C;
    const int grad = row->grad != NULL;
    /* per block: the exp sums of student and teacher (2C floats from a
     * 64-byte aligned start: 8-byte aligned), then their shifts */
    double *z = (double *)(void *)(a->scratch + 2 * C);
    float *sh = (float *)(z + 2 * nb);
    sl_kld_k k;
    k.T = vf_set1(T), k.rT = vf_set1(1.0f / T), k.zero = vf_set1(0.0f);

    float ms = -INFINITY, mu = -INFINITY;
    for (size_t b = 0; b < nb; b++) {
        const size_t c0 = b * SL_RBLOCK, n = C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK;
        const sl_row blk = sl_kld_block(row, c0, n);
        sl_kld_exps(&blk, es + c0, eu + c0, &k, mode, T, sh + 2 * b, z + 2 * b);
        ms = sh[2 * b] > ms ? sh[2 * b] : ms;
        mu = sh[2 * b + 1] > mu ? sh[2 * b + 1] : mu;
    }
    /* the blocks' weights f_b (in place of their shifts) and the sums */
    double Zs = 0.0, Zu = 0.0;
    for (size_t b = 0; b < nb; b++) {
        sh[2 * b] = sl_exp1(sh[2 * b] - ms), sh[2 * b + 1] = sl_exp1(sh[2 * b + 1] - mu);
        Zs += (double)sh[2 * b] * z[2 * b], Zu += (double)sh[2 * b + 1] * z[2 * b + 1];
    }
    const float rZs = 1.0f / (float)Zs, rZu = 1.0f / (float)Zu;

    sl_rsum sl;
    sl_rsum_init(&sl);
    k.ms = vf_set1(ms), k.mu = vf_set1(mu);
    k.ls = vf_set1(sl_log1((float)Zs)), k.lu = vf_set1(sl_log1((float)Zu));
    k.gT = vf_set1(a->gn * T);
    for (size_t b = 0; b < nb; b++) {
        const size_t c0 = b * SL_RBLOCK, n = C - c0 < SL_RBLOCK ? C - c0 : SL_RBLOCK;
        sl_row blk = sl_kld_block(row, c0, n);
        k.ps = vf_set1(sh[2 * b] * rZs), k.pu = vf_set1(sh[2 * b + 1] * rZu);
        if (grad) {
            blk.w = es + c0;
            sl_row_pass(
                (sl_rpass){
                    .ld = SL_RX | SL_RT | SL_RS | SL_RW, .sums = 1, .raw = 1, .out = SL_ROUT_GRAD},
                &blk, eu + c0, blk.grad, &k, mode | SL_KLD_GRAD, sl_kld_loss_el, NULL,
                (sl_rloc){.s = {&sl}});
        } else {
            sl_row_pass((sl_rpass){.ld = SL_RX | SL_RT | SL_RS, .sums = 1, .raw = 1}, &blk, eu + c0,
                        NULL, &k, mode, sl_kld_loss_el, NULL, (sl_rloc){.s = {&sl}});
        }
    }
    *l0 = ((float)sl.total * T) * T;
    if (grad && *l0 != *l0) /* a NaN loss: a NaN gradient, as before the pass knew it */
        sl_row_pass((sl_rpass){.out = SL_ROUT_GRAD}, row, NULL, row->grad, &k, mode, sl_kld_nan_el,
                    NULL, (sl_rloc){.d = NULL});
}

static void k_kl_div_logits_f32(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1)
{
    (void)l1;
    int e;
    if (frexpf(a->p[0], &e) == 0.5f) /* T = 2^(e - 1) */
        sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_kld_row, SL_KLD_POW2);
    else
        sl_rows(a, pos, cnt, l0, SL_RT_FLOAT, 0, sl_kld_row, 0);
}

#else /* the tests' reference and data (tests/class_spec.h) */

static void sl_kl_div_logits_ref(const cr_pos *q, cr_res *r, double *grad, double *gmag,
                                 double *kink, double *sing)
{
    const size_t C = q->classes;
    const double T = (double)q->p->pf[0];
    (void)kink, (void)sing;
    double *s = malloc(2 * (C + 1) * sizeof *s);
    if (!s) abort();
    double *u = s + C + 1;
    for (size_t c = 0; c < C; c++) s[c] = q->x[c] / T, u[c] = q->t[c] / T;
    double ms, Zs, mu, Zu;
    cr_lse(s, C, &ms, &Zs);
    cr_lse(u, C, &mu, &Zu);
    const double lZs = log(Zs), lZu = log(Zu);
    cr_acc v = {0, 0};
    double mag = 0;
    for (size_t c = 0; c < C; c++) {
        const double lq = u[c] - mu - lZu, ls = s[c] - ms - lZs, qc = exp(lq);
        cr_add(&v, qc * (lq - ls));
        /* each log-softmax carries about an ulp of |s - ms| + |log Z| */
        mag += qc * (fabs(lq) + fabs(ls) + fabs(s[c]) + fabs(ms) + fabs(lZs) + fabs(u[c]) +
                     fabs(mu) + fabs(lZu));
    }
    r->value = T * T * cr_get(&v);
    r->mag = T * T * mag + 1e-30;
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        const double pk = exp(s[k] - ms - lZs), qk = exp(u[k] - mu - lZu);
        if (grad) grad[k] = T * (pk - qk);
        /* an exp's relative error is the absolute error of its argument */
        if (gmag)
            gmag[k] = T * (pk * (2.0 + fabs(s[k]) + fabs(ms) + sqrt((double)C) / 4.0) +
                           qk * (2.0 + fabs(u[k]) + fabs(mu)));
    }
    free(s);
}

/* student logits; the teacher's independent, close to the student's, or the
 * same */
static void sl_kl_div_logits_gen(const cs_branch *b, size_t C, uint64_t *s, double *x, double *t,
                                 int64_t *y, int64_t *row)
{
    (void)b, (void)y, (void)row;
    cs_gen_logits(s, x, C);
    const double u = ts_unit(s);
    if (u < 0.6) {
        cs_gen_logits(s, t, C);
    } else if (u < 0.9) {
        for (size_t c = 0; c < C; c++) t[c] = x[c] + 0.5 * ts_N(s);
    } else {
        for (size_t c = 0; c < C; c++) t[c] = x[c];
    }
}

/* terms q (lq - ls): each log-softmax with its shift and log-sum */
static void sl_kl_div_logits_golden(const cr_pos *q, double *lt, double *gt)
{
    const size_t C = q->classes;
    const double T = (double)q->p->pf[0];
    double mx = -INFINITY, mt = -INFINITY;
    for (size_t c = 0; c < C; c++) {
        if (!isfinite(q->x[c]) || !isfinite(q->t[c])) return;
        mx = fmax(mx, q->x[c] / T), mt = fmax(mt, q->t[c] / T);
    }
    double Zs = 0, Zu = 0;
    for (size_t c = 0; c < C; c++) Zs += exp(q->x[c] / T - mx), Zu += exp(q->t[c] / T - mt);
    const double lZs = fabs(log(Zs)), lZu = fabs(log(Zu));
    for (size_t c = 0; c < C; c++) {
        const double qc = exp(q->t[c] / T - mt) / Zu, pc = exp(q->x[c] / T - mx) / Zs;
        const double a = fabs(q->x[c] / T) + fabs(mx) + lZs + fabs(q->t[c] / T) + fabs(mt) + lZu;
        *lt += T * T * qc * (1.0 + a);
        gt[c] = T * (pc * (2.0 + fabs(q->x[c] / T) + fabs(mx) + sqrt((double)C) / 4.0) +
                     qc * (2.0 + fabs(q->t[c] / T) + fabs(mt)));
    }
}

/* pf: temperature */
static const cs_branch sl_kl_div_logits_f32_branches[] = {
    {"T=1", .pf = {1.0f}, .cross = 1},
    {"T=2", .pf = {2.0f}},
    {"T=4", .pf = {4.0f}},
    {"T=0.5", .pf = {0.5f}},
};

/* torch 1.13: F.kl_div(F.log_softmax(x / T, 1), F.softmax(t / T, 1),
 * reduction='batchmean') * T * T (printed float32 values) */
static const double sl_kld_x1[6] = {1, 2, 3, 0.5, -1, 2};
static const double sl_kld_t1[6] = {3, 2, 1, 0.5, 0.5, 0.5};
static const double sl_kld_none1[2] = {1.2806269, 0.71745396};
static const double sl_kld_g1[6] = {-0.3201567,  -2.9802322e-08, 0.32015666,
                                    -0.05473268, -0.2017317,     0.25646433};
static const cs_example sl_kl_div_logits_f32_examples[] = {
    {2, 3, .pf = {2.0f}, .x = sl_kld_x1, .t = sl_kld_t1, .none = sl_kld_none1, .mean = 0.9990406,
     .gmean = sl_kld_g1, .tol = 4e-6}, /* torch's grad[1]: -3e-8 for 0 */
};

CS_SPEC(kl_div_logits_f32, sl_kl_div_logits_gen, sl_kl_div_logits_ref, CS_NONE,
        sl_kl_div_logits_f32_examples, CS_LEN(sl_kl_div_logits_f32_examples),
        sl_kl_div_logits_golden);
#endif
#endif
