/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_ctc_f32 against
 *   (a) PyTorch 1.13 (golden/ctc/ctc.txt, gen_ctc.py), loss and gradient for
 *       every reduction, on every table; Keras 3's keras.losses.CTC
 *       (golden/keras/ctc.txt, gen_keras_ctc.py) mapped onto it (ctc_keras);
 *   (b) a float64 reference of the same recursions (exact log-sum-exp),
 *       itself checked against every alignment enumerated (tiny cases) and
 *       its gradient against central differences, on random cases with
 *       repeats, infeasible samples, empty targets and both target layouts;
 *   (c) itself: the same bits on every exact table and every thread
 *       configuration, padded targets == concatenated, in place == out of
 *       place, NaN and -inf inputs included;
 *   (d) the contract: EINVAL and EDOMAIN naming the sample and index with
 *       nothing written, batch 0, time 0, input length 0, zero_infinity,
 *       frames past the input length, one output NULL.
 * The gradient is PyTorch's: d loss / d log_probs + exp(log_probs).
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

/* ---- cases ------------------------------------------------------------------------------------
 */
typedef struct {
    size_t T, N, C, stride; /* stride 0: concatenated targets */
    int64_t blank;
    int zi;
    float *lp;
    int64_t *targets, *il, *tl;
    size_t ntargets;
} tc_case;

static void tc_free(tc_case *c)
{
    free(c->lp), free(c->targets), free(c->il), free(c->tl);
    memset(c, 0, sizeof *c);
}

static size_t tc_first(const tc_case *c, size_t n)
{
    if (c->stride) return n * c->stride;
    size_t at = 0;
    for (size_t j = 0; j < n; j++) at += (size_t)c->tl[j];
    return at;
}

/* log_softmax of N(0, sharp^2) logits; targets avoid the blank; `repeats`:
 * some labels repeat the one before; input lengths in [min_il, T]. */
static void tc_make(tc_case *c, size_t T, size_t N, size_t C, size_t S, int64_t blank, int padded,
                    double sharp, int repeats, size_t min_il, uint64_t seed)
{
    uint64_t s = seed;
    memset(c, 0, sizeof *c);
    c->T = T, c->N = N, c->C = C, c->blank = blank, c->zi = (int)(seed & 1);
    c->lp = malloc((T * N * C + 1) * sizeof(float));
    c->il = malloc((N + 1) * sizeof(int64_t)), c->tl = malloc((N + 1) * sizeof(int64_t));
    ck_assert(c->lp && c->il && c->tl);
    double *row = malloc((C + 1) * sizeof(double));
    ck_assert(row);
    for (size_t r = 0; r < T * N; r++) {
        double m = -INFINITY, z = 0.0;
        for (size_t k = 0; k < C; k++) row[k] = sharp * tl_rand_normal(&s), m = fmax(m, row[k]);
        for (size_t k = 0; k < C; k++) z += exp(row[k] - m);
        for (size_t k = 0; k < C; k++) c->lp[r * C + k] = (float)(row[k] - m - log(z));
    }
    free(row);
    for (size_t n = 0; n < N; n++) {
        c->tl[n] = (int64_t)(tl_rand_u64(&s) % (S + 1));
        c->il[n] = (int64_t)(min_il + tl_rand_u64(&s) % (T - min_il + 1));
    }
    c->stride = padded ? S + 1 : 0;
    c->ntargets = padded ? N * (S + 1) : 0;
    for (size_t n = 0; !padded && n < N; n++) c->ntargets += (size_t)c->tl[n];
    c->targets = malloc((c->ntargets + 1) * sizeof(int64_t));
    ck_assert(c->targets);
    for (size_t i = 0; i < c->ntargets; i++) {
        int64_t y = (int64_t)(tl_rand_u64(&s) % (C - 1));
        c->targets[i] = y >= blank ? y + 1 : y;
        if (repeats && i > 0 && tl_rand_u64(&s) % 3 == 0) c->targets[i] = c->targets[i - 1];
    }
}

static int tc_call(const tc_case *c, simdloss_reduction red, float *loss, float *grad)
{
    return simdloss_ctc_f32(c->T, c->N, c->C, c->lp, c->targets, c->stride, c->il, c->tl, c->blank,
                            c->zi, red, loss, grad);
}

/* ---- float64 reference ------------------------------------------------------------------------
 */
static double tc_lse(double a, double b)
{
    const double m = fmax(a, b);
    return m == -INFINITY ? -INFINITY : m + log(exp(a - m) + exp(b - m));
}

/* Sample n's loss; where grad != NULL the true d loss / d lp[t][n][c] into
 * grad[t * C + c] (T x C, 0 past the input length). */
