/* SPDX-License-Identifier: Apache-2.0 */
/* The output layer's loss: simdloss on the network's logits. The sigmoid
 * heads (binary_focal, ale, bce, mse) apply the logistic sigmoid and pass
 * probabilities to simdloss, whose gradient is d loss / d p: the head
 * multiplies it by dp/dz = sigmoid(z) sigmoid(-z) to get d loss / d logit.
 * cross_entropy takes the logits itself (softmax inside simdloss). */
#ifndef EXAMPLES_LOSS_HEAD_H
#define EXAMPLES_LOSS_HEAD_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    HEAD_BINARY_FOCAL,  /* Keras BinaryFocalCrossentropy; gamma 0 is BCE */
    HEAD_ALE,           /* Absolute Logarithmic Error */
    HEAD_CROSS_ENTROPY, /* softmax cross-entropy over the row */
    HEAD_BCE,           /* F.binary_cross_entropy */
    HEAD_MSE            /* F.mse_loss on the sigmoid output */
} head_kind;

typedef struct {
    head_kind kind;
    float gamma; /* binary_focal and ale */
} loss_head;

/* "binary_focal:G", "ale:G", "cross_entropy", "bce", "mse" (G: gamma, 0 if
 * omitted). 0, or -1 for an unknown name. */
int loss_head_parse(const char *text, loss_head *h);
/* "binary_focal", "ale", ... */
const char *loss_head_name(const loss_head *h);

/* rows x cols logits. Sigmoid heads: `target` holds rows x cols values in
 * [0, 1] (one-hot rows for classification), `probs` receives the sigmoid
 * outputs. cross_entropy: `labels` holds rows class indices, `probs` is not
 * used. *loss receives the MEAN (over every element for the sigmoid heads,
 * over rows for cross_entropy); grad_logits (NULL: not computed) receives its
 * gradient. Returns simdloss's status (simdloss_last_error() says why). */
int loss_head_eval(const loss_head *h, size_t rows, size_t cols, const float *logits,
                   const float *target, const int64_t *labels, float *probs, float *loss,
                   float *grad_logits);

#endif
