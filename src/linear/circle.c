/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss_circle_f32: Keras 3's Circle loss over a batch of embeddings
 * (include/simdloss_linear.h), a block of rows of the batch x batch
 * similarities at a time. Per block: the similarities by one sgemm, each
 * row's loss and, in place, the derivatives of that loss with respect to
 * the row's similarities, then the two gradient products (a similarity
 * s_ij = e_i . e_j moves both e_i and e_j).
 *
 * The per-row arithmetic is plain C with SLEEF's deterministic exp, log and
 * log1p, the exponentials at the width of the core's active table with the
 * bits of every exact table, so a row's loss and derivatives depend only on
 * its similarities: the rows of a block run on
 * simdloss's OpenMP threads when OpenMP is its engine (a caller's pool set
 * with simdloss_set_parallel_for cannot be reached from here: serial then),
 * with the same bits.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <sleef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef SL_HAVE_OPENMP
#include <omp.h>
#endif

#include "linear.h"

typedef struct {
    float gamma, margin;
    float optim_neg, delta_neg; /* Keras' 1 + margin, 1 - margin (optim_pos = delta_pos = margin) */
    int remove_diagonal;
} sl_circle;

/* Keras' constants are Python floats rounded once to float32 */
static sl_circle sl_circle_params(float gamma, float margin, int remove_diagonal)
{
    const sl_circle c = {gamma, margin, (float)(1.0 + (double)margin),
                         (float)(1.0 - (double)margin), remove_diagonal != 0};
    return c;
}

/* SLEEF's deterministic exp: with FMA ("finz") the bits of every exact
 * kernel table's vf_exp; without ("cinz"), scalar-nofma's, as the core */
float Sleef_finz_expf1_u10purecfma(float) __attribute__((const));

static float sl_circle_exp(float x) { return Sleef_cinz_expf1_u10purec(x); }

#if defined(__x86_64__)
#include <immintrin.h>
/* SLEEF's deterministic vector exp: the bits of Sleef_cinz_expf1_u10purec
 * on every lane (sleef.h declares them only where the ISA is enabled) */
__attribute__((target("avx512f"))) __m512 Sleef_finz_expf16_u10avx512f(__m512);
__attribute__((target("avx2,fma"))) __m256 Sleef_finz_expf8_u10avx2(__m256);

__attribute__((target("avx512f"))) static void sl_circle_exp_avx512(float *x, size_t n)
{
    size_t j = 0;
    for (; j + 16 <= n; j += 16)
        _mm512_storeu_ps(x + j, Sleef_finz_expf16_u10avx512f(_mm512_loadu_ps(x + j)));
    for (; j < n; j++) x[j] = Sleef_finz_expf1_u10purecfma(x[j]);
}

__attribute__((target("avx2,fma"))) static void sl_circle_exp_avx2(float *x, size_t n)
{
    size_t j = 0;
    for (; j + 8 <= n; j += 8)
        _mm256_storeu_ps(x + j, Sleef_finz_expf8_u10avx2(_mm256_loadu_ps(x + j)));
    for (; j < n; j++) x[j] = Sleef_finz_expf1_u10purecfma(x[j]);
}
#endif

/* How a row's exponentials are computed: as the core's active table
 * computes them (its choice of what the CPU and the OS support). */
typedef enum { SL_EXP_NOFMA, SL_EXP_FMA, SL_EXP_AVX2, SL_EXP_AVX512 } sl_circle_exp_kind;

static sl_circle_exp_kind sl_circle_exp_of_table(void)
{
    if (!strcmp(simdloss_active_table(), "scalar-nofma")) return SL_EXP_NOFMA;
    const simdloss_isa isa = simdloss_active_isa();
    return isa == SIMDLOSS_ISA_AVX512 ? SL_EXP_AVX512
           : isa == SIMDLOSS_ISA_AVX2 ? SL_EXP_AVX2
                                      : SL_EXP_FMA;
}

