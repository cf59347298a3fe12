/*
 * Golden vectors from PyTorch 1.13 (tests/golden/<loss>.txt, written by
 * tests/golden/gen.py): every case on every runnable ISA, all reductions,
 * loss and gradients, prefix reductions over tail and block boundaries.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define TG_MAX_PREFIX 128
#define TG_MAX_REPORT 25

typedef struct {
    char name[160];
    tl_params p;
    size_t n, a0_len, a1_len;
    float *x, *y, *a0, *a1, *none, *gnone, *gmean, *gasum, *gamean;
    int has_mean, has_sum;
    float mean, sum;
    size_t nprefix, pl[TG_MAX_PREFIX];
    float pmean[TG_MAX_PREFIX], psum[TG_MAX_PREFIX];
    long edomain; /* -1: none */
} tg_case;

static float tg_hex(const char *tok)
{
    char *end;
    unsigned long b = strtoul(tok, &end, 16);
    ck_assert_msg(*end == 0 && end != tok, "bad hex float '%s'", tok);
    return tl_from_bits((uint32_t)b);
}

/* Reads `count` hex floats from the rest of a line. */
static float *tg_floats(char **save, size_t count)
{
    float *v = malloc((count ? count : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t k = 0; k < count; k++) {
        char *tok = strtok_r(NULL, " \n", save);
        ck_assert_msg(tok != NULL, "short float list (%zu of %zu)", k, count);
        v[k] = tg_hex(tok);
    }
    return v;
}

static size_t tg_size(char **save)
{
    char *tok = strtok_r(NULL, " \n", save);
    ck_assert_ptr_nonnull(tok);
    return (size_t)strtoull(tok, NULL, 10);
}

static void tg_free(tg_case *c)
{
    free(c->x), free(c->y), free(c->a0), free(c->a1), free(c->none);
    free(c->gnone), free(c->gmean), free(c->gasum), free(c->gamean);
    memset(c, 0, sizeof *c);
}

/* Parses the next case; returns 0 at end of file. */
static int tg_next(FILE *f, tg_case *c)
{
    static char line[1 << 22];
    memset(c, 0, sizeof *c);
    c->edomain = -1;
    int in_case = 0;
    while (fgets(line, sizeof line, f)) {
        char *save, *key = strtok_r(line, " \n", &save);
        if (!key || key[0] == '#') continue;
        ck_assert_msg(strlen(line) < sizeof line - 1, "golden line too long");
        if (!strcmp(key, "case")) {
            snprintf(c->name, sizeof c->name, "%s", strtok_r(NULL, " \n", &save));
            in_case = 1;
        } else if (!in_case) {
            ck_abort_msg("golden: '%s' outside a case", key);
        } else if (!strcmp(key, "f")) {
            char *tok;
            for (int k = 0; k < 3 && (tok = strtok_r(NULL, " \n", &save)); k++)
                c->p.f[k] = tg_hex(tok);
        } else if (!strcmp(key, "i")) {
            char *tok;
            for (int k = 0; k < 2 && (tok = strtok_r(NULL, " \n", &save)); k++)
                c->p.i[k] = atoi(tok);
        } else if (!strcmp(key, "n")) {
            c->n = tg_size(&save);
        } else if (!strcmp(key, "x")) {
            c->x = tg_floats(&save, c->n);
        } else if (!strcmp(key, "y")) {
            c->y = tg_floats(&save, c->n);
        } else if (!strcmp(key, "a0")) {
            c->a0_len = tg_size(&save);
            c->a0 = tg_floats(&save, c->a0_len);
        } else if (!strcmp(key, "a1")) {
            c->a1_len = tg_size(&save);
            c->a1 = tg_floats(&save, c->a1_len);
        } else if (!strcmp(key, "none")) {
            c->none = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gnone")) {
            c->gnone = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gmean")) {
            c->gmean = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gasum")) {
            c->gasum = tg_floats(&save, c->a0_len);
        } else if (!strcmp(key, "gamean")) {
            c->gamean = tg_floats(&save, c->a0_len);
        } else if (!strcmp(key, "mean")) {
            c->has_mean = 1;
            c->mean = tg_hex(strtok_r(NULL, " \n", &save));
        } else if (!strcmp(key, "sum")) {
            c->has_sum = 1;
            c->sum = tg_hex(strtok_r(NULL, " \n", &save));
        } else if (!strcmp(key, "prefix")) {
            ck_assert_int_lt(c->nprefix, TG_MAX_PREFIX);
            c->pl[c->nprefix] = tg_size(&save);
            c->pmean[c->nprefix] = tg_hex(strtok_r(NULL, " \n", &save));
            c->psum[c->nprefix] = tg_hex(strtok_r(NULL, " \n", &save));
            c->nprefix++;
        } else if (!strcmp(key, "edomain")) {
            c->edomain = (long)tg_size(&save);
        } else if (!strcmp(key, "end")) {
            c->p.aux0 = c->a0, c->p.aux0_len = c->a0_len;
            c->p.aux1 = c->a1, c->p.aux1_len = c->a1_len;
            return 1;
        } else {
            ck_abort_msg("golden: unknown key '%s'", key);
        }
    }
    ck_assert_msg(!in_case, "golden: case %s has no 'end'", c->name);
    return 0;
}

typedef struct {
    const char *loss, *isa, *cas;
    int failures, checks;
} tg_ctx;

/*
 * Magnitude of the terms whose difference forms element i's loss (*lt) and
 * gradient (*gt). Where they cancel, torch's float32 value and ours both
 * carry an error of about an ulp of the terms, not of the result (SPEC 0.7),
 * so comparisons allow an extra 3e-7 * terms there. 0 where nothing cancels.
 */
static void tg_terms(const char *loss, const tl_params *p, size_t i, float xf, float yf, double *lt,
                     double *gt)
{
    const double x = xf, y = yf;
    const double w = p->aux0 ? fabs((double)p->aux0[i % p->aux0_len]) : 1.0;
    *lt = *gt = 0.0;
    if (!strcmp(loss, "bce")) {
        *lt =
            w * (fabs(y - 1) * fmin(100.0, fabs(log(1 - x))) + fabs(y) * fmin(100.0, fabs(log(x))));
    } else if (!strcmp(loss, "bce_with_logits")) {
        const double pw = p->aux1 ? p->aux1[i % p->aux1_len] : 1.0;
        const double lw = fabs(1 + (pw - 1) * y);
        *lt = w * (fabs(1 - y) * fabs(x) + lw * (fabs(x) + 1));
        *gt = w * (2 * fabs(pw * y) + fabs(1 - y) + 1);
    } else if (!strcmp(loss, "binary_focal") || !strcmp(loss, "sigmoid_focal")) {
        *lt = (fabs(x) + 1) * (fabs(y) + 1);
        *gt = 4 * (fabs(x) + 1) * (fabs(y) + 1) * (1 + fabs(p->f[0]) + fabs(p->f[1]));
        if (!strcmp(loss, "binary_focal")) {
            const double o = fmin(fmax(x, 1e-7), 1 - 1e-7);
            *gt *= (1 / o + 1 / (1 - o));
        }
    } else if (!strcmp(loss, "hinge_embedding")) {
        *lt = fabs(p->f[0] - x) + fabs(x);
    } else if (!strcmp(loss, "kl_div")) {
        *lt = p->i[0] ? exp(y) * (fabs(y) + fabs(x)) : fabs(y * log(fabs(y))) + fabs(y * x);
    } else if (!strcmp(loss, "poisson_nll")) {
        const double eps = p->f[0];
        if (p->i[0]) {
            *lt = exp(x) + fabs(y * x);
            *gt = exp(x) + fabs(y);
        } else {
            *lt = fabs(x) + fabs(y * log(fabs(x + eps)));
            *gt = 1 + fabs(y / (x + eps));
        }
        if (p->i[1] && y > 1) *lt += fabs(y * log(y)) + y + fabs(0.5 * log(6.283185307179586 * y));
    } else if (!strcmp(loss, "log_cosh")) {
        *lt = 1 + fabs(x - y);
    } else if (!strcmp(loss, "msle")) {
        const double a = log(fmax(x, 1e-7) + 1), b = log(fmax(y, 1e-7) + 1);
        *lt = 2 * (fabs(a) + fabs(b)) * fabs(a - b);
        *gt = 2 * (fabs(a) + fabs(b)) / (fmax(x, 1e-7) + 1);
    } else if (!strcmp(loss, "poisson")) {
        *lt = fabs(x) + fabs(y * log(fabs(x + 1e-7)));
        *gt = 1 + fabs(y / (x + 1e-7));
    } else if (!strcmp(loss, "gaussian_nll")) {
        const double v = fmax(w, p->f[0]), d = x - y;
        *lt = 0.5 * (fabs(log(v)) + d * d / v) + 1;
        *gt = 0.5 * (1 / v + d * d / (v * v)); /* for the variance gradient */
    }
}

static void tg_fail(tg_ctx *t, const char *what, long idx, float got, float want)
{
    if (t->failures++ < TG_MAX_REPORT)
        printf("FAIL [%s] %s/%s %s[%ld]: got %.9g (%08x) want %.9g (%08x)\n", t->isa, t->loss,
               t->cas, what, idx, (double)got, tl_bits(got), (double)want, tl_bits(want));
}

/* Elementwise: 4 ulp, or rel 1e-6 + abs 1e-7 * (largest |want| of the array),
 * plus 3e-7 * terms[i] * factor where the formula cancels (tg_terms). */
static void tg_cmp_array(tg_ctx *t, const char *what, const float *got, const float *want, size_t n,
                         const double *terms, double factor)
{
    if (!want) return;
    const double scale = tl_scale(want, n);
    for (size_t i = 0; i < n; i++) {
        t->checks++;
        const double extra = terms && isfinite(terms[i]) ? 3e-7 * terms[i] * factor : 0.0;
        if (!tl_close(got[i], want[i], 4, 1e-6, 1e-7 * scale + extra))
            tg_fail(t, what, (long)i, got[i], want[i]);
    }
}

/* Reductions: rel 1e-5, plus an absolute part scaled by the mean |loss| for
 * sums that cancel (float32 summation error in the reference). */
static void tg_cmp_reduced(tg_ctx *t, const char *what, long len, float got, float want, double mag)
{
    t->checks++;
    if (!tl_close(got, want, 4, 1e-5, 1e-6 * mag)) tg_fail(t, what, len, got, want);
}

static double tg_abs_mean(const float *v, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) s += fabs(v[i]), k++;
    return k ? s / (double)k : 0.0;
}

