/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the tests know of a class-dimension loss beyond the registry: each
 * class kernel header ends with a section compiled only here (#ifdef SL_SPECS)
 * that fills one cs_spec per loss:
 *   - the parameter sets the tests run (branches);
 *   - a generator of one position's inputs and targets, natural values with
 *     exact ties and kinks where the loss has them;
 *   - an independent double-precision reference of one position, written from
 *     the loss's definition (docs/semantics.md), not from the kernels, which
 *     also says how accurately float32 can match it:
 *       mag   the magnitude of the terms of the loss formula (sum of |term|,
 *             plus the sensitivity to intermediates a float evaluation must
 *             round: the row maximum and log-sum-exp, 1 - o for a focal
 *             factor); 1e-6 * mag is about 8 float ulps of it;
 *       gmag  the same for each class's gradient formula (a sum over the
 *             classes that a gradient subtracts counts 1 + sqrt(classes) / 4
 *             times: the rounding of a float sum grows like the square root
 *             of its length);
 *       kink  per class: distance from x[c] to the nearest point where the
 *             loss or its derivative is not smooth (hinge and max kinks, ties
 *             of the maximum, clip boundaries); INFINITY if none;
 *       sing  per class: distance from x[c] to the nearest singularity of a
 *             derivative (log at 0, (1 - o)^gamma at o = 1): central finite
 *             differences must step well below min(kink, sing);
 *   - worked examples from the reference implementations (torch 1.13,
 *     Keras 3) that the reference itself must reproduce.
 * tests/specs.c collects them by registry order (cs_specs); class_calls.c
 * calls any class function of the registry through one signature (cr_call).
 */
#ifndef CS_CLASS_SPEC_H
#define CS_CLASS_SPEC_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "registry.h"
#include "simdloss.h"
#include "spec.h"

/* The registry's description of every class-dimension function, by SL_R_<name>. */
extern const sl_class_info cr_infos[SL_R_NCLASS];
#define CR_NKINDS SL_R_NCLASS

/* The arguments of one call besides data and shape (a kind's own subset is
 * read: weight only if it takes weights, pf[j] for its j-th float parameter
 * in registry order, ...). */
typedef struct {
    const float *weight; /* NULL or `classes` values */
    int64_t ignore_index;
    const float *alpha; /* the required per-class factor */
    size_t alpha_len;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    const float *x2[2]; /* the more inputs of a loss with them (X2), and their gradients */
    float *g2[2];
} cr_params;

/* The registry's defaults: no weight, ignore_index -100, every parameter at
 * its default, alpha = its default, one value (static storage). */
cr_params cr_default_params(int kind);
/* The arguments of one call: weight (NULL: none), ignore_index, alpha (NULL:
 * the default), and the parameters in registry order. */
cr_params cr_params_of(int kind, const float *weight, int64_t ignore_index, const float *alpha,
                       size_t alpha_len, const float *pf, const int *pi);
/* Index of the float (integer) parameter `name` of kind, or -1. */
int cr_pf_index(int kind, const char *name);
/* Inputs of every kind for a call of B x C x in (x and its bfloat16 top
 * halves xb, float targets tf, class indices or label rows ti, C weights w),
 * reproducible from seed: set 0 natural values, 1 with NaN, infinities and
 * ignored targets, 2 logits 15 times larger. */
void cr_make_inputs(int kind, size_t B, size_t C, size_t in, int set, uint64_t seed, float *x,
                    uint16_t *xb, float *tf, int64_t *ti, float *w);
/* The parameters of set 0 (defaults), 1 (weights w, smoothing 0.1, p = 2)
 * or 2 (also ignore_index 0, alpha = w, margin 0.5, gamma 0, smoothing 1). */
cr_params cr_set_params(int kind, int set, size_t C, float *w);
int cr_pi_index(int kind, const char *name);

/* Calls the library function of `kind`. x: float (uint16_t for bf16) input;
 * ti: int64 targets (index / label-row kinds); tf: float targets; grad: float
 * (uint16_t for bf16) gradient. Arguments a kind does not take are ignored
 * (inner must then be 1). */
