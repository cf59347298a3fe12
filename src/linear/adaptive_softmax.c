/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AdaptiveLogSoftmaxWithLoss (include/simdloss_linear.h): the head and each
 * cluster are linear layers (cblas_sgemm) whose log-softmax the core's
 * cross-entropy computes (its per-row loss is -log p of the target, its
 * gradient softmax - onehot in place, its lse option the normaliser), a
 * chunk of rows at a time.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linear.h"

/* Classes [lo, hi) of cluster i. */
static size_t sl_ad_lo(const simdloss_adaptive_softmax *m, size_t i) { return m->cutoffs[i]; }
static size_t sl_ad_hi(const simdloss_adaptive_softmax *m, size_t i)
{
    return i + 1 < m->n_clusters ? m->cutoffs[i + 1] : m->n_classes;
}

/* n * k floats fit size_t (and so every byte count below). */
static int sl_ad_fits(size_t n, size_t k) { return !k || n <= SIZE_MAX / sizeof(float) / 4 / k; }

/* The module's shape and parameters, as PyTorch's constructor and forward
 * check them, and the arrays a batch of rows needs. */
static int sl_ad_check(const simdloss_adaptive_softmax *m, size_t batch, const float *input,
                       const char *fn)
{
    if (!m) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: the module is NULL", fn);
    const size_t F = m->in_features, N = m->n_classes, K = m->n_clusters;
    if (K == 0 || !m->cutoffs || !m->tail_hidden)
        return sl_lin_fail(SIMDLOSS_EINVAL,
                           "%s: n_clusters = %zu: cutoffs and tail_hidden must hold at least one "
                           "value",
                           fn, K);
    if (N < 2 || K > N - 1)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: n_classes = %zu has no room for %zu cutoffs", fn,
                           N, K);
    for (size_t i = 0; i < K; i++) {
        const size_t c = m->cutoffs[i];
        if (c < 1 || c > N - 1 || (i && c <= m->cutoffs[i - 1]))
            return sl_lin_fail(SIMDLOSS_EINVAL,
                               "%s: cutoffs[%zu] = %zu: cutoffs must be unique positive integers "
                               "in increasing order, each between 1 and n_classes - 1 = %zu",
                               fn, i, c, N - 1);
    }
    const size_t head = m->cutoffs[0] + K;
    int big = F > INT_MAX || N > INT_MAX || head > INT_MAX || batch > INT_MAX ||
              !sl_ad_fits(head, F) || !sl_ad_fits(batch, F) || !sl_ad_fits(batch, N);
    for (size_t i = 0; i < K && !big; i++) {
        const size_t h = m->tail_hidden[i], osz = sl_ad_hi(m, i) - sl_ad_lo(m, i);
        big = h > INT_MAX || !sl_ad_fits(h, F) || !sl_ad_fits(osz, h) || !sl_ad_fits(batch, h);
    }
    if (big)
        return sl_lin_fail(SIMDLOSS_EINVAL,
                           "%s: sizes (batch = %zu, in_features = %zu, n_classes = %zu, "
                           "tail_hidden) exceed the BLAS's int or overflow size_t",
                           fn, batch, F, N);
    if (batch == 0) return SIMDLOSS_OK;
    if (F > 0 && (!input || !m->head_weight))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", fn, !input ? "input" : "head_weight");
    if (!m->tail_proj || !m->tail_out)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", fn,
                           !m->tail_proj ? "tail_proj" : "tail_out");
    for (size_t i = 0; i < K; i++) {
        const size_t h = m->tail_hidden[i];
        if (h > 0 && ((F > 0 && !m->tail_proj[i]) || !m->tail_out[i]))
            return sl_lin_fail(SIMDLOSS_EINVAL, "%s: tail_%s[%zu] is NULL", fn,
                               !m->tail_out[i] ? "out" : "proj", i);
    }
    return SIMDLOSS_OK;
}

static size_t sl_ad_max_hidden(const simdloss_adaptive_softmax *m)
{
    size_t h = 0;
    for (size_t i = 0; i < m->n_clusters; i++)
        if (m->tail_hidden[i] > h) h = m->tail_hidden[i];
    return h;
}

