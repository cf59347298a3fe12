/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The AdaptiveLogSoftmaxWithLoss functions (libsimdloss_linear):
 *   (a) PyTorch 1.13 (golden/linear/adaptive.txt, gen_adaptive.py): output,
 *       loss, the gradients of every parameter and of the input (MEAN and
 *       SUM), log_prob and predict, at the default chunk and one row a chunk;
 *   (b) consistency: output = log_prob at the target; a random larger module
 *       against log_prob and central differences of its own loss;
 *   (c) bits across the simdloss thread configurations and kernel tables;
 *   (d) the contract: PyTorch's conditions on cutoffs, shapes and targets,
 *       before anything is written.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "simdloss_linear.h"
#include "threads.h"

#define AD_MAXK 8

/* A module and its data, as the golden file or the generator gives them. */
typedef struct {
    size_t F, N, K, B;
    size_t cutoffs[AD_MAXK], hidden[AD_MAXK];
    float *x, *hw, *hb, *proj[AD_MAXK], *out[AD_MAXK];
    int64_t *t;
    simdloss_adaptive_softmax m;
} ad_case;

static size_t ad_head(const ad_case *c) { return c->cutoffs[0] + c->K; }
static size_t ad_osz(const ad_case *c, size_t i)
{
    return (i + 1 < c->K ? c->cutoffs[i + 1] : c->N) - c->cutoffs[i];
}

static float *ad_floats(size_t n)
{
    float *p = malloc((n + 1) * sizeof(float));
    ck_assert(p != NULL);
    return p;
}

static void ad_bind(ad_case *c)
{
    c->m = (simdloss_adaptive_softmax){c->F,
                                       c->N,
                                       c->K,
                                       c->cutoffs,
                                       c->hidden,
                                       c->hw,
                                       c->hb,
                                       (const float *const *)c->proj,
                                       (const float *const *)c->out};
}

static void ad_alloc(ad_case *c, int head_bias)
{
    c->x = ad_floats(c->B * c->F);
    c->hw = ad_floats(ad_head(c) * c->F);
    c->hb = head_bias ? ad_floats(ad_head(c)) : NULL;
    for (size_t i = 0; i < c->K; i++) {
        c->proj[i] = ad_floats(c->hidden[i] * c->F);
        c->out[i] = ad_floats(ad_osz(c, i) * c->hidden[i]);
    }
    c->t = malloc((c->B + 1) * sizeof(int64_t));
    ck_assert(c->t != NULL);
    ad_bind(c);
}

static void ad_free(ad_case *c)
{
    free(c->x), free(c->hw), free(c->hb), free(c->t);
    for (size_t i = 0; i < c->K; i++) free(c->proj[i]), free(c->out[i]);
}

/* Gradients of every parameter and the input. */
typedef struct {
    float *gin, *ghw, *ghb, *gproj[AD_MAXK], *gout[AD_MAXK];
    simdloss_adaptive_softmax_grads g;
} ad_grads;

static void ad_grads_alloc(ad_grads *g, const ad_case *c)
{
    g->gin = ad_floats(c->B * c->F);
    g->ghw = ad_floats(ad_head(c) * c->F);
    g->ghb = c->hb ? ad_floats(ad_head(c)) : NULL;
    for (size_t i = 0; i < c->K; i++) {
        g->gproj[i] = ad_floats(c->hidden[i] * c->F);
        g->gout[i] = ad_floats(ad_osz(c, i) * c->hidden[i]);
    }
    g->g = (simdloss_adaptive_softmax_grads){g->ghw, g->ghb, g->gproj, g->gout};
}

static void ad_grads_free(ad_grads *g, const ad_case *c)
{
    free(g->gin), free(g->ghw), free(g->ghb);
    for (size_t i = 0; i < c->K; i++) free(g->gproj[i]), free(g->gout[i]);
}

static void ad_expect(const char *name, const char *what, const float *got, const float *want,
                      size_t n, double rel)
{
    const double s = tl_scale(want, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(tl_close(got[i], want[i], 8, rel, rel * s),
                      "[%s] %s: %s[%zu] = %a, expected %a", tl_table(), name, what, i,
                      (double)got[i], (double)want[i]);
}

/* ---- golden (PyTorch 1.13) --------------------------------------------------------------------
 */

/* A copy of a string (C11 has no strdup). */
static char *ad_dup(const char *t)
{
    const size_t n = strlen(t) + 1;
    char *p = malloc(n);
    ck_assert(p != NULL);
    return memcpy(p, t, n);
}

/* The golden file's lines of one case, by key. */
typedef struct {
    char key[48];
    char *text;
} ad_line;

static char *ad_find(ad_line *l, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(l[i].key, key)) return l[i].text;
    ck_abort_msg("golden key %s missing", key);
    return NULL;
}

