/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every NaN any function writes is the canonical quiet NaN 0x7fc00000
 * (bfloat16 0x7fc0), on every runnable ISA, whatever made it:
 *   - NaNs of every kind in the data: negative, with a payload, signalling,
 *     in inputs, targets, weights, pos_weights, variances and alpha arrays;
 *   - NaN parameters: either SIMDLOSS_EINVAL with nothing written, or
 *     accepted with canonical outputs;
 *   - NaNs the arithmetic makes: inf - inf, 0 * inf, the infinite MEAN factor
 *     of a zero weight sum, infinite exponents.
 * The cross-ISA tests compare the tables with each other, so they cannot see
 * a NaN that every table writes with the same wrong bits (the entry points'
 * C code is shared by all of them); this test looks at the bits themselves.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"

#define TN_CANON 0x7fc00000u
#define TN_CANON16 0x7fc0u
#define TN_SENT 12345.0f
#define TN_SENT16 0xA5A5u

/* NaNs that are not canonical (and the canonical one) */
static const uint32_t tn_nans[] = {0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0xffc12345u,
                                   0x7f800001u, 0xff812345u, 0x7fffffffu, 0xffffffffu};
#define TN_NNANS (sizeof tn_nans / sizeof tn_nans[0])

static float tn_nan(size_t k) { return tl_from_bits(tn_nans[k % TN_NNANS]); }

typedef struct {
    long fails;
    char first[400];
} tn_ctx;

static void tn_scan(tn_ctx *t, const char *what, const char *out, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(v[i]) && tl_bits(v[i]) != TN_CANON) {
            if (t->fails++ == 0)
                snprintf(t->first, sizeof t->first, "[%s] %s: %s[%zu] = 0x%08x", tl_table(), what,
                         out, i, (unsigned)tl_bits(v[i]));
            return;
        }
}

static void tn_scan16(tn_ctx *t, const char *what, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((v[i] & 0x7f80u) == 0x7f80u && (v[i] & 0x7fu) && v[i] != TN_CANON16) {
            if (t->fails++ == 0)
                snprintf(t->first, sizeof t->first, "[%s] %s: grad[%zu] = 0x%04x", tl_table(), what,
                         i, (unsigned)v[i]);
            return;
        }
}

static void tn_untouched(tn_ctx *t, const char *what, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tl_bits(v[i]) != tl_bits(TN_SENT)) {
            if (t->fails++ == 0)
                snprintf(t->first, sizeof t->first, "[%s] %s: rejected, but output [%zu] written",
                         tl_table(), what, i);
            return;
        }
}

static void tn_done(const tn_ctx *t, const char *part)
{
    ck_assert_msg(t->fails == 0, "%s: %ld calls wrote a non-canonical NaN; first: %s", part,
                  t->fails, t->first);
}

/* ---- elementwise losses ------------------------------------------------------ */
#define TN_MAXN 1030
static const size_t tn_sizes[] = {1, 5, 16, 37, TN_MAXN};

static float tn_in[SL_MAX_IN][TN_MAXN], tn_tgt[SL_MAX_TGT][TN_MAXN], tn_cyc[SL_MAX_CYC][TN_MAXN];
static float tn_loss[TN_MAXN], tn_grad[SL_MAX_IN][TN_MAXN], tn_gcyc[TN_MAXN];

/* Valid values for every loss (probabilities, binary labels, positive
 * cyclic values), then, when `nans`, every kind of NaN and infinities at
 * spread positions of every input, target and cyclic array. */
static void tn_fill(size_t n, int nans)
{
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < SL_MAX_IN; j++)
            tn_in[j][i] = 0.05f + 0.9f * (float)((i * 7 + (size_t)j * 5) % 19) / 19.0f;
        for (int j = 0; j < SL_MAX_TGT; j++) tn_tgt[j][i] = (float)(i % 2);
        tn_cyc[0][i] = 0.5f + (float)(i % 3);
        tn_cyc[1][i] = 2.0f - (float)(i % 2);
        if (!nans) continue;
        for (int j = 0; j < SL_MAX_IN; j++) {
            if (i % 5 == (size_t)(1 + j)) tn_in[j][i] = tn_nan(i + (size_t)j);
            if (i % 13 == (size_t)(6 + j)) tn_in[j][i] = -INFINITY;
        }
        if (i % 7 == 3) tn_tgt[0][i] = tn_nan(i + 1);
        if (i % 11 == 4) tn_in[0][i] = INFINITY, tn_tgt[0][i] = INFINITY; /* inf - inf */
        if (i % 6 == 2) tn_cyc[0][i] = tn_nan(i + 2);
        if (i % 9 == 5) tn_cyc[1][i] = tn_nan(i + 3);
        if (i % 10 == 7) tn_cyc[0][i] = INFINITY, tn_cyc[1][i] = 0.0f;
    }
    if (nans) { /* the last element too (vector tails) */
        tn_in[0][n - 1] = tn_nan(n);
        tn_cyc[0][n - 1] = tn_nan(n + 1);
    }
}

