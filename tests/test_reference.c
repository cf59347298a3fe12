/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every elementwise loss of the registry, every branch of its test section,
 * every runnable ISA, against the loss's independent double-precision
 * reference (the SL_SPECS part of its kernel header):
 *   (a) NONE loss vs the reference value:
 *         |got - ref| <= 1e-5 |ref| + 1e-6 mag
 *       (mag: magnitude of the formula's terms, see tests/spec.h; 1e-6 mag is
 *       about 8 float32 ulps of the largest intermediate);
 *   (b) the NONE gradient of every input (and of a CYCG cyclic array) vs
 *       central finite differences of the reference in double, with a step
 *       below 1e-3 of the distance to the nearest kink or singularity:
 *         |got - fd| <= 1e-3 |fd| + 1e-6 gmag + (FD rounding)
 *       inputs are drawn from each loss's natural domain and kept at least
 *       1e-3 |x| away from kinks and clip boundaries;
 *   (c) SUM within 1 ulp of the exact sum (Shewchuk) of the library's own
 *       NONE values rounded to float, MEAN within 1 ulp of exact / n; the SUM
 *       gradients bitwise equal to the NONE gradients; the MEAN gradients
 *       within the spec's mean_grad_ulps of NONE gradient * (float)(1.0 / n)
 *       (a shared cyclic gradient, a sum, against the finite differences / n);
 *   (d) at n = 7, NaN inputs and a NaN target give NaN loss and gradients
 *       for their elements only.
 * Sizes: every n in 0..67, 1023, 1024, 1025, 4097 (all of (a)-(c)) and
 * 100003 ((c), and (a)/(b) on a sparse subset of indices); a size that a
 * cyclic length does not divide is rounded up to a multiple.
 * TB_STATS=1 in the environment prints, per branch, the largest observed
 * error / tolerance ratio of each check.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- failure bookkeeping --------------------------------------------------- */
#define TB_MAX_PRINT 12

typedef struct {
    const char *loss, *label, *what;
    size_t n;
    long fails;
    char first[768];
} tb_ctx;

static void tb_fail(tb_ctx *c, const char *fmt, ...)
{
    char msg[640];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->fails < TB_MAX_PRINT)
        fprintf(stderr, "FAIL [%s] %s/%s n=%zu %s: %s\n", tl_table(), c->loss, c->label, c->n,
                c->what, msg);
    if (c->fails == 0)
        snprintf(c->first, sizeof c->first, "[%s] %s/%s n=%zu %s: %s", tl_table(), c->loss,
                 c->label, c->n, c->what, msg);
    c->fails++;
}

/* Largest error/tolerance ratio per check kind, for TB_STATS=1. */
enum { S_VAL, S_GRAD, S_GVAR, S_SUM, S_MEAN, S_MEANG, S_N };
static const char *const tb_stat_names[S_N] = {"value",    "grad",      "grad_cyc",
                                               "sum_ulps", "mean_ulps", "mean_grad_ulps"};
static double tb_stat[S_N];
static void tb_note(int k, double r)
{
    if (r > tb_stat[k]) tb_stat[k] = r;
}

/* ---- data: smooth values away from kinks -------------------------------------- */
/* Input j of an element is at least 1e-3 |x| (and 1e-9) away from its kinks. */
static int tb_kink_ok(const ts_ref *o, double x, int j)
{
    return o->kink[j] >= 1e-3 * fmax(fabs(x), 1e-6);
}

/* Element i is fit for finite differences: finite, every input away from kinks. */
static int tb_smooth(int k, const tl_data *d, size_t i)
{
    ts_elem e;
    ts_ref o;
    tl_elem_of(&e, k, d, i);
    tl_ref(k, &e, &o);
    if (!isfinite(o.value)) return 0;
    for (int j = 0; j < tl_losses[k].info->nin; j++)
        if (!tb_kink_ok(&o, e.in[j], j)) return 0;
    return 1;
}

/* The branch's data, each element redrawn (up to 200 times) until smooth;
 * fd_ok[i]: element i is. The prescan's decision must not change. */
