/* SPDX-License-Identifier: Apache-2.0 */
#include "class_call.h"
#include "parallel.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

int sl_cbegin(sl_ccall *c, const char *fn, size_t batch, size_t classes, size_t inner,
              const void *input, simdloss_reduction reduction, float *loss, void *grad)
{
    c->fn = fn;
    c->red = reduction;
    c->out = loss;
    c->npos = 0;
    c->a = (sl_rargs){0};
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                       (int)reduction);
    if (batch > 0 && classes == 0)
        return sl_fail(SIMDLOSS_EINVAL, "%s: classes = 0 with batch = %zu", fn, batch);
    if (batch > 0 && inner == 0)
        return sl_fail(SIMDLOSS_EINVAL, "%s: inner = 0 with batch = %zu", fn, batch);
    /* counted in 8-byte elements, the widest array a class function reads:
     * multilabel_margin's int64 label rows (batch * classes), and the int64
     * class-index targets (batch * inner, never more) */
    if (batch > 0 && (classes > SIZE_MAX / sizeof(int64_t) / inner ||
                      batch > SIZE_MAX / sizeof(int64_t) / inner / classes))
        return sl_fail(
            SIMDLOSS_EINVAL,
            "%s: batch * classes * inner = %zu * %zu * %zu elements of 8 bytes overflow size_t", fn,
            batch, classes, inner);
    if (batch > 0 && !input) return sl_fail(SIMDLOSS_EINVAL, "%s: input is NULL", fn);
    if (!loss && !grad) return sl_fail(SIMDLOSS_EINVAL, "%s: loss and gradient are both NULL", fn);
    c->npos = batch * inner;
    c->a.batch = batch;
    c->a.classes = classes;
    c->a.inner = inner;
    c->a.x = input;
    c->a.grad = batch > 0 ? grad : NULL;
    c->a.gn = c->a.gs = 1.0f;
    return SIMDLOSS_OK;
}

int sl_check_smoothing(const sl_ccall *c, float label_smoothing)
{
    if (!(label_smoothing >= 0.0f && label_smoothing <= 1.0f))
        return sl_fail(SIMDLOSS_EINVAL, "%s: label_smoothing = %.9g is outside [0, 1]", c->fn,
                       (double)label_smoothing);
    return SIMDLOSS_OK;
}

/* Positions per block of the target check. */
#define SL_CHECK_BLOCK 1024

int sl_check_targets(const sl_ccall *c, const int64_t *target, const float *weight,
                     int64_t ignore_index, int use_ignore, double *wsum)
{
    const uint64_t C = (uint64_t)c->a.classes;
    double s = 0.0;
    size_t kept = 0;
    const sl_tscan scan = sl_active()->tscan;
    if (c->npos > 0 && !target) return sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", c->fn);
    for (size_t p0 = 0; p0 < c->npos; p0 += SL_CHECK_BLOCK) {
        const size_t p1 = c->npos - p0 < SL_CHECK_BLOCK ? c->npos : p0 + SL_CHECK_BLOCK;
        /* a block is checked in vectors, and only a bad one is searched
         * for its first bad position */
        size_t k;
        const int bad = scan(target + p0, p1 - p0, C, ignore_index, use_ignore, &k);
        for (size_t p = p0; bad && p < p1; p++)
            if (sl_target_bad(target[p], C, ignore_index, use_ignore))
                return sl_fail(SIMDLOSS_EDOMAIN,
                               "%s: target[%zu] = %" PRId64 " is outside [0, %" PRIu64 ")%s", c->fn,
                               p, target[p], C, use_ignore ? " and not ignore_index" : "");
        kept += k;
        /* the weights in position order, read only once the block is known
         * good; without weights the total is a count */
        for (size_t p = p0; weight && p < p1; p++)
            if (sl_target_on(target[p], ignore_index, use_ignore)) s += (double)weight[target[p]];
    }
    if (wsum) *wsum = weight ? s : (double)kept;
    return SIMDLOSS_OK;
}

float sl_weight_total(const float *weight, size_t classes)
{
    double s = 0.0;
    if (!weight) return (float)classes;
    for (size_t k = 0; k < classes; k++) s += (double)weight[k];
    return (float)s;
}

sl_rkernel sl_rkernel_of(const sl_ccall *c, int id)
{
    const sl_rkernel k = sl_active()->r[id];
    if (!k) sl_fail(SIMDLOSS_ENOTSUP, "%s: not available in this build", c->fn);
    return k;
}

/* The canonical total of cnt per-position values: position j of the chunk
 * goes to lane j % 16 (in double), lanes combined in the fixed tree. This is
 * the elementwise losses' block reduction, in plain C: the same IEEE
 * additions in the same order on every ISA. */
