/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_linear_cross_entropy_f32: a linear layer's cross-entropy a chunk
 * of rows at a time (include/simdloss_linear.h). Per chunk: the logits by
 * one sgemm (the bias copied in first), the core's cross-entropy turning
 * them into their gradient in place (NONE: per-row losses, factor 1), then
 * the gradient products with the reduction's factor as the sgemm's alpha.
 */
#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"

/* Every check of the call, before anything is written; *kept receives the
 * number of targets that are not ignore_index. */
static int sl_lin_ce_check(size_t batch, size_t dim, size_t vocab, const float *hidden,
                           const float *weight, const float *bias, const int64_t *target,
                           int64_t ignore_index, float label_smoothing,
                           const simdloss_ce_options *options, simdloss_reduction reduction,
                           const float *loss, const float *grad_hidden, const float *grad_weight,
                           const float *grad_bias, size_t *kept)
{
    static const char fn[] = "simdloss_linear_cross_entropy_f32";
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                           (int)reduction);
    if (!loss && !grad_hidden && !grad_weight && !grad_bias &&
        !(options && (options->lse || options->argmax)))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: no output (loss, gradients, lse, argmax all NULL)",
                           fn);
    if (grad_bias && !bias) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: grad_bias without a bias", fn);
    if (batch > 0 && vocab == 0)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: vocab = 0 with batch = %zu", fn, batch);
    /* the BLAS takes int sizes and leading dimensions; byte counts fit size_t */
    if (batch > INT_MAX || dim > INT_MAX || vocab > INT_MAX ||
        (dim && (batch > SIZE_MAX / sizeof(float) / dim || vocab > SIZE_MAX / sizeof(float) / dim)))
        return sl_lin_fail(SIMDLOSS_EINVAL,
                           "%s: batch = %zu, dim = %zu, vocab = %zu exceed the BLAS's int or "
                           "overflow size_t",
                           fn, batch, dim, vocab);
    if (batch > 0 && dim > 0 && !hidden)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: hidden is NULL", fn);
    if (vocab > 0 && dim > 0 && (batch > 0 || grad_weight) && !weight)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: weight is NULL", fn);
    if (batch > 0 && !target) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    if (!(label_smoothing >= 0.0f && label_smoothing <= 1.0f))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: label_smoothing = %.9g is outside [0, 1]", fn,
                           (double)label_smoothing);
    if (options && !(options->z_loss >= 0.0f && options->z_loss <= FLT_MAX))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: options->z_loss = %.9g must be finite and >= 0",
                           fn, (double)options->z_loss);
    if (options && !(options->softcap >= 0.0f && options->softcap <= FLT_MAX))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: options->softcap = %.9g must be finite and >= 0",
                           fn, (double)options->softcap);
    size_t k = 0;
    for (size_t r = 0; r < batch; r++) {
        const int64_t t = target[r];
        if (t == ignore_index) continue;
        if (t < 0 || (uint64_t)t >= vocab)
            return sl_lin_fail(SIMDLOSS_EDOMAIN,
                               "%s: target[%zu] = %lld is outside [0, %zu) and not ignore_index",
                               fn, r, (long long)t, vocab);
        k++;
    }
    *kept = k;
    return SIMDLOSS_OK;
}

SIMDLOSS_API int simdloss_linear_cross_entropy_f32(
    size_t batch, size_t dim, size_t vocab, const float *hidden, const float *weight,
    const float *bias, const int64_t *target, int64_t ignore_index, float label_smoothing,
    const simdloss_ce_options *options, simdloss_reduction reduction, float *loss,
    float *grad_hidden, float *grad_weight, float *grad_bias)
{
    static const char fn[] = "simdloss_linear_cross_entropy_f32";
    size_t kept = 0;
    int rc = sl_lin_ce_check(batch, dim, vocab, hidden, weight, bias, target, ignore_index,
                             label_smoothing, options, reduction, loss, grad_hidden, grad_weight,
                             grad_bias, &kept);
    if (rc) return rc;
    const int grads = grad_hidden || grad_weight || grad_bias;
    const size_t rows = batch ? sl_lin_rows(batch, vocab) : 0;
    float *chunk = NULL, *losses = NULL;
    if (batch > 0) {
        chunk = malloc(rows * vocab * sizeof(float));
        /* NONE writes the caller's losses directly */
        losses = reduction == SIMDLOSS_NONE && loss ? loss : malloc(batch * sizeof(float));
        if (!chunk || !losses) {
            free(chunk);
            if (losses != loss) free(losses);
            return sl_lin_fail(SIMDLOSS_ENOMEM,
                               "%s: no memory for a chunk of %zu x %zu floats and %zu losses", fn,
                               rows, vocab, batch);
        }
    }
    /* the reduction's factor, applied by the gradient products; every
     * target ignored under MEAN: zero gradients (the rows' are zero) */
    const float alpha =
        reduction == SIMDLOSS_MEAN ? (kept ? (float)(1.0 / (double)kept) : 0.0f) : 1.0f;
    if (batch == 0 && grad_weight) memset(grad_weight, 0, vocab * dim * sizeof(float));
    if (grad_bias) memset(grad_bias, 0, vocab * sizeof(float));
    for (size_t r0 = 0; r0 < batch; r0 += rows) {
        const size_t n = batch - r0 < rows ? batch - r0 : rows;
        for (size_t r = 0; bias && r < n; r++)
            memcpy(chunk + r * vocab, bias, vocab * sizeof(float));
        sl_lin_gemm(0, 1, n, vocab, dim, 1.0f, hidden + r0 * dim, dim, weight, dim,
                    bias ? 1.0f : 0.0f, chunk, vocab);
        simdloss_ce_options o = {0};
        if (options) {
            o = *options;
            if (o.lse) o.lse += r0;
            if (o.argmax) o.argmax += r0;
        }
        rc = simdloss_cross_entropy_ex_f32(n, vocab, 1, chunk, target + r0, NULL, ignore_index,
                                           label_smoothing, options ? &o : NULL, SIMDLOSS_NONE,
                                           losses + r0, grads ? chunk : NULL);
        if (rc) { /* only a scratch allocation can fail here */
            free(chunk);
            if (losses != loss) free(losses);
            return rc;
        }
        if (!grads) continue;
        if (grad_hidden) {
            sl_lin_gemm(0, 0, n, dim, vocab, alpha, chunk, vocab, weight, dim, 0.0f,
                        grad_hidden + r0 * dim, dim);
            sl_lin_canon_all(grad_hidden + r0 * dim, n * dim);
        }
        if (grad_weight)
            sl_lin_gemm(1, 0, vocab, dim, n, alpha, chunk, vocab, hidden + r0 * dim, dim,
                        r0 ? 1.0f : 0.0f, grad_weight, dim);
        if (grad_bias) sl_lin_bias_grad(grad_bias, alpha, chunk, n, vocab);
    }
    sl_lin_canon_all(grad_weight, vocab * dim);
    sl_lin_canon_all(grad_bias, vocab);
    if (loss && reduction != SIMDLOSS_NONE) {
        double s = 0.0;
        for (size_t r = 0; r < batch; r++) s += (double)losses[r];
        const double v = reduction == SIMDLOSS_SUM ? s : s / (double)kept;
        *loss = sl_lin_canon((float)v);
    }
    free(chunk);
    if (losses != loss) free(losses);
    return SIMDLOSS_OK;
}
