/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <simdloss.h>

int main(void)
{
    const float p[4] = {0.2f, 0.5f, 0.9f, 0.999f}; /* predicted probabilities */
    const float y[4] = {1, 0, 1, 0};              /* targets */
    float loss, grad[4];
    int rc = simdloss_bce_f32(4, p, y, NULL, 0, SIMDLOSS_MEAN, &loss, grad);
    if (rc != SIMDLOSS_OK) {
        fprintf(stderr, "%s\n", simdloss_last_error());
        return 1;
    }
    printf("bce = %g, d/dp[0] = %g (%s)\n", loss, grad[0],
           simdloss_isa_name(simdloss_active_isa()));
    return 0;
}
