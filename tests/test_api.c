/*
 * The API contract: status codes and messages, nothing written on EINVAL,
 * EDOMAIN reporting, n == 0, ISA control, gaussian_nll's variance gradient.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define N 37
#define SENTINEL 12345.0f

static float xs[N], ys[N], loss[N], grad[N], gaux[N];

/* Inputs valid for every loss: probabilities, positive variances. */
static void fill_valid(void)
{
    for (int i = 0; i < N; i++) {
        xs[i] = 0.05f + 0.9f * (float)i / N;
        ys[i] = (float)(i % 2);
    }
}

static void fill_sentinel(void)
{
    for (int i = 0; i < N; i++) loss[i] = grad[i] = gaux[i] = SENTINEL;
}

static void assert_untouched(const char *what)
{
    for (int i = 0; i < N; i++) {
        ck_assert_msg(loss[i] == SENTINEL, "[%s] %s: loss[%d] written on error", tl_isa(), what, i);
        ck_assert_msg(grad[i] == SENTINEL, "[%s] %s: grad[%d] written on error", tl_isa(), what, i);
        ck_assert_msg(gaux[i] == SENTINEL, "[%s] %s: grad_var[%d] written", tl_isa(), what, i);
    }
}

/* Default, valid parameters for each loss (var: positive, weights: ones). */
static tl_params default_params(const tl_loss *L)
{
    static float w[N];
    tl_params p = {{0}, {0}, NULL, 0, NULL, 0};
    for (int i = 0; i < N; i++) w[i] = 0.5f + (float)i / N;
    if (!strcmp(L->name, "huber") || !strcmp(L->name, "smooth_l1") ||
        !strcmp(L->name, "hinge_embedding"))
        p.f[0] = 1.0f;
    if (!strcmp(L->name, "binary_focal")) p.f[0] = 2.0f, p.f[1] = 0.25f;
    if (!strcmp(L->name, "sigmoid_focal")) p.f[0] = 0.25f, p.f[1] = 2.0f;
    if (!strcmp(L->name, "poisson_nll")) p.i[0] = 1, p.f[0] = 1e-8f;
    if (!strcmp(L->name, "gaussian_nll")) p.f[0] = 1e-6f, p.aux0 = w, p.aux0_len = N;
    return p;
}

static void expect_einval(const tl_loss *L, size_t n, const float *x, const float *y,
                          const tl_params *p, simdloss_reduction r, int with_loss, int with_grad,
                          const char *needle, const char *what)
{
    fill_sentinel();
    const int rc = L->call(n, x, y, p, r, with_loss ? loss : NULL, with_grad ? grad : NULL,
                           with_grad && p->aux0 && !strcmp(L->name, "gaussian_nll") ? gaux : NULL);
    ck_assert_msg(rc == SIMDLOSS_EINVAL, "[%s] %s %s: rc %d, want EINVAL", tl_isa(), L->name, what,
                  rc);
    const char *msg = simdloss_last_error();
    char fn[64];
    snprintf(fn, sizeof fn, "simdloss_%s_f32", L->name);
    ck_assert_msg(strstr(msg, fn) != NULL, "[%s] %s: message '%s' lacks %s", tl_isa(), what, msg,
                  fn);
    ck_assert_msg(strstr(msg, needle) != NULL, "[%s] %s %s: message '%s' lacks '%s'", tl_isa(),
                  L->name, what, msg, needle);
    assert_untouched(what);
}

START_TEST(common_einval)
{
    if (!tl_use_isa(_i)) return;
    fill_valid();
    for (size_t k = 0; k < tl_nlosses; k++) {
        const tl_loss *L = &tl_losses[k];
        const tl_params p = default_params(L);
        expect_einval(L, N, xs, ys, &p, (simdloss_reduction)3, 1, 1, "reduction", "reduction 3");
        expect_einval(L, N, xs, ys, &p, (simdloss_reduction)-1, 1, 1, "reduction", "reduction -1");
        expect_einval(L, N, NULL, ys, &p, SIMDLOSS_MEAN, 1, 1, "input", "NULL input");
        expect_einval(L, N, xs, NULL, &p, SIMDLOSS_NONE, 1, 1, "target", "NULL target");
        expect_einval(L, N, xs, ys, &p, SIMDLOSS_SUM, 0, 0, "NULL", "no outputs");
    }
}
END_TEST

typedef struct {
    const char *loss;
    float f[3];
    int i[2];
    const char *needle;
} bad_param;

