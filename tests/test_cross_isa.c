/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bitwise equality across ISAs, and with respect to how a call is made, for
 * every elementwise loss of the registry.
 *
 * For every loss, its cross branches (tests/spec.h), reductions NONE/MEAN/SUM,
 * outputs {loss + gradients, loss only, gradients only, one input's gradient
 * only (losses with several inputs), the cyclic gradient only (CYCG)}, n in
 * 0..40, 1023, 1024, 1025, 4097, 65537 (rounded up to a multiple of the
 * cyclic lengths), and two input patterns (the generator's values with exact
 * kinks and ties; the same sprinkled with 0, -0, +-1, +-1e-38, +-1e-45,
 * +-1e30, +-inf and NaN, NaN also at fixed positions including the last
 * element):
 *   - every runnable ISA gives the same bits as the first runnable ISA, for
 *     every output float, the return code and the error message
 *     (-0 and +0 differ; a NaN must be the canonical 0x7fc00000);
 *   - on every ISA: misaligned arrays (offsets of 1..3 floats) give the same
 *     bits as 64-byte aligned ones; in-place calls (loss == input for NONE,
 *     each gradient == its input, the first gradient == the target) give the
 *     same bits as out-of-place ones; partial outputs give the same bits as
 *     all of them; nothing is written past the outputs.
 *   - threads: at every n of several tasks (tests/threads.h), on every
 *     table, NONE and MEAN with all outputs and edge inputs give the same
 *     bits with the built-in engine at 2, 3, 4, 7 and 16 threads and through
 *     a pthread pool as with one thread (the reference of everything
 *     above); once per loss at a size of more than one region of tasks (the
 *     best table only).
 * With a single runnable ISA only the second group is meaningful; the test
 * prints which ISAs it compared.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "threads.h"

/* ---- failures --------------------------------------------------------------- */
#define TC_MAX_PRINT 12
typedef struct {
    long fails;
    char first[900];
} tc_ctx;

static void tc_fail(tc_ctx *c, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->fails < TC_MAX_PRINT) fprintf(stderr, "FAIL %s\n", msg);
    if (c->fails == 0) snprintf(c->first, sizeof c->first, "%s", msg);
    c->fails++;
}

/* ---- inputs ----------------------------------------------------------------- */
static const float tc_edges[] = {0.0f,     -0.0f,     1.0f,    -1.0f, 1e-38f,
                                 -1e-38f,  1e-45f,    -1e-45f, 1e30f, -1e30f,
                                 INFINITY, -INFINITY, NAN,     0.5f,  2.0f};
#define TC_NEDGES ((int)(sizeof tc_edges / sizeof tc_edges[0]))
/* for cyclic arrays that must not be negative (a variance) */
static const float tc_nonneg_edges[] = {0.0f, 1e-45f, 1e-38f, 1e30f, INFINITY, NAN, 1.0f, 1e-7f};
#define TC_NNONNEG ((int)(sizeof tc_nonneg_edges / sizeof tc_nonneg_edges[0]))

static float tc_pick(uint64_t *s, const float *v, int k) { return v[ts_u64(s) % (uint64_t)k]; }

/* pattern 0: the generator's values with kinks and ties; 1: the same with
 * edge values and NaNs of every kind mixed in */
static void tc_make(int k, const ts_branch *b, size_t n, int pattern, tl_data *d)
{
    const sl_elem_info *L = tl_losses[k].info;
    uint64_t s = tl_seed(L->name, b->label, n) ^ (uint64_t)pattern;
    tl_data_make(d, k, b, n, 1, s);
    if (pattern == 1) {
        const int ty = !b->keep_targets;
        const int nonneg = L->prescan == SL_PRE_NONNEG_CYC;
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < L->nin; j++)
                if (ts_coin(&s, 0.15)) d->in[j][i] = tc_pick(&s, tc_edges, TC_NEDGES);
            for (int j = 0; j < L->ntgt; j++)
                if (ty && ts_coin(&s, 0.1)) d->tgt[j][i] = tc_pick(&s, tc_edges, TC_NEDGES);
        }
        for (int j = 0; j < L->ncyc; j++)
            for (size_t v = 0; d->cyc[j] && v < d->cyc_len[j]; v++)
                if (ts_coin(&s, 0.1))
                    d->cyc[j][v] = nonneg && j == 0 ? tc_pick(&s, tc_nonneg_edges, TC_NNONNEG)
                                                    : tc_pick(&s, tc_edges, TC_NEDGES);
        if (n > 0) { /* outputs hold only 0x7fc00000 whatever NaN comes in */
            d->in[0][n - 1] = NAN;
            d->in[0][n / 3] = tl_from_bits(0xffc00001u); /* negative, payload */
            if (L->nin > 1) d->in[1][n / 4] = tl_from_bits(0x7fc12345u);
            if (ty) d->tgt[0][n / 2] = tl_from_bits(0x7f800123u); /* signalling */
            if (ty && n > 1) d->tgt[0][n - 2] = NAN;
        }
        d->flags = tl_data_flags(k, d);
    }
}

