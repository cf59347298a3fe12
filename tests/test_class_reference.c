/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every class-dimension loss, every parameter branch, every runnable ISA,
 * against the independent double-precision reference in its kernel header's
 * test section (tests/class_spec.h; written from docs/semantics.md,
 * "Class-dimension losses"), with that section's branches and data:
 *   (a) NONE per-position loss vs the reference:
 *         |got - ref| <= 1e-5 |ref| + 1e-6 mag + 1e-37
 *       (mag: magnitude of the formula's terms, tests/class_spec.h);
 *   (b) the NONE gradient vs the reference gradient,
 *         |got - ref| <= 1e-5 |ref| + 1e-6 gmag + 1e-37 (0 where gmag is 0),
 *       and vs central finite differences of the reference loss (step below
 *       the distance to kinks and singularities); the reference gradient
 *       itself is checked against the same finite differences in double,
 *         |ref - fd| <= 1e-6 |fd| + (1e-7 + h^2) gmag + 1e-14 (mag + |loss|) / h;
 *   (c) SUM and MEAN vs the reference sum (divided by the sum of w[y] over
 *       non-ignored positions for cross_entropy/nll, by the number of
 *       non-ignored positions for MEAN_KEPT losses, by the number of
 *       positions otherwise; NaN when that is 0, but 0 for MEAN_KEPT), |got - ref| <= 1e-5 |ref| +
 *       1e-6 sum(mag), and consistent with the library's own NONE values
 *       (2 ulps of each element, 1 of the result); the SUM gradient bitwise
 *       equal to the NONE gradient; the MEAN gradient vs reference / divisor
 *       (all zeros when the divisor is 0) with the tolerance of (b) / divisor
 *       (the MEAN factor may be applied inside sums over classes, so it need
 *       not equal NONE gradient / divisor to a few ulps);
 *   (d) cross_entropy_bf16: on the same bf16 logits, the loss bits equal
 *       those of cross_entropy_f32 on the widened logits and the gradient
 *       bits equal round-to-nearest-even of its gradient (NaN -> 0x7FC0);
 *       (a)-(c) check that float32 path.
 * Shapes: inner == 1 with classes 1, 2, 3, 10, 16, 17, 33, 1000 and batch 1,
 * 3, 15, 16, 17, 33; for the kinds with an inner dimension also inner 5, 16,
 * 17, 37 with classes 1, 3, 10, 17, 33 and batch 1, 3, 17. Rows include
 * normal logits, +-50-scale, a large common offset, constant rows and one
 * dominant class; the margin and hinge losses get inputs on a 2^-10 grid
 * (exact in float) with exact ties and kinks. Under emulation (TL_EMULATED)
 * classes = 1000 runs at batch 3 and 17 only. Rows of 2500 classes, over
 * three blocks of the row sums (a loss may work a row block by block), run
 * at batch 3.
 * CR_STATS=1 in the environment prints, per branch, the largest observed
 * error / tolerance ratio of each check.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"

/* ---- failures and statistics ------------------------------------------------------ */
#define CB_MAX_PRINT 12
typedef struct {
    int kind;
    const cs_branch *b;
    size_t B, C, I;
    const char *what;
    long fails;
    char first[1024];
} cb_ctx;

static void cb_fail(cb_ctx *c, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char head[200];
    snprintf(head, sizeof head, "[%s] %s/%s batch=%zu classes=%zu inner=%zu %s", tl_table(),
             cr_infos[c->kind].fn, c->b->label, c->B, c->C, c->I, c->what);
    if (c->fails < CB_MAX_PRINT) fprintf(stderr, "FAIL %s: %s\n", head, msg);
    if (c->fails == 0) snprintf(c->first, sizeof c->first, "%s: %s", head, msg);
    c->fails++;
}

enum { S_VAL, S_GRAD, S_FDREF, S_FDLIB, S_SUM, S_MEAN, S_CONS, S_MEANG, S_N };
static const char *const cb_stat_names[S_N] = {"value", "grad", "fd_ref",     "fd_lib",
                                               "sum",   "mean", "consistent", "mean_grad"};
static double cb_stat[S_N];
static void cb_note(int k, double err, double tol)
{
    if (tol > 0 && err / tol > cb_stat[k]) cb_stat[k] = err / tol;
}

/* ---- random inputs ------------------------------------------------------------------ */
static double U(uint64_t *s, double a, double b) { return a + (b - a) * tl_rand_unit(s); }
static int coin(uint64_t *s, double p) { return tl_rand_unit(s) < p; }
static size_t R(uint64_t *s, size_t n) { return n ? (size_t)(tl_rand_u64(s) % n) : 0; }

typedef struct {
    size_t B, C, I, npos, nel, nt;
    float *x;     /* nel */
    uint16_t *xb; /* nel, bf16 kind */
    int64_t *ti;  /* npos (index) or nel (multilabel) */
    float *tf;    /* nel */
    float *w, *alpha;
    cr_params prm;
} cb_data;

static size_t cb_at(const cb_data *d, size_t pos, size_t c)
{
    const size_t b = pos / d->I, i = pos % d->I;
    return (b * d->C + c) * d->I + i;
}

static float *cb_falloc(size_t n)
{
    float *p = malloc((n + 1) * sizeof(float));
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i <= n; i++) p[i] = NAN;
    return p;
}

