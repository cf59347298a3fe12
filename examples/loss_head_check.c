/* SPDX-License-Identifier: Apache-2.0 */
/* Checks each output head's d loss / d logit (simdloss's gradient chained
 * through the sigmoid) against central finite differences of its loss, with
 * one-hot and with soft targets. Exit status 0 when every element agrees. */
#include <math.h>
#include <simdloss.h>
#include <stdio.h>

#include "loss_head.h"
#include "rng.h"

#define ROWS 4
#define COLS 10
#define N (ROWS * COLS)

static float loss_at(const loss_head *h, const float *z, const float *t, const int64_t *labels)
{
    float probs[N], loss;
    if (loss_head_eval(h, ROWS, COLS, z, t, labels, probs, &loss, NULL) != SIMDLOSS_OK) return NAN;
    return loss;
}

/* Number of elements whose gradient disagrees with the finite difference. */
static int check_head(const char *name, int soft, rng *r)
{
    loss_head h;
    if (loss_head_parse(name, &h)) return 1;
    float z[N], t[N], probs[N], grad[N], loss;
    int64_t labels[ROWS];
    for (size_t i = 0; i < N; i++) z[i] = 6.0f * rng_uniform(r) - 3.0f;
    for (size_t row = 0; row < ROWS; row++) {
        labels[row] = (int64_t)(rng_next(r) % COLS);
        for (size_t c = 0; c < COLS; c++)
            t[row * COLS + c] = soft ? rng_uniform(r) : (float)(labels[row] == (int64_t)c);
    }
    if (loss_head_eval(&h, ROWS, COLS, z, t, labels, probs, &loss, grad) != SIMDLOSS_OK) {
        printf("%-15s %s: %s\n", name, soft ? "soft" : "hard", simdloss_last_error());
        return 1;
    }
    const float step = 1e-2f;
    int bad = 0;
    double worst = 0.0;
    for (size_t i = 0; i < N; i++) {
        /* ALE has a kink at p == t: no derivative to compare there */
        if (h.kind == HEAD_ALE && fabsf(probs[i] - t[i]) < 0.02f) continue;
        float zi = z[i];
        z[i] = zi + step;
        float up = loss_at(&h, z, t, labels);
        z[i] = zi - step;
        float down = loss_at(&h, z, t, labels);
        z[i] = zi;
        double fd = ((double)up - (double)down) / (2.0 * step);
        double err = fabs(fd - grad[i]);
        double scale = 1e-2 * fabs(fd) + 5e-5;
        if (err / scale > worst) worst = err / scale;
        if (!(err <= scale)) {
            if (bad < 3)
                printf("%-15s %s: element %zu: gradient %.6g, finite difference %.6g\n", name,
                       soft ? "soft" : "hard", i, (double)grad[i], fd);
            bad++;
        }
    }
    printf("%-15s %s targets: %s (worst error %.2f of the tolerance)\n", name,
           soft ? "soft" : "hard", bad ? "FAIL" : "ok", worst);
    return bad;
}

int main(void)
{
    static const char *const hard[] = {"binary_focal:0", "binary_focal:1", "binary_focal:2",
                                       "ale:0",          "ale:1",          "ale:2",
                                       "cross_entropy"};
    static const char *const soft[] = {"binary_focal:0", "ale:0", "ale:2", "bce", "mse"};
    rng r;
    rng_seed(&r, 2024, 0);
    int bad = 0;
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) bad += check_head(hard[i], 0, &r);
    for (size_t i = 0; i < sizeof soft / sizeof soft[0]; i++) bad += check_head(soft[i], 1, &r);
    return bad ? 1 : 0;
}