/* ---- calls -------------------------------------------------------------------- */
/* output modes: everything; the loss; every gradient; the cyclic gradient
 * only (CYCG); the gradient of input 0 + j only (losses with several inputs) */
enum { M_ALL, M_LOSS, M_GRAD, M_CYC, M_INPUT0, M_N = M_INPUT0 + SL_MAX_IN };
static const char *const tc_red_names[3] = {"NONE", "MEAN", "SUM"};

static void tc_mode_name(int mode, char *buf, size_t size)
{
    static const char *const names[] = {"loss+grads", "loss only", "grads only",
                                        "cyclic grad only"};
    if (mode < M_INPUT0)
        snprintf(buf, size, "%s", names[mode]);
    else
        snprintf(buf, size, "grad of input %d only", mode - M_INPUT0);
}

static int tc_mode_valid(const sl_elem_info *L, int mode)
{
    if (mode == M_CYC) return L->ncg > 0;
    if (mode >= M_INPUT0) return L->nin > 1 && mode - M_INPUT0 < L->nin;
    return 1;
}

#define TC_GUARD 8
#define TC_SENT 0x7fa5a5a5u /* a NaN pattern no kernel produces */

/* the outputs of one call: [0] loss, [1 + j] gradient j, [1 + SL_MAX_IN] cyclic */
#define TC_NOUT (2 + SL_MAX_IN)
typedef struct {
    int rc;
    char err[256];
    size_t len[TC_NOUT]; /* 0: absent */
    float *out[TC_NOUT];
} tc_res;

