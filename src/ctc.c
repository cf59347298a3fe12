/* SPDX-License-Identifier: Apache-2.0 */
/*
 * F.ctc_loss (include/simdloss.h): PyTorch's CPU algorithm, sample by
 * sample. The recursions run here in plain C; their arithmetic with exp and
 * log runs in the active table's vector steps (src/kernels/ctc.h), one lane
 * per state or class, and the sums here add in a fixed order: the same bits
 * on every table and for any thread count (a sample is one task's).
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctc.h"
#include "internal.h"
#include "parallel.h"

typedef struct {
    size_t T, N, C;
    const float *lp;
    const int64_t *targets, *il, *tl;
    const size_t *first; /* each sample's first label in targets */
    size_t blank;
    int zero_infinity;
    simdloss_reduction red;
    float *nll;  /* N losses (zero_infinity applied) */
    float *grad; /* or NULL */
    const struct sl_table *tab;
} sl_ctc_call;

/* Bytes of scratch one sample needs (w = 2S + 3): its extended labels, the
 * distinct classes and their first states (3w size_t); alpha (il rows of w,
 * two -inf pads in front of each), two beta rows and eight rows of w (masks,
 * emissions, alpha * beta and its pieces); two rows of classes. SIZE_MAX
 * when that does not fit. */
static size_t sl_ctc_need(size_t il, size_t S, size_t C)
{
    if (S > (SIZE_MAX / 64 - 3) / 2) return SIZE_MAX;
    const size_t w = 2 * S + 3;
    if (C > SIZE_MAX / 64) return SIZE_MAX;
    const size_t rows = (SIZE_MAX / 8 - 2 * C) / w;
    if (rows < 10 || il > rows - 10) return SIZE_MAX;
    const size_t floats = (il + 10) * w + 2 * C;
    if (floats > (SIZE_MAX / 2 - 3 * w * sizeof(size_t)) / sizeof(float)) return SIZE_MAX;
    /* whole cache lines: the next worker's size_t rows stay aligned, and
     * workers share no line */
    return (3 * w * sizeof(size_t) + floats * sizeof(float) + 63) / 64 * 64;
}

static void sl_ctc_run(const struct sl_table *tab, int kernel, size_t n, sl_ctc_vec *v)
{
    sl_args a;
    memset(&a, 0, sizeof a);
    a.n = n;
    a.params = v;
    tab->k[kernel](&a);
}

static void sl_ctc_fill(float *p, size_t n, float v)
{
    for (size_t i = 0; i < n; i++) p[i] = v;
}

