/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running a call's tasks on threads: the built-in OpenMP engine, a caller's
 * pool (simdloss_set_parallel_for) or the calling thread. Which task a
 * thread runs never matters: every task writes its own outputs and its own
 * partial sums, which the caller adds in task order afterwards.
 */
#ifndef SL_PARALLEL_H
#define SL_PARALLEL_H

#include <stddef.h>

#include "internal.h"

/* Task t of a call, run by worker w in [0, sl_team.workers): a worker runs
 * its tasks one after the other, so per-worker scratch is private to it. */
typedef void (*sl_task_fn)(void *arg, size_t t, size_t w);

/* Who runs a call's tasks: workers == 1 means inline, on the caller. */
typedef struct {
    simdloss_parallel_for fn; /* the caller's pool, or NULL */
    void *pool;
    size_t workers;
    int omp; /* the built-in engine */
} sl_team;

/* The team for a call of ntasks tasks (one task: inline, without reading
 * any setting). */
SL_HIDDEN sl_team sl_team_for(size_t ntasks);
/* Runs tasks [0, ntasks) on the team; returns when all are done. */
SL_HIDDEN void sl_team_run(const sl_team *team, sl_task_fn fn, void *arg, size_t ntasks);

#endif
