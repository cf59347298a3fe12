/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_cross_entropy_ex_f32 (z-loss, soft-capping, lse, argmax):
 *   (a) PyTorch 1.13 (golden/ce_ex/ce_ex.txt, gen_ce_ex.py): losses for
 *       every reduction, gradients for SUM and MEAN, lse and argmax,
 *       including rows of ties, -inf, +inf and NaN;
 *   (b) a float64 reference, its gradient checked by central differences,
 *       on random shapes of both loop shapes (along rows, across positions);
 *   (c) bits: no options and statistics-only options are
 *       simdloss_cross_entropy_f32 bit for bit; every exact table and thread
 *       configuration gives the same bits; in place, output subsets;
 *   (d) the contract: option checks, nothing written on error, names.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "simdloss.h"
#include "threads.h"

#define CE_IGN (-100)

typedef struct {
    size_t N, C, d;
    float ls, z, cap;
    float *x, *w; /* w NULL: unweighted */
    int64_t *t;
} ce_case;

static size_t ce_npos(const ce_case *c) { return c->N * c->d; }
static size_t ce_nx(const ce_case *c) { return c->N * c->C * c->d; }

static void ce_alloc(ce_case *c, int weighted)
{
    c->x = malloc((ce_nx(c) + 1) * sizeof(float));
    c->t = malloc((ce_npos(c) + 1) * sizeof(int64_t));
    c->w = weighted ? malloc(c->C * sizeof(float)) : NULL;
    ck_assert(c->x && c->t && (!weighted || c->w));
}

static void ce_free(ce_case *c) { free(c->x), free(c->t), free(c->w); }

/* Random logits (normal times scale), targets (every fifth ignored when
 * ign), weights in [0.2, 2). */
static void ce_make(ce_case *c, size_t N, size_t C, size_t d, float ls, float z, float cap,
                    int weighted, double scale, int ign, uint64_t seed)
{
    *c = (ce_case){N, C, d, ls, z, cap, NULL, NULL, NULL};
    ce_alloc(c, weighted);
    uint64_t s = seed;
    for (size_t i = 0; i < ce_nx(c); i++) c->x[i] = (float)(tl_rand_normal(&s) * scale);
    for (size_t p = 0; p < ce_npos(c); p++)
        c->t[p] = ign && p % 5 == 2 ? CE_IGN : (int64_t)(tl_rand_u64(&s) % C);
    for (size_t k = 0; weighted && k < C; k++) c->w[k] = (float)(0.2 + 1.8 * tl_rand_unit(&s));
}

static int ce_call(const ce_case *c, const float *x, simdloss_reduction red, float *loss,
                   float *grad, float *lse, int64_t *amax)
{
    const simdloss_ce_options o = {c->z, c->cap, lse, amax};
    return simdloss_cross_entropy_ex_f32(c->N, c->C, c->d, x, c->t, c->w, CE_IGN, c->ls, &o, red,
                                         loss, grad);
}

/* ---- float64 reference ------------------------------------------------------------------------
 * Position (b, i): classes at x[(b C + k) d + i]. loss[p] per position (NONE)
 * and the SUM gradient; MEAN = sum / divisor (returned). */