static uint64_t cb_seed(int kind, const cs_branch *b, size_t B, size_t C, size_t I)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)kind;
    for (const char *p = b->label; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    h ^= B * 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull;
    h ^= C * 0x94d049bb133111ebull + I;
    return h;
}

static void cb_make(int k, const cs_branch *b, size_t B, size_t C, size_t I, cb_data *d)
{
    const sl_class_info *L = &cr_infos[k];
    const cs_spec *sp = cs_specs[k];
    uint64_t s = cb_seed(k, b, B, C, I);
    memset(d, 0, sizeof *d);
    d->B = B, d->C = C, d->I = I;
    d->npos = B * I;
    d->nel = B * C * I;
    d->x = cb_falloc(d->nel);
    d->tf = cb_falloc(d->nel);
    d->xb = malloc((d->nel + 1) * sizeof(uint16_t));
    d->ti = malloc((d->nel + d->npos + 1) * sizeof(int64_t));
    d->w = cb_falloc(C);
    d->alpha = cb_falloc(C);
    double *v = malloc((C + 1) * sizeof(double)), *t = malloc((C + 1) * sizeof(double));
    ck_assert(d->xb && d->ti && v && t);
    for (size_t c = 0; c < C; c++) d->w[c] = (float)U(&s, 0.1, 3.0);
    for (size_t c = 0; c < C; c++) d->alpha[c] = (float)U(&s, 0.05, 1.0);
    d->prm = cr_branch_params(k, b, C, d->w, d->alpha);
    for (size_t pos = 0; pos < d->npos; pos++) {
        int64_t y = (int64_t)R(&s, C);
        for (size_t c = 0; c < C; c++) t[c] = 0;
        sp->gen(b, C, &s, v, t, &y, d->ti + pos * C);
        if (L->ignore && b->ignore_frac > 0 && coin(&s, b->ignore_frac)) y = b->ignore_index;
        if (L->target == SL_T_INDEX || L->rlab) d->ti[pos] = y; /* class index or row label */
        for (size_t c = 0; c < C; c++) {
            const size_t at = cb_at(d, pos, c);
            d->x[at] = (float)v[c];
            d->tf[at] = (float)t[c];
            if (L->bf16) {
                d->xb[at] = cr_bf16_round(d->x[at]);
                d->x[at] = cr_bf16_widen(d->xb[at]);
            }
        }
    }
    free(v);
    free(t);
}

static void cb_free(cb_data *d)
{
    free(d->x), free(d->xb), free(d->ti), free(d->tf), free(d->w), free(d->alpha);
    memset(d, 0, sizeof *d);
}

/* ---- one case: a branch at one shape, on the pinned ISA ------------------------------- */
typedef struct {
    int rc;
    float *loss, *grad;
} cb_out;