START_TEST(parameter_einval)
{
    if (!tl_use_isa(_i)) return;
    fill_valid();
    const float nan = NAN, inf = INFINITY;
    const bad_param cases[] = {
        {"huber", {0.0f}, {0}, "delta"},
        {"huber", {-1.0f}, {0}, "delta"},
        {"huber", {nan}, {0}, "delta"},
        {"smooth_l1", {-0.5f}, {0}, "beta"},
        {"smooth_l1", {nan}, {0}, "beta"},
        {"ale", {-0.1f, 0, 0}, {0}, "alpha"},
        {"ale", {1.1f, 0, 0}, {0}, "alpha"},
        {"ale", {nan, 0, 0}, {0}, "alpha"},
        {"ale", {0, 0.5f, 0}, {0}, "gamma"},
        {"ale", {0, -1.0f, 0}, {0}, "gamma"},
        {"ale", {0, -inf, 0}, {0}, "gamma"},
        {"ale", {0, nan, 0}, {0}, "gamma"},
        {"ale", {0, 0, 0.6f}, {0}, "label_smoothing"},
        {"ale", {0, 0, -0.1f}, {0}, "label_smoothing"},
        {"binary_focal", {-1.0f, 0.25f, 0}, {0}, "gamma"},
        {"binary_focal", {nan, 0.25f, 0}, {0}, "gamma"},
        {"binary_focal", {2.0f, 1.5f, 0}, {0}, "alpha"},
        {"binary_focal", {2.0f, nan, 0}, {0}, "alpha"},
        {"binary_focal", {2.0f, 0.25f, 1.5f}, {0}, "label_smoothing"},
        {"binary_focal", {2.0f, 0.25f, -0.5f}, {0}, "label_smoothing"},
        {"sigmoid_focal", {0.25f, -2.0f}, {0}, "gamma"},
        {"sigmoid_focal", {1.5f, 2.0f}, {0}, "alpha"},
        {"sigmoid_focal", {0.25f, -inf}, {0}, "gamma"},
        {"sigmoid_focal", {nan, 2.0f}, {0}, "alpha"},
        {"sigmoid_focal", {inf, 2.0f}, {0}, "alpha"},
        {"binary_focal", {-inf, 0.25f, 0}, {0}, "gamma"},
        {"binary_focal", {2.0f, inf, 0}, {0}, "alpha"},
        {"hinge_embedding", {nan}, {0}, "margin"},
        {"poisson_nll", {0.0f}, {1, 0}, "eps"},
        {"poisson_nll", {-1e-8f}, {0, 1}, "eps"},
        {"poisson_nll", {nan}, {1, 1}, "eps"},
        {"gaussian_nll", {0.0f}, {0}, "eps"},
        {"gaussian_nll", {nan}, {1}, "eps"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const tl_loss *L = tl_find(cases[k].loss);
        tl_params p = default_params(L);
        memcpy(p.f, cases[k].f, sizeof p.f);
        memcpy(p.i, cases[k].i, sizeof p.i);
        char what[64];
        snprintf(what, sizeof what, "bad param case %zu", k);
        for (int r = 0; r < 3; r++)
            expect_einval(L, N, xs, ys, &p, (simdloss_reduction)r, 1, 1, cases[k].needle, what);
    }
    /* every value of a stated range is accepted, infinities included (the
     * golden cases check what they compute) */
    const bad_param good[] = {
        {"huber", {inf}, {0}, NULL},
        {"smooth_l1", {inf}, {0}, NULL},
        {"ale", {0, inf, 0}, {0}, NULL},
        {"ale", {1, 1, 0.5f}, {0}, NULL},
        {"binary_focal", {inf, -inf, 1}, {0}, NULL},
        {"binary_focal", {0, 1, 0}, {0}, NULL},
        {"sigmoid_focal", {-inf, inf}, {0}, NULL},
        {"sigmoid_focal", {1, 0}, {0}, NULL},
        {"hinge_embedding", {inf}, {0}, NULL},
        {"hinge_embedding", {-inf}, {0}, NULL},
        {"poisson_nll", {inf}, {0, 1}, NULL},
        {"gaussian_nll", {inf}, {1}, NULL},
    };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        const tl_loss *L = tl_find(good[k].loss);
        tl_params p = default_params(L);
        memcpy(p.f, good[k].f, sizeof p.f);
        memcpy(p.i, good[k].i, sizeof p.i);
        for (int r = 0; r < 3; r++) {
            const int rc = L->call(N, xs, ys, &p, (simdloss_reduction)r, loss, grad, NULL);
            ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s f={%g,%g,%g} rejected: '%s'", tl_isa(),
                          L->name, (double)p.f[0], (double)p.f[1], (double)p.f[2],
                          simdloss_last_error());
        }
    }
}
END_TEST

