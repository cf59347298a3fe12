/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_linear_cross_entropy_f32 (libsimdloss_linear):
 *   (a) PyTorch 1.13 (golden/linear/linear_ce.txt, gen_linear_ce.py):
 *       F.linear + the options + F.cross_entropy, every gradient, at chunk
 *       sizes of one row, three rows and the whole batch;
 *   (b) the unfused path it replaces (cblas_sgemm, the core's
 *       simdloss_cross_entropy_ex_f32, two sgemm): with one chunk its
 *       per-row losses are that path's bits, everything else within rounding;
 *   (c) bits across the simdloss thread configurations and kernel tables
 *       (the BLAS fixed), output subsets;
 *   (d) the contract: every check before anything is written, ENOMEM.
 */
#include <cblas.h>
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "simdloss_linear.h"
#include "threads.h"

#define LC_IGN (-100)

typedef struct {
    size_t B, D, V;
    float ls, z, cap;
    float *h, *w, *b; /* b NULL: no bias */
    int64_t *t;
} lc_case;

typedef struct {
    float *none, sum, mean, *gh, *gw, *gb, *lse;
    int64_t *am;
} lc_out;

static void lc_alloc(lc_case *c, int has_bias)
{
    c->h = malloc((c->B * c->D + 1) * 4);
    c->w = malloc((c->V * c->D + 1) * 4);
    c->b = has_bias ? malloc(c->V * 4) : NULL;
    c->t = malloc((c->B + 1) * 8);
    ck_assert(c->h && c->w && (!has_bias || c->b) && c->t);
}

static void lc_free(lc_case *c) { free(c->h), free(c->w), free(c->b), free(c->t); }

static void lc_make(lc_case *c, size_t B, size_t D, size_t V, int has_bias, float ls, float z,
                    float cap, uint64_t seed)
{
    *c = (lc_case){B, D, V, ls, z, cap, NULL, NULL, NULL, NULL};
    lc_alloc(c, has_bias);
    uint64_t s = seed;
    for (size_t i = 0; i < B * D; i++) c->h[i] = (float)tl_rand_normal(&s);
    for (size_t i = 0; i < V * D; i++)
        c->w[i] = (float)(tl_rand_normal(&s) * 2.0 / sqrt((double)D));
    for (size_t v = 0; has_bias && v < V; v++) c->b[v] = (float)tl_rand_normal(&s);
    for (size_t r = 0; r < B; r++) c->t[r] = r % 4 == 1 ? LC_IGN : (int64_t)(tl_rand_u64(&s) % V);
}

static void lc_out_alloc(lc_out *o, const lc_case *c)
{
    o->none = malloc((c->B + 1) * 4);
    o->gh = malloc((c->B * c->D + 1) * 4);
    o->gw = malloc((c->V * c->D + 1) * 4);
    o->gb = malloc((c->V + 1) * 4);
    o->lse = malloc((c->B + 1) * 4);
    o->am = malloc((c->B + 1) * 8);
    ck_assert(o->none && o->gh && o->gw && o->gb && o->lse && o->am);
}

static void lc_out_free(lc_out *o)
{
    free(o->none), free(o->gh), free(o->gw), free(o->gb), free(o->lse), free(o->am);
}

static int lc_call(const lc_case *c, simdloss_reduction red, float *loss, float *gh, float *gw,
                   float *gb, float *lse, int64_t *am)
{
    const simdloss_ce_options o = {c->z, c->cap, lse, am};
    return simdloss_linear_cross_entropy_f32(c->B, c->D, c->V, c->h, c->w, c->b, c->t, LC_IGN,
                                             c->ls, &o, red, loss, gh, gw, c->b ? gb : NULL);
}

/* Every output: NONE with lse and argmax, SUM and MEAN with every gradient
 * (o->gh... hold MEAN's). */
static void lc_all(const lc_case *c, lc_out *o, float *gh_sum, float *gw_sum, float *gb_sum)
{
    ck_assert_int_eq(lc_call(c, SIMDLOSS_NONE, o->none, NULL, NULL, NULL, o->lse, o->am),
                     SIMDLOSS_OK);
    ck_assert_int_eq(lc_call(c, SIMDLOSS_SUM, &o->sum, gh_sum, gw_sum, gb_sum, NULL, NULL),
                     SIMDLOSS_OK);
    ck_assert_int_eq(lc_call(c, SIMDLOSS_MEAN, &o->mean, o->gh, o->gw, o->gb, NULL, NULL),
                     SIMDLOSS_OK);
}