static float *tc_falloc(size_t n)
{
    /* 64-byte aligned, room for offsets and guards */
    const size_t bytes = ((n + 2 * TC_GUARD + 16) * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void tc_fill(float *p, size_t n)
{
    const float s = tl_from_bits(TC_SENT);
    for (size_t i = 0; i < n; i++) p[i] = s;
}

typedef struct {
    int k;
    const sl_elem_info *L;
    const ts_branch *b;
    const tl_data *d;
    /* scratch buffers, each of n + guards: inputs, targets, outputs */
    float *bin[SL_MAX_IN], *btgt[SL_MAX_TGT], *bout[TC_NOUT];
} tc_env;

enum { V_PLAIN, V_MISALIGN, V_ALIAS_LOSS_X, V_ALIAS_GRAD_X, V_ALIAS_GRAD_Y, V_N };
static const char *const tc_var_names[V_N] = {"aligned", "misaligned", "loss == input",
                                              "grad == its input", "grad == target"};

/* One call; the outputs are copied into r (whose arrays the caller owns). */
static void tc_run(tc_env *e, int red, int mode, int variant, int off, tc_res *r, tc_ctx *c,
                   const char *who)
{
    const sl_elem_info *L = e->L;
    const size_t n = e->d->n, cl = e->d->cyc_len[0];
    const int none = red == SIMDLOSS_NONE;
    const int want_l = mode == M_ALL || mode == M_LOSS;
    int want[TC_NOUT] = {want_l};
    for (int j = 0; j < L->nin; j++)
        want[1 + j] = mode == M_ALL || mode == M_GRAD || mode == M_INPUT0 + j;
    want[1 + SL_MAX_IN] = L->ncg > 0 && (mode == M_ALL || mode == M_GRAD || mode == M_CYC);
    size_t len[TC_NOUT] = {none ? n : 1};
    for (int j = 0; j < L->nin; j++) len[1 + j] = n;
    len[1 + SL_MAX_IN] = cl;
    const size_t mis = variant == V_MISALIGN;
    tl_args a;
    tl_args_of(&a, e->d);
    a.red = (simdloss_reduction)red;
    float *x[SL_MAX_IN] = {0}, *y[SL_MAX_TGT] = {0}; /* the copies, writable for aliasing */
    for (int j = 0; j < L->nin; j++) {
        x[j] = e->bin[j] + TC_GUARD + (mis ? (size_t)(1 + (off + j) % 3) : 0);
        tc_fill(e->bin[j], n + 2 * TC_GUARD + 8);
        if (n) memcpy(x[j], e->d->in[j], n * sizeof(float));
        a.in[j] = x[j];
    }
    for (int j = 0; j < L->ntgt; j++) {
        y[j] = e->btgt[j] + TC_GUARD + (mis ? (size_t)(1 + (off + 1 + j) % 3) : 0);
        tc_fill(e->btgt[j], n + 2 * TC_GUARD + 8);
        if (n) memcpy(y[j], e->d->tgt[j], n * sizeof(float));
        a.tgt[j] = y[j];
    }
    float *o[TC_NOUT] = {0};
    for (int q = 0; q < TC_NOUT; q++) {
        if (!want[q]) continue;
        o[q] = e->bout[q] + TC_GUARD + (mis ? (size_t)(1 + (off + 2 + q) % 3) : 0);
        tc_fill(e->bout[q], (q == 1 + SL_MAX_IN ? cl : n) + 2 * TC_GUARD + 8);
    }
    if (variant == V_ALIAS_LOSS_X && want_l) o[0] = x[0];
    if (variant == V_ALIAS_GRAD_X)
        for (int j = 0; j < L->nin; j++)
            if (want[1 + j]) o[1 + j] = x[j];
    if (variant == V_ALIAS_GRAD_Y && want[1]) o[1] = y[0];
    a.loss = o[0];
    for (int j = 0; j < L->nin; j++) a.grad[j] = o[1 + j];
    a.grad_cyc = o[1 + SL_MAX_IN];
    r->rc = tl_losses[e->k].call(&a);
    snprintf(r->err, sizeof r->err, "%s", r->rc ? simdloss_last_error() : "");
    for (int q = 0; q < TC_NOUT; q++) {
        r->len[q] = o[q] ? len[q] : 0;
        if (r->len[q]) memcpy(r->out[q], o[q], r->len[q] * sizeof(float));
        if (!o[q]) continue;
        /* nothing written past the outputs (nor before them) */
        for (size_t j = 0; j < TC_GUARD; j++) {
            if (tl_bits(o[q][len[q] + j]) != TC_SENT || tl_bits(o[q][-1 - (long)j]) != TC_SENT) {
                char mname[40];
                tc_mode_name(mode, mname, sizeof mname);
                tc_fail(c, "[%s] %s/%s n=%zu %s %s %s: write outside output %d (length %zu)", who,
                        L->name, e->b->label, n, tc_red_names[red], mname, tc_var_names[variant], q,
                        len[q]);
                break;
            }
        }
    }
}

/* Equal bits, and a NaN only as the canonical 0x7fc00000 (or the sentinel
 * of an element nothing wrote). */
static int tc_same(float a, float b)
{
    const uint32_t u = tl_bits(a);
    return u == tl_bits(b) && (!isnan(a) || u == 0x7fc00000u || u == TC_SENT);
}

/* Compares the outputs both results have; `ctx` describes the pair. */
static void tc_compare(tc_ctx *c, const tc_env *e, const char *ctx, int red, int mode,
                       const tc_res *a, const tc_res *b)
{
    const size_t n = e->d->n;
    char head[400], mname[40];
    tc_mode_name(mode, mname, sizeof mname);
    snprintf(head, sizeof head, "%s %s/%s n=%zu %s %s", ctx, e->L->name, e->b->label, n,
             tc_red_names[red], mname);
    if (a->rc != b->rc || strcmp(a->err, b->err) != 0) {
        tc_fail(c, "%s: status %d '%s' vs %d '%s'", head, a->rc, a->err, b->rc, b->err);
        return;
    }
    for (int q = 0; q < TC_NOUT; q++) {
        const size_t len = a->len[q] < b->len[q] ? a->len[q] : b->len[q];
        const char *what =
            q == 0 ? "loss" : (q == 1 + SL_MAX_IN ? "cyclic grad" : e->L->grad[q - 1]);
        int reported = 0;
        for (size_t i = 0; i < len; i++) {
            if (tc_same(a->out[q][i], b->out[q][i])) continue;
            if (reported++ < 3)
                tc_fail(c, "%s: %s[%zu] 0x%08x (%.9g) vs 0x%08x (%.9g) [x=%.9g y=%.9g]", head, what,
                        i, (unsigned)tl_bits(a->out[q][i]), (double)a->out[q][i],
                        (unsigned)tl_bits(b->out[q][i]), (double)b->out[q][i],
                        i < n ? (double)e->d->in[0][i] : 0.0,
                        i < n && e->d->tgt[0] ? (double)e->d->tgt[0][i] : 0.0);
            else
                c->fails++;
        }
    }
}

static void tc_res_alloc(tc_res *r, size_t n, size_t cl)
{
    memset(r, 0, sizeof *r);
    for (int q = 0; q < TC_NOUT; q++) {
        r->out[q] = malloc(((q == 1 + SL_MAX_IN ? cl : n) + 1) * sizeof(float));
        ck_assert_ptr_nonnull(r->out[q]);
    }
}

static void tc_res_free(tc_res *r)
{
    for (int q = 0; q < TC_NOUT; q++) free(r->out[q]);
}

/* The runnable tables, best first; the first is exact (the reference), and
 * only exact tables are compared with it bit for bit (scalar-nofma gets the
 * checks within itself). */
static int tc_tabs[64], tc_ntabs;

static void tc_find_tables(void)
{
    tc_ntabs = 0;
    for (int t = 0; t < tl_ntables() && tc_ntabs < 64; t++)
        if (tl_table_runnable(t)) tc_tabs[tc_ntabs++] = t;
}

/* Elements of the largest task of an elementwise call (src/elementwise.c:
 * 4096 for losses that call SLEEF, 32768 for the others): a call of more
 * than twice as many runs in several tasks. */
#define TC_TASK 32768

/* full: every check; else (a size only the threads need) one table, all
 * outputs, the thread configurations */
static void tc_case(tc_ctx *c, int k, const ts_branch *b, size_t n, int pattern, int full)
{
    tc_env e;
    tl_data d;
    memset(&e, 0, sizeof e);
    tc_make(k, b, n, pattern, &d);
    e.k = k;
    e.L = tl_losses[k].info;
    e.b = b;
    e.d = &d;
    const size_t cl = d.cyc_len[0];
    for (int j = 0; j < e.L->nin; j++) e.bin[j] = tc_falloc(n);
    for (int j = 0; j < e.L->ntgt; j++) e.btgt[j] = tc_falloc(n);
    for (int q = 0; q < TC_NOUT; q++) e.bout[q] = tc_falloc(q == 1 + SL_MAX_IN ? cl : n);

    tc_res first[3][M_N], cur[3][M_N];
    tc_res var;
    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            tc_res_alloc(&first[r][m], n, cl);
            tc_res_alloc(&cur[r][m], n, cl);
        }
    tc_res_alloc(&var, n, cl);
    const char *pat = pattern ? "edges" : "natural";

    for (int s = 0; s < (full ? tc_ntabs : 1); s++) {
        ck_assert_msg(tl_use_table(tc_tabs[s]), "table %s not runnable", tl_table_name(tc_tabs[s]));
        const char *isa = tl_table_name(tc_tabs[s]);
        tc_res(*res)[M_N] = s == 0 ? first : cur;
        char who[160];
        for (int red = 0; red < 3; red++) {
            for (int m = 0; m < (full ? M_N : 1); m++)
                if (tc_mode_valid(e.L, m)) tc_run(&e, red, m, V_PLAIN, 0, &res[red][m], c, isa);
            for (int tk = 0; n >= 2 * TC_TASK && red != SIMDLOSS_SUM && (pattern || !full) &&
                             tk < TL_NTHREADS_CROSS;
                 tk++) {
                const int j = tl_threads_cross(tk);
                tl_threads_set(j);
                tc_run(&e, red, M_ALL, V_PLAIN, 0, &var, c, isa);
                tl_threads_set(-1);
                snprintf(who, sizeof who, "[%s: %s vs 1 thread, %s inputs]", isa,
                         tl_threads_name(j), pat);
                tc_compare(c, &e, who, red, M_ALL, &var, &res[red][M_ALL]);
            }
            if (!full) continue;
            /* within this table: partial outputs vs all of them */
            snprintf(who, sizeof who, "[%s: partial outputs vs all, %s inputs]", isa, pat);
            for (int m = M_LOSS; m < M_N; m++)
                if (tc_mode_valid(e.L, m))
                    tc_compare(c, &e, who, red, m, &res[red][m], &res[red][M_ALL]);
            /* misaligned and in-place */
            for (int v = V_MISALIGN; v < V_N; v++) {
                if (v == V_ALIAS_LOSS_X && red != SIMDLOSS_NONE) continue;
                const int off = (int)(n + (size_t)red + (size_t)pattern);
                tc_run(&e, red, M_ALL, v, off, &var, c, isa);
                snprintf(who, sizeof who, "[%s: %s vs aligned out-of-place, %s inputs]", isa,
                         tc_var_names[v], pat);
                tc_compare(c, &e, who, red, M_ALL, &var, &res[red][M_ALL]);
            }
            /* across tables: every output mode against the first (exact tables only) */
            if (s > 0 && tl_table_exact(tc_tabs[s])) {
                snprintf(who, sizeof who, "[%s vs %s, %s inputs]", isa, tl_table_name(tc_tabs[0]),
                         pat);
                for (int m = 0; m < M_N; m++)
                    if (tc_mode_valid(e.L, m))
                        tc_compare(c, &e, who, red, m, &res[red][m], &first[red][m]);
            }
        }
    }

    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            tc_res_free(&first[r][m]);
            tc_res_free(&cur[r][m]);
        }
    tc_res_free(&var);
    for (int j = 0; j < SL_MAX_IN; j++) free(e.bin[j]);
    for (int j = 0; j < SL_MAX_TGT; j++) free(e.btgt[j]);
    for (int q = 0; q < TC_NOUT; q++) free(e.bout[q]);
    tl_data_free(&d);
}