START_TEST(aux_einval)
{
    if (!tl_use_isa(_i)) return;
    fill_valid();
    float w[N], v[N];
    for (int i = 0; i < N; i++) w[i] = 1.0f, v[i] = 0.5f;
    const tl_loss *bce = tl_find("bce"), *bcel = tl_find("bce_with_logits");
    const tl_loss *gnll = tl_find("gaussian_nll");
    tl_params p = {{0}, {0}, w, 0, NULL, 0};
    expect_einval(bce, N, xs, ys, &p, SIMDLOSS_MEAN, 1, 1, "weight_len", "weight_len 0");
    p.aux0_len = 5; /* does not divide 37 */
    expect_einval(bce, N, xs, ys, &p, SIMDLOSS_MEAN, 1, 1, "weight_len", "weight_len 5");
    expect_einval(bcel, N, xs, ys, &p, SIMDLOSS_SUM, 1, 1, "weight_len", "weight_len 5");
    p = (tl_params){{0}, {0}, NULL, 0, w, 2};
    expect_einval(bcel, N, xs, ys, &p, SIMDLOSS_NONE, 1, 1, "pos_weight_len", "pos_weight_len 2");
    p = (tl_params){{1e-6f}, {0}, NULL, N, NULL, 0};
    expect_einval(gnll, N, xs, ys, &p, SIMDLOSS_MEAN, 1, 1, "var", "NULL var");
    p = (tl_params){{1e-6f}, {0}, v, 3, NULL, 0};
    expect_einval(gnll, N, xs, ys, &p, SIMDLOSS_MEAN, 1, 1, "var_len", "var_len 3");
    v[30] = -0.25f;
    p = (tl_params){{1e-6f}, {0}, v, N, NULL, 0};
    expect_einval(gnll, N, xs, ys, &p, SIMDLOSS_NONE, 1, 1, "var[30] = -0.25 is negative",
                  "negative var");
    /* gaussian_nll: all three outputs NULL */
    v[30] = 0.5f;
    fill_sentinel();
    ck_assert_int_eq(
        simdloss_gaussian_nll_f32(N, xs, ys, v, N, 0, 1e-6f, SIMDLOSS_SUM, NULL, NULL, NULL),
        SIMDLOSS_EINVAL);
    assert_untouched("gaussian no outputs");
}
END_TEST

/* BCE's domain error: exact message, first bad index, the pass completes. */
START_TEST(bce_edomain)
{
    if (!tl_use_isa(_i)) return;
    const size_t positions[] = {0, 3, 17, 31, 32, 36};
    const float bad[] = {1.5f, -0.5f, NAN, INFINITY, 1.0000001f, -1e-30f};
    for (size_t a = 0; a < sizeof positions / sizeof positions[0]; a++)
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            fill_valid();
            fill_sentinel();
            xs[positions[a]] = bad[b];
            if (positions[a] + 2 < N) xs[positions[a] + 2] = 7.0f; /* a later bad one */
            const int rc = simdloss_bce_f32(N, xs, ys, NULL, 0, SIMDLOSS_NONE, loss, grad);
            ck_assert_msg(rc == SIMDLOSS_EDOMAIN, "[%s] rc %d", tl_isa(), rc);
            char want[96];
            snprintf(want, sizeof want, "simdloss_bce_f32: input[%zu] = %.9g is outside [0, 1]",
                     positions[a], (double)bad[b]);
            ck_assert_msg(!strcmp(simdloss_last_error(), want), "[%s] message '%s', want '%s'",
                          tl_isa(), simdloss_last_error(), want);
            /* the pass completed: every element was computed */
            for (int i = 0; i < N; i++)
                ck_assert_msg(loss[i] != SENTINEL && grad[i] != SENTINEL,
                              "[%s] loss[%d] not written", tl_isa(), i);
            const size_t good = positions[a] == 0 ? 1 : 0;
            ck_assert_msg(isfinite(loss[good]), "[%s] good element not finite", tl_isa());
            float m;
            ck_assert_int_eq(simdloss_bce_f32(N, xs, ys, NULL, 0, SIMDLOSS_MEAN, &m, NULL),
                             SIMDLOSS_EDOMAIN);
            ck_assert_int_eq(simdloss_bce_f32(N, xs, ys, NULL, 0, SIMDLOSS_SUM, NULL, grad),
                             SIMDLOSS_EDOMAIN);
        }
    /* the boundary values themselves are in the domain */
    fill_valid();
    xs[0] = 0.0f, xs[1] = 1.0f, xs[2] = -0.0f;
    float m;
    ck_assert_int_eq(simdloss_bce_f32(N, xs, ys, NULL, 0, SIMDLOSS_MEAN, &m, grad), SIMDLOSS_OK);
}
END_TEST

