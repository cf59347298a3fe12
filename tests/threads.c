/* SPDX-License-Identifier: Apache-2.0 */
#include "threads.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"
#include "simdloss.h"

static const int tl_engine_counts[] = {2, 3, 4, 7, 16};
static const int tl_pool_counts[] = {2, 3, 16};
#define TL_NENGINE ((int)(sizeof tl_engine_counts / sizeof tl_engine_counts[0]))
_Static_assert(sizeof tl_engine_counts / sizeof tl_engine_counts[0] +
                       sizeof tl_pool_counts / sizeof tl_pool_counts[0] ==
                   TL_NTHREADS,
               "TL_NTHREADS counts every configuration");

typedef struct {
    void (*task)(void *arg, size_t index);
    void *arg;
    size_t index;
} tl_job;

static void *tl_job_run(void *p)
{
    const tl_job *j = (const tl_job *)p;
    j->task(j->arg, j->index);
    return NULL;
}

void tl_pool_parallel_for(void *pool, void (*task)(void *arg, size_t index), void *arg,
                          size_t count)
{
    (void)pool;
    pthread_t th[64];
    tl_job jobs[64];
    if (count > 64) {
        fprintf(stderr, "tl_pool_parallel_for: count %zu > 64\n", count);
        abort();
    }
    for (size_t i = 1; i < count; i++) {
        jobs[i] = (tl_job){task, arg, i};
        if (pthread_create(&th[i], NULL, tl_job_run, &jobs[i]) != 0) abort();
    }
    task(arg, 0);
    for (size_t i = 1; i < count; i++) pthread_join(th[i], NULL);
}

void tl_threads_set(int j)
{
    if (j < 0) {
        simdloss_set_parallel_for(NULL, NULL, 0);
        simdloss_set_num_threads(1);
    } else if (j < TL_NENGINE) {
        simdloss_set_parallel_for(NULL, NULL, 0);
        simdloss_set_num_threads(tl_engine_counts[j]);
    } else {
        simdloss_set_parallel_for(tl_pool_parallel_for, NULL, tl_pool_counts[j - TL_NENGINE]);
    }
}

const char *tl_threads_name(int j)
{
    /* formed from the counts above (called by one thread at a time) */
    static char names[TL_NTHREADS][16];
    if (j < 0) return "threads=1";
    if (j < TL_NENGINE)
        snprintf(names[j], sizeof names[j], "threads=%d", tl_engine_counts[j]);
    else
        snprintf(names[j], sizeof names[j], "pool(%d)", tl_pool_counts[j - TL_NENGINE]);
    return names[j];
}

void tl_check_bits_everywhere(uint64_t (*bits)(int threads_config))
{
    int first = -1;
    uint64_t want = 0;
    for (int t = 0; t < tl_ntables(); t++) {
        if (!tl_table_runnable(t) || !tl_table_exact(t)) continue;
        ck_assert(tl_use_table(t));
        const uint64_t h = bits(-1);
        if (first < 0) {
            first = t, want = h;
            for (int k = 0; k < TL_NTHREADS_CROSS; k++) {
                const int j = tl_threads_cross(k);
                ck_assert_msg(bits(j) == want, "[%s] %s differs from 1 thread", tl_table(),
                              tl_threads_name(j));
            }
        }
        ck_assert_msg(h == want, "%s differs from %s", tl_table_name(t), tl_table_name(first));
    }
    ck_assert_msg(first >= 0, "no exact table runs here");
}