/* logits = x (n rows of in_features) head_weight^T + head_bias. */
static void sl_ad_head(const simdloss_adaptive_softmax *m, size_t n, const float *x, float *logits)
{
    const size_t head = m->cutoffs[0] + m->n_clusters;
    for (size_t r = 0; m->head_bias && r < n; r++)
        memcpy(logits + r * head, m->head_bias, head * sizeof(float));
    sl_lin_gemm(0, 1, n, head, m->in_features, 1.0f, x, m->in_features, m->head_weight,
                m->in_features, m->head_bias ? 1.0f : 0.0f, logits, head);
}

/* ---- forward and backward ---------------------------------------------------------------------
 */

/* Scratch of the forward and backward pass. */
typedef struct {
    float *hn, *tn;   /* -log p of each row's head target and tail target */
    int64_t *hy;      /* each row's head target */
    size_t *rows;     /* a cluster's rows */
    float *buf;       /* head chunk, or a cluster chunk's rows, projections and logits */
    int64_t *rel;     /* a cluster chunk's targets */
    float *nll;       /* a cluster chunk's -log p */
    size_t head_rows; /* rows per head chunk */
} sl_ad_work;

/* Rows per chunk of cluster i of n rows, and the floats of its buffer. */
static size_t sl_ad_tail_rows(const simdloss_adaptive_softmax *m, size_t i, size_t n)
{
    return sl_lin_rows(n, sl_ad_hi(m, i) - sl_ad_lo(m, i));
}
static size_t sl_ad_tail_floats(const simdloss_adaptive_softmax *m, size_t i, size_t rows)
{
    const size_t h = m->tail_hidden[i], osz = sl_ad_hi(m, i) - sl_ad_lo(m, i);
    return rows * (m->in_features + 2 * h + osz);
}

static void sl_ad_free(sl_ad_work *w)
{
    free(w->hn), free(w->tn), free(w->hy), free(w->rows), free(w->buf), free(w->rel), free(w->nll);
}

static int sl_ad_alloc(const simdloss_adaptive_softmax *m, size_t batch, sl_ad_work *w)
{
    const size_t head = m->cutoffs[0] + m->n_clusters;
    memset(w, 0, sizeof *w);
    if (batch == 0) return SIMDLOSS_OK;
    w->head_rows = sl_lin_rows(batch, head);
    size_t floats = w->head_rows * head, trows = 0;
    for (size_t i = 0; i < m->n_clusters; i++) {
        /* bounded by the rows a cluster can have: the batch */
        const size_t r = sl_ad_tail_rows(m, i, batch), f = sl_ad_tail_floats(m, i, r);
        if (f > floats) floats = f;
        if (r > trows) trows = r;
    }
    w->hn = malloc(batch * sizeof(float));
    w->tn = calloc(batch, sizeof(float));
    w->hy = malloc(batch * sizeof(int64_t));
    w->rows = malloc(batch * sizeof(size_t));
    w->buf = malloc(floats * sizeof(float));
    w->rel = malloc(trows * sizeof(int64_t));
    w->nll = malloc(trows * sizeof(float));
    if (w->hn && w->tn && w->hy && w->rows && w->buf && w->rel && w->nll) return SIMDLOSS_OK;
    sl_ad_free(w);
    return SIMDLOSS_ENOMEM;
}

static float *sl_ad_tail_grad(float *const *g, size_t i) { return g ? g[i] : NULL; }

/* The head over every row: -log p of the head target into w->hn, and the
 * gradients through it (grad_input overwritten, parameter gradients added). */