static double ce_ref(const ce_case *c, const float *x, double *loss, double *grad, double *lse)
{
    const size_t C = c->C, d = c->d;
    double div = 0.0;
    double *xc = malloc(C * sizeof(double)), *dc = malloc(C * sizeof(double));
    ck_assert(xc && dc);
    for (size_t p = 0; p < ce_npos(c); p++) {
        const size_t b = p / d, i = p % d;
        double m = -INFINITY, W = 0.0;
        for (size_t k = 0; k < C; k++) {
            const double v = x[(b * C + k) * d + i];
            const double th = c->cap > 0 ? tanh(v / c->cap) : 0.0;
            xc[k] = c->cap > 0 ? c->cap * th : v;
            dc[k] = c->cap > 0 ? 1.0 - th * th : 1.0;
            if (xc[k] > m) m = xc[k];
            W += c->w ? c->w[k] : 1.0;
        }
        double s = 0.0;
        for (size_t k = 0; k < C; k++) s += exp(xc[k] - m);
        const double l = m + log(s);
        if (lse) lse[p] = l;
        const int64_t y = c->t[p];
        for (size_t k = 0; grad && k < C; k++) grad[(b * C + k) * d + i] = 0.0;
        if (y == CE_IGN) {
            loss[p] = 0.0;
            continue;
        }
        const double wy = c->w ? c->w[y] : 1.0, eps = c->ls;
        double smooth = 0.0;
        for (size_t k = 0; k < C; k++) smooth -= (c->w ? c->w[k] : 1.0) * (xc[k] - l);
        loss[p] = (1 - eps) * -wy * (xc[y] - l) + eps / (double)C * smooth + c->z * l * l;
        div += wy;
        for (size_t k = 0; grad && k < C; k++) {
            const double pk = exp(xc[k] - l), wk = c->w ? c->w[k] : 1.0;
            const double g = (1 - eps) * wy * (pk - (k == (size_t)y)) +
                             eps / (double)C * (W * pk - wk) + 2.0 * c->z * l * pk;
            grad[(b * C + k) * d + i] = g * dc[k];
        }
    }
    free(xc), free(dc);
    return div;
}

START_TEST(ce_reference_differences)
{
    /* the reference's gradient is the derivative of its losses' sum */
    ce_case c;
    ce_make(&c, 3, 6, 2, 0.15f, 0.05f, 2.5f, 1, 2.0, 1, tl_seed("ce_ex", "fd", 0));
    const size_t n = ce_nx(&c), P = ce_npos(&c);
    double *g = malloc(n * sizeof(double)), *l = malloc(P * sizeof(double));
    ck_assert(g && l);
    ce_ref(&c, c.x, l, g, NULL);
    for (size_t j = 0; j < n; j++) {
        /* float x +- h is exact for h a power of two near 1e-3 |x| */
        const float x0 = c.x[j], h = 0x1p-12f;
        double sp = 0.0, sm = 0.0;
        c.x[j] = x0 + h;
        ce_ref(&c, c.x, l, NULL, NULL);
        for (size_t p = 0; p < P; p++) sp += l[p];
        c.x[j] = x0 - h;
        ce_ref(&c, c.x, l, NULL, NULL);
        for (size_t p = 0; p < P; p++) sm += l[p];
        c.x[j] = x0;
        const double fd = (sp - sm) / (2.0 * (double)h);
        ck_assert_msg(fabs(fd - g[j]) <= 1e-5 * (1.0 + fabs(g[j])), "element %zu: %g vs %g", j,
                      g[j], fd);
    }
    free(g), free(l);
    ce_free(&c);
}
END_TEST

