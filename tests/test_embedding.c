/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The class losses with several inputs (registry kind X2: cosine_embedding,
 * triplet_margin), which the other class tests skip (cr_multi): every
 * branch of their test sections (tests/class_spec.h, ce_spec), on every
 * runnable table:
 *   (a) the double reference reproduces the worked examples (torch 1.13),
 *       and so does the library (NONE, MEAN, every MEAN gradient);
 *   (b) NONE per-row loss and every input's gradient vs the reference,
 *         |got - ref| <= 1e-5 |ref| + 1e-6 mag (gmag) + 1e-37,
 *       the reference gradient vs central finite differences of the
 *       reference loss (step below the distance to kinks), SUM and MEAN vs
 *       the reference's sum; SUM gradients bitwise the NONE ones;
 *   (c) bitwise: every exact table, every thread configuration
 *       (tests/threads.h), gradients aliasing their inputs and any subset of
 *       the outputs give the bits of the first table's full call;
 *   (d) the contract: NULL arrays, no output, bad parameters, reduction and
 *       shape -> EINVAL with nothing written; an empty batch;
 *   (e) golden vectors from torch 1.13 (tests/golden/embedding/<loss>.txt,
 *       tests/golden/gen_embedding.py): 4 ulp or 1e-6 relative, plus the
 *       reference's magnitudes where the formula cancels.
 * Under emulation (TL_EMULATED) (b) and (c) run fewer shapes: under qemu
 * this test took 67 s on NEON and 95 s on SVE with all of them.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"
#include "threads.h"

#define TE_SENT 0x7f7f7f7fu /* a sentinel no call writes */

static int te_kinds[SL_R_NCLASS], te_nkinds;

static void te_collect(void)
{
    te_nkinds = 0;
    for (int k = 0; k < CR_NKINDS; k++)
        if (cs_specs[k]->embed) te_kinds[te_nkinds++] = k;
}

static int te_nin(int k) { return 1 + (cr_infos[k].x2[0] != NULL) + (cr_infos[k].x2[1] != NULL); }
static int te_rowtarget(int k) { return cr_infos[k].target == SL_T_ROW; }

/* One call's data: nin inputs of B x D, row targets, outputs. */
typedef struct {
    int kind;
    size_t B, D;
    cr_params p;
    float *x[CE_MAXIN], *y, *loss, *g[CE_MAXIN];
} te_data;

static void te_alloc(te_data *d, int kind, size_t B, size_t D)
{
    memset(d, 0, sizeof *d);
    d->kind = kind, d->B = B, d->D = D;
    const size_t n = B * D + 1;
    for (int i = 0; i < te_nin(kind); i++) {
        d->x[i] = malloc(n * sizeof(float)), d->g[i] = malloc(n * sizeof(float));
        ck_assert(d->x[i] && d->g[i]);
    }
    d->y = malloc((B + 1) * sizeof(float)), d->loss = malloc((B + 1) * sizeof(float));
    ck_assert(d->y && d->loss);
}

static void te_free(te_data *d)
{
    for (int i = 0; i < CE_MAXIN; i++) free(d->x[i]), free(d->g[i]);
    free(d->y), free(d->loss);
}

/* the call, with gradients gi (NULL: not wanted) and inputs xi */
static int te_call_with(const te_data *d, simdloss_reduction r, float *loss, float *const *x,
                        float *const *g)
{
    cr_params p = d->p;
    for (int j = 0; j < 2; j++) p.x2[j] = x[j + 1], p.g2[j] = g[j + 1];
    return cr_call(d->kind, d->B, d->D, 1, x[0], NULL, d->y, &p, r, loss, g[0]);
}

static int te_call(te_data *d, simdloss_reduction r)
{
    for (int i = 0; i < te_nin(d->kind); i++)
        for (size_t e = 0; e < d->B * d->D; e++) d->g[i][e] = tl_from_bits(TE_SENT);
    return te_call_with(d, r, d->loss, d->x, d->g);
}

/* rows from the branch's generator, rounded to float */
static void te_make(te_data *d, const cs_branch *b, uint64_t seed)
{
    const ce_spec *es = cs_specs[d->kind]->embed;
    float w[1] = {1};
    d->p = cr_branch_params(d->kind, b, d->D, w, w);
    uint64_t s = seed;
    double *xr[CE_MAXIN];
    for (int i = 0; i < CE_MAXIN; i++) xr[i] = malloc((d->D + 1) * sizeof(double));
    for (size_t r = 0; r < d->B; r++) {
        double y = 0;
        for (int i = 0; i < CE_MAXIN; i++)
            for (size_t c = 0; c < d->D; c++) xr[i][c] = 0;
        es->gen(b, d->D, &s, xr, &y);
        for (int i = 0; i < te_nin(d->kind); i++)
            for (size_t c = 0; c < d->D; c++) d->x[i][r * d->D + c] = (float)xr[i][c];
        d->y[r] = (float)y;
    }
    for (int i = 0; i < CE_MAXIN; i++) free(xr[i]);
}

/* the reference of row r (the float data widened) */
typedef struct {
    double *x[CE_MAXIN], *g[CE_MAXIN], *gm[CE_MAXIN], *kk[CE_MAXIN];
} te_ref;

static void te_ref_alloc(te_ref *t, size_t D)
{
    for (int i = 0; i < CE_MAXIN; i++) {
        t->x[i] = calloc(D + 1, sizeof(double)), t->g[i] = calloc(D + 1, sizeof(double));
        t->gm[i] = calloc(D + 1, sizeof(double)), t->kk[i] = calloc(D + 1, sizeof(double));
    }
}

static void te_ref_free(te_ref *t)
{
    for (int i = 0; i < CE_MAXIN; i++) free(t->x[i]), free(t->g[i]), free(t->gm[i]), free(t->kk[i]);
}

static void te_eval(const te_data *d, te_ref *t, size_t r, cr_res *res, int grads)
{
    const int nin = te_nin(d->kind);
    for (int i = 0; i < nin; i++)
        for (size_t c = 0; c < d->D; c++) {
            t->x[i][c] = d->x[i][r * d->D + c];
            t->kk[i][c] = INFINITY;
        }
    const ce_row q = {d->D, &d->p, {t->x[0], t->x[1], t->x[2]}, d->y[r]};
    double *g[CE_MAXIN] = {0}, *gm[CE_MAXIN] = {0}, *kk[CE_MAXIN] = {0};
    for (int i = 0; grads && i < nin; i++) g[i] = t->g[i], gm[i] = t->gm[i], kk[i] = t->kk[i];
    cs_specs[d->kind]->embed->ref(&q, res, g, gm, kk);
}