static unsigned char *tb_make(int k, const ts_branch *b, size_t n, tl_data *d)
{
    const sl_elem_info *L = tl_losses[k].info;
    uint64_t s = tl_seed(L->name, b->label, n);
    unsigned char *ok = malloc(n + 1);
    ck_assert_ptr_nonnull(ok);
    tl_data_make(d, k, b, n, 0, s);
    const int flags = d->flags;
    for (size_t i = 0; i < n; i++) {
        int good = tb_smooth(k, d, i);
        for (int tries = 0; tries < 200 && !good; tries++) {
            double in[SL_MAX_IN] = {0}, tgt[SL_MAX_TGT] = {0};
            ts_specs[k]->gen(b, 0, i, &s, in, tgt);
            for (int j = 0; j < L->nin; j++) d->in[j][i] = (float)in[j];
            for (int j = 0; j < L->ntgt; j++) d->tgt[j][i] = (float)tgt[j];
            good = tb_smooth(k, d, i);
        }
        ok[i] = (unsigned char)good;
    }
    ck_assert_msg(tl_data_flags(k, d) == flags, "%s/%s: redrawing changed the prescan's flags",
                  L->name, b->label);
    return ok;
}

static float *tb_alloc(size_t n)
{
    float *v = malloc((n + 1) * sizeof(float));
    ck_assert_ptr_nonnull(v);
    for (size_t i = 0; i <= n; i++) v[i] = NAN;
    return v;
}

/* FD step: 1e-4 of the input's scale, and 1e-3 of the smooth radius. */
static double tb_step(double x, double kink, double sing)
{
    return fmin(1e-4 * fmax(1.0, fabs(x)), 1e-3 * fmin(kink, sing));
}

/* Indices checked against the reference at the largest size. */
static int tb_sparse_pick(size_t i, size_t n)
{
    return i % 97 == 0 || i + 40 >= n || (i % 1024) < 2 || (i % 1024) > 1021 || (i % 16) == 15;
}

/* The three reductions of one call, each with its own outputs. */
typedef struct {
    float *loss, *grad[SL_MAX_IN], *gcyc;
    float red;
} tb_out;

static void tb_out_alloc(tb_out *o, size_t n, size_t cl, int nin)
{
    memset(o, 0, sizeof *o);
    o->loss = tb_alloc(n);
    for (int j = 0; j < nin; j++) o->grad[j] = tb_alloc(n);
    o->gcyc = tb_alloc(cl);
    o->red = NAN;
}

static void tb_out_free(tb_out *o)
{
    free(o->loss), free(o->gcyc);
    for (int j = 0; j < SL_MAX_IN; j++) free(o->grad[j]);
}

static int tb_call(int k, const tl_data *d, simdloss_reduction red, tb_out *o, int cg)
{
    tl_args a;
    tl_args_of(&a, d);
    a.red = red;
    a.loss = red == SIMDLOSS_NONE ? o->loss : &o->red;
    for (int j = 0; j < tl_losses[k].info->nin; j++) a.grad[j] = o->grad[j];
    a.grad_cyc = cg ? o->gcyc : NULL;
    return tl_losses[k].call(&a);
}

/* (b) for a CYCG loss: the cyclic gradient vs finite differences, one value
 * per element (cl == n) or sums over the elements sharing a value. */
typedef struct {
    double *fd, *abs, *mag;
} tb_cyc;

static void tb_cyc_fd(int k, const tl_data *d, size_t i, const ts_ref *o, tb_cyc *v,
                      const tb_out *none, tb_ctx *c)
{
    const size_t cl = d->cyc_len[0], j = i % cl;
    ts_elem e;
    ts_ref r;
    tl_elem_of(&e, k, d, i);
    if (ts_specs[k]->cyc_fd) ts_specs[k]->cyc_fd(&e);
    const double cv = e.cyc[0];
    const double h = fmin(1e-4 * fmax(1.0, cv), 1e-3 * cv);
    e.cyc[0] = cv + h;
    tl_ref(k, &e, &r);
    const double fp = r.value;
    e.cyc[0] = cv - h;
    tl_ref(k, &e, &r);
    const double fd = (fp - r.value) / (2.0 * h);
    const double m = 1e-6 * o->cgmag + 1e-14 * (o->mag + fabs(o->value)) / h;
    v->fd[j] += fd;
    v->abs[j] += fabs(fd);
    v->mag[j] += m;
    if (cl == d->n) {
        const double gtol = 1e-3 * fabs(fd) + m;
        const double gerr = fabs((double)none->gcyc[i] - fd);
        c->what = "(b) NONE cyclic gradient vs finite differences";
        if (!(gerr <= gtol))
            tb_fail(c, "i=%zu x=%.9g cyc=%.9g: got %.9g want %.9g (err %.3g > tol %.3g)", i,
                    (double)d->in[0][i], (double)d->cyc[0][i], (double)none->gcyc[i], fd, gerr,
                    gtol);
        else if (gtol > 0)
            tb_note(S_GVAR, gerr / gtol);
    }
}

