/* SPDX-License-Identifier: Apache-2.0 */
#include "elementwise.h"
#include "parallel.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const sl_elem_info sl_elem_infos[SL_K_NELEM] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = SL_ELEM_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_ELEMENTWISE
};

static const float sl_one = 1.0f;

static int sl_in_range(const sl_range *r, float v)
{
    if (v != v) return 0;
    if (r->has_alt && v == r->alt) return 1;
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo)) return 0;
    return r->hi_open ? v < r->hi : v <= r->hi;
}

/* "must be > 0", "is outside [0, 1]", ...: what a range allows. */
static void sl_range_text(const sl_range *r, char *buf, size_t size)
{
    if (r->has_alt)
        snprintf(buf, size, "must be %g or %s %g", (double)r->alt,
                 r->lo_open ? ">" : ">=", (double)r->lo);
    else if (isinf(r->lo) && isinf(r->hi))
        snprintf(buf, size, "must not be NaN");
    else if (isinf(r->hi))
        snprintf(buf, size, "must be %s %g", r->lo_open ? ">" : ">=", (double)r->lo);
    else if (isinf(r->lo))
        snprintf(buf, size, "must be %s %g", r->hi_open ? "<" : "<=", (double)r->hi);
    else
        snprintf(buf, size, "is outside %c%g, %g%c", r->lo_open ? '(' : '[', (double)r->lo,
                 (double)r->hi, r->hi_open ? ')' : ']');
}

/* "loss and grad_input are both NULL", "loss, grad_input and grad_var are all NULL" */
static int sl_no_output(const sl_elem_info *L)
{
    const char *names[SL_MAX_IN + 2];
    int k = 0;
    char msg[256];
    size_t len = 0;
    names[k++] = "loss";
    for (int j = 0; j < L->nin; j++) names[k++] = L->grad[j];
    if (L->ncg) names[k++] = L->cyc[0].grad;
    for (int j = 0; j < k; j++)
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                                j == 0 ? "" : (j == k - 1 ? " and " : ", "), names[j]);
    return sl_fail(SIMDLOSS_EINVAL, "%s: %s are %s NULL", L->fn, msg, k == 2 ? "both" : "all");
}

static int sl_check_cyc(const sl_elem_info *L, const sl_elem_call *q, int j)
{
    const sl_cyc_info *ci = &L->cyc[j];
    const size_t len = q->cyc_len[j];
    const int required = ci->grad != NULL;
    /* also with n == 0, where a cyclic gradient still receives len zeros */
    if (len > SIZE_MAX / sizeof(float) && (q->cyc[j] || required))
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %zu floats overflow size_t", L->fn, ci->len, len);
    if (required && q->n == 0) return SIMDLOSS_OK;
    if (!q->cyc[j]) {
        if (required) return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", L->fn, ci->name);
        return SIMDLOSS_OK;
    }
    if (len == 0) return sl_fail(SIMDLOSS_EINVAL, "%s: %s = 0", L->fn, ci->len);
    if (q->n % len != 0)
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %zu does not divide n = %zu", L->fn, ci->len, len,
                       q->n);
    return SIMDLOSS_OK;
}

static int sl_check_params(const sl_elem_info *L, const sl_elem_call *q)
{
    for (int j = 0; j < L->npf; j++) {
        const sl_pf_info *pf = &L->pf[j];
        if (sl_in_range(&pf->range, q->pf[j])) continue;
        char why[64];
        sl_range_text(&pf->range, why, sizeof why);
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %g %s", L->fn, pf->name, (double)q->pf[j], why);
    }
    for (int j = 0; j < L->npi; j++) {
        const sl_pi_info *pi = &L->pi[j];
        if (pi->rule == SL_I_ONE_TWO && q->pi[j] != 1 && q->pi[j] != 2)
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %d is not 1 or 2", L->fn, pi->name, q->pi[j]);
    }
    return SIMDLOSS_OK;
}

/* The registry's whole-array pass before the kernel, with the kernel's
 * arguments set up. */