/* ---- (a) worked examples -------------------------------------------------------------------- */
START_TEST(te_examples)
{
    if (!tl_use_table(_i)) return;
    for (int j = 0; j < te_nkinds; j++) {
        const int k = te_kinds[j];
        const ce_spec *es = cs_specs[k]->embed;
        const int nin = te_nin(k);
        for (size_t e = 0; e < es->nexamples; e++) {
            const ce_example *ex = &es->examples[e];
            te_data d;
            te_alloc(&d, k, ex->batch, ex->dim);
            d.p = cr_params_of(k, NULL, -100, NULL, 0, ex->pf, ex->pi);
            for (int i = 0; i < nin; i++)
                for (size_t c = 0; c < ex->batch * ex->dim; c++) d.x[i][c] = (float)ex->x[i][c];
            for (size_t r = 0; r < ex->batch; r++) d.y[r] = ex->y ? (float)ex->y[r] : 0.0f;
            te_ref t;
            te_ref_alloc(&t, ex->dim);
            double sum = 0;
            for (size_t r = 0; r < ex->batch; r++) {
                cr_res res;
                te_eval(&d, &t, r, &res, 1);
                ck_assert_msg(fabs(res.value - ex->none[r]) <=
                                  ex->tol * fmax(1.0, fabs(ex->none[r])),
                              "%s example %zu row %zu: reference %.9g, want %.9g", cr_infos[k].fn,
                              e, r, res.value, ex->none[r]);
                sum += res.value;
                for (int i = 0; i < nin && ex->gmean[i]; i++)
                    for (size_t c = 0; c < ex->dim; c++) {
                        const double want = ex->gmean[i][r * ex->dim + c];
                        const double got = t.g[i][c] / (double)ex->batch;
                        ck_assert_msg(fabs(got - want) <= ex->tol * fmax(1e-2, fabs(want)),
                                      "%s example %zu input %d [%zu][%zu]: reference %.9g, want "
                                      "%.9g",
                                      cr_infos[k].fn, e, i, r, c, got, want);
                    }
            }
            ck_assert(fabs(sum / (double)ex->batch - ex->mean) <=
                      ex->tol * fmax(1.0, fabs(ex->mean)));
            /* the library */
            ck_assert_int_eq(te_call(&d, SIMDLOSS_NONE), SIMDLOSS_OK);
            for (size_t r = 0; r < ex->batch; r++)
                ck_assert_msg(fabs(d.loss[r] - ex->none[r]) <=
                                  ex->tol * fmax(1.0, fabs(ex->none[r])),
                              "[%s] %s example %zu row %zu: got %.9g, want %.9g", tl_table(),
                              cr_infos[k].fn, e, r, (double)d.loss[r], ex->none[r]);
            ck_assert_int_eq(te_call(&d, SIMDLOSS_MEAN), SIMDLOSS_OK);
            ck_assert_msg(fabs(d.loss[0] - ex->mean) <= ex->tol * fmax(1.0, fabs(ex->mean)),
                          "[%s] %s example %zu: MEAN %.9g, want %.9g", tl_table(), cr_infos[k].fn,
                          e, (double)d.loss[0], ex->mean);
            for (int i = 0; i < nin && ex->gmean[i]; i++)
                for (size_t c = 0; c < ex->batch * ex->dim; c++)
                    ck_assert_msg(fabs(d.g[i][c] - ex->gmean[i][c]) <=
                                      ex->tol * fmax(1e-2, fabs(ex->gmean[i][c])),
                                  "[%s] %s example %zu input %d grad[%zu]: got %.9g, want %.9g",
                                  tl_table(), cr_infos[k].fn, e, i, c, (double)d.g[i][c],
                                  ex->gmean[i][c]);
            te_ref_free(&t);
            te_free(&d);
        }
    }
}
END_TEST

/* ---- (b) the reference ---------------------------------------------------------------------- */
#ifdef TL_EMULATED /* under qemu: the double reference is the slow part */
static const size_t te_dims[] = {1, 2, 3, 17, 33, 128};
static const size_t te_batches[] = {1, 5};
#else
static const size_t te_dims[] = {1, 2, 3, 16, 17, 33, 128, 1000};
static const size_t te_batches[] = {1, 3, 17};
#endif

static long te_fails;
#define TE_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            if (te_fails++ < 12) {                                                                 \
                fprintf(stderr, "FAIL [%s] %s/%s B=%zu D=%zu: ", tl_table(), cr_infos[k].fn,       \
                        b->label, B, D);                                                           \
                fprintf(stderr, __VA_ARGS__);                                                      \
                fputc('\n', stderr);                                                               \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static void te_reference_case(int k, const cs_branch *b, size_t B, size_t D)
{
    const int nin = te_nin(k);
    te_data d;
    te_alloc(&d, k, B, D);
    te_make(&d, b, tl_seed(cr_infos[k].fn, b->label, B * 1000 + D));
    ck_assert_int_eq(te_call(&d, SIMDLOSS_NONE), SIMDLOSS_OK);
    te_ref t;
    te_ref_alloc(&t, D);
    double rsum = 0, magsum = 0, *rg[CE_MAXIN] = {0}, *rgm[CE_MAXIN] = {0};
    for (int i = 0; i < nin; i++) {
        rg[i] = malloc((B * D + 1) * sizeof(double)), rgm[i] = malloc((B * D + 1) * sizeof(double));
        ck_assert(rg[i] && rgm[i]);
    }
    for (size_t r = 0; r < B; r++) {
        cr_res res;
        te_eval(&d, &t, r, &res, 1);
        for (int i = 0; i < nin; i++)
            for (size_t c = 0; c < D; c++)
                rg[i][r * D + c] = t.g[i][c], rgm[i][r * D + c] = t.gm[i][c];
        rsum += res.value, magsum += res.mag;
        TE_CHECK(fabs(d.loss[r] - res.value) <= 1e-5 * fabs(res.value) + 1e-6 * res.mag + 1e-37,
                 "row %zu: loss %.9g, reference %.12g (mag %.3g)", r, (double)d.loss[r], res.value,
                 res.mag);
        for (int i = 0; i < nin; i++)
            for (size_t c = 0; c < D; c++) {
                const double got = d.g[i][r * D + c], want = t.g[i][c], gm = t.gm[i][c];
                TE_CHECK(fabs(got - want) <= 1e-5 * fabs(want) + 1e-6 * gm + 1e-37,
                         "row %zu input %d [%zu]: grad %.9g, reference %.12g (gmag %.3g)", r, i, c,
                         got, want, gm);
            }
        /* the reference's gradient vs central differences of its loss, on
         * a few elements of each input */
        for (int i = 0; i < nin; i++)
            for (size_t c = 0; c < D; c += 1 + D / 5) {
                const double x0 = t.x[i][c];
                const double h = fmin(1e-5 * fmax(1.0, fabs(x0)), 0.25 * t.kk[i][c]);
                if (!(h > 1e-12 * fmax(1.0, fabs(x0))) || !isfinite(t.g[i][c])) continue;
                const double gref = t.g[i][c], gm = t.gm[i][c];
                const ce_row q = {D, &d.p, {t.x[0], t.x[1], t.x[2]}, d.y[r]};
                cr_res rp, rm;
                t.x[i][c] = x0 + h;
                cs_specs[k]->embed->ref(&q, &rp, NULL, NULL, NULL);
                t.x[i][c] = x0 - h;
                cs_specs[k]->embed->ref(&q, &rm, NULL, NULL, NULL);
                t.x[i][c] = x0;
                const double fd = (rp.value - rm.value) / (2 * h);
                TE_CHECK(fabs(gref - fd) <= 1e-5 * fabs(fd) + (1e-7 + h * h) * gm +
                                                1e-14 * (res.mag + fabs(res.value)) / h + 1e-12,
                         "row %zu input %d [%zu]: reference grad %.12g, finite differences %.12g "
                         "(h %.3g)",
                         r, i, c, gref, fd, h);
            }
    }
    float *gn[CE_MAXIN] = {0};
    for (int i = 0; i < nin; i++) {
        gn[i] = malloc((B * D + 1) * sizeof(float));
        memcpy(gn[i], d.g[i], B * D * sizeof(float));
    }
    ck_assert_int_eq(te_call(&d, SIMDLOSS_SUM), SIMDLOSS_OK);
    TE_CHECK(fabs(d.loss[0] - rsum) <= 1e-5 * fabs(rsum) + 1e-6 * magsum + 1e-37,
             "SUM %.9g, reference %.12g", (double)d.loss[0], rsum);
    for (int i = 0; i < nin; i++)
        for (size_t e = 0; e < B * D; e++)
            TE_CHECK(tl_bits(d.g[i][e]) == tl_bits(gn[i][e]),
                     "input %d grad[%zu]: SUM %.9g, NONE %.9g", i, e, (double)d.g[i][e],
                     (double)gn[i][e]);
    ck_assert_int_eq(te_call(&d, SIMDLOSS_MEAN), SIMDLOSS_OK);
    TE_CHECK(fabs(d.loss[0] - rsum / (double)B) <=
                 (1e-5 * fabs(rsum) + 1e-6 * magsum) / (double)B + 1e-37,
             "MEAN %.9g, reference %.12g", (double)d.loss[0], rsum / (double)B);
    /* the MEAN factor may enter before the gradient's differences: against
     * the reference / B with its tolerance / B */
    for (int i = 0; i < nin; i++)
        for (size_t e = 0; e < B * D; e++) {
            const double want = rg[i][e] / (double)B;
            TE_CHECK(fabs(d.g[i][e] - want) <=
                         (1e-5 * fabs(rg[i][e]) + 1e-6 * rgm[i][e]) / (double)B + 1e-37,
                     "input %d MEAN grad[%zu]: %.9g, reference / B %.12g", i, e, (double)d.g[i][e],
                     want);
        }
    for (int i = 0; i < nin; i++) free(gn[i]), free(rg[i]), free(rgm[i]);
    te_ref_free(&t);
    te_free(&d);
}

