/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API contract of every elementwise loss, generated from the registry:
 * status codes and messages, nothing written on EINVAL, every parameter's
 * range at its edges, cyclic-array lengths, EDOMAIN reporting, n == 0, sizes
 * that overflow, the cyclic gradient's sums, the prescan's label
 * conversion, ISA control.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N 37
#define SENTINEL 12345.0f

static float xs[SL_MAX_IN][N], ys[SL_MAX_TGT][N], cycs[SL_MAX_CYC][N];
static float loss[N], grad[SL_MAX_IN][N], gcyc[N];

/* Inputs valid for every loss: probabilities, 0/1 labels, positive cyclic values. */
static void fill_valid(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < SL_MAX_IN; j++) xs[j][i] = 0.05f + 0.9f * (float)((i + 7 * j) % N) / N;
        for (int j = 0; j < SL_MAX_TGT; j++) ys[j][i] = (float)(i % 2);
        for (int j = 0; j < SL_MAX_CYC; j++) cycs[j][i] = 0.5f + (float)i / N;
    }
}

static void fill_sentinel(void)
{
    for (int i = 0; i < N; i++) {
        loss[i] = gcyc[i] = SENTINEL;
        for (int j = 0; j < SL_MAX_IN; j++) grad[j][i] = SENTINEL;
    }
}

static void assert_untouched(const char *what)
{
    for (int i = 0; i < N; i++) {
        ck_assert_msg(loss[i] == SENTINEL, "[%s] %s: loss[%d] written on error", tl_table(), what,
                      i);
        for (int j = 0; j < SL_MAX_IN; j++)
            ck_assert_msg(grad[j][i] == SENTINEL, "[%s] %s: gradient %d [%d] written on error",
                          tl_table(), what, j, i);
        ck_assert_msg(gcyc[i] == SENTINEL, "[%s] %s: cyclic gradient [%d] written", tl_table(),
                      what, i);
    }
}

/* A valid call of loss k on the arrays above: default parameters, cyclic
 * arrays absent (or of length N where required), every output. */
static tl_args valid_args(int k, size_t n, simdloss_reduction red)
{
    const sl_elem_info *L = tl_losses[k].info;
    tl_args a;
    memset(&a, 0, sizeof a);
    a.n = n;
    for (int j = 0; j < L->nin; j++) a.in[j] = xs[j], a.grad[j] = grad[j];
    for (int j = 0; j < L->ntgt; j++) a.tgt[j] = ys[j];
    for (int j = 0; j < L->ncyc; j++)
        if (L->cyc[j].grad) a.cyc[j] = cycs[j], a.cyc_len[j] = N, a.grad_cyc = gcyc;
    for (int j = 0; j < L->npf; j++) a.pf[j] = L->pf[j].def;
    for (int j = 0; j < L->npi; j++) a.pi[j] = L->pi[j].def;
    a.red = red;
    a.loss = loss;
    return a;
}

static void expect_einval(int k, const tl_args *a, const char *needle, const char *what)
{
    fill_sentinel();
    const int rc = tl_losses[k].call(a);
    const char *name = tl_losses[k].info->name, *msg = simdloss_last_error();
    ck_assert_msg(rc == SIMDLOSS_EINVAL, "[%s] %s %s: rc %d, want EINVAL", tl_table(), name, what,
                  rc);
    ck_assert_msg(strstr(msg, tl_fn(k)) != NULL, "[%s] %s: message '%s' lacks %s", tl_table(), what,
                  msg, tl_fn(k));
    ck_assert_msg(strstr(msg, needle) != NULL, "[%s] %s %s: message '%s' lacks '%s'", tl_table(),
                  name, what, msg, needle);
    assert_untouched(what);
}

/* _i: loss _i / tl_ntables() on table _i % tl_ntables() (the tests below) */
#define API_BEGIN                                                                                  \
    const int k = _i / tl_ntables();                                                               \
    const sl_elem_info *L = tl_losses[k].info;                                                     \
    if (!tl_use_table(_i % tl_ntables())) return;                                                  \
    fill_valid()

