/*
 * Losses over a class dimension: an independent double-precision reference
 * written from docs/semantics.md, "Reductions" and "Class-dimension losses"
 * (not from the library's kernels), plus one uniform way to call any of the library's
 * class-dimension functions (used by test_class_reference, test_class_cross_isa
 * and test_class_api).
 *
 * The reference evaluates one position (one row of `classes` values) at a
 * time. Besides the loss and its gradient it describes how accurately a
 * float32 evaluation can be expected to match:
 *   mag    the magnitude of the terms of the loss formula (sum of |term| over
 *          the additive terms, plus the sensitivity to intermediates a float
 *          evaluation must round: the row maximum and log-sum-exp, 1 - o for
 *          the focal factor); 1e-6 * mag is about 8 float ulps of it;
 *   gmag   the same for each class's gradient formula (a sum over the classes
 *          that the gradient subtracts, as in Keras' (u[k] - sum_c u[c] o[c]) / S,
 *          counts 1 + sqrt(classes) / 4 times: the rounding of a float sum
 *          grows like the square root of its length);
 *   kink   per class: distance from x[c] to the nearest point where the loss
 *          or its derivative is not smooth (hinge and max kinks, ties of the
 *          maximum, clip boundaries), in units of x[c]; INFINITY if none;
 *   sing   per class: distance from x[c] to the nearest singularity of a
 *          derivative (log at 0, (1 - o)^gamma at o = 1): central finite
 *          differences must use a step well below min(kink, sing).
 */
#ifndef CR_CLASS_REFERENCE_H
#define CR_CLASS_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "simdloss.h"

/* The class-dimension functions of simdloss.h. */
typedef enum {
    CR_CE,       /* simdloss_cross_entropy_f32 */
    CR_CE_PROBS, /* simdloss_cross_entropy_probs_f32 */
    CR_CE_BF16,  /* simdloss_cross_entropy_bf16 */
    CR_NLL,      /* simdloss_nll_f32 */
    CR_CCE,      /* simdloss_categorical_crossentropy_f32 */
    CR_CHINGE,   /* simdloss_categorical_hinge_f32 */
    CR_CFOCAL,   /* simdloss_categorical_focal_f32 */
    CR_MMARGIN,  /* simdloss_multi_margin_f32 */
    CR_MLMARGIN, /* simdloss_multilabel_margin_f32 */
    CR_MLSOFT,   /* simdloss_multilabel_soft_margin_f32 */
    CR_NKINDS
} cr_kind;

/* What the target argument of a kind is. */
enum {
    CR_T_INDEX,     /* int64, one per position */
    CR_T_FLOAT,     /* float, the input's shape */
    CR_T_MULTILABEL /* int64, the input's shape (-1-terminated rows) */
};

typedef struct {
    const char *name;  /* full function name, "simdloss_cross_entropy_f32" */
    const char *input; /* name of the input argument: logits, logprobs, probs, input */
    int has_inner;     /* takes `inner` */
    int target;        /* CR_T_* */
    int has_weight;    /* optional per-class weight */
    int has_ignore;    /* ignore_index */
    int has_ls;        /* label_smoothing */
    int bf16;          /* uint16_t input and gradient */
} cr_info;

extern const cr_info cr_infos[CR_NKINDS];

/* Parameters of one call (those a kind does not take are ignored). */
typedef struct {
    const float *weight; /* NULL or `classes` values */
    int64_t ignore_index;
    float label_smoothing;
    int p;
    float margin;
    const float *alpha; /* categorical_focal */
    size_t alpha_len;
    float gamma;
} cr_params;

/* Default parameters: no weight, ignore_index -100, ls 0, p 1, margin 1,
 * alpha = one value 0.25 (static storage), gamma 2. */
cr_params cr_default_params(void);

/* Calls the library function of `kind`. x: float (uint16_t for bf16) input;
 * ti: int64 targets (index / multilabel kinds); tf: float targets; grad:
 * float (uint16_t for bf16) gradient. Arguments a kind does not take are
 * ignored (inner must then be 1). */
int cr_call(int kind, size_t batch, size_t classes, size_t inner, const void *x, const int64_t *ti,
            const float *tf, const cr_params *p, simdloss_reduction red, float *loss, void *grad);

/* ---- the reference -------------------------------------------------------- */
typedef struct {
    double value; /* the position's loss */
    double mag;   /* magnitude of its terms */
    double div;   /* its contribution to MEAN's divisor (w[y], 0 if ignored, else 1) */
} cr_res;

/* One position. x: `classes` input values; t: `classes` float targets
 * (probs, Keras and multilabel_soft kinds) or NULL; ti: the class index
 * (one value) or the multilabel row (`classes` values) or NULL. grad, gmag,
 * kink, sing: `classes` values each, or NULL. For CR_CE_BF16 this is the
 * float32 function on the widened logits, i.e. CR_CE. */
void cr_eval(int kind, size_t classes, const cr_params *p, const double *x, const double *t,
             const int64_t *ti, cr_res *r, double *grad, double *gmag, double *kink, double *sing);

/* bfloat16 helpers: round to nearest even (every NaN -> 0x7FC0) and widen. */
uint16_t cr_bf16_round(float v);
float cr_bf16_widen(uint16_t b);

#endif