START_TEST(te_reference)
{
    if (!tl_use_table(_i)) return;
    te_fails = 0;
    for (int j = 0; j < te_nkinds; j++) {
        const int k = te_kinds[j];
        for (size_t bi = 0; bi < cs_specs[k]->nbranches; bi++)
            for (size_t di = 0; di < sizeof te_dims / sizeof te_dims[0]; di++)
                for (size_t ni = 0; ni < sizeof te_batches / sizeof te_batches[0]; ni++)
                    te_reference_case(k, &cs_specs[k]->branches[bi], te_batches[ni], te_dims[di]);
    }
    ck_assert_msg(te_fails == 0, "[%s] %ld reference failures (first ones above)", tl_table(),
                  te_fails);
}
END_TEST

/* ---- (c) bitwise across tables, threads, aliasing, output subsets ------------------------ */
/* all outputs of the three reductions */
static uint64_t te_all(te_data *d)
{
    uint64_t h = TL_HASH_START;
    for (int r = 0; r < 3; r++) {
        const simdloss_reduction red = r == 0   ? SIMDLOSS_NONE
                                       : r == 1 ? SIMDLOSS_SUM
                                                : SIMDLOSS_MEAN;
        ck_assert_int_eq(te_call(d, red), SIMDLOSS_OK);
        h = tl_hash_bytes(h, d->loss, (red == SIMDLOSS_NONE ? d->B : 1) * sizeof(float));
        for (int i = 0; i < te_nin(d->kind); i++)
            h = tl_hash_bytes(h, d->g[i], d->B * d->D * sizeof(float));
    }
    return h;
}

static void te_bitwise_case(int k, const cs_branch *b, size_t B, size_t D)
{
    const int nin = te_nin(k);
    te_data d;
    te_alloc(&d, k, B, D);
    te_make(&d, b, tl_seed(cr_infos[k].fn, b->label, 7 * B + D));
    uint64_t want = 0;
    int have = 0;
    for (int t = 0; t < tl_ntables(); t++) {
        if (!tl_table_runnable(t) || !tl_table_exact(t)) continue;
        ck_assert_int_eq(simdloss_set_table(tl_table_name(t)), SIMDLOSS_OK);
        const uint64_t h = te_all(&d);
        if (!have) want = h, have = 1;
        ck_assert_msg(h == want, "%s/%s B=%zu D=%zu: table %s differs", cr_infos[k].fn, b->label, B,
                      D, tl_table_name(t));
        for (int j = 0; j < TL_NTHREADS; j++) {
            tl_threads_set(j);
            const uint64_t ht = te_all(&d);
            tl_threads_set(-1);
            ck_assert_msg(ht == want, "%s/%s B=%zu D=%zu table %s: %s differs", cr_infos[k].fn,
                          b->label, B, D, tl_table_name(t), tl_threads_name(j));
        }
    }
    /* NONE with all outputs, then aliasing and subsets against it */
    ck_assert_int_eq(te_call(&d, SIMDLOSS_NONE), SIMDLOSS_OK);
    float *alias[CE_MAXIN] = {0}, *g[CE_MAXIN] = {0}, *l = malloc((B + 1) * sizeof(float));
    for (int i = 0; i < nin; i++) {
        alias[i] = malloc((B * D + 1) * sizeof(float));
        memcpy(alias[i], d.x[i], B * D * sizeof(float));
    }
    ck_assert_int_eq(te_call_with(&d, SIMDLOSS_NONE, l, alias, alias), SIMDLOSS_OK);
    for (int i = 0; i < nin; i++)
        ck_assert_msg(memcmp(alias[i], d.g[i], B * D * sizeof(float)) == 0,
                      "%s/%s B=%zu D=%zu: gradient %d aliasing its input differs", cr_infos[k].fn,
                      b->label, B, D, i);
    for (unsigned mask = 0; mask < (1u << nin); mask++) { /* which gradients are wanted */
        for (int i = 0; i < nin; i++) {
            g[i] = mask >> i & 1 ? alias[i] : NULL;
            if (g[i])
                for (size_t e = 0; e < B * D; e++) g[i][e] = tl_from_bits(TE_SENT);
        }
        const int rc = te_call_with(&d, SIMDLOSS_NONE, mask ? NULL : l, d.x, g);
        ck_assert_int_eq(rc, SIMDLOSS_OK);
        for (int i = 0; i < nin; i++)
            if (g[i])
                ck_assert_msg(memcmp(g[i], d.g[i], B * D * sizeof(float)) == 0,
                              "%s/%s: gradient %d alone (mask %u) differs", cr_infos[k].fn,
                              b->label, i, mask);
        if (!mask)
            ck_assert_msg(memcmp(l, d.loss, B * sizeof(float)) == 0, "%s/%s: loss alone differs",
                          cr_infos[k].fn, b->label);
    }
    for (int i = 0; i < nin; i++) free(alias[i]);
    free(l);
    te_free(&d);
}

