/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vector vocabulary for SVE at one fixed vector length (VL = 4, 8 or 16
 * floats for 128-, 256- and 512-bit vectors). Contract: vec_scalar.h.
 *
 * Built with -march=armv8.2-a+sve -msve-vector-bits=N: the typedefs below
 * carry arm_sve_vector_bits(N), so they are ordinary sized types that can
 * live in sl_ctx, vacc and arrays like every other ISA's vectors (ACLE's
 * svfloat32_t itself is sizeless and cannot). Such code is only correct on
 * a CPU whose vector length is exactly N: arch/sve{128,256,512}.c are three
 * tables and the dispatcher runs the one that matches the CPU (cpu.c reads
 * the length). See docs/design.md for why not vector-length agnostic.
 */
#ifndef SL_VEC_SVE_H
#define SL_VEC_SVE_H

/* one table per vector length: the types are sized only with
 * -msve-vector-bits=N (arch/sve<N>.c) */
#if !defined(__ARM_FEATURE_SVE) || !defined(__ARM_FEATURE_SVE_BITS) || __ARM_FEATURE_SVE_BITS == 0
#error "vec_sve.h needs -march=armv8.2-a+sve -msve-vector-bits=N (128, 256 or 512)"
#endif

#include <arm_sve.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>

#if !defined(__ARM_FEATURE_SVE_BITS) ||                                                            \
    (__ARM_FEATURE_SVE_BITS != 128 && __ARM_FEATURE_SVE_BITS != 256 &&                             \
     __ARM_FEATURE_SVE_BITS != 512)
#error "vec_sve.h needs -msve-vector-bits=128, 256 or 512"
#endif

#define SL_SVE_BITS __ARM_FEATURE_SVE_BITS
#define SL_VL (SL_SVE_BITS / 32)
#define SL_GROUP (16 / SL_VL)

typedef svfloat32_t vf __attribute__((arm_sve_vector_bits(SL_SVE_BITS)));
typedef svbool_t vm __attribute__((arm_sve_vector_bits(SL_SVE_BITS)));
typedef svfloat64_t sl_vd __attribute__((arm_sve_vector_bits(SL_SVE_BITS)));
typedef struct {
    sl_vd d[32 / SL_VL]; /* 16 double lanes, SL_VL / 2 per vector, in order */
} vacc;

/* every lane: the vector length is exactly SL_SVE_BITS */
#define SL_PT svptrue_b32()

static inline vf vf_load(const float *p) { return svld1_f32(SL_PT, p); }
static inline void vf_store(float *p, vf v) { svst1_f32(SL_PT, p, v); }
static inline vf vf_load_bf16(const uint16_t *p)
{
    return svreinterpret_f32_u32(svlsl_n_u32_x(SL_PT, svld1uh_u32(SL_PT, p), 16));
}
/* v rounded to bfloat16 (nearest even, NaN 0x7FC0) in the low half of each lane */
static inline svuint32_t sl_sve_bf16(vf v)
{
    const svuint32_t u = svreinterpret_u32_f32(v);
    const svuint32_t odd = svand_n_u32_x(SL_PT, svlsr_n_u32_x(SL_PT, u, 16), 1);
    const svuint32_t r =
        svlsr_n_u32_x(SL_PT, svadd_u32_x(SL_PT, u, svadd_n_u32_x(SL_PT, odd, 0x7FFF)), 16);
    return svsel_u32(svcmpuo_f32(SL_PT, v, v), svdup_n_u32(0x7FC0), r);
}
static inline void vf_store_bf16(uint16_t *p, vf v) { svst1h_u32(SL_PT, p, sl_sve_bf16(v)); }
static inline void vf_rows_in(float *t, const float *p, size_t n)
{
    const svuint32_t idx = svindex_u32(0, (uint32_t)n);
    for (size_t c = 0; c < n; c++)
        svst1_f32(SL_PT, t + c * SL_VL, svld1_gather_u32index_f32(SL_PT, p + c, idx));
}
static inline void vf_rows_out(float *p, const float *t, size_t n)
{
    const svuint32_t idx = svindex_u32(0, (uint32_t)n);
    for (size_t c = 0; c < n; c++)
        svst1_scatter_u32index_f32(SL_PT, p + c, idx, svld1_f32(SL_PT, t + c * SL_VL));
}
static inline vf vf_set1(float s) { return svdup_n_f32(s); }
static inline vf vf_add(vf a, vf b) { return svadd_f32_x(SL_PT, a, b); }
static inline vf vf_sub(vf a, vf b) { return svsub_f32_x(SL_PT, a, b); }
static inline vf vf_mul(vf a, vf b) { return svmul_f32_x(SL_PT, a, b); }
static inline vf vf_div(vf a, vf b) { return svdiv_f32_x(SL_PT, a, b); }
/* svmla(c, a, b) = c + a * b, one rounding (FMLA/FMAD) */
static inline vf vf_fma(vf a, vf b, vf c) { return svmla_f32_x(SL_PT, c, a, b); }
static inline vf vf_neg(vf a)
{
    return svreinterpret_f32_u32(sveor_n_u32_x(SL_PT, svreinterpret_u32_f32(a), 0x80000000u));
}
static inline vf vf_abs(vf a)
{
    return svreinterpret_f32_u32(svand_n_u32_x(SL_PT, svreinterpret_u32_f32(a), 0x7fffffffu));
}
/* x86 minps/maxps: b when either is NaN (FMIN/FMINNM differ) */
static inline vf vf_min(vf a, vf b) { return svsel_f32(svcmplt_f32(SL_PT, a, b), a, b); }
static inline vf vf_max(vf a, vf b) { return svsel_f32(svcmpgt_f32(SL_PT, a, b), a, b); }