START_TEST(common_einval)
{
    API_BEGIN;
    for (int r = 0; r < 3; r++) { /* the valid call works */
        tl_args a = valid_args(k, N, (simdloss_reduction)r);
        fill_sentinel();
        ck_assert_msg(tl_losses[k].call(&a) == SIMDLOSS_OK, "[%s] %s valid call: %s", tl_table(),
                      L->name, simdloss_last_error());
    }
    tl_args a = valid_args(k, N, (simdloss_reduction)3);
    expect_einval(k, &a, "reduction", "reduction 3");
    a.red = (simdloss_reduction)-1;
    expect_einval(k, &a, "reduction", "reduction -1");
    for (int r = 0; r < 3; r++) {
        for (int j = 0; j < L->nin; j++) {
            a = valid_args(k, N, (simdloss_reduction)r);
            a.in[j] = NULL;
            expect_einval(k, &a, L->in[j], "NULL input");
        }
        for (int j = 0; j < L->ntgt; j++) {
            a = valid_args(k, N, (simdloss_reduction)r);
            a.tgt[j] = NULL;
            expect_einval(k, &a, L->tgt[j], "NULL target");
        }
        a = valid_args(k, N, (simdloss_reduction)r);
        a.loss = a.grad_cyc = NULL;
        for (int j = 0; j < L->nin; j++) a.grad[j] = NULL;
        expect_einval(k, &a, "NULL", "no outputs");
    }
    /* any single output is enough */
    for (int q = 0; q < L->nin + 1 + (L->ncg > 0); q++) {
        a = valid_args(k, N, SIMDLOSS_SUM);
        a.grad_cyc = NULL;
        for (int j = 0; j < L->nin; j++) a.grad[j] = NULL;
        if (q > 0) a.loss = NULL;
        if (q > 0 && q <= L->nin) a.grad[q - 1] = grad[q - 1];
        if (q == L->nin + 1) a.grad_cyc = gcyc;
        ck_assert_msg(tl_losses[k].call(&a) == SIMDLOSS_OK, "[%s] %s output %d alone: %s",
                      tl_table(), L->name, q, simdloss_last_error());
    }
}
END_TEST

START_TEST(parameter_ranges)
{
    API_BEGIN;
    for (int p = 0; p < L->npf; p++) {
        float v[16];
        const int nbad = tl_out_of_range(&L->pf[p].range, v);
        for (int q = 0; q < nbad; q++)
            for (int r = 0; r < 3; r++) {
                tl_args a = valid_args(k, N, (simdloss_reduction)r);
                a.pf[p] = v[q];
                char what[96];
                snprintf(what, sizeof what, "%s = %g", L->pf[p].name, (double)v[q]);
                expect_einval(k, &a, L->pf[p].name, what);
            }
        const int ngood = tl_in_range(&L->pf[p].range, v);
        for (int q = 0; q < ngood; q++)
            for (int r = 0; r < 3; r++) {
                tl_args a = valid_args(k, N, (simdloss_reduction)r);
                a.pf[p] = v[q];
                const int rc = tl_losses[k].call(&a);
                ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s %s = %g rejected: '%s'", tl_table(),
                              L->name, L->pf[p].name, (double)v[q], simdloss_last_error());
            }
    }
    for (int p = 0; p < L->npi; p++) {
        const int bad[] = {0, 3, -1, 1000};
        const int good[] = {0, 1, -1, 7, 1, 2};
        const int rule = L->pi[p].rule;
        for (int q = 0; rule == SL_I_ONE_TWO && q < 4; q++) {
            tl_args a = valid_args(k, N, SIMDLOSS_MEAN);
            a.pi[p] = bad[q];
            expect_einval(k, &a, L->pi[p].name, "int parameter");
        }
        for (int q = rule == SL_I_ONE_TWO ? 4 : 0; q < 6; q++) {
            tl_args a = valid_args(k, N, SIMDLOSS_MEAN);
            a.pi[p] = good[q];
            ck_assert_msg(tl_losses[k].call(&a) == SIMDLOSS_OK, "[%s] %s %s = %d rejected: '%s'",
                          tl_table(), L->name, L->pi[p].name, good[q], simdloss_last_error());
        }
    }
}
END_TEST

