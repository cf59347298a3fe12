/* Entry points: ale, binary_focal, sigmoid_focal. Kernels in src/kernels/<name>.h. */
#include "call.h"

SIMDLOSS_API int simdloss_ale_f32(size_t n, const float *input, const float *target, float alpha,
                                  float gamma, float label_smoothing, simdloss_reduction reduction,
                                  float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_ale_f32");
    if (!(alpha >= 0.0f && alpha <= 1.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: alpha = %g is outside [0, 1]", c.fn, (double)alpha);
    if (!(gamma == 0.0f || gamma >= 1.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: gamma = %g must be 0 or >= 1", c.fn, (double)gamma);
    if (!(label_smoothing >= 0.0f && label_smoothing <= 0.5f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: label_smoothing = %g is outside [0, 0.5]", c.fn,
                       (double)label_smoothing);
    c.a.p[0] = alpha;
    c.a.p[1] = gamma;
    c.a.p[2] = label_smoothing;
    c.a.flags = sl_pow_flags(gamma) | (alpha > 0.0f ? SL_F_ALPHA : 0);
    return sl_run(&c, SL_K_ale, 1.0, NULL);
}

/* gamma >= 0 (+inf included); alpha <= 1 (negative, -inf included: no
 * weighting). NaN is neither. */
static int sl_focal_params(const sl_call *c, float gamma, float alpha)
{
    if (!(gamma >= 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: gamma = %g must be >= 0", c->fn, (double)gamma);
    if (!(alpha <= 1.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: alpha = %g must be <= 1 (negative disables it)", c->fn,
                       (double)alpha);
    return SIMDLOSS_OK;
}

SIMDLOSS_API int simdloss_binary_focal_f32(size_t n, const float *input, const float *target,
                                           float gamma, float alpha, float label_smoothing,
                                           simdloss_reduction reduction, float *loss,
                                           float *grad_input)
{
    SL_BEGIN("simdloss_binary_focal_f32");
    if ((rc = sl_focal_params(&c, gamma, alpha))) return rc;
    if (!(label_smoothing >= 0.0f && label_smoothing <= 1.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: label_smoothing = %g is outside [0, 1]", c.fn,
                       (double)label_smoothing);
    c.a.p[0] = gamma;
    c.a.p[1] = alpha;
    c.a.p[2] = label_smoothing;
    c.a.flags = sl_pow_flags(gamma) | (alpha >= 0.0f ? SL_F_ALPHA : 0) |
                (label_smoothing != 0.0f ? SL_F_SMOOTH : 0);
    return sl_run(&c, SL_K_binary_focal, 1.0, NULL);
}

SIMDLOSS_API int simdloss_sigmoid_focal_f32(size_t n, const float *input, const float *target,
                                            float alpha, float gamma, simdloss_reduction reduction,
                                            float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_sigmoid_focal_f32");
    if ((rc = sl_focal_params(&c, gamma, alpha))) return rc;
    c.a.p[0] = alpha;
    c.a.p[1] = gamma;
    c.a.flags = sl_pow_flags(gamma) | (alpha >= 0.0f ? SL_F_ALPHA : 0);
    return sl_run(&c, SL_K_sigmoid_focal, 1.0, NULL);
}