static inline vm vf_lt(vf a, vf b) { return svcmplt_f32(SL_PT, a, b); }
static inline vm vf_le(vf a, vf b) { return svcmple_f32(SL_PT, a, b); }
static inline vm vf_gt(vf a, vf b) { return svcmpgt_f32(SL_PT, a, b); }
static inline vm vf_ge(vf a, vf b) { return svcmpge_f32(SL_PT, a, b); }
static inline vm vf_eq(vf a, vf b) { return svcmpeq_f32(SL_PT, a, b); }
static inline vm vf_ne(vf a, vf b) { return svnot_b_z(SL_PT, svcmpeq_f32(SL_PT, a, b)); }
static inline vm vf_isnan(vf a) { return svcmpuo_f32(SL_PT, a, a); }
static inline vm vm_and(vm a, vm b) { return svand_b_z(SL_PT, a, b); }
static inline vm vm_or(vm a, vm b) { return svorr_b_z(SL_PT, a, b); }
static inline vm vm_andnot(vm a, vm b) { return svbic_b_z(SL_PT, a, b); }
static inline vm vm_not(vm a) { return svnot_b_z(SL_PT, a); }
static inline vm vm_none(void) { return svpfalse_b(); }
static inline vm vm_prefix(unsigned k) { return svwhilelt_b32_u32(0u, k); }
static inline int vm_any(vm m) { return svptest_any(SL_PT, m); }
/* the lanes before the first true one, counted */
static inline unsigned vm_first(vm m) { return (unsigned)svcntp_b32(SL_PT, svbrkb_b_z(SL_PT, m)); }
static inline vf vf_select(vm m, vf a, vf b) { return svsel_f32(m, a, b); }
/* inactive lanes never fault */
static inline vf vf_load_part(const float *p, unsigned k, float pad)
{
    const vm m = vm_prefix(k);
    return svsel_f32(m, svld1_f32(m, p), svdup_n_f32(pad));
}
static inline void vf_store_part(float *p, vf v, unsigned k) { svst1_f32(vm_prefix(k), p, v); }
static inline vf vf_load_bf16_part(const uint16_t *p, unsigned k, float pad)
{
    const vm m = vm_prefix(k);
    return svsel_f32(m, svreinterpret_f32_u32(svlsl_n_u32_x(SL_PT, svld1uh_u32(m, p), 16)),
                     svdup_n_f32(pad));
}
static inline void vf_store_bf16_part(uint16_t *p, vf v, unsigned k)
{
    svst1h_u32(vm_prefix(k), p, sl_sve_bf16(v));
}

static inline vf vf_log(vf a) { return Sleef_finz_logfx_u10sve(a); }
static inline vf vf_exp(vf a) { return Sleef_finz_expfx_u10sve(a); }
static inline vf vf_log1p(vf a) { return Sleef_finz_log1pfx_u10sve(a); }
static inline vf vf_expm1(vf a) { return Sleef_finz_expm1fx_u10sve(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_finz_powfx_u10sve(a, b); }

static inline void vacc_zero(vacc *acc)
{
    for (int k = 0; k < 32 / SL_VL; k++) acc->d[k] = svdup_n_f64(0.0);
}
static inline void vacc_add(vacc *acc, vf v, unsigned part)
{
    /* FCVT widens the even 32-bit lanes: zip1/zip2 put lanes 0 .. VL/2-1 and
     * VL/2 .. VL-1 there */
    const sl_vd lo = svcvt_f64_f32_x(svptrue_b64(), svzip1_f32(v, v));
    const sl_vd hi = svcvt_f64_f32_x(svptrue_b64(), svzip2_f32(v, v));
    acc->d[2 * part] = svadd_f64_x(svptrue_b64(), acc->d[2 * part], lo);
    acc->d[2 * part + 1] = svadd_f64_x(svptrue_b64(), acc->d[2 * part + 1], hi);
}
static inline void vacc_lanes(const vacc *acc, double out[16])
{
    for (int k = 0; k < 32 / SL_VL; k++) svst1_f64(svptrue_b64(), out + k * (SL_VL / 2), acc->d[k]);
}

#endif
