/* SPDX-License-Identifier: Apache-2.0 */
/* Small element-level helpers shared by several losses. */
#ifndef SL_KERNELS_COMMON_H
#define SL_KERNELS_COMMON_H

#include "driver.h"

/* sign(d): 1, -1, 0 at +-0, NaN at NaN. */
SL_INLINE vf sl_sign(vf d)
{
    const vf z = vf_mul(d, vf_set1(0.0f)); /* 0 for finite d, NaN for NaN */
    return vf_select(vf_gt(d, vf_set1(0.0f)), vf_set1(1.0f),
                     vf_select(vf_lt(d, vf_set1(0.0f)), vf_set1(-1.0f), z));
}

/* v, or NaN where x or y is NaN: for formulas whose select/compare would
 * otherwise turn a NaN input into a finite result. */
SL_INLINE vf sl_nan_in(vf v, vf x, vf y)
{
    return vf_select(vm_or(vf_isnan(x), vf_isnan(y)), vf_add(x, y), v);
}

/* clip(v, lo, hi) with TensorFlow's order (max, then min); NaN propagates. */
SL_INLINE vf sl_clip(vf v, vf lo, vf hi) { return vf_min(hi, vf_max(lo, v)); }

/* For z with e = exp(-|z|): sigmoid(z) = (z >= 0 ? 1 : e) / (1 + e). */
SL_INLINE vf sl_sigmoid_e(vf z, vf e)
{
    const vf one = vf_set1(1.0f);
    return vf_div(vf_select(vf_ge(z, vf_set1(0.0f)), one, e), vf_add(one, e));
}

/* q^gamma for the SL_POW_* kind of gamma. */
SL_INLINE vf sl_pow_k(vf q, vf gamma, int kind)
{
    switch (kind) {
    case SL_POW_0: return vf_set1(1.0f);
    case SL_POW_1: return q;
    case SL_POW_2: return vf_mul(q, q);
    case SL_POW_3: return vf_mul(vf_mul(q, q), q);
    default: return vf_pow(q, gamma);
    }
}

/* q^(gamma - 1) for gamma of kind >= 1 (the derivative's factor). */
SL_INLINE vf sl_pow_km1(vf q, vf gamma, int kind)
{
    switch (kind) {
    case SL_POW_1: return vf_set1(1.0f);
    case SL_POW_2: return q;
    case SL_POW_3: return vf_mul(q, q);
    default: return vf_pow(q, vf_sub(gamma, vf_set1(1.0f)));
    }
}

SL_INLINE int sl_pow_kind(int flags) { return (flags >> SL_F_POW_SHIFT) & 15; }

#endif