static double tc_ref(const tc_case *c, size_t n, const float *lp, double *grad)
{
    const size_t T = c->T, N = c->N, C = c->C, il = (size_t)c->il[n], S = (size_t)c->tl[n];
    const size_t L = 2 * S + 1;
    const int64_t *lab = c->targets + tc_first(c, n);
    if (grad)
        for (size_t i = 0; i < T * C; i++) grad[i] = 0.0;
    if (il == 0) return S == 0 ? 0.0 : INFINITY;
    double *al = malloc(il * L * sizeof(double)), *be = malloc(il * L * sizeof(double));
    size_t *pr = malloc(L * sizeof(size_t));
    ck_assert(al && be && pr);
    for (size_t s = 0; s < L; s++) pr[s] = s & 1 ? (size_t)lab[s / 2] : (size_t)c->blank;
#define LP(t, k) ((double)lp[((t)*N + n) * C + (k)])
    for (size_t s = 0; s < L; s++) al[s] = s < 2 ? LP(0, pr[s]) : -INFINITY;
    for (size_t t = 1; t < il; t++)
        for (size_t s = 0; s < L; s++) {
            double v = al[(t - 1) * L + s];
            if (s >= 1) v = tc_lse(v, al[(t - 1) * L + s - 1]);
            if (s >= 2 && pr[s] != pr[s - 2]) v = tc_lse(v, al[(t - 1) * L + s - 2]);
            al[t * L + s] = v + LP(t, pr[s]);
        }
    double ll = al[(il - 1) * L + L - 1];
    if (S > 0) ll = tc_lse(ll, al[(il - 1) * L + L - 2]);
    if (grad && ll > -INFINITY) {
        for (size_t s = 0; s < L; s++)
            be[(il - 1) * L + s] = s + 2 >= L ? LP(il - 1, pr[s]) : -INFINITY;
        for (size_t t = il - 1; t-- > 0;)
            for (size_t s = 0; s < L; s++) {
                double v = be[(t + 1) * L + s];
                if (s + 1 < L) v = tc_lse(v, be[(t + 1) * L + s + 1]);
                if (s + 2 < L && pr[s] != pr[s + 2]) v = tc_lse(v, be[(t + 1) * L + s + 2]);
                be[t * L + s] = v + LP(t, pr[s]);
            }
        for (size_t t = 0; t < il; t++)
            for (size_t s = 0; s < L; s++) /* alpha * beta counts lp twice */
                grad[t * C + pr[s]] -= exp(al[t * L + s] + be[t * L + s] - LP(t, pr[s]) - ll);
    }
#undef LP
    free(al), free(be), free(pr);
    return -ll;
}

/* every alignment of T <= 7 frames over C <= 3 classes that collapses to the
 * target (repeats merged, blanks removed): -log of their summed probability */
static double tc_brute(const tc_case *c, size_t n)
{
    const size_t T = (size_t)c->il[n], C = c->C, S = (size_t)c->tl[n];
    const int64_t *lab = c->targets + tc_first(c, n);
    size_t total = 1, path[8];
    for (size_t t = 0; t < T; t++) total *= C;
    double p = 0.0;
    for (size_t code = 0; code < total; code++) {
        size_t v = code, k = 0, ok = 1;
        int64_t prev = -1;
        double lpsum = 0.0;
        for (size_t t = 0; t < T; t++) path[t] = v % C, v /= C;
        for (size_t t = 0; t < T && ok; t++) {
            const int64_t y = (int64_t)path[t];
            lpsum += c->lp[(t * c->N + n) * C + path[t]];
            if (y != c->blank && y != prev) {
                if (k >= S || lab[k] != y) ok = 0;
                k++;
            }
            prev = y;
        }
        if (ok && k == S) p += exp(lpsum);
    }
    return -log(p);
}

START_TEST(ctc_brute_force)
{
    /* the reference itself: all alignments, and central differences */
    long checked = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        tc_case c;
        const size_t T = 1 + seed % 7, C = 2 + seed % 2;
        tc_make(&c, T, 2, C, 1 + seed % 3, (int64_t)(seed % C), 0, 1.0, 1, 0, seed);
        for (size_t n = 0; n < c.N; n++) {
            const double want = tc_brute(&c, n), got = tc_ref(&c, n, c.lp, NULL);
            ck_assert_msg(isinf(want) ? isinf(got) : fabs(got - want) <= 1e-12 * (1 + fabs(want)),
                          "seed %llu sample %zu: reference %.17g, enumeration %.17g",
                          (unsigned long long)seed, n, got, want);
            checked++;
        }
        tc_free(&c);
    }
    for (uint64_t seed = 1; seed <= 20; seed++) {
        tc_case c;
        tc_make(&c, 9, 2, 5, 4, (int64_t)(seed % 5), seed & 1, 1.5, 1, 5, seed * 77);
        double *g = malloc(c.T * c.C * sizeof(double));
        float *lp = malloc(c.T * c.N * c.C * sizeof(float));
        ck_assert(g && lp);
        for (size_t n = 0; n < c.N; n++) {
            const double l0 = tc_ref(&c, n, c.lp, g);
            if (isinf(l0)) continue;
            for (size_t t = 0; t < (size_t)c.il[n]; t += 2)
                for (size_t k = 0; k < c.C; k++) {
                    /* a float step: the loss moves by exactly what lp moves */
                    memcpy(lp, c.lp, c.T * c.N * c.C * sizeof(float));
                    const size_t i = (t * c.N + n) * c.C + k;
                    const float h = 1.0f / 1024;
                    lp[i] = c.lp[i] + h;
                    const double up = tc_ref(&c, n, lp, NULL);
                    lp[i] = c.lp[i] - h;
                    const double dn = tc_ref(&c, n, lp, NULL);
                    const double fd = (up - dn) / (2.0 * h);
                    ck_assert_msg(fabs(fd - g[t * c.C + k]) <= 1e-5 * (1 + fabs(fd)),
                                  "seed %llu sample %zu (t %zu, c %zu): gradient %.12g, central "
                                  "difference %.12g",
                                  (unsigned long long)seed, n, t, k, g[t * c.C + k], fd);
                    checked++;
                }
        }
        free(g), free(lp);
        tc_free(&c);
    }
    ck_assert(checked > 200);
}
END_TEST