START_TEST(te_bitwise)
{
#ifdef TL_EMULATED
    static const size_t shapes[][2] = {{1, 1}, {3, 17}, {2, 1000}, {300, 8}};
#else
    static const size_t shapes[][2] = {{1, 1}, {3, 17}, {17, 33}, {5, 1000}, {600, 8}};
#endif
    const int k = te_kinds[_i];
    for (size_t bi = 0; bi < cs_specs[k]->nbranches; bi++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            te_bitwise_case(k, &cs_specs[k]->branches[bi], shapes[s][0], shapes[s][1]);
}
END_TEST

/* ---- (d) the contract ----------------------------------------------------------------------- */
START_TEST(te_contract)
{
    if (!tl_use_table(_i)) return;
    for (int j = 0; j < te_nkinds; j++) {
        const int k = te_kinds[j];
        const sl_class_info *I = &cr_infos[k];
        const int nin = te_nin(k);
        te_data d;
        te_alloc(&d, k, 3, 4);
        te_make(&d, &cs_specs[k]->branches[0], 5);
        const uint32_t sent = TE_SENT;
        float *x[CE_MAXIN], *g[CE_MAXIN];
        for (int i = 0; i < CE_MAXIN; i++) x[i] = d.x[i], g[i] = d.g[i];
#define TE_EINVAL(what)                                                                            \
    do {                                                                                           \
        for (int in_ = 0; in_ < nin; in_++)                                                        \
            for (size_t e = 0; e < 12; e++) d.g[in_][e] = tl_from_bits(sent);                      \
        d.loss[0] = tl_from_bits(sent);                                                            \
        const int rc_ = (what);                                                                    \
        ck_assert_msg(rc_ == SIMDLOSS_EINVAL, "%s: %s: rc %d, want EINVAL", I->fn, #what, rc_);    \
        ck_assert(strlen(simdloss_last_error()) > 0);                                              \
        ck_assert_uint_eq(tl_bits(d.loss[0]), sent);                                               \
        for (int in_ = 0; in_ < nin; in_++)                                                        \
            for (size_t e = 0; e < 12; e++) ck_assert_uint_eq(tl_bits(d.g[in_][e]), sent);         \
    } while (0)
        /* each input NULL */
        for (int i = 0; i < nin; i++) {
            x[i] = NULL;
            TE_EINVAL(te_call_with(&d, SIMDLOSS_MEAN, d.loss, x, g));
            x[i] = d.x[i];
        }
        if (te_rowtarget(k)) {
            float *y = d.y;
            d.y = NULL;
            TE_EINVAL(te_call_with(&d, SIMDLOSS_MEAN, d.loss, x, g));
            d.y = y;
        }
        /* no output at all */
        float *none[CE_MAXIN] = {0};
        ck_assert_int_eq(te_call_with(&d, SIMDLOSS_MEAN, NULL, x, none), SIMDLOSS_EINVAL);
        TE_EINVAL(te_call_with(&d, (simdloss_reduction)7, d.loss, x, g));
        /* classes (dim) 0 with rows */
        {
            te_data z = d;
            z.D = 0;
            TE_EINVAL(te_call_with(&z, SIMDLOSS_MEAN, d.loss, x, g));
        }
        /* parameters out of range (NaN always; p <= 0 and inf for triplet) */
        for (int j2 = 0; j2 < I->npf; j2++) {
            const cr_params keep = d.p;
            float bad[3] = {NAN, 0, 0};
            int nb = 1;
            if (!strcmp(I->pf[j2].name, "p")) bad[1] = 0.0f, bad[2] = INFINITY, nb = 3;
            for (int v = 0; v < nb; v++) {
                d.p.pf[j2] = bad[v];
                TE_EINVAL(te_call_with(&d, SIMDLOSS_MEAN, d.loss, x, g));
            }
            d.p = keep;
        }
        /* an empty batch: nothing read, SUM 0, MEAN NaN */
        {
            te_data z = d;
            z.B = 0;
            float *nul[CE_MAXIN] = {0};
            float lv = 1;
            z.y = NULL;
            ck_assert_int_eq(te_call_with(&z, SIMDLOSS_SUM, &lv, nul, nul), SIMDLOSS_OK);
            ck_assert(lv == 0.0f);
            ck_assert_int_eq(te_call_with(&z, SIMDLOSS_MEAN, &lv, nul, nul), SIMDLOSS_OK);
            ck_assert(isnan(lv));
        }
        te_free(&d);
    }
}
END_TEST

/* ---- (e) golden vectors --------------------------------------------------------------------- */

typedef struct {
    char name[128];
    size_t B, D;
    int status; /* 1: EINVAL expected */
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    float *x[CE_MAXIN], *y, *none, mean, sum, *gmean[CE_MAXIN], *gsum[CE_MAXIN];
} te_gcase;

static int te_close(float got, float want, double abs)
{
    return tl_close(got, want, 4, 1e-6, abs) || (isnan(got) && isnan(want));
}

static long te_golden_case(int k, te_gcase *c)
{
    long fails = 0;
    const int nin = te_nin(k);
    te_data d;
    te_alloc(&d, k, c->B, c->D);
    d.p = cr_params_of(k, NULL, -100, NULL, 0, c->pf, c->pi);
    for (int i = 0; i < nin; i++) memcpy(d.x[i], c->x[i], c->B * c->D * sizeof(float));
    if (c->y) memcpy(d.y, c->y, c->B * sizeof(float));
    if (c->status) {
        const int rc = te_call(&d, SIMDLOSS_MEAN);
        if (rc != SIMDLOSS_EINVAL) fprintf(stderr, "FAIL %s: rc %d, want EINVAL\n", c->name, rc);
        te_free(&d);
        return rc != SIMDLOSS_EINVAL;
    }
    /* the reference's magnitudes where the formula cancels */
    te_ref t;
    te_ref_alloc(&t, c->D);
    double *lm = calloc(c->B + 1, sizeof(double)), *gm[CE_MAXIN];
    double lmsum = 0;
    for (int i = 0; i < nin; i++) gm[i] = calloc(c->B * c->D + 1, sizeof(double));
    for (size_t r = 0; r < c->B; r++) {
        cr_res res;
        te_eval(&d, &t, r, &res, 1);
        lm[r] = isfinite(res.mag) ? res.mag : 0;
        lmsum += lm[r];
        for (int i = 0; i < nin; i++)
            for (size_t e = 0; e < c->D; e++)
                gm[i][r * c->D + e] = isfinite(t.gm[i][e]) ? t.gm[i][e] : 0;
    }
    for (int r = 0; r < 3; r++) {
        const simdloss_reduction red = r == 0   ? SIMDLOSS_NONE
                                       : r == 1 ? SIMDLOSS_SUM
                                                : SIMDLOSS_MEAN;
        const double f = red == SIMDLOSS_MEAN && c->B ? 1.0 / (double)c->B : 1.0;
        if (te_call(&d, red) != SIMDLOSS_OK) {
            fprintf(stderr, "FAIL %s: rc %s\n", c->name, simdloss_last_error());
            fails++;
            continue;
        }
        if (red == SIMDLOSS_NONE) {
            for (size_t b = 0; b < c->B; b++)
                if (!te_close(d.loss[b], c->none[b], 4e-7 * lm[b] + 1e-37))
                    fails++, fprintf(stderr, "FAIL [%s] %s none[%zu]: got %.9g want %.9g\n",
                                     tl_table(), c->name, b, (double)d.loss[b], (double)c->none[b]);
        } else {
            const float want = red == SIMDLOSS_SUM ? c->sum : c->mean;
            if (!te_close(d.loss[0], want, (4e-7 * lmsum + 1e-6 * fabs(want)) * f + 1e-37) &&
                !(c->B == 0 && isnan(want) && isnan(d.loss[0])))
                fails++,
                    fprintf(stderr, "FAIL [%s] %s %s: got %.9g want %.9g\n", tl_table(), c->name,
                            red == SIMDLOSS_SUM ? "sum" : "mean", (double)d.loss[0], (double)want);
        }
        for (int i = 0; i < nin; i++) {
            const float *want = red == SIMDLOSS_MEAN ? c->gmean[i] : c->gsum[i];
            for (size_t e = 0; want && e < c->B * c->D; e++)
                if (!te_close(d.g[i][e], want[e], 4e-7 * gm[i][e] * f + 1e-37))
                    fails++,
                        fprintf(stderr, "FAIL [%s] %s g%d[%zu] (%d): got %.9g want %.9g\n",
                                tl_table(), c->name, i, e, r, (double)d.g[i][e], (double)want[e]);
        }
    }
    for (int i = 0; i < nin; i++) free(gm[i]);
    free(lm);
    te_ref_free(&t);
    te_free(&d);
    return fails;
}

static void te_gcase_free(te_gcase *c)
{
    for (int i = 0; i < CE_MAXIN; i++) free(c->x[i]), free(c->gmean[i]), free(c->gsum[i]);
    free(c->y), free(c->none);
    memset(c, 0, sizeof *c);
}

START_TEST(te_golden)
{
    const int k = te_kinds[_i / tl_ntables()];
    if (!tl_use_table(_i % tl_ntables())) return;
    char path[512], name[64];
    snprintf(name, sizeof name, "%s", cr_infos[k].name);
    const size_t nl = strlen(name);
    if (nl > 4 && !strcmp(name + nl - 4, "_f32")) name[nl - 4] = 0;
    snprintf(path, sizeof path, "%s/embedding/%s.txt", TL_GOLDEN_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    static char line[1 << 22];
    te_gcase c = {0};
    long cases = 0, fails = 0;
    const size_t cap = 1 << 20;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char *save = NULL, *key = strtok_r(line, " \n", &save), *rest = save;
        if (!key) continue;
        if (!strcmp(key, "case")) {
            te_gcase_free(&c);
            snprintf(c.name, sizeof c.name, "%s", strtok_r(NULL, " \n", &save));
            const cr_params def = cr_default_params(k);
            memcpy(c.pf, def.pf, sizeof c.pf), memcpy(c.pi, def.pi, sizeof c.pi);
        } else if (!strcmp(key, "shape")) {
            c.B = strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
            c.D = strtoul(strtok_r(NULL, " \n", &save), NULL, 10);
        } else if (cr_pf_index(k, key) >= 0) {
            c.pf[cr_pf_index(k, key)] =
                tl_from_bits((uint32_t)strtoul(strtok_r(NULL, " \n", &save), NULL, 16));
        } else if (cr_pi_index(k, key) >= 0) {
            c.pi[cr_pi_index(k, key)] = atoi(strtok_r(NULL, " \n", &save));
        } else if (key[0] == 'x' && key[1] >= '0' && key[1] <= '2') {
            float *v = c.x[key[1] - '0'] = malloc(cap * sizeof(float));
            tl_hex_floats(rest, v, cap);
        } else if (!strcmp(key, "y")) {
            tl_hex_floats(rest, c.y = malloc(cap * sizeof(float)), cap);
        } else if (!strcmp(key, "none")) {
            tl_hex_floats(rest, c.none = malloc(cap * sizeof(float)), cap);
        } else if (!strcmp(key, "mean") || !strcmp(key, "sum")) {
            float v;
            tl_hex_floats(rest, &v, 1);
            if (key[0] == 'm')
                c.mean = v;
            else
                c.sum = v;
        } else if (!strncmp(key, "gmean", 5) || !strncmp(key, "gsum", 4)) {
            const int i = key[strlen(key) - 1] - '0';
            ck_assert(i >= 0 && i < CE_MAXIN);
            float *v = malloc(cap * sizeof(float));
            tl_hex_floats(rest, v, cap);
            if (key[1] == 'm')
                c.gmean[i] = v;
            else
                c.gsum[i] = v;
        } else if (!strcmp(key, "status")) {
            c.status = 1;
        } else if (!strcmp(key, "end")) {
            for (int i = 0; i < te_nin(k); i++)
                if (!c.x[i]) c.x[i] = calloc(1, sizeof(float));
            fails += te_golden_case(k, &c);
            cases++;
        }
    }
    te_gcase_free(&c);
    fclose(f);
    ck_assert_msg(cases > 0, "%s: no cases", path);
    ck_assert_msg(fails == 0, "[%s] %s: %ld golden failures in %ld cases", tl_table(), path, fails,
                  cases);
}
END_TEST

/* ---- triplet_margin_with_distance -------------------------------------------------------- */
/* triplet data: three inputs of B x D from N(0, 1), a few rows made ties or
 * inactive by construction */
static void te_triplet_data(size_t B, size_t D, uint64_t seed, float *a, float *p, float *n)
{
    uint64_t s = seed;
    for (size_t e = 0; e < B * D; e++) {
        a[e] = (float)tl_rand_normal(&s), p[e] = (float)tl_rand_normal(&s);
        n[e] = (float)tl_rand_normal(&s);
    }
    for (size_t r = 0; r + 3 < B; r += 4) /* positive = anchor: d(a, n) = d(p, n) */
        memcpy(p + r * D, a + r * D, D * sizeof(float));
}

static size_t te_bytes(size_t B, size_t D) { return (B * D + 1) * sizeof(float); }

/* every output of one call, for bitwise comparisons */
static uint64_t te_tmd_hash(size_t B, size_t D, const float *a, const float *p, const float *n,
                            const simdloss_distance *d, float margin, int swap,
                            simdloss_reduction red)
{
    float *g[3], *l = malloc(te_bytes(B, 1));
    for (int i = 0; i < 3; i++) g[i] = malloc(te_bytes(B, D));
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, a, p, n, d, margin, swap, red,
                                                               l, g[0], g[1], g[2]),
                     SIMDLOSS_OK);
    uint64_t h = tl_hash_bytes(TL_HASH_START, l, (red == SIMDLOSS_NONE ? B : 1) * 4);
    for (int i = 0; i < 3; i++) h = tl_hash_bytes(h, g[i], B * D * 4), free(g[i]);
    free(l);
    return h;
}

