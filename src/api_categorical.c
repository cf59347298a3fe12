/* Entry points: Keras 3 categorical_crossentropy, categorical_hinge and
 * categorical_focal on rows of `classes` probabilities (inner = 1). Kernels
 * in src/kernels/categorical.h. MEAN is Keras' sum_over_batch_size: the sum
 * of the row losses divided by batch. */
#include "class_call.h"

/* What the three share: shapes, outputs, targets; the gradient factor. */
static int cat_begin(sl_ccall *c, const char *fn, size_t batch, size_t classes, const float *probs,
                     const float *target, simdloss_reduction reduction, float *loss, float *grad)
{
    int rc = sl_cbegin(c, fn, batch, classes, 1, probs, reduction, loss, grad);
    if (rc) return rc;
    if (batch > 0 && !target) return sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    c->a.tf = target;
    c->a.gn = reduction == SIMDLOSS_MEAN && batch > 0 ? (float)(1.0 / (double)batch) : 1.0f;
    return SIMDLOSS_OK;
}

/* Keras: y_true * (1.0 - label_smoothing) + label_smoothing / num_classes,
 * in float32, only when label_smoothing is not 0. */
static void cat_smoothing(sl_ccall *c, float label_smoothing)
{
    if (label_smoothing == 0.0f || c->a.classes == 0) return;
    c->a.flags |= SL_CE_SMOOTH;
    c->a.p[2] = 1.0f - label_smoothing;
    c->a.p[3] = label_smoothing / (float)c->a.classes;
}

static int cat_run(sl_ccall *c, int id)
{
    const sl_rkernel k = sl_rkernel_of(c, id);
    if (!k) return SIMDLOSS_ENOTSUP;
    const sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c->npos, 1.0, 0};
    return sl_crun(c, &p);
}

int simdloss_categorical_crossentropy_f32(size_t batch, size_t classes, const float *probs,
                                          const float *target, float label_smoothing,
                                          simdloss_reduction reduction, float *loss,
                                          float *grad_probs)
{
    sl_ccall c;
    int rc = cat_begin(&c, "simdloss_categorical_crossentropy_f32", batch, classes, probs, target,
                       reduction, loss, grad_probs);
    if (!rc) rc = sl_check_smoothing(&c, label_smoothing);
    if (rc) return rc;
    cat_smoothing(&c, label_smoothing);
    return cat_run(&c, SL_R_categorical_crossentropy);
}

int simdloss_categorical_hinge_f32(size_t batch, size_t classes, const float *probs,
                                   const float *target, simdloss_reduction reduction, float *loss,
                                   float *grad_probs)
{
    sl_ccall c;
    const int rc = cat_begin(&c, "simdloss_categorical_hinge_f32", batch, classes, probs, target,
                             reduction, loss, grad_probs);
    if (rc) return rc;
    return cat_run(&c, SL_R_categorical_hinge);
}

int simdloss_categorical_focal_f32(size_t batch, size_t classes, const float *probs,
                                   const float *target, const float *alpha, size_t alpha_len,
                                   float gamma, float label_smoothing, simdloss_reduction reduction,
                                   float *loss, float *grad_probs)
{
    sl_ccall c;
    const char *fn = "simdloss_categorical_focal_f32";
    int rc = cat_begin(&c, fn, batch, classes, probs, target, reduction, loss, grad_probs);
    if (!rc) rc = sl_check_smoothing(&c, label_smoothing);
    if (rc) return rc;
    if (!(gamma >= 0.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: gamma = %.9g must be >= 0", fn, (double)gamma);
    if (!alpha) return sl_fail(SIMDLOSS_EINVAL, "%s: alpha is NULL", fn);
    if (alpha_len != 1 && alpha_len != classes)
        return sl_fail(SIMDLOSS_EINVAL, "%s: alpha_len = %zu is neither 1 nor classes = %zu", fn,
                       alpha_len, classes);
    if (alpha_len == 0) return sl_fail(SIMDLOSS_EINVAL, "%s: alpha_len = 0", fn);
    sl_rargs *a = &c.a;
    a->p[0] = alpha[0];
    a->p[1] = gamma;
    if (alpha_len > 1) {
        a->w = alpha;
        a->flags |= SL_CE_W;
    }
    a->flags |= sl_pow_flags(gamma);
    cat_smoothing(&c, label_smoothing);
    return cat_run(&c, SL_R_categorical_focal);
}