/* the float32 path (bfloat16 losses: their float32 function on the widened inputs) */
static int cb_call(int kind, const cb_data *d, simdloss_reduction red, float *loss, float *grad)
{
    const int k = cs_specs[kind]->f32_of >= 0 ? cs_specs[kind]->f32_of : kind;
    return cr_call(k, d->B, d->C, d->I, d->x, d->ti, d->tf, &d->prm, red, loss, grad);
}

static size_t cb_pick_classes(uint64_t *s, int kind, const cb_data *d, size_t pos, const double *x,
                              size_t *out)
{
    const size_t C = d->C;
    if (C <= 40) {
        for (size_t c = 0; c < C; c++) out[c] = c;
        return C;
    }
    size_t n = 0, am = 0;
    for (size_t c = 1; c < C; c++)
        if (x[c] > x[am]) am = c;
    out[n++] = 0;
    out[n++] = C - 1;
    out[n++] = am;
    if (cr_infos[kind].target == SL_T_INDEX) {
        const int64_t y = d->ti[pos];
        if (y >= 0 && (size_t)y < C) out[n++] = (size_t)y;
    } else if (cr_infos[kind].target == SL_T_LABELS) {
        for (size_t a = 0; a < 8 && d->ti[pos * C + a] >= 0; a++)
            out[n++] = (size_t)d->ti[pos * C + a];
    } else {
        for (size_t c = 0; c < C && n < 12; c++)
            if (d->tf[cb_at(d, pos, c)] != 0.0f) out[n++] = c;
    }
    for (int j = 0; j < 16; j++) out[n++] = R(s, C);
    return n;
}

