/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "parallel.h"

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef SL_HAVE_OPENMP
#include <omp.h>
#endif

#define SL_MAX_WORKERS 256

/* The process-wide settings, behind one mutex: a call copies them once,
 * so a setting changed meanwhile applies from the next call on. */
static pthread_mutex_t sl_par_lock = PTHREAD_MUTEX_INITIALIZER;
static int sl_par_set;     /* simdloss_set_num_threads (0: the default) */
static int sl_par_default; /* SIMDLOSS_NUM_THREADS, else the affinity mask's CPUs */
static char sl_par_note[160];
static simdloss_parallel_for sl_par_fn;
static void *sl_par_pool;
static int sl_par_pool_threads;
/* the built-in engine has started a team; in a child after fork() it is
 * not used again (libgomp's threads are gone and a new team would hang) */
static atomic_int sl_par_omp_used, sl_par_forked;

static void sl_par_child(void)
{
    if (atomic_load(&sl_par_omp_used)) atomic_store(&sl_par_forked, 1);
}

static int sl_par_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    return 1;
}

static void sl_par_init(void)
{
    const int cpus = sl_par_cpus();
    const char *env = getenv("SIMDLOSS_NUM_THREADS");
    sl_par_default = cpus;
    if (env && *env) {
        char *end;
        const long v = strtol(env, &end, 10);
        if (*end == '\0' && v > 0 && v <= INT_MAX)
            sl_par_default = (int)v;
        else if (!(*end == '\0' && v == 0)) /* 0: the default, as simdloss_set_num_threads(0) */
            snprintf(sl_par_note, sizeof sl_par_note,
                     "SIMDLOSS_NUM_THREADS=%.64s is not a count >= 0; using %d", env, cpus);
    }
    pthread_atfork(NULL, NULL, sl_par_child);
}

static void sl_par_once(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sl_par_init);
}

#ifdef SL_HAVE_OPENMP
static int sl_par_builtin(void) { return !atomic_load(&sl_par_forked); }
#else
static int sl_par_builtin(void) { return 0; }
#endif

int simdloss_set_num_threads(int n)
{
    if (n < 0) return sl_fail(SIMDLOSS_EINVAL, "simdloss_set_num_threads: n = %d is negative", n);
    sl_par_once();
    pthread_mutex_lock(&sl_par_lock);
    sl_par_set = n;
    pthread_mutex_unlock(&sl_par_lock);
    return SIMDLOSS_OK;
}

int simdloss_get_num_threads(void)
{
    sl_par_once();
    pthread_mutex_lock(&sl_par_lock);
    int n = sl_par_set > 0 ? sl_par_set : sl_par_default;
    if (sl_par_fn)
        n = sl_par_pool_threads;
    else if (!sl_par_builtin())
        n = 1;
    pthread_mutex_unlock(&sl_par_lock);
    return n;
}

const char *simdloss_threads_note(void)
{
    sl_par_once();
    return sl_par_note;
}

const char *simdloss_thread_engine(void)
{
    sl_par_once();
    pthread_mutex_lock(&sl_par_lock);
    const int caller = sl_par_fn != NULL;
    pthread_mutex_unlock(&sl_par_lock);
    return caller ? "caller" : sl_par_builtin() ? "openmp" : "serial";
}

int simdloss_set_parallel_for(simdloss_parallel_for fn, void *pool, int num_threads)
{
    if (fn && num_threads < 1)
        return sl_fail(SIMDLOSS_EINVAL, "simdloss_set_parallel_for: num_threads = %d is not >= 1",
                       num_threads);
    sl_par_once();
    pthread_mutex_lock(&sl_par_lock);
    sl_par_fn = fn;
    sl_par_pool = fn ? pool : NULL;
    sl_par_pool_threads = fn ? num_threads : 0;
    pthread_mutex_unlock(&sl_par_lock);
    return SIMDLOSS_OK;
}

sl_team sl_team_for(size_t ntasks)
{
    sl_team t = {NULL, NULL, 1, 0};
    if (ntasks <= 1) return t;
    sl_par_once();
    pthread_mutex_lock(&sl_par_lock);
    const simdloss_parallel_for fn = sl_par_fn;
    void *pool = sl_par_pool;
    const size_t threads =
        (size_t)(fn ? sl_par_pool_threads : (sl_par_set > 0 ? sl_par_set : sl_par_default));
    pthread_mutex_unlock(&sl_par_lock);
    size_t workers = threads < ntasks ? threads : ntasks;
    /* each worker may own a scratch row: a count of many thousands would
     * allocate that many, and ask OpenMP for as many threads */
    if (workers > SL_MAX_WORKERS) workers = SL_MAX_WORKERS;
    if (workers <= 1) return t;
    if (fn) {
        t.fn = fn, t.pool = pool, t.workers = workers;
        return t;
    }
#ifdef SL_HAVE_OPENMP
    /* inside the caller's own parallel region: no nested team */
    if (sl_par_builtin() && !omp_in_parallel()) t.omp = 1, t.workers = workers;
#endif
    return t;
}

/* Worker w of W runs the tasks [w nt / W, (w + 1) nt / W) in order: a
 * contiguous range, the same one on every call of the same size, so that a
 * loop over the same buffers finds each range in the cache of the core
 * that touched it last (taking tasks from a shared counter instead moved
 * them between cores and cost up to a third at 8192 to 65536 elements). */
typedef struct {
    sl_task_fn fn;
    void *arg;
    size_t ntasks, workers;
} sl_run;

static void sl_worker(void *p, size_t w)
{
    const sl_run *r = (const sl_run *)p;
    const size_t end = (w + 1) * r->ntasks / r->workers;
    for (size_t t = w * r->ntasks / r->workers; t < end; t++) r->fn(r->arg, t, w);
}

void sl_team_run(const sl_team *team, sl_task_fn fn, void *arg, size_t ntasks)
{
    sl_run r = {fn, arg, ntasks, team->workers};
    if (team->fn) {
        team->fn(team->pool, sl_worker, &r, team->workers);
        return;
    }
#ifdef SL_HAVE_OPENMP
    if (team->omp) {
        atomic_store(&sl_par_omp_used, 1);
#pragma omp parallel num_threads((int)team->workers)
        {
            /* the team may be smaller than asked (OMP_DYNAMIC, limits) */
            sl_run mine = r;
            mine.workers = (size_t)omp_get_num_threads();
            sl_worker(&mine, (size_t)omp_get_thread_num());
        }
        return;
    }
#endif
    r.workers = 1;
    sl_worker(&r, 0);
}