static int lc_near(float got, float want, double scale, double rel)
{
    return tl_close(got, want, 8, rel, rel * scale);
}

static void lc_expect(const char *what, const char *name, const float *got, const float *want,
                      size_t n, double rel)
{
    const double s = tl_scale(want, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(lc_near(got[i], want[i], s, rel), "[%s] %s: %s[%zu] = %a, expected %a",
                      tl_table(), name, what, i, (double)got[i], (double)want[i]);
}

/* ---- golden (PyTorch 1.13) --------------------------------------------------------------------
 */

START_TEST(lc_golden)
{
    if (!tl_use_table(_i)) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/linear/linear_ce.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    const size_t cap = 1 << 15;
    char *line = malloc(1 << 20);
    float *g[8], opts[3], sum = 0, mean = 0;
    int64_t *gam = malloc(cap * 8);
    for (int k = 0; k < 8; k++) ck_assert((g[k] = malloc(cap * 4)) != NULL);
    float *none = g[0], *gh_s = g[1], *gw_s = g[2], *gb_s = g[3], *gh_m = g[4], *gw_m = g[5],
          *gb_m = g[6], *glse = g[7];
    ck_assert(line && gam);
    lc_case c = {0};
    char name[128] = "";
    int cases = 0;
    while (fgets(line, 1 << 20, f)) {
        line[strcspn(line, "\n")] = 0;
        char *rest = strchr(line, ' ');
        if (rest) *rest++ = 0;
        if (!strcmp(line, "case")) {
            snprintf(name, sizeof name, "%s", rest);
        } else if (!strcmp(line, "shape")) {
            long long ign;
            int has_bias;
            ck_assert_int_eq(sscanf(rest, "%zu %zu %zu %lld %d", &c.B, &c.D, &c.V, &ign, &has_bias),
                             5);
            ck_assert_int_eq(ign, LC_IGN);
            lc_alloc(&c, has_bias);
        } else if (!strcmp(line, "opts")) {
            ck_assert_uint_eq(tl_hex_floats(rest, opts, 3), 3);
            c.ls = opts[0], c.z = opts[1], c.cap = opts[2];
        } else if (!strcmp(line, "h")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.h, c.B * c.D), c.B * c.D);
        } else if (!strcmp(line, "w")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.w, c.V * c.D), c.V * c.D);
        } else if (!strcmp(line, "b")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.b, c.V), c.V);
        } else if (!strcmp(line, "t") || !strcmp(line, "argmax")) {
            int64_t *dst = line[0] == 't' ? c.t : gam;
            char *save = NULL;
            size_t n = 0;
            for (char *tok = strtok_r(rest, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                dst[n++] = strtoll(tok, NULL, 10);
            ck_assert_uint_eq(n, c.B);
        } else if (strcmp(line, "end") != 0) {
            static const char *const keys[] = {"none",    "gh_sum",  "gw_sum", "gb_sum", "gh_mean",
                                               "gw_mean", "gb_mean", "lse",    "sum",    "mean"};
            for (int k = 0; k < 10; k++)
                if (!strcmp(line, keys[k]))
                    tl_hex_floats(rest, k < 8 ? g[k] : k == 8 ? &sum : &mean, k < 8 ? cap : 1);
        } else {
            lc_out o;
            lc_out_alloc(&o, &c);
            float *gh = malloc((c.B * c.D + 1) * 4), *gw = malloc((c.V * c.D + 1) * 4),
                  *gb = malloc((c.V + 1) * 4);
            ck_assert(gh && gw && gb);
            /* one row per chunk, three rows (a boundary inside the batch),
             * the whole batch */
            const size_t chunks[3] = {c.V * 4, 3 * c.V * 4, 0};
            for (int k = 0; k < 3; k++) {
                simdloss_linear_set_chunk_bytes(chunks[k]);
                lc_all(&c, &o, gh, gw, gb);
                lc_expect("none", name, o.none, none, c.B, 2e-5);
                lc_expect("lse", name, o.lse, glse, c.B, 2e-6);
                for (size_t r = 0; r < c.B; r++)
                    ck_assert_msg(o.am[r] == gam[r], "[%s] %s: argmax[%zu]", tl_table(), name, r);
                lc_expect("sum", name, &o.sum, &sum, 1, 2e-5);
                lc_expect("mean", name, &o.mean, &mean, 1, 2e-5);
                lc_expect("grad_hidden (SUM)", name, gh, gh_s, c.B * c.D, 5e-5);
                lc_expect("grad_weight (SUM)", name, gw, gw_s, c.V * c.D, 5e-5);
                lc_expect("grad_hidden (MEAN)", name, o.gh, gh_m, c.B * c.D, 5e-5);
                lc_expect("grad_weight (MEAN)", name, o.gw, gw_m, c.V * c.D, 5e-5);
                if (c.b) {
                    lc_expect("grad_bias (SUM)", name, gb, gb_s, c.V, 5e-5);
                    lc_expect("grad_bias (MEAN)", name, o.gb, gb_m, c.V, 5e-5);
                }
            }
            simdloss_linear_set_chunk_bytes(0);
            free(gh), free(gw), free(gb);
            lc_out_free(&o);
            lc_free(&c);
            c = (lc_case){0};
            cases++;
        }
    }
    fclose(f);
    ck_assert_int_ge(cases, 7);
    for (int k = 0; k < 8; k++) free(g[k]);
    free(line), free(gam);
}
END_TEST

