/* Entry points: bce, bce_with_logits. Kernels in src/kernels/<name>.h. */
#include "call.h"

SIMDLOSS_API int simdloss_bce_f32(size_t n, const float *input, const float *target,
                                  const float *weight, size_t weight_len,
                                  simdloss_reduction reduction, float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_bce_f32");
    if ((rc = sl_aux(&c, 0, "weight", weight, weight_len))) return rc;
    return sl_run(&c, SL_K_bce, 1.0, "is outside [0, 1]");
}

SIMDLOSS_API int simdloss_bce_with_logits_f32(size_t n, const float *input, const float *target,
                                              const float *weight, size_t weight_len,
                                              const float *pos_weight, size_t pos_weight_len,
                                              simdloss_reduction reduction, float *loss,
                                              float *grad_input)
{
    SL_BEGIN("simdloss_bce_with_logits_f32");
    if ((rc = sl_aux(&c, 0, "weight", weight, weight_len))) return rc;
    if ((rc = sl_aux(&c, 1, "pos_weight", pos_weight, pos_weight_len))) return rc;
    if (pos_weight) c.a.flags |= SL_F_POS_WEIGHT;
    return sl_run(&c, SL_K_bce_with_logits, 1.0, NULL);
}
