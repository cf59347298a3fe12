/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The thread API and the situations threads meet besides the thread counts
 * (those are in test_cross_isa and test_class_cross_isa, for every loss and
 * table):
 *   - simdloss_set_num_threads / get / set_parallel_for: EINVAL with a
 *     message for negative counts and a pool of no threads; 0 restores the
 *     default (SIMDLOSS_NUM_THREADS when the environment sets a valid one,
 *     else the CPUs of the affinity mask), a pool's count while it is set;
 *     the engine's name; a bad SIMDLOSS_NUM_THREADS is reported by
 *     simdloss_threads_note() (ctest runs this test with 3 and with "abc");
 *   - every loss, at sizes of several tasks, gives the same bits as with one
 *     thread: in a child process forked after the parent ran parallel calls
 *     (libgomp's threads do not survive fork), from inside the caller's own
 *     OpenMP parallel region, and from several user threads at once, each
 *     setting a different thread count or pool while the others call.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef TL_OPENMP
#include <omp.h>
#endif

#include "class_spec.h"
#include "harness.h"
#include "threads.h"

/* ---- every loss at sizes of several tasks, hashed ----------------------------------------------
 */

#define TH_N (3 * 32768 + 5) /* elementwise: 3 tasks, or 24 for losses calling SLEEF */
/* class shapes: rows split into tasks (67 x 1000), several chunks (2100 x 20) */
static const size_t th_shapes[][2] = {{67, 1000}, {2100, 20}};
#define TH_NSHAPES 2
#define TH_NCASES (TL_NLOSSES + 2 * (int)SL_R_NCLASS)

static tl_data th_data[TL_NLOSSES];

static void th_make_inputs(void)
{
    for (int k = 0; k < TL_NLOSSES; k++) {
        const ts_branch *b = &ts_specs[k]->branches[0];
        const size_t m = tl_branch_multiple(k, b), n = (TH_N + m - 1) / m * m;
        tl_data_make(&th_data[k], k, b, n, 1, tl_seed(tl_losses[k].info->name, "threads", n));
    }
}

/* Case c's outputs (MEAN loss and every gradient; return code) hashed. */
static uint64_t th_case(int c)
{
    uint64_t h = TL_HASH_START;
    if (c < TL_NLOSSES) {
        const tl_data *d = &th_data[c];
        const sl_elem_info *L = tl_losses[c].info;
        tl_args a;
        float loss = 0;
        float *g[SL_MAX_IN] = {NULL}, *gc = NULL;
        tl_args_of(&a, d);
        a.red = SIMDLOSS_MEAN;
        a.loss = &loss;
        for (int j = 0; j < L->nin; j++) a.grad[j] = g[j] = calloc(d->n, sizeof(float));
        if (L->ncg) a.grad_cyc = gc = calloc(d->cyc_len[0] + 1, sizeof(float));
        const int rc = tl_losses[c].call(&a);
        h = tl_hash_bytes(h, &rc, sizeof rc);
        h = tl_hash_bytes(h, &loss, sizeof loss);
        for (int j = 0; j < L->nin; j++)
            h = tl_hash_bytes(h, g[j], d->n * sizeof(float)), free(g[j]);
        if (gc) h = tl_hash_bytes(h, gc, d->cyc_len[0] * sizeof(float)), free(gc);
        return h;
    }
    const int kind = (c - TL_NLOSSES) / TH_NSHAPES;
    const size_t B = th_shapes[(c - TL_NLOSSES) % TH_NSHAPES][0];
    const size_t C = th_shapes[(c - TL_NLOSSES) % TH_NSHAPES][1], n = B * C;
    const int bf16 = cr_infos[kind].bf16;
    /* each case its own copy: cases run concurrently in the thread test */
    float *x = malloc(n * sizeof(float)), *tf = malloc(n * sizeof(float));
    float *w = malloc(C * sizeof(float)), *l = calloc(1, sizeof(float));
    uint16_t *xb = malloc(n * sizeof(uint16_t));
    int64_t *ti = malloc(n * sizeof(int64_t));
    void *g = calloc(n, sizeof(float)); /* an EDOMAIN call writes nothing */
    ck_assert(x && tf && w && l && xb && ti && g);
    int rc = SIMDLOSS_EDOMAIN;
    /* set 1 (NaN, infinities, weights, ignored targets), or set 0 where the
     * kind has no ignore_index and set 1's ignored targets are EDOMAIN */
    for (int set = 1; set >= 0 && rc == SIMDLOSS_EDOMAIN; set--) {
        cr_make_inputs(kind, B, C, 1, set, 7 + (uint64_t)c, x, xb, tf, ti, w);
        const cr_params p = cr_set_params(kind, set, C, w);
        rc = cr_call(kind, B, C, 1, bf16 ? (const void *)xb : x, ti, tf, &p, SIMDLOSS_MEAN, l, g);
    }
    h = tl_hash_bytes(h, &rc, sizeof rc);
    h = tl_hash_bytes(h, l, sizeof(float));
    h = tl_hash_bytes(h, g, n * (bf16 ? 2 : 4));
    free(x), free(tf), free(w), free(l), free(xb), free(ti), free(g);
    return h;
}

static uint64_t th_ref[TH_NCASES];

static void th_reference(void)
{
    tl_threads_set(-1);
    for (int c = 0; c < TH_NCASES; c++) th_ref[c] = th_case(c);
}

static const char *th_case_name(int c)
{
    return c < TL_NLOSSES ? tl_losses[c].info->name : cr_infos[(c - TL_NLOSSES) / TH_NSHAPES].fn;
}

/* ---- the API ------------------------------------------------------------------------------------
 */

static int th_default_count(void)
{
    const char *env = getenv("SIMDLOSS_NUM_THREADS");
    if (env && strcmp(env, "3") == 0) return 3;
    cpu_set_t set;
    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    return CPU_COUNT(&set);
}

START_TEST(threads_api)
{
    const char *env = getenv("SIMDLOSS_NUM_THREADS");
    ck_assert_int_eq(simdloss_set_num_threads(-1), SIMDLOSS_EINVAL);
    ck_assert_msg(strstr(simdloss_last_error(), "n = -1 is negative") != NULL, "message: %s",
                  simdloss_last_error());
    ck_assert_int_eq(simdloss_set_parallel_for(tl_pool_parallel_for, NULL, 0), SIMDLOSS_EINVAL);
    ck_assert_msg(strstr(simdloss_last_error(), "num_threads = 0") != NULL, "message: %s",
                  simdloss_last_error());
    const int builtin = strcmp(simdloss_thread_engine(), "openmp") == 0;
#ifdef TL_OPENMP
    ck_assert_msg(builtin, "engine %s in a library built with OpenMP", simdloss_thread_engine());
#endif
    ck_assert_int_eq(simdloss_set_num_threads(0), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_get_num_threads(), builtin ? th_default_count() : 1);
    ck_assert_int_eq(simdloss_set_num_threads(5), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_get_num_threads(), builtin ? 5 : 1);
    ck_assert_int_eq(simdloss_set_parallel_for(tl_pool_parallel_for, NULL, 3), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_get_num_threads(), 3);
    ck_assert_str_eq(simdloss_thread_engine(), "caller");
    ck_assert_int_eq(simdloss_set_parallel_for(NULL, NULL, 0), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_get_num_threads(), builtin ? 5 : 1);
    ck_assert_int_eq(simdloss_set_num_threads(1), SIMDLOSS_OK);
    ck_assert_int_eq(simdloss_get_num_threads(), 1);
    if (env && strcmp(env, "abc") == 0)
        ck_assert_msg(strstr(simdloss_threads_note(), "SIMDLOSS_NUM_THREADS=abc is not a count") !=
                          NULL,
                      "note: '%s'", simdloss_threads_note());
    else
        ck_assert_str_eq(simdloss_threads_note(), "");
}
END_TEST

/* ---- fork
 * ---------------------------------------------------------------------------------------- */

START_TEST(threads_fork)
{
    th_reference();
    tl_threads_set(1); /* 3 threads: the parent's engine has run a team */
    for (int c = 0; c < TH_NCASES; c++)
        ck_assert_msg(th_case(c) == th_ref[c], "%s: 3 threads differ from 1", th_case_name(c));
    simdloss_set_num_threads(0);
    const pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        alarm(120); /* a hang (a team started after fork) fails instead of blocking */
        int bad = 0;
        for (int c = 0; c < TH_NCASES; c++)
            if (th_case(c) != th_ref[c]) {
                fprintf(stderr, "forked child: %s differs\n", th_case_name(c));
                bad = 1;
            }
        _exit(bad ? 1 : 0);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the forked child failed (exit %d, signal %d)",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    tl_threads_set(-1);
}
END_TEST

/* ---- inside the caller's OpenMP region
 * ------------------------------------------------------------ */

#ifdef TL_OPENMP
START_TEST(threads_in_omp)
{
    th_reference();
    simdloss_set_num_threads(4);
    int bad = -1;
#pragma omp parallel for num_threads(2) schedule(dynamic, 1)
    for (int c = 0; c < TH_NCASES; c++)
        if (th_case(c) != th_ref[c]) {
#pragma omp critical
            bad = c;
        }
    tl_threads_set(-1);
    ck_assert_msg(bad < 0, "%s differs inside an OpenMP region", bad < 0 ? "" : th_case_name(bad));
}
END_TEST
#endif

/* ---- several user threads at once
 * ----------------------------------------------------------------- */

#define TH_USERS 4
typedef struct {
    int id, bad;
} th_user;

static void *th_user_run(void *p)
{
    th_user *u = (th_user *)p;
    for (int round = 0; round < 2; round++)
        for (int c = u->id; c < TH_NCASES; c += TH_USERS) {
            /* each sets its own configuration, which the others' calls see */
            tl_threads_set((u->id + c + round) % (TL_NTHREADS + 1) - 1);
            if (th_case(c) != th_ref[c]) u->bad = c + 1;
        }
    return NULL;
}

START_TEST(threads_concurrent)
{
    th_reference();
    pthread_t th[TH_USERS];
    th_user users[TH_USERS];
    for (int i = 0; i < TH_USERS; i++) {
        users[i] = (th_user){i, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, th_user_run, &users[i]), 0);
    }
    for (int i = 0; i < TH_USERS; i++) pthread_join(th[i], NULL);
    tl_threads_set(-1);
    for (int i = 0; i < TH_USERS; i++)
        ck_assert_msg(users[i].bad == 0, "user thread %d: %s differs", i,
                      users[i].bad ? th_case_name(users[i].bad - 1) : "");
}
END_TEST

int main(void)
{
    th_make_inputs();
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, threads_api);
    tcase_add_test(tc, threads_fork);
#ifdef TL_OPENMP
    tcase_add_test(tc, threads_in_omp);
#endif
    tcase_add_test(tc, threads_concurrent);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
