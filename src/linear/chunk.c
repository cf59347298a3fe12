/* SPDX-License-Identifier: Apache-2.0 */
/* The bound of the chunks of rows x outputs floats the linear losses hold,
 * and what they all do with a chunk: the matrix product, the bias gradient. */
#include <cblas.h>
#include <stdatomic.h>
#include <string.h>

#include "linear.h"

static _Atomic size_t sl_lin_chunk = SIMDLOSS_LINEAR_CHUNK_BYTES;

SIMDLOSS_API int simdloss_linear_set_chunk_bytes(size_t bytes)
{
    atomic_store(&sl_lin_chunk, bytes ? bytes : SIMDLOSS_LINEAR_CHUNK_BYTES);
    return SIMDLOSS_OK;
}

SIMDLOSS_API size_t simdloss_linear_chunk_bytes(void) { return atomic_load(&sl_lin_chunk); }

size_t sl_lin_rows(size_t rows, size_t row_floats)
{
    const size_t per =
        row_floats ? atomic_load(&sl_lin_chunk) / (row_floats * sizeof(float)) : rows;
    const size_t r = per ? per : 1;
    return r < rows ? r : rows;
}

void sl_lin_gemm(int ta, int tb, size_t m, size_t n, size_t k, float alpha, const float *a,
                 size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc)
{
    if (m == 0 || n == 0) return;
    if (k == 0) { /* an empty sum: C = beta C, with beta 0 or 1 here */
        for (size_t i = 0; beta == 0.0f && i < m; i++) memset(c + i * ldc, 0, n * sizeof(float));
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

void sl_lin_bias_grad(float *grad_bias, float alpha, const float *g, size_t rows, size_t width)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < width; c++) grad_bias[c] += alpha * g[r * width + c];
}