static void tn_sentinel(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tn_loss[i] = tn_gcyc[i] = TN_SENT;
        for (int j = 0; j < SL_MAX_IN; j++) tn_grad[j][i] = TN_SENT;
    }
}

/* One call of every reduction; NaNs must be canonical, and a rejected call
 * must leave the outputs alone. */
static void tn_elem_call(tn_ctx *t, int k, tl_args *a, const char *what)
{
    const sl_elem_info *L = tl_losses[k].info;
    const size_t n = a->n;
    for (int r = 0; r < 3; r++) {
        char w[240];
        snprintf(w, sizeof w, "%s n=%zu reduction %d", what, n, r);
        tn_sentinel(n);
        a->red = (simdloss_reduction)r;
        a->loss = tn_loss;
        for (int j = 0; j < L->nin; j++) a->grad[j] = tn_grad[j];
        a->grad_cyc = L->ncg ? tn_gcyc : NULL;
        const int rc = tl_losses[k].call(a);
        if (rc == SIMDLOSS_EINVAL) {
            tn_untouched(t, w, tn_loss, n);
            for (int j = 0; j < L->nin; j++) tn_untouched(t, w, tn_grad[j], n);
            continue;
        }
        tn_scan(t, w, "loss", tn_loss, r == SIMDLOSS_NONE ? n : 1);
        for (int j = 0; j < L->nin; j++) tn_scan(t, w, L->grad[j], tn_grad[j], n);
        if (L->ncg) tn_scan(t, w, "cyclic grad", tn_gcyc, a->cyc_len[0]);
    }
}

/* Loss k with parameters pf/pi at size n: clean and NaN data, cyclic arrays
 * absent, of one value (a NaN with NaN data) or n values; then each float
 * parameter a NaN in turn. */
static void tn_elem_params(tn_ctx *t, int k, const float *pf, const int *pi, size_t n)
{
    const sl_elem_info *L = tl_losses[k].info;
    tl_args a;
    memset(&a, 0, sizeof a);
    a.n = n;
    for (int j = 0; j < L->nin; j++) a.in[j] = tn_in[j];
    for (int j = 0; j < L->ntgt; j++) a.tgt[j] = tn_tgt[j];
    memcpy(a.pf, pf, sizeof a.pf);
    memcpy(a.pi, pi, sizeof a.pi);
    char what[200];
    for (int nans = 0; nans < 2; nans++) {
        tn_fill(n, nans);
        for (int al = 0; al < (L->ncyc ? 3 : 1); al++) {
            const size_t len = al == 0 ? 0 : al == 1 ? 1 : n;
            for (int j = 0; j < L->ncyc; j++) {
                a.cyc[j] = len ? tn_cyc[j] + (al == 1 && j == 0 ? n - 1 : 0) : NULL;
                a.cyc_len[j] = len;
            }
            if (L->ncg && !len) continue; /* required */
            snprintf(what, sizeof what, "%s f={%g,%g,%g} i={%d,%d} cyclic length %zu%s", tl_fn(k),
                     (double)a.pf[0], (double)a.pf[1], (double)a.pf[2], a.pi[0], a.pi[1], len,
                     nans ? " NaN data" : "");
            tn_elem_call(t, k, &a, what);
            for (int j = 0; j < L->npf; j++)
                for (size_t q = 0; q < TN_NNANS; q += 3) {
                    tl_args b = a;
                    b.pf[j] = tn_nan(q);
                    char w[240];
                    snprintf(w, sizeof w, "%s, %s = NaN 0x%08x", what, L->pf[j].name, tn_nans[q]);
                    tn_elem_call(t, k, &b, w);
                }
        }
    }
}

/* every branch of every loss, and each float parameter at the infinite ends
 * of its range */
START_TEST(nan_elementwise)
{
    const int k = _i / tl_ntables();
    if (!tl_use_table(_i % tl_ntables())) return;
    const sl_elem_info *L = tl_losses[k].info;
    const ts_spec *sp = ts_specs[k];
    tn_ctx t = {0};
    for (size_t s = 0; s < sizeof tn_sizes / sizeof tn_sizes[0]; s++) {
        for (size_t b = 0; b < sp->nbranches; b++)
            tn_elem_params(&t, k, sp->branches[b].pf, sp->branches[b].pi, tn_sizes[s]);
        for (int j = 0; j < L->npf; j++) {
            const sl_range *r = &L->pf[j].range;
            for (int end = 0; end < 2; end++) {
                const float v = end ? r->hi : r->lo;
                if (!isinf(v) || (end ? r->hi_open : r->lo_open)) continue;
                float pf[SL_MAX_PF];
                memcpy(pf, sp->branches[0].pf, sizeof pf);
                pf[j] = v;
                tn_elem_params(&t, k, pf, sp->branches[0].pi, tn_sizes[s]);
            }
        }
    }
    tn_done(&t, L->name);
}
END_TEST