static int sl_prescan(const sl_elem_info *L, sl_args *a)
{
    sl_args scan = {0};
    switch (L->prescan) {
    case SL_PRE_BINARY_TARGET:
        /* Keras converts {0, 1} labels to {-1, 1} when every label of the
         * call is 0 or 1: one read of the target before the fused pass */
        scan.n = a->n;
        scan.tgt[0] = a->tgt[0];
        if (scan.n > 0) sl_active()->k[SL_K_all_binary](&scan);
        if (!scan.bad) a->flags |= SL_F_CONVERT;
        return SIMDLOSS_OK;
    case SL_PRE_NONNEG_CYC:
        /* PyTorch raises on a negative variance (NaN passes and gives NaN) */
        if (a->n == 0) return SIMDLOSS_OK;
        scan.cyc[0] = a->cyc[0];
        scan.cyc_len[0] = a->cyc_len[0];
        sl_active()->k[SL_K_first_negative](&scan);
        if (scan.bad)
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s[%zu] = %.9g is negative", L->fn, L->cyc[0].name,
                           scan.bad_index, (double)scan.bad_value);
        return SIMDLOSS_OK;
    default: return SIMDLOSS_OK;
    }
}

/* Tasks of whole reduction blocks: 4 (4096 elements) for a loss that calls
 * SLEEF, 32 for the others, whose elements cost a tenth as much; the last
 * task also takes the remainder (n = 1.5 tasks is one task: a second of a
 * few elements would cost the team's fork and join for nothing), and a call
 * of one task runs inline. Either way a task is worth about 5 us on one core,
 * ten times the fork and join of a team (bench: the thread rows). Their
 * boundaries depend on the loss and n only, and each block's total is kept
 * (sl_args.bsum) and added in block order after the tasks: the sum of the
 * blocks in order, as the single loop over all of them adds it. Tasks run
 * in regions of SL_REGION_BLOCKS, so that the block totals fit on the
 * stack. */
#define SL_TASK_BLOCKS_SLEEF 4
#define SL_TASK_BLOCKS 32
#define SL_REGION_BLOCKS 1024
#define SL_REGION_TASKS (SL_REGION_BLOCKS / SL_TASK_BLOCKS_SLEEF)
#define SL_BSUM_MAX (SL_REGION_BLOCKS + SL_TASK_BLOCKS) /* a last task's remainder */

/* A task's first out-of-domain element. */
typedef struct {
    int bad;
    size_t index;
    float value;
} sl_task_bad;

typedef struct {
    sl_kernel k;
    const sl_args *a;
    size_t task; /* elements per task (the last: up to n) */
    size_t ntasks;
    size_t first_task; /* the region's */
    double *bsum;      /* the region's block totals */
    sl_task_bad *bad;  /* per task of the region */
} sl_elem_tasks;

static void sl_elem_task(void *p, size_t t, size_t w)
{
    const sl_elem_tasks *e = (const sl_elem_tasks *)p;
    (void)w;
    const size_t start = (e->first_task + t) * e->task, n = e->a->n;
    sl_args a = *e->a;
    a.n = e->first_task + t == e->ntasks - 1 ? n - start : e->task;
    a.first = start;
    for (int j = 0; j < SL_MAX_IN; j++) {
        if (a.in[j]) a.in[j] += start;
        if (a.grad[j]) a.grad[j] += start;
    }
    for (int j = 0; j < SL_MAX_TGT; j++)
        if (a.tgt[j]) a.tgt[j] += start;
    if (a.loss) a.loss += start;
    if (a.grad_cyc) a.grad_cyc += start;
    a.bsum = a.want_sum ? e->bsum + t * (e->task / SL_BLOCK) : NULL;
    a.bad = 0;
    e->k(&a);
    e->bad[t] = (sl_task_bad){a.bad, start + a.bad_index, a.bad_value};
}

/* The kernel over the whole call, in tasks where there are several. */
static void sl_elem_run(const sl_elem_info *L, sl_kernel k, sl_args *a)
{
    int calls = 0;
    for (int j = 0; j < 5; j++) calls |= L->sleef[j] != 0;
    const size_t task = (size_t)(calls ? SL_TASK_BLOCKS_SLEEF : SL_TASK_BLOCKS) * SL_BLOCK;
    const size_t n = a->n, ntasks = n / task;
    /* a short cyclic array's gradient is summed in element order into one
     * double per value: one task */
    if (ntasks <= 1 || a->cyc_acc) {
        k(a);
        return;
    }
    const size_t region = SL_REGION_BLOCKS * SL_BLOCK / task; /* tasks */
    const sl_team team = sl_team_for(ntasks);
    double bsum[SL_BSUM_MAX];
    sl_task_bad bad[SL_REGION_TASKS];
    sl_elem_tasks e = {k, a, task, ntasks, 0, bsum, bad};
    double sum = 0.0;
    a->bad = 0;
    for (size_t t0 = 0; t0 < ntasks; t0 += region) {
        const size_t nt = ntasks - t0 < region ? ntasks - t0 : region;
        e.first_task = t0;
        sl_team_run(&team, sl_elem_task, &e, nt);
        if (a->want_sum) {
            const size_t end = t0 + nt == ntasks ? n : (t0 + nt) * task;
            const size_t nb = (end - t0 * task + SL_BLOCK - 1) / SL_BLOCK;
            for (size_t b = 0; b < nb; b++) sum += bsum[b];
        }
        for (size_t t = 0; t < nt && !a->bad; t++)
            if (bad[t].bad) {
                a->bad = 1;
                a->bad_index = bad[t].index;
                a->bad_value = bad[t].value;
            }
    }
    a->sum = sum;
}