/* PAIRWISE (and distance NULL) give triplet_margin's bits */
START_TEST(te_distance_pairwise)
{
    if (!tl_use_table(_i)) return;
    const size_t B = 17, D = 33;
    float *a = malloc(te_bytes(B, D)), *p = malloc(te_bytes(B, D)), *n = malloc(te_bytes(B, D));
    te_triplet_data(B, D, 11, a, p, n);
    static const float ps[] = {2.0f, 1.0f, 1.5f}, epss[] = {1e-6f, 0.0f, 1e-3f};
    for (int swap = 0; swap < 2; swap++)
        for (int j = 0; j < 3; j++)
            for (int r = 0; r < 3; r++) {
                const simdloss_reduction red = (simdloss_reduction)r;
                const simdloss_distance d = {SIMDLOSS_DIST_PAIRWISE, ps[j], epss[j], NULL, NULL};
                float *g[3], *l = malloc(te_bytes(B, 1));
                for (int i = 0; i < 3; i++) g[i] = malloc(te_bytes(B, D));
                ck_assert_int_eq(simdloss_triplet_margin_f32(B, D, a, p, n, 0.75f, ps[j], epss[j],
                                                             swap, red, l, g[0], g[1], g[2]),
                                 SIMDLOSS_OK);
                uint64_t h = tl_hash_bytes(TL_HASH_START, l, (r == 0 ? B : 1) * 4);
                for (int i = 0; i < 3; i++) h = tl_hash_bytes(h, g[i], B * D * 4), free(g[i]);
                free(l);
                ck_assert_msg(te_tmd_hash(B, D, a, p, n, &d, 0.75f, swap, red) == h,
                              "[%s] PAIRWISE p=%g swap=%d reduction %d differs from "
                              "triplet_margin",
                              tl_table(), (double)ps[j], swap, r);
                if (j == 0 && epss[j] == 1e-6f)
                    ck_assert(te_tmd_hash(B, D, a, p, n, NULL, 0.75f, swap, red) == h);
            }
    free(a), free(p), free(n);
}
END_TEST