/* ---- class-dimension losses -------------------------------------------------- */
#define TN_MAXEL 4096
static float tn_cx[TN_MAXEL], tn_ctf[TN_MAXEL], tn_cw[64], tn_calpha[64];
static uint16_t tn_cxb[TN_MAXEL], tn_cgb[TN_MAXEL];
static int64_t tn_cti[TN_MAXEL];
static float tn_closs[TN_MAXEL], tn_cg[TN_MAXEL];

typedef struct {
    size_t B, C, I;
} tn_shape;

/* rows of few and of many classes, both loop shapes, partial vector groups */
static const tn_shape tn_shapes[] = {{3, 5, 1}, {17, 3, 1}, {2, 40, 1}, {1, 1, 1},
                                     {2, 3, 7}, {3, 21, 5}, {1, 33, 1}};

enum { TN_CLEAN, TN_NANS, TN_INFS, TN_NDATA };

static void tn_cfill(int kind, const tn_shape *s, int data)
{
    const size_t n = s->B * s->C * s->I, npos = s->B * s->I;
    for (size_t i = 0; i < n; i++) {
        float v = 0.05f + 0.9f * (float)((i * 7) % 23) / 23.0f;
        float tv = (float)(i % 2);
        if (data == TN_NANS && i % 4 == 1) v = tn_nan(i);
        if (data == TN_NANS && i % 5 == 2) tv = tn_nan(i + 1);
        if (data == TN_INFS && i % 3 == 1) v = i % 2 ? INFINITY : -INFINITY;
        if (data == TN_INFS && i % 7 == 2) tv = INFINITY;
        tn_cx[i] = v;
        tn_cxb[i] = cr_bf16_round(v);
        tn_ctf[i] = tv;
    }
    /* a payload NaN must stay a NaN (not become an infinity) in bfloat16 */
    for (size_t i = 0; i < n; i++)
        if (isnan(tn_cx[i])) tn_cxb[i] = (uint16_t)(0x7f81u | (tl_bits(tn_cx[i]) >> 16));
    if (cr_infos[kind].target == SL_T_LABELS) {
        for (size_t b = 0; b < s->B; b++)
            for (size_t c = 0; c < s->C; c++)
                tn_cti[b * s->C + c] = c < 2 ? (int64_t)((b + c) % s->C) : c == 2 ? -1 : 0;
    } else {
        /* every fourth position ignored (-100, the default ignore_index) */
        const int ign = cr_infos[kind].ignore != NULL;
        for (size_t i = 0; i < npos; i++)
            tn_cti[i] = ign && i % 4 == 3 ? -100 : (int64_t)(i % s->C);
    }
}

/* parameter sets: defaults; NaN weights and alpha with smoothing; zero
 * weights (MEAN divides by a zero sum); NaN margin, p = 2, a non-integer
 * gamma; every target ignored; an infinite gamma */
enum { TN_P_DEFAULT, TN_P_NAN_W, TN_P_ZERO_W, TN_P_NAN_MARGIN, TN_P_ALL_IGNORED, TN_P_INF, TN_NP };

/* a parameter of the loss by name (none if it has no such parameter) */
static void tn_set_pf(cr_params *p, int kind, const char *name, float v)
{
    const int j = cr_pf_index(kind, name);
    if (j >= 0) p->pf[j] = v;
}

static cr_params tn_cparams(int kind, int which, size_t C, size_t k)
{
    cr_params p = cr_default_params(kind);
    for (size_t c = 0; c < C; c++) tn_cw[c] = 0.5f + (float)c, tn_calpha[c] = 0.25f;
    switch (which) {
    case TN_P_NAN_W:
        for (size_t c = 1; c < C; c += 2) tn_cw[c] = tn_calpha[c] = tn_nan(k + c);
        tn_calpha[0] = tn_nan(k);
        p.weight = tn_cw;
        p.alpha = tn_calpha;
        p.alpha_len = k % 2 ? C : 1;
        tn_set_pf(&p, kind, "label_smoothing", 0.1f);
        break;
    case TN_P_ZERO_W:
        for (size_t c = 0; c < C; c++) tn_cw[c] = 0.0f;
        p.weight = tn_cw;
        break;
    case TN_P_NAN_MARGIN:
        tn_set_pf(&p, kind, "margin", tn_nan(k));
        if (cr_pi_index(kind, "p") >= 0) p.pi[cr_pi_index(kind, "p")] = 2;
        tn_set_pf(&p, kind, "gamma", 2.5f);
        break;
    case TN_P_ALL_IGNORED: p.ignore_index = -100; break;
    case TN_P_INF:
        tn_set_pf(&p, kind, "margin", INFINITY);
        tn_set_pf(&p, kind, "gamma", INFINITY);
        tn_set_pf(&p, kind, "label_smoothing", 1.0f);
        break;
    default: break;
    }
    return p;
}