START_TEST(cyclic_lengths)
{
    API_BEGIN;
    for (int j = 0; j < L->ncyc; j++) {
        const sl_cyc_info *c = &L->cyc[j];
        tl_args a = valid_args(k, N, SIMDLOSS_MEAN);
        a.cyc[j] = cycs[j];
        a.cyc_len[j] = 0;
        expect_einval(k, &a, c->len, "length 0");
        a.cyc_len[j] = 5; /* does not divide 37 */
        expect_einval(k, &a, c->len, "length 5");
        a.cyc_len[j] = N + 1;
        expect_einval(k, &a, c->len, "length n + 1");
        for (size_t len = 1; len <= N; len += N - 1) { /* 1 and n divide n */
            a.cyc_len[j] = len;
            ck_assert_msg(tl_losses[k].call(&a) == SIMDLOSS_OK, "[%s] %s %s = %zu: '%s'",
                          tl_table(), L->name, c->len, len, simdloss_last_error());
        }
        if (c->grad) { /* required */
            a = valid_args(k, N, SIMDLOSS_SUM);
            a.cyc[j] = NULL;
            expect_einval(k, &a, c->name, "NULL cyclic array");
        } else { /* NULL: ones */
            a = valid_args(k, N, SIMDLOSS_SUM);
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
        }
    }
    if (L->prescan == SL_PRE_NONNEG_CYC) {
        tl_args a = valid_args(k, N, SIMDLOSS_NONE);
        cycs[0][30] = -0.25f;
        char want[96];
        snprintf(want, sizeof want, "%s[30] = -0.25 is negative", L->cyc[0].name);
        expect_einval(k, &a, want, "negative cyclic value");
        cycs[0][30] = NAN; /* NaN is not negative: NaN out */
        ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
        ck_assert_msg(isnan(loss[30]), "[%s] %s: NaN cyclic value gave %g", tl_table(), L->name,
                      (double)loss[30]);
    }
}
END_TEST

/* The domain error: exact message, first bad index, the pass completes. */
START_TEST(domain_error)
{
    API_BEGIN;
    const ts_spec *sp = ts_specs[k];
    if (!L->has_domain) {
        ck_assert_uint_eq(sp->nbad_inputs, 0);
        return;
    }
    ck_assert_msg(sp->nbad_inputs > 0, "%s has a domain check but no bad inputs", L->name);
    const size_t positions[] = {0, 3, 17, 31, 32, 36};
    for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++)
        for (size_t b = 0; b < sp->nbad_inputs; b++) {
            fill_valid();
            fill_sentinel();
            xs[0][positions[p]] = sp->bad_inputs[b];
            if (positions[p] + 2 < N) xs[0][positions[p] + 2] = sp->bad_inputs[0]; /* a later one */
            tl_args a = valid_args(k, N, SIMDLOSS_NONE);
            const int rc = tl_losses[k].call(&a);
            ck_assert_msg(rc == SIMDLOSS_EDOMAIN, "[%s] rc %d", tl_table(), rc);
            char want[160];
            snprintf(want, sizeof want, "%s: %s[%zu] = %.9g %s", tl_fn(k), L->in[0], positions[p],
                     (double)sp->bad_inputs[b], L->domain);
            ck_assert_msg(!strcmp(simdloss_last_error(), want), "[%s] message '%s', want '%s'",
                          tl_table(), simdloss_last_error(), want);
            /* the pass completed: every element was computed */
            for (int i = 0; i < N; i++)
                ck_assert_msg(loss[i] != SENTINEL && grad[0][i] != SENTINEL,
                              "[%s] loss[%d] not written", tl_table(), i);
            const size_t good = positions[p] == 0 ? 1 : 0;
            ck_assert_msg(isfinite(loss[good]), "[%s] good element not finite", tl_table());
            a.red = SIMDLOSS_MEAN;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_EDOMAIN);
            a.red = SIMDLOSS_SUM;
            a.loss = NULL;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_EDOMAIN);
        }
}
END_TEST

