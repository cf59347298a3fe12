/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The common path of every class-dimension entry point: validate shapes and
 * targets, run the kernel over chunks of positions, reduce in the canonical
 * order, report.
 */
#ifndef SL_CLASS_CALL_H
#define SL_CLASS_CALL_H

#include "internal.h"

typedef struct {
    const char *fn; /* public name, for messages */
    simdloss_reduction red;
    float *out;  /* the caller's loss pointer */
    size_t npos; /* batch * inner */
    sl_rargs a;
} sl_ccall;

/* Checks what every class-dimension loss shares: the reduction, the sizes
 * (classes == 0 or inner == 0 with batch > 0, overflow), input NULL, loss
 * and grad both NULL. grad is float or bfloat16. */
SL_HIDDEN int sl_cbegin(sl_ccall *c, const char *fn, size_t batch, size_t classes, size_t inner,
                        const void *input, simdloss_reduction reduction, float *loss, void *grad);
/* label_smoothing in [0, 1] (NaN is not). */
SL_HIDDEN int sl_check_smoothing(const sl_ccall *c, float label_smoothing);
/* Every class-index target (one per position) in [0, classes) or equal to
 * ignore_index (when use_ignore); else SIMDLOSS_EDOMAIN naming the first.
 * *wsum receives the sum of weight[t] (1 each without weights) over the
 * targets that are not ignored, in position order. */
SL_HIDDEN int sl_check_targets(const sl_ccall *c, const int64_t *target, const float *weight,
                               int64_t ignore_index, int use_ignore, double *wsum);
/* Sum over classes of the weights (classes without weights), rounded once. */
SL_HIDDEN float sl_weight_total(const float *weight, size_t classes);

/* How a call turns the kernel's per-position terms into its results. */
typedef struct {
    sl_rkernel k;   /* the kernel (or a plain C function with the same shape) */
    int two;        /* the kernel also writes a second term l1 */
    float f0, f1;   /* NONE: loss = f0 l0 + f1 l1 (f0 = 1, f1 = 0 for one term) */
    double d0, d1;  /* MEAN = f0 sum(l0) / d0 + f1 sum(l1) / d1; SUM = f0 sum(l0) + f1 sum(l1) */
    size_t scratch; /* floats of scratch the kernel needs */
} sl_cplan;

/* k * classes floats of scratch, saturated: sl_crun reports SIMDLOSS_ENOMEM
 * for a size that does not fit. */
static inline size_t sl_scratch(size_t k, size_t classes)
{
    return classes > SIZE_MAX / sizeof(float) / k ? SIZE_MAX : k * classes;
}

/* The arguments of one call of a class-dimension loss, as the generated
 * entry point (src/entry_points.c) packs them. */
typedef struct sl_class_call {
    size_t batch, classes, inner;
    const void *x; /* float or uint16_t */
    const int64_t *ti;
    const float *tf;
    const int64_t *tl;
    const int64_t *rl;  /* row labels (RLAB), or NULL */
    const float *x2[2]; /* more inputs (X2) */
    float *g2[2];       /* their gradients */
    const float *w, *alpha;
    size_t alpha_len;
    int64_t ignore;
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    simdloss_reduction red;
    float *loss;
    void *grad;
    const simdloss_ce_options *ce; /* cross_entropy_ex's options, or NULL */
    const char *fn;                /* the public name, when not the registry's */
} sl_class_call;

/* What the registry says of each class-dimension loss, by kernel number. */
SL_HIDDEN extern const sl_class_info sl_class_infos[SL_R_NCLASS];

/* Checks what the registry describes (shape, reduction, outputs, parameter
 * ranges, NULL target, alpha, every target), then runs loss `id`'s plan
 * (sl_plan_<name>, in its kernel header). */
SL_HIDDEN int sl_class(int id, const sl_class_call *q);

/* Runs the plan over every position and writes the loss. */
SL_HIDDEN int sl_crun(sl_ccall *c, const sl_cplan *p);
/* Runs k over every batch row (positions in whole rows), on threads, for a
 * pass that writes its rows and sums nothing; batch > 0. */
SL_HIDDEN void sl_crun_rows(sl_ccall *c, sl_rkernel k);
/* The active table's class kernel `id`, or NULL (with the error set) when
 * this build has none. */
SL_HIDDEN sl_rkernel sl_rkernel_of(const sl_ccall *c, int id);

#endif