/* ---- the unfused path -------------------------------------------------------------------------
 */

START_TEST(lc_unfused)
{
    if (!tl_use_table(_i)) return;
    static const size_t shapes[][3] = {{9, 16, 301}, {40, 8, 70}, {3, 33, 2000}};
    for (size_t k = 0; k < 3; k++)
        for (int v = 0; v < 2; v++) {
            lc_case c;
            lc_make(&c, shapes[k][0], shapes[k][1], shapes[k][2], v, v ? 0.1f : 0.0f,
                    v ? 1e-3f : 0.0f, v ? 20.0f : 0.0f, tl_seed("linear_ce", "unfused", k * 2 + v));
            const size_t B = c.B, D = c.D, V = c.V;
            float *x = malloc(B * V * 4), *rl = malloc(B * 4), *rh = malloc(B * D * 4),
                  *rw = malloc(V * D * 4), *rb = malloc(V * 4), *l = malloc(B * 4), rsum;
            lc_out o;
            lc_out_alloc(&o, &c);
            ck_assert(x && rl && rh && rw && rb && l);
            /* logits as the library makes them with one chunk */
            for (size_t r = 0; r < B; r++)
                for (size_t j = 0; j < V; j++) x[r * V + j] = c.b ? c.b[j] : 0.0f;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)V, (int)D, 1.0f, c.h,
                        (int)D, c.w, (int)D, c.b ? 1.0f : 0.0f, x, (int)V);
            const simdloss_ce_options opt = {c.z, c.cap, NULL, NULL};
            ck_assert_int_eq(simdloss_cross_entropy_ex_f32(B, V, 1, x, c.t, NULL, LC_IGN, c.ls,
                                                           &opt, SIMDLOSS_NONE, rl, NULL),
                             SIMDLOSS_OK);
            ck_assert_int_eq(simdloss_cross_entropy_ex_f32(B, V, 1, x, c.t, NULL, LC_IGN, c.ls,
                                                           &opt, SIMDLOSS_SUM, &rsum, x),
                             SIMDLOSS_OK);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)D, (int)V, 1.0f, x,
                        (int)V, c.w, (int)D, 0.0f, rh, (int)D);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)V, (int)D, (int)B, 1.0f, x,
                        (int)V, c.h, (int)D, 0.0f, rw, (int)D);
            for (size_t j = 0; j < V; j++) {
                double s = 0.0;
                for (size_t r = 0; r < B; r++) s += x[r * V + j];
                rb[j] = (float)s;
            }
            simdloss_linear_set_chunk_bytes(B * V * 4);
            ck_assert_int_eq(lc_call(&c, SIMDLOSS_NONE, l, NULL, NULL, NULL, NULL, NULL),
                             SIMDLOSS_OK);
            ck_assert_msg(!memcmp(l, rl, B * 4),
                          "[%s] shape %zu: per-row losses differ from the "
                          "unfused path's",
                          tl_table(), k);
            ck_assert_int_eq(lc_call(&c, SIMDLOSS_SUM, &o.sum, o.gh, o.gw, o.gb, NULL, NULL),
                             SIMDLOSS_OK);
            simdloss_linear_set_chunk_bytes(0);
            lc_expect("sum", "unfused", &o.sum, &rsum, 1, 1e-6);
            lc_expect("grad_hidden", "unfused", o.gh, rh, B * D, 1e-6);
            lc_expect("grad_weight", "unfused", o.gw, rw, V * D, 1e-6);
            if (c.b) lc_expect("grad_bias", "unfused", o.gb, rb, V, 1e-6);
            free(x), free(rl), free(rh), free(rw), free(rb), free(l);
            lc_out_free(&o);
            lc_free(&c);
        }
}
END_TEST

