/* SPDX-License-Identifier: Apache-2.0 */
#include "rng.h"

void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    r->state = seed * 0x9E3779B97F4A7C15ull ^ (stream + 1) * 0xD1B54A32D192ED03ull;
    (void)rng_next(r);
}

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

float rng_uniform(rng *r) { return (float)(rng_next(r) >> 40) * 0x1p-24f; }

void rng_shuffle(rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        /* modulo bias is below 2^-40 for n < 2^24: irrelevant here */
        size_t j = (size_t)(rng_next(r) % i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
