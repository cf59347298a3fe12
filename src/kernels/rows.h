/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the class-dimension kernels (cross-entropy, Keras
 * categorical, margin losses). Two shapes of loop use them:
 *
 * - Along a row (inner == 1): the row's classes are split into 16 virtual
 *   lanes (class c goes to lane c % 16), like the elementwise reduction.
 *   Sums accumulate in float within blocks of SL_RBLOCK classes; each block's
 *   16 lanes are combined in a fixed pairwise tree in double and block totals
 *   are added in order in double. Nothing depends on SL_VL.
 * - Across positions: SL_VL positions per vector, each lane walking the
 *   classes in order. Every lane does the same sequence of operations on any
 *   ISA, so the grouping of positions into vectors never shows in the bits.
 *   Inputs are first copied into a classes x SL_VL tile (contiguous vector
 *   loads where the positions are contiguous, an in-register transpose of
 *   SL_VL whole rows, element copies for a partial vector).
 */
#ifndef SL_KERNELS_ROWS_H
#define SL_KERNELS_ROWS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

#define SL_NV16 (16 / SL_VL)

/* 16 canonical lanes of a row, as SL_NV16 vectors. */
typedef struct {
    vf v[SL_NV16];
} sl_l16;

SL_INLINE void sl_l16_set(sl_l16 *l, float s)
{
    for (unsigned v = 0; v < SL_NV16; v++) l->v[v] = vf_set1(s);
}

/* The 16 lanes combined in the fixed tree (lane j += lane j + 8, + 4, ...),
 * in GCC's generic vectors: each level is one or two vector operations on
 * any target (the scalar-written tree compiled to a conversion, a shuffle
 * and an add per lane), with the same IEEE double additions in the same
 * order everywhere. Not inlined: its wide vectors made the kernels that
 * inlined it realign their stack frames (cross-entropy at 512 x 1000 was
 * 18 % slower). */
typedef float sl_v8f __attribute__((vector_size(32)));
typedef double sl_v8d __attribute__((vector_size(64)));
typedef double sl_v4d __attribute__((vector_size(32)));

__attribute__((noinline)) static double sl_f16_total(const float *f)
{
    sl_v8f lo, hi;
    memcpy(&lo, f, sizeof lo);
    memcpy(&hi, f + 8, sizeof hi);
    const sl_v8d d8 = __builtin_convertvector(lo, sl_v8d) + __builtin_convertvector(hi, sl_v8d);
    sl_v4d a, b;
    memcpy(&a, &d8, sizeof a);
    memcpy(&b, (const char *)&d8 + sizeof a, sizeof b);
    const sl_v4d d4 = a + b;
    return (d4[0] + d4[2]) + (d4[1] + d4[3]);
}

SL_INLINE double sl_l16_total(const sl_l16 *l)
{
    float f[16];
    for (unsigned v = 0; v < SL_NV16; v++) vf_store(f + v * SL_VL, l->v[v]);
    return sl_f16_total(f);
}

/* Largest of the 16 lanes, in the same fixed tree (NaN lanes never win). */
static inline float sl_l16_max(const sl_l16 *l)
{
    float f[16];
    for (unsigned v = 0; v < SL_NV16; v++) vf_store(f + v * SL_VL, l->v[v]);
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) f[j] = f[j + 8] > f[j] ? f[j + 8] : f[j];
#pragma GCC unroll 4
    for (int j = 0; j < 4; j++) f[j] = f[j + 4] > f[j] ? f[j + 4] : f[j];
    f[0] = f[2] > f[0] ? f[2] : f[0];
    f[1] = f[3] > f[1] ? f[3] : f[1];
    return f[1] > f[0] ? f[1] : f[0];
}

SL_INLINE float sl_lane0(vf v)
{
    float t[SL_VL];
    vf_store(t, v);
    return t[0];
}

/* Scalar log through the vector function: the same bits on every ISA. */
SL_INLINE float sl_log1(float s) { return sl_lane0(vf_log(vf_set1(s))); }
/* and exp */
SL_INLINE float sl_exp1(float s) { return sl_lane0(vf_exp(vf_set1(s))); }

/* ---- float or bfloat16 data ------------------------------------------- */

SL_INLINE vf sl_ld(const void *p, size_t off, int bf16)
{
    return bf16 ? vf_load_bf16((const uint16_t *)p + off) : vf_load((const float *)p + off);
}

SL_INLINE float sl_ld1(const void *p, size_t off, int bf16)
{
    if (bf16) {
        uint32_t u = (uint32_t)((const uint16_t *)p)[off] << 16;
        float f;
        memcpy(&f, &u, sizeof f);
        return f;
    }
    return ((const float *)p)[off];
}

/* The stores below write outputs (gradients), so their NaNs are made
 * canonical; scratch rows read back in between keep NaNs NaN. */
SL_INLINE void sl_st(void *p, size_t off, vf v, int bf16)
{
    v = sl_canon(v);
    if (bf16)
        vf_store_bf16((uint16_t *)p + off, v);
    else
        vf_store((float *)p + off, v);
}