static void ad_hex(ad_line *l, int n, const char *key, float *out, size_t count)
{
    char *copy = ad_dup(ad_find(l, n, key));
    ck_assert(copy != NULL);
    ck_assert_uint_eq(tl_hex_floats(copy, out, count), count);
    free(copy);
}

static void ad_ints(const char *text, int64_t *out, size_t count)
{
    char *end = NULL;
    const char *p = text;
    for (size_t i = 0; i < count; i++, p = end) {
        out[i] = strtoll(p, &end, 10);
        ck_assert(end != p);
    }
}

static void ad_golden_case(ad_line *l, int nl)
{
    ad_case c = {0};
    int hb = 0;
    const char *name = ad_find(l, nl, "case");
    ck_assert_int_eq(
        sscanf(ad_find(l, nl, "shape"), "%zu %zu %zu %zu %d", &c.F, &c.N, &c.K, &c.B, &hb), 5);
    ck_assert(c.K <= AD_MAXK);
    int64_t v[AD_MAXK];
    ad_ints(ad_find(l, nl, "cutoffs"), v, c.K);
    for (size_t i = 0; i < c.K; i++) c.cutoffs[i] = (size_t)v[i];
    ad_ints(ad_find(l, nl, "hidden"), v, c.K);
    for (size_t i = 0; i < c.K; i++) c.hidden[i] = (size_t)v[i];
    ad_alloc(&c, hb);
    ad_hex(l, nl, "input", c.x, c.B * c.F);
    ad_hex(l, nl, "head_w", c.hw, ad_head(&c) * c.F);
    if (hb) ad_hex(l, nl, "head_b", c.hb, ad_head(&c));
    char key[48];
    for (size_t i = 0; i < c.K; i++) {
        snprintf(key, sizeof key, "proj%zu", i);
        ad_hex(l, nl, key, c.proj[i], c.hidden[i] * c.F);
        snprintf(key, sizeof key, "out%zu", i);
        ad_hex(l, nl, key, c.out[i], ad_osz(&c, i) * c.hidden[i]);
    }
    ad_ints(ad_find(l, nl, "target"), c.t, c.B);
    float *want = ad_floats(c.B * c.N), *got = ad_floats(c.B * c.N), *out = ad_floats(c.B), loss;
    int64_t *pred = malloc(c.B * 8), *wpred = malloc(c.B * 8);
    ck_assert(pred && wpred);
    ad_grads g;
    ad_grads_alloc(&g, &c);
    for (int chunk = 0; chunk < 2; chunk++) {
        simdloss_linear_set_chunk_bytes(chunk ? 4 : 0); /* one row a chunk */
        for (int r = 0; r < 2; r++) {
            const simdloss_reduction red = r ? SIMDLOSS_SUM : SIMDLOSS_MEAN;
            const char *sfx = r ? "_sum" : "_mean";
            ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, red, out, &loss,
                                                               g.gin, &g.g),
                             SIMDLOSS_OK);
            ad_hex(l, nl, "output", want, c.B);
            ad_expect(name, "output", out, want, c.B, 2e-5);
            if (!r) {
                ad_hex(l, nl, "loss", want, 1);
                ad_expect(name, "loss", &loss, want, 1, 2e-5);
            }
            const struct {
                const char *k;
                float *p;
                size_t n;
            } gs[] = {{"gin", g.gin, c.B * c.F},
                      {"ghw", g.ghw, ad_head(&c) * c.F},
                      {"ghb", g.ghb, hb ? ad_head(&c) : 0}};
            for (int k = 0; k < 3; k++) {
                if (!gs[k].n) continue;
                snprintf(key, sizeof key, "%s%s", gs[k].k, sfx);
                ad_hex(l, nl, key, want, gs[k].n);
                ad_expect(name, key, gs[k].p, want, gs[k].n, 5e-5);
            }
            for (size_t i = 0; i < c.K; i++) {
                snprintf(key, sizeof key, "gproj%zu%s", i, sfx);
                ad_hex(l, nl, key, want, c.hidden[i] * c.F);
                ad_expect(name, key, g.gproj[i], want, c.hidden[i] * c.F, 5e-5);
                snprintf(key, sizeof key, "gout%zu%s", i, sfx);
                ad_hex(l, nl, key, want, ad_osz(&c, i) * c.hidden[i]);
                ad_expect(name, key, g.gout[i], want, ad_osz(&c, i) * c.hidden[i], 5e-5);
            }
        }
        ck_assert_int_eq(simdloss_adaptive_log_prob_f32(&c.m, c.B, c.x, got), SIMDLOSS_OK);
        ad_hex(l, nl, "logprob", want, c.B * c.N);
        ad_expect(name, "log_prob", got, want, c.B * c.N, 2e-5);
        ck_assert_int_eq(simdloss_adaptive_predict_f32(&c.m, c.B, c.x, pred), SIMDLOSS_OK);
        ad_ints(ad_find(l, nl, "predict"), wpred, c.B);
        for (size_t b = 0; b < c.B; b++)
            ck_assert_msg(pred[b] == wpred[b], "[%s] %s: predict[%zu] = %lld, torch %lld",
                          tl_table(), name, b, (long long)pred[b], (long long)wpred[b]);
    }
    simdloss_linear_set_chunk_bytes(0);
    ad_grads_free(&g, &c);
    free(want), free(got), free(out), free(pred), free(wpred);
    ad_free(&c);
}