/* ---- bits -------------------------------------------------------------------------------------
 */

static uint64_t lc_bits(int threads_config)
{
    uint64_t h = TL_HASH_START;
    for (int v = 0; v < 2; v++) {
        lc_case c;
        lc_make(&c, 300, 24, 700, v, v ? 0.1f : 0.0f, 1e-3f, v ? 10.0f : 0.0f,
                tl_seed("linear_ce", "bits", (uint64_t)v));
        lc_out o;
        lc_out_alloc(&o, &c);
        simdloss_linear_set_chunk_bytes(37 * c.V * 4);
        if (threads_config >= 0) tl_threads_set(threads_config);
        lc_all(&c, &o, o.gh, o.gw, o.gb); /* MEAN's gradients last */
        tl_threads_set(-1);
        simdloss_linear_set_chunk_bytes(0);
        h = tl_hash_bytes(h, o.none, c.B * 4);
        h = tl_hash_bytes(h, &o.sum, 4);
        h = tl_hash_bytes(h, &o.mean, 4);
        h = tl_hash_bytes(h, o.gh, c.B * c.D * 4);
        h = tl_hash_bytes(h, o.gw, c.V * c.D * 4);
        if (c.b) h = tl_hash_bytes(h, o.gb, c.V * 4);
        h = tl_hash_bytes(h, o.lse, c.B * 4);
        h = tl_hash_bytes(h, o.am, c.B * 8);
        lc_out_free(&o);
        lc_free(&c);
    }
    return h;
}

START_TEST(lc_bitwise) { tl_check_bits_everywhere(lc_bits); }
END_TEST

/* Any subset of the outputs gives the bits of all of them at once. */
START_TEST(lc_subsets)
{
    if (!tl_use_table(_i)) return;
    lc_case c;
    lc_make(&c, 11, 6, 90, 1, 0.1f, 1e-2f, 4.0f, tl_seed("linear_ce", "subsets", 0));
    simdloss_linear_set_chunk_bytes(4 * c.V * 4);
    lc_out a, b;
    lc_out_alloc(&a, &c), lc_out_alloc(&b, &c);
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, &a.mean, a.gh, a.gw, a.gb, a.lse, a.am),
                     SIMDLOSS_OK);
    memset(b.gh, 0x55, c.B * c.D * 4), memset(b.gw, 0x55, c.V * c.D * 4);
    memset(b.gb, 0x55, c.V * 4);
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, &b.mean, NULL, NULL, NULL, NULL, NULL),
                     SIMDLOSS_OK);
    ck_assert(tl_bits(a.mean) == tl_bits(b.mean));
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, NULL, b.gh, NULL, NULL, NULL, NULL), SIMDLOSS_OK);
    ck_assert(!memcmp(a.gh, b.gh, c.B * c.D * 4));
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, NULL, NULL, b.gw, NULL, NULL, NULL), SIMDLOSS_OK);
    ck_assert(!memcmp(a.gw, b.gw, c.V * c.D * 4));
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, NULL, NULL, NULL, b.gb, NULL, NULL), SIMDLOSS_OK);
    ck_assert(!memcmp(a.gb, b.gb, c.V * 4));
    ck_assert_int_eq(lc_call(&c, SIMDLOSS_MEAN, NULL, NULL, NULL, NULL, b.lse, b.am), SIMDLOSS_OK);
    ck_assert(!memcmp(a.lse, b.lse, c.B * 4) && !memcmp(a.am, b.am, c.B * 8));
    simdloss_linear_set_chunk_bytes(0);
    lc_out_free(&a), lc_out_free(&b);
    lc_free(&c);
}
END_TEST