static int sl_ad_head_pass(const simdloss_adaptive_softmax *m, size_t batch, const float *x,
                           float alpha, float *grad_input, float *g_hw, float *g_hb, sl_ad_work *w)
{
    const size_t head = m->cutoffs[0] + m->n_clusters, F = m->in_features;
    const int grads = grad_input || g_hw || g_hb;
    for (size_t r0 = 0; r0 < batch; r0 += w->head_rows) {
        const size_t n = batch - r0 < w->head_rows ? batch - r0 : w->head_rows;
        float *h = w->buf;
        sl_ad_head(m, n, x + r0 * F, h);
        const int rc = simdloss_cross_entropy_f32(n, head, 1, h, w->hy + r0, NULL, -1, 0.0f,
                                                  SIMDLOSS_NONE, w->hn + r0, grads ? h : NULL);
        if (rc) return rc;
        if (grad_input)
            sl_lin_gemm(0, 0, n, F, head, alpha, h, head, m->head_weight, F, 0.0f,
                        grad_input + r0 * F, F);
        if (g_hw) sl_lin_gemm(1, 0, head, F, n, alpha, h, head, x + r0 * F, F, 1.0f, g_hw, F);
        if (g_hb) sl_lin_bias_grad(g_hb, alpha, h, n, head);
    }
    return SIMDLOSS_OK;
}

/* Cluster i over its rows: -log p within the cluster into w->tn, and the
 * gradients through it (added). */
static int sl_ad_tail_pass(const simdloss_adaptive_softmax *m, size_t i, const float *x,
                           const int64_t *target, size_t n_rows, float alpha, float *grad_input,
                           float *g_proj, float *g_out, sl_ad_work *w)
{
    const size_t F = m->in_features, h = m->tail_hidden[i], lo = sl_ad_lo(m, i);
    const size_t osz = sl_ad_hi(m, i) - lo, per = sl_ad_tail_rows(m, i, n_rows);
    const int grads = grad_input || g_proj || g_out;
    for (size_t j0 = 0; j0 < n_rows; j0 += per) {
        const size_t n = n_rows - j0 < per ? n_rows - j0 : per;
        float *xg = w->buf, *p = xg + n * F, *dp = p + n * h, *t = dp + n * h;
        for (size_t j = 0; j < n; j++) {
            const size_t r = w->rows[j0 + j];
            memcpy(xg + j * F, x + r * F, F * sizeof(float));
            w->rel[j] = target[r] - (int64_t)lo;
        }
        sl_lin_gemm(0, 1, n, h, F, 1.0f, xg, F, m->tail_proj[i], F, 0.0f, p, h);
        sl_lin_gemm(0, 1, n, osz, h, 1.0f, p, h, m->tail_out[i], h, 0.0f, t, osz);
        const int rc = simdloss_cross_entropy_f32(n, osz, 1, t, w->rel, NULL, -1, 0.0f,
                                                  SIMDLOSS_NONE, w->nll, grads ? t : NULL);
        if (rc) return rc;
        for (size_t j = 0; j < n; j++) w->tn[w->rows[j0 + j]] = w->nll[j];
        if (!grads) continue;
        if (g_out) sl_lin_gemm(1, 0, osz, h, n, alpha, t, osz, p, h, 1.0f, g_out, h);
        if (!g_proj && !grad_input) continue;
        sl_lin_gemm(0, 0, n, h, osz, alpha, t, osz, m->tail_out[i], h, 0.0f, dp, h);
        if (g_proj) sl_lin_gemm(1, 0, h, F, n, 1.0f, dp, h, xg, F, 1.0f, g_proj, F);
        if (!grad_input) continue;
        sl_lin_gemm(0, 0, n, F, h, 1.0f, dp, h, m->tail_proj[i], F, 0.0f, xg, F);
        for (size_t j = 0; j < n; j++) {
            float *gi = grad_input + w->rows[j0 + j] * F;
            for (size_t k = 0; k < F; k++) gi[k] += xg[j * F + k];
        }
    }
    return SIMDLOSS_OK;
}