/* n == 0: NONE writes nothing, SUM is 0, MEAN is NaN; NULL data is fine. */
START_TEST(empty_input)
{
    API_BEGIN;
    tl_args a = valid_args(k, 0, SIMDLOSS_NONE);
    for (int j = 0; j < L->nin; j++) a.in[j] = NULL;
    for (int j = 0; j < L->ntgt; j++) a.tgt[j] = NULL;
    a.grad_cyc = NULL;
    fill_sentinel();
    ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
    assert_untouched("n = 0 NONE");
    a.red = SIMDLOSS_SUM;
    ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
    ck_assert_msg(loss[0] == 0.0f && !signbit(loss[0]), "[%s] %s: n = 0 SUM = %g", tl_table(),
                  L->name, (double)loss[0]);
    a.red = SIMDLOSS_MEAN;
    for (int j = 0; j < L->nin; j++) a.grad[j] = NULL;
    ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
    ck_assert_msg(isnan(loss[0]), "[%s] %s: n = 0 MEAN = %g", tl_table(), L->name, (double)loss[0]);
    for (int j = 0; j < L->nin; j++)
        ck_assert_msg(grad[j][0] == SENTINEL, "[%s] %s: n = 0 wrote a gradient", tl_table(),
                      L->name);
}
END_TEST

/* Sizes whose byte counts overflow size_t: no such array can exist, so the
 * call is rejected before any size is computed from them. */
START_TEST(size_overflow)
{
    API_BEGIN;
    const size_t big[] = {SIZE_MAX / sizeof(float) + 1, SIZE_MAX / 3, SIZE_MAX / 2 + 1, SIZE_MAX};
    for (size_t b = 0; b < sizeof big / sizeof big[0]; b++) {
        char what[64];
        snprintf(what, sizeof what, "n = %zu", big[b]);
        for (int r = 0; r < 3; r++) {
            tl_args a = valid_args(k, big[b], (simdloss_reduction)r);
            expect_einval(k, &a, "overflow", what);
        }
        snprintf(what, sizeof what, "n = 0, cyclic length %zu", big[b]);
        for (int j = 0; j < L->ncyc; j++)
            for (int r = 0; r < 3; r++) {
                tl_args a = valid_args(k, 0, (simdloss_reduction)r);
                a.cyc[j] = cycs[j];
                a.cyc_len[j] = big[b];
                expect_einval(k, &a, L->cyc[j].len, what);
            }
    }
}
END_TEST

/* The gradient of a shared cyclic array is the sum over the elements that
 * share each value; the input gradients do not depend on how it is given. */