START_TEST(cross_isa)
{
    const int k = _i;
    const ts_spec *sp = ts_specs[k];
#ifdef TL_EMULATED /* qemu: the block edges and a multi-block size suffice */
    static const size_t big[] = {1023, 1024, 1025, 4097, 4097};
#else
    static const size_t big[] = {1023, 1024, 1025, 4097, 65537};
#endif
    tc_ctx c = {0, ""};
    int found = 0, region_done = 0;
    tc_find_tables();
    ck_assert_msg(tc_ntabs > 0, "no runnable table");
    for (size_t bi = 0; bi < sp->nbranches; bi++) {
        const ts_branch *b = &sp->branches[bi];
        if (!b->cross) continue;
        found = 1;
        const size_t m = tl_branch_multiple(k, b);
        size_t last = (size_t)-1;
        for (size_t s = 0; s < 41 + 5; s++) {
            const size_t n0 = s < 41 ? s : big[s - 41];
            const size_t n = (n0 + m - 1) / m * m;
            if (n == last) continue;
            last = n;
            for (int pattern = 0; pattern < 2; pattern++) tc_case(&c, k, b, n, pattern, 1);
        }
#ifndef TL_EMULATED
        /* more tasks than one region holds (32 tasks), with a partial last task */
        if (!region_done) {
            region_done = 1;
            const size_t n = (33 * TC_TASK + 5 + m - 1) / m * m;
            tc_case(&c, k, b, n, 1, 0);
        }
#endif
    }
    (void)region_done; /* unused under emulation */
    ck_assert_msg(found, "no cross branches for %s", tl_losses[k].info->name);
    ck_assert_msg(c.fails == 0, "%s: %ld mismatches; first: %s", tl_losses[k].info->name, c.fails,
                  c.first);
}
END_TEST

int main(void)
{
    tl_threads_set(-1); /* the reference: one thread */
    tc_find_tables();
    printf("test_cross_isa: comparing tables:");
    for (int s = 0; s < tc_ntabs; s++) printf(" %s", tl_table_name(tc_tabs[s]));
    if (tc_ntabs > 0)
        printf(" (reference: %s)%s\n", tl_table_name(tc_tabs[0]),
               tc_ntabs == 1 ? "; only one table: checking alignment, aliasing and output modes"
                             : "");
    else
        printf(" none\n");
    fflush(stdout);
    Suite *s = suite_create("cross_isa");
    TCase *tc = tcase_create("bitwise");
    tcase_add_loop_test(tc, cross_isa, 0, TL_NLOSSES);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
