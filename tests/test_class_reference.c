/*
 * Every class-dimension loss, every parameter branch, every runnable ISA,
 * against the independent double-precision reference of class_reference.c
 * (written from docs/semantics.md, "Class-dimension losses"):
 *   (a) NONE per-position loss vs the reference:
 *         |got - ref| <= 1e-5 |ref| + 1e-6 mag + 1e-37
 *       (mag: magnitude of the formula's terms, class_reference.h);
 *   (b) the NONE gradient vs the reference gradient,
 *         |got - ref| <= 1e-5 |ref| + 1e-6 gmag + 1e-37 (0 where gmag is 0),
 *       and vs central finite differences of the reference loss (step below
 *       the distance to kinks and singularities); the reference gradient
 *       itself is checked against the same finite differences in double,
 *         |ref - fd| <= 1e-6 |fd| + (1e-7 + h^2) gmag + 1e-14 (mag + |loss|) / h;
 *   (c) SUM and MEAN vs the reference sum (divided by the sum of w[y] over
 *       non-ignored positions for cross_entropy/nll, by the number of
 *       positions otherwise; NaN when that is 0), |got - ref| <= 1e-5 |ref| +
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
 * classes = 1000 runs at batch 3 and 17 only.
 * CR_STATS=1 in the environment prints, per branch, the largest observed
 * error / tolerance ratio of each check.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_reference.h"
#include "harness.h"

/* ---- branches ---------------------------------------------------------------- */
enum { T_DEFAULT = 0, T_SOFT };

typedef struct {
    int kind;
    const char *label;
    int weight;          /* random per-class weights */
    int64_t ignore;      /* ignore_index */
    double ignore_frac;  /* fraction of targets set to ignore_index (if a valid choice) */
    float ls;            /* label_smoothing */
    int p;               /* multi_margin */
    float margin;        /* multi_margin */
    int alpha_per_class; /* categorical_focal: alpha_len == classes */
    float alpha, gamma;  /* categorical_focal (alpha: the scalar value) */
    int tmode;           /* T_SOFT: soft targets (Keras, multilabel_soft) */
} cb_branch;

/* clang-format off */
static const cb_branch cb_branches[] = {
    {CR_CE, "plain", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "weight", 1, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "ignore_index=-100 (20% ignored)", 0, -100, 0.2, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "weight ignore_index=1 (a real class)", 1, 1, 0.15, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "ls=0.1", 0, -100, 0, 0.1f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "weight ls=0.2 ignore_index=0", 1, 0, 0.1, 0.2f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "ls=1", 0, -100, 0, 1.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE, "weight ls=1 ignore_index=-7 (10%)", 1, -7, 0.1, 1.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE_PROBS, "plain", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE_PROBS, "weight", 1, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE_PROBS, "ls=0.3", 0, -100, 0, 0.3f, 1, 1, 0, 0, 0, 0},
    {CR_CE_PROBS, "weight ls=0.3", 1, -100, 0, 0.3f, 1, 1, 0, 0, 0, 0},
    {CR_CE_PROBS, "weight ls=1", 1, -100, 0, 1.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE_BF16, "plain", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CE_BF16, "weight ls=0.2 ignore_index=-100 (20%)", 1, -100, 0.2, 0.2f, 1, 1, 0, 0, 0, 0},
    {CR_CE_BF16, "ignore_index=2 (a real class) ls=0.05", 0, 2, 0.1, 0.05f, 1, 1, 0, 0, 0, 0},
    {CR_NLL, "plain", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_NLL, "weight", 1, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_NLL, "weight ignore_index=2 (a real class)", 1, 2, 0.15, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_NLL, "ignore_index=-100 (20% ignored)", 0, -100, 0.2, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_CCE, "ls=0", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_DEFAULT},
    {CR_CCE, "ls=0.1", 0, -100, 0, 0.1f, 1, 1, 0, 0, 0, T_DEFAULT},
    {CR_CCE, "soft targets ls=0", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_SOFT},
    {CR_CCE, "soft targets ls=0.5", 0, -100, 0, 0.5f, 1, 1, 0, 0, 0, T_SOFT},
    {CR_CHINGE, "one-hot targets", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_DEFAULT},
    {CR_CHINGE, "soft targets", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_SOFT},
    {CR_CFOCAL, "alpha=0.25 gamma=2", 0, -100, 0, 0.0f, 1, 1, 0, 0.25f, 2.0f, T_DEFAULT},
    {CR_CFOCAL, "alpha per class gamma=1.5 ls=0.2", 0, -100, 0, 0.2f, 1, 1, 1, 0, 1.5f, T_DEFAULT},
    {CR_CFOCAL, "alpha=1 gamma=0", 0, -100, 0, 0.0f, 1, 1, 0, 1.0f, 0.0f, T_DEFAULT},
    {CR_CFOCAL, "alpha=0.25 gamma=0.5 ls=0.1 soft", 0, -100, 0, 0.1f, 1, 1, 0, 0.25f, 0.5f, T_SOFT},
    {CR_CFOCAL, "alpha per class gamma=3 soft", 0, -100, 0, 0.0f, 1, 1, 1, 0, 3.0f, T_SOFT},
    {CR_CFOCAL, "alpha=0.5 gamma=1 ls=1", 0, -100, 0, 1.0f, 1, 1, 0, 0.5f, 1.0f, T_DEFAULT},
    {CR_MMARGIN, "p=1 margin=1", 0, -100, 0, 0.0f, 1, 1.0f, 0, 0, 0, 0},
    {CR_MMARGIN, "p=2 margin=0.5 weight", 1, -100, 0, 0.0f, 2, 0.5f, 0, 0, 0, 0},
    {CR_MMARGIN, "p=1 margin=0 weight", 1, -100, 0, 0.0f, 1, 0.0f, 0, 0, 0, 0},
    {CR_MMARGIN, "p=2 margin=1", 0, -100, 0, 0.0f, 2, 1.0f, 0, 0, 0, 0},
    {CR_MMARGIN, "p=1 margin=2.5 weight", 1, -100, 0, 0.0f, 1, 2.5f, 0, 0, 0, 0},
    {CR_MLMARGIN, "plain", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, 0},
    {CR_MLSOFT, "binary targets", 0, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_DEFAULT},
    {CR_MLSOFT, "weight soft targets", 1, -100, 0, 0.0f, 1, 1, 0, 0, 0, T_SOFT},
};
/* clang-format on */
#define CB_NBRANCHES (sizeof cb_branches / sizeof cb_branches[0])