/* x[j] = exp(x[j]): the bits of every exact table's vf_exp */
static void sl_circle_exp_row(float *x, size_t n, sl_circle_exp_kind kind)
{
#if defined(__x86_64__)
    if (kind == SL_EXP_AVX512) {
        sl_circle_exp_avx512(x, n);
        return;
    }
    if (kind == SL_EXP_AVX2) {
        sl_circle_exp_avx2(x, n);
        return;
    }
#endif
    for (size_t j = 0; j < n; j++)
        x[j] = kind == SL_EXP_NOFMA ? sl_circle_exp(x[j]) : Sleef_finz_expf1_u10purecfma(x[j]);
}

/* jnp.maximum(x, 0)'s derivative: 1, 0, and 1/2 at the tie */
static float sl_circle_relu_slope(float x) { return x > 0.0f ? 1.0f : x == 0.0f ? 0.5f : 0.0f; }

/* jax.nn.softplus: max(x, 0) + log1p(exp(-|x|)) */
static float sl_circle_softplus(float x)
{
    const float lp = Sleef_cinz_log1pf1_u10purec(sl_circle_exp(x > 0.0f ? -x : x));
    return x > 0.0f ? x + lp : lp;
}

/* sigmoid, the softplus's derivative, without overflow */
static float sl_circle_sigmoid(float x)
{
    if (x >= 0.0f) return 1.0f / (1.0f + sl_circle_exp(-x));
    const float e = sl_circle_exp(x);
    return e / (1.0f + e);
}

enum { SL_CIRCLE_NONE, SL_CIRCLE_POS, SL_CIRCLE_NEG };

static int sl_circle_kind(const sl_circle *c, const int64_t *labels, size_t i, size_t j)
{
    if (labels[j] != labels[i]) return SL_CIRCLE_NEG;
    return c->remove_diagonal && i == j ? SL_CIRCLE_NONE : SL_CIRCLE_POS;
}

/* log(sum) + max in Keras' logsumexp order (the max replaced by 0 where it
 * is not finite: -inf for an empty set) */
static float sl_circle_lse(double sum, float max)
{
    const float m = isfinite(max) ? max : 0.0f;
    return Sleef_cinz_logf1_u10purec((float)sum) + m;
}

/*
 * Row i of the similarities, s[0..batch) -> the row's loss. With grad, s
 * becomes dloss_i / ds_ij (0 where the row's loss is 0: Keras' mask), else
 * it is left as scratch. r: batch floats of scratch (1 - s).
 *
 * Keras, with d = max(1 - s, 0) and m the margin:
 *   positives (same label, the diagonal only without remove_diagonal):
 *     a = -gamma max(m + d, 0) (m - d),
 *   negatives (other labels): b = gamma max(1 + m - d, 0) (1 - m - d),
 *   loss = softplus(logsumexp(a) + logsumexp(b)).
 */
static float sl_circle_row(const sl_circle *c, const int64_t *labels, size_t batch, size_t i,
                           float *s, float *r, int grad, sl_circle_exp_kind exp_kind)
{
    const float g = c->gamma, m = c->margin;
    float max_pos = -INFINITY, max_neg = -INFINITY;
    for (size_t j = 0; j < batch; j++) {
        const float one_minus = 1.0f - s[j];
        const float d = one_minus < 0.0f ? 0.0f : one_minus; /* NaN stays */
        r[j] = one_minus;
        const int kind = sl_circle_kind(c, labels, i, j);
        float v = -INFINITY;
        if (kind == SL_CIRCLE_POS) {
            const float w = m + d;
            v = -g * (w < 0.0f ? 0.0f : w) * (m - d);
            if (v > max_pos) max_pos = v;
        } else if (kind == SL_CIRCLE_NEG) {
            const float w = c->optim_neg - d;
            v = g * (w < 0.0f ? 0.0f : w) * (c->delta_neg - d);
            if (v > max_neg) max_neg = v;
        }
        s[j] = v;
    }
    const float shift_pos = isfinite(max_pos) ? max_pos : 0.0f;
    const float shift_neg = isfinite(max_neg) ? max_neg : 0.0f;
    /* the masked entries hold -inf: their exponential is 0 */
    for (size_t j = 0; j < batch; j++) s[j] -= labels[j] == labels[i] ? shift_pos : shift_neg;
    sl_circle_exp_row(s, batch, exp_kind);
    double sum_pos = 0.0, sum_neg = 0.0;
    for (size_t j = 0; j < batch; j++) {
        if (labels[j] == labels[i])
            sum_pos += (double)s[j];
        else
            sum_neg += (double)s[j];
    }
    const float x = sl_circle_lse(sum_pos, max_pos) + sl_circle_lse(sum_neg, max_neg);
    const float loss = sl_circle_softplus(x);
    if (!grad) return loss;
    if (loss == 0.0f) { /* Keras masks the rows whose loss is not > 0 */
        memset(s, 0, batch * sizeof(float));
        return loss;
    }
    const float u = sl_circle_sigmoid(x);
    const float inv_pos = (float)(1.0 / sum_pos), inv_neg = (float)(1.0 / sum_neg);
    for (size_t j = 0; j < batch; j++) {
        const int kind = sl_circle_kind(c, labels, i, j);
        if (kind == SL_CIRCLE_NONE) continue;
        const float one_minus = r[j];
        const float d = one_minus < 0.0f ? 0.0f : one_minus;
        float dv; /* d(a or b) / dd */
        if (kind == SL_CIRCLE_POS) {
            const float w = m + d;
            dv = -g * (sl_circle_relu_slope(w) * (m - d) - (w < 0.0f ? 0.0f : w));
        } else {
            const float w = c->optim_neg - d;
            dv = g * (-sl_circle_relu_slope(w) * (c->delta_neg - d) - (w < 0.0f ? 0.0f : w));
        }
        const float share = s[j] * (kind == SL_CIRCLE_POS ? inv_pos : inv_neg);
        /* dd/ds = -max(1 - s, 0)' */
        s[j] = u * (share * dv) * -sl_circle_relu_slope(one_minus);
    }
    return loss;
}

