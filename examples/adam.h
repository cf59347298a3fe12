/* SPDX-License-Identifier: Apache-2.0 */
/* Adam (Kingma & Ba; PyTorch's torch.optim.Adam without weight decay). */
#ifndef EXAMPLES_ADAM_H
#define EXAMPLES_ADAM_H

#include <stddef.h>

typedef struct {
    float lr, beta1, beta2, eps;
} adam_config;

/* One step for n parameters with their moments m and v; step counts from 1. */
void adam_update(const adam_config *c, long step, size_t n, float *param, const float *grad,
                 float *m, float *v);

#endif