/* ---- failures and statistics ------------------------------------------------------ */
#define CB_MAX_PRINT 12
typedef struct {
    const cb_branch *b;
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
             cr_infos[c->b->kind].name, c->b->label, c->B, c->C, c->I, c->what);
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
static double N(uint64_t *s) { return tl_rand_normal(s); }
static double LU(uint64_t *s, double lo, double hi) { return exp(U(s, log(lo), log(hi))); }
static int coin(uint64_t *s, double p) { return tl_rand_unit(s) < p; }
static size_t R(uint64_t *s, size_t n) { return n ? (size_t)(tl_rand_u64(s) % n) : 0; }
/* on the 2^-10 grid: sums and differences are exact in float */
static double Q(double v) { return nearbyint(v * 1024.0) / 1024.0; }

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

/* logits of one position for the softmax kinds */
static void cb_gen_logits(uint64_t *s, double *v, size_t C)
{
    const double u = tl_rand_unit(s);
    if (u < 0.55) {
        static const double sc[] = {0.5, 2.0, 5.0};
        const double k = sc[R(s, 3)];
        for (size_t c = 0; c < C; c++) v[c] = k * N(s);
    } else if (u < 0.7) { /* +-50 scale, with the extremes */
        for (size_t c = 0; c < C; c++) v[c] = U(s, -50, 50);
        if (C > 1) v[R(s, C)] = 50.0, v[R(s, C)] = -50.0;
    } else if (u < 0.8) { /* constant rows */
        static const double k[] = {0.0, 7.25, -30.0, 50.0, 1e4};
        const double k0 = k[R(s, 5)];
        for (size_t c = 0; c < C; c++) v[c] = k0;
    } else if (u < 0.9) { /* one dominant class: p ~ 1 */
        for (size_t c = 0; c < C; c++) v[c] = N(s);
        v[R(s, C)] = U(s, 20, 45);
    } else { /* large common offset: exp(x) overflows without the max shift */
        const double off = coin(s, 0.5) ? 3000.0 : -3000.0;
        for (size_t c = 0; c < C; c++) v[c] = off + 2.0 * N(s);
    }
}