/* |got - want| within tol (NaN only for NaN, infinities exactly) */
static int tc_near(float got, double want, double tol)
{
    if (isnan(want)) return isnan(got);
    if (isinf(want)) return got == want;
    return fabs((double)got - want) <= tol;
}

/* The library against the reference: sample losses within 2e-7 * (1 + |l|)
 * per frame, gradients within 2e-6 * max(|g|, exp(lp)) * (1 + loss): both
 * are float recursions whose rounding grows with the loss's magnitude. */
static int tc_check_ref(const tc_case *c, const char *what)
{
    const size_t T = c->T, N = c->N, C = c->C;
    float *loss = malloc((N + 1) * sizeof(float)), *g = malloc((T * N * C + 1) * sizeof(float));
    double *rg = malloc((T * C + 1) * sizeof(double)), *ref = malloc((N + 1) * sizeof(double));
    ck_assert(loss && g && rg && ref);
    int fails = 0;
    for (int r = 0; r < 3; r++) {
        const simdloss_reduction red = (simdloss_reduction)r;
        ck_assert_msg(tc_call(c, red, loss, g) == SIMDLOSS_OK, "%s: %s", what,
                      simdloss_last_error());
        double sum = 0.0, mean = 0.0;
        for (size_t n = 0; n < N; n++) {
            double l = tc_ref(c, n, c->lp, rg);
            const int zeroed = c->zi && isinf(l);
            if (zeroed) l = 0.0;
            ref[n] = l;
            const double tol_l = 2e-7 * (1 + fabs(l)) * (double)(c->il[n] + 1);
            if (red == SIMDLOSS_NONE && !tc_near(loss[n], l, tol_l))
                fails++, fprintf(stderr, "FAIL [%s] %s sample %zu loss %.9g, reference %.9g\n",
                                 tl_table(), what, n, (double)loss[n], l);
            sum += l, mean += l / (double)(c->tl[n] > 1 ? c->tl[n] : 1);
            const float scale = red == SIMDLOSS_MEAN ? (float)(1.0 / (double)N) /
                                                           (float)(c->tl[n] > 1 ? c->tl[n] : 1)
                                                     : 1.0f;
            for (size_t t = 0; t < T; t++)
                for (size_t k = 0; k < C; k++) {
                    const size_t i = (t * N + n) * C + k;
                    const double e = exp((double)c->lp[i]);
                    double want = 0.0;
                    if (!zeroed && t < (size_t)c->il[n])
                        want = isinf(l) ? NAN : (e + rg[t * C + k]) * scale;
                    const double tol = 2e-6 * fmax(fabs(want), e * scale) * (1 + fabs(l));
                    if (!tc_near(g[i], want, tol) && fails++ < 10)
                        fprintf(stderr,
                                "FAIL [%s] %s red %d grad (t %zu, n %zu, c %zu) %.9g, reference "
                                "%.9g\n",
                                tl_table(), what, r, t, n, k, (double)g[i], want);
                }
        }
        if (red != SIMDLOSS_NONE) {
            const double want = red == SIMDLOSS_SUM ? sum : mean / (double)N;
            double mag = 0.0;
            for (size_t n = 0; n < N; n++) mag += fabs(ref[n]) * (double)(c->il[n] + 1);
            if (!tc_near(loss[0], want, 2e-7 * (1 + mag) + 1e-6 * fabs(want)))
                fails++, fprintf(stderr, "FAIL [%s] %s red %d loss %.9g, reference %.9g\n",
                                 tl_table(), what, r, (double)loss[0], want);
        }
    }
    free(loss), free(g), free(rg), free(ref);
    return fails;
}

START_TEST(ctc_reference)
{
    if (!tl_use_table(_i)) return;
    static const size_t shapes[][4] = {/* T, N, C, S */
                                       {1, 3, 2, 1},   {4, 2, 3, 2},    {12, 3, 5, 4},
                                       {30, 4, 6, 9},  {50, 2, 30, 12}, {20, 5, 100, 6},
                                       {80, 2, 7, 30}, {7, 17, 4, 3}};
    int fails = 0;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (int variant = 0; variant < 4; variant++) {
            tc_case c;
            const size_t T = shapes[k][0], N = shapes[k][1], C = shapes[k][2], S = shapes[k][3];
            const uint64_t seed = tl_seed("ctc", "reference", k * 4 + (size_t)variant);
            const int64_t blank = variant == 0   ? 0
                                  : variant == 1 ? (int64_t)C - 1
                                                 : (int64_t)(C / 2);
            const double sharp = variant == 3 ? 5.0 : 1.0;
            tc_make(&c, T, N, C, S, blank, variant & 1, sharp, variant >= 2, 0, seed);
            char what[96];
            snprintf(what, sizeof what, "T %zu N %zu C %zu S %zu blank %lld variant %d", T, N, C, S,
                     (long long)blank, variant);
            fails += tc_check_ref(&c, what);
            tc_free(&c);
        }
    ck_assert_msg(fails == 0, "[%s] %d mismatches with the float64 reference", tl_table(), fails);
}
END_TEST

/* ---- golden (PyTorch 1.13) --------------------------------------------------------------------
 */

static size_t tc_ints(char *rest, int64_t *out, size_t cap)
{
    size_t k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(rest, " \n", &save); tok && k < cap;
         tok = strtok_r(NULL, " \n", &save))
        out[k++] = strtoll(tok, NULL, 10);
    return k;
}

/* torch's float32 result against ours: both round the same recursions, so
 * the tolerance is that of the reference check */
