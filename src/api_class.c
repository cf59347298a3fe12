/* Entry points: softmax cross-entropy (class-index and probability targets,
 * float32 and bfloat16) and NLL. */
#include "class_call.h"

/* MEAN of the index-target losses divides both parts by the sum of the
 * targets' weights (PyTorch 1.13, also with label smoothing). */
static int ce_index(const char *fn, int bf16, size_t batch, size_t classes, size_t inner,
                    const void *logits, const int64_t *target, const float *weight,
                    int64_t ignore_index, float label_smoothing, simdloss_reduction reduction,
                    float *loss, void *grad)
{
    sl_ccall c;
    double wsum = 0.0;
    int rc = sl_cbegin(&c, fn, batch, classes, inner, logits, reduction, loss, grad);
    if (!rc) rc = sl_check_smoothing(&c, label_smoothing);
    if (!rc) rc = sl_check_targets(&c, target, weight, ignore_index, 1, &wsum);
    if (rc) return rc;
    const sl_rkernel k = sl_rkernel_of(&c, bf16 ? SL_R_cross_entropy_bf16 : SL_R_cross_entropy_f32);
    if (!k) return SIMDLOSS_ENOTSUP;

    const int smooth = label_smoothing > 0.0f;
    sl_cplan p = {k,
                  smooth,
                  (float)(1.0 - (double)label_smoothing),
                  (float)((double)label_smoothing / (double)classes),
                  wsum,
                  wsum,
                  0};
    sl_rargs *a = &c.a;
    a->ti = target;
    a->w = weight;
    a->ignore = ignore_index;
    a->flags = (weight ? SL_CE_W : 0) | (smooth ? SL_CE_SMOOTH : 0);
    /* with no position, `classes` may exceed any array: nothing is read */
    a->wsum = c.npos ? sl_weight_total(weight, classes) : 0.0f;
    a->gn = reduction == SIMDLOSS_MEAN ? (float)((double)p.f0 / wsum) : p.f0;
    a->gs = smooth ? (reduction == SIMDLOSS_MEAN ? (float)((double)p.f1 / wsum) : p.f1) : 0.0f;
    if (!sl_rowwise(classes, inner))
        p.scratch =
            sl_scratch(16 * (sl_col_groups(classes) + 1), classes); /* tiles, a block of rows */
    else if (bf16 && grad)
        p.scratch = classes; /* the row's exponentials */
    return sl_crun(&c, &p);
}

int simdloss_cross_entropy_f32(size_t batch, size_t classes, size_t inner, const float *logits,
                               const int64_t *target, const float *weight, int64_t ignore_index,
                               float label_smoothing, simdloss_reduction reduction, float *loss,
                               float *grad_logits)
{
    return ce_index("simdloss_cross_entropy_f32", 0, batch, classes, inner, logits, target, weight,
                    ignore_index, label_smoothing, reduction, loss, grad_logits);
}

int simdloss_cross_entropy_bf16(size_t batch, size_t classes, size_t inner, const uint16_t *logits,
                                const int64_t *target, const float *weight, int64_t ignore_index,
                                float label_smoothing, simdloss_reduction reduction, float *loss,
                                uint16_t *grad_logits)
{
    return ce_index("simdloss_cross_entropy_bf16", 1, batch, classes, inner, logits, target, weight,
                    ignore_index, label_smoothing, reduction, loss, grad_logits);
}

int simdloss_cross_entropy_probs_f32(size_t batch, size_t classes, size_t inner,
                                     const float *logits, const float *target, const float *weight,
                                     float label_smoothing, simdloss_reduction reduction,
                                     float *loss, float *grad_logits)
{
    sl_ccall c;
    const char *fn = "simdloss_cross_entropy_probs_f32";
    int rc = sl_cbegin(&c, fn, batch, classes, inner, logits, reduction, loss, grad_logits);
    if (!rc) rc = sl_check_smoothing(&c, label_smoothing);
    if (!rc && batch > 0 && !target) rc = sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    if (rc) return rc;
    const sl_rkernel k = sl_rkernel_of(&c, SL_R_cross_entropy_probs);
    if (!k) return SIMDLOSS_ENOTSUP;
    sl_cplan p = {k, 0, 1.0f, 0.0f, (double)c.npos, 1.0, 0};
    sl_rargs *a = &c.a;
    a->tf = target;
    a->w = weight;
    a->flags = weight ? SL_CE_W : 0;
    a->p[0] = label_smoothing;
    a->p[1] = (float)(1.0 - (double)label_smoothing);
    a->p[2] = (float)((double)label_smoothing / (double)classes);
    a->gn = reduction == SIMDLOSS_MEAN && c.npos > 0 ? (float)(1.0 / (double)c.npos) : 1.0f;
    if (!sl_rowwise(classes, inner))
        p.scratch = sl_scratch(48, classes); /* logits and targets tiles, a block of rows */
    return sl_crun(&c, &p);
}

int simdloss_nll_f32(size_t batch, size_t classes, size_t inner, const float *logprobs,
                     const int64_t *target, const float *weight, int64_t ignore_index,
                     simdloss_reduction reduction, float *loss, float *grad_logprobs)
{
    sl_ccall c;
    double wsum = 0.0;
    int rc = sl_cbegin(&c, "simdloss_nll_f32", batch, classes, inner, logprobs, reduction, loss,
                       grad_logprobs);
    if (!rc) rc = sl_check_targets(&c, target, weight, ignore_index, 1, &wsum);
    if (rc) return rc;
    sl_rargs *a = &c.a;
    a->ti = target;
    a->w = weight;
    a->ignore = ignore_index;
    a->gn = reduction == SIMDLOSS_MEAN ? (float)(1.0 / wsum) : 1.0f;
    if (loss) {
        const sl_rkernel k = sl_rkernel_of(&c, SL_R_nll);
        if (!k) return SIMDLOSS_ENOTSUP;
        const sl_cplan p = {k, 0, 1.0f, 0.0f, wsum, 1.0, 0};
        rc = sl_crun(&c, &p);
        if (rc) return rc;
    }
    /* after the losses: the gradient may alias the input */
    if (grad_logprobs && batch > 0) {
        const sl_rkernel k = sl_rkernel_of(&c, SL_R_nll_grad);
        if (!k) return SIMDLOSS_ENOTSUP;
        k(a, 0, c.npos, NULL, NULL);
    }
    return SIMDLOSS_OK;
}