/* ---- contract ---------------------------------------------------------------------------------
 */

START_TEST(lc_contract)
{
    if (!tl_use_table(_i)) return;
    lc_case c;
    lc_make(&c, 4, 3, 5, 1, 0.0f, 0.0f, 0.0f, tl_seed("linear_ce", "contract", 0));
    float loss[4], gh[12], gw[15], gb[5], lse[4];
    int64_t am[4];
#define LC_ERR(code, text, B, D, V, h, w, b, t, ls, o, red, l, a, bb, cc)                          \
    do {                                                                                           \
        memset(loss, 0x55, sizeof loss), memset(gh, 0x55, sizeof gh), memset(gw, 0x55, sizeof gw); \
        memset(gb, 0x55, sizeof gb);                                                               \
        ck_assert_int_eq(simdloss_linear_cross_entropy_f32(B, D, V, h, w, b, t, LC_IGN, ls, o,     \
                                                           red, l, a, bb, cc),                     \
                         code);                                                                    \
        ck_assert_msg(strstr(simdloss_last_error(), text), "message: %s", simdloss_last_error());  \
        ck_assert(tl_bits(loss[0]) == 0x55555555u && tl_bits(gh[0]) == 0x55555555u &&              \
                  tl_bits(gw[14]) == 0x55555555u && tl_bits(gb[0]) == 0x55555555u);                \
    } while (0)
    const simdloss_reduction S = SIMDLOSS_SUM;
    LC_ERR(SIMDLOSS_EINVAL, "reduction = 9", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, NULL,
           (simdloss_reduction)9, loss, gh, gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "no output", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, NULL, S, NULL, NULL,
           NULL, NULL);
    LC_ERR(SIMDLOSS_EINVAL, "grad_bias without a bias", 4, 3, 5, c.h, c.w, NULL, c.t, 0.0f, NULL, S,
           loss, gh, gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "vocab = 0", 4, 3, 0, c.h, c.w, c.b, c.t, 0.0f, NULL, S, loss, gh, gw,
           gb);
    LC_ERR(SIMDLOSS_EINVAL, "hidden is NULL", 4, 3, 5, NULL, c.w, c.b, c.t, 0.0f, NULL, S, loss, gh,
           gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "weight is NULL", 4, 3, 5, c.h, NULL, c.b, c.t, 0.0f, NULL, S, loss, gh,
           gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "target is NULL", 4, 3, 5, c.h, c.w, c.b, NULL, 0.0f, NULL, S, loss, gh,
           gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "label_smoothing", 4, 3, 5, c.h, c.w, c.b, c.t, 1.5f, NULL, S, loss, gh,
           gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "BLAS's int", (size_t)1 << 31, 3, 5, c.h, c.w, c.b, c.t, 0.0f, NULL, S,
           loss, gh, gw, gb);
    const simdloss_ce_options bad_z = {-1.0f, 0, NULL, NULL}, bad_cap = {0, NAN, NULL, NULL};
    LC_ERR(SIMDLOSS_EINVAL, "options->z_loss", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, &bad_z, S, loss,
           gh, gw, gb);
    LC_ERR(SIMDLOSS_EINVAL, "options->softcap", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, &bad_cap, S,
           loss, gh, gw, gb);
    c.t[3] = 5;
    LC_ERR(SIMDLOSS_EDOMAIN, "target[3] = 5", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, NULL, S, loss, gh,
           gw, gb);
    c.t[3] = -1;
    LC_ERR(SIMDLOSS_EDOMAIN, "target[3] = -1", 4, 3, 5, c.h, c.w, c.b, c.t, 0.0f, NULL, S, loss, gh,
           gw, gb);
    c.t[3] = 2;
#undef LC_ERR
    /* empty batch: zero parameter gradients, SUM 0, MEAN NaN */
    memset(gw, 0x55, sizeof gw), memset(gb, 0x55, sizeof gb);
    ck_assert_int_eq(simdloss_linear_cross_entropy_f32(0, 3, 5, NULL, c.w, c.b, NULL, LC_IGN, 0.0f,
                                                       NULL, SIMDLOSS_MEAN, loss, NULL, gw, gb),
                     SIMDLOSS_OK);
    ck_assert(isnan(loss[0]));
    for (int j = 0; j < 15; j++) ck_assert(gw[j] == 0.0f);
    for (int j = 0; j < 5; j++) ck_assert(gb[j] == 0.0f);
    /* every target ignored: MEAN NaN, zero gradients; lse still written */
    const int64_t ign[4] = {LC_IGN, LC_IGN, LC_IGN, LC_IGN};
    const simdloss_ce_options so = {1e-3f, 0, lse, am};
    ck_assert_int_eq(simdloss_linear_cross_entropy_f32(4, 3, 5, c.h, c.w, c.b, ign, LC_IGN, 0.0f,
                                                       &so, SIMDLOSS_MEAN, loss, gh, gw, gb),
                     SIMDLOSS_OK);
    ck_assert(isnan(loss[0]));
    for (int j = 0; j < 12; j++) ck_assert(gh[j] == 0.0f);
    for (int j = 0; j < 15; j++) ck_assert(gw[j] == 0.0f);
    for (int j = 0; j < 4; j++) ck_assert(isfinite(lse[j]) && am[j] >= 0 && am[j] < 5);
    /* dim = 0: the logits are the bias */
    ck_assert_int_eq(simdloss_linear_cross_entropy_f32(4, 0, 5, NULL, NULL, c.b, c.t, LC_IGN, 0.0f,
                                                       &so, SIMDLOSS_NONE, loss, NULL, NULL, gb),
                     SIMDLOSS_OK);
    float want[4];
    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(1, 5, 1, c.b, c.t, NULL, LC_IGN, 0.0f, &so,
                                                   SIMDLOSS_NONE, want, NULL),
                     SIMDLOSS_OK);
    ck_assert(tl_bits(loss[0]) == tl_bits(want[0]));
    /* a success leaves the last error as it was */
    char before[256];
    snprintf(before, sizeof before, "%s", simdloss_last_error());
    ck_assert_int_eq(simdloss_linear_cross_entropy_f32(4, 3, 5, c.h, c.w, c.b, c.t, LC_IGN, 0.0f,
                                                       NULL, S, loss, gh, gw, gb),
                     SIMDLOSS_OK);
    ck_assert_str_eq(simdloss_last_error(), before);
    ck_assert_uint_eq(simdloss_linear_chunk_bytes(), SIMDLOSS_LINEAR_CHUNK_BYTES);
    lc_free(&c);
}
END_TEST