static int tc_golden_case(const tc_case *c, const char *name, const float *none, float sum,
                          float mean, const float *gsum, const float *gmean)
{
    const size_t N = c->N, G = c->T * N * c->C;
    float *loss = malloc((N + 1) * sizeof(float)), *g = malloc((G + 1) * sizeof(float));
    ck_assert(loss && g);
    int fails = 0;
    double mag = 0.0;
    for (size_t n = 0; n < N; n++)
        mag += (isfinite(none[n]) ? fabs(none[n]) : 0) * (double)(c->il[n] + 1);
    for (int r = 0; r < 3; r++) {
        ck_assert_int_eq(tc_call(c, (simdloss_reduction)r, loss, g), SIMDLOSS_OK);
        for (size_t n = 0; r == 0 && n < N; n++)
            if (!tc_near(loss[n], none[n], 2e-7 * (1 + fabs(none[n])) * (double)(c->il[n] + 1)))
                fails++, fprintf(stderr, "FAIL [%s] %s none[%zu] %.9g, torch %.9g\n", tl_table(),
                                 name, n, (double)loss[n], (double)none[n]);
        const float want = r == 1 ? mean : sum;
        if (r > 0 && !tc_near(loss[0], want, 2e-7 * (1 + mag) + 1e-6 * fabs(want)))
            fails++, fprintf(stderr, "FAIL [%s] %s red %d %.9g, torch %.9g\n", tl_table(), name, r,
                             (double)loss[0], (double)want);
        const float *gw = r == 1 ? gmean : gsum;
        for (size_t i = 0; i < G; i++) {
            const size_t n = (i / c->C) % N;
            const double l = isfinite(none[n]) ? fabs(none[n]) : 0.0;
            const double scale =
                r == 1 ? 1.0 / (double)N / (double)(c->tl[n] > 1 ? c->tl[n] : 1) : 1.0;
            const double tol = 2e-6 * fmax(fabs(gw[i]), exp((double)c->lp[i]) * scale) * (1 + l);
            if (!tc_near(g[i], gw[i], tol) && fails++ < 10)
                fprintf(stderr, "FAIL [%s] %s red %d grad[%zu] %.9g, torch %.9g\n", tl_table(),
                        name, r, i, (double)g[i], (double)gw[i]);
        }
    }
    free(loss), free(g);
    return fails;
}

START_TEST(ctc_golden)
{
    if (!tl_use_table(_i)) return;
    char path[512];
    snprintf(path, sizeof path, "%s/ctc/ctc.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    static char line[1 << 20];
    const size_t cap = 1 << 16;
    tc_case c;
    memset(&c, 0, sizeof c);
    float *none = malloc(cap * sizeof(float)), *gsum = malloc(cap * sizeof(float));
    float *gmean = malloc(cap * sizeof(float)), sum = 0, mean = 0;
    ck_assert(none && gsum && gmean);
    char name[64] = "";
    int cases = 0, fails = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *save = NULL, *key = strtok_r(line, " \n", &save), *rest = save;
        if (!key) continue;
        if (!strcmp(key, "case")) {
            tc_free(&c);
            snprintf(name, sizeof name, "%s", strtok_r(NULL, " \n", &save));
            c.lp = malloc(cap * sizeof(float));
            c.targets = malloc(cap * sizeof(int64_t));
            c.il = malloc(cap * sizeof(int64_t)), c.tl = malloc(cap * sizeof(int64_t));
            ck_assert(c.lp && c.targets && c.il && c.tl);
        } else if (!strcmp(key, "shape")) {
            int64_t v[6];
            ck_assert_int_eq(tc_ints(rest, v, 6), 6);
            c.T = (size_t)v[0], c.N = (size_t)v[1], c.C = (size_t)v[2], c.stride = (size_t)v[3];
            c.blank = v[4], c.zi = (int)v[5];
        } else if (!strcmp(key, "il")) {
            tc_ints(rest, c.il, cap);
        } else if (!strcmp(key, "tl")) {
            tc_ints(rest, c.tl, cap);
        } else if (!strcmp(key, "targets")) {
            c.ntargets = tc_ints(rest, c.targets, cap);
        } else if (!strcmp(key, "lp")) {
            ck_assert_uint_eq(tl_hex_floats(rest, c.lp, cap), c.T * c.N * c.C);
        } else if (!strcmp(key, "none")) {
            tl_hex_floats(rest, none, cap);
        } else if (!strcmp(key, "sum")) {
            tl_hex_floats(rest, &sum, 1);
        } else if (!strcmp(key, "mean")) {
            tl_hex_floats(rest, &mean, 1);
        } else if (!strcmp(key, "gsum")) {
            tl_hex_floats(rest, gsum, cap);
        } else if (!strcmp(key, "gmean")) {
            tl_hex_floats(rest, gmean, cap);
        } else if (!strcmp(key, "end")) {
            fails += tc_golden_case(&c, name, none, sum, mean, gsum, gmean);
            cases++;
        }
    }
    fclose(f);
    tc_free(&c);
    free(none), free(gsum), free(gmean);
    ck_assert_msg(cases >= 16, "%s: %d cases", path, cases);
    ck_assert_msg(fails == 0, "[%s] %d mismatches with torch in %d cases", tl_table(), fails,
                  cases);
}
END_TEST

/* ---- golden (Keras 3) ---------------------------------------------------------------------------
 */

