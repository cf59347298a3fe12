/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The thread configurations the tests compare against one thread: the
 * built-in engine at several counts (more than this machine's cores too)
 * and a caller's pool written here with pthreads (simdloss_set_parallel_for).
 */
#ifndef TL_THREADS_H
#define TL_THREADS_H

#include <stddef.h>

#define TL_NTHREADS 8 /* configurations */

/* Configuration j in [0, TL_NTHREADS): engine threads 2, 3, 4, 7, 16, then
 * the pthread pool with 2, 3 and 16 workers. j < 0: one thread (the
 * reference). */
void tl_threads_set(int j);
/* "threads=7", "pool(3)" */
const char *tl_threads_name(int j);
/* The pthread pool's parallel_for: count threads (the calling one among
 * them), joined before it returns. */
void tl_pool_parallel_for(void *pool, void (*task)(void *arg, size_t index), void *arg,
                          size_t count);

#endif
