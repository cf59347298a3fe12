/*
 * Double-precision reference values of the elementwise losses, from the
 * formulas of /work/shared/SPEC-losses.md (sections 0, 3-6). See reference.h
 * for what mag, gmag, kink and sing mean.
 *
 * Constants that the reference implementations hold in float32 are float32
 * here too: Keras' and ALE's eps = 1e-7 is (double)1e-7f, ALE's 1 + eps and
 * 1 - eps are the float32 roundings 1 + 2^-23 and 1 - 2^-23, and 1 - ls is
 * rounded to float. Everything else is evaluated in double from the float
 * inputs, parameters and aux values.
 */
#include "reference.h"

#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    TR_MSE,
    TR_L1,
    TR_HUBER,
    TR_SMOOTH_L1,
    TR_BCE,
    TR_BCE_WITH_LOGITS,
    TR_ALE,
    TR_BINARY_FOCAL,
    TR_SIGMOID_FOCAL,
    TR_SOFT_MARGIN,
    TR_HINGE_EMBEDDING,
    TR_KL_DIV,
    TR_POISSON_NLL,
    TR_LOG_COSH,
    TR_HINGE,
    TR_SQUARED_HINGE,
    TR_MAPE,
    TR_MSLE,
    TR_POISSON,
    TR_GAUSSIAN_NLL,
    TR_NLOSSES
};

static const char *const tr_names[TR_NLOSSES] = {"mse",
                                                 "l1",
                                                 "huber",
                                                 "smooth_l1",
                                                 "bce",
                                                 "bce_with_logits",
                                                 "ale",
                                                 "binary_focal",
                                                 "sigmoid_focal",
                                                 "soft_margin",
                                                 "hinge_embedding",
                                                 "kl_div",
                                                 "poisson_nll",
                                                 "log_cosh",
                                                 "hinge",
                                                 "squared_hinge",
                                                 "mape",
                                                 "msle",
                                                 "poisson",
                                                 "gaussian_nll"};

int tr_id(const char *name)
{
    for (int k = 0; k < TR_NLOSSES; k++)
        if (strcmp(tr_names[k], name) == 0) return k;
    return -1;
}

/* ---- helpers ------------------------------------------------------------ */
#define TR_LN2 0.69314718055994530942
#define TR_HALF_LOG_2PI 0.91893853320467274178 /* 0.5 log(2 pi) */
#define TR_2PI 6.28318530717958647692

/* Keras/ALE epsilon and the float32 constants around it. */
static double tr_eps7(void) { return (double)1e-7f; }
static double tr_one_plus_eps7(void) { return (double)(float)(1.0 + (double)1e-7f); }
static double tr_one_minus_eps7(void) { return (double)(float)(1.0 - (double)1e-7f); }

static double tr_clip(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* softplus(z) = log(1 + e^z), stable. */
static double tr_softplus(double z) { return (z > 0 ? z : 0.0) + log1p(exp(-fabs(z))); }

/* logistic sigmoid, stable. */
static double tr_sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    const double e = exp(z);
    return e / (1.0 + e);
}

/* q^g with the SPEC's convention q^0 = 1. */
static double tr_pow(double q, double g) { return g == 0.0 ? 1.0 : pow(q, g); }

/* gamma q^(gamma-1): the derivative factor, 0 for gamma = 0. */
static double tr_dpow(double q, double g) { return g == 0.0 ? 0.0 : g * pow(q, g - 1.0); }

/* |gamma (gamma-1)| q^(gamma-2): the sensitivity of tr_dpow to an error in q. */
static double tr_ddpow(double q, double g)
{
    if (g == 0.0 || g == 1.0) return 0.0;
    return fabs(g * (g - 1.0)) * pow(q, g - 2.0);
}

static double tr_min(double a, double b) { return a < b ? a : b; }

/* ---- the losses --------------------------------------------------------- */