/* Keras 3's keras.losses.CTC (golden/keras/ctc.txt, gen_keras_ctc.py: Keras
 * itself on JAX, float32) is simdloss_ctc_f32 with
 *   log_probs      = log_softmax(y_pred) (Keras takes logits), transposed
 *                    from Keras' (batch, time, classes) to (time, batch,
 *                    classes);
 *   targets        = the rows of y_true, target_stride = max_length;
 *   target_lengths = each row's count of non-zero labels (Keras reads the
 *                    first that many entries: labels first, zeros after);
 *   input_lengths  = time for every row; blank 0; zero_infinity 0;
 * Keras' reduction None is NONE; its default sum_over_batch_size is SUM /
 * batch (not MEAN, which also divides by the target length); its gradient
 * with respect to the logits is the SUM gradient / batch: the PyTorch
 * quirk's exp(log_probs) term is exactly log_softmax's backward (a frame's
 * true partials sum to -1). Every row of the file is feasible: Keras writes
 * log_epsilon = -1e5 for impossible transitions, so an infeasible row has a
 * large finite loss there and inf here.
 * log_softmax is taken here in double and rounded once; JAX's float32
 * log_softmax differs by an ulp or so per entry. Both sides are float32
 * recursions over alphas as large as the loss, so the error is a few ulps
 * of the loss: measured (the same bits on every table), sequence losses
 * within 1.9e-7 * (1 + loss) and the mean within 1.6e-7 * (1 + mean), not
 * growing with time (5.7e-8 at 1 frame, 9.1e-8 at 100); a posterior's
 * relative error is that of exp(alpha + beta - loss), so gradients within
 * 4.2e-7 * (1 + the row's loss) * max(|g|, exp(log_probs) / batch) (up to
 * 9e-6 absolute at 100 frames, loss 161). The tolerances are about 10x:
 * 2e-6, 2e-6 and 4e-6. */
static int tc_keras_case(const char *name, size_t B, size_t T, size_t C, size_t L, const int64_t *y,
                         const float *x, const float *none, float mean, const float *gmean)
{
    tc_case c;
    memset(&c, 0, sizeof c);
    c.T = T, c.N = B, c.C = C, c.stride = L, c.blank = 0, c.zi = 0;
    c.lp = malloc((T * B * C + 1) * sizeof(float));
    c.targets = malloc((B * L + 1) * sizeof(int64_t));
    c.il = malloc((B + 1) * sizeof(int64_t)), c.tl = malloc((B + 1) * sizeof(int64_t));
    float *loss = malloc((B + 1) * sizeof(float)), *g = malloc((T * B * C + 1) * sizeof(float));
    ck_assert(c.lp && c.targets && c.il && c.tl && loss && g);
    memcpy(c.targets, y, B * L * sizeof(int64_t));
    for (size_t b = 0; b < B; b++) {
        c.il[b] = (int64_t)T, c.tl[b] = 0;
        for (size_t j = 0; j < L; j++) c.tl[b] += y[b * L + j] != 0;
        for (size_t t = 0; t < T; t++) {
            const float *row = x + (b * T + t) * C;
            double m = -INFINITY, z = 0.0;
            for (size_t k = 0; k < C; k++) m = fmax(m, row[k]);
            for (size_t k = 0; k < C; k++) z += exp(row[k] - m);
            for (size_t k = 0; k < C; k++) c.lp[(t * B + b) * C + k] = (float)(row[k] - m - log(z));
        }
    }
    int fails = 0;
    ck_assert_int_eq(tc_call(&c, SIMDLOSS_NONE, loss, NULL), SIMDLOSS_OK);
    for (size_t b = 0; b < B; b++)
        if (!tc_near(loss[b], none[b], 2e-6 * (1 + fabs(none[b]))))
            fails++, fprintf(stderr, "FAIL [%s] keras %s none[%zu] %.9g, keras %.9g\n", tl_table(),
                             name, b, (double)loss[b], (double)none[b]);
    float sum;
    ck_assert_int_eq(tc_call(&c, SIMDLOSS_SUM, &sum, g), SIMDLOSS_OK);
    if (!tc_near((float)((double)sum / (double)B), mean, 2e-6 * (1 + fabs(mean))))
        fails++, fprintf(stderr, "FAIL [%s] keras %s SUM / batch %.9g, keras mean %.9g\n",
                         tl_table(), name, (double)sum / (double)B, (double)mean);
    for (size_t b = 0; b < B; b++)
        for (size_t t = 0; t < T; t++)
            for (size_t k = 0; k < C; k++) {
                const size_t i = (t * B + b) * C + k, ik = (b * T + t) * C + k;
                const double got = (double)g[i] / (double)B, want = gmean[ik];
                const double p = exp((double)c.lp[i]) / (double)B;
                const double tol = 4e-6 * (1 + fabs(none[b])) * fmax(fabs(want), p);
                if (!tc_near((float)got, want, tol) && fails++ < 10)
                    fprintf(stderr,
                            "FAIL [%s] keras %s grad (b %zu, t %zu, c %zu) %.9g, keras %.9g\n",
                            tl_table(), name, b, t, k, got, want);
            }
    free(loss), free(g);
    tc_free(&c);
    return fails;
}