/* n == 0: NONE writes nothing, SUM is 0, MEAN is NaN; NULL data is fine. */
START_TEST(empty_input)
{
    if (!tl_use_isa(_i)) return;
    for (size_t k = 0; k < tl_nlosses; k++) {
        const tl_loss *L = &tl_losses[k];
        tl_params p = default_params(L);
        p.aux0 = p.aux0 ? ys : NULL;
        fill_sentinel();
        ck_assert_int_eq(L->call(0, NULL, NULL, &p, SIMDLOSS_NONE, loss, grad, NULL), SIMDLOSS_OK);
        assert_untouched("n = 0 NONE");
        ck_assert_int_eq(L->call(0, NULL, NULL, &p, SIMDLOSS_SUM, loss, grad, NULL), SIMDLOSS_OK);
        ck_assert_msg(loss[0] == 0.0f && !signbit(loss[0]), "[%s] %s: n = 0 SUM = %g", tl_isa(),
                      L->name, (double)loss[0]);
        ck_assert_int_eq(L->call(0, NULL, NULL, &p, SIMDLOSS_MEAN, loss, NULL, NULL), SIMDLOSS_OK);
        ck_assert_msg(isnan(loss[0]), "[%s] %s: n = 0 MEAN = %g", tl_isa(), L->name,
                      (double)loss[0]);
        ck_assert_msg(grad[0] == SENTINEL, "[%s] %s: n = 0 wrote grad", tl_isa(), L->name);
    }
}
END_TEST

/* Sizes whose byte counts overflow size_t: no such array can exist, so the
 * call is rejected before any size is computed from them (a gaussian_nll
 * with n == 0 wrote var_len * 4 wrapped bytes of zeros). */
START_TEST(size_overflow)
{
    if (!tl_use_isa(_i)) return;
    fill_valid();
    const size_t big[] = {SIZE_MAX / sizeof(float) + 1, SIZE_MAX / 3, SIZE_MAX / 2 + 1, SIZE_MAX};
    for (size_t b = 0; b < sizeof big / sizeof big[0]; b++) {
        char what[64];
        snprintf(what, sizeof what, "n = %zu", big[b]);
        for (size_t k = 0; k < tl_nlosses; k++) {
            const tl_loss *L = &tl_losses[k];
            const tl_params p = default_params(L);
            for (int r = 0; r < 3; r++)
                expect_einval(L, big[b], xs, ys, &p, (simdloss_reduction)r, 1, 1, "overflow", what);
        }
        snprintf(what, sizeof what, "n = 0, aux length %zu", big[b]);
        float w[N];
        for (int i = 0; i < N; i++) w[i] = 1.0f;
        tl_params p = {{0}, {0}, w, big[b], NULL, 0};
        expect_einval(tl_find("bce"), 0, NULL, NULL, &p, SIMDLOSS_SUM, 1, 1, "weight_len", what);
        expect_einval(tl_find("bce_with_logits"), 0, NULL, NULL, &p, SIMDLOSS_SUM, 1, 1,
                      "weight_len", what);
        p = (tl_params){{0}, {0}, NULL, 0, w, big[b]};
        expect_einval(tl_find("bce_with_logits"), 0, NULL, NULL, &p, SIMDLOSS_SUM, 1, 1,
                      "pos_weight_len", what);
        for (int r = 0; r < 3; r++) {
            fill_sentinel();
            const int rc = simdloss_gaussian_nll_f32(0, NULL, NULL, w, big[b], 0, 1e-6f,
                                                     (simdloss_reduction)r, loss, NULL, gaux);
            ck_assert_msg(rc == SIMDLOSS_EINVAL && strstr(simdloss_last_error(), "var_len"),
                          "[%s] gaussian_nll %s: rc %d ('%s')", tl_isa(), what, rc,
                          simdloss_last_error());
            assert_untouched(what);
        }
    }
}
END_TEST