START_TEST(ad_golden)
{
    if (!tl_use_table(_i)) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/linear/adaptive.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    char *buf = malloc(1 << 20);
    ad_line lines[64];
    int nl = 0, cases = 0;
    ck_assert(buf != NULL);
    while (fgets(buf, 1 << 20, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (buf[0] == '#') continue;
        if (!strcmp(buf, "end")) {
            ad_golden_case(lines, nl);
            for (int i = 0; i < nl; i++) free(lines[i].text);
            nl = 0, cases++;
            continue;
        }
        char *rest = strchr(buf, ' ');
        ck_assert(rest != NULL && nl < 64);
        *rest++ = 0;
        snprintf(lines[nl].key, sizeof lines[nl].key, "%s", buf);
        lines[nl].text = ad_dup(rest);
        ck_assert(lines[nl++].text != NULL);
    }
    fclose(f);
    free(buf);
    ck_assert_int_ge(cases, 6);
}
END_TEST

/* ---- consistency and bits -----------------------------------------------------------------------
 */

/* A random module: in 24, 400 classes, cutoffs {50, 130, 300}, hidden 12, 6,
 * 3, with a head bias; batch rows with targets everywhere. */
static void ad_random(ad_case *c, size_t B, uint64_t seed)
{
    *c = (ad_case){.F = 24, .N = 400, .K = 3, .B = B};
    const size_t cut[3] = {50, 130, 300}, hid[3] = {12, 6, 3};
    memcpy(c->cutoffs, cut, sizeof cut), memcpy(c->hidden, hid, sizeof hid);
    ad_alloc(c, 1);
    uint64_t s = seed;
    for (size_t i = 0; i < c->B * c->F; i++) c->x[i] = (float)tl_rand_normal(&s);
    for (size_t i = 0; i < ad_head(c) * c->F; i++) c->hw[i] = (float)(tl_rand_normal(&s) * 0.3);
    for (size_t i = 0; i < ad_head(c); i++) c->hb[i] = (float)tl_rand_normal(&s);
    for (size_t k = 0; k < c->K; k++) {
        for (size_t i = 0; i < c->hidden[k] * c->F; i++)
            c->proj[k][i] = (float)(tl_rand_normal(&s) * 0.3);
        for (size_t i = 0; i < ad_osz(c, k) * c->hidden[k]; i++)
            c->out[k][i] = (float)tl_rand_normal(&s);
    }
    for (size_t b = 0; b < c->B; b++) c->t[b] = (int64_t)(tl_rand_u64(&s) % c->N);
}

START_TEST(ad_consistency)
{
    if (!tl_use_table(_i)) return;
    ad_case c;
    ad_random(&c, 37, tl_seed("adaptive", "consistency", 0));
    float *lp = ad_floats(c.B * c.N), *out = ad_floats(c.B), loss;
    ad_grads g;
    ad_grads_alloc(&g, &c);
    ck_assert_int_eq(simdloss_adaptive_log_prob_f32(&c.m, c.B, c.x, lp), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, SIMDLOSS_SUM, out,
                                                       &loss, g.gin, &g.g),
                     SIMDLOSS_OK);
    double sum = 0.0;
    for (size_t b = 0; b < c.B; b++) {
        /* every row's probabilities sum to 1; output is log_prob at the target */
        double p = 0.0;
        for (size_t k = 0; k < c.N; k++) p += exp((double)lp[b * c.N + k]);
        ck_assert_msg(fabs(p - 1.0) < 1e-5, "row %zu: probabilities sum to %.9g", b, p);
        ck_assert(fabs(out[b] - lp[b * c.N + (size_t)c.t[b]]) <= 1e-5 * (1.0 + fabs(out[b])));
        sum -= out[b];
    }
    ck_assert(fabs(loss - sum) <= 1e-5 * fabs(sum));
    /* central differences of the SUM loss for some input elements and some
     * weights of every parameter */
    float *params[2 + 2 * AD_MAXK], *grads_of[2 + 2 * AD_MAXK];
    size_t sizes[2 + 2 * AD_MAXK], np = 0;
    params[np] = c.x, grads_of[np] = g.gin, sizes[np++] = c.B * c.F;
    params[np] = c.hw, grads_of[np] = g.ghw, sizes[np++] = ad_head(&c) * c.F;
    params[np] = c.hb, grads_of[np] = g.ghb, sizes[np++] = ad_head(&c);
    for (size_t k = 0; k < c.K; k++) {
        params[np] = c.proj[k], grads_of[np] = g.gproj[k], sizes[np++] = c.hidden[k] * c.F;
        params[np] = c.out[k], grads_of[np] = g.gout[k], sizes[np++] = ad_osz(&c, k) * c.hidden[k];
    }
    uint64_t s = 7;
    for (size_t p = 0; p < np; p++)
        for (int trial = 0; trial < 6; trial++) {
            const size_t j = (size_t)(tl_rand_u64(&s) % sizes[p]);
            const float x0 = params[p][j], h = 0x1p-7f;
            float lp1, lm1;
            params[p][j] = x0 + h;
            ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, SIMDLOSS_SUM,
                                                               NULL, &lp1, NULL, NULL),
                             SIMDLOSS_OK);
            params[p][j] = x0 - h;
            ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, SIMDLOSS_SUM,
                                                               NULL, &lm1, NULL, NULL),
                             SIMDLOSS_OK);
            params[p][j] = x0;
            const double fd = ((double)lp1 - (double)lm1) / (2.0 * (double)h);
            ck_assert_msg(fabs(fd - grads_of[p][j]) <= 2e-3 * (1.0 + fabs(fd)) + 5e-3,
                          "[%s] parameter %zu element %zu: gradient %.6g, central difference %.6g",
                          tl_table(), p, j, (double)grads_of[p][j], fd);
        }
    ad_grads_free(&g, &c);
    free(lp), free(out);
    ad_free(&c);
}
END_TEST

