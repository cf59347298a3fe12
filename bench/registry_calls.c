/*
 * The benchmark's elementwise cases from the registry (src/losses.def), as
 * tests/harness.c builds its adapters: one sl_elem_info per loss
 * (SL_ELEM_INFO) and one call of simdloss_<name>_f32 per loss from generic
 * arrays, with the registry's default parameters. See registry_calls.h.
 */
#include "registry_calls.h"

static const sl_elem_info br_infos[SL_K_NELEM] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = SL_ELEM_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_ELEMENTWISE
};

int bench_nelem(void) { return SL_K_NELEM; }

const sl_elem_info *bench_elem(int k) { return k >= 0 && k < SL_K_NELEM ? &br_infos[k] : NULL; }

/* arguments between n and reduction: inputs, targets, cyclic arrays (CYC
 * absent, CYCG n values), default parameters */
#define BR_A_IN(k, nm, gr, dom) , in[k]
#define BR_A_TGT(k, nm, dom) , tgt[k]
#define BR_A_CYC(k, nm, len, dom) , (const float *)NULL, (size_t)0
#define BR_A_CYCG(k, nm, len, gr, dom) , cyc[k], n
#define BR_A_PF(k, nm, def, range) , (def)
#define BR_A_PI(k, nm, def, rule) , (def)
#define BR_A(kind, ...) BR_A_##kind(__VA_ARGS__)
/* the gradient outputs after loss: one per input, NULL for a CYCG array */
#define BR_G_IN(k, nm, gr, dom) , (grad ? grad[k] : (float *)NULL)
#define BR_G_TGT(...)
#define BR_G_CYC(...)
#define BR_G_CYCG(k, nm, len, gr, dom) , (float *)NULL
#define BR_G_PF(...)
#define BR_G_PI(...)
#define BR_G(kind, ...) BR_G_##kind(__VA_ARGS__)

int bench_call(int k, size_t n, const float *const *in, const float *const *tgt,
               const float *const *cyc, simdloss_reduction red, float *loss, float *const *grad)
{
    (void)in, (void)tgt, (void)cyc; /* whatever no loss of the registry reads */
    switch (k) {
#define SL_ELEMENTWISE(name, ...)                                                                  \
    case SL_K_##name:                                                                              \
        return simdloss_##name##_f32(n SL_ARGS_##name(BR_A), red, loss SL_ARGS_##name(BR_G));
#include "losses.def"
#undef SL_ELEMENTWISE
    default: return SIMDLOSS_EINVAL;
    }
}