SIMDLOSS_API int simdloss_adaptive_log_softmax_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                                   const float *input, const int64_t *target,
                                                   simdloss_reduction reduction, float *output,
                                                   float *loss, float *grad_input,
                                                   const simdloss_adaptive_softmax_grads *grads)
{
    static const char fn[] = "simdloss_adaptive_log_softmax_f32";
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                           (int)reduction);
    int rc = sl_ad_check(m, batch, input, fn);
    if (rc) return rc;
    const size_t F = m->in_features, K = m->n_clusters, head = m->cutoffs[0] + K;
    float *g_hw = grads ? grads->head_weight : NULL, *g_hb = grads ? grads->head_bias : NULL;
    float *const *g_tp = grads ? grads->tail_proj : NULL, *const *g_to =
                                                              grads ? grads->tail_out : NULL;
    int params = g_hw || g_hb;
    for (size_t i = 0; i < K; i++) params |= sl_ad_tail_grad(g_tp, i) || sl_ad_tail_grad(g_to, i);
    if (!output && !loss && !grad_input && !params)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: no output (output, loss and gradients all NULL)",
                           fn);
    if (g_hb && !m->head_bias)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: a head_bias gradient without a head bias", fn);
    if (batch > 0 && !target) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    for (size_t b = 0; b < batch; b++)
        if (target[b] < 0 || (uint64_t)target[b] >= m->n_classes)
            return sl_lin_fail(SIMDLOSS_EDOMAIN,
                               "%s: target[%zu] = %lld is outside [0, n_classes = %zu)", fn, b,
                               (long long)target[b], m->n_classes);
    sl_ad_work w;
    if (sl_ad_alloc(m, batch, &w))
        return sl_lin_fail(SIMDLOSS_ENOMEM, "%s: no memory for the chunks of %zu rows", fn, batch);

    /* parameter gradients accumulate over chunks and clusters */
    if (g_hw) memset(g_hw, 0, head * F * sizeof(float));
    if (g_hb) memset(g_hb, 0, head * sizeof(float));
    for (size_t i = 0; i < K; i++) {
        const size_t h = m->tail_hidden[i], osz = sl_ad_hi(m, i) - sl_ad_lo(m, i);
        if (sl_ad_tail_grad(g_tp, i)) memset(g_tp[i], 0, h * F * sizeof(float));
        if (sl_ad_tail_grad(g_to, i)) memset(g_to[i], 0, osz * h * sizeof(float));
    }
    const float alpha = reduction == SIMDLOSS_MEAN && batch ? (float)(1.0 / (double)batch) : 1.0f;
    for (size_t b = 0; b < batch; b++) {
        const size_t t = (size_t)target[b];
        size_t c = 0;
        while (c < K && t >= m->cutoffs[c]) c++;
        w.hy[b] = c == 0 ? (int64_t)t : (int64_t)(m->cutoffs[0] + c - 1);
    }
    rc = sl_ad_head_pass(m, batch, input, alpha, grad_input, g_hw, g_hb, &w);
    for (size_t i = 0; i < K && !rc; i++) {
        size_t n = 0;
        for (size_t b = 0; b < batch; b++)
            if ((size_t)target[b] >= sl_ad_lo(m, i) && (size_t)target[b] < sl_ad_hi(m, i))
                w.rows[n++] = b;
        if (n)
            rc = sl_ad_tail_pass(m, i, input, target, n, alpha, grad_input,
                                 sl_ad_tail_grad(g_tp, i), sl_ad_tail_grad(g_to, i), &w);
    }
    if (rc) { /* only the core's scratch allocation can fail here */
        sl_ad_free(&w);
        return rc;
    }
    sl_lin_canon_all(grad_input, batch * F);
    sl_lin_canon_all(g_hw, head * F);
    sl_lin_canon_all(g_hb, head);
    for (size_t i = 0; i < K; i++) {
        const size_t h = m->tail_hidden[i], osz = sl_ad_hi(m, i) - sl_ad_lo(m, i);
        sl_lin_canon_all(sl_ad_tail_grad(g_tp, i), h * F);
        sl_lin_canon_all(sl_ad_tail_grad(g_to, i), osz * h);
    }
    double s = 0.0;
    for (size_t b = 0; b < batch; b++) {
        const float l = w.hn[b] + w.tn[b];
        if (output) output[b] = sl_lin_canon(-l);
        if (loss && reduction == SIMDLOSS_NONE) loss[b] = sl_lin_canon(l);
        s += (double)l;
    }
    if (loss && reduction != SIMDLOSS_NONE)
        *loss = sl_lin_canon((float)(reduction == SIMDLOSS_SUM ? s : s / (double)batch));
    sl_ad_free(&w);
    return SIMDLOSS_OK;
}