/* the cosine distance in double: value and d / d u, d / d v */
static double te_cos_d(size_t D, const double *u, const double *v, double *gu, double *gv)
{
    double su = 0, sv = 0;
    for (size_t c = 0; c < D; c++) su += u[c] * u[c], sv += v[c] * v[c];
    const double lu = sqrt(su), lv = sqrt(sv), e = (double)1e-8f;
    const double nu = fmax(lu, e), nv = fmax(lv, e);
    double cs = 0;
    for (size_t c = 0; c < D; c++) cs += u[c] / nu * v[c] / nv;
    for (size_t c = 0; c < D && gu; c++) gu[c] = -(v[c] / nv - (lu >= e ? cs : 0) * u[c] / nu) / nu;
    for (size_t c = 0; c < D && gv; c++) gv[c] = -(u[c] / nu - (lv >= e ? cs : 0) * v[c] / nv) / nv;
    return 1.0 - cs;
}

/* one row's loss and gradients (g[0..2], D values each, or NULL) in double */
static double te_cos_triplet(size_t D, const double *a, const double *p, const double *n,
                             double margin, int swap, double *const *g)
{
    double *w = malloc(6 * (D + 1) * sizeof *w);
    const double dap = te_cos_d(D, a, p, w, w + D);
    const double dan = te_cos_d(D, a, n, w + 2 * D, w + 3 * D);
    double dn = dan, wa = 1, wp = 0;
    if (swap) {
        const double dpn = te_cos_d(D, p, n, w + 4 * D, w + 5 * D);
        if (dpn < dan) dn = dpn, wa = 0, wp = 1;
        if (dpn == dan) wa = wp = 0.5;
    }
    const double z = margin + dap - dn, G = z >= 0 ? 1.0 : 0.0;
    for (size_t c = 0; c < D && g; c++) {
        g[0][c] = G * (w[c] - wa * w[2 * D + c]);
        g[1][c] = G * (w[D + c] - (swap ? wp * w[4 * D + c] : 0));
        g[2][c] = G * (-wa * w[3 * D + c] - (swap ? wp * w[5 * D + c] : 0));
    }
    free(w);
    return z > 0 ? z : 0.0;
}

START_TEST(te_distance_cosine)
{
    if (!tl_use_table(_i)) return;
    const simdloss_distance cosd = {SIMDLOSS_DIST_COSINE, 0, 0, NULL, NULL};
    /* torch 1.13: F.triplet_margin_with_distance_loss(a, p, n, distance_function=lambda u, v:
     * 1 - F.cosine_similarity(u, v), margin, swap), printed float32 values */
    static const float a[6] = {0, 1, 1, 2, 0.5f, 0.5f}, p[6] = {1, 0, 1, 2, 0, 0.5f};
    static const float n[6] = {0, 2.5f, 3, 2, 0.6f, 0.4f};
    static const double none[2][3] = {{2.0, 0.86824316, 1.273474}, {1.5, 0.36824316, 0.77347392}};
    static const double mean[2] = {1.3805723, 0.88057238};
    static const double gmean[2][3][6] = {
        {{-0.33333334, 0, 0.066151865, -0.033075944, 0.3010743, -0.30107433},
         {0, -0.33333334, -7.4505806e-09, -1.4901161e-08, -0.47140452, 0},
         {0, 0, -0.025443021, 0.038164537, -0.050286174, 0.075429291}},
        {{-0.33333334, 0, 0.033075929, -0.016537979, 0.3010743, -0.30107433},
         {0, -0.33333334, 0.033075929, -0.016537979, -0.47140452, 0},
         {0, 0, -0.025443021, 0.038164537, -0.050286174, 0.075429291}}};
    for (int swap = 0; swap < 2; swap++) {
        const float margin = swap ? 0.5f : 1.0f;
        float l[3], g[3][6];
        ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(3, 2, a, p, n, &cosd, margin,
                                                                   swap, SIMDLOSS_NONE, l, g[0],
                                                                   g[1], g[2]),
                         SIMDLOSS_OK);
        for (int r = 0; r < 3; r++)
            ck_assert_msg(fabs(l[r] - none[swap][r]) <= 2e-6 * fmax(1, fabs(none[swap][r])),
                          "[%s] cosine swap=%d row %d: %.9g, want %.9g", tl_table(), swap, r,
                          (double)l[r], none[swap][r]);
        ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(3, 2, a, p, n, &cosd, margin,
                                                                   swap, SIMDLOSS_MEAN, l, g[0],
                                                                   g[1], g[2]),
                         SIMDLOSS_OK);
        ck_assert(fabs(l[0] - mean[swap]) <= 2e-6 * mean[swap]);
        for (int i = 0; i < 3; i++)
            for (int e = 0; e < 6; e++)
                ck_assert_msg(fabs(g[i][e] - gmean[swap][i][e]) <=
                                  2e-6 * fmax(1e-2, fabs(gmean[swap][i][e])),
                              "[%s] cosine swap=%d input %d grad[%d]: %.9g, want %.9g", tl_table(),
                              swap, i, e, (double)g[i][e], gmean[swap][i][e]);
    }
    /* random rows against the double reference, which is checked against
     * finite differences; bitwise across thread configurations */