static void tg_run_case(tg_ctx *t, const tl_loss *L, const tg_case *c)
{
    const size_t n = c->n, m = n ? n : 1, am = c->a0_len ? c->a0_len : 1;
    float *loss = malloc(m * sizeof(float)), *grad = malloc(m * sizeof(float));
    float *gaux = malloc(am * sizeof(float));
    float red;
    int rc;
    t->cas = c->name;

    if (c->edomain >= 0) {
        rc = L->call(n, c->x, c->y, &c->p, SIMDLOSS_SUM, &red, grad, NULL);
        char want[64];
        snprintf(want, sizeof want, "input[%ld] =", c->edomain);
        t->checks++;
        if (rc != SIMDLOSS_EDOMAIN || !strstr(simdloss_last_error(), want)) {
            t->failures++;
            printf("FAIL [%s] %s/%s: want EDOMAIN at %ld, got rc %d '%s'\n", t->isa, t->loss,
                   c->name, c->edomain, rc, simdloss_last_error());
        }
        goto done;
    }

    const double mag = tg_abs_mean(c->none ? c->none : loss, c->none ? n : 0);
    double *lt = malloc(m * sizeof(double)), *gt = malloc(m * sizeof(double));
    double *at = calloc(am, sizeof(double)); /* variance-gradient terms, summed per var */
    for (size_t i = 0; i < n; i++) {
        tg_terms(t->loss, &c->p, i, c->x[i], c->y[i], &lt[i], &gt[i]);
        if (c->a0) at[i % c->a0_len] += gt[i];
    }
    const int gvar = !strcmp(t->loss, "gaussian_nll"); /* gt is for the variance */
    const double inv_n = n ? 1.0 / (double)n : 0.0;
    /* NONE */
    rc = L->call(n, c->x, c->y, &c->p, SIMDLOSS_NONE, loss, grad, c->a0 ? gaux : NULL);
    ck_assert_msg(rc == 0, "[%s] %s/%s NONE: rc %d %s", t->isa, t->loss, c->name, rc,
                  simdloss_last_error());
    tg_cmp_array(t, "none", loss, c->none, n, lt, 1.0);
    tg_cmp_array(t, "gnone", grad, c->gnone, n, gvar ? NULL : gt, 1.0);
    if (c->a0 && n) tg_cmp_array(t, "gaux(none=sum)", gaux, c->gasum, c->a0_len, at, 1.0);
    /* SUM: the same gradient as NONE */
    rc = L->call(n, c->x, c->y, &c->p, SIMDLOSS_SUM, &red, grad, c->a0 ? gaux : NULL);
    ck_assert_msg(rc == 0, "[%s] %s/%s SUM: rc %d", t->isa, t->loss, c->name, rc);
    double lsum = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(lt[i])) lsum += lt[i];
    if (c->has_sum) tg_cmp_reduced(t, "sum", (long)n, red, c->sum, mag * (double)n + 0.3 * lsum);
    tg_cmp_array(t, "gsum", grad, c->gnone, n, gvar ? NULL : gt, 1.0);
    if (c->a0 && n) tg_cmp_array(t, "gasum", gaux, c->gasum, c->a0_len, at, 1.0);
    /* MEAN */
    rc = L->call(n, c->x, c->y, &c->p, SIMDLOSS_MEAN, &red, grad, c->a0 ? gaux : NULL);
    ck_assert_msg(rc == 0, "[%s] %s/%s MEAN: rc %d", t->isa, t->loss, c->name, rc);
    if (c->has_mean) tg_cmp_reduced(t, "mean", (long)n, red, c->mean, mag + 0.3 * lsum * inv_n);
    tg_cmp_array(t, "gmean", grad, c->gmean, n, gvar ? NULL : gt, inv_n);
    if (c->a0 && n) tg_cmp_array(t, "gamean", gaux, c->gamean, c->a0_len, at, inv_n);
    /* prefixes: reductions over the first L elements (tails, block edges) */
    for (size_t k = 0; k < c->nprefix; k++) {
        const size_t len = c->pl[k];
        tl_params p = c->p;
        if (p.aux0 && len % p.aux0_len) continue; /* aux must divide the length */
        if (p.aux1 && len % p.aux1_len) continue;
        const double pmag = tg_abs_mean(c->none, len);
        rc = L->call(len, c->x, c->y, &p, SIMDLOSS_SUM, &red, NULL, NULL);
        ck_assert_msg(rc == 0, "[%s] %s/%s prefix %zu: rc %d", t->isa, t->loss, c->name, len, rc);
        tg_cmp_reduced(t, "prefix-sum", (long)len, red, c->psum[k], pmag * (double)len);
        rc = L->call(len, c->x, c->y, &p, SIMDLOSS_MEAN, &red, grad, NULL);
        ck_assert_msg(rc == 0, "[%s] %s/%s prefix %zu: rc %d", t->isa, t->loss, c->name, len, rc);
        tg_cmp_reduced(t, "prefix-mean", (long)len, red, c->pmean[k], pmag);
        /* the MEAN gradient is the elementwise one times (float)(1/len) */
        if (c->gnone && len > 0) {
            const float s = (float)(1.0 / (double)len);
            for (size_t i = 0; i < len; i++) {
                t->checks++;
                const float want = c->gnone[i] * s;
                if (!tl_close(grad[i], want, 4, 1e-6, 1e-7 * tl_scale(c->gnone, len) * s))
                    tg_fail(t, "prefix-gmean", (long)i, grad[i], want);
            }
        }
    }
    free(lt), free(gt), free(at);