/* Sample n: its loss to c->nll[n], its gradient rows where wanted. */
static void sl_ctc_sample(const sl_ctc_call *c, size_t n, void *scratch)
{
    const float ninf = -INFINITY;
    const size_t T = c->T, N = c->N, C = c->C, il = (size_t)c->il[n], S = (size_t)c->tl[n];
    const size_t L = 2 * S + 1, w = L + 2;
    const int64_t *lab = S ? c->targets + c->first[n] : NULL;
    size_t *prime = scratch, *dcls = prime + w, *dstate = dcls + w;
    float *alpha = (float *)(void *)(dstate + w), *beta = alpha + il * w, *beta_next = beta + w;
    float *allow_a = beta_next + w, *allow_b = allow_a + w, *emit = allow_b + w, *ab = emit + w;
    float *ms = ab + w, *ex = ms + w, *xs = ex + w, *ys = xs + w, *lcab = ys + w, *sum = lcab + C;
    for (size_t s = 0; s < L; s++) prime[s] = s & 1 ? (size_t)lab[s / 2] : c->blank;
    for (size_t s = 0; s < L; s++) {
        allow_a[s] = s >= 2 && prime[s - 2] != prime[s];
        allow_b[s] = s + 2 < L && prime[s + 2] != prime[s];
    }

    float nll;
    if (il == 0) {
        nll = -(S == 0 ? 0.0f : ninf); /* -0 when feasible, as PyTorch */
    } else {
        const float *lp0 = c->lp + n * C;
        sl_ctc_fill(alpha, w, ninf);
        alpha[2] = lp0[c->blank];
        if (S > 0) alpha[3] = lp0[prime[1]];
        for (size_t t = 1; t < il; t++) {
            const float *lpt = c->lp + (t * N + n) * C;
            float *prev = alpha + (t - 1) * w, *cur = alpha + t * w;
            cur[0] = cur[1] = ninf;
            for (size_t s = 0; s < L; s++) emit[s] = lpt[prime[s]];
            sl_ctc_vec v = {prev + 2, prev + 1, prev, allow_a, emit, NULL, cur + 2, 0.0f, 0.0f};
            sl_ctc_run(c->tab, SL_K_ctc_step, L, &v);
        }
        const float *last = alpha + (il - 1) * w + 2;
        if (S == 0) {
            nll = -last[0];
        } else { /* log(exp(l1 - m) + exp(l2 - m)) + m: the step without c */
            const float zero = 0.0f;
            float ll;
            sl_ctc_vec v = {last + 2 * S, last + 2 * S - 1, last, &zero, &zero, NULL, &ll, 0, 0};
            sl_ctc_run(c->tab, SL_K_ctc_step, 1, &v);
            nll = -ll;
        }
    }
    const int zeroed = c->zero_infinity && nll == INFINITY;
    c->nll[n] = zeroed ? 0.0f : nll;
    if (!c->grad) return;
    float *grad = c->grad + n * C;       /* row t at grad + t * N * C */
    const size_t from = zeroed ? 0 : il; /* rows past the input length are 0 */
    for (size_t t = from; t < T; t++) memset(grad + t * N * C, 0, C * sizeof(float));
    if (zeroed || il == 0) return;
    float scale = 1.0f; /* PyTorch's (1 / N) / max(S, 1) for MEAN */
    if (c->red == SIMDLOSS_MEAN) scale = (float)(1.0 / (double)N) / (float)(S > 1 ? S : 1);

    /* the distinct classes of the extended labels, each with its first state */
    size_t nd = 0;
    for (size_t s = 0; s < L; s++) lcab[prime[s]] = 0.0f;
    for (size_t s = 0; s < L; s++)
        if (lcab[prime[s]] == 0.0f) {
            lcab[prime[s]] = 1.0f;
            dcls[nd] = prime[s], dstate[nd] = s, nd++;
        }
    for (size_t t = il; t-- > 0;) {
        const float *lpt = c->lp + (t * N + n) * C;
        const float *al = alpha + t * w + 2;
        if (t == il - 1) {
            sl_ctc_fill(beta, w, ninf);
            beta[2 * S] = lpt[c->blank];
            if (S > 0) beta[2 * S - 1] = lpt[prime[2 * S - 1]];
        } else {
            float *tmp = beta_next; /* beta_next: the row of t + 1 */
            beta_next = beta, beta = tmp;
            for (size_t s = 0; s < L; s++) emit[s] = lpt[prime[s]];
            beta[L] = beta[L + 1] = ninf;
            sl_ctc_vec v = {beta_next, beta_next + 1, beta_next + 2, allow_b, emit,
                            NULL,      beta,          0.0f,          0.0f};
            sl_ctc_run(c->tab, SL_K_ctc_step, L, &v);
        }
        /* per class, the log of the summed alpha * beta of its states: the
         * largest term m (0 when -inf), the sum of exp(term - m) in
         * descending state order, log(sum) + m. At the last frame only the
         * two final states have a beta (PyTorch adds no other). The blank
         * (the even states) is reduced in a register, the labels (odd
         * states, rarely repeated) in their class's slot: the same order
         * per class as one loop over every state, without a chain of stores
         * and loads through the blank's slot. */
        sl_ctc_fill(lcab, C, ninf);
        float blank_max = ninf;
        for (size_t s = 0; s < L; s++) ab[s] = t == il - 1 && s + 2 < L ? ninf : al[s] + beta[s];
        for (size_t s = 0; s < L; s += 2)
            if (ab[s] > blank_max) blank_max = ab[s];
        for (size_t s = 1; s < L; s += 2)
            if (ab[s] > lcab[prime[s]]) lcab[prime[s]] = ab[s];
        lcab[c->blank] = blank_max;
        for (size_t s = 0; s < L; s++) ms[s] = lcab[prime[s]] == ninf ? 0.0f : lcab[prime[s]];
        sl_ctc_vec e = {ab, ms, NULL, NULL, NULL, NULL, ex, 0.0f, 0.0f};
        sl_ctc_run(c->tab, SL_K_ctc_expdiff, L, &e);
        for (size_t d = 0; d < nd; d++) sum[dcls[d]] = 0.0f;
        float blank_sum = 0.0f;
        for (size_t s = L; s-- > 0;) { /* descending: L - 1 = 2S is a blank */
            if (s & 1)
                sum[prime[s]] += ex[s];
            else
                blank_sum += ex[s];
        }
        sum[c->blank] = blank_sum;
        for (size_t d = 0; d < nd; d++) xs[d] = sum[dcls[d]], ys[d] = ms[dstate[d]];
        sl_ctc_vec g = {xs, ys, NULL, NULL, NULL, NULL, ex, 0.0f, 0.0f};
        sl_ctc_run(c->tab, SL_K_ctc_logadd, nd, &g);
        for (size_t d = 0; d < nd; d++) lcab[dcls[d]] = ex[d];
        sl_ctc_vec r = {lcab, NULL, NULL, NULL, NULL, lpt, grad + t * N * C, nll, scale};
        sl_ctc_run(c->tab, SL_K_ctc_grad, C, &r);
    }
}