#ifdef TL_EMULATED
    static const size_t shapes[][2] = {{17, 1}, {9, 3}, {5, 33}};
#else
    static const size_t shapes[][2] = {{17, 1}, {9, 3}, {17, 33}, {3, 1000}};
#endif
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const size_t B = shapes[si][0], D = shapes[si][1];
        float *x[3], *g[3], *l = malloc(te_bytes(B, 1));
        for (int i = 0; i < 3; i++) x[i] = malloc(te_bytes(B, D)), g[i] = malloc(te_bytes(B, D));
        te_triplet_data(B, D, 100 + si, x[0], x[1], x[2]);
        for (int swap = 0; swap < 2; swap++) {
            ck_assert_int_eq(
                simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], x[2], &cosd, 0.5f, swap,
                                                          SIMDLOSS_NONE, l, g[0], g[1], g[2]),
                SIMDLOSS_OK);
            double *xd[3], *gd[3];
            for (int i = 0; i < 3; i++)
                xd[i] = malloc((D + 1) * sizeof(double)), gd[i] = malloc((D + 1) * sizeof(double));
            for (size_t r = 0; r < B; r++) {
                for (int i = 0; i < 3; i++)
                    for (size_t c = 0; c < D; c++) xd[i][c] = x[i][r * D + c];
                const double v = te_cos_triplet(D, xd[0], xd[1], xd[2], 0.5, swap, gd);
                const double tol = 1e-5 * (1 + fabs(v)) * (1 + sqrt((double)D) / 4);
                ck_assert_msg(fabs(l[r] - v) <= tol,
                              "[%s] cosine B=%zu D=%zu row %zu: %.9g vs %.12g", tl_table(), B, D, r,
                              (double)l[r], v);
                for (int i = 0; i < 3; i++)
                    for (size_t c = 0; c < D; c++) {
                        double gm = 0; /* the gradient's scale: the terms' 1 / |x| */
                        for (int j = 0; j < 3; j++)
                            gm += 1.0 / fmax(1e-3, sqrt(D * 1.0)) + fabs(gd[j][c]);
                        ck_assert_msg(
                            fabs(g[i][r * D + c] - gd[i][c]) <=
                                1e-5 * gm * (1 + sqrt((double)D) / 4),
                            "[%s] cosine B=%zu D=%zu row %zu input %d [%zu]: %.9g vs %.12g",
                            tl_table(), B, D, r, i, c, (double)g[i][r * D + c], gd[i][c]);
                    }
                /* the double reference against central differences (rows
                 * away from the clamp's kink and the swap's tie) */
                const size_t c = D / 2;
                for (int i = 0; i < 3 && fabs(v) > 1e-3; i++) {
                    const double x0 = xd[i][c], h = 1e-6 * fmax(1.0, fabs(x0));
                    xd[i][c] = x0 + h;
                    const double vp = te_cos_triplet(D, xd[0], xd[1], xd[2], 0.5, swap, NULL);
                    xd[i][c] = x0 - h;
                    const double vm = te_cos_triplet(D, xd[0], xd[1], xd[2], 0.5, swap, NULL);
                    xd[i][c] = x0;
                    if (swap && r % 4 == 0) continue; /* the tie: one-sided there */
                    ck_assert_msg(
                        fabs((vp - vm) / (2 * h) - gd[i][c]) <= 1e-6 * (1 + fabs(gd[i][c])),
                        "cosine reference vs finite differences: row %zu input %d: %.12g vs %.12g",
                        r, i, gd[i][c], (vp - vm) / (2 * h));
                }
            }
            for (int i = 0; i < 3; i++) free(xd[i]), free(gd[i]);
            for (int r = 0; r < 3; r++) {
                const uint64_t want =
                    te_tmd_hash(B, D, x[0], x[1], x[2], &cosd, 0.5f, swap, (simdloss_reduction)r);
                for (int j = 0; j < TL_NTHREADS; j++) {
                    tl_threads_set(j);
                    const uint64_t h = te_tmd_hash(B, D, x[0], x[1], x[2], &cosd, 0.5f, swap,
                                                   (simdloss_reduction)r);
                    tl_threads_set(-1);
                    ck_assert_msg(h == want, "[%s] cosine B=%zu D=%zu: %s differs", tl_table(), B,
                                  D, tl_threads_name(j));
                }
            }
        }
        for (int i = 0; i < 3; i++) free(x[i]), free(g[i]);
        free(l);
    }
}
END_TEST

/* a custom distance: squared Euclidean, counting its calls */
typedef struct {
    int calls; /* atomic: the library may call from several threads */
    int nan_row;
} te_sq_ctx;

static float te_sq_dist(size_t D, const float *u, const float *v, float *gu, float *gv, void *ctx)
{
    te_sq_ctx *c = ctx;
    __atomic_fetch_add(&c->calls, 1, __ATOMIC_RELAXED);
    double s = 0;
    for (size_t k = 0; k < D; k++) {
        const double d = (double)u[k] - v[k];
        s += d * d;
        if (gu) gu[k] = (float)(2 * d);
        if (gv) gv[k] = (float)(-2 * d);
    }
    return c->nan_row && u[0] == 1234.0f ? NAN : (float)s;
}

