/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program using an installed libsimdloss_linear (scripts/consumer-test.sh):
 * the fused linear cross-entropy of a layer whose logits are exact in float,
 * against the core's cross-entropy on those logits.
 */
#include <stdio.h>

#include <simdloss_linear.h>

/* the library's internal names are local to it: this must link */
int sl_lin_fail(int status);
int sl_lin_fail(int status) { return status; }

int main(void)
{
    /* hidden 2 x 2, weight 3 x 2, bias 3: logits {1, 2, 0.5}, {-1, 0, 1.5} */
    const float h[4] = {1, 0, 0, 1}, w[6] = {1, -1, 2, 0, 0.5f, 1.5f}, b[3] = {0, 0, 0};
    const float logits[6] = {1, 2, 0.5f, -1, 0, 1.5f};
    const int64_t t[2] = {1, 2};
    float loss = 0, want = 0, gw[6], gb[3];
    int rc = simdloss_linear_cross_entropy_f32(2, 2, 3, h, w, b, t, -100, 0.0f, NULL, SIMDLOSS_MEAN,
                                               &loss, NULL, gw, gb);
    if (rc == SIMDLOSS_OK)
        rc = simdloss_cross_entropy_f32(2, 3, 1, logits, t, NULL, -100, 0.0f, SIMDLOSS_MEAN, &want,
                                        NULL);
    if (rc != SIMDLOSS_OK) {
        printf("FAIL: %s\n", simdloss_last_error());
        return 1;
    }
    if (loss - want > 1e-6f || want - loss > 1e-6f) {
        printf("FAIL: linear cross-entropy %.9g, cross-entropy %.9g\n", (double)loss, (double)want);
        return 1;
    }
    printf("linear_cross_entropy = %.6f\n", (double)loss);
    return 0;
}