int cr_call(int kind, size_t batch, size_t classes, size_t inner, const void *x, const int64_t *ti,
            const float *tf, const cr_params *p, simdloss_reduction red, float *loss, void *grad);

/* The reference's answer for one position. */
typedef struct {
    double value; /* the position's loss */
    double mag;   /* magnitude of its terms */
    double div;   /* its contribution to MEAN's divisor (w[y], 0 if ignored, else 1) */
} cr_res;

/* One position of the reference: x, `classes` input values; t, `classes`
 * float targets (SL_T_FLOAT kinds) or NULL; ti, the class index (one value)
 * or the label row (`classes` values) or NULL. grad, gmag, kink, sing:
 * `classes` values each, or NULL (kink and sing arrive INFINITY). */
typedef struct {
    size_t classes;
    const cr_params *p;
    const double *x, *t;
    const int64_t *ti;
} cr_pos;

/* One parameter set of a class loss. */
typedef struct {
    const char *label;
    int weight;           /* random per-class weights */
    int64_t ignore_index; /* (kinds with ignore_index) */
    double ignore_frac;   /* fraction of class-index targets set to ignore_index */
    float pf[SL_MAX_PF];  /* parameters, registry order */
    int pi[SL_MAX_PI];
    int alpha_per_class; /* alpha of `classes` values; else the one value `alpha` */
    float alpha;
    int soft;  /* soft targets (the loss's generator reads it) */
    int cross; /* also run by the cross-ISA test */
} cs_branch;

/* The arguments a branch asks for, with `classes` per-class weights w and
 * alpha values (alpha[0] becomes the branch's one value unless it takes
 * one per class). */
cr_params cr_branch_params(int kind, const cs_branch *b, size_t classes, float *w, float *alpha);

/* A worked example: `batch` rows of `classes` values, their NONE losses,
 * MEAN (NAN: not checked) and MEAN gradient (NULL: not checked). */
typedef struct {
    size_t batch, classes;
    const float *weight, *alpha;
    size_t alpha_len;
    int64_t ignore_index;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    const double *x, *t;
    const int64_t *ti;
    const double *none;
    double mean;
    const double *gmean;
    double tol;
} cs_example;

typedef struct {
    const cs_branch *branches;
    size_t nbranches;
    /* One position's inputs x and targets: t (float targets, arriving 0),
     * *y (a class index, arriving uniform in [0, classes)), row (a label
     * row). b->ignore_frac is applied by the caller. */
    void (*gen)(const cs_branch *b, size_t classes, uint64_t *s, double *x, double *t, int64_t *y,
                int64_t *row);
    void (*ref)(const cr_pos *q, cr_res *r, double *grad, double *gmag, double *kink, double *sing);
    /* bfloat16 losses: the float32 function whose results they round (SL_R_),
     * whose reference, generator and examples they share; -1 otherwise */
    int f32_of;
    const cs_example *examples;
    size_t nexamples;
    /* Golden test: the magnitude of the terms whose rounding errors reach
     * the position's loss (*lt) and each class's gradient (gt, `classes`
     * values), before the reduction's factor, where the formula cancels
     * (torch's float32 value and ours then each carry an error of about an
     * ulp of the terms, not of the result); both arrive 0; NULL: nothing
     * cancels. Non-finite results are taken as 0 by the caller. */
    void (*golden)(const cr_pos *q, double *lt, double *gt);
    /* a loss with several inputs (X2): its own spec, which tests/test_embedding.c
     * runs (the other class tests skip such losses: cr_multi); else NULL */
    const struct ce_spec *embed;
} cs_spec;

/* ---- losses over several inputs (X2), tests/test_embedding.c ------------------------------ */
#define CE_MAXIN 3 /* inputs: the input and up to two X2 */

/* One row of every input (x[i], dim values), its row target y (TROW
 * kinds) and the parameters. */
typedef struct {
    size_t dim;
    const cr_params *p;
    const double *x[CE_MAXIN];
    double y;
} ce_row;

/* A worked example: batch rows; x[i] batch * dim values of each input; y
 * batch row targets (or NULL); NONE losses, MEAN, MEAN gradient of each
 * input (NULL: not checked). */
typedef struct {
    size_t batch, dim;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    const double *x[CE_MAXIN], *y;
    const double *none;
    double mean;
    const double *gmean[CE_MAXIN];
    double tol;
} ce_example;

