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

/* ---- AdaptiveLogSoftmaxWithLoss (torch.nn.AdaptiveLogSoftmaxWithLoss) ----
 * Parameters in PyTorch's layouts. cutoffs: the n_clusters (>= 1) values
 * PyTorch is given, strictly increasing in [1, n_classes - 1]; cutoffs[0] is
 * the shortlist size. The head is a linear layer to shortlist + n_clusters
 * outputs: head_weight (shortlist + n_clusters) x in_features, head_bias
 * those many values or NULL (head_bias=False). Cluster i covers the classes
 * [cutoffs[i], cutoffs[i + 1]) (cutoffs[n_clusters] = n_classes) and is
 * tail_out[i] (cluster size x tail_hidden[i]) after tail_proj[i]
 * (tail_hidden[i] x in_features), both without bias; tail_hidden[i] is
 * floor(in_features / div_value^(i + 1)) as PyTorch derives it (0 allowed).
 * log p(class c) = log_softmax(head)[c] for c in the shortlist, else
 * log_softmax(head)[shortlist + i] + log_softmax(tail_i)[c - cutoffs[i]]. */
typedef struct {
    size_t in_features, n_classes, n_clusters;
    const size_t *cutoffs;
    const size_t *tail_hidden;
    const float *head_weight;
    const float *head_bias;
    const float *const *tail_proj;
    const float *const *tail_out;
} simdloss_adaptive_softmax;

/* Gradients of the parameters, in the same layouts; any member NULL (and any
 * entry of tail_proj or tail_out) is not wanted. Overwritten. */
typedef struct {
    float *head_weight;
    float *head_bias;
    float *const *tail_proj;
    float *const *tail_out;
} simdloss_adaptive_softmax_grads;

/* The module's forward and backward: output[b] (NULL or batch values) = log
 * p(target[b]) as the module's `output`; loss = -output reduced (MEAN: the
 * module's `loss`, the mean over the batch; NONE: batch values); grad_input
 * (batch x in_features) and grads: gradients of the reduced loss (NONE: of
 * the sum). grads NULL: no parameter gradients. Rows are processed in chunks
 * of at most simdloss_linear_chunk_bytes() of logits per matrix (head and
 * each cluster). Bits as simdloss_linear_cross_entropy_f32: the core's for
 * the softmax parts, the BLAS's for the products, row order for the sums.
 * EINVAL for bad cutoffs or shapes (PyTorch's conditions), NULL arrays
 * that are needed, no output, a head_bias gradient without a head bias;
 * EDOMAIN for a target outside [0, n_classes); ENOMEM; all before anything
 * is written. */
SIMDLOSS_API int simdloss_adaptive_log_softmax_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                                   const float *input, const int64_t *target,
                                                   simdloss_reduction reduction, float *output,
                                                   float *loss, float *grad_input,
                                                   const simdloss_adaptive_softmax_grads *grads);

/* The module's log_prob: log p of every class, batch x n_classes. */
SIMDLOSS_API int simdloss_adaptive_log_prob_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                                const float *input, float *log_probs);

/* The module's predict: the most likely class of every row (the head's
 * argmax when it falls in the shortlist, else the argmax of the row's full
 * log_prob; the lowest index on ties). */
SIMDLOSS_API int simdloss_adaptive_predict_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                               const float *input, int64_t *predicted);

/* Keras 3's Circle loss (keras.losses.Circle; Sun et al. 2020) on a batch
 * of embeddings (batch x dim, L2-normalised in intended use) and their
 * integer labels, every row against every row: with s_ij = e_i . e_j,
 * d = max(1 - s, 0) and m = margin,
 *   positives j (labels[j] == labels[i], j != i when remove_diagonal):
 *     a_ij = -gamma max(m + d, 0) (m - d),
 *   negatives j (labels[j] != labels[i]):
 *     b_ij = gamma max(1 + m - d, 0) (1 - m - d),
 *   loss_i = softplus(logsumexp_j a_ij + logsumexp_j b_ij)
 * (an empty set's logsumexp is -inf: a row without positives or without
 * negatives has loss 0). Keras' defaults: gamma = 80, margin = 0.4,
 * remove_diagonal = 1; 1 + m and 1 - m are rounded to float once, as Keras'
 * Python constants are.
 * Reductions are Keras', whose loss masks the rows whose loss is not > 0:
 * NONE batch values, SUM their sum, MEAN the sum over the number of rows
 * whose loss is > 0 (0 when there is none; the empty batch gives NaN as
 * every MEAN of the library). grad_embeddings (batch x dim, overwritten,
 * NULL: not wanted) is the gradient of the reduced loss (NONE: of the sum);
 * masked rows contribute nothing, and at the kinks of the three max(., 0)
 * it takes JAX's 1/2. Labels are compared as int64 (Keras casts them to
 * int32 first, so labels that differ by a multiple of 2^32 match there).
 *
 * Computed a block of rows at a time: the block's similarities (one sgemm)
 * become their derivatives in place, which feed grad = C E + C^T E (two
 * sgemms), C the batch x batch derivatives. Memory: one block of rows x
 * batch floats, rows = chunk bytes / (4 batch) (at least one row), plus
 * batch floats per thread and batch losses; never the whole batch x batch
 * matrix beyond one block. Bits: the per-row arithmetic is plain C with
 * SLEEF's deterministic functions, the same on every exact kernel table
 * and thread count (scalar-nofma: its own exp, as in the core); the products are the
 * BLAS's (as simdloss_linear_cross_entropy_f32: a chunk size changes the
 * shapes of the products and so the gradient's rounding).
 *
 * Errors, before anything is written: SIMDLOSS_EINVAL for a bad reduction,
 * both outputs NULL, a non-finite gamma or margin, a NULL array that is
 * needed, sizes that overflow or exceed the BLAS's int, grad_embeddings
 * overlapping embeddings; SIMDLOSS_ENOMEM when the block cannot be
 * allocated. */
SIMDLOSS_API int simdloss_circle_f32(size_t batch, size_t dim, const float *embeddings,
                                     const int64_t *labels, float gamma, float margin,
                                     int remove_diagonal, simdloss_reduction reduction, float *loss,
                                     float *grad_embeddings);

#ifdef __cplusplus
}
#endif

#endif
