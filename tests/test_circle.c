/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_circle_f32 (libsimdloss_linear):
 *   (a) Keras 3 itself (golden/keras/circle.txt, gen_circle.py: keras.losses.Circle
 *       on JAX, gradients by jax.grad) at blocks of one row, three rows and
 *       the whole batch;
 *   (b) a float64 reference written from Keras' formula, its gradient
 *       checked by central differences, on unnormalised embeddings;
 *   (c) bits across the simdloss thread configurations and kernel tables,
 *       output subsets;
 *   (d) the contract: checks before anything is written, masked rows, NaN,
 *       the empty batch, ENOMEM.
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

typedef struct {
    size_t B, D;
    float gamma, margin;
    int rd;
    float *e;
    int64_t *y;
} cc_case;

static void cc_alloc(cc_case *c)
{
    c->e = malloc((c->B * c->D + 1) * 4);
    c->y = malloc((c->B + 1) * 8);
    ck_assert(c->e && c->y);
}

static void cc_free(cc_case *c) { free(c->e), free(c->y); }

/* unnormalised rows of norm about `scale`, labels from `classes` */
static void cc_make(cc_case *c, size_t B, size_t D, size_t classes, float gamma, float margin,
                    int rd, double scale, uint64_t seed)
{
    *c = (cc_case){B, D, gamma, margin, rd, NULL, NULL};
    cc_alloc(c);
    uint64_t s = seed;
    for (size_t i = 0; i < B * D; i++)
        c->e[i] = (float)(tl_rand_normal(&s) * scale / sqrt((double)D));
    for (size_t r = 0; r < B; r++) c->y[r] = (int64_t)(tl_rand_u64(&s) % classes);
}

static int cc_call(const cc_case *c, simdloss_reduction red, float *loss, float *grad)
{
    return simdloss_circle_f32(c->B, c->D, c->e, c->y, c->gamma, c->margin, c->rd, red, loss, grad);
}