typedef struct ce_spec {
    /* one row: x[i] (dim values each) and *y */
    void (*gen)(const cs_branch *b, size_t dim, uint64_t *s, double *const *x, double *y);
    /* the reference of one row: r (value, mag; div 1), and per input i and
     * element: grad[i], gmag[i] (as cs_spec's), kink[i] (distance to the
     * nearest kink or singularity along that element, INFINITY if none);
     * any of the arrays may be NULL */
    void (*ref)(const ce_row *q, cr_res *r, double *const *grad, double *const *gmag,
                double *const *kink);
    const ce_example *examples;
    size_t nexamples;
} ce_spec;

/* the spec of a loss over several inputs */
#define CE_SPEC(name, gen, ref, examples)                                                          \
    static const ce_spec sl_##name##_espec = {gen, ref, examples, CS_LEN(examples)};               \
    static const cs_spec sl_##name##_cspec = {                                                     \
        sl_##name##_branches, CS_LEN(sl_##name##_branches), NULL, NULL, CS_NONE, NULL, 0, NULL,    \
        &sl_##name##_espec}

/* losses with several inputs, which only tests/test_embedding.c runs */
static inline int cr_multi(int kind) { return cr_infos[kind].x2[0] != NULL; }

#define CS_SPEC(name, ...)                                                                         \
    static const cs_spec sl_##name##_cspec = {                                                     \
        sl_##name##_branches, sizeof sl_##name##_branches / sizeof sl_##name##_branches[0],        \
        __VA_ARGS__, NULL}
#define CS_NONE (-1)
#define CS_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* every class loss's spec, by SL_R_<name> */
extern const cs_spec *const cs_specs[SL_R_NCLASS];

/* The reference of a kind for one position (bfloat16 kinds: their float32 function's). */
void cr_eval(int kind, size_t classes, const cr_params *p, const double *x, const double *t,
             const int64_t *ti, cr_res *r, double *grad, double *gmag, double *kink, double *sing);

/* bfloat16 helpers: round to nearest even (every NaN -> 0x7FC0) and widen. */
uint16_t cr_bf16_round(float v);
float cr_bf16_widen(uint16_t b);

/* ---- float64 helpers for the references ------------------------------------------------- */
static inline double cr_w(const cr_params *p, size_t c)
{
    return p->weight ? (double)p->weight[c] : 1.0;
}

static inline void cr_fill(double *v, size_t n, double val)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) v[i] = val;
}

/* compensated (Neumaier) sums: the reference's rounding must not grow with
 * the number of classes, or finite differences of it become noisy */
typedef struct {
    double s, c;
} cr_acc;
static inline void cr_add(cr_acc *a, double v)
{
    const double t = a->s + v;
    if (fabs(a->s) >= fabs(v))
        a->c += (a->s - t) + v;
    else
        a->c += (v - t) + a->s;
    a->s = t;
}
static inline double cr_get(const cr_acc *a) { return a->s + a->c; }

/* Softmax of a row in double: p[k] and |log p[k]|; 0 when the row is not all
 * finite. */
static inline int cr_softmax(const double *x, size_t C, double *p, double *alp)
{
    double m = -INFINITY;
    for (size_t k = 0; k < C; k++) {
        if (!isfinite(x[k])) return 0;
        if (x[k] > m) m = x[k];
    }
    double s = 0;
    for (size_t k = 0; k < C; k++) s += exp(x[k] - m);
    const double L = log(s);
    for (size_t k = 0; k < C; k++) {
        const double lp = x[k] - m - L;
        p[k] = exp(lp);
        alp[k] = fabs(lp);
    }
    return 1;
}

/* max-shifted log-sum-exp: m = max, s = sum exp(x - m) */
static inline void cr_lse(const double *x, size_t C, double *m, double *s)
{
    double mx = -INFINITY;
    for (size_t c = 0; c < C; c++)
        if (x[c] > mx) mx = x[c];
    cr_acc sum = {0, 0};
    for (size_t c = 0; c < C; c++) cr_add(&sum, exp(x[c] - mx));
    *m = mx;
    *s = cr_get(&sum);
}

