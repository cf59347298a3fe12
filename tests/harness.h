/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared test harness: the ISA loop, every elementwise loss of the registry
 * behind one signature with its test data, float comparisons, and the suite
 * runner that enforces SIMDLOSS_REQUIRE_ISAS.
 */
#ifndef TL_HARNESS_H
#define TL_HARNESS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "calls.h"
#include "simdloss.h"
#include "spec.h"

/* ---- the kernel tables: loop tests run over every compiled table ------ */
/* Tables compiled into the library (simdloss_table), best first. */
int tl_ntables(void);
/* Pins table t for the rest of this test. Returns 0 (and the test should
 * return) when it is not runnable here; tl_main reports those. */
int tl_use_table(int t);
/* Name of the pinned table, for failure messages ("?" before any). */
const char *tl_table(void);
const char *tl_table_name(int t);
int tl_table_runnable(int t);
/* bitwise identical to the other exact tables (every table but scalar-nofma) */
int tl_table_exact(int t);
/* The public ISA enum's size, for the ISA-control tests. */
#define TL_NISA 4

/* The arguments of a branch's data: arrays, parameters and the prescan's
 * flags. Cyclic lengths are resolved (TS_N: n). */
typedef struct {
    size_t n;
    float *in[SL_MAX_IN], *tgt[SL_MAX_TGT], *cyc[SL_MAX_CYC];
    size_t cyc_len[SL_MAX_CYC];
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    int flags;
} tl_data;

/* n values of every array of loss k from branch b's generator (edges: with
 * kinks and ties), reproducible from seed; cyclic arrays of the branch's
 * lengths. n must be a multiple of every cyclic length. */
void tl_data_make(tl_data *d, int k, const ts_branch *b, size_t n, int edges, uint64_t seed);
void tl_data_free(tl_data *d);
/* The prescan's flags for d (hinge's 0/1 test), as the library decides them. */
int tl_data_flags(int k, const tl_data *d);
/* Arguments of a call on d (outputs and reduction left empty). */
void tl_args_of(tl_args *a, const tl_data *d);
/* Element i of d in double, for the reference. */
void tl_elem_of(ts_elem *e, int k, const tl_data *d, size_t i);
/* Element i of a call's arguments, with the prescan's flags. */
void tl_elem_at(ts_elem *e, int k, const tl_args *a, int flags, size_t i);
/* The reference at e (kink and sing preset to INFINITY). */
void tl_ref(int k, const ts_elem *e, ts_ref *r);
/* The cyclic lengths of b that n must be a multiple of (their lcm, 1 if none). */
size_t tl_branch_multiple(int k, const ts_branch *b);
/* "simdloss_<name>_f32" */
const char *tl_fn(int k);
/* A seed from strings and a number (FNV-1a). */
uint64_t tl_seed(const char *a, const char *b, uint64_t n);
/* FNV-1a of `bytes` bytes, continuing from h (start: TL_HASH_START): a
 * bitwise fingerprint of outputs */
#define TL_HASH_START 14695981039346656037ull
uint64_t tl_hash_bytes(uint64_t h, const void *p, size_t bytes);

/* ---- floats ------------------------------------------------------------ */
uint32_t tl_bits(float v);
float tl_from_bits(uint32_t b);
/* The hex float32 bit patterns of a golden-file line after its key, into
 * out[0..max) (more than max fails the test); returns their number. */
size_t tl_hex_floats(char *rest, float *out, size_t max);
/* Distance in units in the last place (0 for +0 vs -0; huge across NaN). */
uint64_t tl_ulps(float a, float b);
/* got matches want: both NaN; or equal (infinities included); or within
 * max_ulps; or |got - want| <= rel * |want| + abs_scale. */
int tl_close(float got, float want, unsigned max_ulps, double rel, double abs_scale);
/* The elementwise tolerance (docs/semantics.md, "Test tolerances"): 4 ulp, or
 * rel 1e-6 + abs 1e-7 * scale. */
int tl_close_elem(float got, float want, double scale);
/* Largest finite |v| of an array (at least tiny), the "scale" of a case. */
double tl_scale(const float *v, size_t n);

/* Deterministic random numbers (splitmix64), so failures reproduce. */
/* Shewchuk's exact sum of n doubles (Python's math.fsum), rounded once;
 * infinities and NaN by IEEE rules. */
double tl_fsum(const double *v, size_t n);
/* Values just outside a float parameter's range (NaN, the neighbours of its
 * ends, infinities), and inside it at its ends; at most 16. */
int tl_out_of_range(const sl_range *r, float *v);
int tl_in_range(const sl_range *r, float *v);
uint64_t tl_rand_u64(uint64_t *state);
double tl_rand_unit(uint64_t *state); /* [0, 1) */
double tl_rand_normal(uint64_t *state);

/* Runs body(ctx) in a child process whose address space is capped at bytes
 * (RLIMIT_AS) and fails the test unless body returned 1: the way to reach an
 * allocation failure. Callers skip it under ASan, which reserves more
 * address space than any cap allows. */
void tl_in_capped_child(size_t bytes, int (*body)(void *ctx), void *ctx);

/* ---- runner ------------------------------------------------------------ */
/* Prints the runnable and skipped ISAs, fails when SIMDLOSS_REQUIRE_ISAS
 * names one that is not runnable, runs the suite; returns the exit code. */
int tl_main(Suite *s);

#endif