START_TEST(ce_reference)
{
    if (!tl_use_table(_i)) return;
    static const size_t shapes[][3] = {{5, 37, 1}, {3, 1500, 1}, {17, 12, 1},
                                       {4, 9, 6},  {2, 30, 5},   {33, 3, 1}};
    /* z, cap, smoothing, weighted */
    static const float opts[][4] = {
        {1e-2f, 0, 0, 0}, {0, 5.0f, 0, 0}, {1e-3f, 2.0f, 0.1f, 1}, {0.3f, 30.0f, 0.3f, 1}};
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (size_t o = 0; o < sizeof opts / sizeof opts[0]; o++) {
            ce_case c;
            ce_make(&c, shapes[k][0], shapes[k][1], shapes[k][2], opts[o][2], opts[o][0],
                    opts[o][1], opts[o][3] != 0, 1.0 + 2.0 * (double)o, 1,
                    tl_seed("ce_ex", "reference", k * 8 + o));
            const size_t n = ce_nx(&c), P = ce_npos(&c);
            double *rg = malloc(n * sizeof(double)), *rl = malloc(P * sizeof(double));
            double *rlse = malloc(P * sizeof(double));
            float *g = malloc(n * sizeof(float)), *l = malloc(P * sizeof(float));
            float *lse = malloc(P * sizeof(float)), sum, mean;
            int64_t *amax = malloc(P * sizeof(int64_t));
            ck_assert(rg && rl && rlse && g && l && lse && amax);
            const double div = ce_ref(&c, c.x, rl, rg, rlse);
            ck_assert_int_eq(ce_call(&c, c.x, SIMDLOSS_NONE, l, NULL, lse, amax), SIMDLOSS_OK);
            double rsum = 0.0, lmag = 1.0;
            for (size_t p = 0; p < P; p++) {
                rsum += rl[p];
                lmag = fmax(lmag, fabs(rl[p]));
                ck_assert_msg(fabs(l[p] - rl[p]) <= 2e-5 * (1.0 + fabs(rl[p])),
                              "[%s] shape %zu opts %zu position %zu: loss %.9g, reference %.9g",
                              tl_table(), k, o, p, (double)l[p], rl[p]);
                ck_assert_msg(fabs(lse[p] - rlse[p]) <= 2e-6 * (1.0 + fabs(rlse[p])),
                              "[%s] lse %.9g, reference %.9g", tl_table(), (double)lse[p], rlse[p]);
            }
            ck_assert_int_eq(ce_call(&c, c.x, SIMDLOSS_SUM, &sum, g, NULL, NULL), SIMDLOSS_OK);
            ck_assert_msg(fabs(sum - rsum) <= 2e-5 * lmag * (double)P, "[%s] sum %.9g vs %.9g",
                          tl_table(), (double)sum, rsum);
            for (size_t j = 0; j < n; j++)
                ck_assert_msg(fabs(g[j] - rg[j]) <= 1e-5 * (1.0 + fabs(rg[j])),
                              "[%s] shape %zu opts %zu grad %zu: %.9g, reference %.9g", tl_table(),
                              k, o, j, (double)g[j], rg[j]);
            ck_assert_int_eq(ce_call(&c, c.x, SIMDLOSS_MEAN, &mean, g, NULL, NULL), SIMDLOSS_OK);
            ck_assert(fabs(mean - rsum / div) <= 2e-5 * lmag);
            for (size_t j = 0; j < n; j++)
                ck_assert(fabs(g[j] - rg[j] / div) <= 1e-5 * (1.0 + fabs(rg[j] / div)));
            free(rg), free(rl), free(rlse), free(g), free(l), free(lse), free(amax);
            ce_free(&c);
        }
}
END_TEST

/* ---- golden (PyTorch 1.13) --------------------------------------------------------------------
 */

static int ce_near(float got, float want, double scale, double rel)
{
    return tl_close(got, want, 8, rel, rel * scale);
}