START_TEST(cyclic_gradient)
{
    API_BEGIN;
    if (!L->ncg) return;
    enum { M = 48 };
    static float x[SL_MAX_IN][M], y[SL_MAX_TGT][M], v[M], vfull[M], gl[M], gfull[M];
    static float g1[SL_MAX_IN][M], g2[SL_MAX_IN][M];
    const ts_branch *b = &ts_specs[k]->branches[0];
    uint64_t s = 12345;
    for (int i = 0; i < M; i++) {
        double in[SL_MAX_IN] = {0}, tgt[SL_MAX_TGT] = {0};
        ts_specs[k]->gen(b, 0, (size_t)i, &s, in, tgt);
        for (int j = 0; j < L->nin; j++) x[j][i] = (float)in[j];
        for (int j = 0; j < L->ntgt; j++) y[j][i] = (float)tgt[j];
        v[i] = 0.25f + (float)(i % 6) * 0.5f;
    }
    const size_t lens[] = {1, 2, 3, 6, 16, 24};
    for (size_t q = 0; q < sizeof lens / sizeof lens[0]; q++) {
        const size_t len = lens[q];
        for (int i = 0; i < M; i++) vfull[i] = v[(size_t)i % len];
        for (int r = 1; r <= 2; r++) {
            tl_args a;
            memset(&a, 0, sizeof a);
            a.n = M;
            for (int j = 0; j < L->nin; j++) a.in[j] = x[j], a.grad[j] = g1[j];
            for (int j = 0; j < L->ntgt; j++) a.tgt[j] = y[j];
            for (int j = 0; j < L->npf; j++) a.pf[j] = L->pf[j].def;
            for (int j = 0; j < L->npi; j++) a.pi[j] = L->pi[j].def;
            a.red = (simdloss_reduction)r;
            float lsum;
            a.loss = &lsum;
            a.cyc[0] = vfull;
            a.cyc_len[0] = M;
            a.grad_cyc = gfull;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
            /* only the cyclic gradient requested */
            a.loss = NULL;
            for (int j = 0; j < L->nin; j++) a.grad[j] = NULL;
            a.cyc[0] = v;
            a.cyc_len[0] = len;
            a.grad_cyc = gl;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
            for (size_t j = 0; j < len; j++) {
                double sum = 0;
                for (size_t i = j; i < M; i += len) sum += gfull[i];
                ck_assert_msg(fabs(gl[j] - sum) <= 1e-6 * fabs(sum) + 1e-7,
                              "[%s] %s len %zu j %zu: %g vs %g", tl_table(), L->name, len, j,
                              (double)gl[j], sum);
            }
            /* the input gradients do not depend on how the array is given */
            for (int j = 0; j < L->nin; j++) a.grad[j] = g2[j];
            a.grad_cyc = NULL;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
            for (int j = 0; j < L->nin; j++)
                ck_assert_msg(!memcmp(g1[j], g2[j], sizeof g1[j]),
                              "[%s] %s: %s differs for length %zu", tl_table(), L->name, L->grad[j],
                              len);
        }
        /* n == 0: every sum is empty, so all len values are written as 0 */
        for (int r = 0; r <= 2; r++) {
            tl_args a;
            memset(&a, 0, sizeof a);
            for (int j = 0; j < L->npf; j++) a.pf[j] = L->pf[j].def;
            a.red = (simdloss_reduction)r;
            a.cyc_len[0] = len;
            a.grad_cyc = gl;
            for (size_t j = 0; j < M; j++) gl[j] = 7.0f;
            ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
            for (size_t j = 0; j < M; j++)
                ck_assert_msg(j < len ? gl[j] == 0.0f && !signbit(gl[j]) : gl[j] == 7.0f,
                              "[%s] %s n = 0, length %zu: gradient [%zu] = %g", tl_table(), L->name,
                              len, j, (double)gl[j]);
        }
    }
}
END_TEST

/* A prescan over every target (Keras' 0/1 labels): the elements' losses are
 * the reference's with the decision the whole call implies, and one label
 * that is not 0 or 1, even in the tail or NaN, changes it for all. */
START_TEST(prescan_targets)
{
    API_BEGIN;
    if (L->prescan != SL_PRE_BINARY_TARGET) return;
    enum { M = 20 };
    for (int tail = 0; tail < 3; tail++) {
        float x[SL_MAX_IN][M], y[SL_MAX_TGT][M], l[M];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < L->nin; j++) x[j][i] = 0.25f;
            for (int j = 0; j < L->ntgt; j++) y[j][i] = (float)(i % 2);
        }
        if (tail == 1) y[0][M - 1] = 0.5f;
        if (tail == 2) y[0][M - 1] = NAN;
        tl_args a;
        memset(&a, 0, sizeof a);
        a.n = M;
        for (int j = 0; j < L->nin; j++) a.in[j] = x[j];
        for (int j = 0; j < L->ntgt; j++) a.tgt[j] = y[j];
        for (int j = 0; j < L->npf; j++) a.pf[j] = L->pf[j].def;
        for (int j = 0; j < L->npi; j++) a.pi[j] = L->pi[j].def;
        a.red = SIMDLOSS_NONE;
        a.loss = l;
        ck_assert_int_eq(tl_losses[k].call(&a), SIMDLOSS_OK);
        for (int i = 0; i < M; i++) {
            ts_elem e;
            ts_ref ref;
            memset(&e, 0, sizeof e);
            for (int j = 0; j < L->nin; j++) e.in[j] = x[j][i];
            for (int j = 0; j < L->ntgt; j++) e.tgt[j] = y[j][i];
            for (int j = 0; j < SL_MAX_CYC; j++) e.cyc[j] = 1.0;
            for (int j = 0; j < L->npf; j++) e.pf[j] = L->pf[j].def;
            for (int j = 0; j < L->npi; j++) e.pi[j] = L->pi[j].def;
            e.flags = tail == 0 ? SL_F_CONVERT : 0;
            tl_ref(k, &e, &ref);
            if (isnan(e.tgt[0])) { /* NaN in, NaN out */
                ck_assert_msg(isnan(l[i]), "[%s] %s: NaN label gave %g", tl_table(), L->name,
                              (double)l[i]);
                continue;
            }
            ck_assert_msg(fabs(l[i] - ref.value) <= 1e-6,
                          "[%s] %s labels case %d: loss[%d] = %g, reference %g", tl_table(),
                          L->name, tail, i, (double)l[i], ref.value);
        }
    }
}
END_TEST