static void cb_run_case(int k, const cs_branch *b, size_t B, size_t C, size_t I)
{
    cb_data d;
    cb_make(k, b, B, C, I, &d);
    cb_ctx c = {k, b, B, C, I, "", 0, ""};
    const size_t nel = d.nel, npos = d.npos;

    float *ln = cb_falloc(npos), *gn = cb_falloc(nel), *gs = cb_falloc(nel), *gm = cb_falloc(nel);
    float sum = NAN, mean = NAN;
    int rc = cb_call(k, &d, SIMDLOSS_NONE, ln, gn);
    c.what = "NONE";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = cb_call(k, &d, SIMDLOSS_SUM, &sum, gs);
    c.what = "SUM";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = cb_call(k, &d, SIMDLOSS_MEAN, &mean, gm);
    c.what = "MEAN";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());

    /* (d) bf16: bits against the float32 function on the widened inputs */
    if (cs_specs[k]->f32_of >= 0) {
        float *lb = cb_falloc(npos);
        uint16_t *gb = malloc((nel + 1) * sizeof *gb);
        ck_assert_ptr_nonnull(gb);
        for (int r = 0; r < 3; r++) {
            const float *lf = r == SIMDLOSS_NONE ? ln : (r == SIMDLOSS_SUM ? &sum : &mean);
            const float *gf = r == SIMDLOSS_NONE ? gn : (r == SIMDLOSS_SUM ? gs : gm);
            static const char *const rn[3] = {"NONE", "MEAN", "SUM"};
            c.what = rn[r];
            memset(gb, 0xA5, (nel + 1) * sizeof *gb);
            rc = cr_call(k, B, C, I, d.xb, d.ti, NULL, &d.prm, (simdloss_reduction)r, lb, gb);
            if (rc != SIMDLOSS_OK) {
                cb_fail(&c, "bf16 rc = %d (%s)", rc, simdloss_last_error());
                continue;
            }
            const size_t nl = r == SIMDLOSS_NONE ? npos : 1;
            for (size_t i = 0; i < nl; i++)
                if (tl_bits(lb[i]) != tl_bits(lf[i]) && !(isnan(lb[i]) && isnan(lf[i])))
                    cb_fail(&c,
                            "(d) bf16 loss[%zu] = %.9g (0x%08x), f32 on the widened logits "
                            "%.9g (0x%08x)",
                            i, (double)lb[i], (unsigned)tl_bits(lb[i]), (double)lf[i],
                            (unsigned)tl_bits(lf[i]));
            for (size_t i = 0; i < nel; i++) {
                const uint16_t want = cr_bf16_round(gf[i]);
                if (gb[i] != want)
                    cb_fail(&c, "(d) bf16 grad[%zu] = 0x%04x, want 0x%04x = rne(%.9g)", i,
                            (unsigned)gb[i], (unsigned)want, (double)gf[i]);
            }
        }
        free(lb);
        free(gb);
    }

    /* (a), (b) per position */
    const int tfloat = cr_infos[k].target == SL_T_FLOAT;
    double *x = malloc((C + 1) * sizeof *x), *t = malloc((C + 1) * sizeof *t);
    double *rg = malloc((C + 1) * sizeof *rg), *gmg = malloc((C + 1) * sizeof *gmg);
    double *kink = malloc((C + 1) * sizeof *kink), *sing = malloc((C + 1) * sizeof *sing);
    double *vals = malloc((npos + 1) * sizeof *vals), *divs = malloc((npos + 1) * sizeof *divs);
    double *lnd = malloc((npos + 1) * sizeof *lnd);
    double *rgall = malloc((nel + 1) * sizeof *rgall), *gmall = malloc((nel + 1) * sizeof *gmall);
    size_t *pick = malloc((C + 64) * sizeof *pick);
    ck_assert(x && t && rg && gmg && kink && sing && vals && divs && lnd && rgall && gmall && pick);
    double magsum = 0;
    uint64_t fs = cb_seed(k, b, B, C, I) ^ 0x5555;
    for (size_t pos = 0; pos < npos; pos++) {
        for (size_t cc = 0; cc < C; cc++) {
            x[cc] = d.x[cb_at(&d, pos, cc)];
            t[cc] = d.tf[cb_at(&d, pos, cc)];
        }
        const int64_t *ti = cr_infos[k].target == SL_T_LABELS ? d.ti + pos * C : d.ti + pos;
        cr_res r;
        cr_eval(k, C, &d.prm, x, tfloat ? t : NULL, ti, &r, rg, gmg, kink, sing);
        vals[pos] = r.value;
        divs[pos] = r.div;
        magsum += r.mag;
        lnd[pos] = ln[pos];
        /* (a) */
        {
            const double tol = 1e-5 * fabs(r.value) + 1e-6 * r.mag + 1e-37;
            const double err = fabs((double)ln[pos] - r.value);
            c.what = "(a) NONE loss vs reference";
            if (!(err <= tol))
                cb_fail(&c, "position %zu: got %.9g want %.12g (err %.3g > tol %.3g)", pos,
                        (double)ln[pos], r.value, err, tol);
            else
                cb_note(S_VAL, err, tol);
        }
        /* (b) gradient vs reference */
        for (size_t cc = 0; cc < C; cc++) {
            const size_t at = cb_at(&d, pos, cc);
            rgall[at] = rg[cc];
            gmall[at] = gmg[cc];
            const double tol = 1e-5 * fabs(rg[cc]) + 1e-6 * gmg[cc] + (gmg[cc] > 0 ? 1e-37 : 0);
            const double err = fabs((double)gn[at] - rg[cc]);
            c.what = "(b) NONE grad vs reference";
            if (!(err <= tol))
                cb_fail(&c,
                        "position %zu class %zu: got %.9g want %.12g (err %.3g > tol %.3g; "
                        "x=%.9g)",
                        pos, cc, (double)gn[at], rg[cc], err, tol, x[cc]);
            else
                cb_note(S_GRAD, err, tol);
        }
        /* (b) finite differences of the reference */
        const size_t np = cb_pick_classes(&fs, k, &d, pos, x, pick);
        for (size_t j = 0; j < np; j++) {
            const size_t cc = pick[j];
            double h = fmin(1e-5 * fmax(1.0, fabs(x[cc])), fmin(1e-4 * sing[cc], 0.25 * kink[cc]));
            if (!(h > 1e-300)) continue;
            const double x0 = x[cc], xp = x0 + h, xm = x0 - h;
            cr_res rp, rm;
            x[cc] = xp;
            cr_eval(k, C, &d.prm, x, tfloat ? t : NULL, ti, &rp, NULL, NULL, NULL, NULL);
            x[cc] = xm;
            cr_eval(k, C, &d.prm, x, tfloat ? t : NULL, ti, &rm, NULL, NULL, NULL, NULL);
            x[cc] = x0;
            h = 0.5 * (xp - xm);
            const double fd = (rp.value - rm.value) / (xp - xm);
            const double ftol =
                1e-6 * fabs(fd) + (1e-7 + h * h) * gmg[cc] + 1e-14 * (r.mag + fabs(r.value)) / h;
            const double ferr = fabs(rg[cc] - fd);
            c.what = "(b) reference grad vs finite differences";
            if (!(ferr <= ftol))
                cb_fail(&c,
                        "position %zu class %zu: reference %.12g fd %.12g (h %.3g, err %.3g > "
                        "tol %.3g; x=%.9g t=%.9g kink %.3g sing %.3g)",
                        pos, cc, rg[cc], fd, h, ferr, ftol, x[cc], t[cc], kink[cc], sing[cc]);
            else
                cb_note(S_FDREF, ferr, ftol);
            const size_t at = cb_at(&d, pos, cc);
            const double ltol =
                ftol + 1e-5 * fabs(rg[cc]) + 1e-6 * gmg[cc] + (gmg[cc] > 0 ? 1e-37 : 0);
            const double lerr = fabs((double)gn[at] - fd);
            c.what = "(b) NONE grad vs finite differences";
            if (!(lerr <= ltol))
                cb_fail(&c,
                        "position %zu class %zu: got %.9g fd %.12g (h %.3g, err %.3g > tol "
                        "%.3g)",
                        pos, cc, (double)gn[at], fd, h, lerr, ltol);
            else
                cb_note(S_FDLIB, lerr, ltol);
        }
    }

    /* (c) reductions */
    const double rsum = tl_fsum(vals, npos), rdiv = tl_fsum(divs, npos);
    const double own = tl_fsum(lnd, npos);
    double ownabs = 0;
    for (size_t pos = 0; pos < npos; pos++) ownabs += fabs(lnd[pos]);
    {
        const double tol = 1e-5 * fabs(rsum) + 1e-6 * magsum + 1e-37;
        const double err = fabs((double)sum - rsum);
        c.what = "(c) SUM vs reference";
        if (!(err <= tol))
            cb_fail(&c, "got %.9g want %.12g (err %.3g > tol %.3g)", (double)sum, rsum, err, tol);
        else
            cb_note(S_SUM, err, tol);
        const double ctol = 0x1p-23 * ownabs + 0x1p-24 * fabs(own) + 1e-44;
        const double cerr = fabs((double)sum - own);
        c.what = "(c) SUM vs the exact sum of the NONE values";
        if (!(cerr <= ctol))
            cb_fail(&c, "got %.9g want %.12g (err %.3g > tol %.3g)", (double)sum, own, cerr, ctol);
        else
            cb_note(S_CONS, cerr, ctol);
    }
    c.what = "(c) MEAN vs reference";
    if (rdiv == 0.0 && cr_infos[k].mean == SL_MEAN_KEPT) {
        /* every position ignored: Keras' masked mean is 0 */
        if (mean != 0.0f) cb_fail(&c, "every position ignored: got %.9g, want 0", (double)mean);
    } else if (rdiv == 0.0) {
        if (!isnan(mean)) cb_fail(&c, "divisor 0: got %.9g, want NaN", (double)mean);
    } else {
        const double want = rsum / rdiv;
        const double tol = (1e-5 * fabs(rsum) + 1e-6 * magsum) / fabs(rdiv) + 1e-37;
        const double err = fabs((double)mean - want);
        if (!(err <= tol))
            cb_fail(&c, "got %.9g want %.12g = %.12g / %.12g (err %.3g > tol %.3g)", (double)mean,
                    want, rsum, rdiv, err, tol);
        else
            cb_note(S_MEAN, err, tol);
        const double ctol = (0x1p-23 * ownabs + 0x1p-24 * fabs(own)) / fabs(rdiv) + 1e-44;
        const double cerr = fabs((double)mean - own / rdiv);
        c.what = "(c) MEAN vs the exact sum of the NONE values / divisor";
        if (!(cerr <= ctol))
            cb_fail(&c, "got %.9g want %.12g (err %.3g > tol %.3g)", (double)mean, own / rdiv, cerr,
                    ctol);
        else
            cb_note(S_CONS, cerr, ctol);
    }
    c.what = "(c) SUM grad == NONE grad bitwise";
    for (size_t i = 0; i < nel; i++)
        if (tl_bits(gs[i]) != tl_bits(gn[i]))
            cb_fail(&c, "element %zu: SUM 0x%08x (%.9g) NONE 0x%08x (%.9g)", i,
                    (unsigned)tl_bits(gs[i]), (double)gs[i], (unsigned)tl_bits(gn[i]),
                    (double)gn[i]);
    for (size_t i = 0; i < nel; i++) {
        if (rdiv == 0.0) {
            c.what = "(c) MEAN grad with divisor 0";
            if (gm[i] != 0.0f) cb_fail(&c, "element %zu: got %.9g, want 0", i, (double)gm[i]);
            continue;
        }
        const double want = rgall[i] / rdiv;
        const double tol =
            (1e-5 * fabs(rgall[i]) + 1e-6 * gmall[i]) / fabs(rdiv) + (gmall[i] > 0 ? 1e-37 : 0);
        const double err = fabs((double)gm[i] - want);
        c.what = "(c) MEAN grad vs reference / divisor";
        if (!(err <= tol))
            cb_fail(&c,
                    "element %zu: got %.9g want %.12g (err %.3g > tol %.3g; NONE grad %.9g, "
                    "reference %.12g, gmag %.3g)",
                    i, (double)gm[i], want, err, tol, (double)gn[i], rgall[i], gmall[i]);
        else
            cb_note(S_MEANG, err, tol);
    }

    free(x), free(t), free(rg), free(gmg), free(kink), free(sing), free(vals), free(divs);
    free(lnd), free(rgall), free(gmall), free(pick);
    free(ln), free(gn), free(gs), free(gm);
    cb_free(&d);
    ck_assert_msg(c.fails == 0, "%ld failures; first: %s", c.fails, c.first);
}