START_TEST(ce_golden)
{
    if (!tl_use_table(_i)) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/ce_ex/ce_ex.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    const size_t cap = 1 << 16;
    char *line = malloc(1 << 20);
    float *none = malloc(cap * 4), *gsum = malloc(cap * 4), *gmean = malloc(cap * 4);
    float *glse = malloc(cap * 4), *l = malloc(cap * 4), *g = malloc(cap * 4),
          *lse = malloc(cap * 4), opts[3], sum = 0, mean = 0;
    int64_t *gam = malloc(cap * 8), *am = malloc(cap * 8);
    ck_assert(line && none && gsum && gmean && glse && l && g && lse && gam && am);
    ce_case c = {0};
    char name[128] = "";
    int cases = 0;
    while (fgets(line, 1 << 20, f)) {
        line[strcspn(line, "\n")] = 0;
        char *rest = strchr(line, ' ');
        if (rest) *rest++ = 0;
        if (!strcmp(line, "case")) {
            sscanf(rest, "%127s", name);
        } else if (!strcmp(line, "shape")) {
            long long ign;
            int weighted;
            ck_assert_int_eq(sscanf(rest, "%zu %zu %zu %lld %d", &c.N, &c.C, &c.d, &ign, &weighted),
                             5);
            ck_assert_int_eq(ign, CE_IGN);
            ce_alloc(&c, weighted);
        } else if (!strcmp(line, "opts")) {
            ck_assert_uint_eq(tl_hex_floats(rest, opts, 3), 3);
            c.ls = opts[0], c.z = opts[1], c.cap = opts[2];
        } else if (!strcmp(line, "x")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.x, ce_nx(&c)), ce_nx(&c));
        } else if (!strcmp(line, "w")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.w, c.C), c.C);
        } else if (!strcmp(line, "t")) {
            char *save = NULL;
            size_t n = 0;
            for (char *tok = strtok_r(rest, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
                c.t[n++] = strtoll(tok, NULL, 10);
            ck_assert_uint_eq(n, ce_npos(&c));
        } else if (!strcmp(line, "none")) {
            tl_hex_floats(rest, none, cap);
        } else if (!strcmp(line, "sum")) {
            tl_hex_floats(rest, &sum, 1);
        } else if (!strcmp(line, "mean")) {
            tl_hex_floats(rest, &mean, 1);
        } else if (!strcmp(line, "gsum")) {
            tl_hex_floats(rest, gsum, cap);
        } else if (!strcmp(line, "gmean")) {
            tl_hex_floats(rest, gmean, cap);
        } else if (!strcmp(line, "lse")) {
            tl_hex_floats(rest, glse, cap);
        } else if (!strcmp(line, "argmax")) {
            char *save = NULL;
            size_t n = 0;
            for (char *tok = strtok_r(rest, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
                gam[n++] = strtoll(tok, NULL, 10);
            ck_assert_uint_eq(n, ce_npos(&c));
        } else if (!strcmp(line, "end")) {
            const size_t P = ce_npos(&c), n = ce_nx(&c), C = c.C, d = c.d;
            const double ls = tl_scale(none, P);
            ck_assert_int_eq(ce_call(&c, c.x, SIMDLOSS_NONE, l, NULL, lse, am), SIMDLOSS_OK);
            for (size_t p = 0; p < P; p++) {
                ck_assert_msg(ce_near(l[p], none[p], ls, 2e-5), "[%s] %s: loss[%zu] %a, torch %a",
                              tl_table(), name, p, (double)l[p], (double)none[p]);
                ck_assert_msg(ce_near(lse[p], glse[p], 0.0, 2e-6), "[%s] %s: lse[%zu] %a, torch %a",
                              tl_table(), name, p, (double)lse[p], (double)glse[p]);
                ck_assert_msg(am[p] == gam[p], "[%s] %s: argmax[%zu] %lld, torch %lld", tl_table(),
                              name, p, (long long)am[p], (long long)gam[p]);
            }
            for (int r = 1; r < 3; r++) {
                float v;
                const float *gw = r == 1 ? gsum : gmean;
                const simdloss_reduction red = r == 1 ? SIMDLOSS_SUM : SIMDLOSS_MEAN;
                ck_assert_int_eq(ce_call(&c, c.x, red, &v, g, NULL, NULL), SIMDLOSS_OK);
                ck_assert_msg(ce_near(v, r == 1 ? sum : mean, 0.0, 2e-5),
                              "[%s] %s: reduction %d %a, torch %a", tl_table(), name, r, (double)v,
                              (double)(r == 1 ? sum : mean));
                const double gs = tl_scale(gw, n);
                for (size_t j = 0; j < n; j++) {
                    /* ignored positions: the library's zero gradient (torch
                     * gives NaN there for a row holding NaN or inf) */
                    const size_t p = j / (C * d) * d + j % d;
                    const float want = c.t[p] == CE_IGN ? 0.0f : gw[j];
                    ck_assert_msg(ce_near(g[j], want, gs, 2e-5),
                                  "[%s] %s: reduction %d grad[%zu] %a, torch %a", tl_table(), name,
                                  r, j, (double)g[j], (double)want);
                }
            }
            ce_free(&c);
            c = (ce_case){0};
            cases++;
        }
    }
    fclose(f);
    ck_assert_int_ge(cases, 14);
    free(line), free(none), free(gsum), free(gmean), free(glse), free(l), free(g), free(lse);
    free(gam), free(am);
}
END_TEST

/* ---- bits ---------------------------------------------------------------------------------------
 */

/* No options, all-zero options and statistics-only options: the loss and
 * gradient of simdloss_cross_entropy_f32, bit for bit. */
START_TEST(ce_plain_bits)
{
    if (!tl_use_table(_i)) return;
    static const size_t shapes[][3] = {{9, 40, 1}, {3, 2100, 1}, {21, 7, 1}, {3, 5, 19}};
    for (size_t k = 0; k < 4; k++)
        for (int v = 0; v < 2; v++) {
            ce_case c;
            ce_make(&c, shapes[k][0], shapes[k][1], shapes[k][2], v ? 0.2f : 0.0f, 0, 0, v, 3.0, 1,
                    tl_seed("ce_ex", "plain", k * 2 + (size_t)v));
            const size_t n = ce_nx(&c), P = ce_npos(&c);
            float *g0 = malloc(n * 4), *g1 = malloc(n * 4), *l0 = malloc(P * 4),
                  *l1 = malloc(P * 4), *lse = malloc(P * 4);
            int64_t *am = malloc(P * 8);
            ck_assert(g0 && g1 && l0 && l1 && lse && am);
            for (int r = 0; r < 3; r++) {
                const simdloss_reduction red = (simdloss_reduction)r;
                const size_t nl = red != SIMDLOSS_NONE ? 1 : P;
                ck_assert_int_eq(simdloss_cross_entropy_f32(c.N, c.C, c.d, c.x, c.t, c.w, CE_IGN,
                                                            c.ls, red, l0, g0),
                                 SIMDLOSS_OK);
                const simdloss_ce_options zero = {0}, stats = {0, 0, lse, am};
                const simdloss_ce_options *opts[3] = {NULL, &zero, &stats};
                for (int o = 0; o < 3; o++) {
                    memset(g1, 0x55, n * 4);
                    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(c.N, c.C, c.d, c.x, c.t, c.w,
                                                                   CE_IGN, c.ls, opts[o], red, l1,
                                                                   g1),
                                     SIMDLOSS_OK);
                    ck_assert_msg(!memcmp(l0, l1, nl * 4) && !memcmp(g0, g1, n * 4),
                                  "[%s] shape %zu options %d reduction %d differ from "
                                  "simdloss_cross_entropy_f32",
                                  tl_table(), k, o, r);
                }
            }
            free(g0), free(g1), free(l0), free(l1), free(lse), free(am);
            ce_free(&c);
        }
}
END_TEST

/* Every output of a set of option cases, hashed. */
static uint64_t ce_bits(int threads_config)
{
    static const size_t shapes[][3] = {{1500, 33, 1}, {48, 2100, 1}, {3000, 10, 1}, {4, 12, 700}};
    uint64_t h = TL_HASH_START;
    for (size_t k = 0; k < 4; k++)
        for (int v = 0; v < 3; v++) {
            ce_case c;
            ce_make(&c, shapes[k][0], shapes[k][1], shapes[k][2], v == 2 ? 0.1f : 0.0f,
                    v ? 1e-3f : 0.0f, v != 1 ? 4.0f : 0.0f, v == 2, 3.0, 1,
                    tl_seed("ce_ex", "bits", k * 3 + (size_t)v));
            const size_t n = ce_nx(&c), P = ce_npos(&c);
            c.x[n / 3] = NAN, c.x[n / 2] = INFINITY, c.x[n - 1] = -INFINITY;
            float *g = malloc(n * 4), *l = malloc(P * 4), *lse = malloc(P * 4);
            int64_t *am = malloc(P * 8);
            ck_assert(g && l && lse && am);
            for (int r = 0; r < 3; r++) {
                if (threads_config >= 0) tl_threads_set(threads_config);
                const int rc = ce_call(&c, c.x, (simdloss_reduction)r, l, g, lse, am);
                tl_threads_set(-1);
                ck_assert_int_eq(rc, SIMDLOSS_OK);
                h = tl_hash_bytes(h, l, ((simdloss_reduction)r != SIMDLOSS_NONE ? 1 : P) * 4);
                h = tl_hash_bytes(h, g, n * 4);
                h = tl_hash_bytes(h, lse, P * 4);
                h = tl_hash_bytes(h, am, P * 8);
            }
            free(g), free(l), free(lse), free(am);
            ce_free(&c);
        }
    return h;
}

START_TEST(ce_bitwise) { tl_check_bits_everywhere(ce_bits); }
END_TEST

/* In place (gradient over the logits), loss only, gradient only,
 * statistics only: the same bits as everything at once. */
START_TEST(ce_outputs)
{
    if (!tl_use_table(_i)) return;
    static const size_t shapes[][3] = {{7, 50, 1}, {19, 6, 1}, {2, 4, 21}};
    for (size_t k = 0; k < 3; k++) {
        ce_case c;
        ce_make(&c, shapes[k][0], shapes[k][1], shapes[k][2], 0.1f, 1e-2f, 3.0f, 1, 4.0, 1,
                tl_seed("ce_ex", "outputs", k));
        const size_t n = ce_nx(&c), P = ce_npos(&c);
        float *g = malloc(n * 4), *x2 = malloc(n * 4), *l = malloc(P * 4), *l2 = malloc(P * 4);
        float *lse = malloc(P * 4), *lse2 = malloc(P * 4);
        int64_t *am = malloc(P * 8), *am2 = malloc(P * 8);
        ck_assert(g && x2 && l && l2 && lse && lse2 && am && am2);
        for (int r = 0; r < 3; r++) {
            const simdloss_reduction red = (simdloss_reduction)r;
            const size_t nl = red != SIMDLOSS_NONE ? 1 : P;
            ck_assert_int_eq(ce_call(&c, c.x, red, l, g, lse, am), SIMDLOSS_OK);
            memcpy(x2, c.x, n * 4);
            ck_assert_int_eq(ce_call(&c, x2, red, l2, x2, lse2, am2), SIMDLOSS_OK);
            ck_assert_msg(!memcmp(l, l2, nl * 4) && !memcmp(g, x2, n * 4) &&
                              !memcmp(lse, lse2, P * 4) && !memcmp(am, am2, P * 8),
                          "[%s] shape %zu reduction %d: in place differs", tl_table(), k, r);
            memset(x2, 0x55, n * 4);
            ck_assert_int_eq(ce_call(&c, c.x, red, NULL, x2, NULL, NULL), SIMDLOSS_OK);
            ck_assert(!memcmp(g, x2, n * 4));
            ck_assert_int_eq(ce_call(&c, c.x, red, l2, NULL, NULL, NULL), SIMDLOSS_OK);
            ck_assert(!memcmp(l, l2, nl * 4));
            memset(lse2, 0x55, P * 4), memset(am2, 0x55, P * 8);
            ck_assert_int_eq(ce_call(&c, c.x, red, NULL, NULL, lse2, am2), SIMDLOSS_OK);
            ck_assert(!memcmp(lse, lse2, P * 4) && !memcmp(am, am2, P * 8));
        }
        free(g), free(x2), free(l), free(l2), free(lse), free(lse2), free(am), free(am2);
        ce_free(&c);
    }
}
END_TEST

/* ---- contract -----------------------------------------------------------------------------------
 */

START_TEST(ce_errors)
{
    if (!tl_use_table(_i)) return;
    float x[12] = {0.5f, -1, 2, 0, 1, 3, -2, 0.25f, 1, 1, -1, 0}, loss[4], g[12], lse[4];
    int64_t t[4] = {0, 2, CE_IGN, 1}, am[4];
    const float bad[] = {NAN, -1.0f, -0x1p-149f, INFINITY, -INFINITY};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        for (int which = 0; which < 2; which++) {
            const simdloss_ce_options o = {which ? 0 : bad[k], which ? bad[k] : 0, lse, am};
            memset(loss, 0x55, sizeof loss), memset(g, 0x55, sizeof g);
            memset(lse, 0x55, sizeof lse), memset(am, 0x55, sizeof am);
            const float g0 = g[0], l0 = loss[0], e0 = lse[0];
            const int64_t a0 = am[0];
            ck_assert_int_eq(simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &o,
                                                           SIMDLOSS_NONE, loss, g),
                             SIMDLOSS_EINVAL);
            ck_assert_msg(strstr(simdloss_last_error(), which ? "simdloss_cross_entropy_ex_f32: "
                                                                "options->softcap"
                                                              : "simdloss_cross_entropy_ex_f32: "
                                                                "options->z_loss"),
                          "message: %s", simdloss_last_error());
            ck_assert(tl_bits(g[0]) == tl_bits(g0) && tl_bits(loss[0]) == tl_bits(l0) &&
                      tl_bits(lse[0]) == tl_bits(e0) && am[0] == a0);
        }
    /* the shared checks name this function */
    const simdloss_ce_options o = {1e-3f, 2.0f, NULL, NULL};
    t[1] = 3;
    ck_assert_int_eq(
        simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &o, SIMDLOSS_SUM, loss, g),
        SIMDLOSS_EDOMAIN);
    ck_assert_msg(strstr(simdloss_last_error(), "simdloss_cross_entropy_ex_f32: target[1] = 3"),
                  "message: %s", simdloss_last_error());
    t[1] = 2;
    ck_assert_int_eq(
        simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 1.5f, &o, SIMDLOSS_SUM, loss, g),
        SIMDLOSS_EINVAL);
    ck_assert_int_eq(
        simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &o, SIMDLOSS_SUM, NULL, NULL),
        SIMDLOSS_EINVAL);
    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &o,
                                                   (simdloss_reduction)7, loss, g),
                     SIMDLOSS_EINVAL);
    /* statistics alone are an output */
    const simdloss_ce_options so = {0, 2.0f, NULL, am};
    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &so,
                                                   SIMDLOSS_SUM, NULL, NULL),
                     SIMDLOSS_OK);
    ck_assert(am[0] == 2 && am[1] == 2 && am[2] == 2 && am[3] == 0);
    /* empty batch: MEAN is NaN, SUM 0, nothing else written */
    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(0, 3, 1, NULL, NULL, NULL, CE_IGN, 0, &o,
                                                   SIMDLOSS_MEAN, loss, NULL),
                     SIMDLOSS_OK);
    ck_assert(isnan(loss[0]));
    /* every target ignored: MEAN NaN, zero gradient; lse still written */
    const int64_t all_ign[4] = {CE_IGN, CE_IGN, CE_IGN, CE_IGN};
    const simdloss_ce_options lo = {1e-2f, 3.0f, lse, NULL};
    ck_assert_int_eq(simdloss_cross_entropy_ex_f32(4, 3, 1, x, all_ign, NULL, CE_IGN, 0, &lo,
                                                   SIMDLOSS_MEAN, loss, g),
                     SIMDLOSS_OK);
    ck_assert(isnan(loss[0]));
    for (int j = 0; j < 12; j++) ck_assert(g[j] == 0.0f);
    for (int p = 0; p < 4; p++) ck_assert(isfinite(lse[p]) && lse[p] > 0.0f);
    /* a success leaves the last error as it was */
    char before[256];
    snprintf(before, sizeof before, "%s", simdloss_last_error());
    ck_assert_int_eq(
        simdloss_cross_entropy_ex_f32(4, 3, 1, x, t, NULL, CE_IGN, 0, &o, SIMDLOSS_SUM, loss, g),
        SIMDLOSS_OK);
    ck_assert_str_eq(simdloss_last_error(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cross_entropy_ex");
    TCase *tc = tcase_create("cross_entropy_ex");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, ce_reference_differences);
    tcase_add_loop_test(tc, ce_reference, 0, tl_ntables());
    tcase_add_loop_test(tc, ce_golden, 0, tl_ntables());
    tcase_add_loop_test(tc, ce_plain_bits, 0, tl_ntables());
    tcase_add_test(tc, ce_bitwise);
    tcase_add_loop_test(tc, ce_outputs, 0, tl_ntables());
    tcase_add_loop_test(tc, ce_errors, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
