/* SPDX-License-Identifier: Apache-2.0 */
/* The vector vocabulary for AVX-512 (VL = 16), at the x86-64-v4 level (F, BW,
 * DQ, VL: every AVX-512 CPU since Skylake-SP). Contract: vec_scalar.h. */
#ifndef SL_VEC_AVX512_H
#define SL_VEC_AVX512_H

/* the table is built for x86-64-v4: AVX-512 F, BW, DQ, VL (with AVX2, FMA) */
#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) ||                   \
    !defined(__AVX512VL__) || !defined(__AVX2__) || !defined(__FMA__)
#error "vec_avx512.h needs -mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma"
#endif

#include <immintrin.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>

#define SL_VL 16
#define SL_GROUP 1

typedef __m512 vf;
typedef __mmask16 vm;
typedef struct {
    __m512d lo, hi;
} vacc;

static inline vf vf_load(const float *p) { return _mm512_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm512_storeu_ps(p, v); }
static inline vf vf_load_bf16(const uint16_t *p)
{
    const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
/* v rounded to bfloat16 (nearest even, NaN 0x7FC0) */
static inline __m256i sl_avx512_bf16(vf v)
{
    const __m512i u = _mm512_castps_si512(v);
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
    __m512i r = _mm512_srli_epi32(
        _mm512_add_epi32(u, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7FFF))), 16);
    r = _mm512_mask_mov_epi32(r, _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _mm512_set1_epi32(0x7FC0));
    return _mm512_cvtepi32_epi16(r);
}
static inline void vf_store_bf16(uint16_t *p, vf v)
{
    _mm256_storeu_si256((__m256i *)p, sl_avx512_bf16(v));
}
/* 16 x 16 transpose: r[i] lane j -> r[j] lane i. */
__attribute__((always_inline)) static inline void sl_avx512_t16(__m512 r[16])
{
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
        u[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        u[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        u[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        u[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    /* u[4i + j], 128-bit lane k: class 4k + j of rows 4i..4i+3 */
    for (int j = 0; j < 4; j++) {
        const __m512 a = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88),
                     b = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xDD),
                     c = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88),
                     d = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xDD);
        r[j] = _mm512_shuffle_f32x4(a, c, 0x88);
        r[8 + j] = _mm512_shuffle_f32x4(a, c, 0xDD);
        r[4 + j] = _mm512_shuffle_f32x4(b, d, 0x88);
        r[12 + j] = _mm512_shuffle_f32x4(b, d, 0xDD);
    }
}
__attribute__((always_inline)) static inline void vf_rows_in(float *t, const float *p, size_t n)
{
    const __mmask16 m = (__mmask16)((1u << n) - 1u);
    __m512 r[16];
    for (size_t l = 0; l < 16; l++) r[l] = _mm512_maskz_loadu_ps(m, p + l * n);
    sl_avx512_t16(r);
    /* a constant trip count keeps r in registers (a loop to n becomes a
     * spill and a memcpy) */
    for (size_t c = 0; c < 16; c++)
        if (c < n) _mm512_storeu_ps(t + c * 16, r[c]);
}
__attribute__((always_inline)) static inline void vf_rows_out(float *p, const float *t, size_t n)
{
    const __mmask16 m = (__mmask16)((1u << n) - 1u);
    __m512 r[16];
    for (size_t c = 0; c < 16; c++)
        r[c] = c < n ? _mm512_loadu_ps(t + c * 16) : _mm512_setzero_ps();
    sl_avx512_t16(r);
    for (size_t l = 0; l < 16; l++) _mm512_mask_storeu_ps(p + l * n, m, r[l]);
}
static inline vf vf_set1(float s) { return _mm512_set1_ps(s); }
static inline vf vf_add(vf a, vf b) { return _mm512_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm512_div_ps(a, b); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
static inline vf vf_neg(vf a)
{
    return _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MIN)));
}
static inline vf vf_abs(vf a)
{
    return _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(INT32_MAX)));
}
static inline vf vf_min(vf a, vf b) { return _mm512_min_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm512_max_ps(a, b); }

static inline vm vf_lt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
static inline vm vf_gt(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
static inline vm vf_eq(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm512_cmp_ps_mask(a, b, _CMP_NEQ_UQ); }
static inline vm vf_isnan(vf a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
static inline vm vm_and(vm a, vm b) { return (vm)(a & b); }
static inline vm vm_or(vm a, vm b) { return (vm)(a | b); }
static inline vm vm_andnot(vm a, vm b) { return (vm)(a & ~b); }
static inline vm vm_not(vm a) { return (vm)~a; }
static inline vm vm_none(void) { return 0; }
static inline vm vm_prefix(unsigned k) { return (vm)((1u << k) - 1u); }
static inline int vm_any(vm m) { return m != 0; }
static inline unsigned vm_first(vm m) { return (unsigned)__builtin_ctz((unsigned)m); }
static inline vf vf_select(vm m, vf a, vf b) { return _mm512_mask_blend_ps(m, b, a); }
/* masked-off lanes never fault */
static inline vf vf_load_part(const float *p, unsigned k, float pad)
{
    return _mm512_mask_loadu_ps(_mm512_set1_ps(pad), vm_prefix(k), p);
}
static inline void vf_store_part(float *p, vf v, unsigned k)
{
    _mm512_mask_storeu_ps(p, vm_prefix(k), v);
}
static inline vf vf_load_bf16_part(const uint16_t *p, unsigned k, float pad)
{
    const __m512i w = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(vm_prefix(k), p));
    return vf_select(vm_prefix(k), _mm512_castsi512_ps(_mm512_slli_epi32(w, 16)),
                     _mm512_set1_ps(pad));
}
static inline void vf_store_bf16_part(uint16_t *p, vf v, unsigned k)
{
    _mm256_mask_storeu_epi16(p, vm_prefix(k), sl_avx512_bf16(v));
}

static inline vf vf_log(vf a) { return Sleef_finz_logf16_u10avx512f(a); }
static inline vf vf_exp(vf a) { return Sleef_finz_expf16_u10avx512f(a); }
static inline vf vf_log1p(vf a) { return Sleef_finz_log1pf16_u10avx512f(a); }
static inline vf vf_expm1(vf a) { return Sleef_finz_expm1f16_u10avx512f(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_finz_powf16_u10avx512f(a, b); }

static inline void vacc_zero(vacc *acc)
{
    acc->lo = _mm512_setzero_pd();
    acc->hi = _mm512_setzero_pd();
}
static inline void vacc_add(vacc *acc, vf v, unsigned part)
{
    (void)part;
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    acc->lo = _mm512_add_pd(acc->lo, _mm512_cvtps_pd(_mm512_castps512_ps256(v)));
    acc->hi = _mm512_add_pd(acc->hi, _mm512_cvtps_pd(hi));
}
static inline void vacc_lanes(const vacc *acc, double out[16])
{
    _mm512_storeu_pd(out, acc->lo);
    _mm512_storeu_pd(out + 8, acc->hi);
}

#endif
