/* SPDX-License-Identifier: Apache-2.0 */
/* What libsimdloss_linear's files share: error reports through the core's
 * last-error message, and the canonical NaN of every output. */
#ifndef SL_LINEAR_H
#define SL_LINEAR_H

#include <stdarg.h>
#include <stdio.h>

#include "simdloss_linear.h"

#define SL_LIN_HIDDEN __attribute__((visibility("hidden")))

/* Formats the message, sets it as the last error, returns status. */
static inline int __attribute__((format(printf, 2, 3)))
sl_lin_fail(int status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return simdloss_set_error(status, msg);
}

/* Rows of row_floats floats per chunk: the chunk bound over one row's
 * bytes, at least one row, at most rows. */
SL_LIN_HIDDEN size_t sl_lin_rows(size_t rows, size_t row_floats);
/* C (m x n, row-major) = alpha op(A) op(B) + beta C through cblas_sgemm (ta,
 * tb: transpose A, B); k == 0 gives beta C (beta 0 or 1). Sizes fit int
 * (the callers check). */
SL_LIN_HIDDEN void sl_lin_gemm(int ta, int tb, size_t m, size_t n, size_t k, float alpha,
                               const float *a, size_t lda, const float *b, size_t ldb, float beta,
                               float *c, size_t ldc);

/* A bias's gradient: grad_bias[c] += alpha g[r][c] for the rows of g
 * (rows x width) in row order. */
SL_LIN_HIDDEN void sl_lin_bias_grad(float *grad_bias, float alpha, const float *g, size_t rows,
                                    size_t width);

/* The one NaN the core's outputs hold (0x7fc00000). */
static inline float sl_lin_canon(float v) { return v != v ? __builtin_nanf("") : v; }

/* Every NaN of v[0..n) made the canonical one: the BLAS's products carry
 * whatever NaN their inputs held, or make their own (inf - inf). */
static inline void sl_lin_canon_all(float *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (v[i] != v[i]) v[i] = __builtin_nanf("");
}

#endif
