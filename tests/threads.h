/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The thread configurations the tests compare against one thread: the
 * built-in engine at several counts (more than this machine's cores too)
 * and a caller's pool written here with pthreads (simdloss_set_parallel_for).
 */
#ifndef TL_THREADS_H
#define TL_THREADS_H

#include <stddef.h>
#include <stdint.h>

#define TL_NTHREADS 8 /* configurations */

/* Configuration j in [0, TL_NTHREADS): engine threads 2, 3, 4, 7, 16, then
 * the pthread pool with 2, 3 and 16 workers. j < 0: one thread (the
 * reference). */
void tl_threads_set(int j);
/* The configurations the cross-ISA tests compare: all of them, or under the
 * sanitizers (TL_SANITIZED) two, the engine's 3 threads and the pool's 16,
 * whose uneven splits put task boundaries everywhere the others do; the
 * ThreadSanitizer build and test_threads cover every configuration. */
#ifdef TL_SANITIZED
#define TL_NTHREADS_CROSS 2
static inline int tl_threads_cross(int k) { return k ? TL_NTHREADS - 1 : 1; }
#else
#define TL_NTHREADS_CROSS TL_NTHREADS
static inline int tl_threads_cross(int k) { return k; }
#endif
/* bits(-1), a hash of a test's outputs computed on one thread, is the same
 * on every exact kernel table, and on the first of them bits(j) (computed
 * with thread configuration j) equals it for every configuration the
 * cross-ISA tests compare; fails the running Check test otherwise, and when
 * no exact table runs. */
void tl_check_bits_everywhere(uint64_t (*bits)(int threads_config));
/* "threads=7", "pool(3)" */
const char *tl_threads_name(int j);
/* The pthread pool's parallel_for: count threads (the calling one among
 * them), joined before it returns. */
void tl_pool_parallel_for(void *pool, void (*task)(void *arg, size_t index), void *arg,
                          size_t count);

#endif