START_TEST(nan_class)
{
    if (!tl_use_table(_i)) return;
    tn_ctx t = {0};
    for (int kind = 0; kind < CR_NKINDS; kind++)
        for (size_t si = 0; si < sizeof tn_shapes / sizeof tn_shapes[0]; si++) {
            if (cr_multi(kind)) continue; /* tests/test_embedding.c */
            tn_shape s = tn_shapes[si];
            if (!cr_infos[kind].inner && s.I > 1) continue;
            const size_t n = s.B * s.C * s.I, npos = s.B * s.I;
            for (int data = 0; data < TN_NDATA; data++)
                for (int pw = 0; pw < TN_NP; pw++) {
                    tn_cfill(kind, &s, data);
                    if (pw == TN_P_ALL_IGNORED) {
                        if (!cr_infos[kind].ignore) continue;
                        for (size_t i = 0; i < npos; i++) tn_cti[i] = -100;
                    }
                    const cr_params p = tn_cparams(kind, pw, s.C, si + (size_t)data);
                    const int bf16 = cr_infos[kind].bf16;
                    for (int r = 0; r < 3; r++) {
                        char what[200];
                        snprintf(what, sizeof what, "%s %zux%zux%zu data %d params %d reduction %d",
                                 cr_infos[kind].fn, s.B, s.C, s.I, data, pw, r);
                        for (size_t i = 0; i < n; i++) tn_closs[i] = tn_cg[i] = TN_SENT;
                        const int rc =
                            cr_call(kind, s.B, s.C, s.I, bf16 ? (const void *)tn_cxb : tn_cx,
                                    tn_cti, tn_ctf, &p, (simdloss_reduction)r, tn_closs,
                                    bf16 ? (void *)tn_cgb : tn_cg);
                        if (rc == SIMDLOSS_EINVAL) {
                            tn_untouched(&t, what, tn_closs, npos);
                            continue;
                        }
                        ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s: rc %d ('%s')", tl_table(), what,
                                      rc, simdloss_last_error());
                        tn_scan(&t, what, "loss", tn_closs, r == SIMDLOSS_NONE ? npos : 1);
                        if (bf16)
                            tn_scan16(&t, what, tn_cgb, n);
                        else
                            tn_scan(&t, what, "grad", tn_cg, n);
                    }
                }
        }
    tn_done(&t, "class-dimension");
}
END_TEST

/* The cases the fuzzer found, by hand. */
START_TEST(nan_nll_weight)
{
    if (!tl_use_table(_i)) return;
    const float x[2] = {0.5f, 0.25f};
    const int64_t tgt[1] = {0};
    for (size_t k = 0; k < TN_NNANS; k++) {
        const float w[2] = {tn_nan(k), 1.0f};
        float loss, grad[2];
        ck_assert_int_eq(simdloss_nll_f32(1, 2, 1, x, tgt, w, -100, SIMDLOSS_SUM, &loss, grad),
                         SIMDLOSS_OK);
        ck_assert_msg(tl_bits(grad[0]) == TN_CANON && tl_bits(loss) == TN_CANON,
                      "[%s] nll weight NaN 0x%08x: loss 0x%08x grad[0] 0x%08x", tl_table(),
                      tn_nans[k], (unsigned)tl_bits(loss), (unsigned)tl_bits(grad[0]));
    }
    /* MEAN over a zero weight sum: 0 times the infinite factor */
    const float w0[2] = {0.0f, 1.0f};
    float loss, grad[2];
    ck_assert_int_eq(simdloss_nll_f32(1, 2, 1, x, tgt, w0, -100, SIMDLOSS_MEAN, &loss, grad),
                     SIMDLOSS_OK);
    ck_assert_msg(tl_bits(grad[0]) == TN_CANON && tl_bits(loss) == TN_CANON,
                  "[%s] nll MEAN zero weight sum: loss 0x%08x grad[0] 0x%08x", tl_table(),
                  (unsigned)tl_bits(loss), (unsigned)tl_bits(grad[0]));
    ck_assert_msg(tl_bits(grad[1]) == 0, "[%s] nll: grad[1] 0x%08x, want +0", tl_table(),
                  (unsigned)tl_bits(grad[1]));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nan");
    TCase *tc = tcase_create("canonical");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, nan_nll_weight, 0, tl_ntables());
    tcase_add_loop_test(tc, nan_elementwise, 0, tl_ntables() * TL_NLOSSES);
    tcase_add_loop_test(tc, nan_class, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
