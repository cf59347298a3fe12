/* Entry points: soft_margin, hinge_embedding, kl_div, poisson_nll,
 * gaussian_nll. Kernels in src/kernels/<name>.h. */
#include <stdlib.h>
#include <string.h>

#include "call.h"

SIMDLOSS_API int simdloss_soft_margin_f32(size_t n, const float *input, const float *target,
                                          simdloss_reduction reduction, float *loss,
                                          float *grad_input)
{
    SL_BEGIN("simdloss_soft_margin_f32");
    return sl_run(&c, SL_K_soft_margin, 1.0, NULL);
}

SIMDLOSS_API int simdloss_hinge_embedding_f32(size_t n, const float *input, const float *target,
                                              float margin, simdloss_reduction reduction,
                                              float *loss, float *grad_input)
{
    SL_BEGIN("simdloss_hinge_embedding_f32");
    if (!sl_not_nan(margin)) return sl_fail(SIMDLOSS_EINVAL, "%s: margin is NaN", c.fn);
    c.a.p[0] = margin;
    return sl_run(&c, SL_K_hinge_embedding, 1.0, NULL);
}

SIMDLOSS_API int simdloss_kl_div_f32(size_t n, const float *input, const float *target,
                                     int log_target, simdloss_reduction reduction, float *loss,
                                     float *grad_input)
{
    SL_BEGIN("simdloss_kl_div_f32");
    c.a.flags = log_target ? SL_F_LOG_TARGET : 0;
    return sl_run(&c, SL_K_kl_div, 1.0, NULL);
}

SIMDLOSS_API int simdloss_poisson_nll_f32(size_t n, const float *input, const float *target,
                                          int log_input, int full, float eps,
                                          simdloss_reduction reduction, float *loss,
                                          float *grad_input)
{
    SL_BEGIN("simdloss_poisson_nll_f32");
    if (!(eps > 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: eps = %g must be > 0", c.fn, (double)eps);
    c.a.p[0] = eps;
    c.a.flags = (log_input ? SL_F_LOG_INPUT : 0) | (full ? SL_F_FULL : 0);
    return sl_run(&c, SL_K_poisson_nll, 1.0, NULL);
}

SIMDLOSS_API int simdloss_gaussian_nll_f32(size_t n, const float *input, const float *target,
                                           const float *var, size_t var_len, int full, float eps,
                                           simdloss_reduction reduction, float *loss,
                                           float *grad_input, float *grad_var)
{
    sl_call c;
    int rc =
        sl_begin(&c, "simdloss_gaussian_nll_f32", n, input, target, reduction, loss, grad_input, 0);
    if (rc) return rc;
    if (!loss && !grad_input && !grad_var)
        return sl_fail(SIMDLOSS_EINVAL, "%s: loss, grad_input and grad_var are all NULL", c.fn);
    if (n > 0 && !var) return sl_fail(SIMDLOSS_EINVAL, "%s: var is NULL", c.fn);
    /* also with n == 0, where grad_var still receives var_len zeros */
    if (var_len > SIZE_MAX / sizeof(float))
        return sl_fail(SIMDLOSS_EINVAL, "%s: var_len = %zu floats overflow size_t", c.fn, var_len);
    if (!(eps > 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: eps = %g must be > 0", c.fn, (double)eps);
    if (n > 0) {
        if ((rc = sl_aux(&c, 0, "var", var, var_len))) return rc;
        /* PyTorch raises on a negative variance (NaN passes and gives NaN) */
        sl_args scan = {0};
        scan.aux[0] = var;
        scan.aux_len[0] = var_len;
        sl_active()->k[SL_K_first_negative](&scan);
        if (scan.bad)
            return sl_fail(SIMDLOSS_EINVAL, "%s: var[%zu] = %.9g is negative", c.fn, scan.bad_index,
                           (double)scan.bad_value);
    }
    c.a.p[0] = eps;
    c.a.flags = full ? SL_F_FULL : 0;
    double *acc = NULL;
    /* no element shares a variance: each of the var_len sums is empty */
    if (grad_var && n == 0 && var_len > 0) memset(grad_var, 0, var_len * sizeof *grad_var);
    if (grad_var && n > 0) {
        if (var_len == n) {
            c.a.grad_aux = grad_var;
        } else {
            acc = calloc(var_len, sizeof *acc);
            if (!acc)
                return sl_fail(SIMDLOSS_ENOMEM, "%s: no memory for %zu variance sums", c.fn,
                               var_len);
            c.a.aux_acc = acc;
        }
    }
    rc = sl_run(&c, SL_K_gaussian_nll, 1.0, NULL);
    if (acc) {
        for (size_t j = 0; j < var_len; j++) grad_var[j] = sl_canon1((float)acc[j]);
        free(acc);
    }
    return rc;
}