static uint64_t ad_bits(int threads_config)
{
    ad_case c;
    ad_random(&c, 300, tl_seed("adaptive", "bits", 0));
    float *lp = ad_floats(c.B * c.N), *out = ad_floats(c.B), loss;
    int64_t *pred = malloc(c.B * 8);
    ck_assert(pred != NULL);
    ad_grads g;
    ad_grads_alloc(&g, &c);
    simdloss_linear_set_chunk_bytes(29 * c.N * 4);
    if (threads_config >= 0) tl_threads_set(threads_config);
    ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, SIMDLOSS_MEAN, out,
                                                       &loss, g.gin, &g.g),
                     SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_adaptive_log_prob_f32(&c.m, c.B, c.x, lp), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_adaptive_predict_f32(&c.m, c.B, c.x, pred), SIMDLOSS_OK);
    tl_threads_set(-1);
    simdloss_linear_set_chunk_bytes(0);
    uint64_t h = TL_HASH_START;
    h = tl_hash_bytes(h, out, c.B * 4);
    h = tl_hash_bytes(h, &loss, 4);
    h = tl_hash_bytes(h, g.gin, c.B * c.F * 4);
    h = tl_hash_bytes(h, g.ghw, ad_head(&c) * c.F * 4);
    h = tl_hash_bytes(h, g.ghb, ad_head(&c) * 4);
    for (size_t k = 0; k < c.K; k++) {
        h = tl_hash_bytes(h, g.gproj[k], c.hidden[k] * c.F * 4);
        h = tl_hash_bytes(h, g.gout[k], ad_osz(&c, k) * c.hidden[k] * 4);
    }
    h = tl_hash_bytes(h, lp, c.B * c.N * 4);
    h = tl_hash_bytes(h, pred, c.B * 8);
    ad_grads_free(&g, &c);
    free(lp), free(out), free(pred);
    ad_free(&c);
    return h;
}