/* Lanes 0..k-1 of v to p + off, p + off + stride, ... */
SL_INLINE void sl_st_lanes(void *p, size_t off, size_t stride, vf v, size_t k, int bf16)
{
    v = sl_canon(v);
    if (bf16) {
        uint16_t t[SL_VL];
        vf_store_bf16(t, v);
        for (size_t l = 0; l < k; l++) ((uint16_t *)p)[off + l * stride] = t[l];
    } else {
        float t[SL_VL];
        vf_store(t, v);
        for (size_t l = 0; l < k; l++) ((float *)p)[off + l * stride] = t[l];
    }
}

/* One float rounded and stored as the gradient element type. */
SL_INLINE void sl_st1(void *p, size_t off, float v, int bf16)
{
    sl_st_lanes(p, off, 1, vf_set1(v), 1, bf16);
}

/* Zeroes n gradient elements. */
SL_INLINE void sl_zero(void *p, size_t off, size_t n, int bf16)
{
    if (bf16)
        memset((uint16_t *)p + off, 0, n * sizeof(uint16_t));
    else
        memset((float *)p + off, 0, n * sizeof(float));
}

/* The k < SL_VL elements from p + off, the other lanes pad (nothing else is
 * read). */
SL_INLINE vf sl_ld_part(const void *p, size_t off, size_t k, float pad, int bf16)
{
    if (k == 0) return vf_set1(pad);
    return bf16 ? vf_load_bf16_part((const uint16_t *)p + off, (unsigned)k, pad)
                : vf_load_part((const float *)p + off, (unsigned)k, pad);
}

/* 16 values of a row from class c (c + 16 <= n), or the last n - c padded
 * with pad: one group of SL_NV16 vectors. */
SL_INLINE void sl_ld16(sl_l16 *o, const void *p, size_t c, size_t n, float pad, int bf16)
{
    for (unsigned v = 0; v < SL_NV16; v++) {
        const size_t at = c + v * SL_VL;
        if (at + SL_VL <= n)
            o->v[v] = sl_ld(p, at, bf16);
        else
            o->v[v] = sl_ld_part(p, at, at < n ? n - at : 0, pad, bf16);
    }
}

/* Stores the first min(16, n - c) of a group of 16 to p + c; out: p is an
 * output (canonical NaNs), else float scratch read back later. */
SL_INLINE void sl_st16_(void *p, size_t c, size_t n, const sl_l16 *g, int bf16, int out)
{
    for (unsigned v = 0; v < SL_NV16; v++) {
        const size_t at = c + v * SL_VL;
        const vf x = out ? sl_canon(g->v[v]) : g->v[v];
        if (at + SL_VL <= n && bf16)
            vf_store_bf16((uint16_t *)p + at, x);
        else if (at + SL_VL <= n)
            vf_store((float *)p + at, x);
        else if (at < n && bf16)
            vf_store_bf16_part((uint16_t *)p + at, x, (unsigned)(n - at));
        else if (at < n)
            vf_store_part((float *)p + at, x, (unsigned)(n - at));
    }
}
SL_INLINE void sl_st16(void *p, size_t c, size_t n, const sl_l16 *g, int bf16)
{
    sl_st16_(p, c, n, g, bf16, 1);
}
SL_INLINE void sl_scratch16(float *p, size_t c, size_t n, const sl_l16 *g)
{
    sl_st16_(p, c, n, g, 0, 0);
}

/* Lane masks of a group of 16 starting at class c of a row of n. */
SL_INLINE vm sl_valid16(size_t c, size_t n, unsigned v)
{
    const size_t at = c + v * SL_VL;
    return at + SL_VL <= n ? vm_prefix(SL_VL) : vm_prefix(at < n ? (unsigned)(n - at) : 0u);
}

/* Canonical maximum of a row of n values (NaN values are skipped: a NaN
 * reaches the loss through the exponentials instead). */
SL_INLINE float sl_row_max(const void *x, size_t n, int bf16)
{
    sl_l16 m, g;
    sl_l16_set(&m, -INFINITY);
    for (size_t c = 0; c < n; c += 16) {
        sl_ld16(&g, x, c, n, -INFINITY, bf16);
        for (unsigned v = 0; v < SL_NV16; v++) m.v[v] = vf_max(g.v[v], m.v[v]);
    }
    return sl_l16_max(&m);
}

/* A running canonical row sum: float lanes within a block, double across. */
typedef struct {
    sl_l16 l;
    double total;
} sl_rsum;

SL_INLINE void sl_rsum_init(sl_rsum *s)
{
    sl_l16_set(&s->l, 0.0f);
    s->total = 0.0;
}
SL_INLINE void sl_rsum_add(sl_rsum *s, unsigned v, vf x) { s->l.v[v] = vf_add(s->l.v[v], x); }
/* Call after every group of 16; closes the block at its end. */
SL_INLINE void sl_rsum_step(sl_rsum *s, size_t c_next, size_t n)
{
    if (c_next % SL_RBLOCK == 0 || c_next >= n) {
        s->total += sl_l16_total(&s->l);
        sl_l16_set(&s->l, 0.0f);
    }
}