/* SPEC 5.3, ALE in float32 arithmetic with eps = 1e-7. */
static void tr_ale(const tr_args *a, double x, double y, tr_out *o)
{
    const double alpha = a->f[0], gamma = a->f[1], ls = a->f[2];
    const double eps = tr_eps7(), ope = tr_one_plus_eps7(), ome = tr_one_minus_eps7();
    const double t = tr_clip(y, ls, (double)(float)(1.0 - ls)); /* 1 - ls in float32 */
    const double p = tr_clip(x, eps, ome);
    const double e = p - t;
    const double ae = tr_clip(fabs(e), 0.0, 1.0);
    const double D = ope - ae;
    const double B = -log(D);
    double W = 1.0;
    if (alpha > 0) W = (y != 1.0) ? alpha : 1.0 - alpha;
    const double ag = tr_pow(ae, gamma);
    o->value = W * B * ag;
    /* B is sensitive to the rounding of a = |p - t| and of D: ~1 ulp / D */
    o->mag = fabs(W) * (ag * (fabs(B) * (1.0 + gamma) + 1.0 / D));
    o->gmag = fabs(W) * (ag / D + tr_dpow(ae, gamma) * fabs(B) + ag / (D * D) +
                         tr_dpow(ae, gamma) / D + tr_ddpow(ae, gamma) * fabs(B));
    if (x < eps) {
        o->kink = eps - x;
        o->sing = INFINITY;
    } else if (x > ome) {
        o->kink = x - ome;
        o->sing = INFINITY;
    } else {
        o->kink = tr_min(tr_min(x - eps, ome - x), fabs(e));
        /* D = 0 at |p - t| = 1 + eps; a^gamma is centred at a = 0 */
        o->sing = tr_min(fabs(fabs(e) - ope), fabs(e));
    }
}

/* SPEC 5.2, Keras 3 BinaryFocalCrossentropy on probabilities. */
static void tr_binary_focal(const tr_args *a, double x, double y, tr_out *o)
{
    const double gamma = a->f[0], alpha = a->f[1], ls = a->f[2];
    const double eps = tr_eps7(), ome = tr_one_minus_eps7();
    const double yp = ls != 0.0 ? y * (1.0 - ls) + 0.5 * ls : y;
    const double oc = tr_clip(x, eps, ome);
    const double lo = log(oc), l1o = log(1.0 - oc);
    const double bce = -(yp * lo + (1.0 - yp) * l1o);
    const double pt = yp * x + (1.0 - yp) * (1.0 - x);
    const double q = 1.0 - pt;
    const double qg = tr_pow(q, gamma);
    double w = 1.0;
    if (alpha >= 0) w = yp * alpha + (1.0 - yp) * (1.0 - alpha);
    o->value = w * qg * bce;
    /* float32 rounds y', 1 - o and q (pt is three roundings): sensitivities */
    o->mag =
        fabs(w) * (qg * (fabs(bce) + fabs(lo) + fabs(l1o) + 1.0) + tr_dpow(q, gamma) * fabs(bce));
    const int inside = x >= eps && x <= ome;
    const double b1 = inside ? (1.0 - yp) / (1.0 - oc) : 0.0, b2 = inside ? yp / oc : 0.0;
    o->gmag = fabs(w) * (tr_dpow(q, gamma) * fabs((1.0 - 2.0 * yp) * bce) + qg * (b1 + b2) +
                         tr_ddpow(q, gamma) * fabs(bce) + tr_dpow(q, gamma) * (b1 + b2 + 1.0));
    if (x < eps)
        o->kink = eps - x;
    else if (x > ome)
        o->kink = x - ome;
    else
        o->kink = tr_min(x - eps, ome - x);
    /* q = 0 at x = y' / (2y' - 1); log o and log(1 - o) at 0 and 1 */
    double s = tr_min(fabs(x), fabs(1.0 - x));
    if (2.0 * yp - 1.0 != 0.0) s = tr_min(s, fabs(x - yp / (2.0 * yp - 1.0)));
    o->sing = s;
}