typedef struct {
    const sl_ctc_call *c;
    unsigned char *scratch;
    size_t per_worker; /* bytes */
} sl_ctc_team;

/* a task is a sample: its cost, T * (S * a few exp + classes * 2 exp), is
 * far above a task's overhead */
static void sl_ctc_task(void *arg, size_t n, size_t worker)
{
    const sl_ctc_team *e = arg;
    sl_ctc_sample(e->c, n, e->scratch + worker * e->per_worker);
}

SIMDLOSS_API int simdloss_ctc_f32(size_t time, size_t batch, size_t classes, const float *log_probs,
                                  const int64_t *targets, size_t target_stride,
                                  const int64_t *input_lengths, const int64_t *target_lengths,
                                  int64_t blank, int zero_infinity, simdloss_reduction reduction,
                                  float *loss, float *grad_log_probs)
{
    static const char fn[] = "simdloss_ctc_f32";
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                       (int)reduction);
    if (!loss && !grad_log_probs)
        return sl_fail(SIMDLOSS_EINVAL, "%s: loss and gradient are both NULL", fn);
    if (blank < 0 || (uint64_t)blank >= (uint64_t)classes)
        return sl_fail(SIMDLOSS_EINVAL, "%s: blank = %" PRId64 " is outside [0, classes = %zu)", fn,
                       blank, classes);
    if (batch > 0 && time > 0 &&
        (batch > SIZE_MAX / sizeof(float) / time ||
         classes > SIZE_MAX / sizeof(float) / time / batch))
        return sl_fail(SIMDLOSS_EINVAL, "%s: time * batch * classes = %zu * %zu * %zu overflows",
                       fn, time, batch, classes);
    if (batch > SIZE_MAX / sizeof(size_t))
        return sl_fail(SIMDLOSS_EINVAL, "%s: batch = %zu is too large", fn, batch);
    if (batch > 0 && (!input_lengths || !target_lengths))
        return sl_fail(SIMDLOSS_EINVAL, "%s: input_lengths or target_lengths is NULL", fn);
    if (batch > 0 && time > 0 && !log_probs)
        return sl_fail(SIMDLOSS_EINVAL, "%s: log_probs is NULL", fn);
    size_t total = 0, need = 0; /* labels (concatenated), scratch bytes per sample */
    for (size_t n = 0; n < batch; n++) {
        const int64_t il = input_lengths[n], tl = target_lengths[n];
        if (il < 0 || (uint64_t)il > (uint64_t)time)
            return sl_fail(SIMDLOSS_EINVAL,
                           "%s: input_lengths[%zu] = %" PRId64 " is outside [0, time = %zu]", fn, n,
                           il, time);
        if (tl < 0)
            return sl_fail(SIMDLOSS_EINVAL, "%s: target_lengths[%zu] = %" PRId64 " is negative", fn,
                           n, tl);
        if (target_stride > 0 && (uint64_t)tl > (uint64_t)target_stride)
            return sl_fail(SIMDLOSS_EINVAL,
                           "%s: target_lengths[%zu] = %" PRId64 " exceeds target_stride = %zu", fn,
                           n, tl, target_stride);
        const size_t b =
            sl_ctc_need((size_t)il, (uint64_t)tl < SIZE_MAX / 4 ? (size_t)tl : SIZE_MAX, classes);
        if (b == SIZE_MAX)
            return sl_fail(SIMDLOSS_ENOMEM,
                           "%s: the scratch of sample %zu (input length %" PRId64
                           ", target length %" PRId64 ") does not fit in memory",
                           fn, n, il, tl);
        if (b > need) need = b;
        if (target_stride == 0) {
            if ((uint64_t)tl > SIZE_MAX - total)
                return sl_fail(SIMDLOSS_EINVAL, "%s: the target lengths' sum overflows", fn);
            total += (size_t)tl;
        }
    }
    if (target_stride > 0 && batch > 0 && batch - 1 > (SIZE_MAX - target_stride) / target_stride)
        return sl_fail(SIMDLOSS_EINVAL, "%s: batch * target_stride overflows", fn);
    size_t *first = batch ? malloc(batch * sizeof *first) : NULL;
    if (batch && !first) return sl_fail(SIMDLOSS_ENOMEM, "%s: out of memory", fn);
    int rc = SIMDLOSS_OK;
    size_t at = 0;
    for (size_t n = 0; n < batch && rc == SIMDLOSS_OK; n++) {
        first[n] = target_stride ? n * target_stride : at;
        const size_t tl = (size_t)target_lengths[n];
        if (tl > 0 && !targets) {
            rc = sl_fail(SIMDLOSS_EINVAL, "%s: targets is NULL", fn);
            break;
        }
        for (size_t j = 0; j < tl; j++) {
            const int64_t y = targets[first[n] + j];
            if (y < 0 || (uint64_t)y >= (uint64_t)classes || y == blank) {
                rc = sl_fail(SIMDLOSS_EDOMAIN,
                             "%s: target %zu of sample %zu (targets[%zu]) = %" PRId64 " is %s", fn,
                             j, n, first[n] + j, y,
                             y == blank ? "the blank" : "outside [0, classes)");
                break;
            }
        }
        at += tl;
    }
    if (rc) {
        free(first);
        return rc;
    }
    float *nll = batch ? malloc(batch * sizeof *nll) : NULL;
    const sl_team team = sl_team_for(batch);
    unsigned char *scratch = NULL;
    if (batch && need <= SIZE_MAX / team.workers) scratch = malloc(need * team.workers);
    if (batch && (!nll || !scratch)) {
        free(first), free(nll), free(scratch);
        return sl_fail(SIMDLOSS_ENOMEM, "%s: out of memory (%zu bytes of scratch per thread)", fn,
                       need);
    }
    const sl_ctc_call call = {time,
                              batch,
                              classes,
                              log_probs,
                              targets,
                              input_lengths,
                              target_lengths,
                              first,
                              (size_t)blank,
                              zero_infinity != 0,
                              reduction,
                              nll,
                              batch ? grad_log_probs : NULL,
                              sl_active()};
    sl_ctc_team e = {&call, scratch, need};
    if (batch) sl_team_run(&team, sl_ctc_task, &e, batch);
    if (loss) {
        if (reduction == SIMDLOSS_NONE) {
            for (size_t n = 0; n < batch; n++) loss[n] = sl_canon1(nll[n]);
        } else {
            double s = 0.0;
            for (size_t n = 0; n < batch; n++) {
                const int64_t tl = target_lengths[n];
                s += reduction == SIMDLOSS_MEAN ? (double)nll[n] / (double)(tl > 1 ? tl : 1)
                                                : (double)nll[n];
            }
            *loss = sl_canon1(reduction == SIMDLOSS_SUM ? (float)s
                              : batch                   ? (float)(s / (double)batch)
                                                        : NAN);
        }
    }
    free(first), free(nll), free(scratch);
    return SIMDLOSS_OK;
}