/* A chunk that cannot be allocated: ENOMEM, nothing written. */
static int lc_enomem_child(void *ctx)
{
    (void)ctx;
    float h = 1.0f, w = 1.0f, loss = 7.0f, gh = 7.0f;
    const int64_t t = 0;
    simdloss_linear_set_chunk_bytes(SIZE_MAX);
    /* one row of 2^30 floats: 4 GiB; weight is never read */
    const int rc =
        simdloss_linear_cross_entropy_f32(1, 1, (size_t)1 << 30, &h, &w, NULL, &t, LC_IGN, 0.0f,
                                          NULL, SIMDLOSS_SUM, &loss, &gh, NULL, NULL);
    return rc == SIMDLOSS_ENOMEM && loss == 7.0f && gh == 7.0f &&
           strstr(simdloss_last_error(), "no memory");
}

START_TEST(lc_enomem)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)lc_enomem_child; /* ASan reserves more address space than any cap allows */
#else
    tl_in_capped_child((size_t)3 << 30, lc_enomem_child, NULL);
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linear_cross_entropy");
    TCase *tc = tcase_create("linear_cross_entropy");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, lc_golden, 0, tl_ntables());
    tcase_add_loop_test(tc, lc_unfused, 0, tl_ntables());
    tcase_add_test(tc, lc_bitwise);
    tcase_add_loop_test(tc, lc_subsets, 0, tl_ntables());
    tcase_add_loop_test(tc, lc_contract, 0, tl_ntables());
    tcase_add_test(tc, lc_enomem);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