/* Every check of the call, before anything is written. */
static int sl_circle_check(size_t batch, size_t dim, const float *embeddings, const int64_t *labels,
                           float gamma, float margin, simdloss_reduction reduction,
                           const float *loss, const float *grad_embeddings)
{
    static const char fn[] = "simdloss_circle_f32";
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                           (int)reduction);
    if (!loss && !grad_embeddings)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: no output (loss and grad_embeddings NULL)", fn);
    if (!isfinite(gamma) || !isfinite(margin))
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: gamma = %.9g and margin = %.9g must be finite", fn,
                           (double)gamma, (double)margin);
    /* the BLAS takes int sizes and leading dimensions; byte counts fit size_t */
    if (batch > INT_MAX || dim > INT_MAX ||
        (batch && (batch > SIZE_MAX / sizeof(float) / batch ||
                   (dim && batch > SIZE_MAX / sizeof(float) / dim))))
        return sl_lin_fail(SIMDLOSS_EINVAL,
                           "%s: batch = %zu, dim = %zu exceed the BLAS's int or overflow size_t",
                           fn, batch, dim);
    if (batch > 0 && dim > 0 && !embeddings)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: embeddings is NULL", fn);
    if (batch > 0 && !labels) return sl_lin_fail(SIMDLOSS_EINVAL, "%s: labels is NULL", fn);
    /* the gradient products read every embedding after the first writes */
    const size_t bytes = batch * dim * sizeof(float);
    if (grad_embeddings && bytes &&
        (const char *)grad_embeddings < (const char *)embeddings + bytes &&
        (const char *)embeddings < (const char *)grad_embeddings + bytes)
        return sl_lin_fail(SIMDLOSS_EINVAL, "%s: grad_embeddings overlaps embeddings", fn);
    return SIMDLOSS_OK;
}

/* The threads the rows of a block may use: the core's count when its
 * engine is OpenMP and this is not already inside a parallel region. */
static int sl_circle_threads(void)
{
#ifdef SL_HAVE_OPENMP
    if (!strcmp(simdloss_thread_engine(), "openmp") && !omp_in_parallel()) {
        const int n = simdloss_get_num_threads();
        return n < 1 ? 1 : n > 256 ? 256 : n;
    }
#endif
    return 1;
}

