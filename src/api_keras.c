/* Entry points: the Keras elementwise losses log_cosh, hinge, squared_hinge,
 * mape, msle, poisson. Kernels in src/kernels/<name>.h. */
#include "call.h"

SIMDLOSS_API int simdloss_log_cosh_f32(size_t n, const float *input, const float *target,
                                       simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_log_cosh_f32");
    return sl_run(&c, SL_K_log_cosh, 1.0, NULL);
}

/* Keras converts {0, 1} labels to {-1, 1} when every label of the call is 0
 * or 1: one read of the target before the fused pass. */
static int sl_hinge_flags(const sl_call *c)
{
    sl_args scan = {0};
    scan.n = c->a.n;
    scan.y = c->a.y;
    if (scan.n > 0) sl_active()->k[SL_K_all_binary](&scan);
    return scan.bad ? 0 : SL_F_CONVERT;
}

SIMDLOSS_API int simdloss_hinge_f32(size_t n, const float *input, const float *target,
                                    simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_hinge_f32");
    c.a.flags = sl_hinge_flags(&c);
    return sl_run(&c, SL_K_hinge, 1.0, NULL);
}

SIMDLOSS_API int simdloss_squared_hinge_f32(size_t n, const float *input, const float *target,
                                            simdloss_reduction reduction, float *loss,
                                            float *grad_input)
{
    SL_BEGIN("simdloss_squared_hinge_f32");
    c.a.flags = sl_hinge_flags(&c);
    return sl_run(&c, SL_K_squared_hinge, 1.0, NULL);
}

SIMDLOSS_API int simdloss_mape_f32(size_t n, const float *input, const float *target,
                                   simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_mape_f32");
    return sl_run(&c, SL_K_mape, 1.0, NULL);
}

SIMDLOSS_API int simdloss_msle_f32(size_t n, const float *input, const float *target,
                                   simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_msle_f32");
    return sl_run(&c, SL_K_msle, 1.0, NULL);
}

SIMDLOSS_API int simdloss_poisson_f32(size_t n, const float *input, const float *target,
                                      simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_poisson_f32");
    return sl_run(&c, SL_K_poisson, 1.0, NULL);
}