START_TEST(ctc_keras)
{
    if (!tl_use_table(_i)) return;
    char path[512];
    snprintf(path, sizeof path, "%s/keras/ctc.txt", TL_GOLDEN_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    static char line[1 << 20];
    const size_t cap = 1 << 16;
    float *x = malloc(cap * sizeof(float)), *none = malloc(cap * sizeof(float));
    float *gmean = malloc(cap * sizeof(float)), mean = 0;
    int64_t *y = malloc(cap * sizeof(int64_t));
    ck_assert(x && none && gmean && y);
    size_t B = 0, T = 0, C = 0, L = 0;
    char name[64] = "";
    int cases = 0, fails = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *save = NULL, *key = strtok_r(line, " \n", &save), *rest = save;
        if (!key) continue;
        if (!strcmp(key, "case")) {
            snprintf(name, sizeof name, "%s", strtok_r(NULL, " \n", &save));
        } else if (!strcmp(key, "shape")) {
            int64_t v[4];
            ck_assert_int_eq(tc_ints(rest, v, 4), 4);
            B = (size_t)v[0], T = (size_t)v[1], C = (size_t)v[2], L = (size_t)v[3];
        } else if (!strcmp(key, "y")) {
            ck_assert_uint_eq(tc_ints(rest, y, cap), B * L);
        } else if (!strcmp(key, "logits")) {
            ck_assert_uint_eq(tl_hex_floats(rest, x, cap), B * T * C);
        } else if (!strcmp(key, "none")) {
            ck_assert_uint_eq(tl_hex_floats(rest, none, cap), B);
        } else if (!strcmp(key, "mean")) {
            ck_assert_uint_eq(tl_hex_floats(rest, &mean, 1), 1);
        } else if (!strcmp(key, "g_mean")) {
            ck_assert_uint_eq(tl_hex_floats(rest, gmean, cap), B * T * C);
        } else if (!strcmp(key, "end")) {
            fails += tc_keras_case(name, B, T, C, L, y, x, none, mean, gmean);
            cases++;
        }
    }
    fclose(f);
    free(x), free(none), free(gmean), free(y);
    ck_assert_msg(cases >= 8, "%s: %d cases", path, cases);
    ck_assert_msg(fails == 0, "[%s] %d mismatches with Keras in %d cases", tl_table(), fails,
                  cases);
}
END_TEST

/* ---- bits: tables, threads, layouts, in place ---------------------------------------------------
 */
/* every output of every reduction for a family of cases with NaN, -inf and
 * +inf entries, repeats, infeasible samples and both layouts */
static uint64_t tc_bits(int threads_config)
{
    uint64_t h = TL_HASH_START;
    for (uint64_t k = 0; k < 12; k++) {
        tc_case c;
        tc_make(&c, 3 + k * 7, 1 + k % 6, 2 + k * 11 % 37, k % 9, (int64_t)(k % 2), k & 1,
                k % 3 ? 1.0 : 4.0, 1, k % 4, tl_seed("ctc", "bits", k));
        const size_t G = c.T * c.N * c.C;
        if (k % 4 == 1) c.lp[G / 2] = NAN;
        if (k % 4 == 2) c.lp[G / 3] = -INFINITY, c.lp[G - 1] = -INFINITY;
        if (k == 7) c.lp[1] = INFINITY;
        float *loss = malloc((c.N + 1) * sizeof(float)), *g = malloc((G + 1) * sizeof(float));
        ck_assert(loss && g);
        for (int r = 0; r < 3; r++) {
            if (threads_config >= 0) tl_threads_set(threads_config);
            const int rc = tc_call(&c, (simdloss_reduction)r, loss, g);
            tl_threads_set(-1);
            ck_assert_int_eq(rc, SIMDLOSS_OK);
            h = tl_hash_bytes(h, loss, (r == 0 ? c.N : 1) * sizeof(float));
            h = tl_hash_bytes(h, g, G * sizeof(float));
        }
        free(loss), free(g);
        tc_free(&c);
    }
    return h;
}

START_TEST(ctc_bitwise) { tl_check_bits_everywhere(tc_bits); }
END_TEST

START_TEST(ctc_layouts_in_place)
{
    if (!tl_use_table(_i)) return;
    tc_case c;
    tc_make(&c, 40, 5, 9, 7, 3, 1, 1.0, 1, 0, tl_seed("ctc", "layouts", 0));
    const size_t G = c.T * c.N * c.C;
    float lp_l[5], lc_l[5], li_l[5];
    float *gp = malloc(G * sizeof(float)), *gc = malloc(G * sizeof(float));
    float *inplace = malloc(G * sizeof(float));
    int64_t *cat = malloc((c.ntargets + 1) * sizeof(int64_t));
    ck_assert(gp && gc && inplace && cat);
    size_t at = 0;
    for (size_t n = 0; n < c.N; n++)
        for (int64_t j = 0; j < c.tl[n]; j++) cat[at++] = c.targets[n * c.stride + (size_t)j];
    for (int r = 0; r < 3; r++) {
        const simdloss_reduction red = (simdloss_reduction)r;
        ck_assert_int_eq(tc_call(&c, red, lp_l, gp), SIMDLOSS_OK);
        ck_assert_int_eq(
            simdloss_ctc_f32(c.T, c.N, c.C, c.lp, cat, 0, c.il, c.tl, c.blank, c.zi, red, lc_l, gc),
            SIMDLOSS_OK);
        memcpy(inplace, c.lp, G * sizeof(float));
        ck_assert_int_eq(simdloss_ctc_f32(c.T, c.N, c.C, inplace, c.targets, c.stride, c.il, c.tl,
                                          c.blank, c.zi, red, li_l, inplace),
                         SIMDLOSS_OK);
        const size_t nl = r == 0 ? c.N : 1;
        ck_assert_msg(!memcmp(lp_l, lc_l, nl * 4) && !memcmp(gp, gc, G * 4),
                      "[%s] padded and concatenated targets differ (reduction %d)", tl_table(), r);
        ck_assert_msg(!memcmp(lp_l, li_l, nl * 4) && !memcmp(gp, inplace, G * 4),
                      "[%s] in place differs from out of place (reduction %d)", tl_table(), r);
        /* loss only and gradient only give the same bits */
        float l2[5];
        ck_assert_int_eq(tc_call(&c, red, l2, NULL), SIMDLOSS_OK);
        ck_assert(!memcmp(l2, lp_l, nl * 4));
        memset(gc, 0x55, G * 4);
        ck_assert_int_eq(tc_call(&c, red, NULL, gc), SIMDLOSS_OK);
        ck_assert(!memcmp(gc, gp, G * 4));
    }
    free(gp), free(gc), free(inplace), free(cat);
    tc_free(&c);
}
END_TEST

