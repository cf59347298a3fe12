/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_linear: losses behind a linear layer, for large output spaces
 * (language-model vocabularies). A separate library (libsimdloss_linear,
 * CMake target simdloss::linear, pkg-config simdloss_linear) built when
 * CBLAS is found: its matrix products are the CBLAS's (cblas_sgemm), the
 * softmax losses the core's (libsimdloss).
 *
 * Status codes, the last-error message and the reductions are the core's
 * (simdloss.h). Every check is made before anything is written.
 */
#ifndef SIMDLOSS_LINEAR_H
#define SIMDLOSS_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "simdloss.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Cross-entropy of a linear layer's logits without the batch x vocab logits:
 *   logits = hidden * weight^T + bias (torch.nn.Linear: hidden batch x dim,
 *   weight vocab x dim, bias vocab values or NULL),
 *   loss = simdloss_cross_entropy_ex_f32(batch, vocab, 1, logits, target,
 *          NULL, ignore_index, label_smoothing, options, reduction)
 * computed a chunk of rows at a time: each chunk's logits (one sgemm) become
 * their gradient in place (the core's cross-entropy), which then feeds
 *   grad_hidden = g * weight (batch x dim),
 *   grad_weight = sum over chunks of g^T * hidden (vocab x dim),
 *   grad_bias   = sum over rows of g (vocab),
 * with g the gradient of the reduced loss with respect to the logits. Every
 * gradient is overwritten (NULL: not wanted; grad_bias only with a bias).
 * options: as simdloss_cross_entropy_ex_f32 (lse and argmax per row).
 * MEAN divides by the number of targets that are not ignore_index (NaN when
 * none is, with zero gradients).
 *
 * Memory: one chunk of rows x vocab floats, rows = chunk bytes / (4 vocab)
 * (at least one row), plus batch floats of per-row losses; nothing else.
 * The default chunk is SIMDLOSS_LINEAR_CHUNK_BYTES.
 *
 * Results: the per-row losses and the logits' gradient are the core's bits
 * for the logits the sgemm returns; the reduced loss sums the per-row losses
 * in double in row order (independent of the chunk size); grad_bias adds
 * the rows in float in row order. The logits and the three gradient products
 * are the BLAS's: bitwise identical for any simdloss thread count, and
 * identical across runs, chunk sizes and BLAS thread counts exactly as far
 * as the BLAS's sgemm is (OpenBLAS splits no dot product across threads,
 * but a chunk size changes the shape of every product it makes).
 *
 * Errors: SIMDLOSS_EINVAL for a bad reduction, no output at all, grad_bias
 * without bias, a NULL array that is needed, vocab == 0 with batch > 0,
 * sizes that overflow or exceed the BLAS's int, label_smoothing outside
 * [0, 1], bad options; SIMDLOSS_EDOMAIN for a target outside [0, vocab)
 * that is not ignore_index; SIMDLOSS_ENOMEM when the chunk or the per-row
 * losses cannot be allocated. */
SIMDLOSS_API int simdloss_linear_cross_entropy_f32(
    size_t batch, size_t dim, size_t vocab, const float *hidden, const float *weight,
    const float *bias, const int64_t *target, int64_t ignore_index, float label_smoothing,
    const simdloss_ce_options *options, simdloss_reduction reduction, float *loss,
    float *grad_hidden, float *grad_weight, float *grad_bias);

/* The default bound of simdloss_linear_cross_entropy_f32's chunk. */
#define SIMDLOSS_LINEAR_CHUNK_BYTES ((size_t)64 << 20)

/* Sets the bound of the chunk of logits for every later call of this
 * process (0: the default). Returns SIMDLOSS_OK. */
SIMDLOSS_API int simdloss_linear_set_chunk_bytes(size_t bytes);
/* The bound in force. */
SIMDLOSS_API size_t simdloss_linear_chunk_bytes(void);

#ifdef __cplusplus
}
#endif

#endif