/* probabilities for the Keras kinds (nonnegative; not necessarily normalised) */
static void cb_gen_probs(uint64_t *s, double *v, size_t C)
{
    const double u = tl_rand_unit(s);
    if (u < 0.4) {
        for (size_t c = 0; c < C; c++) v[c] = U(s, 0.0, 1.0);
    } else if (u < 0.6) { /* normalised */
        double S = 0;
        for (size_t c = 0; c < C; c++) S += (v[c] = U(s, 0.0, 1.0));
        for (size_t c = 0; c < C; c++) v[c] /= S;
    } else if (u < 0.75) { /* some exact zeros and tiny values */
        for (size_t c = 0; c < C; c++)
            v[c] = coin(s, 0.3) ? 0.0 : (coin(s, 0.5) ? LU(s, 1e-6, 1e-2) : U(s, 0, 1));
    } else if (u < 0.85) { /* a one-hot prediction */
        for (size_t c = 0; c < C; c++) v[c] = 0.0;
        v[R(s, C)] = 1.0;
    } else { /* a peaked row */
        for (size_t c = 0; c < C; c++) v[c] = LU(s, 1e-5, 1e-2);
        v[R(s, C)] = U(s, 0.5, 1.0);
    }
    if (coin(s, 0.3)) { /* rows need not sum to 1 */
        static const double sc[] = {0.5, 2.0, 10.0, 0.01};
        const double k = sc[R(s, 4)];
        for (size_t c = 0; c < C; c++) v[c] *= k;
    }
    double S = 0;
    for (size_t c = 0; c < C; c++) S += v[c];
    if (!(S > 0)) v[R(s, C)] = 1.0;
}

/* one-hot (or soft, normalised) targets */
static void cb_gen_onehot(uint64_t *s, double *t, size_t C, int soft)
{
    for (size_t c = 0; c < C; c++) t[c] = 0.0;
    if (!soft) {
        t[R(s, C)] = 1.0;
        return;
    }
    double S = 0;
    for (size_t c = 0; c < C; c++) S += (t[c] = coin(s, 0.5) ? U(s, 0, 1) : 0.0);
    if (S == 0) {
        t[R(s, C)] = 1.0;
        return;
    }
    for (size_t c = 0; c < C; c++) t[c] /= S;
}

static float *cb_falloc(size_t n)
{
    float *p = malloc((n + 1) * sizeof(float));
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i <= n; i++) p[i] = NAN;
    return p;
}

static uint64_t cb_seed(const cb_branch *b, size_t B, size_t C, size_t I)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)b->kind;
    for (const char *p = b->label; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    h ^= B * 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull;
    h ^= C * 0x94d049bb133111ebull + I;
    return h;
}