/* ---- contract ----------------------------------------------------------------------------------
 */
#define TC_SENT 12345.0f

START_TEST(ctc_semantics)
{
    if (!tl_use_table(_i)) return;
    /* 6 frames, 3 samples, 4 classes; sample 0: input length 0, empty target
     * (-0); sample 1: input length 2 of 6 with 3 labels (infeasible); sample
     * 2: input 4, target {1, 1}, feasible (needs a blank between) */
    tc_case c;
    tc_make(&c, 6, 3, 4, 2, 0, 1, 1.0, 0, 0, 99);
    const int64_t il[3] = {0, 2, 4}, tl[3] = {0, 3, 2}, tg[9] = {1, 2, 3, 1, 2, 3, 1, 1, 0};
    memcpy(c.il, il, sizeof il), memcpy(c.tl, tl, sizeof tl);
    free(c.targets);
    c.targets = malloc(sizeof tg);
    memcpy(c.targets, tg, sizeof tg);
    c.stride = 3;
    const size_t G = 6 * 3 * 4;
    float loss[3], g[6 * 3 * 4];
    for (int zi = 0; zi < 2; zi++) {
        c.zi = zi;
        for (size_t i = 0; i < G; i++) g[i] = TC_SENT;
        ck_assert_int_eq(tc_call(&c, SIMDLOSS_SUM, loss, g), SIMDLOSS_OK);
        ck_assert_int_eq(tc_call(&c, SIMDLOSS_NONE, loss, NULL), SIMDLOSS_OK);
        ck_assert_msg(loss[0] == 0.0f && signbit(loss[0]), "empty input, empty target: %g",
                      (double)loss[0]);
        ck_assert_msg(zi ? loss[1] == 0.0f : loss[1] == INFINITY, "infeasible: %g",
                      (double)loss[1]);
        const double want2 = tc_ref(&c, 2, c.lp, NULL);
        ck_assert_msg(isfinite(want2) && fabs(loss[2] - want2) < 1e-5 * (1 + want2),
                      "repeated label: %g, reference %g", (double)loss[2], want2);
        for (size_t t = 0; t < 6; t++)
            for (size_t n = 0; n < 3; n++) {
                double gsum = 0.0;
                for (size_t k = 0; k < 4; k++) {
                    const float v = g[(t * 3 + n) * 4 + k];
                    const int live = (int64_t)t < il[n] && !(n == 1 && zi);
                    if (!live)
                        ck_assert_msg(v == 0.0f && !signbit(v),
                                      "zi %d frame %zu sample %zu class %zu: %g, want +0", zi, t, n,
                                      k, (double)v);
                    else if (n == 1)
                        ck_assert_msg(isnan(v), "infeasible sample: %g, want NaN", (double)v);
                    gsum += v;
                }
                /* the quirk: the exp(lp) term makes each live frame sum to
                 * 1 - 1 = 0 (lp is normalised) */
                if ((int64_t)t < il[n] && n == 2)
                    ck_assert_msg(fabs(gsum) < 1e-5, "frame %zu: gradient sums to %g", t, gsum);
            }
    }
    /* MEAN: the mean over samples of loss / max(target length, 1) */
    c.zi = 1;
    float none[3], mean;
    ck_assert_int_eq(tc_call(&c, SIMDLOSS_NONE, none, NULL), SIMDLOSS_OK);
    ck_assert_int_eq(tc_call(&c, SIMDLOSS_MEAN, &mean, NULL), SIMDLOSS_OK);
    const double wm = ((double)none[0] + none[1] / 3.0 + none[2] / 2.0) / 3.0;
    ck_assert_msg(fabs(mean - wm) <= 1e-6 * fabs(wm), "mean %g, want %g", (double)mean, wm);
    /* time 0: every input length 0 */
    const int64_t z[2] = {0, 0}, t1[2] = {0, 1}, lab[1] = {2};
    float l2[2] = {TC_SENT, TC_SENT};
    ck_assert_int_eq(simdloss_ctc_f32(0, 2, 4, NULL, lab, 0, z, t1, 0, 0, SIMDLOSS_NONE, l2, NULL),
                     SIMDLOSS_OK);
    ck_assert(l2[0] == 0.0f && l2[1] == INFINITY);
    /* batch 0: NONE writes nothing, SUM 0, MEAN NaN */
    ck_assert_int_eq(
        simdloss_ctc_f32(5, 0, 4, NULL, NULL, 0, NULL, NULL, 0, 0, SIMDLOSS_NONE, l2, NULL),
        SIMDLOSS_OK);
    ck_assert(l2[0] == 0.0f);
    ck_assert_int_eq(
        simdloss_ctc_f32(5, 0, 4, NULL, NULL, 0, NULL, NULL, 0, 0, SIMDLOSS_SUM, l2, NULL),
        SIMDLOSS_OK);
    ck_assert(l2[0] == 0.0f);
    ck_assert_int_eq(
        simdloss_ctc_f32(5, 0, 4, NULL, NULL, 0, NULL, NULL, 0, 0, SIMDLOSS_MEAN, l2, NULL),
        SIMDLOSS_OK);
    ck_assert(isnan(l2[0]));
    tc_free(&c);
}
END_TEST

