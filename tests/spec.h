/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the tests know of a loss beyond the registry: each kernel header ends
 * with a section compiled only here (#ifdef SL_SPECS) that fills one ts_spec:
 *   - the parameter sets the tests run (branches);
 *   - a generator of one element's inputs and targets from the loss's
 *     natural domain, smooth or hitting its kinks and ties;
 *   - an independent float64 reference of the loss with, per input, the
 *     magnitude of its gradient's terms and the distance to the nearest kink
 *     and singularity (finite differences must step well inside both);
 *   - for the golden test, where the loss's formula cancels, the magnitude of
 *     the cancelling terms.
 * tests/specs.c collects them by registry order (ts_specs).
 */
#ifndef TS_SPEC_H
#define TS_SPEC_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* One element of a call, in double: the reference's view. */
typedef struct {
    double in[SL_MAX_IN], tgt[SL_MAX_TGT];
    double cyc[SL_MAX_CYC]; /* the value this element reads (1 where the array is absent) */
    int has_cyc[SL_MAX_CYC];
    double pf[SL_MAX_PF]; /* parameters, registry order */
    int pi[SL_MAX_PI];
    int flags; /* what the library's prescan decides (SL_F_CONVERT) */
} ts_elem;

/* The reference's answer for one element. */
typedef struct {
    double value;
    double mag;             /* magnitude of the loss formula's terms (and intermediates) */
    double gmag[SL_MAX_IN]; /* the same for d loss / d input k */
    double kink[SL_MAX_IN]; /* distance from input k to the nearest kink */
    double sing[SL_MAX_IN]; /* ... and to the nearest singularity */
    double cgmag;           /* magnitude of d loss / d cyclic array 0 (CYCG) */
} ts_ref;

#define TS_N (-1) /* a cyclic array of n values */

struct ts_point;

/* One parameter set of a loss. */
typedef struct {
    const char *label;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    int cyc_len[SL_MAX_CYC]; /* 0: NULL, TS_N: n, else that length */
    int variant;             /* the loss's own data variant (its generator reads it) */
    int cross;               /* also run by the cross-ISA and bit-check tests */
    int keep_targets;        /* edge values never replace targets (hinge's 0/1 labels) */
} ts_branch;

typedef struct {
    const ts_branch *branches;
    size_t nbranches;
    /* One element's inputs and targets: smooth values when edges == 0, with
     * exact kinks and ties when edges == 1. i is the element's index. */
    void (*gen)(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in, double *tgt);
    /* One value of cyclic array j (NULL: uniform in (0.1, 3)). */
    double (*gen_cyc)(const ts_branch *b, int j, uint64_t *s);
    /* r arrives with kink and sing INFINITY, everything else 0 */
    void (*ref)(const ts_elem *e, ts_ref *r);
    /* Golden test: magnitude of the cancelling terms of the loss (*lt), of
     * each input's gradient (gt) and of the cyclic gradient (*gct); NULL when
     * nothing cancels. */
    void (*golden)(const ts_elem *e, double *lt, double *gt, double *gct);
    /* ulps between the MEAN gradient and the NONE gradient times (float)(1/n):
     * 1 where the factor multiplies the finished gradient, more where the
     * loss's operation order (PyTorch's) rounds after it */
    int mean_grad_ulps;
    /* Prepares e for finite differences in cyclic array 0 (CYCG): PyTorch
     * clamps some of them under no_grad, a straight-through gradient that
     * the reference must mimic (NULL: nothing to do). */
    void (*cyc_fd)(ts_elem *e);
    /* The reference itself on values the references print (worked examples). */
    const struct ts_point *points;
    size_t npoints;
    /* values of input 0 outside the domain (losses with a domain check) */
    const float *bad_inputs;
    size_t nbad_inputs;
} ts_spec;

/* One element and the loss the reference must give (within tol). */
typedef struct ts_point {
    double in0, tgt0, cyc0;
    double pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    int flags;
    double want, tol;
} ts_point;

#define TS_SPEC(name, ...)                                                                         \
    static const ts_spec sl_##name##_spec = {                                                      \
        sl_##name##_branches, sizeof sl_##name##_branches / sizeof sl_##name##_branches[0],        \
        __VA_ARGS__}

