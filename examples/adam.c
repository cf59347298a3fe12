/* SPDX-License-Identifier: Apache-2.0 */
#include "adam.h"

#include <math.h>

void adam_update(const adam_config *c, long step, size_t n, float *param, const float *grad,
                 float *m, float *v)
{
    const float bias1 = 1.0f - powf(c->beta1, (float)step);
    const float bias2 = 1.0f - powf(c->beta2, (float)step);
    const float step_size = c->lr / bias1;
    const float bias2_sqrt = sqrtf(bias2);
    for (size_t i = 0; i < n; i++) {
        m[i] = c->beta1 * m[i] + (1.0f - c->beta1) * grad[i];
        v[i] = c->beta2 * v[i] + (1.0f - c->beta2) * grad[i] * grad[i];
        param[i] -= step_size * m[i] / (sqrtf(v[i]) / bias2_sqrt + c->eps);
    }
}