/* grad_var with var_len < n is the sum over the elements sharing a variance. */
START_TEST(gaussian_grad_var)
{
    if (!tl_use_isa(_i)) return;
    enum { M = 48 };
    float x[M], y[M], v[M], vfull[M], gl[M], gfull[M], g1[M], g2[M];
    for (int i = 0; i < M; i++) {
        x[i] = (float)i / 7.0f - 3.0f;
        y[i] = (float)(i % 5) * 0.5f;
        v[i] = 0.25f + (float)(i % 6) * 0.5f;
    }
    const size_t lens[] = {1, 2, 3, 6, 16, 24};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        const size_t len = lens[k];
        for (int i = 0; i < M; i++) vfull[i] = v[i % len];
        for (int r = 1; r <= 2; r++) {
            float lsum;
            ck_assert_int_eq(simdloss_gaussian_nll_f32(M, x, y, vfull, M, 1, 1e-6f,
                                                       (simdloss_reduction)r, &lsum, g1, gfull),
                             SIMDLOSS_OK);
            /* only grad_var requested */
            ck_assert_int_eq(simdloss_gaussian_nll_f32(M, x, y, v, len, 1, 1e-6f,
                                                       (simdloss_reduction)r, NULL, NULL, gl),
                             SIMDLOSS_OK);
            for (size_t j = 0; j < len; j++) {
                double s = 0;
                for (size_t i = j; i < M; i += len) s += gfull[i];
                ck_assert_msg(fabs(gl[j] - s) <= 1e-6 * fabs(s) + 1e-7,
                              "[%s] len %zu j %zu: %g vs %g", tl_isa(), len, j, (double)gl[j], s);
            }
            /* grad_input does not depend on how var is given */
            ck_assert_int_eq(simdloss_gaussian_nll_f32(M, x, y, v, len, 1, 1e-6f,
                                                       (simdloss_reduction)r, NULL, g2, NULL),
                             SIMDLOSS_OK);
            ck_assert_msg(!memcmp(g1, g2, sizeof g1), "[%s] grad_input differs for var_len %zu",
                          tl_isa(), len);
        }
        /* n == 0: every sum is empty, so all var_len values are written as 0 */
        for (int r = 0; r <= 2; r++) {
            for (size_t j = 0; j < M; j++) gl[j] = 7.0f;
            ck_assert_int_eq(simdloss_gaussian_nll_f32(0, NULL, NULL, NULL, len, 0, 1e-6f,
                                                       (simdloss_reduction)r, NULL, NULL, gl),
                             SIMDLOSS_OK);
            for (size_t j = 0; j < M; j++)
                ck_assert_msg(j < len ? gl[j] == 0.0f && !signbit(gl[j]) : gl[j] == 7.0f,
                              "[%s] n = 0, var_len %zu: grad_var[%zu] = %g", tl_isa(), len, j,
                              (double)gl[j]);
        }
    }
}
END_TEST

/* Keras hinge converts labels only when every label of the call is 0 or 1. */
START_TEST(hinge_label_conversion)
{
    if (!tl_use_isa(_i)) return;
    float x[20], y[20], l[20];
    for (int i = 0; i < 20; i++) x[i] = 0.25f, y[i] = (float)(i % 2);
    ck_assert_int_eq(simdloss_hinge_f32(20, x, y, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
    ck_assert_msg(l[0] == 1.25f && l[1] == 0.75f, "[%s] converted: %g %g", tl_isa(), (double)l[0],
                  (double)l[1]);
    y[19] = 0.5f; /* one non-binary label, in the tail */
    ck_assert_int_eq(simdloss_hinge_f32(20, x, y, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
    ck_assert_msg(l[0] == 1.0f && l[1] == 0.75f, "[%s] as-is: %g %g", tl_isa(), (double)l[0],
                  (double)l[1]);
    y[19] = NAN;
    ck_assert_int_eq(simdloss_squared_hinge_f32(20, x, y, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
    ck_assert_msg(l[0] == 1.0f && isnan(l[19]), "[%s] NaN label: %g %g", tl_isa(), (double)l[0],
                  (double)l[19]);
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
    tcase_add_loop_test(tc, common_einval, 0, TL_NISA);
    tcase_add_loop_test(tc, parameter_einval, 0, TL_NISA);
    tcase_add_loop_test(tc, aux_einval, 0, TL_NISA);
    tcase_add_loop_test(tc, bce_edomain, 0, TL_NISA);
    tcase_add_loop_test(tc, empty_input, 0, TL_NISA);
    tcase_add_loop_test(tc, gaussian_grad_var, 0, TL_NISA);
    tcase_add_loop_test(tc, size_overflow, 0, TL_NISA);
    tcase_add_loop_test(tc, hinge_label_conversion, 0, TL_NISA);
    tcase_add_test(tc, isa_control);
    tcase_add_test(tc, status_strings);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
