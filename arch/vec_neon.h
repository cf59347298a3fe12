/* SPDX-License-Identifier: Apache-2.0 */
/* The vector vocabulary for AArch64 Advanced SIMD (VL = 4). Contract:
 * vec_scalar.h. NEON is part of the AArch64 baseline: no -m flags needed. */
#ifndef SL_VEC_NEON_H
#define SL_VEC_NEON_H

#if !defined(__aarch64__) || !defined(__ARM_NEON) || !defined(__ARM_FEATURE_FMA)
#error "vec_neon.h needs AArch64 with Advanced SIMD and FMA"
#endif

#include <arm_neon.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>

#define SL_VL 4
#define SL_GROUP 4

typedef float32x4_t vf;
typedef uint32x4_t vm; /* all-ones or all-zeros lanes */
typedef struct {
    float64x2_t d[8]; /* lane i in d[i / 2], element i % 2 */
} vacc;

static inline vf vf_load(const float *p) { return vld1q_f32(p); }
static inline void vf_store(float *p, vf v) { vst1q_f32(p, v); }
static inline vf vf_load_bf16(const uint16_t *p)
{
    return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16));
}
static inline void vf_store_bf16(uint16_t *p, vf v)
{
    const uint32x4_t u = vreinterpretq_u32_f32(v);
    const uint32x4_t odd = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    uint32x4_t r = vshrq_n_u32(vaddq_u32(u, vaddq_u32(odd, vdupq_n_u32(0x7FFF))), 16);
    r = vbslq_u32(vceqq_f32(v, v), r, vdupq_n_u32(0x7FC0));
    vst1_u16(p, vmovn_u32(r));
}
static inline void vf_rows_in(float *t, const float *p, size_t n)
{
    for (size_t c = 0; c < n; c++)
        for (size_t l = 0; l < 4; l++) t[c * 4 + l] = p[l * n + c];
}
static inline void vf_rows_out(float *p, const float *t, size_t n)
{
    for (size_t c = 0; c < n; c++)
        for (size_t l = 0; l < 4; l++) p[l * n + c] = t[c * 4 + l];
}
static inline vf vf_set1(float s) { return vdupq_n_f32(s); }
static inline vf vf_add(vf a, vf b) { return vaddq_f32(a, b); }
static inline vf vf_sub(vf a, vf b) { return vsubq_f32(a, b); }
static inline vf vf_mul(vf a, vf b) { return vmulq_f32(a, b); }
static inline vf vf_div(vf a, vf b) { return vdivq_f32(a, b); }
/* vfmaq_f32(c, a, b) = c + a * b, one rounding */
static inline vf vf_fma(vf a, vf b, vf c) { return vfmaq_f32(c, a, b); }
static inline vf vf_neg(vf a)
{
    return vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0x80000000u)));
}
static inline vf vf_abs(vf a)
{
    return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(a), vdupq_n_u32(0x7fffffffu)));
}
/* x86 minps/maxps: b when either is NaN (vminq_f32 returns NaN and
 * vminnmq_f32 the number: both differ). */
static inline vf vf_min(vf a, vf b) { return vbslq_f32(vcltq_f32(a, b), a, b); }
static inline vf vf_max(vf a, vf b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }

static inline vm vf_lt(vf a, vf b) { return vcltq_f32(a, b); }
static inline vm vf_le(vf a, vf b) { return vcleq_f32(a, b); }
static inline vm vf_gt(vf a, vf b) { return vcgtq_f32(a, b); }
static inline vm vf_ge(vf a, vf b) { return vcgeq_f32(a, b); }
static inline vm vf_eq(vf a, vf b) { return vceqq_f32(a, b); }
static inline vm vf_ne(vf a, vf b) { return vmvnq_u32(vceqq_f32(a, b)); }
static inline vm vf_isnan(vf a) { return vmvnq_u32(vceqq_f32(a, a)); }
static inline vm vm_and(vm a, vm b) { return vandq_u32(a, b); }
static inline vm vm_or(vm a, vm b) { return vorrq_u32(a, b); }
static inline vm vm_andnot(vm a, vm b) { return vbicq_u32(a, b); }
static inline vm vm_not(vm a) { return vmvnq_u32(a); }
static inline vm vm_none(void) { return vdupq_n_u32(0); }
static inline vm vm_prefix(unsigned k)
{
    static const uint32_t idx[4] = {0, 1, 2, 3};
    return vcltq_u32(vld1q_u32(idx), vdupq_n_u32(k));
}
static inline int vm_any(vm m) { return vmaxvq_u32(m) != 0; }
static inline unsigned vm_first(vm m)
{
    /* narrow each lane to 16 bits: lane l is bits 16 l .. 16 l + 15 */
    const uint64_t b = vget_lane_u64(vreinterpret_u64_u16(vmovn_u32(m)), 0);
    return (unsigned)__builtin_ctzll(b) / 16u;
}
static inline vf vf_select(vm m, vf a, vf b) { return vbslq_f32(m, a, b); }
static inline vf vf_load_part(const float *p, unsigned k, float pad)
{
    float t[4];
    for (unsigned l = 0; l < 4; l++) t[l] = l < k ? p[l] : pad;
    return vld1q_f32(t);
}
static inline void vf_store_part(float *p, vf v, unsigned k)
{
    float t[4];
    vst1q_f32(t, v);
    for (unsigned l = 0; l < k; l++) p[l] = t[l];
}
static inline vf vf_load_bf16_part(const uint16_t *p, unsigned k, float pad)
{
    uint16_t t[4] = {0};
    for (unsigned l = 0; l < k; l++) t[l] = p[l];
    return vf_select(vm_prefix(k), vf_load_bf16(t), vf_set1(pad));
}
static inline void vf_store_bf16_part(uint16_t *p, vf v, unsigned k)
{
    uint16_t t[4];
    vf_store_bf16(t, v);
    for (unsigned l = 0; l < k; l++) p[l] = t[l];
}

static inline vf vf_log(vf a) { return Sleef_finz_logf4_u10advsimd(a); }
static inline vf vf_exp(vf a) { return Sleef_finz_expf4_u10advsimd(a); }
static inline vf vf_log1p(vf a) { return Sleef_finz_log1pf4_u10advsimd(a); }
static inline vf vf_expm1(vf a) { return Sleef_finz_expm1f4_u10advsimd(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_finz_powf4_u10advsimd(a, b); }

static inline void vacc_zero(vacc *acc)
{
    for (int k = 0; k < 8; k++) acc->d[k] = vdupq_n_f64(0.0);
}
static inline void vacc_add(vacc *acc, vf v, unsigned part)
{
    acc->d[2 * part] = vaddq_f64(acc->d[2 * part], vcvt_f64_f32(vget_low_f32(v)));
    acc->d[2 * part + 1] = vaddq_f64(acc->d[2 * part + 1], vcvt_high_f64_f32(v));
}
static inline void vacc_lanes(const vacc *acc, double out[16])
{
    for (int k = 0; k < 8; k++) vst1q_f64(out + 2 * k, acc->d[k]);
}

#endif
