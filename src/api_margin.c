/* Entry points: the margin losses over rows of classes (multi_margin,
 * multilabel_margin, multilabel_soft_margin). Kernels in
 * src/kernels/margin.h. */
#include <inttypes.h>

#include "class_call.h"

/* Fills what the three kernels share and runs them: MEAN divides the sum of
 * the row losses by batch; the gradient factor is PyTorch's g = 1 / C (1 /
 * (batch C) for MEAN), formed in double and rounded once. */
static int sl_margin_run(sl_ccall *c, int id, float *loss)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_rargs *a = &c->a;
    if (c->npos > 0)
        a->p[1] = (float)(c->red == SIMDLOSS_MEAN ? 1.0 / ((double)c->npos * (double)a->classes)
                                                  : 1.0 / (double)a->classes);
    if (!loss) a->flags |= SL_MM_NOLOSS;
    sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    if (id == SL_R_multilabel_margin)
        p.scratch = sl_scratch(2, a->classes); /* label mask, counts */
    return sl_crun(c, &p);
}

int simdloss_multi_margin_f32(size_t batch, size_t classes, const float *input,
                              const int64_t *target, int p, float margin, const float *weight,
                              simdloss_reduction reduction, float *loss, float *grad_input)
{
    sl_ccall c;
    const char *fn = "simdloss_multi_margin_f32";
    int rc = sl_cbegin(&c, fn, batch, classes, 1, input, reduction, loss, grad_input);
    if (!rc && p != 1 && p != 2) rc = sl_fail(SIMDLOSS_EINVAL, "%s: p = %d is not 1 or 2", fn, p);
    if (!rc && margin != margin) rc = sl_fail(SIMDLOSS_EINVAL, "%s: margin is NaN", fn);
    if (!rc) rc = sl_check_targets(&c, target, NULL, 0, 0, NULL);
    if (rc) return rc;
    c.a.ti = target;
    c.a.w = weight;
    c.a.p[0] = margin;
    c.a.flags = p == 2 ? SL_MM_P2 : 0;
    return sl_margin_run(&c, SL_R_multi_margin, loss);
}

int simdloss_multilabel_margin_f32(size_t batch, size_t classes, const float *input,
                                   const int64_t *target, simdloss_reduction reduction, float *loss,
                                   float *grad_input)
{
    sl_ccall c;
    const char *fn = "simdloss_multilabel_margin_f32";
    int rc = sl_cbegin(&c, fn, batch, classes, 1, input, reduction, loss, grad_input);
    if (rc) return rc;
    if (batch > 0 && !target) return sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    /* every entry, also after a row's -1, before anything is read or written */
    const int64_t C = (int64_t)classes;
    for (size_t b = 0; b < batch; b++)
        for (size_t k = 0; k < classes; k++) {
            const int64_t t = target[b * classes + k];
            if (t < -1 || t >= C)
                return sl_fail(SIMDLOSS_EDOMAIN,
                               "%s: target[%zu][%zu] = %" PRId64 " is outside [-1, %" PRId64 ")",
                               fn, b, k, t, C);
        }
    c.a.ti = target;
    return sl_margin_run(&c, SL_R_multilabel_margin, loss);
}

int simdloss_multilabel_soft_margin_f32(size_t batch, size_t classes, const float *input,
                                        const float *target, const float *weight,
                                        simdloss_reduction reduction, float *loss,
                                        float *grad_input)
{
    sl_ccall c;
    const char *fn = "simdloss_multilabel_soft_margin_f32";
    int rc = sl_cbegin(&c, fn, batch, classes, 1, input, reduction, loss, grad_input);
    if (rc) return rc;
    if (batch > 0 && !target) return sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    c.a.tf = target;
    c.a.w = weight;
    return sl_margin_run(&c, SL_R_multilabel_soft_margin, loss);
}