/* Every NaN written is the canonical one, also where the BLAS's products
 * carry an input's payload (a signalling NaN in the input, in a weight). */
static void ad_expect_canon(const char *what, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(v[i] == v[i] || tl_bits(v[i]) == 0x7fc00000u,
                      "[%s] %s[%zu] = 0x%08x, a NaN other than 0x7fc00000", tl_table(), what, i,
                      tl_bits(v[i]));
}

START_TEST(ad_nan)
{
    if (!tl_use_table(_i)) return;
    ad_case c;
    ad_random(&c, 9, tl_seed("adaptive", "nan", 0));
    const uint32_t payload = 0xffa00001u; /* negative, signalling */
    memcpy(&c.x[3 * c.F + 2], &payload, 4);
    memcpy(&c.out[1][5], &payload, 4);
    float *lp = ad_floats(c.B * c.N), *out = ad_floats(c.B), loss;
    ad_grads g;
    ad_grads_alloc(&g, &c);
    simdloss_linear_set_chunk_bytes(4 * c.N * 4);
    for (size_t b = 0; b < c.B; b++) c.t[b] = (int64_t)(b * 47 % c.N);
    ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, c.B, c.x, c.t, SIMDLOSS_SUM, out,
                                                       &loss, g.gin, &g.g),
                     SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_adaptive_log_prob_f32(&c.m, c.B, c.x, lp), SIMDLOSS_OK);
    simdloss_linear_set_chunk_bytes(0);
    ck_assert(loss != loss);
    ad_expect_canon("loss", &loss, 1);
    ad_expect_canon("output", out, c.B);
    ad_expect_canon("grad_input", g.gin, c.B * c.F);
    ad_expect_canon("grad head_weight", g.ghw, ad_head(&c) * c.F);
    ad_expect_canon("grad head_bias", g.ghb, ad_head(&c));
    for (size_t k = 0; k < c.K; k++) {
        ad_expect_canon("grad tail_proj", g.gproj[k], c.hidden[k] * c.F);
        ad_expect_canon("grad tail_out", g.gout[k], ad_osz(&c, k) * c.hidden[k]);
    }
    ad_expect_canon("log_prob", lp, c.B * c.N);
    ck_assert(lp[3 * c.N] != lp[3 * c.N]);
    ad_grads_free(&g, &c);
    free(lp), free(out);
    ad_free(&c);
}
END_TEST

START_TEST(ad_bitwise) { tl_check_bits_everywhere(ad_bits); }
END_TEST

/* ---- contract ---------------------------------------------------------------------------------
 */