done:
    free(loss), free(grad), free(gaux);
}

static void tg_run_file(const char *loss_name, int isa)
{
    if (!tl_use_isa(isa)) return;
    const tl_loss *L = tl_find(loss_name);
    ck_assert_ptr_nonnull(L);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.txt", TL_GOLDEN_DIR, loss_name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    tg_ctx t = {loss_name, tl_isa(), "", 0, 0};
    tg_case c;
    int ncases = 0;
    while (tg_next(f, &c)) {
        tg_run_case(&t, L, &c);
        tg_free(&c);
        ncases++;
    }
    fclose(f);
    ck_assert_msg(ncases > 0, "%s: no cases", path);
    ck_assert_msg(t.failures == 0, "[%s] %s: %d of %d golden checks failed in %d cases", tl_isa(),
                  loss_name, t.failures, t.checks, ncases);
}

#define TG_TEST(name)                                                                              \
    START_TEST(golden_##name) { tg_run_file(#name, _i); }                                          \
    END_TEST
TG_TEST(mse)
TG_TEST(l1)
TG_TEST(huber)
TG_TEST(smooth_l1)
TG_TEST(bce)
TG_TEST(bce_with_logits)
TG_TEST(ale)
TG_TEST(binary_focal)
TG_TEST(sigmoid_focal)
TG_TEST(soft_margin)
TG_TEST(hinge_embedding)
TG_TEST(kl_div)
TG_TEST(poisson_nll)
TG_TEST(log_cosh)
TG_TEST(hinge)
TG_TEST(squared_hinge)
TG_TEST(mape)
TG_TEST(msle)
TG_TEST(poisson)
TG_TEST(gaussian_nll)

int main(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("torch-1.13");
#define TG_ADD(name) tcase_add_loop_test(tc, golden_##name, 0, TL_NISA);
    TG_ADD(mse)
    TG_ADD(l1) TG_ADD(huber) TG_ADD(smooth_l1) TG_ADD(bce) TG_ADD(bce_with_logits) TG_ADD(ale)
        TG_ADD(binary_focal) TG_ADD(sigmoid_focal) TG_ADD(soft_margin) TG_ADD(hinge_embedding)
            TG_ADD(kl_div) TG_ADD(poisson_nll) TG_ADD(log_cosh) TG_ADD(hinge) TG_ADD(squared_hinge)
                TG_ADD(mape) TG_ADD(msle) TG_ADD(poisson) TG_ADD(gaussian_nll)
                    suite_add_tcase(s, tc);
    return tl_main(s);
}