SIMDLOSS_API int simdloss_circle_f32(size_t batch, size_t dim, const float *embeddings,
                                     const int64_t *labels, float gamma, float margin,
                                     int remove_diagonal, simdloss_reduction reduction, float *loss,
                                     float *grad_embeddings)
{
    static const char fn[] = "simdloss_circle_f32";
    int rc = sl_circle_check(batch, dim, embeddings, labels, gamma, margin, reduction, loss,
                             grad_embeddings);
    if (rc) return rc;
    if (batch == 0) { /* the library's empty input: NONE nothing, SUM +0, MEAN NaN */
        if (loss && reduction != SIMDLOSS_NONE)
            *loss = reduction == SIMDLOSS_SUM ? 0.0f : sl_lin_canon(NAN);
        return SIMDLOSS_OK;
    }
    const sl_circle c = sl_circle_params(gamma, margin, remove_diagonal);
    const int grad = grad_embeddings != NULL;
    const size_t rows = sl_lin_rows(batch, batch);
    /* no more threads than a block has rows: each holds a scratch row */
    const int threads = (size_t)sl_circle_threads() < rows ? sl_circle_threads() : (int)rows;
    const sl_circle_exp_kind exp_kind = sl_circle_exp_of_table();
    float *block = malloc(rows * batch * sizeof(float));
    float *scratch = malloc((size_t)threads * batch * sizeof(float)); /* one row per thread */
    /* NONE writes the caller's losses directly */
    float *losses = reduction == SIMDLOSS_NONE && loss ? loss : malloc(batch * sizeof(float));
    if (!block || !scratch || !losses) {
        free(block), free(scratch);
        if (losses != loss) free(losses);
        return sl_lin_fail(SIMDLOSS_ENOMEM,
                           "%s: no memory for a block of %zu x %zu similarities and %zu losses", fn,
                           rows, batch, batch);
    }
    for (size_t r0 = 0; r0 < batch; r0 += rows) {
        const size_t n = batch - r0 < rows ? batch - r0 : rows;
        sl_lin_gemm(0, 1, n, batch, dim, 1.0f, embeddings + r0 * dim, dim, embeddings, dim, 0.0f,
                    block, batch);
        const int team = n > 1 && (size_t)threads > 1 ? threads : 1;
#ifdef SL_HAVE_OPENMP
#pragma omp parallel for num_threads(team) schedule(static) if (team > 1)
#endif
        for (size_t k = 0; k < n; k++) {
#ifdef SL_HAVE_OPENMP
            float *mine = scratch + (size_t)omp_get_thread_num() * batch;
#else
            float *mine = scratch;
#endif
            losses[r0 + k] =
                sl_circle_row(&c, labels, batch, r0 + k, block + k * batch, mine, grad, exp_kind);
        }
        (void)team;
        if (!grad) continue;
        /* ds_ij moves e_j by e_i (every row, accumulated over blocks) and
         * e_i by e_j (this block's rows) */
        sl_lin_gemm(1, 0, batch, dim, n, 1.0f, block, batch, embeddings + r0 * dim, dim,
                    r0 ? 1.0f : 0.0f, grad_embeddings, dim);
        sl_lin_gemm(0, 0, n, dim, batch, 1.0f, block, batch, embeddings, dim, 1.0f,
                    grad_embeddings + r0 * dim, dim);
    }
    /* Keras' sum_over_batch_size with its mask: the rows whose loss is > 0,
     * and 0 when there is none */
    size_t valid = 0;
    double sum = 0.0;
    for (size_t r = 0; r < batch; r++) {
        valid += losses[r] > 0.0f;
        sum += (double)losses[r];
    }
    const double factor = reduction == SIMDLOSS_MEAN ? (valid ? 1.0 / (double)valid : 0.0) : 1.0;
    if (loss && reduction != SIMDLOSS_NONE)
        *loss = sl_lin_canon((float)(reduction == SIMDLOSS_SUM ? sum
                                     : valid                   ? sum / (double)valid
                                                               : sum * 0.0));
    if (loss && reduction == SIMDLOSS_NONE)
        for (size_t r = 0; r < batch; r++) loss[r] = sl_lin_canon(loss[r]);
    if (grad) {
        const float f = (float)factor;
        for (size_t k = 0; k < batch * dim; k++)
            grad_embeddings[k] =
                sl_lin_canon(f == 1.0f ? grad_embeddings[k] : grad_embeddings[k] * f);
    }
    free(block), free(scratch);
    if (losses != loss) free(losses);
    return SIMDLOSS_OK;
}