static double sl_chunk_total(const float *v, size_t cnt)
{
    double l[16] = {0};
    size_t j = 0;
    for (; j + 16 <= cnt; j += 16) /* whole rounds of the 16 lanes, kept in registers */
        for (size_t k = 0; k < 16; k++) l[k] += (double)v[j + k];
    for (; j < cnt; j++) l[j % 16] += (double)v[j];
    for (int w = 8; w > 0; w /= 2)
        for (int k = 0; k < w; k++) l[k] += l[k + w];
    return l[0];
}

/*
 * Tasks: positions [pos, pos + cnt) within one chunk of SL_RCHUNK positions,
 * SL_CTASK_WORK input elements each (at least one position): a chunk of
 * small rows is one task, a chunk of large rows several (8 x 32000: one row
 * each), its last task taking the remainder (17 x 1000: one task of 17
 * rows, not 9 + 8). Their boundaries depend on the shape only; a task writes its
 * positions' terms, and the chunk totals are formed from them in position
 * order and added in chunk order, as the single loop does: the same bits
 * for any number of threads. A call of one task runs inline.
 */
#define SL_CTASK_WORK 8192
/* Whole-chunk tasks per region (their chunk totals on the stack), and the
 * input elements a region of split chunks aims at (their terms in a buffer
 * of at most SL_CREGION_MAX chunks). */
#define SL_CREGION_TASKS 64
#define SL_CREGION_WORK ((size_t)1 << 20)
#define SL_CREGION_MAX 8

typedef struct {
    sl_ccall *c;
    const sl_cplan *p;
    size_t per, tpc; /* positions per task, tasks per chunk */
    size_t chunk0;   /* the region's first chunk */
    float *scratch;  /* per worker: stride floats each */
    size_t stride;
    float *b0, *b1;  /* split chunks: the region's terms, else NULL */
    double *s0, *s1; /* whole chunks: the region's chunk totals */
} sl_ctasks;

static void sl_ctask(void *arg, size_t t, size_t w)
{
    const sl_ctasks *e = (const sl_ctasks *)arg;
    const sl_ccall *c = e->c;
    const sl_cplan *p = e->p;
    const size_t chunk = e->chunk0 + t / e->tpc, c0 = chunk * SL_RCHUNK;
    const size_t cend = c->npos - c0 < SL_RCHUNK ? c->npos : c0 + SL_RCHUNK;
    const size_t sub = t % e->tpc, pos = c0 + sub * e->per;
    if (pos >= cend) return; /* the last chunk may have fewer */
    /* a chunk's last task takes its remainder */
    const size_t cnt = sub == e->tpc - 1 || cend - pos < e->per ? cend - pos : e->per;
    const int none = c->red == SIMDLOSS_NONE;
    float lb0[SL_RCHUNK], lb1[SL_RCHUNK];
    sl_rargs a = c->a;
    a.scratch = e->scratch ? e->scratch + w * e->stride : NULL;
    float *b0 = e->b0 ? e->b0 + (pos - e->chunk0 * SL_RCHUNK) : lb0;
    float *b1 = e->b1 ? e->b1 + (pos - e->chunk0 * SL_RCHUNK) : lb1;
    float *l0 = none && c->out && !p->two ? c->out + pos : b0;
    float *l1 = p->two ? b1 : NULL;
    p->k(&a, pos, cnt, l0, l1);
    if (none && c->out && p->two)
        for (size_t j = 0; j < cnt; j++) c->out[pos + j] = sl_canon1(p->f0 * l0[j] + p->f1 * l1[j]);
    else if (none && c->out)
        for (size_t j = 0; j < cnt; j++) l0[j] = sl_canon1(l0[j]);
    if (!none && !e->b0) { /* a whole chunk */
        e->s0[chunk - e->chunk0] = sl_chunk_total(l0, cnt);
        if (p->two) e->s1[chunk - e->chunk0] = sl_chunk_total(l1, cnt);
    }
}

/* A pass over whole batch rows that sums nothing (NLL's gradient): tasks of
 * rows worth SL_CTASK_WORK input elements, the last taking the remainder. */
typedef struct {
    const sl_rargs *a;
    sl_rkernel k;
    size_t per, ntasks;
} sl_rowtasks;

static void sl_rowtask(void *arg, size_t t, size_t w)
{
    const sl_rowtasks *e = (const sl_rowtasks *)arg;
    const size_t r0 = t * e->per, r1 = t == e->ntasks - 1 ? e->a->batch : r0 + e->per;
    (void)w;
    e->k(e->a, r0 * e->a->inner, (r1 - r0) * e->a->inner, NULL, NULL);
}