/* SPEC 5.1, torchvision sigmoid_focal_loss on logits. */
static void tr_sigmoid_focal(const tr_args *a, double x, double y, tr_out *o)
{
    const double alpha = a->f[0], gamma = a->f[1];
    const double p = tr_sigmoid(x), pm = tr_sigmoid(-x); /* pm = 1 - p, exactly */
    const double L = tr_softplus(-x);
    const double ce = (1.0 - y) * x + L;
    /* q = 1 - [p y + (1 - p)(1 - y)] = y (1 - p) + (1 - y) p, without cancellation */
    const double q = y * pm + (1.0 - y) * p;
    const double qg = tr_pow(q, gamma);
    double at = 1.0;
    if (alpha >= 0) at = alpha * y + (1.0 - alpha) * (1.0 - y);
    o->value = at * ce * qg;
    /* float32 rounds p (so 1 - p and q carry ~1e-7 absolute) and (1 - y) x */
    o->mag = fabs(at) * (qg * (fabs((1.0 - y) * x) + fabs(x) + 1.0 + fabs(ce) * (1.0 + gamma)) +
                         tr_dpow(q, gamma) * fabs(ce));
    o->gmag = fabs(at) * (qg * (fabs(p - y) + 1.0) +
                          tr_dpow(q, gamma) * (p * pm * fabs(ce) + fabs(ce) + fabs(x) + 1.0) +
                          tr_ddpow(q, gamma) * p * pm * fabs(ce));
    o->kink = INFINITY;
    o->sing = INFINITY;
}

