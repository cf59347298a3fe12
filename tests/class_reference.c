/*
 * Double-precision reference of the class-dimension losses, from the formulas
 * of docs/semantics.md ("Class-dimension losses", "Reductions", "Errors"),
 * and a uniform caller for the library's class-dimension functions. See
 * class_reference.h.
 *
 * Constants that the reference implementations hold in float32 are float32
 * here too: Keras' epsilon is (double)1e-7f, its 1 - epsilon is the float32
 * rounding 1 - 2^-23, and Keras' label smoothing uses the float32 roundings
 * of 1 - ls and ls / classes (Python scalars meeting a float32 tensor).
 * Everything else is evaluated in double from the float inputs.
 */
#include "class_reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the library's functions ------------------------------------------------ */
const cr_info cr_infos[CR_NKINDS] = {
    [CR_CE] = {"simdloss_cross_entropy_f32", "logits", 1, CR_T_INDEX, 1, 1, 1, 0},
    [CR_CE_PROBS] = {"simdloss_cross_entropy_probs_f32", "logits", 1, CR_T_FLOAT, 1, 0, 1, 0},
    [CR_CE_BF16] = {"simdloss_cross_entropy_bf16", "logits", 1, CR_T_INDEX, 1, 1, 1, 1},
    [CR_NLL] = {"simdloss_nll_f32", "logprobs", 1, CR_T_INDEX, 1, 1, 0, 0},
    [CR_CCE] = {"simdloss_categorical_crossentropy_f32", "probs", 0, CR_T_FLOAT, 0, 0, 1, 0},
    [CR_CHINGE] = {"simdloss_categorical_hinge_f32", "probs", 0, CR_T_FLOAT, 0, 0, 0, 0},
    [CR_CFOCAL] = {"simdloss_categorical_focal_f32", "probs", 0, CR_T_FLOAT, 0, 0, 1, 0},
    [CR_MMARGIN] = {"simdloss_multi_margin_f32", "input", 0, CR_T_INDEX, 1, 0, 0, 0},
    [CR_MLMARGIN] = {"simdloss_multilabel_margin_f32", "input", 0, CR_T_MULTILABEL, 0, 0, 0, 0},
    [CR_MLSOFT] = {"simdloss_multilabel_soft_margin_f32", "input", 0, CR_T_FLOAT, 1, 0, 0, 0},
};

static const float cr_alpha_default = 0.25f;

cr_params cr_default_params(void)
{
    cr_params p;
    memset(&p, 0, sizeof p);
    p.weight = NULL;
    p.ignore_index = -100;
    p.label_smoothing = 0.0f;
    p.p = 1;
    p.margin = 1.0f;
    p.alpha = &cr_alpha_default;
    p.alpha_len = 1;
    p.gamma = 2.0f;
    return p;
}

int cr_call(int kind, size_t batch, size_t classes, size_t inner, const void *x, const int64_t *ti,
            const float *tf, const cr_params *p, simdloss_reduction red, float *loss, void *grad)
{
    const float *xf = (const float *)x;
    float *gf = (float *)grad;
    switch (kind) {
    case CR_CE:
        return simdloss_cross_entropy_f32(batch, classes, inner, xf, ti, p->weight, p->ignore_index,
                                          p->label_smoothing, red, loss, gf);
    case CR_CE_PROBS:
        return simdloss_cross_entropy_probs_f32(batch, classes, inner, xf, tf, p->weight,
                                                p->label_smoothing, red, loss, gf);
    case CR_CE_BF16:
        return simdloss_cross_entropy_bf16(batch, classes, inner, (const uint16_t *)x, ti,
                                           p->weight, p->ignore_index, p->label_smoothing, red,
                                           loss, (uint16_t *)grad);
    case CR_NLL:
        return simdloss_nll_f32(batch, classes, inner, xf, ti, p->weight, p->ignore_index, red,
                                loss, gf);
    case CR_CCE:
        return simdloss_categorical_crossentropy_f32(batch, classes, xf, tf, p->label_smoothing,
                                                     red, loss, gf);
    case CR_CHINGE: return simdloss_categorical_hinge_f32(batch, classes, xf, tf, red, loss, gf);
    case CR_CFOCAL:
        return simdloss_categorical_focal_f32(batch, classes, xf, tf, p->alpha, p->alpha_len,
                                              p->gamma, p->label_smoothing, red, loss, gf);
    case CR_MMARGIN:
        return simdloss_multi_margin_f32(batch, classes, xf, ti, p->p, p->margin, p->weight, red,
                                         loss, gf);
    case CR_MLMARGIN: return simdloss_multilabel_margin_f32(batch, classes, xf, ti, red, loss, gf);
    case CR_MLSOFT:
        return simdloss_multilabel_soft_margin_f32(batch, classes, xf, tf, p->weight, red, loss,
                                                   gf);
    default: break;
    }
    (void)inner;
    return -1;
}