void sl_crun_rows(sl_ccall *c, sl_rkernel k)
{
    const size_t row = c->a.classes * c->a.inner, B = c->a.batch;
    const size_t per = row >= SL_CTASK_WORK ? 1 : (SL_CTASK_WORK + row - 1) / row;
    sl_rowtasks e = {&c->a, k, per, B / per > 1 ? B / per : 1};
    if (e.ntasks == 1) {
        k(&c->a, 0, c->npos, NULL, NULL);
        return;
    }
    const sl_team team = sl_team_for(e.ntasks);
    sl_team_run(&team, sl_rowtask, &e, e.ntasks);
}

int sl_crun(sl_ccall *c, const sl_cplan *p)
{
    double s0 = 0.0, s1 = 0.0;
    const int none = c->red == SIMDLOSS_NONE;
    const size_t npos = c->npos, C = c->a.classes;
    const size_t nchunks = npos / SL_RCHUNK + (npos % SL_RCHUNK != 0);
    const size_t first = npos < SL_RCHUNK ? npos : SL_RCHUNK; /* positions in chunk 0 */
    /* classes == 0 only with batch == 0 (no task) */
    const size_t per0 = C >= SL_CTASK_WORK ? 1 : C == 0 ? SL_RCHUNK : (SL_CTASK_WORK + C - 1) / C;
    const size_t per = per0 < first ? per0 : first;
    const size_t tpc = npos && first / per > 1 ? first / per : 1;
    const sl_team team = sl_team_for(nchunks * tpc);
    /* chunks per region */
    size_t region = SL_CREGION_TASKS;
    if (tpc > 1) {
        region = SL_CREGION_WORK / SL_RCHUNK / C;
        region = region < 1 ? 1 : region > SL_CREGION_MAX ? SL_CREGION_MAX : region;
    }
    double t0[SL_CREGION_TASKS], t1[SL_CREGION_TASKS];
    sl_ctasks e = {.c = c, .p = p, .per = per, .tpc = tpc, .s0 = t0, .s1 = t1};
    if (npos > 0 && p->scratch > 0) {
        /* workers' scratch rows a cache line apart at least: a line shared
         * by two of them (multilabel_margin's counts, written every label
         * pass) made 2 threads take 1.6x the CPU time of one */
        const size_t wk = team.workers;
        e.stride = wk == 1 ? p->scratch : (p->scratch | 15) + 1 + 16;
        e.scratch = p->scratch < SIZE_MAX - 32 && e.stride <= (SIZE_MAX - 64) / sizeof(float) / wk
                        ? aligned_alloc(64, (wk * e.stride * sizeof(float) + 63) / 64 * 64)
                        : NULL;
        if (!e.scratch)
            return sl_fail(SIMDLOSS_ENOMEM, "%s: no memory for %zu floats of scratch", c->fn,
                           p->scratch);
    }
    if (tpc > 1) { /* split chunks: the terms of a region's positions */
        e.b0 = malloc(2 * region * SL_RCHUNK * sizeof(float));
        if (!e.b0) {
            free(e.scratch);
            return sl_fail(SIMDLOSS_ENOMEM, "%s: no memory for %zu floats of terms", c->fn,
                           2 * region * SL_RCHUNK);
        }
        e.b1 = e.b0 + region * SL_RCHUNK;
    }
    for (size_t k0 = 0; k0 < nchunks; k0 += region) {
        const size_t nk = nchunks - k0 < region ? nchunks - k0 : region;
        e.chunk0 = k0;
        if (nk * tpc == 1)
            sl_ctask(&e, 0, 0);
        else
            sl_team_run(&team, sl_ctask, &e, nk * tpc);
        for (size_t k = 0; !none && k < nk; k++) {
            const size_t pc = k0 + k == nchunks - 1 ? npos - (k0 + k) * SL_RCHUNK : SL_RCHUNK;
            s0 += e.b0 ? sl_chunk_total(e.b0 + k * SL_RCHUNK, pc) : t0[k];
            if (p->two) s1 += e.b0 ? sl_chunk_total(e.b1 + k * SL_RCHUNK, pc) : t1[k];
        }
    }
    free(e.b0);
    free(e.scratch);
    if (!none && c->out) {
        double v;
        if (c->npos == 0) /* the plan's factors may be infinite (classes == 0): unused */
            v = c->red == SIMDLOSS_SUM ? 0.0 : NAN;
        else if (c->red == SIMDLOSS_SUM)
            v = (double)p->f0 * s0 + (p->two ? (double)p->f1 * s1 : 0.0);
        else
            v = (double)p->f0 * s0 / p->d0 + (p->two ? (double)p->f1 * s1 / p->d1 : 0.0);
        *c->out = sl_canon1((float)v);
    }
    return SIMDLOSS_OK;
}
