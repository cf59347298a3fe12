/* Entry points: mse, l1, huber, smooth_l1. Kernels in src/kernels/<name>.h. */
#include "call.h"

SIMDLOSS_API int simdloss_mse_f32(size_t n, const float *input, const float *target,
                                  simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_mse_f32");
    return sl_run(&c, SL_K_mse, 2.0, NULL); /* PyTorch's norm = 2/N as one factor */
}

SIMDLOSS_API int simdloss_l1_f32(size_t n, const float *input, const float *target,
                                 simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_l1_f32");
    return sl_run(&c, SL_K_l1, 1.0, NULL);
}

SIMDLOSS_API int simdloss_huber_f32(size_t n, const float *input, const float *target, float delta,
                                    simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_huber_f32");
    if (!(delta > 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: delta = %g must be > 0", c.fn, (double)delta);
    c.a.p[0] = delta;
    return sl_run(&c, SL_K_huber, 1.0, NULL);
}

SIMDLOSS_API int simdloss_smooth_l1_f32(size_t n, const float *input, const float *target,
                                        float beta, simdloss_reduction reduction, float *loss,
                                        float *grad_input)
{
    SL_BEGIN("simdloss_smooth_l1_f32");
    if (!(beta >= 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: beta = %g must be >= 0", c.fn, (double)beta);
    c.a.p[0] = beta;
    return sl_run(&c, SL_K_smooth_l1, 1.0, NULL);
}