/* every loss's spec, by SL_K_<name> */
extern const ts_spec *const ts_specs[SL_K_NELEM];

/* ---- random numbers for the generators (splitmix64, reproducible) -------------------------- */
static inline uint64_t ts_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline double ts_unit(uint64_t *s) { return (double)(ts_u64(s) >> 11) * 0x1.0p-53; }
static inline double ts_U(uint64_t *s, double a, double b) { return a + (b - a) * ts_unit(s); }
static inline double ts_N(uint64_t *s)
{
    double u = ts_unit(s), v = ts_unit(s);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}
/* log-uniform in [lo, hi] */
static inline double ts_LU(uint64_t *s, double lo, double hi)
{
    return exp(ts_U(s, log(lo), log(hi)));
}
static inline int ts_coin(uint64_t *s, double p) { return ts_unit(s) < p; }
static inline double ts_pick(uint64_t *s, const double *v, int k)
{
    return v[ts_u64(s) % (uint64_t)k];
}
static inline double ts_sgn(uint64_t *s) { return ts_coin(s, 0.5) ? 1.0 : -1.0; }
/* a label in {0, 1} half the time, a soft label in (0, 1) otherwise */
static inline double ts_label01(uint64_t *s)
{
    if (ts_coin(s, 0.5)) return ts_coin(s, 0.5) ? 1.0 : 0.0;
    return ts_U(s, 0.0, 1.0);
}
/* a probability, also close to 0 and 1 */
static inline double ts_prob(uint64_t *s)
{
    const double u = ts_unit(s);
    if (u < 0.8) return ts_U(s, 0.0, 1.0);
    if (u < 0.9) return ts_LU(s, 1e-6, 1e-2);
    return 1.0 - ts_LU(s, 1e-6, 1e-2);
}
/* Poisson-like counts, some not integers */
static inline double ts_count(uint64_t *s)
{
    if (ts_coin(s, 0.6)) return floor(ts_U(s, 0.0, 9.0));
    return ts_U(s, 0.0, 6.0);
}

/* ---- float64 helpers for the references ----------------------------------------------------- */
#define TS_LN2 0.69314718055994530942
#define TS_HALF_LOG_2PI 0.91893853320467274178 /* 0.5 log(2 pi) */
#define TS_2PI 6.28318530717958647692
/* Keras' and ALE's eps = 1e-7 and the float32 constants around it */
static inline double ts_eps7(void) { return (double)1e-7f; }
static inline double ts_one_plus_eps7(void) { return (double)(float)(1.0 + (double)1e-7f); }
static inline double ts_one_minus_eps7(void) { return (double)(float)(1.0 - (double)1e-7f); }
static inline double ts_clip(double v, double lo, double hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}
static inline double ts_min(double a, double b) { return a < b ? a : b; }
/* softplus(z) = log(1 + e^z), stable */
static inline double ts_softplus(double z) { return (z > 0 ? z : 0.0) + log1p(exp(-fabs(z))); }
static inline double ts_sigmoid(double z)
{
    if (z >= 0) return 1.0 / (1.0 + exp(-z));
    const double e = exp(z);
    return e / (1.0 + e);
}
/* q^g with q^0 = 1 */
static inline double ts_pow(double q, double g) { return g == 0.0 ? 1.0 : pow(q, g); }
/* g q^(g-1): the derivative factor, 0 for g = 0 */
static inline double ts_dpow(double q, double g) { return g == 0.0 ? 0.0 : g * pow(q, g - 1.0); }
/* |g (g-1)| q^(g-2): the sensitivity of ts_dpow to an error in q */
static inline double ts_ddpow(double q, double g)
{
    if (g == 0.0 || g == 1.0) return 0.0;
    return fabs(g * (g - 1.0)) * pow(q, g - 2.0);
}

#endif
