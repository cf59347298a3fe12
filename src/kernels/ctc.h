/* SPDX-License-Identifier: Apache-2.0 */
/* CTC's vector steps (src/ctc.h; src/ctc.c runs the recursions). Full
 * vectors, then the tail through vf_load_part/vf_store_part: one lane per
 * state or class, so every table gives the same bits. */
#include "../ctc.h"

#define SL_CTC_LOOP(n, ...)                                                                        \
    for (size_t i = 0; i < (n); i += SL_VL) {                                                      \
        const size_t k = (n)-i < SL_VL ? (n)-i : SL_VL;                                            \
        __VA_ARGS__                                                                                \
    }

/* PyTorch's step of the forward (alpha) and backward (beta) recursions:
 * out = log(exp(a - m) + exp(b - m) + exp(c' - m)) + m + emit, where c' is c
 * where allowed and -inf elsewhere, and m is a, raised to b and then c' where
 * larger (a NaN never raises it), 0 when it is -inf. The term of the
 * largest is exp(0) = 1 (0 when m was -inf, NaN when it is infinite or NaN):
 * two exp calls instead of three, the same bits. */
static void k_ctc_step(sl_args *args)
{
    const sl_ctc_vec *v = args->params;
    const vf ninf = vf_set1(-__builtin_inff()), zero = vf_set1(0.0f), one = vf_set1(1.0f);
    const vf nan = vf_set1(__builtin_nanf(""));
    SL_CTC_LOOP(args->n, {
        const vf a = vf_load_part(v->a + i, k, -__builtin_inff());
        const vf b = vf_load_part(v->b + i, k, -__builtin_inff());
        const vf allow = vf_load_part(v->allow + i, k, 0.0f);
        const vf c =
            vf_select(vf_ne(allow, zero), vf_load_part(v->c + i, k, -__builtin_inff()), ninf);
        const vm raise_b = vf_gt(b, a);
        const vf mab = vf_select(raise_b, b, a);
        const vm is_c = vf_gt(c, mab), is_b = vm_andnot(raise_b, is_c);
        const vm is_a = vm_not(vm_or(raise_b, is_c));
        const vf m = vf_select(is_c, c, mab);
        const vm none = vf_eq(m, ninf);
        const vf m0 = vf_select(none, zero, m);
        /* exp(m - m0) */
        const vf e_max = vf_select(none, zero, vf_select(vf_isnan(vf_sub(m, m)), nan, one));
        const vf e1 = vf_exp(vf_sub(vf_select(is_a, b, a), m0)); /* a, or b when a is the max */
        const vf e2 = vf_exp(vf_sub(vf_select(is_c, b, c), m0)); /* c, or b when c is the max */
        const vf ea = vf_select(is_a, e_max, e1);
        const vf eb = vf_select(is_b, e_max, vf_select(is_a, e1, e2));
        const vf ec = vf_select(is_c, e_max, e2);
        const vf r = vf_add(vf_add(vf_log(vf_add(vf_add(ea, eb), ec)), m0),
                            vf_load_part(v->emit + i, k, 0.0f));
        vf_store_part(v->out + i, r, k);
    })
}

/* out = exp(a - b) */
static void k_ctc_expdiff(sl_args *args)
{
    const sl_ctc_vec *v = args->params;
    SL_CTC_LOOP(args->n, {
        const vf d = vf_sub(vf_load_part(v->a + i, k, 0.0f), vf_load_part(v->b + i, k, 0.0f));
        vf_store_part(v->out + i, vf_exp(d), k);
    })
}

/* out = log(a) + b */
static void k_ctc_logadd(sl_args *args)
{
    const sl_ctc_vec *v = args->params;
    SL_CTC_LOOP(args->n, {
        const vf r =
            vf_add(vf_log(vf_load_part(v->a + i, k, 1.0f)), vf_load_part(v->b + i, k, 0.0f));
        vf_store_part(v->out + i, r, k);
    })
}

/* PyTorch's gradient of one (time, sample) row: out = (exp(lp) -
 * exp((a + nll) - lp)) * scale, a = log of the summed alpha * beta of the
 * class (-inf for a class of no state). Canonical NaNs: it is an output. */
static void k_ctc_grad(sl_args *args)
{
    const sl_ctc_vec *v = args->params;
    const vf nll = vf_set1(v->nll), scale = vf_set1(v->scale);
    SL_CTC_LOOP(args->n, {
        const vf lp = vf_load_part(v->lp + i, k, 0.0f), a = vf_load_part(v->a + i, k, 0.0f);
        const vf g = vf_mul(vf_sub(vf_exp(lp), vf_exp(vf_sub(vf_add(a, nll), lp))), scale);
        vf_store_part(v->out + i, sl_canon(g), k);
    })
}
#undef SL_CTC_LOOP