void tr_eval(const tr_args *a, double x, double y, tr_out *o)
{
    o->kink = INFINITY;
    o->sing = INFINITY;
    switch (a->id) {
    case TR_MSE: { /* SPEC 3.1 */
        const double d = x - y;
        o->value = d * d;
        o->mag = d * d;
        o->gmag = 2.0 * fabs(d);
        break;
    }
    case TR_L1: { /* SPEC 3.2 */
        const double d = x - y;
        o->value = fabs(d);
        o->mag = fabs(d);
        o->gmag = 1.0;
        o->kink = fabs(d);
        break;
    }
    case TR_HUBER: { /* SPEC 3.3 */
        const double delta = a->f[0], z = fabs(x - y);
        if (z < delta) {
            o->value = 0.5 * z * z;
            o->mag = 0.5 * z * z;
        } else {
            o->value = delta * (z - 0.5 * delta);
            o->mag = delta * (z + 0.5 * delta);
        }
        o->gmag = tr_min(z, delta);
        o->kink = isinf(delta) ? INFINITY : fabs(z - delta);
        break;
    }
    case TR_SMOOTH_L1: { /* SPEC 3.4; beta = 0 is l1 */
        const double beta = a->f[0], z = fabs(x - y);
        if (beta == 0.0) {
            o->value = z;
            o->mag = z;
        } else if (z < beta) {
            o->value = 0.5 * z * z / beta;
            o->mag = o->value;
        } else {
            o->value = z - 0.5 * beta;
            o->mag = z + 0.5 * beta;
        }
        o->gmag = beta == 0.0 ? 1.0 : tr_min(z / beta, 1.0);
        o->kink = fabs(z - beta);
        break;
    }
    case TR_BCE: { /* SPEC 4.1: logs clamped at -100 */
        const double p = x, w = a->aux0;
        const double l1p = fmax(log(1.0 - p), -100.0), lp = fmax(log(p), -100.0);
        o->value = w * ((y - 1.0) * l1p - y * lp);
        /* float32 forms 1 - p (one rounding) before its log */
        o->mag = fabs(w) * (fabs(1.0 - y) * (fabs(l1p) + 1.0) + fabs(y) * (fabs(lp) + 1.0));
        o->gmag = fabs(w) * (fabs(p) + fabs(y)) / fmax(p * (1.0 - p), 1e-12);
        o->sing = tr_min(fabs(p), fabs(1.0 - p));
        break;
    }
    case TR_BCE_WITH_LOGITS: { /* SPEC 4.2 */
        const double w = a->aux0, pw = a->aux1;
        const double L = tr_softplus(-x), lw = 1.0 + (pw - 1.0) * y;
        o->value = w * ((1.0 - y) * x + lw * L);
        o->mag =
            fabs(w) * (fabs((1.0 - y) * x) + fabs(x) + (fabs(lw) + fabs(pw * y) + 1.0) * (L + 1.0));
        o->gmag = fabs(w) * (fabs(pw * y) + fabs(1.0 - y) + 1.0);
        break;
    }
    case TR_ALE: tr_ale(a, x, y, o); break;
    case TR_BINARY_FOCAL: tr_binary_focal(a, x, y, o); break;
    case TR_SIGMOID_FOCAL: tr_sigmoid_focal(a, x, y, o); break;
    case TR_SOFT_MARGIN: { /* SPEC 6.1 (stable, SPEC 0.4) */
        const double z = -y * x;
        o->value = tr_softplus(z);
        o->mag = o->value + fabs(z);
        o->gmag = fabs(y) * tr_sigmoid(z) * (1.0 + fabs(z));
        break;
    }
    case TR_HINGE_EMBEDDING: { /* SPEC 6.2 */
        const double m = a->f[0];
        double v = 0.0;
        if (y != 1.0) v += fmax(0.0, m - x);
        if (y != -1.0) v += x;
        o->value = v;
        o->mag = fabs(x) + fabs(m) + fabs(m - x);
        o->gmag = 1.0;
        if (y != 1.0) o->kink = fabs(m - x);
        break;
    }
    case TR_KL_DIV: { /* SPEC 6.3 */
        const double t = y;
        if (a->i[0]) {
            const double et = exp(t);
            o->value = et * (t - x);
            o->mag = et * (fabs(t) + fabs(x));
            o->gmag = et;
        } else {
            const double xl = t == 0.0 ? 0.0 : t * log(t); /* xlogy(t, t); NaN for t < 0 */
            o->value = xl - t * x;
            o->mag = fabs(xl) + fabs(t * x);
            o->gmag = fabs(t);
        }
        break;
    }
    case TR_POISSON_NLL: { /* SPEC 6.4 */
        const double t = y, eps = a->f[0];
        if (a->i[0]) {
            o->value = exp(x) - t * x;
            o->mag = exp(x) + fabs(t * x);
            o->gmag = exp(x) + fabs(t);
        } else {
            const double lg = log(x + eps);
            o->value = x - t * lg;
            o->mag = fabs(x) + fabs(t) * (fabs(lg) + 1.0);
            o->gmag = 1.0 + fabs(t / (x + eps));
            o->sing = fabs(x + eps);
        }
        if (a->i[1] && t > 1.0) { /* Stirling term, masked to t > 1 */
            const double st = t * log(t) - t + 0.5 * log(TR_2PI * t);
            o->value += st;
            o->mag += fabs(t * log(t)) + fabs(t) + 0.5 * fabs(log(TR_2PI * t));
        }
        break;
    }
    case TR_LOG_COSH: { /* SPEC 6.6: x + softplus(-2x) - log 2 = log cosh x */
        const double d = x - y, ad = fabs(d);
        o->value = ad + log1p(exp(-2.0 * ad)) - TR_LN2;
        /* Keras' order adds d, softplus(-2d) ~ max(-2d, 0) and -log 2 */
        o->mag = 3.0 * ad + 2.0 * TR_LN2;
        o->gmag = fabs(tanh(d));
        break;
    }
    case TR_HINGE:
    case TR_SQUARED_HINGE: { /* SPEC 6.6 */
        const double yp = a->convert ? 2.0 * y - 1.0 : y;
        const double h = fmax(1.0 - yp * x, 0.0);
        if (a->id == TR_HINGE) {
            o->value = h;
            o->mag = 1.0 + fabs(yp * x);
            o->gmag = fabs(yp);
        } else {
            o->value = h * h;
            o->mag = h * h + 2.0 * h * (1.0 + fabs(yp * x));
            o->gmag = 2.0 * fabs(yp) * (h + 1.0 + fabs(yp * x));
        }
        if (yp != 0.0) o->kink = fabs(1.0 - yp * x) / fabs(yp);
        break;
    }
    case TR_MAPE: { /* SPEC 6.6 */
        const double den = fmax(fabs(y), tr_eps7());
        o->value = 100.0 * fabs((y - x) / den);
        o->mag = o->value;
        o->gmag = 100.0 / den;
        o->kink = fabs(x - y);
        break;
    }
    case TR_MSLE: { /* SPEC 6.6: log(v + 1), not log1p */
        const double eps = tr_eps7();
        const double xc = fmax(x, eps), yc = fmax(y, eps);
        const double la = log(xc + 1.0), lb = log(yc + 1.0), d = la - lb;
        o->value = d * d;
        /* float32 rounds v + 1 and both logs: ~1e-7 (1 + |la| + |lb|) on d */
        o->mag = d * d + 2.0 * fabs(d) * (2.0 + fabs(la) + fabs(lb));
        o->gmag = 2.0 * (fabs(d) + 2.0 + fabs(la) + fabs(lb)) / (xc + 1.0);
        o->kink = fabs(x - eps);
        o->sing = fabs(xc + 1.0);
        break;
    }
    case TR_POISSON: { /* SPEC 6.6 */
        const double eps = tr_eps7(), lg = log(x + eps);
        o->value = x - y * lg;
        o->mag = fabs(x) + fabs(y) * (fabs(lg) + 1.0);
        o->gmag = 1.0 + fabs(y / (x + eps));
        o->sing = fabs(x + eps);
        break;
    }
    case TR_GAUSSIAN_NLL: { /* SPEC 6.5 */
        const double v = fmax(a->aux0, a->f[0]), d = x - y;
        o->value = 0.5 * (log(v) + d * d / v) + (a->i[0] ? TR_HALF_LOG_2PI : 0.0);
        o->mag = 0.5 * (fabs(log(v)) + d * d / v) + (a->i[0] ? TR_HALF_LOG_2PI : 0.0);
        o->gmag = fabs(d) / v;
        break;
    }
    default: o->value = o->mag = o->gmag = NAN; break;
    }
}

double tr_value(const tr_args *a, double x, double y)
{
    tr_out o;
    tr_eval(a, x, y, &o);
    return o.value;
}

double tr_loss(const char *name, double x, double y, const double *params_f, const int *params_i,
               double aux0, double aux1, int convert_hinge)
{
    tr_args a;
    memset(&a, 0, sizeof a);
    a.id = tr_id(name);
    for (int k = 0; k < 3; k++) a.f[k] = params_f ? params_f[k] : 0.0;
    for (int k = 0; k < 2; k++) a.i[k] = params_i ? params_i[k] : 0;
    a.aux0 = aux0;
    a.aux1 = aux1;
    a.convert = convert_hinge;
    return tr_value(&a, x, y);
}

double tr_gaussian_dvar_mag(double x, double y, double v)
{
    const double d = x - y;
    return 0.5 * (1.0 / v + d * d / (v * v));
}

double tr_fsum(const float *v, unsigned long n)
{
    double *d = malloc((n + 1) * sizeof *d);
    if (!d) abort();
    for (unsigned long k = 0; k < n; k++) d[k] = v[k];
    const double s = tl_fsum(d, n);
    free(d);
    return s;
}