/* ---- generator helpers --------------------------------------------------------------------- */
static inline size_t cs_R(uint64_t *s, size_t n) { return n ? (size_t)(ts_u64(s) % n) : 0; }
/* on the 2^-10 grid: sums and differences are exact in float */
static inline double cs_Q(double v) { return nearbyint(v * 1024.0) / 1024.0; }

/* logits of one position for the softmax losses */
static inline void cs_gen_logits(uint64_t *s, double *v, size_t C)
{
    const double u = ts_unit(s);
    if (u < 0.55) {
        static const double sc[] = {0.5, 2.0, 5.0};
        const double k = sc[cs_R(s, 3)];
        for (size_t c = 0; c < C; c++) v[c] = k * ts_N(s);
    } else if (u < 0.7) { /* +-50 scale, with the extremes */
        for (size_t c = 0; c < C; c++) v[c] = ts_U(s, -50, 50);
        if (C > 1) v[cs_R(s, C)] = 50.0, v[cs_R(s, C)] = -50.0;
    } else if (u < 0.8) { /* constant rows */
        static const double k[] = {0.0, 7.25, -30.0, 50.0, 1e4};
        const double k0 = k[cs_R(s, 5)];
        for (size_t c = 0; c < C; c++) v[c] = k0;
    } else if (u < 0.9) { /* one dominant class: p ~ 1 */
        for (size_t c = 0; c < C; c++) v[c] = ts_N(s);
        v[cs_R(s, C)] = ts_U(s, 20, 45);
    } else { /* large common offset: exp(x) overflows without the max shift */
        const double off = ts_coin(s, 0.5) ? 3000.0 : -3000.0;
        for (size_t c = 0; c < C; c++) v[c] = off + 2.0 * ts_N(s);
    }
}

/* probabilities (nonnegative; not necessarily normalised) */
static inline void cs_gen_probs(uint64_t *s, double *v, size_t C)
{
    const double u = ts_unit(s);
    if (u < 0.4) {
        for (size_t c = 0; c < C; c++) v[c] = ts_U(s, 0.0, 1.0);
    } else if (u < 0.6) { /* normalised */
        double S = 0;
        for (size_t c = 0; c < C; c++) S += (v[c] = ts_U(s, 0.0, 1.0));
        for (size_t c = 0; c < C; c++) v[c] /= S;
    } else if (u < 0.75) { /* some exact zeros and tiny values */
        for (size_t c = 0; c < C; c++)
            v[c] = ts_coin(s, 0.3) ? 0.0 : (ts_coin(s, 0.5) ? ts_LU(s, 1e-6, 1e-2) : ts_U(s, 0, 1));
    } else if (u < 0.85) { /* a one-hot prediction */
        for (size_t c = 0; c < C; c++) v[c] = 0.0;
        v[cs_R(s, C)] = 1.0;
    } else { /* a peaked row */
        for (size_t c = 0; c < C; c++) v[c] = ts_LU(s, 1e-5, 1e-2);
        v[cs_R(s, C)] = ts_U(s, 0.5, 1.0);
    }
    if (ts_coin(s, 0.3)) { /* rows need not sum to 1 */
        static const double sc[] = {0.5, 2.0, 10.0, 0.01};
        const double k = sc[cs_R(s, 4)];
        for (size_t c = 0; c < C; c++) v[c] *= k;
    }
    double S = 0;
    for (size_t c = 0; c < C; c++) S += v[c];
    if (!(S > 0)) v[cs_R(s, C)] = 1.0;
}

/* one-hot (or soft, normalised) targets */
static inline void cs_gen_onehot(uint64_t *s, double *t, size_t C, int soft)
{
    for (size_t c = 0; c < C; c++) t[c] = 0.0;
    if (!soft) {
        t[cs_R(s, C)] = 1.0;
        return;
    }
    double S = 0;
    for (size_t c = 0; c < C; c++) S += (t[c] = ts_coin(s, 0.5) ? ts_U(s, 0, 1) : 0.0);
    if (S == 0) {
        t[cs_R(s, C)] = 1.0;
        return;
    }
    for (size_t c = 0; c < C; c++) t[c] /= S;
}

#endif