/* ---- helpers ------------------------------------------------------------------ */
static double cr_w(const cr_params *p, size_t c) { return p->weight ? (double)p->weight[c] : 1.0; }

static void cr_zero(double *v, size_t n, double val)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) v[i] = val;
}

/* Keras' float32 constants */
static double cr_keps(void) { return (double)1e-7f; }
static double cr_kone_m_eps(void) { return (double)(float)(1.0 - (double)1e-7f); }

/* compensated (Neumaier) sums: the reference's rounding must not grow with
 * the number of classes, or finite differences of it become noisy */
typedef struct {
    double s, c;
} cr_acc;
static void cr_add(cr_acc *a, double v)
{
    const double t = a->s + v;
    if (fabs(a->s) >= fabs(v))
        a->c += (a->s - t) + v;
    else
        a->c += (v - t) + a->s;
    a->s = t;
}
static double cr_get(const cr_acc *a) { return a->s + a->c; }

/* max-shifted log-sum-exp: m = max, s = sum exp(x - m) */
static void cr_lse(const double *x, size_t C, double *m, double *s)
{
    double mx = -INFINITY;
    for (size_t c = 0; c < C; c++)
        if (x[c] > mx) mx = x[c];
    cr_acc sum = {0, 0};
    for (size_t c = 0; c < C; c++) cr_add(&sum, exp(x[c] - mx));
    *m = mx;
    *s = cr_get(&sum);
}

static double cr_softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }
static double cr_sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    const double e = exp(z);
    return e / (1.0 + e);
}

/* ---- cross-entropy with class-index targets ---------------------------------- */
static void cr_ce(size_t C, const cr_params *p, const double *x, int64_t y, cr_res *r, double *grad,
                  double *gmag)
{
    if (y == p->ignore_index) {
        r->value = r->mag = r->div = 0;
        cr_zero(grad, C, 0);
        cr_zero(gmag, C, 0);
        return;
    }
    const size_t yy = (size_t)y;
    const double eps = (double)p->label_smoothing, k = eps / (double)C, a = 1.0 - eps;
    double m, s;
    cr_lse(x, C, &m, &s);
    const double ls = log(s), lse = m + ls;
    cr_acc sm = {0, 0};
    double smag = 0, W = 0;
    for (size_t c = 0; c < C; c++) {
        const double w = cr_w(p, c);
        cr_add(&sm, -w * (x[c] - lse));
        smag += fabs(w) * (fabs(x[c]) + fabs(m) + fabs(ls) + 1.0);
        W += w;
    }
    const double smooth = cr_get(&sm), wy = cr_w(p, yy);
    const double nll = -wy * (x[yy] - lse);
    r->value = a * nll + k * smooth;
    r->mag = a * fabs(wy) * (fabs(x[yy]) + fabs(m) + fabs(ls) + 1.0) + k * smag;
    r->div = wy;
    for (size_t c = 0; c < C && (grad || gmag); c++) {
        const double pc = exp(x[c] - m) / s, w = cr_w(p, c);
        const double ind = c == yy ? 1.0 : 0.0;
        /* p[c] carries the float rounding of x[c] - m, magnified by exp */
        const double pm = pc * (1.0 + 0.1 * fabs(x[c] - m));
        if (grad) grad[c] = a * wy * (pc - ind) + k * (W * pc - w);
        if (gmag) gmag[c] = a * fabs(wy) * (pm + ind) + k * (fabs(W) * pm + fabs(w));
    }
}

