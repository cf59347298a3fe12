/* SPDX-License-Identifier: Apache-2.0 */
/*
 * n = 2^32 + 17 elements, all zero, from an anonymous read-only mapping that
 * the kernel backs with the shared zero page. poisson_nll(log_input) gives
 * exp(0) - 0 = 1 per element, so SUM = n and MEAN = 1 exactly: a size
 * truncated to 32 bits anywhere would give 17.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "simdloss.h"

int main(void)
{
    const size_t n = ((size_t)1 << 32) + 17;
    float *z = mmap(NULL, n * sizeof(float), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
    if (z == MAP_FAILED) {
        printf("SKIP: cannot map %zu bytes\n", n * sizeof(float));
        return 77;
    }
    float sum = 0, mean = 0;
    int rc = simdloss_poisson_nll_f32(n, z, z, 1, 0, 1e-8f, SIMDLOSS_SUM, &sum, NULL);
    rc |= simdloss_poisson_nll_f32(n, z, z, 1, 0, 1e-8f, SIMDLOSS_MEAN, &mean, NULL);
    munmap(z, n * sizeof(float));
    const float want = (float)(double)n;
    printf("%s: n = %zu sum = %.9g (want %.9g) mean = %.9g\n",
           simdloss_isa_name(simdloss_active_isa()), n, (double)sum, (double)want, (double)mean);
    if (rc || sum != want || mean != 1.0f) {
        printf("FAIL\n");
        return 1;
    }
    return 0;
}