/* 1 if `needle` occurs in the last error message */
static int tc_says(const char *needle) { return strstr(simdloss_last_error(), needle) != NULL; }

START_TEST(ctc_errors)
{
    if (!tl_use_table(_i)) return;
    const float lp[3 * 2 * 4] = {0};
    int64_t il[2] = {3, 2}, tl[2] = {1, 2}, tg[4] = {1, 0, 2, 3};
    float loss[2], g[24];
    for (size_t i = 0; i < 24; i++) g[i] = TC_SENT;
    loss[0] = loss[1] = TC_SENT;
#define TC_ERR(want, needle, ...)                                                                  \
    do {                                                                                           \
        ck_assert_int_eq(simdloss_ctc_f32(__VA_ARGS__), want);                                     \
        ck_assert_msg(tc_says(needle), "message '%s' lacks '%s'", simdloss_last_error(), needle);  \
        ck_assert(loss[0] == TC_SENT && loss[1] == TC_SENT);                                       \
        for (size_t i = 0; i < 24; i++) ck_assert(g[i] == TC_SENT);                                \
    } while (0)
    const simdloss_reduction none = SIMDLOSS_NONE;
    TC_ERR(SIMDLOSS_EINVAL, "reduction", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, (simdloss_reduction)7,
           loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "both NULL", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, NULL, NULL);
    TC_ERR(SIMDLOSS_EINVAL, "blank = -1", 3, 2, 4, lp, tg, 2, il, tl, -1, 0, none, loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "blank = 4", 3, 2, 4, lp, tg, 2, il, tl, 4, 0, none, loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "log_probs", 3, 2, 4, NULL, tg, 2, il, tl, 0, 0, none, loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "input_lengths", 3, 2, 4, lp, tg, 2, NULL, tl, 0, 0, none, loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "targets is NULL", 3, 2, 4, lp, NULL, 2, il, tl, 0, 0, none, loss, g);
    il[1] = 4;
    TC_ERR(SIMDLOSS_EINVAL, "input_lengths[1] = 4", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss,
           g);
    il[1] = -1;
    TC_ERR(SIMDLOSS_EINVAL, "input_lengths[1] = -1", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss,
           g);
    il[1] = 2, tl[0] = -2;
    TC_ERR(SIMDLOSS_EINVAL, "target_lengths[0] = -2", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss,
           g);
    tl[0] = 3;
    TC_ERR(SIMDLOSS_EINVAL, "exceeds target_stride", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss,
           g);
    tl[0] = 1;
    /* padded: sample 1's labels are tg[2], tg[3]; concatenated: tg[1], tg[2] */
    tg[3] = 4;
    TC_ERR(SIMDLOSS_EDOMAIN, "target 1 of sample 1 (targets[3]) = 4", 3, 2, 4, lp, tg, 2, il, tl, 0,
           0, none, loss, g);
    tg[3] = 3, tg[2] = 0;
    TC_ERR(SIMDLOSS_EDOMAIN, "target 0 of sample 1 (targets[2]) = 0 is the blank", 3, 2, 4, lp, tg,
           2, il, tl, 0, 0, none, loss, g);
    tg[2] = -3;
    TC_ERR(SIMDLOSS_EDOMAIN, "= -3", 3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss, g);
    tg[2] = 2;
    TC_ERR(SIMDLOSS_EDOMAIN, "(targets[1]) = 0", 3, 2, 4, lp, tg, 0, il, tl, 0, 0, none, loss, g);
    TC_ERR(SIMDLOSS_EINVAL, "overflow", (size_t)1 << 40, (size_t)1 << 20, 1 << 10, lp, tg, 2, il,
           tl, 0, 0, none, loss, g);
    /* the scratch of a huge target does not fit: ENOMEM before anything */
    tl[1] = INT64_MAX / 2;
    TC_ERR(SIMDLOSS_ENOMEM, "scratch", 3, 2, 4, lp, tg, 0, il, tl, 0, 0, none, loss, g);
#undef TC_ERR
    tl[1] = 2;
    /* a success leaves the last error as it was */
    char before[256];
    snprintf(before, sizeof before, "%s", simdloss_last_error());
    ck_assert_int_eq(simdloss_ctc_f32(3, 2, 4, lp, tg, 2, il, tl, 0, 0, none, loss, g),
                     SIMDLOSS_OK);
    ck_assert_str_eq(simdloss_last_error(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ctc");
    TCase *tc = tcase_create("ctc");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, ctc_brute_force);
    tcase_add_loop_test(tc, ctc_reference, 0, tl_ntables());
    tcase_add_loop_test(tc, ctc_golden, 0, tl_ntables());
    tcase_add_loop_test(tc, ctc_keras, 0, tl_ntables());
    tcase_add_test(tc, ctc_bitwise);
    tcase_add_loop_test(tc, ctc_layouts_in_place, 0, tl_ntables());
    tcase_add_loop_test(tc, ctc_semantics, 0, tl_ntables());
    tcase_add_loop_test(tc, ctc_errors, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