/* ---- shapes ------------------------------------------------------------------------------- */
static const size_t cb_classes[] = {1, 2, 3, 10, 16, 17, 33, 1000, 2500};
static const size_t cb_batches[] = {1, 3, 15, 16, 17, 33};
static const size_t cb_inner_classes[] = {1, 3, 10, 17, 33};
static const size_t cb_inner_batches[] = {1, 3, 17};
static const size_t cb_inners[] = {5, 16, 17, 37};
#define CB_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void cb_run_kind(int kind)
{
    const int stats = getenv("CR_STATS") != NULL;
    const cs_spec *sp = cs_specs[kind];
    int found = 0;
    for (size_t bi = 0; bi < sp->nbranches; bi++) {
        const cs_branch *b = &sp->branches[bi];
        if (b->cross == 2) continue; /* the cross-ISA test's */
        found = 1;
        memset(cb_stat, 0, sizeof cb_stat);
        for (size_t ci = 0; ci < CB_LEN(cb_classes); ci++)
            for (size_t bj = 0; bj < CB_LEN(cb_batches); bj++) {
#ifdef TL_EMULATED /* under qemu: the largest rows at two batch sizes only */
                if (cb_classes[ci] >= 1000 && cb_batches[bj] != 3 && cb_batches[bj] != 17) continue;
#endif
                if (cb_classes[ci] > 1000 && cb_batches[bj] != 3) continue;
                cb_run_case(kind, b, cb_batches[bj], cb_classes[ci], 1);
            }
        if (cr_infos[kind].inner)
            for (size_t ci = 0; ci < CB_LEN(cb_inner_classes); ci++)
                for (size_t bj = 0; bj < CB_LEN(cb_inner_batches); bj++)
                    for (size_t ii = 0; ii < CB_LEN(cb_inners); ii++)
                        cb_run_case(kind, b, cb_inner_batches[bj], cb_inner_classes[ci],
                                    cb_inners[ii]);
        /* many classes across positions: sums over thousands of classes */
        if (cr_infos[kind].inner) cb_run_case(kind, b, 1, 4000, 3);
        if (stats) {
            printf("stats [%s] %-38s %-40s", tl_table(), cr_infos[kind].fn, b->label);
            for (int s = 0; s < S_N; s++) printf(" %s=%.3g", cb_stat_names[s], cb_stat[s]);
            printf("\n");
            fflush(stdout);
        }
    }
    ck_assert_msg(found, "no branches for %s", cr_infos[kind].fn);
}

