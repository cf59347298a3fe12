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
 * larger (a NaN never raises it), 0 when it is -inf. */
static void k_ctc_step(sl_args *args)
{
    const sl_ctc_vec *v = args->params;
    const vf ninf = vf_set1(-__builtin_inff()), zero = vf_set1(0.0f);
    SL_CTC_LOOP(args->n, {
        const vf a = vf_load_part(v->a + i, k, -__builtin_inff()),
                 b = vf_load_part(v->b + i, k, -__builtin_inff());
        const vf allow = vf_load_part(v->allow + i, k, 0.0f);
        const vf c =
            vf_select(vf_ne(allow, zero), vf_load_part(v->c + i, k, -__builtin_inff()), ninf);
        vf m = vf_select(vf_gt(b, a), b, a);
        m = vf_select(vf_gt(c, m), c, m);
        m = vf_select(vf_eq(m, ninf), zero, m);
        const vf s =
            vf_add(vf_add(vf_exp(vf_sub(a, m)), vf_exp(vf_sub(b, m))), vf_exp(vf_sub(c, m)));
        const vf r = vf_add(vf_add(vf_log(s), m), vf_load_part(v->emit + i, k, 0.0f));
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
