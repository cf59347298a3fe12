/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vector vocabulary, scalar edition (VL = 1). This file is the readable
 * reference: every ISA header implements the same ops with the same IEEE
 * results, lane by lane.
 *
 * Types
 *   vf    SL_VL floats.            vm    a lane mask.
 *   vacc  16 double lanes: the canonical reduction accumulator.
 *
 * Contract (all ops lane-wise unless said otherwise)
 *   vf_load(p), vf_store(p, v)   any alignment.
 *   vf_load_bf16(p)              SL_VL bfloat16 values (uint16_t, any
 *                                alignment) widened to float (exact).
 *   vf_store_bf16(p, v)          v rounded to bfloat16, nearest even; every
 *                                NaN stores 0x7FC0 (PyTorch's conversion).
 *                                Integer arithmetic on every ISA: AVX-512
 *                                BF16's vcvtneps2bf16 flushes subnormals.
 *   vf_load_part(p, k, pad)      lanes 0..k-1 from p[0..k), the rest pad;
 *                                reads nothing else (0 <= k <= SL_VL).
 *   vf_store_part(p, v, k)       lanes 0..k-1 to p[0..k); writes nothing else.
 *   vf_load_bf16_part(p, k, pad), vf_store_bf16_part(p, v, k)
 *                                the same for bfloat16 data.
 *   vf_rows_in(t, p, n)          transposes SL_VL rows of n <= 16 floats
 *                                (p[l n + c]) into n vectors (t[c SL_VL + l]);
 *                                reads exactly those SL_VL n floats.
 *   vf_rows_out(p, t, n)         the reverse; writes exactly those.
 *   vf_set1(s)                   broadcast.
 *   vf_add/sub/mul/div(a, b)     one IEEE op, round to nearest.
 *   vf_fma(a, b, c)              a * b + c with one rounding (never contracted
 *                                implicitly: everything builds with
 *                                -ffp-contract=off).
 *   vf_neg(a), vf_abs(a)         flip / clear the sign bit (NaN stays NaN).
 *   vf_min(a, b), vf_max(a, b)   a < b ? a : b and a > b ? a : b: when either
 *                                is NaN the result is b (x86 minps). Put the
 *                                operand whose NaN must propagate second.
 *   vf_lt/le/gt/ge/eq(a, b)      ordered compares: false when either is NaN.
 *   vf_ne(a, b)                  unordered: true when either is NaN.
 *   vf_isnan(a)                  a != a.
 *   vm_and/or/andnot/not         mask logic; vm_andnot(a, b) = a & ~b.
 *   vm_none()                    all lanes false.
 *   vm_prefix(k)                 lanes 0..k-1 true (0 <= k <= SL_VL).
 *   vm_any(m)                    1 if any lane is true.
 *   vm_first(m)                  index of the first true lane (m not empty).
 *   vf_select(m, a, b)           m ? a : b.
 *   vf_log/exp/log1p/expm1(a),   SLEEF's deterministic ("finz", 1.0-ulp)
 *   vf_pow(a, b)                 functions: the same bits on every ISA, but
 *                                for the sign and payload of a NaN result
 *                                (AVX-512's log passes a NaN input's payload
 *                                and returns -NaN for x < 0): every output
 *                                goes through sl_canon.
 *   vacc_zero(acc)               all 16 lanes = 0.0.
 *   vacc_add(acc, v, part)       for the vector holding elements
 *                                [i, i + SL_VL) with i % 16 == part * SL_VL:
 *                                lane (i + l) % 16 += (double)v[l].
 *   vacc_lanes(acc, out)         out[0..15] = the 16 lanes.
 *   SL_GROUP                     vectors per group of 16 elements that the
 *                                driver unrolls (keeps accumulators in
 *                                registers); 1 for scalar.
 *
 * Without FMA hardware (SL_SCALAR_NOFMA) the scalar build falls back to
 * SLEEF's "cinz purec" functions: correct to 1 ulp but not bit-identical to
 * the FMA variants.
 */
#ifndef SL_VEC_SCALAR_H
#define SL_VEC_SCALAR_H

/* the exact scalar table matches the vector tables bit for bit only with
 * FMA: on x86 it is compiled with -mfma (arch/scalar.c), scalar-nofma is not */
#if defined(__x86_64__) && !defined(SL_SCALAR_NOFMA) && !defined(__FMA__)
#error "vec_scalar.h needs -mfma on x86-64 (or SL_SCALAR_NOFMA for the FMA-less table)"
#endif

#include <math.h>
#include <sleef.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SL_VL 1
#define SL_GROUP 1

typedef float vf;
typedef int vm;
typedef struct {
    double d[16];
} vacc;

static inline vf vf_load(const float *p) { return *p; }
static inline void vf_store(float *p, vf v) { *p = v; }
static inline vf vf_load_bf16(const uint16_t *p)
{
    uint32_t u = (uint32_t)*p << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
static inline void vf_store_bf16(uint16_t *p, vf v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    *p = v != v ? (uint16_t)0x7FC0 : (uint16_t)((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}
static inline void vf_rows_in(float *t, const float *p, size_t n)
{
    memcpy(t, p, n * sizeof(float));
}
static inline void vf_rows_out(float *p, const float *t, size_t n)
{
    memcpy(p, t, n * sizeof(float));
}
static inline vf vf_set1(float s) { return s; }
static inline vf vf_add(vf a, vf b) { return a + b; }
static inline vf vf_sub(vf a, vf b) { return a - b; }
static inline vf vf_mul(vf a, vf b) { return a * b; }
static inline vf vf_div(vf a, vf b) { return a / b; }
static inline vf vf_fma(vf a, vf b, vf c) { return fmaf(a, b, c); }
static inline vf vf_neg(vf a) { return -a; }
static inline vf vf_abs(vf a) { return fabsf(a); }
static inline vf vf_min(vf a, vf b) { return a < b ? a : b; }
static inline vf vf_max(vf a, vf b) { return a > b ? a : b; }

static inline vm vf_lt(vf a, vf b) { return a < b; }
static inline vm vf_le(vf a, vf b) { return a <= b; }
static inline vm vf_gt(vf a, vf b) { return a > b; }
static inline vm vf_ge(vf a, vf b) { return a >= b; }
static inline vm vf_eq(vf a, vf b) { return a == b; }
static inline vm vf_ne(vf a, vf b) { return a != b; }
static inline vm vf_isnan(vf a) { return a != a; }
static inline vm vm_and(vm a, vm b) { return a & b; }
static inline vm vm_or(vm a, vm b) { return a | b; }
static inline vm vm_andnot(vm a, vm b) { return a & !b; }
static inline vm vm_not(vm a) { return !a; }
static inline vm vm_none(void) { return 0; }
static inline vm vm_prefix(unsigned k) { return k > 0; }
static inline int vm_any(vm m) { return m != 0; }
static inline unsigned vm_first(vm m) { return m ? 0u : 1u; }
static inline vf vf_select(vm m, vf a, vf b) { return m ? a : b; }
static inline vf vf_load_part(const float *p, unsigned k, float pad) { return k ? *p : pad; }
static inline void vf_store_part(float *p, vf v, unsigned k)
{
    if (k) *p = v;
}
static inline vf vf_load_bf16_part(const uint16_t *p, unsigned k, float pad)
{
    return k ? vf_load_bf16(p) : pad;
}
static inline void vf_store_bf16_part(uint16_t *p, vf v, unsigned k)
{
    if (k) vf_store_bf16(p, v);
}

#ifdef SL_SCALAR_NOFMA
static inline vf vf_log(vf a) { return Sleef_cinz_logf1_u10purec(a); }
static inline vf vf_exp(vf a) { return Sleef_cinz_expf1_u10purec(a); }
static inline vf vf_log1p(vf a) { return Sleef_cinz_log1pf1_u10purec(a); }
static inline vf vf_expm1(vf a) { return Sleef_cinz_expm1f1_u10purec(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_cinz_powf1_u10purec(a, b); }
#else
/* SLEEF 3.5.1's sleef.h declares its purecfma functions only when
 * FP_FAST_FMA is defined: it defines that itself for AVX2 and AArch64, and
 * glibc's math.h for gcc's -mfma (gcc predefines __FP_FAST_FMA), but clang
 * with -mfma alone defines neither. Called through an implicit declaration
 * they would pass and return floats as ints: declared here in that case,
 * with sleef.h's prototypes. */
#ifndef FP_FAST_FMA
float Sleef_finz_logf1_u10purecfma(float) __attribute__((const));
float Sleef_finz_expf1_u10purecfma(float) __attribute__((const));
float Sleef_finz_log1pf1_u10purecfma(float) __attribute__((const));
float Sleef_finz_expm1f1_u10purecfma(float) __attribute__((const));
float Sleef_finz_powf1_u10purecfma(float, float) __attribute__((const));
#endif
static inline vf vf_log(vf a) { return Sleef_finz_logf1_u10purecfma(a); }
static inline vf vf_exp(vf a) { return Sleef_finz_expf1_u10purecfma(a); }
static inline vf vf_log1p(vf a) { return Sleef_finz_log1pf1_u10purecfma(a); }
static inline vf vf_expm1(vf a) { return Sleef_finz_expm1f1_u10purecfma(a); }
static inline vf vf_pow(vf a, vf b) { return Sleef_finz_powf1_u10purecfma(a, b); }
#endif

static inline void vacc_zero(vacc *acc) { memset(acc, 0, sizeof *acc); }
static inline void vacc_add(vacc *acc, vf v, unsigned part) { acc->d[part] += (double)v; }
static inline void vacc_lanes(const vacc *acc, double out[16])
{
    memcpy(out, acc->d, sizeof acc->d);
}

#endif