START_TEST(te_distance_custom)
{
    if (!tl_use_table(_i)) return;
    const size_t B = 37, D = 5;
    float *x[3], *g[3], *l = malloc(te_bytes(B, 1));
    for (int i = 0; i < 3; i++) x[i] = malloc(te_bytes(B, D)), g[i] = malloc(te_bytes(B, D));
    te_triplet_data(B, D, 7, x[0], x[1], x[2]);
    te_sq_ctx ctx = {0, 0};
    const simdloss_distance d = {SIMDLOSS_DIST_CUSTOM, 0, 0, te_sq_dist, &ctx};
    for (int swap = 0; swap < 2; swap++) {
        ctx.calls = 0;
        ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], x[2], &d, 1.0f,
                                                                   swap, SIMDLOSS_NONE, l, g[0],
                                                                   g[1], g[2]),
                         SIMDLOSS_OK);
        ck_assert_int_eq(ctx.calls, (int)B * (swap ? 3 : 2)); /* once per (row, pair) */
        for (size_t r = 0; r < B; r++) {
            double dd[3] = {0, 0, 0};
            for (size_t c = 0; c < D; c++) {
                const double a = x[0][r * D + c], p = x[1][r * D + c], n = x[2][r * D + c];
                dd[0] += (a - p) * (a - p), dd[1] += (a - n) * (a - n), dd[2] += (p - n) * (p - n);
            }
            const double dap = (float)dd[0], dan = (float)dd[1], dpn = (float)dd[2];
            const double dn = swap && dpn < dan ? dpn : dan, z = 1.0 + dap - dn;
            ck_assert_msg(fabs(l[r] - (z > 0 ? z : 0)) <= 1e-6 * (1 + dap + dn),
                          "[%s] custom row %zu: %.9g, want %.9g", tl_table(), r, (double)l[r], z);
            if (z < 0)
                for (int i = 0; i < 3; i++)
                    for (size_t c = 0; c < D; c++) ck_assert(g[i][r * D + c] == 0.0f);
        }
    }
    /* a NaN distance: that row's loss and gradients NaN, the others finite */
    x[0][3 * D] = 1234.0f;
    ctx.nan_row = 1;
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], x[2], &d, 1.0f, 0,
                                                               SIMDLOSS_NONE, l, g[0], g[1], g[2]),
                     SIMDLOSS_OK);
    ck_assert(isnan(l[3]) && isnan(g[0][3 * D]) && isnan(g[2][3 * D + 1]) && !isnan(l[4]));
    /* the contract */
    const simdloss_distance bad_kind = {7, 2, 0, NULL, NULL},
                            no_fn = {SIMDLOSS_DIST_CUSTOM, 0, 0, NULL, NULL};
    const simdloss_distance p0 = {SIMDLOSS_DIST_PAIRWISE, 0, 0, NULL, NULL};
    const simdloss_distance pinf = {SIMDLOSS_DIST_PAIRWISE, INFINITY, 0, NULL, NULL};
    const simdloss_distance enan = {SIMDLOSS_DIST_PAIRWISE, 2, NAN, NULL, NULL};
    const simdloss_distance *bads[] = {&bad_kind, &no_fn, &p0, &pinf, &enan};
    for (size_t j = 0; j < 5; j++) {
        l[0] = 7.0f;
        ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], x[2], bads[j],
                                                                   1.0f, 0, SIMDLOSS_SUM, l, NULL,
                                                                   NULL, NULL),
                         SIMDLOSS_EINVAL);
        ck_assert(l[0] == 7.0f && strlen(simdloss_last_error()) > 0);
    }
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], x[2], &d, NAN, 0,
                                                               SIMDLOSS_SUM, l, NULL, NULL, NULL),
                     SIMDLOSS_EINVAL);
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], NULL, x[2], &d, 1, 0,
                                                               SIMDLOSS_SUM, l, NULL, NULL, NULL),
                     SIMDLOSS_EINVAL);
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(B, D, x[0], x[1], NULL, &d, 1, 0,
                                                               SIMDLOSS_SUM, l, NULL, NULL, NULL),
                     SIMDLOSS_EINVAL);
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(
                         B, D, x[0], x[1], x[2], &d, 1, 0, SIMDLOSS_SUM, NULL, NULL, NULL, NULL),
                     SIMDLOSS_EINVAL);
    ctx.calls = 0;
    ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(0, D, NULL, NULL, NULL, &d, 1, 0,
                                                               SIMDLOSS_MEAN, l, NULL, NULL, NULL),
                     SIMDLOSS_OK);
    ck_assert(isnan(l[0]) && ctx.calls == 0);
    for (int i = 0; i < 3; i++) free(x[i]), free(g[i]);
    free(l);
}
END_TEST

/* NaN payloads in the inputs (a quiet one with a payload, a negative one)
 * reach the COSINE and CUSTOM paths' arithmetic: every NaN they write is
 * still 0x7fc00000 (fuzz_triplet_distance found 0xffc00001 in a gradient) */
START_TEST(te_distance_canonical_nan)
{
    if (!tl_use_table(_i)) return;
    const size_t B = 5, D = 7;
    float *x[3], *g[3], *l = malloc(te_bytes(B, 1));
    for (int i = 0; i < 3; i++) x[i] = malloc(te_bytes(B, D)), g[i] = malloc(te_bytes(B, D));
    te_triplet_data(B, D, 11, x[0], x[1], x[2]);
    const uint32_t payloads[] = {0x7fc00001u, 0xffc00001u, 0xffffffffu};
    for (size_t r = 0; r < B; r++) {
        const uint32_t b = payloads[r % 3];
        memcpy(&x[r % 3][r * D + r % D], &b, sizeof b);
    }
    te_sq_ctx ctx = {0, 0};
    const simdloss_distance kinds[] = {{SIMDLOSS_DIST_COSINE, 0, 0, NULL, NULL},
                                       {SIMDLOSS_DIST_CUSTOM, 0, 0, te_sq_dist, &ctx}};
    for (int k = 0; k < 2; k++)
        for (int swap = 0; swap < 2; swap++) {
            ck_assert_int_eq(simdloss_triplet_margin_with_distance_f32(
                                 B, D, x[0], x[1], x[2], &kinds[k], -100.0f + 101.0f * swap, swap,
                                 SIMDLOSS_NONE, l, g[0], g[1], g[2]),
                             SIMDLOSS_OK);
            size_t nans = 0;
            for (int i = 0; i < 4; i++)
                for (size_t j = 0; j < (i < 3 ? B * D : B); j++) {
                    const float v = i < 3 ? g[i][j] : l[j];
                    uint32_t b;
                    memcpy(&b, &v, sizeof b);
                    if (v != v) nans++;
                    ck_assert_msg(v == v || b == 0x7fc00000u,
                                  "[%s] kind %d swap %d: %s[%zu] = 0x%08x", tl_table(), k, swap,
                                  i < 3 ? "grad" : "loss", j, (unsigned)b);
                }
            ck_assert_msg(nans > 0, "kind %d swap %d: no NaN reached the outputs", k, swap);
        }
    for (int i = 0; i < 3; i++) free(x[i]), free(g[i]);
    free(l);
}
END_TEST

int main(void)
{
    te_collect();
    Suite *s = suite_create("embedding");
    TCase *tc = tcase_create("embedding");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, te_examples, 0, tl_ntables());
    tcase_add_loop_test(tc, te_reference, 0, tl_ntables());
    tcase_add_loop_test(tc, te_contract, 0, tl_ntables());
    tcase_add_loop_test(tc, te_bitwise, 0, te_nkinds);
    tcase_add_loop_test(tc, te_golden, 0, te_nkinds * tl_ntables());
    tcase_add_loop_test(tc, te_distance_pairwise, 0, tl_ntables());
    tcase_add_loop_test(tc, te_distance_cosine, 0, tl_ntables());
    tcase_add_loop_test(tc, te_distance_custom, 0, tl_ntables());
    tcase_add_loop_test(tc, te_distance_canonical_nan, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
