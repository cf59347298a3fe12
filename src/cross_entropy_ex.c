/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_cross_entropy_ex_f32: cross-entropy's entry point with the
 * language-model options (src/kernels/cross_entropy.h computes them).
 */
#include <float.h>

#include "class_call.h"

static int sl_check_option(const char *fn, const char *name, float v)
{
    if (v >= 0.0f && v <= FLT_MAX) return SIMDLOSS_OK;
    return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %.9g must be finite and >= 0", fn, name, (double)v);
}

SIMDLOSS_API int
simdloss_cross_entropy_ex_f32(size_t batch, size_t classes, size_t inner, const float *logits,
                              const int64_t *target, const float *weight, int64_t ignore_index,
                              float label_smoothing, const simdloss_ce_options *options,
                              simdloss_reduction reduction, float *loss, float *grad_logits)
{
    static const char fn[] = "simdloss_cross_entropy_ex_f32";
    int rc;
    if (options && ((rc = sl_check_option(fn, "options->z_loss", options->z_loss)) ||
                    (rc = sl_check_option(fn, "options->softcap", options->softcap))))
        return rc;
    /* zero options are no options: the plain kernels, the same bits */
    const int none = !options || (options->z_loss == 0.0f && options->softcap == 0.0f &&
                                  !options->lse && !options->argmax);
    sl_class_call q = {0};
    q.batch = batch;
    q.classes = classes;
    q.inner = inner;
    q.x = logits;
    q.grad = grad_logits;
    q.ti = target;
    q.w = weight;
    q.ignore = ignore_index;
    q.pf[0] = label_smoothing;
    q.red = reduction;
    q.loss = loss;
    q.ce = none ? NULL : options;
    q.fn = fn;
    return sl_class(SL_R_cross_entropy_f32, &q);
}