START_TEST(isa_control)
{
    ck_assert_str_eq(simdloss_isa_name(SIMDLOSS_ISA_SCALAR), "scalar");
    ck_assert_str_eq(simdloss_isa_name(SIMDLOSS_ISA_AVX2), "avx2");
    ck_assert_str_eq(simdloss_isa_name(SIMDLOSS_ISA_AVX512), "avx512");
    ck_assert_str_eq(simdloss_isa_name(SIMDLOSS_ISA_NEON), "neon");
    ck_assert_str_eq(simdloss_isa_name((simdloss_isa)9), "unknown");
    ck_assert_int_eq(simdloss_isa_supported(SIMDLOSS_ISA_SCALAR), 1);
    ck_assert_int_eq(simdloss_isa_supported((simdloss_isa)9), 0);
    const simdloss_isa before = simdloss_active_isa();
    ck_assert_int_eq(simdloss_set_isa((simdloss_isa)9), SIMDLOSS_ENOTSUP);
    ck_assert_ptr_nonnull(strstr(simdloss_last_error(), "simdloss_set_isa"));
    ck_assert_int_eq(simdloss_active_isa(), before);
#if defined(__x86_64__)
    ck_assert_int_eq(simdloss_isa_supported(SIMDLOSS_ISA_NEON), 0);
    ck_assert_int_eq(simdloss_set_isa(SIMDLOSS_ISA_NEON), SIMDLOSS_ENOTSUP);
    ck_assert_int_eq(simdloss_active_isa(), before);
#endif
    for (int i = 0; i < TL_NISA; i++)
        if (simdloss_isa_supported((simdloss_isa)i)) {
            ck_assert_int_eq(simdloss_set_isa((simdloss_isa)i), SIMDLOSS_OK);
            ck_assert_int_eq(simdloss_active_isa(), i);
        }
}
END_TEST

START_TEST(status_strings)
{
    ck_assert_str_eq(simdloss_version(), SIMDLOSS_TEST_VERSION);
    const int codes[] = {SIMDLOSS_OK, SIMDLOSS_EINVAL, SIMDLOSS_EDOMAIN, SIMDLOSS_ENOTSUP,
                         SIMDLOSS_ENOMEM};
    for (int a = 0; a < 5; a++) {
        ck_assert_ptr_nonnull(simdloss_strerror(codes[a]));
        for (int b = 0; b < a; b++)
            ck_assert_str_ne(simdloss_strerror(codes[a]), simdloss_strerror(codes[b]));
    }
    ck_assert_str_eq(simdloss_strerror(999), "unknown status");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("contract");
    const int loop = tl_ntables() * TL_NLOSSES;
    tcase_add_loop_test(tc, common_einval, 0, loop);
    tcase_add_loop_test(tc, parameter_ranges, 0, loop);
    tcase_add_loop_test(tc, cyclic_lengths, 0, loop);
    tcase_add_loop_test(tc, domain_error, 0, loop);
    tcase_add_loop_test(tc, empty_input, 0, loop);
    tcase_add_loop_test(tc, size_overflow, 0, loop);
    tcase_add_loop_test(tc, cyclic_gradient, 0, loop);
    tcase_add_loop_test(tc, prescan_targets, 0, loop);
    tcase_add_test(tc, isa_control);
    tcase_add_test(tc, status_strings);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
