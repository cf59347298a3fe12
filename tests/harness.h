/*
 * Shared test harness: the ISA loop, a uniform way to call any elementwise
 * loss by name, float comparisons, and the suite runner that enforces
 * SIMDLOSS_REQUIRE_ISAS.
 */
#ifndef TL_HARNESS_H
#define TL_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "simdloss.h"

/* ---- ISA loop: Check loop tests run i = 0 .. TL_NISA-1 ---------------- */
#define TL_NISA 4
/* Pins ISA i for the rest of this test. Returns 0 (and the test should
 * return) when the variant is not runnable here; tl_main reports those. */
int tl_use_isa(int i);
/* Name of the pinned ISA, for failure messages. */
const char *tl_isa(void);

/* ---- every elementwise loss behind one signature ---------------------- */
typedef struct {
    float f[3];        /* float parameters, in the order of the API */
    int i[2];          /* int parameters, in the order of the API */
    const float *aux0; /* bce/bce_with_logits weight, gaussian_nll var */
    size_t aux0_len;
    const float *aux1; /* bce_with_logits pos_weight */
    size_t aux1_len;
} tl_params;

typedef int (*tl_call_fn)(size_t n, const float *x, const float *y, const tl_params *p,
                          simdloss_reduction r, float *loss, float *grad, float *grad_aux);

typedef struct {
    const char *name; /* as in simdloss_<name>_f32 */
    int nf, ni;       /* number of float / int parameters */
    int naux;         /* number of aux arrays (weights, var) */
    tl_call_fn call;
} tl_loss;

extern const tl_loss tl_losses[];
extern const size_t tl_nlosses;
const tl_loss *tl_find(const char *name);
/* Index of a loss in tl_losses[] (-1 if unknown); the K_* names below. */
int tl_index(const char *name);
enum {
    K_MSE,
    K_L1,
    K_HUBER,
    K_SMOOTH_L1,
    K_BCE,
    K_BCE_WITH_LOGITS,
    K_ALE,
    K_BINARY_FOCAL,
    K_SIGMOID_FOCAL,
    K_SOFT_MARGIN,
    K_HINGE_EMBEDDING,
    K_KL_DIV,
    K_POISSON_NLL,
    K_LOG_COSH,
    K_HINGE,
    K_SQUARED_HINGE,
    K_MAPE,
    K_MSLE,
    K_POISSON,
    K_GAUSSIAN_NLL,
    K_N
};

/* ---- floats ------------------------------------------------------------ */
uint32_t tl_bits(float v);
float tl_from_bits(uint32_t b);
/* Distance in units in the last place (0 for +0 vs -0; huge across NaN). */
uint64_t tl_ulps(float a, float b);
/* got matches want: both NaN; or equal (infinities included); or within
 * max_ulps; or |got - want| <= rel * |want| + abs_scale. */
int tl_close(float got, float want, unsigned max_ulps, double rel, double abs_scale);
/* The spec's elementwise tolerance: 4 ulp, or rel 1e-6 + abs 1e-7 * scale. */
int tl_close_elem(float got, float want, double scale);
/* Largest finite |v| of an array (at least tiny), the "scale" of a case. */
double tl_scale(const float *v, size_t n);

/* Deterministic random numbers (splitmix64), so failures reproduce. */
/* Shewchuk's exact sum of n doubles (Python's math.fsum), rounded once;
 * infinities and NaN by IEEE rules. */
double tl_fsum(const double *v, size_t n);
uint64_t tl_rand_u64(uint64_t *state);
double tl_rand_unit(uint64_t *state); /* [0, 1) */
double tl_rand_normal(uint64_t *state);

/* ---- runner ------------------------------------------------------------ */
/* Prints the runnable and skipped ISAs, fails when SIMDLOSS_REQUIRE_ISAS
 * names one that is not runnable, runs the suite; returns the exit code. */
int tl_main(Suite *s);

#endif