int sl_elementwise(int id, sl_elem_call *q)
{
    const sl_elem_info *L = &sl_elem_infos[id];
    const size_t n = q->n;
    const simdloss_reduction red = q->red;
    int rc;
    if (red != SIMDLOSS_NONE && red != SIMDLOSS_MEAN && red != SIMDLOSS_SUM)
        return sl_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", L->fn,
                       (int)red);
    /* no array of n floats can exist: reject before any size is computed */
    if (n > SIZE_MAX / sizeof(float))
        return sl_fail(SIMDLOSS_EINVAL, "%s: n = %zu floats overflow size_t", L->fn, n);
    for (int j = 0; j < L->nin; j++)
        if (n > 0 && !q->in[j]) return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", L->fn, L->in[j]);
    for (int j = 0; j < L->ntgt; j++)
        if (n > 0 && !q->tgt[j])
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", L->fn, L->tgt[j]);
    int any = q->loss != NULL || (L->ncg && q->grad_cyc);
    for (int j = 0; j < L->nin; j++) any |= q->grad[j] != NULL;
    if (!any) return sl_no_output(L);
    for (int j = 0; j < L->ncyc; j++)
        if ((rc = sl_check_cyc(L, q, j))) return rc;
    if ((rc = sl_check_params(L, q))) return rc;

    sl_args a = {0};
    a.n = n;
    for (int j = 0; j < L->nin; j++) a.in[j] = q->in[j], a.grad[j] = q->grad[j];
    for (int j = 0; j < L->ntgt; j++) a.tgt[j] = q->tgt[j];
    for (int j = 0; j < L->ncyc; j++) {
        a.cyc[j] = q->cyc[j] ? q->cyc[j] : &sl_one;
        a.cyc_len[j] = q->cyc[j] ? q->cyc_len[j] : 1;
    }
    a.loss = red == SIMDLOSS_NONE ? q->loss : NULL;
    a.want_sum = red != SIMDLOSS_NONE && q->loss != NULL;
    a.params = q->params;
    a.flags = q->flags;
    if ((rc = sl_prescan(L, &a))) return rc;
    a.gscale = (float)(red == SIMDLOSS_MEAN && n > 0 ? L->gradmul / (double)n : L->gradmul);

    const size_t clen = q->cyc_len[0];
    double *acc = NULL;
    if (L->ncg && q->grad_cyc) {
        if (n == 0) { /* no element shares a value: each of the len sums is empty */
            if (clen > 0) memset(q->grad_cyc, 0, clen * sizeof(float));
        } else if (clen == n) {
            a.grad_cyc = q->grad_cyc;
        } else {
            acc = calloc(clen, sizeof *acc);
            if (!acc)
                return sl_fail(SIMDLOSS_ENOMEM, "%s: no memory for %zu %s sums", L->fn, clen,
                               L->cyc[0].name);
            a.cyc_acc = acc;
        }
    }
    if (n > 0) sl_elem_run(L, sl_active()->k[id], &a);
    if (acc) {
        for (size_t j = 0; j < clen; j++) q->grad_cyc[j] = sl_canon1((float)acc[j]);
        free(acc);
    }
    if (red != SIMDLOSS_NONE && q->loss) {
        if (red == SIMDLOSS_SUM)
            *q->loss = sl_canon1((float)a.sum);
        else
            *q->loss = n > 0 ? sl_canon1((float)(a.sum / (double)n)) : NAN;
    }
    if (L->has_domain && a.bad)
        return sl_fail(SIMDLOSS_EDOMAIN, "%s: %s[%zu] = %.9g %s", L->fn, L->in[0], a.bad_index,
                       (double)a.bad_value, L->domain);
    return SIMDLOSS_OK;
}