static void tb_run_case(int k, const ts_branch *b, size_t n, int sparse)
{
    const tl_loss *L = &tl_losses[k];
    const sl_elem_info *I = L->info;
    const int nin = I->nin;
    tl_data d;
    unsigned char *fd_ok = tb_make(k, b, n, &d);
    const int cg = I->ncg > 0;
    const size_t cl = cg ? d.cyc_len[0] : 0;
    tb_ctx c = {I->name, b->label, "", n, 0, ""};

    tb_out on, os, om;
    tb_out_alloc(&on, n, cl, nin);
    tb_out_alloc(&os, n, cl, nin);
    tb_out_alloc(&om, n, cl, nin);
    int rc = tb_call(k, &d, SIMDLOSS_NONE, &on, cg);
    c.what = "NONE";
    if (rc != SIMDLOSS_OK) tb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = tb_call(k, &d, SIMDLOSS_SUM, &os, cg);
    c.what = "SUM";
    if (rc != SIMDLOSS_OK) tb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = tb_call(k, &d, SIMDLOSS_MEAN, &om, cg);
    c.what = "MEAN";
    if (rc != SIMDLOSS_OK) tb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());

    /* (a), (b): elementwise values and gradients vs the reference */
    tb_cyc v = {NULL, NULL, NULL};
    if (cg) {
        v.fd = calloc(cl + 1, sizeof(double));
        v.abs = calloc(cl + 1, sizeof(double));
        v.mag = calloc(cl + 1, sizeof(double));
        ck_assert(v.fd && v.abs && v.mag);
    }
    int cyc_fd_all = 1;
    double *fdv[SL_MAX_IN], *fdt[SL_MAX_IN];
    for (int j = 0; j < nin; j++) {
        fdv[j] = calloc(n + 1, sizeof(double));
        fdt[j] = calloc(n + 1, sizeof(double));
        ck_assert(fdv[j] && fdt[j]);
    }
    for (size_t i = 0; i < n; i++) {
        for (int j = 0; j < nin; j++) fdt[j][i] = -1.0; /* no finite difference here */
        if (sparse && !tb_sparse_pick(i, n)) {
            cyc_fd_all = 0;
            continue;
        }
        ts_elem e;
        ts_ref o;
        tl_elem_of(&e, k, &d, i);
        tl_ref(k, &e, &o);
        /* (a) */
        const double tol = 1e-5 * fabs(o.value) + 1e-6 * o.mag;
        const double err = fabs((double)on.loss[i] - o.value);
        c.what = "(a) NONE loss vs reference";
        if (!(err <= tol))
            tb_fail(
                &c, "i=%zu x=%.9g y=%.9g cyc=%.9g,%.9g: got %.9g want %.12g (err %.3g > tol %.3g)",
                i, e.in[0], e.tgt[0], e.cyc[0], e.cyc[1], (double)on.loss[i], o.value, err, tol);
        else if (tol > 0)
            tb_note(S_VAL, err / tol);
        /* (b) the gradient of each input */
        for (int j = 0; fd_ok[i] && j < nin; j++) {
            const double x = e.in[j];
            const double h = tb_step(x, o.kink[j], o.sing[j]);
            ts_elem ep = e, em = e;
            ts_ref rp, rm;
            ep.in[j] = x + h;
            em.in[j] = x - h;
            tl_ref(k, &ep, &rp);
            tl_ref(k, &em, &rm);
            const double fd = (rp.value - rm.value) / (ep.in[j] - em.in[j]);
            const double gtol =
                1e-3 * fabs(fd) + 1e-6 * o.gmag[j] + 1e-14 * (o.mag + fabs(o.value)) / h;
            const double gerr = fabs((double)on.grad[j][i] - fd);
            fdv[j][i] = fd;
            fdt[j][i] = gtol;
            c.what = "(b) NONE gradient vs finite differences";
            if (!(gerr <= gtol))
                tb_fail(&c,
                        "%s i=%zu x=%.9g y=%.9g cyc=%.9g,%.9g: got %.9g want %.9g (h %.3g, err "
                        "%.3g > tol %.3g)",
                        I->grad[j], i, x, e.tgt[0], e.cyc[0], e.cyc[1], (double)on.grad[j][i], fd,
                        h, gerr, gtol);
            else if (gtol > 0)
                tb_note(S_GRAD, gerr / gtol);
        }
        if (cg) tb_cyc_fd(k, &d, i, &o, &v, &on, &c);
    }
    /* shared cyclic values: the gradient of value j is the sum over its elements */
    if (cg && cl < n && cyc_fd_all) {
        for (int red = 0; red < 2; red++) {
            const float *g = red == 0 ? on.gcyc : om.gcyc;
            const double scale = red == 0 ? 1.0 : 1.0 / (double)n;
            c.what = red == 0
                         ? "(b) NONE cyclic gradient (shared values) vs finite differences"
                         : "(c) MEAN cyclic gradient (shared values) vs finite differences / n";
            for (size_t j = 0; j < cl; j++) {
                const double want = v.fd[j] * scale;
                const double gtol = (1e-3 * fabs(v.fd[j]) + 1e-5 * v.abs[j] + v.mag[j]) * scale +
                                    1.2e-7 * fabs(want);
                const double gerr = fabs((double)g[j] - want);
                if (!(gerr <= gtol))
                    tb_fail(&c, "j=%zu: got %.9g want %.9g (err %.3g > tol %.3g)", j, (double)g[j],
                            want, gerr, gtol);
                else if (gtol > 0)
                    tb_note(S_GVAR, gerr / gtol);
            }
        }
    }

    /* (c) reductions of the library's own elementwise values */
    double *ld = malloc((n + 1) * sizeof(double));
    ck_assert_ptr_nonnull(ld);
    for (size_t i = 0; i < n; i++) ld[i] = on.loss[i];
    const double exact = tl_fsum(ld, n);
    free(ld);
    c.what = "(c) SUM vs exact sum of NONE";
    {
        const float want = (float)exact;
        const uint64_t u = tl_ulps(os.red, want);
        if (u > 1)
            tb_fail(&c, "got %.9g (0x%08x) want %.9g (0x%08x), %llu ulps", (double)os.red,
                    (unsigned)tl_bits(os.red), (double)want, (unsigned)tl_bits(want),
                    (unsigned long long)u);
        else
            tb_note(S_SUM, (double)u);
    }
    c.what = "(c) MEAN vs exact sum of NONE / n";
    if (n == 0) {
        if (!isnan(om.red)) tb_fail(&c, "n = 0: got %.9g, want NaN", (double)om.red);
        if (os.red != 0.0f) tb_fail(&c, "n = 0: SUM got %.9g, want 0", (double)os.red);
    } else {
        const float want = (float)(exact / (double)n);
        const uint64_t u = tl_ulps(om.red, want);
        if (u > 1)
            tb_fail(&c, "got %.9g (0x%08x) want %.9g (0x%08x), %llu ulps", (double)om.red,
                    (unsigned)tl_bits(om.red), (double)want, (unsigned)tl_bits(want),
                    (unsigned long long)u);
        else
            tb_note(S_MEAN, (double)u);
    }
    c.what = "(c) SUM gradient == NONE gradient bitwise";
    for (int j = 0; j < nin; j++)
        for (size_t i = 0; i < n; i++)
            if (tl_bits(os.grad[j][i]) != tl_bits(on.grad[j][i]))
                tb_fail(&c, "%s i=%zu: SUM 0x%08x (%.9g) NONE 0x%08x (%.9g)", I->grad[j], i,
                        (unsigned)tl_bits(os.grad[j][i]), (double)os.grad[j][i],
                        (unsigned)tl_bits(on.grad[j][i]), (double)on.grad[j][i]);
    if (cg) {
        c.what = "(c) SUM cyclic gradient == NONE cyclic gradient bitwise";
        for (size_t j = 0; j < cl && n > 0; j++)
            if (tl_bits(os.gcyc[j]) != tl_bits(on.gcyc[j]))
                tb_fail(&c, "j=%zu: SUM 0x%08x (%.9g) NONE 0x%08x (%.9g)", j,
                        (unsigned)tl_bits(os.gcyc[j]), (double)os.gcyc[j],
                        (unsigned)tl_bits(on.gcyc[j]), (double)on.gcyc[j]);
    }
    if (n > 0) {
        const double gsc = (double)(float)(1.0 / (double)n);
        c.what = "(c) MEAN gradient vs finite differences / n";
        for (int j = 0; j < nin; j++)
            for (size_t i = 0; i < n; i++) {
                if (fdt[j][i] < 0) continue;
                /* the factor (float)(1/n) (times a loss's constant) is at most 0.5 ulp off */
                const double want = fdv[j][i] / (double)n,
                             gtol = (fdt[j][i] + 1.2e-7 * fabs(fdv[j][i])) / (double)n;
                const double gerr = fabs((double)om.grad[j][i] - want);
                if (!(gerr <= gtol))
                    tb_fail(&c, "%s i=%zu x=%.9g: got %.9g want %.9g (err %.3g > tol %.3g)",
                            I->grad[j], i, (double)d.in[j][i], (double)om.grad[j][i], want, gerr,
                            gtol);
            }
        /* 1 ulp where the factor can be applied last; the spec says how many
         * more the loss's operation order allows */
        const uint64_t maxu = (uint64_t)ts_specs[k]->mean_grad_ulps;
        c.what = "(c) MEAN gradient vs NONE gradient * (float)(1/n)";
        for (int j = 0; j < nin; j++)
            for (size_t i = 0; i < n; i++) {
                const float want = (float)((double)on.grad[j][i] * gsc);
                const uint64_t u = tl_ulps(om.grad[j][i], want);
                if (u > maxu)
                    tb_fail(&c,
                            "%s i=%zu: MEAN %.9g (0x%08x) want %.9g (0x%08x) = %.9g * %.9g, %llu "
                            "ulps",
                            I->grad[j], i, (double)om.grad[j][i], (unsigned)tl_bits(om.grad[j][i]),
                            (double)want, (unsigned)tl_bits(want), (double)on.grad[j][i], gsc,
                            (unsigned long long)u);
                else
                    tb_note(S_MEANG, (double)u);
            }
        if (cg && cl == n) {
            c.what = "(c) MEAN cyclic gradient vs NONE cyclic gradient * (float)(1/n)";
            for (size_t j = 0; j < cl; j++) {
                const float want = (float)((double)on.gcyc[j] * gsc);
                const uint64_t u = tl_ulps(om.gcyc[j], want);
                if (u > 1)
                    tb_fail(&c, "j=%zu: MEAN %.9g want %.9g, %llu ulps", j, (double)om.gcyc[j],
                            (double)want, (unsigned long long)u);
                else
                    tb_note(S_MEANG, (double)u);
            }
        }
    }

    /* (d) NaN in -> NaN out: NaN inputs and a NaN target give NaN loss and
     * gradients for their elements and leave the others unchanged (except
     * where the prescan's decision depends on every target, as hinge's) */
    if (n == 7) {
        tl_data d2 = d;
        const size_t nan_at[3] = {2, 4, 5}; /* input 0, target 0, input 1 */
        for (int j = 0; j < nin; j++) {
            d2.in[j] = tb_alloc(n);
            memcpy(d2.in[j], d.in[j], n * sizeof(float));
        }
        d2.tgt[0] = tb_alloc(n);
        memcpy(d2.tgt[0], d.tgt[0], n * sizeof(float));
        d2.in[0][nan_at[0]] = NAN;
        d2.tgt[0][nan_at[1]] = NAN;
        if (nin > 1) d2.in[1][nan_at[2]] = NAN;
        d2.flags = tl_data_flags(k, &d2);
        tb_out o2;
        tb_out_alloc(&o2, n, cl, nin);
        rc = tb_call(k, &d2, SIMDLOSS_NONE, &o2, cg);
        c.what = "(d) NaN input/target";
        const int want_rc = I->has_domain ? SIMDLOSS_EDOMAIN : SIMDLOSS_OK;
        if (rc != want_rc) tb_fail(&c, "rc = %d, want %d (%s)", rc, want_rc, simdloss_last_error());
        const int others = d2.flags == d.flags;
        for (size_t i = 0; i < n; i++) {
            const int is_nan = i == nan_at[0] || i == nan_at[1] || (nin > 1 && i == nan_at[2]);
            for (int j = 0; j < nin; j++) {
                if (is_nan) {
                    if (!isnan(o2.loss[i]) || !isnan(o2.grad[j][i]))
                        tb_fail(&c, "i=%zu (a NaN element): loss %.9g %s %.9g, want NaN and NaN", i,
                                (double)o2.loss[i], I->grad[j], (double)o2.grad[j][i]);
                } else if (others && (tl_bits(o2.loss[i]) != tl_bits(on.loss[i]) ||
                                      tl_bits(o2.grad[j][i]) != tl_bits(on.grad[j][i]))) {
                    tb_fail(&c,
                            "i=%zu: loss %.9g %s %.9g changed from %.9g %.9g by a NaN elsewhere", i,
                            (double)o2.loss[i], I->grad[j], (double)o2.grad[j][i],
                            (double)on.loss[i], (double)on.grad[j][i]);
                }
            }
        }
        tb_out_free(&o2);
        for (int j = 0; j < nin; j++) free(d2.in[j]);
        free(d2.tgt[0]);
    }

    free(v.fd), free(v.abs), free(v.mag);
    for (int j = 0; j < nin; j++) free(fdv[j]), free(fdt[j]);
    tb_out_free(&on), tb_out_free(&os), tb_out_free(&om);
    free(fd_ok);
    tl_data_free(&d);
    ck_assert_msg(c.fails == 0, "%ld failures; first: %s", c.fails, c.first);
}