static void cb_make(const cb_branch *b, size_t B, size_t C, size_t I, cb_data *d)
{
    const int k = b->kind;
    uint64_t s = cb_seed(b, B, C, I);
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
    d->prm = cr_default_params();
    for (size_t c = 0; c < C; c++) d->w[c] = (float)U(&s, 0.1, 3.0);
    for (size_t c = 0; c < C; c++) d->alpha[c] = (float)U(&s, 0.05, 1.0);
    d->prm.weight = b->weight ? d->w : NULL;
    d->prm.ignore_index = b->ignore;
    d->prm.label_smoothing = b->ls;
    d->prm.p = b->p;
    d->prm.margin = b->margin;
    if (k == CR_CFOCAL) {
        if (b->alpha_per_class) {
            d->prm.alpha = d->alpha;
            d->prm.alpha_len = C;
        } else {
            d->alpha[0] = b->alpha;
            d->prm.alpha = d->alpha;
            d->prm.alpha_len = 1;
        }
        d->prm.gamma = b->gamma;
    }
    for (size_t pos = 0; pos < d->npos; pos++) {
        int64_t y = (int64_t)R(&s, C);
        for (size_t c = 0; c < C; c++) t[c] = 0;
        switch (k) {
        case CR_CE:
        case CR_CE_BF16:
        case CR_CE_PROBS: cb_gen_logits(&s, v, C); break;
        case CR_NLL:
            if (coin(&s, 0.6)) { /* log-probabilities */
                cb_gen_logits(&s, v, C);
                double m = -INFINITY, S = 0;
                for (size_t c = 0; c < C; c++) m = fmax(m, v[c]);
                for (size_t c = 0; c < C; c++) S += exp(v[c] - m);
                for (size_t c = 0; c < C; c++) v[c] -= m + log(S);
            } else { /* arbitrary scores */
                for (size_t c = 0; c < C; c++) v[c] = coin(&s, 0.8) ? 3.0 * N(&s) : U(&s, -50, 50);
            }
            break;
        case CR_CCE:
        case CR_CFOCAL:
            cb_gen_probs(&s, v, C);
            cb_gen_onehot(&s, t, C, b->tmode == T_SOFT && coin(&s, 0.7));
            break;
        case CR_CHINGE: {
            for (size_t c = 0; c < C; c++) v[c] = Q(U(&s, -2, 2));
            if (b->tmode == T_SOFT && coin(&s, 0.8)) { /* a few entries on a 1/8 grid */
                const size_t nz = 1 + R(&s, C < 3 ? C : 3);
                for (size_t j = 0; j < nz; j++) t[R(&s, C)] = (double)(1 + R(&s, 8)) / 8.0;
            } else {
                t[y] = 1.0;
            }
            const double u = tl_rand_unit(&s);
            if (u < 0.15 && C > 2) { /* a tie in the maximum */
                size_t a = 0;
                for (size_t c = 1; c < C; c++)
                    if ((1 - t[c]) * v[c] > (1 - t[a]) * v[a]) a = c;
                const size_t o = R(&s, C);
                if (t[o] == 0.0 && t[a] == 0.0) v[o] = v[a];
            } else if (u < 0.3) { /* z = neg - pos + 1 exactly 0 (one-hot) */
                double neg = -INFINITY;
                int onehot = 1;
                for (size_t c = 0; c < C; c++) {
                    neg = fmax(neg, (1 - t[c]) * v[c]);
                    if (t[c] != 0.0 && t[c] != 1.0) onehot = 0;
                }
                if (onehot && t[y] == 1.0) v[y] = neg + 1.0;
            }
            break;
        }
        case CR_MMARGIN: {
            for (size_t c = 0; c < C; c++) v[c] = Q(coin(&s, 0.9) ? U(&s, -2, 2) : U(&s, -6, 6));
            if (coin(&s, 0.2) && C > 1) { /* exact kink z = 0 */
                const size_t j = R(&s, C);
                if (j != (size_t)y) v[j] = v[y] - (double)b->margin;
            }
            break;
        }
        case CR_MLMARGIN: {
            for (size_t c = 0; c < C; c++) v[c] = Q(U(&s, -1.5, 1.5));
            int64_t *row = d->ti + pos * C;
            const double u = tl_rand_unit(&s);
            size_t nl;
            if (u < 0.1)
                nl = 0; /* leading -1 */
            else if (u < 0.15)
                nl = C; /* every class: no terminator */
            else
                nl = 1 + R(&s, C < 8 ? C : 8);
            unsigned char *used = calloc(C + 1, 1);
            ck_assert_ptr_nonnull(used);
            for (size_t a = 0; a < nl; a++) {
                if (nl == C) {
                    row[a] = (int64_t)a;
                    continue;
                }
                size_t c;
                do c = R(&s, C);
                while (used[c] && coin(&s, 0.9)); /* an occasional duplicate */
                used[c] = 1;
                row[a] = (int64_t)c;
            }
            free(used);
            if (nl < C) row[nl] = -1;
            for (size_t a = nl + 1; a < C; a++) row[a] = (int64_t)R(&s, C + 1) - 1;
            if (nl > 0 && nl < C && coin(&s, 0.3)) { /* exact kink x_j - x_k = 1 */
                const size_t j = (size_t)row[0];
                size_t kk = R(&s, C);
                int lab = 0;
                for (size_t a = 0; a < nl; a++) lab |= row[a] == (int64_t)kk;
                if (!lab) v[kk] = v[j] - 1.0;
            }
            break;
        }
        case CR_MLSOFT:
            for (size_t c = 0; c < C; c++) {
                v[c] = coin(&s, 0.85) ? 3.0 * N(&s) : U(&s, -50, 50);
                t[c] = b->tmode == T_SOFT ? (coin(&s, 0.5) ? U(&s, 0, 1) : (double)coin(&s, 0.5))
                                          : (double)coin(&s, 0.5);
            }
            break;
        default: break;
        }
        if (k == CR_CE_PROBS) { /* soft targets; some one-hot, unnormalised, negative */
            const double u = tl_rand_unit(&s);
            if (u < 0.3) {
                t[y] = 1.0;
            } else {
                double S = 0;
                for (size_t c = 0; c < C; c++) S += (t[c] = U(&s, 0, 1));
                for (size_t c = 0; c < C; c++) t[c] /= S;
                if (u > 0.85)
                    for (size_t c = 0; c < C; c++) t[c] = t[c] * 3.0 - (coin(&s, 0.2) ? 0.5 : 0.0);
            }
        }
        if ((k == CR_CE || k == CR_CE_BF16 || k == CR_NLL) && b->ignore_frac > 0 &&
            coin(&s, b->ignore_frac))
            y = b->ignore;
        if (cr_infos[k].target == CR_T_INDEX) d->ti[pos] = y;
        for (size_t c = 0; c < C; c++) {
            const size_t at = cb_at(d, pos, c);
            d->x[at] = (float)v[c];
            d->tf[at] = (float)t[c];
            if (k == CR_CE_BF16) {
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

/* the float32 path (bf16: cross_entropy_f32 on the widened logits) */
static int cb_call(const cb_branch *b, const cb_data *d, simdloss_reduction red, float *loss,
                   float *grad)
{
    const int k = b->kind == CR_CE_BF16 ? CR_CE : b->kind;
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
    if (cr_infos[kind].target == CR_T_INDEX) {
        const int64_t y = d->ti[pos];
        if (y >= 0 && (size_t)y < C) out[n++] = (size_t)y;
    } else if (cr_infos[kind].target == CR_T_MULTILABEL) {
        for (size_t a = 0; a < 8 && d->ti[pos * C + a] >= 0; a++)
            out[n++] = (size_t)d->ti[pos * C + a];
    } else {
        for (size_t c = 0; c < C && n < 12; c++)
            if (d->tf[cb_at(d, pos, c)] != 0.0f) out[n++] = c;
    }
    for (int j = 0; j < 16; j++) out[n++] = R(s, C);
    return n;
}

static void cb_run_case(const cb_branch *b, size_t B, size_t C, size_t I)
{
    const int k = b->kind;
    cb_data d;
    cb_make(b, B, C, I, &d);
    cb_ctx c = {b, B, C, I, "", 0, ""};
    const size_t nel = d.nel, npos = d.npos;

    float *ln = cb_falloc(npos), *gn = cb_falloc(nel), *gs = cb_falloc(nel), *gm = cb_falloc(nel);
    float sum = NAN, mean = NAN;
    int rc = cb_call(b, &d, SIMDLOSS_NONE, ln, gn);
    c.what = "NONE";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = cb_call(b, &d, SIMDLOSS_SUM, &sum, gs);
    c.what = "SUM";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());
    rc = cb_call(b, &d, SIMDLOSS_MEAN, &mean, gm);
    c.what = "MEAN";
    if (rc != SIMDLOSS_OK) cb_fail(&c, "rc = %d (%s)", rc, simdloss_last_error());

    /* (d) bf16: bits against the float32 function on the widened logits */
    if (k == CR_CE_BF16) {
        float *lb = cb_falloc(npos);
        uint16_t *gb = malloc((nel + 1) * sizeof *gb);
        ck_assert_ptr_nonnull(gb);
        for (int r = 0; r < 3; r++) {
            const float *lf = r == SIMDLOSS_NONE ? ln : (r == SIMDLOSS_SUM ? &sum : &mean);
            const float *gf = r == SIMDLOSS_NONE ? gn : (r == SIMDLOSS_SUM ? gs : gm);
            static const char *const rn[3] = {"NONE", "MEAN", "SUM"};
            c.what = rn[r];
            memset(gb, 0xA5, (nel + 1) * sizeof *gb);
            rc = cr_call(CR_CE_BF16, B, C, I, d.xb, d.ti, NULL, &d.prm, (simdloss_reduction)r, lb,
                         gb);
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
    const int tfloat = cr_infos[k].target == CR_T_FLOAT;
    double *x = malloc((C + 1) * sizeof *x), *t = malloc((C + 1) * sizeof *t);
    double *rg = malloc((C + 1) * sizeof *rg), *gmg = malloc((C + 1) * sizeof *gmg);
    double *kink = malloc((C + 1) * sizeof *kink), *sing = malloc((C + 1) * sizeof *sing);
    double *vals = malloc((npos + 1) * sizeof *vals), *divs = malloc((npos + 1) * sizeof *divs);
    double *lnd = malloc((npos + 1) * sizeof *lnd);
    double *rgall = malloc((nel + 1) * sizeof *rgall), *gmall = malloc((nel + 1) * sizeof *gmall);
    size_t *pick = malloc((C + 64) * sizeof *pick);
    ck_assert(x && t && rg && gmg && kink && sing && vals && divs && lnd && rgall && gmall && pick);
    double magsum = 0;
    uint64_t fs = cb_seed(b, B, C, I) ^ 0x5555;
    for (size_t pos = 0; pos < npos; pos++) {
        for (size_t cc = 0; cc < C; cc++) {
            x[cc] = d.x[cb_at(&d, pos, cc)];
            t[cc] = d.tf[cb_at(&d, pos, cc)];
        }
        const int64_t *ti = cr_infos[k].target == CR_T_MULTILABEL ? d.ti + pos * C : d.ti + pos;
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
    if (rdiv == 0.0) {
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
static const size_t cb_classes[] = {1, 2, 3, 10, 16, 17, 33, 1000};
static const size_t cb_batches[] = {1, 3, 15, 16, 17, 33};
static const size_t cb_inner_classes[] = {1, 3, 10, 17, 33};
static const size_t cb_inner_batches[] = {1, 3, 17};
static const size_t cb_inners[] = {5, 16, 17, 37};
#define CB_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void cb_run_kind(int kind)
{
    const int stats = getenv("CR_STATS") != NULL;
    int found = 0;
    for (size_t bi = 0; bi < CB_NBRANCHES; bi++) {
        const cb_branch *b = &cb_branches[bi];
        if (b->kind != kind) continue;
        found = 1;
        memset(cb_stat, 0, sizeof cb_stat);
        for (size_t ci = 0; ci < CB_LEN(cb_classes); ci++)
            for (size_t bj = 0; bj < CB_LEN(cb_batches); bj++) {
#ifdef TL_EMULATED /* under qemu: the largest rows at two batch sizes only */
                if (cb_classes[ci] >= 1000 && cb_batches[bj] != 3 && cb_batches[bj] != 17) continue;
#endif
                cb_run_case(b, cb_batches[bj], cb_classes[ci], 1);
            }
        if (cr_infos[kind].has_inner)
            for (size_t ci = 0; ci < CB_LEN(cb_inner_classes); ci++)
                for (size_t bj = 0; bj < CB_LEN(cb_inner_batches); bj++)
                    for (size_t ii = 0; ii < CB_LEN(cb_inners); ii++)
                        cb_run_case(b, cb_inner_batches[bj], cb_inner_classes[ci], cb_inners[ii]);
        /* many classes across positions: sums over thousands of classes */
        if (cr_infos[kind].has_inner) cb_run_case(b, 1, 4000, 3);
        if (stats) {
            printf("stats [%s] %-38s %-40s", tl_table(), cr_infos[kind].name, b->label);
            for (int s = 0; s < S_N; s++) printf(" %s=%.3g", cb_stat_names[s], cb_stat[s]);
            printf("\n");
            fflush(stdout);
        }
    }
    ck_assert_msg(found, "no branches for kind %d", kind);
}

START_TEST(ref_class)
{
    const int kind = _i / tl_ntables();
    if (!tl_use_table(_i % tl_ntables())) return;
    cb_run_kind(kind);
}
END_TEST

/* ---- the reference itself against torch 1.13 / Keras 3 worked examples --------------------- */
static void cb_golden(int kind, size_t B, size_t C, const cr_params *p, const double *x,
                      const double *t, const int64_t *ti, const double *none, double mean,
                      const double *gmean, double tol)
{
    double *g = malloc((B * C + 1) * sizeof *g);
    ck_assert_ptr_nonnull(g);
    double sum = 0, div = 0;
    for (size_t b = 0; b < B; b++) {
        cr_res r;
        const int64_t *tp =
            ti ? (cr_infos[kind].target == CR_T_MULTILABEL ? ti + b * C : ti + b) : NULL;
        cr_eval(kind, C, p, x + b * C, t ? t + b * C : NULL, tp, &r, g + b * C, NULL, NULL, NULL);
        ck_assert_msg(fabs(r.value - none[b]) <= tol * fmax(1.0, fabs(none[b])),
                      "%s row %zu: reference %.9g, want %.9g", cr_infos[kind].name, b, r.value,
                      none[b]);
        sum += r.value;
        div += r.div;
    }
    if (!isnan(mean))
        ck_assert_msg(fabs(sum / div - mean) <= tol * fmax(1.0, fabs(mean)),
                      "%s mean: reference %.9g, want %.9g", cr_infos[kind].name, sum / div, mean);
    if (gmean)
        for (size_t i = 0; i < B * C; i++)
            ck_assert_msg(fabs(g[i] / div - gmean[i]) <= tol * fmax(1e-2, fabs(gmean[i])),
                          "%s grad[%zu]: reference %.9g, want %.9g", cr_infos[kind].name, i,
                          g[i] / div, gmean[i]);
    free(g);
}

START_TEST(ref_self_check)
{
    /* torch / Keras examples of every class-dimension loss (printed float32 values,
     * so 1e-6 relative); the same examples are golden cases (`*_spec_*`) */
    const double X[12] = {1, 2, 0.5, -1, 0, 0, 0, 0, 3, -2, 1, 0.5};
    const int64_t Y[3] = {1, 3, 0};
    const float w4[4] = {0.5f, 2, 1, 3};
    cr_params p = cr_default_params();
    {
        const double none[3] = {0.49518189, 1.3862944, 0.20225349};
        const double g[12] = {0.07473594,   -0.13017999,  0.045329638, 0.010114411,
                              0.083333336,  0.083333336,  0.083333336, -0.25,
                              -0.061037384, 0.0018347159, 0.036851246, 0.02235141};
        cb_golden(CR_CE, 3, 4, &p, X, NULL, Y, none, 0.69457656, g, 2e-6);
    }
    p.weight = w4;
    p.ignore_index = 3;
    p.label_smoothing = 0.2f;
    {
        const double none[3] = {1.5032251, 0, 1.1216338};
        const double g[12] = {0.16264002,  -0.21071577,  0.084711455, -0.036635712, 0, 0, 0, 0,
                              0.066897467, -0.038403798, 0.012060583, -0.040554274};
        cb_golden(CR_CE, 3, 4, &p, X, NULL, Y, none, 1.0499436, g, 2e-6);
    }
    p = cr_default_params();
    p.weight = w4;
    p.label_smoothing = 0.3f;
    {
        const double T[12] = {0.1, 0.60000002, 0.2, 0.1, 0, 0, 0, 1, 0.5, 0.5, 0, 0};
        const double none[3] = {2.5479994, 3.5870368, 5.2380705};
        const double g[12] = {0.10381863, 0.017900098, 0.0059603266, -0.12767908,
                              0.20312499, 0.16562498,  0.19062498,   -0.55937499,
                              0.30016991, -0.28083357, 0.025209824,  -0.044546206};
        cb_golden(CR_CE_PROBS, 3, 4, &p, X, T, NULL, none, 3.7910359, g, 2e-6);
    }
    p = cr_default_params();
    p.weight = w4;
    p.ignore_index = 1;
    {
        const double L[12] = {-1.4951819,  -0.49518189, -1.9951819, -3.4951818,
                              -1.3862944,  -1.3862944,  -1.3862944, -1.3862944,
                              -0.20225349, -5.2022533,  -2.2022536, -2.7022536};
        const double none[3] = {0, 4.1588831, 0.10112675};
        const double g[12] = {0, 0, 0, 0, 0, 0, 0, -0.85714293, -0.14285715, 0, 0, 0};
        cb_golden(CR_NLL, 3, 4, &p, L, NULL, Y, none, 1.2171457, g, 2e-6);
    }
    p = cr_default_params();
    const double T3[9] = {0, 1, 0, 0, 0, 1, 1, 0, 0};
    const double P3[9] = {0.050000001, 0.94999999, 0, 0.1, 0.80000001, 0.1, 0.2, 0.30000001, 0.5};
    {
        const double none[3] = {0.051293306, 2.3025851, 1.6094379};
        const double g[9] = {0.33333334, -0.017543852, 0.33333334, 0.33333334, 0.33333334,
                             -3.0000002, -1.3333334,   0.33333334, 0.33333334};
        cb_golden(CR_CCE, 3, 3, &p, P3, T3, NULL, none, 1.3211055, g, 2e-6);
    }
    p.label_smoothing = 0.1f;
    {
        const double none[3] = {0.68500137, 2.2332704, 1.5653794};
        const double g[9] = {0.099999994, -0.0052631497, 0.32222223, 0.22222222, 0.31944445,
                             -2.7777779,  -1.2222222,    0.2962963,  0.31111112};
        cb_golden(CR_CCE, 3, 3, &p, P3, T3, NULL, none, 1.4945503, g, 2e-6);
    }
    p = cr_default_params();
    {
        const double T[2] = {1, 0}, P[2] = {1, 0}, none[1] = {1.1920929e-07}, g[2] = {0, 0};
        cb_golden(CR_CCE, 1, 2, &p, P, T, NULL, none, NAN, g, 1e-6);
    }
    {
        const double T[9] = {0, 1, 0, 1, 0, 0, 0, 0, 1};
        const double P[9] = {0.30000001, 0.5, 0.89999998, 2, 0.1, 0.40000001, 0.5, -0.5, 0.2};
        const double none[3] = {1.4, 0, 1.3};
        const double g[9] = {0, -0.33333334, 0.33333334, 0, 0, 0, 0.33333334, 0, -0.33333334};
        cb_golden(CR_CHINGE, 3, 3, &p, P, T, NULL, none, 0.89999992, g, 2e-6);
        const double T2[3] = {1, 0, 0}, P2[3] = {0.2, 0.69999999, 0.69999999}, n2[1] = {1.5};
        const double g2[3] = {-1, 0.5, 0.5};
        cb_golden(CR_CHINGE, 1, 3, &p, P2, T2, NULL, n2, 1.5, g2, 2e-6);
        const double T3b[6] = {0, 1, 0, 0, 0, 1},
                     P3b[6] = {-0.5, 0.40000001, -1, -0.2, -0.30000001, 2};
        const double n3[2] = {0.60000002, 0}, g3[6] = {0, -0.5, 0, 0, 0, 0};
        cb_golden(CR_CHINGE, 2, 3, &p, P3b, T3b, NULL, n3, 0.30000001, g3, 2e-6);
    }
    {
        const double none[3] = {3.2058331e-05, 0.46627346, 0.2575101};
        const double g[9] = {0.00061440555, -3.233715e-05, 0.00061440555, 0.10203878, 0.10203878,
                             -0.91834897,   -0.38500673,   0.096251689,   0.096251689};
        cb_golden(CR_CFOCAL, 3, 3, &p, P3, T3, NULL, none, 0.24127187, g, 2e-6);
        const float a5 = 0.5f;
        cr_params q = p;
        q.alpha = &a5;
        q.gamma = 1.5f;
        q.label_smoothing = 0.2f;
        const double n2[3] = {0.6299811, 0.91812336, 0.53070819};
        const double g2[9] = {-0.23773305, 0.012512266, 0.016697267, 0.054834545, 0.18320447,
                              -1.5204703,  -0.64338511, 0.14681239,  0.16926663};
        cb_golden(CR_CFOCAL, 3, 3, &q, P3, T3, NULL, n2, 0.69293755, g2, 2e-6);
    }
    {
        const double Xm[12] = {0.1, 0.2, 0.40000001, 0.80000001, 1,          -1,
                               0.5, 0.5, 0.30000001, 0.30000001, 0.30000001, 0.30000001};
        const int64_t Ym[3] = {3, 0, 2};
        const double none[3] = {0.32499999, 0.25, 0.75};
        const double g[12] = {0.083333336, 0.083333336, 0.083333336, -0.25,
                              -0.16666667, 0,           0.083333336, 0.083333336,
                              0.083333336, 0.083333336, -0.25,       0.083333336};
        cb_golden(CR_MMARGIN, 3, 4, &p, Xm, NULL, Ym, none, 0.44166666, g, 2e-6);
        cr_params q = p;
        q.p = 2;
        q.margin = 0.5f;
        q.weight = w4;
        const double n2[3] = {0.0074999994, 0, 0.1875};
        const double g2[12] = {0, 0, 0.049999997, -0.049999997, 0,     0,
                               0, 0, 0.083333336, 0.083333336,  -0.25, 0.083333336};
        cb_golden(CR_MMARGIN, 3, 4, &q, Xm, NULL, Ym, n2, 0.064999998, g2, 2e-6);
        const double Xk[3] = {1, 0, 0.25}, nk[1] = {0.083333336};
        const double gk[3] = {-0.33333334, 0, 0.33333334};
        const int64_t Yk[1] = {0};
        cb_golden(CR_MMARGIN, 1, 3, &p, Xk, NULL, Yk, nk, 0.083333336, gk, 2e-6);
    }
    {
        const double Xl[12] = {0.1,        0.2, 0.40000001, 0.80000001, 0.5, -0.30000001,
                               0.89999998, 0,   0.2,        0.1,        0,   0.30000001};
        const int64_t Yl[12] = {3, 0, -1, 1, 1, 2, 3, 0, -1, 0, 1, 2};
        const double none[3] = {0.85000002, 0, 0};
        const double g[12] = {-0.16666667, 0.16666667, 0.16666667, -0.16666667, 0, 0,
                              0,           0,          0,          0,           0, 0};
        cb_golden(CR_MLMARGIN, 3, 4, &p, Xl, NULL, Yl, none, 0.28333333, g, 2e-6);
        const int64_t Yd[12] = {3, 3, -1, 0, 0, 1, 2, 3, -1, 1, 2, 3};
        const double nd[3] = {0.64999998, 0, 0};
        const double gd[12] = {0.16666667, 0.16666667, 0.16666667, -0.5, 0, 0, 0, 0, 0, 0, 0, 0};
        cb_golden(CR_MLMARGIN, 3, 4, &p, Xl, NULL, Yd, nd, 0.21666665, gd, 2e-6);
        const double Xk[3] = {1, 0, 0.5}, nk[1] = {0.16666667};
        const int64_t Yk[3] = {0, -1, 0};
        const double gk[3] = {-0.33333334, 0, 0.33333334};
        cb_golden(CR_MLMARGIN, 1, 3, &p, Xk, NULL, Yk, nk, 0.16666667, gk, 2e-6);
    }
    {
        const float w3[3] = {1, 2, 0.5f};
        cr_params q = p;
        q.weight = w3;
        const double Xs[6] = {0.5, -1, 2, -20, 0, 30}, Ts[6] = {1, 0, 1, 0, 1, 0.30000001};
        const double none[2] = {0.38802147, 3.9620981};
        const double g[6] = {-0.062923446,  0.089647144, -0.0099335769,
                             3.4352562e-10, -0.16666667, 0.058333334};
        cb_golden(CR_MLSOFT, 2, 3, &q, Xs, Ts, NULL, none, 2.1750598, g, 2e-6);
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