/* ---- cross-entropy with probability targets ---------------------------------- */
static void cr_ce_probs(size_t C, const cr_params *p, const double *x, const double *t, cr_res *r,
                        double *grad, double *gmag)
{
    const double eps = (double)p->label_smoothing, k = eps / (double)C, a = 1.0 - eps;
    double m, s;
    cr_lse(x, C, &m, &s);
    const double ls = log(s), lse = m + ls;
    cr_acc v = {0, 0};
    double mag = 0, wt = 0, wta = 0;
    for (size_t c = 0; c < C; c++) {
        const double tt = a * t[c] + k, w = cr_w(p, c);
        cr_add(&v, -w * tt * (x[c] - lse));
        mag += fabs(w * tt) * (fabs(x[c]) + fabs(m) + fabs(ls) + 1.0);
        wt += w * tt;
        wta += fabs(w * tt);
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
    for (size_t c = 0; c < C && (grad || gmag); c++) {
        const double pc = exp(x[c] - m) / s, w = cr_w(p, c), tt = a * t[c] + k;
        const double pm = pc * (1.0 + 0.1 * fabs(x[c] - m));
        if (grad) grad[c] = wt * pc - w * tt;
        if (gmag) gmag[c] = wta * pm + fabs(w * tt);
    }
}

/* ---- nll ------------------------------------------------------------------------ */
static void cr_nll(size_t C, const cr_params *p, const double *x, int64_t y, cr_res *r,
                   double *grad, double *gmag)
{
    cr_zero(grad, C, 0);
    cr_zero(gmag, C, 0);
    if (y == p->ignore_index) {
        r->value = r->mag = r->div = 0;
        return;
    }
    const size_t yy = (size_t)y;
    const double wy = cr_w(p, yy);
    r->value = -wy * x[yy];
    r->mag = fabs(wy * x[yy]);
    r->div = wy;
    if (grad) grad[yy] = -wy;
    if (gmag) gmag[yy] = fabs(wy);
}

/* ---- Keras categorical_crossentropy and categorical_focal ---------------------- */
static void cr_keras_ce(int focal, size_t C, const cr_params *p, const double *x, const double *t,
                        cr_res *r, double *grad, double *gmag, double *kink, double *sing)
{
    const double e = cr_keps(), ome = cr_kone_m_eps();
    const double ls = (double)p->label_smoothing;
    const double a = (double)(float)(1.0 - ls), b = (double)(float)(ls / (double)C);
    const double g = focal ? (double)p->gamma : 0.0;
    cr_acc Sa = {0, 0}, v = {0, 0}, su = {0, 0};
    for (size_t c = 0; c < C; c++) cr_add(&Sa, x[c]);
    const double S = cr_get(&Sa);
    double mag = 0, sua = 0, dmin = INFINITY, qmin = INFINITY;
    double *u = malloc((C + 1) * sizeof *u), *ua = malloc((C + 1) * sizeof *ua);
    if (!u || !ua) abort();
    for (size_t c = 0; c < C; c++) {
        const double tt = ls != 0.0 ? a * t[c] + b : t[c];
        const double o = x[c] / S;
        const int inside = o >= e && o <= ome;
        const double oc = o < e ? e : (o > ome ? ome : o);
        const double q = 1.0 - oc, lo = log(oc);
        const double al = focal ? (double)p->alpha[p->alpha_len == 1 ? 0 : c] : 1.0;
        const double f = focal ? pow(q, g) : 1.0;
        /* relative error of q = 1 - oc from the rounding of oc, in powers of q */
        const double kap = focal ? 1.0 + (g + 1.0) * oc / q : 1.0;
        const double term = -al * f * tt * lo;
        cr_add(&v, term);
        if (tt != 0.0 && q < qmin) qmin = q;
        mag += fabs(term) * kap + fabs(al * f * tt);
        if (inside) {
            const double df = focal ? g * pow(q, g - 1.0) : 0.0; /* -d f / d o */
            u[c] = al * (df * tt * lo - f * tt / oc);
            ua[c] = fabs(al) * (df * fabs(tt * lo) + f * fabs(tt) / oc) * kap;
        } else {
            u[c] = ua[c] = 0;
        }
        cr_add(&su, u[c] * o);
        sua += ua[c] * fabs(o);
        const double d = fmin(fabs(o - e), fabs(o - ome));
        if (d < dmin) dmin = d;
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
    for (size_t k = 0; k < C; k++) {
        if (grad) grad[k] = (u[k] - cr_get(&su)) / S;
        /* sum_c u[c] o[c] is a float sum over the classes in the library: its
         * rounding grows like sqrt(classes), and d/dp[k] can cancel it */
        if (gmag) gmag[k] = (ua[k] + sua * (1.0 + sqrt((double)C) / 4.0)) / fabs(S);
        /* |d o[c] / d x[k]| <= 1 / S for probabilities */
        if (kink) kink[k] = 0.5 * fabs(S) * dmin;
        if (sing) {
            const double tt = ls != 0.0 ? a * t[k] + b : t[k];
            double sg = fabs(S);
            if (tt != 0.0) sg = fmin(sg, fabs(x[k]));
            /* (1 - o[c])^gamma of every labelled class depends on x[k] through S */
            if (focal) sg = fmin(sg, 0.5 * fabs(S) * qmin);
            sing[k] = sg;
        }
    }
    free(u);
    free(ua);
}

/* ---- Keras categorical_hinge ----------------------------------------------------- */
static void cr_chinge(size_t C, const double *x, const double *t, cr_res *r, double *grad,
                      double *gmag, double *kink)
{
    double pos = 0, posa = 0, neg = -INFINITY;
    for (size_t c = 0; c < C; c++) {
        pos += t[c] * x[c];
        posa += fabs(t[c] * x[c]);
        const double v = (1.0 - t[c]) * x[c];
        if (v > neg) neg = v;
    }
    size_t cnt = 0;
    double second = -INFINITY; /* largest value below the maximum */
    for (size_t c = 0; c < C; c++) {
        const double v = (1.0 - t[c]) * x[c];
        if (v == neg)
            cnt++;
        else if (v > second)
            second = v;
    }
    const double z = neg - pos + 1.0;
    r->value = z > 0 ? z : 0.0;
    r->mag = fabs(neg) + posa + 1.0;
    r->div = 1.0;
    for (size_t c = 0; c < C; c++) {
        const double v = (1.0 - t[c]) * x[c], om = 1.0 - t[c];
        if (grad) grad[c] = z >= 0 ? -t[c] + (v == neg ? om / (double)cnt : 0.0) : 0.0;
        if (gmag) gmag[c] = fabs(t[c]) + fabs(om);
        if (kink) {
            double gap = INFINITY;
            if (om != 0.0) {
                if (v == neg)
                    gap = cnt > 1 ? 0.0 : (neg - second) / fabs(om);
                else
                    gap = (neg - v) / fabs(om);
            }
            kink[c] = fmin(fabs(z), gap);
        }
    }
}

/* ---- multi_margin ------------------------------------------------------------------- */
static void cr_mmargin(size_t C, const cr_params *p, const double *x, int64_t y, cr_res *r,
                       double *grad, double *gmag, double *kink)
{
    const size_t yy = (size_t)y;
    const double w = cr_w(p, yy), mg = (double)p->margin, Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0, kmin = INFINITY;
    cr_zero(grad, C, 0);
    cr_zero(gmag, C, 0);
    cr_zero(kink, C, INFINITY);
    for (size_t j = 0; j < C; j++) {
        if (j == yy) continue;
        const double z = mg - x[yy] + x[j];
        const double za = fabs(mg) + fabs(x[yy]) + fabs(x[j]);
        if (kink) kink[j] = fabs(z);
        if (fabs(z) < kmin) kmin = fabs(z);
        if (z > 0) {
            cr_add(&v, w * (p->p == 1 ? z : z * z) / Cd);
            mag += fabs(w) * (p->p == 1 ? za : za * za) / Cd;
            const double gj = w * (p->p == 1 ? 1.0 : 2.0 * z) / Cd;
            const double ga = fabs(w) * (p->p == 1 ? 1.0 : 2.0 * za) / Cd;
            if (grad) grad[j] += gj, grad[yy] -= gj;
            if (gmag) gmag[j] += ga, gmag[yy] += ga;
        }
    }
    if (kink) kink[yy] = kmin;
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

/* ---- multilabel_margin ---------------------------------------------------------------- */
static void cr_mlmargin(size_t C, const double *x, const int64_t *row, cr_res *r, double *grad,
                        double *gmag, double *kink)
{
    unsigned char *isT = calloc(C + 1, 1);
    if (!isT) abort();
    size_t nl = 0;
    while (nl < C && row[nl] != -1) isT[(size_t)row[nl++]] = 1;
    const double Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0;
    cr_zero(grad, C, 0);
    cr_zero(gmag, C, 0);
    cr_zero(kink, C, INFINITY);
    for (size_t a = 0; a < nl; a++) {
        const size_t j = (size_t)row[a];
        for (size_t k = 0; k < C; k++) {
            if (isT[k]) continue;
            const double z = 1.0 - (x[j] - x[k]);
            if (kink) {
                kink[j] = fmin(kink[j], fabs(z));
                kink[k] = fmin(kink[k], fabs(z));
            }
            if (z > 0) {
                cr_add(&v, z / Cd);
                mag += (1.0 + fabs(x[j]) + fabs(x[k])) / Cd;
                if (grad) grad[j] -= 1.0 / Cd, grad[k] += 1.0 / Cd;
                if (gmag) gmag[j] += 1.0 / Cd, gmag[k] += 1.0 / Cd;
            }
        }
    }
    free(isT);
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

/* ---- multilabel_soft_margin ------------------------------------------------------------- */
static void cr_mlsoft(size_t C, const cr_params *p, const double *x, const double *t, cr_res *r,
                      double *grad, double *gmag)
{
    const double Cd = (double)C;
    cr_acc v = {0, 0};
    double mag = 0;
    for (size_t c = 0; c < C; c++) {
        const double w = cr_w(p, c);
        const double spn = cr_softplus(-x[c]), spp = cr_softplus(x[c]);
        cr_add(&v, w * (t[c] * spn + (1.0 - t[c]) * spp) / Cd);
        mag += fabs(w) * (fabs(t[c]) * spn + fabs(1.0 - t[c]) * spp + 1.0) / Cd;
        const double sg = cr_sigmoid(x[c]);
        if (grad) grad[c] = w * (sg - t[c]) / Cd;
        if (gmag) gmag[c] = fabs(w) * (sg + fabs(t[c])) / Cd;
    }
    r->value = cr_get(&v);
    r->mag = mag;
    r->div = 1.0;
}

void cr_eval(int kind, size_t classes, const cr_params *p, const double *x, const double *t,
             const int64_t *ti, cr_res *r, double *grad, double *gmag, double *kink, double *sing)
{
    const size_t C = classes;
    cr_zero(kink, C, INFINITY);
    cr_zero(sing, C, INFINITY);
    switch (kind) {
    case CR_CE:
    case CR_CE_BF16: cr_ce(C, p, x, ti[0], r, grad, gmag); break;
    case CR_CE_PROBS: cr_ce_probs(C, p, x, t, r, grad, gmag); break;
    case CR_NLL: cr_nll(C, p, x, ti[0], r, grad, gmag); break;
    case CR_CCE: cr_keras_ce(0, C, p, x, t, r, grad, gmag, kink, sing); break;
    case CR_CFOCAL: cr_keras_ce(1, C, p, x, t, r, grad, gmag, kink, sing); break;
    case CR_CHINGE: cr_chinge(C, x, t, r, grad, gmag, kink); break;
    case CR_MMARGIN: cr_mmargin(C, p, x, ti[0], r, grad, gmag, kink); break;
    case CR_MLMARGIN: cr_mlmargin(C, x, ti, r, grad, gmag, kink); break;
    case CR_MLSOFT: cr_mlsoft(C, p, x, t, r, grad, gmag); break;
    default: abort();
    }
}

/* ---- bfloat16 ------------------------------------------------------------------------------- */
uint16_t cr_bf16_round(float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    if (isnan(v)) return 0x7FC0;
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

float cr_bf16_widen(uint16_t b)
{
    const uint32_t u = (uint32_t)b << 16;
    float v;
    memcpy(&v, &u, 4);
    return v;
}
