/* SPDX-License-Identifier: Apache-2.0 */
/* Every elementwise loss of the registry behind one signature; see calls.h. */
#include "calls.h"

#include <string.h>

#define TL_A_IN(k, nm, gr, dom) , a->in[k]
#define TL_A_TGT(k, nm, dom) , a->tgt[k]
#define TL_A_CYC(k, nm, len, dom) , a->cyc[k], a->cyc_len[k]
#define TL_A_CYCG(k, nm, len, gr, dom) , a->cyc[k], a->cyc_len[k]
#define TL_A_PF(k, nm, def, range) , a->pf[k]
#define TL_A_PI(k, nm, def, rule) , a->pi[k]
#define TL_A(kind, ...) TL_A_##kind(__VA_ARGS__)
#define TL_G_IN(k, nm, gr, dom) , a->grad[k]
#define TL_G_TGT(...)
#define TL_G_CYC(...)
#define TL_G_CYCG(k, nm, len, gr, dom) , a->grad_cyc
#define TL_G_PF(...)
#define TL_G_PI(...)
#define TL_G(kind, ...) TL_G_##kind(__VA_ARGS__)
#define SL_ELEMENTWISE(name, ...)                                                                  \
    static int tl_call_##name(const tl_args *a)                                                    \
    {                                                                                              \
        return simdloss_##name##_f32(a->n SL_ARGS_##name(TL_A), a->red,                            \
                                     a->loss SL_ARGS_##name(TL_G));                                \
    }
#include "losses.def"
#undef SL_ELEMENTWISE

static const sl_elem_info tl_infos[SL_K_NELEM] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = SL_ELEM_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_ELEMENTWISE
};

const tl_loss tl_losses[SL_K_NELEM] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = {&tl_infos[SL_K_##name], tl_call_##name},
#include "losses.def"
#undef SL_ELEMENTWISE
};

tl_args tl_default_args(int k)
{
    tl_args a;
    memset(&a, 0, sizeof a);
    const sl_elem_info *L = tl_losses[k].info;
    for (int j = 0; j < L->npf; j++) a.pf[j] = L->pf[j].def;
    for (int j = 0; j < L->npi; j++) a.pi[j] = L->pi[j].def;
    a.red = SIMDLOSS_MEAN;
    return a;
}
