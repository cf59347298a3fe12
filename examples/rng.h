/* SPDX-License-Identifier: Apache-2.0 */
/* A small seeded generator (splitmix64) for the examples: weights, data order.
 * The same seed gives the same stream on every machine and compiler. */
#ifndef EXAMPLES_RNG_H
#define EXAMPLES_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t state;
} rng;

/* stream: separates independent streams of one seed (initialisation, order). */
void rng_seed(rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng *r);
/* Uniform in [0, 1), 24 random bits. */
float rng_uniform(rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void rng_shuffle(rng *r, size_t *idx, size_t n);

#endif