static void cc_expect(const char *what, const char *name, const float *got, const float *want,
                      size_t n, double rel)
{
    const double s = tl_scale(want, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(tl_close(got[i], want[i], 8, rel, rel * s),
                      "[%s] %s: %s[%zu] = %a (%.9g), expected %a (%.9g)", tl_table(), name, what, i,
                      (double)got[i], (double)got[i], (double)want[i], (double)want[i]);
}

/* ---- golden (Keras 3) -------------------------------------------------------------------------
 */

START_TEST(cc_golden)
{
    if (!tl_use_table(_i)) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/keras/circle.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    const size_t cap = 1 << 12;
    char *line = malloc(1 << 16);
    float *none = malloc(cap * 4), *gs = malloc(cap * 4), *gm = malloc(cap * 4), params[2];
    float sum = 0, mean = 0;
    ck_assert(line && none && gs && gm);
    cc_case c = {0};
    char name[128] = "";
    int cases = 0;
    while (fgets(line, 1 << 16, f)) {
        line[strcspn(line, "\n")] = 0;
        char *rest = strchr(line, ' ');
        if (rest) *rest++ = 0;
        if (!strcmp(line, "case")) {
            snprintf(name, sizeof name, "%s", rest);
        } else if (!strcmp(line, "shape")) {
            ck_assert_int_eq(sscanf(rest, "%zu %zu %d", &c.B, &c.D, &c.rd), 3);
            cc_alloc(&c);
        } else if (!strcmp(line, "params")) {
            ck_assert_uint_eq(tl_hex_floats(rest, params, 2), 2);
            c.gamma = params[0], c.margin = params[1];
        } else if (!strcmp(line, "e")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.e, c.B * c.D), c.B * c.D);
        } else if (!strcmp(line, "y")) {
            char *save = NULL;
            size_t n = 0;
            for (char *tok = strtok_r(rest, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                c.y[n++] = strtoll(tok, NULL, 10);
            ck_assert_uint_eq(n, c.B);
        } else if (strcmp(line, "end") != 0) {
            static const char *const keys[] = {"none", "g_sum", "g_mean", "sum", "mean"};
            float *dst[] = {none, gs, gm, &sum, &mean};
            for (int k = 0; k < 5; k++)
                if (!strcmp(line, keys[k])) tl_hex_floats(rest, dst[k], k < 3 ? cap : 1);
        } else {
            const size_t B = c.B, D = c.D;
            float *l = malloc((B + 1) * 4), *g = malloc((B * D + 1) * 4), v;
            ck_assert(l && g);
            /* one row per block, three rows (a boundary inside the batch),
             * the whole batch */
            const size_t chunks[3] = {B * 4, 3 * B * 4, 0};
            for (int k = 0; k < 3; k++) {
                simdloss_linear_set_chunk_bytes(chunks[k]);
                ck_assert_int_eq(cc_call(&c, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
                cc_expect("none", name, l, none, B, 1e-5);
                ck_assert_int_eq(cc_call(&c, SIMDLOSS_SUM, &v, g), SIMDLOSS_OK);
                cc_expect("sum", name, &v, &sum, 1, 1e-5);
                cc_expect("grad (SUM)", name, g, gs, B * D, 1e-4);
                ck_assert_int_eq(cc_call(&c, SIMDLOSS_MEAN, &v, g), SIMDLOSS_OK);
                cc_expect("mean", name, &v, &mean, 1, 1e-5);
                cc_expect("grad (MEAN)", name, g, gm, B * D, 1e-4);
                /* NONE's gradient is the sum's */
                ck_assert_int_eq(cc_call(&c, SIMDLOSS_NONE, NULL, g), SIMDLOSS_OK);
                cc_expect("grad (NONE)", name, g, gs, B * D, 1e-4);
            }
            simdloss_linear_set_chunk_bytes(0);
            free(l), free(g);
            cc_free(&c);
            c = (cc_case){0};
            cases++;
        }
    }
    fclose(f);
    ck_assert_int_ge(cases, 12);
    free(line), free(none), free(gs), free(gm);
}
END_TEST

/* ---- float64 reference ------------------------------------------------------------------------
 */

/* max(x, 0) and its derivative with the 1/2 at the tie */
static double cc_relu(double x) { return x > 0 ? x : 0; }
static double cc_slope(double x) { return x > 0 ? 1 : x == 0 ? 0.5 : 0; }

/* Keras' formula in double: per-row losses l, the gradient of sum_i w_i l_i
 * with w_i = 1 where l_i > 0 (Keras' mask) into g (NULL: none). The
 * constants 1 +- m are rounded to float as the library documents. */
static void cc_ref(const cc_case *c, double *l, double *g)
{
    const size_t B = c->B, D = c->D;
    const double gm = c->gamma, m = c->margin;
    const double on = (float)(1.0 + m), dn = (float)(1.0 - m);
    double *s = malloc((B * B + 1) * sizeof(double)), *v = malloc((B + 1) * sizeof(double));
    ck_assert(s && v);
    for (size_t i = 0; i < B; i++)
        for (size_t j = 0; j < B; j++) {
            double dot = 0;
            for (size_t k = 0; k < D; k++) dot += (double)c->e[i * D + k] * c->e[j * D + k];
            s[i * B + j] = dot;
        }
    if (g) memset(g, 0, B * D * sizeof(double));
    for (size_t i = 0; i < B; i++) {
        double mp = -INFINITY, mn = -INFINITY;
        for (size_t j = 0; j < B; j++) {
            const double d = cc_relu(1 - s[i * B + j]);
            const int pos = c->y[j] == c->y[i] && !(c->rd && i == j), neg = c->y[j] != c->y[i];
            v[j] = pos   ? -gm * cc_relu(m + d) * (m - d)
                   : neg ? gm * cc_relu(on - d) * (dn - d)
                         : -INFINITY;
            if (pos && v[j] > mp) mp = v[j];
            if (neg && v[j] > mn) mn = v[j];
        }
        double sp = 0, sn = 0;
        for (size_t j = 0; j < B; j++) {
            if (c->y[j] != c->y[i])
                sn += exp(v[j] - mn);
            else if (!(c->rd && i == j))
                sp += exp(v[j] - mp);
        }
        const double p = sp > 0 ? mp + log(sp) : -INFINITY, n = sn > 0 ? mn + log(sn) : -INFINITY;
        const double x = p + n;
        l[i] = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
        if (!g || !((float)l[i] > 0.0f)) continue;
        const double u = 1 / (1 + exp(-x));
        for (size_t j = 0; j < B; j++) {
            const double r = 1 - s[i * B + j], d = cc_relu(r);
            const int pos = c->y[j] == c->y[i] && !(c->rd && i == j), neg = c->y[j] != c->y[i];
            double dv, share;
            if (pos)
                dv = -gm * (cc_slope(m + d) * (m - d) - cc_relu(m + d)), share = exp(v[j] - p);
            else if (neg)
                dv = gm * (-cc_slope(on - d) * (dn - d) - cc_relu(on - d)), share = exp(v[j] - n);
            else
                continue;
            const double coef = u * share * dv * -cc_slope(r);
            for (size_t k = 0; k < D; k++) {
                g[i * D + k] += coef * c->e[j * D + k];
                g[j * D + k] += coef * c->e[i * D + k];
            }
        }
    }
    free(s), free(v);
}

START_TEST(cc_reference)
{
    if (!tl_use_table(_i)) return;
    static const struct {
        size_t B, D, classes;
        float gamma, margin;
        int rd;
        double scale;
    } shapes[] = {{12, 5, 3, 8.0f, 0.25f, 1, 1.0}, {20, 7, 4, 80.0f, 0.4f, 1, 1.0},
                  {9, 3, 2, 16.0f, -0.2f, 0, 1.3}, {30, 16, 6, 32.0f, 0.4f, 1, 0.9},
                  {7, 4, 7, 80.0f, 0.4f, 1, 1.0},  {15, 6, 1, 80.0f, 0.4f, 0, 1.0},
                  {40, 2, 5, 4.0f, 1.2f, 0, 1.5}};
    for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
        cc_case c;
        cc_make(&c, shapes[k].B, shapes[k].D, shapes[k].classes, shapes[k].gamma, shapes[k].margin,
                shapes[k].rd, shapes[k].scale, tl_seed("circle", "ref", k));
        const size_t B = c.B, D = c.D;
        double *rl = malloc(B * sizeof(double)), *rg = malloc(B * D * sizeof(double));
        float *l = malloc(B * 4), *g = malloc(B * D * 4), *want = malloc(B * D * 4), sum;
        ck_assert(rl && rg && l && g && want);
        cc_ref(&c, rl, rg);
        simdloss_linear_set_chunk_bytes(5 * B * 4);
        ck_assert_int_eq(cc_call(&c, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
        double rsum = 0;
        for (size_t r = 0; r < B; r++) {
            want[r] = (float)rl[r];
            rsum += rl[r];
        }
        char name[32];
        snprintf(name, sizeof name, "shape %zu", k);
        cc_expect("loss", name, l, want, B, 2e-5);
        ck_assert_int_eq(cc_call(&c, SIMDLOSS_SUM, &sum, g), SIMDLOSS_OK);
        simdloss_linear_set_chunk_bytes(0);
        const float fsum = (float)rsum;
        cc_expect("sum", name, &sum, &fsum, 1, 2e-5);
        for (size_t i = 0; i < B * D; i++) want[i] = (float)rg[i];
        cc_expect("grad", name, g, want, B * D, 1e-4);
        /* the reference's gradient by central differences of its loss sum
         * (masked rows, loss 0, have no slope), away from the kinks */
        double *lp = malloc(B * sizeof(double)), *lm = malloc(B * sizeof(double));
        ck_assert(lp && lm);
        double gmax = 0;
        for (size_t i = 0; i < B * D; i++) gmax = fmax(gmax, fabs(rg[i]));
        for (size_t i = 0; i < B * D; i += 3) {
            const float e0 = c.e[i];
            const float h = 1e-3f * fmaxf(1.0f, fabsf(e0));
            c.e[i] = e0 + h;
            cc_ref(&c, lp, NULL);
            c.e[i] = e0 - h;
            cc_ref(&c, lm, NULL);
            c.e[i] = e0;
            const double step = ((double)(e0 + h) - (double)(e0 - h));
            double fd = 0;
            for (size_t r = 0; r < B; r++)
                fd += ((float)lp[r] > 0.0f ? lp[r] : 0) - ((float)lm[r] > 0.0f ? lm[r] : 0);
            fd /= step;
            /* a kink inside the step bends the difference: allow its size */
            ck_assert_msg(fabs(fd - rg[i]) <= 2e-3 * gmax + 1e-3 * fabs(rg[i]) ||
                              fabs(fd - rg[i]) <= 1e-2 * gmax,
                          "shape %zu: reference gradient [%zu] %.9g vs central difference %.9g", k,
                          i, rg[i], fd);
        }
        free(lp), free(lm), free(rl), free(rg), free(l), free(g), free(want);
        cc_free(&c);
    }
}
END_TEST

/* ---- bits -------------------------------------------------------------------------------------
 */

static uint64_t cc_bits(int threads_config)
{
    uint64_t h = TL_HASH_START;
    cc_case c;
    cc_make(&c, 150, 24, 9, 80.0f, 0.4f, 1, 1.0, tl_seed("circle", "bits", 0));
    float *l = malloc(c.B * 4), *g = malloc(c.B * c.D * 4), v;
    ck_assert(l && g);
    simdloss_linear_set_chunk_bytes(37 * c.B * 4);
    if (threads_config >= 0) tl_threads_set(threads_config);
    ck_assert_int_eq(cc_call(&c, SIMDLOSS_NONE, l, NULL), SIMDLOSS_OK);
    h = tl_hash_bytes(h, l, c.B * 4);
    ck_assert_int_eq(cc_call(&c, SIMDLOSS_MEAN, &v, g), SIMDLOSS_OK);
    tl_threads_set(-1);
    simdloss_linear_set_chunk_bytes(0);
    h = tl_hash_bytes(h, &v, 4);
    h = tl_hash_bytes(h, g, c.B * c.D * 4);
    free(l), free(g);
    cc_free(&c);
    return h;
}

START_TEST(cc_bitwise) { tl_check_bits_everywhere(cc_bits); }
END_TEST

/* The loss alone, the gradient alone: the bits of both at once. */
START_TEST(cc_subsets)
{
    if (!tl_use_table(_i)) return;
    cc_case c;
    cc_make(&c, 23, 6, 4, 80.0f, 0.4f, 1, 1.0, tl_seed("circle", "subsets", 0));
    simdloss_linear_set_chunk_bytes(4 * c.B * 4);
    float a, b, ga[138], gb[138];
    ck_assert_int_eq(cc_call(&c, SIMDLOSS_MEAN, &a, ga), SIMDLOSS_OK);
    ck_assert_int_eq(cc_call(&c, SIMDLOSS_MEAN, &b, NULL), SIMDLOSS_OK);
    memset(gb, 0x55, sizeof gb);
    ck_assert_int_eq(cc_call(&c, SIMDLOSS_MEAN, NULL, gb), SIMDLOSS_OK);
    simdloss_linear_set_chunk_bytes(0);
    ck_assert(tl_bits(a) == tl_bits(b));
    ck_assert(!memcmp(ga, gb, sizeof ga));
    cc_free(&c);
}
END_TEST

/* ---- contract ---------------------------------------------------------------------------------
 */

START_TEST(cc_contract)
{
    if (!tl_use_table(_i)) return;
    cc_case c;
    cc_make(&c, 4, 3, 2, 80.0f, 0.4f, 1, 1.0, tl_seed("circle", "contract", 0));
    c.y[0] = c.y[1] = 0, c.y[2] = c.y[3] = 1;
    float loss[4], g[12];
#define CC_ERR(code, text, B, D, e, y, gamma, margin, red, l, gr)                                  \
    do {                                                                                           \
        memset(loss, 0x55, sizeof loss), memset(g, 0x55, sizeof g);                                \
        ck_assert_int_eq(simdloss_circle_f32(B, D, e, y, gamma, margin, 1, red, l, gr), code);     \
        ck_assert_msg(strstr(simdloss_last_error(), text), "message: %s", simdloss_last_error());  \
        ck_assert(tl_bits(loss[0]) == 0x55555555u && tl_bits(g[0]) == 0x55555555u &&               \
                  tl_bits(g[11]) == 0x55555555u);                                                  \
    } while (0)
    const simdloss_reduction S = SIMDLOSS_SUM;
    CC_ERR(SIMDLOSS_EINVAL, "reduction = 9", 4, 3, c.e, c.y, 80.0f, 0.4f, (simdloss_reduction)9,
           loss, g);
    CC_ERR(SIMDLOSS_EINVAL, "no output", 4, 3, c.e, c.y, 80.0f, 0.4f, S, NULL, NULL);
    CC_ERR(SIMDLOSS_EINVAL, "gamma = nan", 4, 3, c.e, c.y, NAN, 0.4f, S, loss, g);
    CC_ERR(SIMDLOSS_EINVAL, "margin = inf", 4, 3, c.e, c.y, 80.0f, INFINITY, S, loss, g);
    CC_ERR(SIMDLOSS_EINVAL, "embeddings is NULL", 4, 3, NULL, c.y, 80.0f, 0.4f, S, loss, g);
    CC_ERR(SIMDLOSS_EINVAL, "labels is NULL", 4, 3, c.e, NULL, 80.0f, 0.4f, S, loss, g);
    CC_ERR(SIMDLOSS_EINVAL, "BLAS's int", (size_t)1 << 31, 3, c.e, c.y, 80.0f, 0.4f, S, loss, g);
#undef CC_ERR
    memset(loss, 0x55, sizeof loss);
    ck_assert_int_eq(simdloss_circle_f32(4, 3, c.e, c.y, 80.0f, 0.4f, 1, S, loss, c.e + 2),
                     SIMDLOSS_EINVAL);
    ck_assert(strstr(simdloss_last_error(), "overlaps") && tl_bits(loss[0]) == 0x55555555u);
    /* empty batch: NONE writes nothing, SUM +0, MEAN NaN */
    ck_assert_int_eq(simdloss_circle_f32(0, 3, NULL, NULL, 80.0f, 0.4f, 1, SIMDLOSS_SUM, loss, g),
                     SIMDLOSS_OK);
    ck_assert(tl_bits(loss[0]) == 0);
    ck_assert_int_eq(simdloss_circle_f32(0, 3, NULL, NULL, 80.0f, 0.4f, 1, SIMDLOSS_MEAN, loss, g),
                     SIMDLOSS_OK);
    ck_assert(tl_bits(loss[0]) == 0x7fc00000u);
    /* no row has both a positive and a negative: every loss 0, Keras' MEAN
     * 0 (no row is > 0), zero gradients */
    const int64_t distinct[4] = {0, 1, 2, 3};
    memset(g, 0x55, sizeof g);
    ck_assert_int_eq(
        simdloss_circle_f32(4, 3, c.e, distinct, 80.0f, 0.4f, 1, SIMDLOSS_MEAN, loss, g),
        SIMDLOSS_OK);
    ck_assert(tl_bits(loss[0]) == 0);
    for (int k = 0; k < 12; k++) ck_assert(tl_bits(g[k]) == 0);
    /* dim = 0: every similarity 0 */
    ck_assert_int_eq(simdloss_circle_f32(4, 0, NULL, c.y, 80.0f, 0.4f, 1, SIMDLOSS_NONE, loss, g),
                     SIMDLOSS_OK);
    for (int r = 0; r < 4; r++) ck_assert(loss[r] > 0.0f && tl_bits(loss[r]) == tl_bits(loss[0]));
    /* NaN in, NaN out (canonical), in every row through the products */
    c.e[4] = NAN;
    ck_assert_int_eq(simdloss_circle_f32(4, 3, c.e, c.y, 80.0f, 0.4f, 1, SIMDLOSS_MEAN, loss, g),
                     SIMDLOSS_OK);
    ck_assert(tl_bits(loss[0]) == 0x7fc00000u);
    for (int k = 0; k < 12; k++) ck_assert(tl_bits(g[k]) == 0x7fc00000u);
    c.e[4] = 0.5f;
    /* a success leaves the last error as it was */
    char before[256];
    snprintf(before, sizeof before, "%s", simdloss_last_error());
    ck_assert_int_eq(simdloss_circle_f32(4, 3, c.e, c.y, 80.0f, 0.4f, 1, S, loss, g), SIMDLOSS_OK);
    ck_assert_str_eq(simdloss_last_error(), before);
    cc_free(&c);
}
END_TEST

/* A block that cannot be allocated: ENOMEM, nothing written. */
static int cc_enomem_child(void *ctx)
{
    (void)ctx;
    const size_t B = (size_t)1 << 16;
    float *e = calloc(B, 4), loss = 7.0f;
    int64_t *y = calloc(B, 8);
    if (!e || !y) return 0;
    simdloss_linear_set_chunk_bytes(SIZE_MAX);
    /* the whole 2^16 x 2^16 block: 16 GiB */
    const int rc = simdloss_circle_f32(B, 1, e, y, 80.0f, 0.4f, 1, SIMDLOSS_SUM, &loss, NULL);
    return rc == SIMDLOSS_ENOMEM && loss == 7.0f && strstr(simdloss_last_error(), "no memory");
}

START_TEST(cc_enomem)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)cc_enomem_child; /* ASan reserves more address space than any cap allows */
#else
    tl_in_capped_child((size_t)3 << 30, cc_enomem_child, NULL);
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("circle");
    TCase *tc = tcase_create("circle");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, cc_golden, 0, tl_ntables());
    tcase_add_loop_test(tc, cc_reference, 0, tl_ntables());
    tcase_add_test(tc, cc_bitwise);
    tcase_add_loop_test(tc, cc_subsets, 0, tl_ntables());
    tcase_add_loop_test(tc, cc_contract, 0, tl_ntables());
    tcase_add_test(tc, cc_enomem);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
