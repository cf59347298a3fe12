/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden vectors from PyTorch 1.13 (tests/golden/<loss>.txt, written by
 * tests/golden/gen.py), for every elementwise loss of the registry: every
 * case on every runnable ISA, all reductions, the loss and every gradient,
 * prefix reductions over tail and block boundaries.
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
    size_t n;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    float *in[SL_MAX_IN], *tgt[SL_MAX_TGT], *cyc[SL_MAX_CYC];
    size_t cyc_len[SL_MAX_CYC];
    float *none, *gnone[SL_MAX_IN], *gmean[SL_MAX_IN], *gcsum, *gcmean;
    int has_mean, has_sum;
    float mean, sum;
    size_t nprefix, pl[TG_MAX_PREFIX];
    float pmean[TG_MAX_PREFIX], psum[TG_MAX_PREFIX];
    long edomain; /* -1: none */
} tg_case;

static float tg_hex(const char *tok)
{
    ck_assert_msg(tok != NULL, "golden: missing hex float");
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

/* an index below `limit` */
static size_t tg_index(char **save, int limit, const char *key)
{
    const size_t k = tg_size(save);
    ck_assert_msg(k < (size_t)limit, "golden: %s index %zu out of range", key, k);
    return k;
}

static void tg_free(tg_case *c)
{
    for (int j = 0; j < SL_MAX_IN; j++) free(c->in[j]), free(c->gnone[j]), free(c->gmean[j]);
    for (int j = 0; j < SL_MAX_TGT; j++) free(c->tgt[j]);
    for (int j = 0; j < SL_MAX_CYC; j++) free(c->cyc[j]);
    free(c->none), free(c->gcsum), free(c->gcmean);
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
            for (int k = 0; k < SL_MAX_PF && (tok = strtok_r(NULL, " \n", &save)); k++)
                c->pf[k] = tg_hex(tok);
        } else if (!strcmp(key, "i")) {
            char *tok;
            for (int k = 0; k < SL_MAX_PI && (tok = strtok_r(NULL, " \n", &save)); k++)
                c->pi[k] = atoi(tok);
        } else if (!strcmp(key, "n")) {
            c->n = tg_size(&save);
        } else if (!strcmp(key, "in")) {
            const size_t k = tg_index(&save, SL_MAX_IN, key);
            c->in[k] = tg_floats(&save, c->n);
        } else if (!strcmp(key, "tgt")) {
            const size_t k = tg_index(&save, SL_MAX_TGT, key);
            c->tgt[k] = tg_floats(&save, c->n);
        } else if (!strcmp(key, "cyc")) {
            const size_t k = tg_index(&save, SL_MAX_CYC, key);
            c->cyc_len[k] = tg_size(&save);
            c->cyc[k] = tg_floats(&save, c->cyc_len[k]);
        } else if (!strcmp(key, "none")) {
            c->none = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gnone")) {
            const size_t k = tg_index(&save, SL_MAX_IN, key);
            c->gnone[k] = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gmean")) {
            const size_t k = tg_index(&save, SL_MAX_IN, key);
            c->gmean[k] = tg_floats(&save, c->n);
        } else if (!strcmp(key, "gcsum")) {
            c->gcsum = tg_floats(&save, c->cyc_len[0]);
        } else if (!strcmp(key, "gcmean")) {
            c->gcmean = tg_floats(&save, c->cyc_len[0]);
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

static void tg_fail(tg_ctx *t, const char *what, long idx, float got, float want)
{
    if (t->failures++ < TG_MAX_REPORT)
        printf("FAIL [%s] %s/%s %s[%ld]: got %.9g (%08x) want %.9g (%08x)\n", t->isa, t->loss,
               t->cas, what, idx, (double)got, tl_bits(got), (double)want, tl_bits(want));
}

/* Elementwise: 4 ulp, or rel 1e-6 + abs 1e-7 * (largest |want| of the array),
 * plus 3e-7 * terms[i] * factor where the formula cancels (the spec's golden
 * terms: torch's float32 value and ours both carry an error of about an ulp
 * of the terms there, not of the result). */
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

/* The case's arguments; outputs set by the caller. */
static void tg_args(const tg_case *c, size_t n, tl_args *a)
{
    memset(a, 0, sizeof *a);
    a->n = n;
    for (int j = 0; j < SL_MAX_IN; j++) a->in[j] = c->in[j];
    for (int j = 0; j < SL_MAX_TGT; j++) a->tgt[j] = c->tgt[j];
    for (int j = 0; j < SL_MAX_CYC; j++) a->cyc[j] = c->cyc[j], a->cyc_len[j] = c->cyc_len[j];
    memcpy(a->pf, c->pf, sizeof a->pf);
    memcpy(a->pi, c->pi, sizeof a->pi);
}

static void tg_run_case(tg_ctx *t, int k, const tg_case *c)
{
    const tl_loss *L = &tl_losses[k];
    const sl_elem_info *I = L->info;
    const ts_spec *sp = ts_specs[k];
    const size_t n = c->n, m = n ? n : 1, cl = c->cyc_len[0] ? c->cyc_len[0] : 1;
    float *loss = malloc(m * sizeof(float)), *grad[SL_MAX_IN] = {0};
    float *gcyc = malloc(cl * sizeof(float));
    for (int j = 0; j < I->nin; j++) grad[j] = malloc(m * sizeof(float));
    const int cg = I->ncg > 0 && c->cyc[0];
    float red;
    int rc;
    tl_args a;
    t->cas = c->name;
    tg_args(c, n, &a);

    if (c->edomain >= 0) {
        a.red = SIMDLOSS_SUM;
        a.loss = &red;
        for (int j = 0; j < I->nin; j++) a.grad[j] = grad[j];
        rc = L->call(&a);
        char want[64];
        snprintf(want, sizeof want, "%s[%ld] =", I->in[0], c->edomain);
        t->checks++;
        if (rc != SIMDLOSS_EDOMAIN || !strstr(simdloss_last_error(), want)) {
            t->failures++;
            printf("FAIL [%s] %s/%s: want EDOMAIN at %ld, got rc %d '%s'\n", t->isa, t->loss,
                   c->name, c->edomain, rc, simdloss_last_error());
        }
        goto done;
    }

    const double mag = tg_abs_mean(c->none ? c->none : loss, c->none ? n : 0);
    double *lt = calloc(m, sizeof(double)), *gt[SL_MAX_IN] = {0};
    double *ct = calloc(cl, sizeof(double)); /* cyclic-gradient terms, summed per value */
    ck_assert(lt && ct);
    for (int j = 0; j < I->nin; j++) gt[j] = calloc(m, sizeof(double));
    for (size_t i = 0; sp->golden && i < n; i++) {
        ts_elem e;
        double g[SL_MAX_IN] = {0}, gc = 0.0;
        tl_elem_at(&e, k, &a, 0, i);
        sp->golden(&e, &lt[i], g, &gc);
        for (int j = 0; j < I->nin; j++) gt[j][i] = g[j];
        if (cg) ct[i % c->cyc_len[0]] += gc;
    }
    const double inv_n = n ? 1.0 / (double)n : 0.0;
    for (int j = 0; j < I->nin; j++) a.grad[j] = grad[j];
    a.grad_cyc = cg ? gcyc : NULL;
    /* NONE */
    a.red = SIMDLOSS_NONE;
    a.loss = loss;
    rc = L->call(&a);
    ck_assert_msg(rc == 0, "[%s] %s/%s NONE: rc %d %s", t->isa, t->loss, c->name, rc,
                  simdloss_last_error());
    tg_cmp_array(t, "none", loss, c->none, n, lt, 1.0);
    for (int j = 0; j < I->nin; j++) tg_cmp_array(t, "gnone", grad[j], c->gnone[j], n, gt[j], 1.0);
    if (cg && n) tg_cmp_array(t, "gcyc(none=sum)", gcyc, c->gcsum, c->cyc_len[0], ct, 1.0);
    /* SUM: the same gradients as NONE */
    a.red = SIMDLOSS_SUM;
    a.loss = &red;
    rc = L->call(&a);
    ck_assert_msg(rc == 0, "[%s] %s/%s SUM: rc %d", t->isa, t->loss, c->name, rc);
    double lsum = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(lt[i])) lsum += lt[i];
    if (c->has_sum) tg_cmp_reduced(t, "sum", (long)n, red, c->sum, mag * (double)n + 0.3 * lsum);
    for (int j = 0; j < I->nin; j++) tg_cmp_array(t, "gsum", grad[j], c->gnone[j], n, gt[j], 1.0);
    if (cg && n) tg_cmp_array(t, "gcsum", gcyc, c->gcsum, c->cyc_len[0], ct, 1.0);
    /* MEAN */
    a.red = SIMDLOSS_MEAN;
    rc = L->call(&a);
    ck_assert_msg(rc == 0, "[%s] %s/%s MEAN: rc %d", t->isa, t->loss, c->name, rc);
    if (c->has_mean) tg_cmp_reduced(t, "mean", (long)n, red, c->mean, mag + 0.3 * lsum * inv_n);
    for (int j = 0; j < I->nin; j++)
        tg_cmp_array(t, "gmean", grad[j], c->gmean[j], n, gt[j], inv_n);
    if (cg && n) tg_cmp_array(t, "gcmean", gcyc, c->gcmean, c->cyc_len[0], ct, inv_n);
    /* prefixes: reductions over the first L elements (tails, block edges) */
    a.grad_cyc = NULL;
    for (size_t p = 0; p < c->nprefix; p++) {
        const size_t len = c->pl[p];
        int divides = 1; /* cyclic lengths must divide the length */
        for (int j = 0; j < SL_MAX_CYC; j++)
            if (c->cyc[j] && len % c->cyc_len[j]) divides = 0;
        if (!divides) continue;
        const double pmag = tg_abs_mean(c->none, len);
        a.n = len;
        a.red = SIMDLOSS_SUM;
        for (int j = 0; j < I->nin; j++) a.grad[j] = NULL;
        rc = L->call(&a);
        ck_assert_msg(rc == 0, "[%s] %s/%s prefix %zu: rc %d", t->isa, t->loss, c->name, len, rc);
        tg_cmp_reduced(t, "prefix-sum", (long)len, red, c->psum[p], pmag * (double)len);
        a.red = SIMDLOSS_MEAN;
        for (int j = 0; j < I->nin; j++) a.grad[j] = grad[j];
        rc = L->call(&a);
        ck_assert_msg(rc == 0, "[%s] %s/%s prefix %zu: rc %d", t->isa, t->loss, c->name, len, rc);
        tg_cmp_reduced(t, "prefix-mean", (long)len, red, c->pmean[p], pmag);
        /* the MEAN gradient is the elementwise one times (float)(1/len) */
        for (int j = 0; j < I->nin; j++) {
            if (!c->gnone[j] || len == 0) continue;
            const float s = (float)(1.0 / (double)len);
            for (size_t i = 0; i < len; i++) {
                t->checks++;
                const float want = c->gnone[j][i] * s;
                if (!tl_close(grad[j][i], want, 4, 1e-6, 1e-7 * tl_scale(c->gnone[j], len) * s))
                    tg_fail(t, "prefix-gmean", (long)i, grad[j][i], want);
            }
        }
    }
    free(lt), free(ct);
    for (int j = 0; j < I->nin; j++) free(gt[j]);
done:
    free(loss), free(gcyc);
    for (int j = 0; j < I->nin; j++) free(grad[j]);
}

/* _i: loss _i / tl_ntables() on table _i % tl_ntables() */
START_TEST(golden)
{
    const int k = _i / tl_ntables();
    if (!tl_use_table(_i % tl_ntables())) return;
    const char *name = tl_losses[k].info->name;
    char path[512];
    snprintf(path, sizeof path, "%s/%s.txt", TL_GOLDEN_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    tg_ctx t = {name, tl_table(), "", 0, 0};
    tg_case c;
    int ncases = 0;
    while (tg_next(f, &c)) {
        tg_run_case(&t, k, &c);
        tg_free(&c);
        ncases++;
    }
    fclose(f);
    ck_assert_msg(ncases > 0, "%s: no cases", path);
    ck_assert_msg(t.failures == 0, "[%s] %s: %d of %d golden checks failed in %d cases", tl_table(),
                  name, t.failures, t.checks, ncases);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("torch-1.13");
    tcase_add_loop_test(tc, golden, 0, tl_ntables() * TL_NLOSSES);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
