/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The benchmark's cases from the registry (src/losses.def), through the
 * tests' generated callers (tests/calls.c, tests/class_calls.c): C, because
 * the registry's tables are built with designated initialisers. A loss added
 * to the registry is benchmarked with no edit here.
 */
#ifndef BENCH_REGISTRY_CALLS_H
#define BENCH_REGISTRY_CALLS_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"
#include "simdloss.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The number of elementwise losses (SL_K_NELEM), in registry order. */
int bench_nelem(void);

/* What the registry says of loss k (0 <= k < bench_nelem()): name, nin,
 * ntgt, ncyc, ncg, the SL_D_* domain of every array (in_dom, tgt_dom,
 * cyc[j].dom), cyc[j].grad != NULL for a required cyclic array with a
 * gradient (CYCG), sleef[] = SLEEF calls per element (log, exp, log1p,
 * expm1, pow), pf[] / pi[] with their defaults, ref_lib / ref_fn. */
const sl_elem_info *bench_elem(int k);

/* simdloss_<name>_f32 of loss k on n elements with the registry's default
 * parameters: inputs in[0 .. nin), targets tgt[0 .. ntgt); a cyclic array
 * (CYC) is NULL (all ones); a required one with a gradient (CYCG) is cyc[j],
 * n values, its gradient output NULL. grad[j] is input j's gradient output
 * (NULL: none); grad itself may be NULL (no gradients). Returns the call's
 * status, SIMDLOSS_EINVAL for a k out of range. */
int bench_call(int k, size_t n, const float *const *in, const float *const *tgt,
               const float *const *cyc, simdloss_reduction red, float *loss, float *const *grad);

/* The number of class-dimension losses (SL_R_NCLASS), in registry order. */
int bench_nclass(void);

/* What the registry says of class loss k (0 <= k < bench_nclass()): name,
 * bf16, inner, x_dom (SL_D_LOGIT, SL_D_LOGPROB, SL_D_PROB or SL_D_REAL),
 * x2[j] (the further inputs of the input's shape, X2: NULL past the last),
 * target (SL_T_*), tgt_dist (SL_TD_* of float and row targets), sleef[],
 * ref_lib / ref_fn. */
const sl_class_info *bench_class(int k);

/* simdloss_<name> of class loss k with the registry's defaults (no weights,
 * ignore_index -100, alpha one value at its default): x float or uint16_t
 * (bf16), ti class indices or label rows, tf float targets (of the input's
 * shape, or one per row: SL_T_ROW), grad of the input's type or NULL. A loss
 * with further inputs (info->x2[j] != NULL) takes them from x2[j] and writes
 * their gradients to g2[j] (NULL: not wanted); x2 and g2 are read only for
 * such a loss, and g2 itself may be NULL (no gradients of them). Returns the
 * call's status, SIMDLOSS_EINVAL for a k out of range. */
int bench_class_call(int k, size_t batch, size_t classes, size_t inner, const void *x,
                     const int64_t *ti, const float *tf, const float *const *x2,
                     simdloss_reduction red, float *loss, void *grad, float *const *g2);

#ifdef __cplusplus
}
#endif

#endif
