/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The benchmark's cases from the registry (src/losses.def), as the tests
 * build their adapters: one sl_elem_info / sl_class_info per loss and one
 * call of its public function from generic arrays, with the registry's
 * default parameters. See registry_calls.h.
 */
#include "registry_calls.h"

#include "calls.h"
#include "class_spec.h"

int bench_nelem(void) { return SL_K_NELEM; }

const sl_elem_info *bench_elem(int k)
{
    return k >= 0 && k < SL_K_NELEM ? tl_losses[k].info : NULL;
}

int bench_call(int k, size_t n, const float *const *in, const float *const *tgt,
               const float *const *cyc, simdloss_reduction red, float *loss, float *const *grad)
{
    if (k < 0 || k >= SL_K_NELEM) return SIMDLOSS_EINVAL;
    const sl_elem_info *L = tl_losses[k].info;
    tl_args a = tl_default_args(k);
    a.n = n;
    a.red = red;
    a.loss = loss;
    for (int j = 0; j < L->nin; j++) {
        a.in[j] = in[j];
        a.grad[j] = grad ? grad[j] : NULL;
    }
    for (int j = 0; j < L->ntgt; j++) a.tgt[j] = tgt[j];
    for (int j = 0; j < L->ncyc; j++) /* a required one (with a gradient): n values */
        if (L->cyc[j].grad) a.cyc[j] = cyc[j], a.cyc_len[j] = n;
    return tl_losses[k].call(&a);
}

int bench_nclass(void) { return SL_R_NCLASS; }

const sl_class_info *bench_class(int k) { return k >= 0 && k < SL_R_NCLASS ? &cr_infos[k] : NULL; }

int bench_class_call(int k, size_t batch, size_t classes, size_t inner, const void *x,
                     const int64_t *ti, const float *tf, const float *const *x2,
                     simdloss_reduction red, float *loss, void *grad, float *const *g2)
{
    if (k < 0 || k >= SL_R_NCLASS) return SIMDLOSS_EINVAL;
    cr_params p = cr_default_params(k);
    for (int j = 0; j < 2; j++)
        if (cr_infos[k].x2[j]) {
            p.x2[j] = x2 ? x2[j] : NULL;
            p.g2[j] = g2 ? g2[j] : NULL;
        }
    return cr_call(k, batch, classes, inner, x, ti, tf, &p, red, loss, grad);
}
