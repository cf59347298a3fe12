/* SPDX-License-Identifier: Apache-2.0 */
/* Kernels that are not losses: a whole-array scan and the benchmark's
 * reference limits (memory stream, SLEEF throughput). */

/* bad = some tgt[0][i] is neither 0 nor 1 (NaN counts as neither). */
static void k_all_binary(sl_args *a)
{
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f);
    size_t i = 0;
    a->bad = 0;
    for (; i + SL_VL <= a->n; i += SL_VL) {
        const vf y = vf_load(a->tgt[0] + i);
        if (vm_any(vm_not(vm_or(vf_eq(y, zero), vf_eq(y, one))))) {
            a->bad = 1;
            return;
        }
    }
    for (; i < a->n; i++)
        if (a->tgt[0][i] != 0.0f && a->tgt[0][i] != 1.0f) a->bad = 1;
}

/* bad = some cyc[0][j] < 0 (NaN is not), bad_index = the first such j. */
static void k_first_negative(sl_args *a)
{
    const float *v = a->cyc[0];
    const size_t len = a->cyc_len[0];
    const vf zero = vf_set1(0.0f);
    size_t j = 0;
    a->bad = 0;
    for (; j + SL_VL <= len; j += SL_VL)
        if (vm_any(vf_lt(vf_load(v + j), zero))) break;
    for (; j < len; j++)
        if (v[j] < 0.0f) {
            a->bad = 1;
            a->bad_index = j;
            a->bad_value = v[j];
            return;
        }
}

/* grad[0] = in[0] + tgt[0]: reads two arrays and writes one, like a fused
 * loss + gradient. */
static void k_ref_stream(sl_args *a)
{
    const float *x = a->in[0], *y = a->tgt[0];
    float *d = a->grad[0];
    size_t i = 0;
    for (; i + SL_VL <= a->n; i += SL_VL) vf_store(d + i, vf_add(vf_load(x + i), vf_load(y + i)));
    for (; i < a->n; i++) d[i] = x[i] + y[i];
}

/* sum of f(x): throughput of one SLEEF function on cached data. */
#define SL_DEFINE_REF_MATH(name, fn)                                                               \
    static void k_ref_##name(sl_args *a)                                                           \
    {                                                                                              \
        vf s0 = vf_set1(0.0f), s1 = s0;                                                            \
        size_t i = 0;                                                                              \
        for (; i + 2 * SL_VL <= a->n; i += 2 * SL_VL) {                                            \
            s0 = vf_add(s0, fn(vf_load(a->in[0] + i)));                                            \
            s1 = vf_add(s1, fn(vf_load(a->in[0] + i + SL_VL)));                                    \
        }                                                                                          \
        float t[SL_VL];                                                                            \
        vf_store(t, vf_add(s0, s1));                                                               \
        a->sum = 0.0;                                                                              \
        for (size_t l = 0; l < SL_VL; l++) a->sum += t[l];                                         \
    }
SL_DEFINE_REF_MATH(log, vf_log)
SL_DEFINE_REF_MATH(exp, vf_exp)
SL_DEFINE_REF_MATH(log1p, vf_log1p)
SL_DEFINE_REF_MATH(expm1, vf_expm1)