static size_t tb_round_up(size_t n, size_t m) { return m ? (n + m - 1) / m * m : n; }

/* _i: loss _i / tl_ntables() on table _i % tl_ntables(), every branch, every size */
START_TEST(reference)
{
#ifdef TL_EMULATED /* qemu: the block edges and a multi-block size suffice */
    static const size_t big[] = {1023, 1024, 1025, 4097, 4097};
#else
    static const size_t big[] = {1023, 1024, 1025, 4097, 100003};
#endif
    const int k = _i / tl_ntables();
    if (!tl_use_table(_i % tl_ntables())) return;
    const ts_spec *sp = ts_specs[k];
    const int stats = getenv("TB_STATS") != NULL;
    ck_assert_msg(sp->nbranches > 0, "no branches for %s", tl_losses[k].info->name);
    for (size_t bi = 0; bi < sp->nbranches; bi++) {
        const ts_branch *b = &sp->branches[bi];
        const size_t m = tl_branch_multiple(k, b);
        memset(tb_stat, 0, sizeof tb_stat);
        size_t last = (size_t)-1;
        for (size_t s = 0; s < 68 + 5; s++) {
            const size_t n0 = s < 68 ? s : big[s - 68];
            const size_t n = tb_round_up(n0, m);
            if (n == last) continue;
            last = n;
            tb_run_case(k, b, n, n > 5000);
        }
        if (stats) {
            printf("stats [%s] %-16s %-36s", tl_table(), tl_losses[k].info->name, b->label);
            for (int s = 0; s < S_N; s++) printf(" %s=%.3g", tb_stat_names[s], tb_stat[s]);
            printf("\n");
            fflush(stdout);
        }
    }
}
END_TEST