/* ---- log_prob and predict ---------------------------------------------------------------------
 */

/* Scratch of log_prob over chunks of rows. */
typedef struct {
    size_t rows;   /* per chunk */
    float *head;   /* rows x head logits */
    float *proj;   /* rows x the largest tail_hidden */
    float *lse;    /* rows */
    int64_t *zero; /* rows class indices 0 (the normaliser needs a valid target) */
} sl_ad_lp;

static void sl_ad_lp_free(sl_ad_lp *s)
{
    free(s->head), free(s->proj), free(s->lse), free(s->zero);
}

static int sl_ad_lp_alloc(const simdloss_adaptive_softmax *m, size_t batch, sl_ad_lp *s)
{
    const size_t head = m->cutoffs[0] + m->n_clusters;
    memset(s, 0, sizeof *s);
    if (batch == 0) return SIMDLOSS_OK;
    s->rows = sl_lin_rows(batch, head);
    s->head = malloc(s->rows * head * sizeof(float));
    s->proj = malloc((s->rows * sl_ad_max_hidden(m) + 1) * sizeof(float));
    s->lse = malloc(s->rows * sizeof(float));
    s->zero = calloc(s->rows, sizeof(int64_t));
    if (s->head && s->proj && s->lse && s->zero) return SIMDLOSS_OK;
    sl_ad_lp_free(s);
    return SIMDLOSS_ENOMEM;
}

/* log_sum_exp of each of the n rows of `len` values, `stride` apart. */
static int sl_ad_lse(size_t n, size_t len, size_t stride, const float *x, sl_ad_lp *s)
{
    simdloss_ce_options o = {0.0f, 0.0f, s->lse, NULL};
    if (stride == len)
        return simdloss_cross_entropy_ex_f32(n, len, 1, x, s->zero, NULL, -1, 0.0f, &o,
                                             SIMDLOSS_NONE, NULL, NULL);
    for (size_t r = 0; r < n; r++) {
        o.lse = s->lse + r;
        const int rc = simdloss_cross_entropy_ex_f32(1, len, 1, x + r * stride, s->zero, NULL, -1,
                                                     0.0f, &o, SIMDLOSS_NONE, NULL, NULL);
        if (rc) return rc;
    }
    return SIMDLOSS_OK;
}

/* log p of every class for n rows x (contiguous) into out (n x n_classes). */
static int sl_ad_log_prob_rows(const simdloss_adaptive_softmax *m, size_t n_rows, const float *x,
                               float *out, sl_ad_lp *s)
{
    const size_t F = m->in_features, N = m->n_classes, K = m->n_clusters;
    const size_t short_n = m->cutoffs[0], head = short_n + K;
    for (size_t r0 = 0; r0 < n_rows; r0 += s->rows) {
        const size_t n = n_rows - r0 < s->rows ? n_rows - r0 : s->rows;
        float *o = out + r0 * N;
        sl_ad_head(m, n, x + r0 * F, s->head);
        int rc = sl_ad_lse(n, head, head, s->head, s);
        if (rc) return rc;
        /* log_softmax of the head, in place */
        for (size_t r = 0; r < n; r++)
            for (size_t c = 0; c < head; c++) s->head[r * head + c] -= s->lse[r];
        for (size_t r = 0; r < n; r++)
            memcpy(o + r * N, s->head + r * head, short_n * sizeof(float));
        for (size_t i = 0; i < K; i++) {
            const size_t h = m->tail_hidden[i], lo = sl_ad_lo(m, i), osz = sl_ad_hi(m, i) - lo;
            sl_lin_gemm(0, 1, n, h, F, 1.0f, x + r0 * F, F, m->tail_proj[i], F, 0.0f, s->proj, h);
            sl_lin_gemm(0, 1, n, osz, h, 1.0f, s->proj, h, m->tail_out[i], h, 0.0f, o + lo, N);
            if ((rc = sl_ad_lse(n, osz, N, o + lo, s))) return rc;
            for (size_t r = 0; r < n; r++) {
                float *row = o + r * N + lo;
                const float hl = s->head[r * head + short_n + i], l = s->lse[r];
                for (size_t c = 0; c < osz; c++) row[c] = (row[c] - l) + hl;
            }
        }
        sl_lin_canon_all(o, n * N);
    }
    return SIMDLOSS_OK;
}