/* ---- across positions ---------------------------------------------------- */

/* Where the positions [P, P + k) of one vector live: element (class c, lane
 * l) is at off + c * cs + l * ls. */
typedef struct {
    size_t off, cs, ls, k;
    int contig; /* k == SL_VL and ls == 1: whole-vector loads and stores */
} sl_grp;

/* The next group of positions from P (< end), within one batch row when
 * inner > 1. */
SL_INLINE sl_grp sl_next_grp(const sl_rargs *a, size_t P, size_t end)
{
    sl_grp g;
    const size_t C = a->classes, in = a->inner;
    const size_t b = P / in, i = P % in;
    size_t k = end - P;
    if (k > SL_VL) k = SL_VL;
    if (in > 1 && k > in - i) k = in - i;
    g.off = b * C * in + i;
    g.cs = in;
    g.ls = in > 1 ? 1 : C;
    g.k = k;
    g.contig = k == SL_VL && g.ls == 1;
    return g;
}

/* tile[c * SL_VL + l] = element (c, l); lanes >= k hold pad. Whole rows
 * (inner == 1, so C <= 16) are transposed in registers; bfloat16 rows are
 * widened into buf (SL_VL * C floats) first. */
SL_INLINE void sl_tile_in(float *tile, float *buf, const void *p, const sl_grp *g, size_t C,
                          float pad, int bf16)
{
    if (g->contig) {
        for (size_t c = 0; c < C; c++)
            vf_store(tile + c * SL_VL, sl_ld(p, g->off + c * g->cs, bf16));
    } else if (g->k == SL_VL && g->cs == 1) {
        if (!bf16) {
            vf_rows_in(tile, (const float *)p + g->off, C);
            return;
        }
        for (size_t j = 0; j < SL_VL * C; j += SL_VL) vf_store(buf + j, sl_ld(p, g->off + j, 1));
        vf_rows_in(tile, buf, C);
    } else {
        for (size_t c = 0; c < C; c++)
            for (size_t l = 0; l < SL_VL; l++)
                tile[c * SL_VL + l] =
                    l < g->k ? sl_ld1(p, g->off + c * g->cs + l * g->ls, bf16) : pad;
    }
}

/* The tile's valid lanes back to p (the gradient), as above. */
SL_INLINE void sl_tile_out(void *p, float *buf, float *tile, const sl_grp *g, size_t C, int bf16)
{
    if (g->k == SL_VL && !g->contig && g->cs == 1) {
        for (size_t c = 0; c < C; c++)
            vf_store(tile + c * SL_VL, sl_canon(vf_load(tile + c * SL_VL)));
        if (!bf16) {
            vf_rows_out((float *)p + g->off, tile, C);
            return;
        }
        vf_rows_out(buf, tile, C);
        for (size_t j = 0; j < SL_VL * C; j += SL_VL)
            vf_store_bf16((uint16_t *)p + g->off + j, vf_load(buf + j));
        return;
    }
    for (size_t c = 0; c < C; c++) {
        const vf v = vf_load(tile + c * SL_VL);
        if (g->contig)
            sl_st(p, g->off + c * g->cs, v, bf16);
        else
            sl_st_lanes(p, g->off + c * g->cs, g->ls, v, g->k, bf16);
    }
}

/* A per-lane sum over the classes across positions: float within blocks of
 * SL_CBLOCK classes, block totals added in double, rounded once. Sequential
 * float over thousands of classes would lose ~1e-5 relative; with at most
 * SL_CBLOCK classes the result is the float sum itself. Lane by lane, so the
 * bits do not depend on SL_VL. */
#define SL_CBLOCK 64
typedef struct {
    vf part;
    unsigned n; /* classes in part */
    int blocks; /* blocks added to total */
    vacc total;
} sl_csum;

SL_INLINE void sl_csum_init(sl_csum *s)
{
    s->part = vf_set1(0.0f);
    s->n = 0;
    s->blocks = 0;
    vacc_zero(&s->total);
}
SL_INLINE void sl_csum_add(sl_csum *s, vf v)
{
    s->part = vf_add(s->part, v);
    if (++s->n == SL_CBLOCK) {
        vacc_add(&s->total, s->part, 0);
        s->blocks++;
        s->part = vf_set1(0.0f);
        s->n = 0;
    }
}
SL_INLINE vf sl_csum_get(sl_csum *s)
{
    if (!s->blocks) return s->part;
    if (s->n) vacc_add(&s->total, s->part, 0);
    double d[16];
    float f[SL_VL];
    vacc_lanes(&s->total, d);
    for (size_t l = 0; l < SL_VL; l++) f[l] = (float)d[l];
    return vf_load(f);
}

/* Lanes 0..k-1 of v to l0[0..k). */
SL_INLINE void sl_put_loss(float *dst, vf v, size_t k)
{
    if (k == SL_VL) {
        vf_store(dst, v);
    } else {
        float t[SL_VL];
        vf_store(t, v);
        memcpy(dst, t, k * sizeof(float));
    }
}

#endif