/* The references themselves, on values their sources print. */
START_TEST(reference_self_check)
{
    int points = 0;
    for (int k = 0; k < TL_NLOSSES; k++) {
        const ts_spec *sp = ts_specs[k];
        for (size_t p = 0; p < sp->npoints; p++) {
            const ts_point *pt = &sp->points[p];
            ts_elem e;
            ts_ref r;
            memset(&e, 0, sizeof e);
            e.in[0] = pt->in0;
            e.tgt[0] = pt->tgt0;
            for (int j = 0; j < SL_MAX_CYC; j++) e.cyc[j] = 1.0;
            e.cyc[0] = pt->cyc0;
            for (int j = 0; j < SL_MAX_PF; j++) e.pf[j] = pt->pf[j];
            for (int j = 0; j < SL_MAX_PI; j++) e.pi[j] = pt->pi[j];
            e.flags = pt->flags;
            tl_ref(k, &e, &r);
            ck_assert_msg(fabs(r.value - pt->want) <= pt->tol,
                          "%s reference at (%.9g, %.9g): %.12g, want %.12g within %g",
                          tl_losses[k].info->name, pt->in0, pt->tgt0, r.value, pt->want, pt->tol);
            points++;
        }
    }
    ck_assert_int_gt(points, 0);
    const double v[4] = {1e8, 1.0, -1e8, (double)1e-3f};
    ck_assert(tl_fsum(v, 4) == 1.0 + (double)1e-3f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reference");
    TCase *tc = tcase_create("reference-self");
    tcase_add_test(tc, reference_self_check);
    suite_add_tcase(s, tc);
    TCase *t = tcase_create("losses");
    tcase_add_loop_test(t, reference, 0, tl_ntables() * TL_NLOSSES);
    suite_add_tcase(s, t);
    return tl_main(s);
}