SIMDLOSS_API int simdloss_adaptive_log_prob_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                                const float *input, float *log_probs)
{
    static const char fn[] = "simdloss_adaptive_log_prob_f32";
    int rc = sl_ad_check(m, batch, input, fn);
    if (rc) return rc;
    if (batch > 0 && !log_probs) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: log_probs is NULL", fn);
    sl_ad_lp s;
    if (sl_ad_lp_alloc(m, batch, &s))
        return sl_lin_fail(SIMDLOSS_ENOMEM, "%s: no memory for the chunks of %zu rows", fn, batch);
    rc = sl_ad_log_prob_rows(m, batch, input, log_probs, &s);
    sl_ad_lp_free(&s);
    return rc;
}

SIMDLOSS_API int simdloss_adaptive_predict_f32(const simdloss_adaptive_softmax *m, size_t batch,
                                               const float *input, int64_t *predicted)
{
    static const char fn[] = "simdloss_adaptive_predict_f32";
    int rc = sl_ad_check(m, batch, input, fn);
    if (rc) return rc;
    if (batch > 0 && !predicted) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: predicted is NULL", fn);
    const size_t F = m->in_features, N = m->n_classes, head = m->cutoffs[0] + m->n_clusters;
    sl_ad_lp s;
    int64_t *pred = batch ? malloc(batch * sizeof(int64_t)) : NULL;
    size_t *far = batch ? malloc(batch * sizeof(size_t)) : NULL;
    const size_t full_rows = batch ? sl_lin_rows(batch, N) : 0;
    float *xs = batch ? malloc((full_rows * F + 1) * sizeof(float)) : NULL;
    float *lp = batch ? malloc(full_rows * N * sizeof(float)) : NULL;
    if (sl_ad_lp_alloc(m, batch, &s) || (batch && (!pred || !far || !xs || !lp))) {
        sl_ad_lp_free(&s);
        free(pred), free(far), free(xs), free(lp);
        return sl_lin_fail(SIMDLOSS_ENOMEM, "%s: no memory for the chunks of %zu rows", fn, batch);
    }
    /* the head's argmax; rows whose winner is a cluster need their full row */
    size_t nfar = 0;
    for (size_t r0 = 0; r0 < batch && !rc; r0 += s.rows) {
        const size_t n = batch - r0 < s.rows ? batch - r0 : s.rows;
        sl_ad_head(m, n, input + r0 * F, s.head);
        const simdloss_ce_options o = {0.0f, 0.0f, NULL, pred + r0};
        rc = simdloss_cross_entropy_ex_f32(n, head, 1, s.head, s.zero, NULL, -1, 0.0f, &o,
                                           SIMDLOSS_NONE, NULL, NULL);
        for (size_t r = r0; r < r0 + n; r++)
            if ((size_t)pred[r] >= m->cutoffs[0]) far[nfar++] = r;
    }
    for (size_t j0 = 0; j0 < nfar && !rc; j0 += full_rows) {
        const size_t n = nfar - j0 < full_rows ? nfar - j0 : full_rows;
        for (size_t j = 0; j < n; j++)
            memcpy(xs + j * F, input + far[j0 + j] * F, F * sizeof(float));
        rc = sl_ad_log_prob_rows(m, n, xs, lp, &s);
        for (size_t j = 0; j < n && !rc; j++) {
            const simdloss_ce_options o = {0.0f, 0.0f, NULL, pred + far[j0 + j]};
            rc = simdloss_cross_entropy_ex_f32(1, N, 1, lp + j * N, s.zero, NULL, -1, 0.0f, &o,
                                               SIMDLOSS_NONE, NULL, NULL);
        }
    }
    if (!rc && batch) memcpy(predicted, pred, batch * sizeof(int64_t));
    sl_ad_lp_free(&s);
    free(pred), free(far), free(xs), free(lp);
    return rc;
}
