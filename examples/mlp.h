/* SPDX-License-Identifier: Apache-2.0 */
/* A multilayer perceptron: dense layers with ReLU between them and raw
 * outputs (logits) at the end, trained with Adam. The matrix products are
 * CBLAS sgemm calls; everything else is a loop over a batch. */
#ifndef EXAMPLES_MLP_H
#define EXAMPLES_MLP_H

#include <stddef.h>
#include <stdint.h>

#include "adam.h"

typedef struct {
    size_t in, out;
    float *w, *b;                 /* out x in (row-major), out */
    float *grad_w, *grad_b;       /* of the last mlp_backward */
    float *m_w, *v_w, *m_b, *v_b; /* Adam's moments */
} dense_layer;

typedef struct {
    size_t depth; /* number of dense layers */
    dense_layer *layers;
    size_t max_batch;
    const float **acts;        /* acts[l]: layer l's input (acts[0] the batch, not owned) */
    float **outs;              /* outs[l]: layer l's output, after ReLU except the last */
    float *delta, *delta_next; /* back-propagated gradients, max_batch x widest */
    long step;
} mlp;

/* sizes: depth + 1 widths (input first). Weights and biases are uniform in
 * +-1/sqrt(fan_in) (PyTorch's nn.Linear default) from `seed`. 0 or -1 (out
 * of memory). */
int mlp_init(mlp *m, size_t depth, const size_t *sizes, size_t max_batch, uint64_t seed);
void mlp_free(mlp *m);
/* x: batch x sizes[0], kept until mlp_backward; returns batch x sizes[depth]
 * logits (valid until the next call). */
const float *mlp_forward(mlp *m, const float *x, size_t batch);
/* Gradients of every weight and bias from d loss / d logits of the last
 * forward (batch x sizes[depth]); the input's gradient is not formed. */
void mlp_backward(mlp *m, size_t batch, const float *grad_logits);
void mlp_adam_step(mlp *m, const adam_config *c);

#endif
