/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops' reference: the scalar vocabulary, one plain function per op
 * (compiled with -mfma on x86, like arch/scalar.c). vec_ops_ref_nofma.c
 * includes this file with SL_SCALAR_NOFMA defined. */
#include "../arch/vec_scalar.h"

#include "vec_ops_ref.h"

#ifndef VO_REF_VAR
#define VO_REF_VAR vo_ref_scalar
#define VO_REF_LABEL "scalar"
#endif

static float r_add(float a, float b) { return vf_add(a, b); }
static float r_sub(float a, float b) { return vf_sub(a, b); }
static float r_mul(float a, float b) { return vf_mul(a, b); }
static float r_div(float a, float b) { return vf_div(a, b); }
static float r_fma(float a, float b, float c) { return vf_fma(a, b, c); }
static float r_neg(float a) { return vf_neg(a); }
static float r_abs(float a) { return vf_abs(a); }
static float r_min(float a, float b) { return vf_min(a, b); }
static float r_max(float a, float b) { return vf_max(a, b); }
static int r_lt(float a, float b) { return vm_any(vf_lt(a, b)); }
static int r_le(float a, float b) { return vm_any(vf_le(a, b)); }
static int r_gt(float a, float b) { return vm_any(vf_gt(a, b)); }
static int r_ge(float a, float b) { return vm_any(vf_ge(a, b)); }
static int r_eq(float a, float b) { return vm_any(vf_eq(a, b)); }
static int r_ne(float a, float b) { return vm_any(vf_ne(a, b)); }
static int r_isnan(float a) { return vm_any(vf_isnan(a)); }
/* masks are 0 or 1 here: lane values of the vector ISA's masks */
static int r_and(int a, int b) { return vm_any(vm_and(a ? vm_prefix(1) : vm_none(), b ? 1 : 0)); }
static int r_or(int a, int b) { return vm_any(vm_or(a ? vm_prefix(1) : vm_none(), b ? 1 : 0)); }
static int r_andnot(int a, int b)
{
    return vm_any(vm_andnot(a ? vm_prefix(1) : vm_none(), b ? 1 : 0));
}
static int r_not(int a) { return vm_any(vm_not(a ? vm_prefix(1) : vm_none())); }
static float r_select(int m, float a, float b)
{
    return vf_select(m ? vm_prefix(1) : vm_none(), a, b);
}
static float r_load_bf16(uint16_t h) { return vf_load_bf16(&h); }
static uint16_t r_store_bf16(float v)
{
    uint16_t h;
    vf_store_bf16(&h, v);
    return h;
}
static float r_log(float a) { return vf_log(a); }
static float r_exp(float a) { return vf_exp(a); }
static float r_log1p(float a) { return vf_log1p(a); }
static float r_expm1(float a) { return vf_expm1(a); }
static float r_pow(float a, float b) { return vf_pow(a, b); }

const vo_ref VO_REF_VAR = {
#ifdef SL_SCALAR_NOFMA
    VO_REF_LABEL, 0,
#else
    VO_REF_LABEL, 1,
#endif
    r_add,        r_sub,       r_mul,        r_div, r_fma, r_neg,   r_abs,   r_min, r_max,    r_lt,
    r_le,         r_gt,        r_ge,         r_eq,  r_ne,  r_isnan, r_and,   r_or,  r_andnot, r_not,
    r_select,     r_load_bf16, r_store_bf16, r_log, r_exp, r_log1p, r_expm1, r_pow};