START_TEST(ref_class)
{
    const int kind = _i / tl_ntables();
    if (cr_multi(kind)) return; /* tests/test_embedding.c */
    if (!tl_use_table(_i % tl_ntables())) return;
    cb_run_kind(kind);
}
END_TEST

/* ---- the reference itself against torch 1.13 / Keras 3 worked examples --------------------- */
static void cb_example(int kind, const cs_example *e)
{
    const size_t B = e->batch, C = e->classes;
    const cr_params p =
        cr_params_of(kind, e->weight, e->ignore_index, e->alpha, e->alpha_len, e->pf, e->pi);
    const char *fn = cr_infos[kind].fn;
    double *g = malloc((B * C + 1) * sizeof *g);
    ck_assert_ptr_nonnull(g);
    double sum = 0, div = 0;
    for (size_t b = 0; b < B; b++) {
        cr_res r;
        const int64_t *tp =
            e->ti ? (cr_infos[kind].target == SL_T_LABELS ? e->ti + b * C : e->ti + b) : NULL;
        cr_eval(kind, C, &p, e->x + b * C, e->t ? e->t + b * C : NULL, tp, &r, g + b * C, NULL,
                NULL, NULL);
        ck_assert_msg(fabs(r.value - e->none[b]) <= e->tol * fmax(1.0, fabs(e->none[b])),
                      "%s row %zu: reference %.9g, want %.9g", fn, b, r.value, e->none[b]);
        sum += r.value;
        div += r.div;
    }
    if (!isnan(e->mean))
        ck_assert_msg(fabs(sum / div - e->mean) <= e->tol * fmax(1.0, fabs(e->mean)),
                      "%s mean: reference %.9g, want %.9g", fn, sum / div, e->mean);
    if (e->gmean)
        for (size_t i = 0; i < B * C; i++)
            ck_assert_msg(fabs(g[i] / div - e->gmean[i]) <= e->tol * fmax(1e-2, fabs(e->gmean[i])),
                          "%s grad[%zu]: reference %.9g, want %.9g", fn, i, g[i] / div,
                          e->gmean[i]);
    free(g);
}

