/* SPDX-License-Identifier: Apache-2.0 */
/* The vector vocabulary for AVX2 + FMA (VL = 8). Contract: vec_scalar.h. */
#ifndef SL_VEC_AVX2_H
#define SL_VEC_AVX2_H

/* compiled with the wrong flags, the intrinsics would not build or, worse,
 * the FMA of vf_fma would silently be two roundings */
#if !defined(__AVX2__) || !defined(__FMA__)
#error "vec_avx2.h needs -mavx2 -mfma"
#endif

#include <immintrin.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>

#define SL_VL 8
#define SL_GROUP 2

typedef __m256 vf;
typedef __m256 vm;
typedef struct {
    __m256d d[4];
} vacc;

static inline vf vf_load(const float *p) { return _mm256_loadu_ps(p); }
static inline void vf_store(float *p, vf v) { _mm256_storeu_ps(p, v); }
static inline vf vf_load_bf16(const uint16_t *p)
{
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
static inline void vf_store_bf16(uint16_t *p, vf v)
{
    const __m256i u = _mm256_castps_si256(v);
    const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_srli_epi32(
        _mm256_add_epi32(u, _mm256_add_epi32(odd, _mm256_set1_epi32(0x7FFF))), 16);
    r = _mm256_blendv_epi8(r, _mm256_set1_epi32(0x7FC0),
                           _mm256_castps_si256(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
    const __m128i lo = _mm256_castsi256_si128(r), hi = _mm256_extracti128_si256(r, 1);
    _mm_storeu_si128((__m128i *)p, _mm_packus_epi32(lo, hi));
}
/* 8 x 8 transpose: r[i] lane j -> r[j] lane i. */
__attribute__((always_inline)) static inline void sl_avx2_t8(__m256 r[8])
{
    __m256 t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        u[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        u[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        u[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        u[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x20);
        r[4 + j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x31);
    }
}
/* The first k (<= 8) lanes: maskload/maskstore never touch the others. */
static inline __m256i sl_avx2_prefix(size_t k)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
__attribute__((always_inline)) static inline void vf_rows_in(float *t, const float *p, size_t n)
{
    for (size_t c0 = 0; c0 < n; c0 += 8) {
        const size_t k = n - c0 < 8 ? n - c0 : 8;
        const __m256i m = sl_avx2_prefix(k);
        __m256 r[8];
        for (size_t l = 0; l < 8; l++) r[l] = _mm256_maskload_ps(p + l * n + c0, m);
        sl_avx2_t8(r);
        /* a constant trip count keeps r in registers (see vec_avx512.h) */
        for (size_t c = 0; c < 8; c++)
            if (c < k) _mm256_storeu_ps(t + (c0 + c) * 8, r[c]);
    }
}
__attribute__((always_inline)) static inline void vf_rows_out(float *p, const float *t, size_t n)
{
    for (size_t c0 = 0; c0 < n; c0 += 8) {
        const size_t k = n - c0 < 8 ? n - c0 : 8;
        const __m256i m = sl_avx2_prefix(k);
        __m256 r[8];
        for (size_t c = 0; c < 8; c++)
            r[c] = c < k ? _mm256_loadu_ps(t + (c0 + c) * 8) : _mm256_setzero_ps();
        sl_avx2_t8(r);
        for (size_t l = 0; l < 8; l++) _mm256_maskstore_ps(p + l * n + c0, m, r[l]);
    }
}
static inline vf vf_set1(float s) { return _mm256_set1_ps(s); }
static inline vf vf_add(vf a, vf b) { return _mm256_add_ps(a, b); }
static inline vf vf_sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
static inline vf vf_mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
static inline vf vf_div(vf a, vf b) { return _mm256_div_ps(a, b); }
static inline vf vf_fma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
static inline vf vf_neg(vf a) { return _mm256_xor_ps(a, _mm256_set1_ps(-0.0f)); }
static inline vf vf_abs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
static inline vf vf_min(vf a, vf b) { return _mm256_min_ps(a, b); }
static inline vf vf_max(vf a, vf b) { return _mm256_max_ps(a, b); }

static inline vm vf_lt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vm vf_le(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
static inline vm vf_gt(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
static inline vm vf_ge(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
static inline vm vf_eq(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
static inline vm vf_ne(vf a, vf b) { return _mm256_cmp_ps(a, b, _CMP_NEQ_UQ); }
static inline vm vf_isnan(vf a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
static inline vm vm_and(vm a, vm b) { return _mm256_and_ps(a, b); }
static inline vm vm_or(vm a, vm b) { return _mm256_or_ps(a, b); }
static inline vm vm_andnot(vm a, vm b) { return _mm256_andnot_ps(b, a); }
static inline vm vm_not(vm a)
{
    return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(-1)));
}
static inline vm vm_none(void) { return _mm256_setzero_ps(); }
static inline vm vm_prefix(unsigned k)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)k), idx));
}
static inline int vm_any(vm m) { return _mm256_movemask_ps(m) != 0; }
static inline unsigned vm_first(vm m)
{
    return (unsigned)__builtin_ctz((unsigned)_mm256_movemask_ps(m));
}
static inline vf vf_select(vm m, vf a, vf b) { return _mm256_blendv_ps(b, a, m); }
/* masked-off lanes never fault */
static inline vf vf_load_part(const float *p, unsigned k, float pad)
{
    const vm m = vm_prefix(k);
    return vf_select(m, _mm256_maskload_ps(p, _mm256_castps_si256(m)), _mm256_set1_ps(pad));
}
static inline void vf_store_part(float *p, vf v, unsigned k)
{
    _mm256_maskstore_ps(p, _mm256_castps_si256(vm_prefix(k)), v);
}
static inline vf vf_load_bf16_part(const uint16_t *p, unsigned k, float pad)
{
    uint16_t t[8] = {0};
    for (unsigned l = 0; l < k; l++) t[l] = p[l];
    return vf_select(vm_prefix(k), vf_load_bf16(t), vf_set1(pad));
}
static inline void vf_store_bf16_part(uint16_t *p, vf v, unsigned k)
{
    uint16_t t[8];
    vf_store_bf16(t, v);
    for (unsigned l = 0; l < k; l++) p[l] = t[l];
}

static inline vf vf_log(vf a) { return Sleef_finz_logf8_u10avx2(a); }
static inline vf vf_exp(vf a) { return Sleef_finz_expf8_u10avx2(a); }
static inline vf vf_log1p(vf a) { return Sleef_finz_log1pf8_u10avx2(a); }
static inline vf vf_expm1(vf a) { return Sleef_finz_expm1f8_u10avx2(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_finz_powf8_u10avx2(a, b); }

static inline void vacc_zero(vacc *acc)
{
    for (int k = 0; k < 4; k++) acc->d[k] = _mm256_setzero_pd();
}
static inline void vacc_add(vacc *acc, vf v, unsigned part)
{
    acc->d[2 * part] = _mm256_add_pd(acc->d[2 * part], _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
    acc->d[2 * part + 1] =
        _mm256_add_pd(acc->d[2 * part + 1], _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
}
static inline void vacc_lanes(const vacc *acc, double out[16])
{
    for (int k = 0; k < 4; k++) _mm256_storeu_pd(out + 4 * k, acc->d[k]);
}

#endif
