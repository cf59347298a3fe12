/*
 * The common path of every elementwise entry point: validate, set up the
 * kernel arguments, run the active table's kernel, reduce, report.
 */
#ifndef SL_CALL_H
#define SL_CALL_H

#include "internal.h"

typedef struct {
    const char *fn; /* public name, for messages */
    simdloss_reduction red;
    float *out; /* the caller's loss pointer */
    sl_args a;
} sl_call;

/* Checks the arguments every elementwise loss shares. need_out: at least one
 * of loss/grad must be non-NULL (gaussian_nll also counts grad_var). */
SL_HIDDEN int sl_begin(sl_call *c, const char *fn, size_t n, const float *input,
                       const float *target, simdloss_reduction reduction, float *loss, float *grad,
                       int need_out);
/* The common start of an elementwise entry point whose parameters are named
 * n, input, target, reduction, loss, grad_input: declares `c` and `rc`. */
#define SL_BEGIN(name)                                                                             \
    sl_call c;                                                                                     \
    int rc = sl_begin(&c, name, n, input, target, reduction, loss, grad_input, 1);                 \
    if (rc) return rc

/* Cyclic array k (NULL: ones); len must be >= 1 and divide n. */
SL_HIDDEN int sl_aux(sl_call *c, int k, const char *name, const float *p, size_t len);
/* Runs kernel `id` with gradient factor grad_mul (times 1/n for MEAN) and
 * writes the reduced loss. domain: what to say of a bad element (NULL if the
 * loss has no domain check). */
SL_HIDDEN int sl_run(sl_call *c, int id, double grad_mul, const char *domain);
/* SL_POW_* kind of an exponent, shifted into sl_args.flags position. */
SL_HIDDEN int sl_pow_flags(float gamma);
/* 1 if v is a finite float or +inf, for parameter checks */
SL_HIDDEN int sl_not_nan(float v);

#endif