START_TEST(ref_self_check)
{
    /* torch / Keras examples of every class-dimension loss (printed float32
     * values, so 1e-6 relative); the same examples are golden cases
     * (`*_spec_*`); every float32 loss has some */
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        const cs_spec *sp = cs_specs[k];
        ck_assert_msg(sp->nexamples > 0 || sp->f32_of >= 0, "%s has no worked examples",
                      cr_infos[k].fn);
        for (size_t j = 0; j < sp->nexamples; j++) cb_example(k, &sp->examples[j]);
    }
    /* exact summation and bf16 rounding */
    const double v[4] = {1e16, 1.0, -1e16, 1e-3};
    ck_assert(tl_fsum(v, 4) == 1.0 + 1e-3);
    ck_assert_uint_eq(cr_bf16_round(1.0f), 0x3F80);
    ck_assert_uint_eq(cr_bf16_round(tl_from_bits(0x3F808000u)), 0x3F80); /* tie to even */
    ck_assert_uint_eq(cr_bf16_round(tl_from_bits(0x3F818000u)), 0x3F82);
    ck_assert_uint_eq(cr_bf16_round(tl_from_bits(0x3F808001u)), 0x3F81);
    ck_assert_uint_eq(cr_bf16_round(-NAN), 0x7FC0);
    ck_assert_uint_eq(cr_bf16_round(tl_from_bits(0x7F7FFFFFu)), 0x7F80); /* rounds to inf */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("class_reference");
    TCase *self = tcase_create("reference-self");
    tcase_add_test(self, ref_self_check);
    suite_add_tcase(s, self);
    TCase *tc = tcase_create("class");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, ref_class, 0, CR_NKINDS * tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