START_TEST(ad_contract)
{
    if (!tl_use_table(_i)) return;
    ad_case c;
    ad_random(&c, 5, tl_seed("adaptive", "contract", 0));
    float out[5], loss = 7.0f, gin[5 * 24];
    ad_grads g;
    ad_grads_alloc(&g, &c);
#define AD_ERR(code, text, call)                                                                   \
    do {                                                                                           \
        memset(out, 0x55, sizeof out), memset(gin, 0x55, sizeof gin), loss = 7.0f;                 \
        g.ghw[0] = 7.0f;                                                                           \
        ck_assert_int_eq(call, code);                                                              \
        ck_assert_msg(strstr(simdloss_last_error(), text), "message: %s", simdloss_last_error());  \
        ck_assert(tl_bits(out[0]) == 0x55555555u && tl_bits(gin[0]) == 0x55555555u &&              \
                  loss == 7.0f && g.ghw[0] == 7.0f);                                               \
    } while (0)
#define AD_CALL(mm, t, red)                                                                        \
    simdloss_adaptive_log_softmax_f32(mm, 5, c.x, t, red, out, &loss, gin, &g.g)
    const simdloss_reduction M = SIMDLOSS_MEAN;
    AD_ERR(SIMDLOSS_EINVAL, "reduction = 5", AD_CALL(&c.m, c.t, (simdloss_reduction)5));
    AD_ERR(SIMDLOSS_EINVAL, "module is NULL", AD_CALL(NULL, c.t, M));
    simdloss_adaptive_softmax bad = c.m;
    size_t cut[3] = {50, 50, 300};
    bad.cutoffs = cut;
    AD_ERR(SIMDLOSS_EINVAL, "cutoffs[1] = 50", AD_CALL(&bad, c.t, M));
    cut[1] = 130, cut[0] = 0;
    AD_ERR(SIMDLOSS_EINVAL, "cutoffs[0] = 0", AD_CALL(&bad, c.t, M));
    cut[0] = 50, cut[2] = 400;
    AD_ERR(SIMDLOSS_EINVAL, "cutoffs[2] = 400", AD_CALL(&bad, c.t, M));
    cut[2] = 300;
    bad.n_clusters = 0;
    AD_ERR(SIMDLOSS_EINVAL, "n_clusters = 0", AD_CALL(&bad, c.t, M));
    bad.n_clusters = 3, bad.n_classes = 1;
    AD_ERR(SIMDLOSS_EINVAL, "n_classes = 1", AD_CALL(&bad, c.t, M));
    bad = c.m, bad.head_weight = NULL;
    AD_ERR(SIMDLOSS_EINVAL, "head_weight is NULL", AD_CALL(&bad, c.t, M));
    const float *none[3] = {c.proj[0], NULL, c.proj[2]};
    bad = c.m, bad.tail_proj = none;
    AD_ERR(SIMDLOSS_EINVAL, "tail_proj[1] is NULL", AD_CALL(&bad, c.t, M));
    bad = c.m, bad.head_bias = NULL;
    AD_ERR(SIMDLOSS_EINVAL, "without a head bias", AD_CALL(&bad, c.t, M));
    AD_ERR(SIMDLOSS_EINVAL, "target is NULL", AD_CALL(&c.m, NULL, M));
    AD_ERR(SIMDLOSS_EINVAL, "no output",
           simdloss_adaptive_log_softmax_f32(&c.m, 5, c.x, c.t, M, NULL, NULL, NULL, NULL));
    c.t[4] = 400;
    AD_ERR(SIMDLOSS_EDOMAIN, "target[4] = 400", AD_CALL(&c.m, c.t, M));
    c.t[4] = -1;
    AD_ERR(SIMDLOSS_EDOMAIN, "target[4] = -1", AD_CALL(&c.m, c.t, M));
    c.t[4] = 3;
    AD_ERR(SIMDLOSS_EINVAL, "log_probs is NULL",
           simdloss_adaptive_log_prob_f32(&c.m, 5, c.x, NULL));
    AD_ERR(SIMDLOSS_EINVAL, "predicted is NULL", simdloss_adaptive_predict_f32(&c.m, 5, c.x, NULL));
#undef AD_CALL
#undef AD_ERR
    /* empty batch: MEAN NaN, SUM 0, zero parameter gradients */
    g.ghw[0] = 7.0f;
    ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, 0, NULL, NULL, SIMDLOSS_MEAN, NULL,
                                                       &loss, NULL, &g.g),
                     SIMDLOSS_OK);
    ck_assert(isnan(loss) && g.ghw[0] == 0.0f);
    ck_assert_int_eq(simdloss_adaptive_log_softmax_f32(&c.m, 0, NULL, NULL, SIMDLOSS_SUM, NULL,
                                                       &loss, NULL, NULL),
                     SIMDLOSS_OK);
    ck_assert(loss == 0.0f);
    /* a success leaves the last error as it was */
    char before[256];
    snprintf(before, sizeof before, "%s", simdloss_last_error());
    ck_assert_int_eq(
        simdloss_adaptive_log_softmax_f32(&c.m, 5, c.x, c.t, SIMDLOSS_NONE, out, gin, NULL, NULL),
        SIMDLOSS_OK);
    ck_assert_str_eq(simdloss_last_error(), before);
    ad_grads_free(&g, &c);
    ad_free(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("adaptive_log_softmax");
    TCase *tc = tcase_create("adaptive_log_softmax");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, ad_golden, 0, tl_ntables());
    tcase_add_loop_test(tc, ad_consistency, 0, tl_ntables());
    tcase_add_test(tc, ad_bitwise);
    tcase_add_loop_test(tc, ad_nan, 0, tl_ntables());
    tcase_add_loop_test(tc, ad_contract, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
