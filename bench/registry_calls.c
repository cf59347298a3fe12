/*
 * The benchmark's cases from the registry (src/losses.def), as the tests
 * build their adapters: one sl_elem_info / sl_class_info per loss and one
 * call of its public function from generic arrays, with the registry's
 * default parameters. See registry_calls.h.
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

/* ---- class-dimension losses ---- */
static const sl_class_info br_class_infos[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = SL_CLASS_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_CLASS
};

int bench_nclass(void) { return SL_R_NCLASS; }

const sl_class_info *bench_class(int k)
{
    return k >= 0 && k < SL_R_NCLASS ? &br_class_infos[k] : NULL;
}

/* arguments between the shape and reduction, with the registry's defaults */
#define BR_CA_X(nm, gr, type, dom) , (const type *)x
#define BR_CA_TIDX(nm) , ti
#define BR_CA_TFLT(nm, dist) , tf
#define BR_CA_TLAB(nm) , ti
#define BR_CA_W(nm) , (const float *)NULL
#define BR_CA_ALPHA(nm, len, def) , &br_alpha_##nm, (size_t)1
#define BR_CA_IGN(nm) , (int64_t)-100
#define BR_CA_PF(k, nm, def, range) , (def)
#define BR_CA_PI(k, nm, def, rule) , (def)
#define BR_CA(kind, ...) BR_CA_##kind(__VA_ARGS__)
#define BR_CG_X(nm, gr, type, dom) , (type *)grad
#define BR_CG_TIDX(...)
#define BR_CG_TFLT(...)
#define BR_CG_TLAB(...)
#define BR_CG_W(...)
#define BR_CG_ALPHA(...)
#define BR_CG_IGN(...)
#define BR_CG_PF(...)
#define BR_CG_PI(...)
#define BR_CG(kind, ...) BR_CG_##kind(__VA_ARGS__)
/* an alpha argument's default value, one per alpha-taking loss */
#define BR_AL_X(...)
#define BR_AL_TIDX(...)
#define BR_AL_TFLT(...)
#define BR_AL_TLAB(...)
#define BR_AL_W(...)
#define BR_AL_ALPHA(nm, len, def) static const float br_alpha_##nm = def;
#define BR_AL_IGN(...)
#define BR_AL_PF(...)
#define BR_AL_PI(...)
#define BR_AL(kind, ...) BR_AL_##kind(__VA_ARGS__)
#define BR_INNER_INNER , inner
#define BR_INNER_ROWS

#define SL_CLASS(name, shape, ...)                                                                 \
    static int br_class_##name(size_t batch, size_t classes, size_t inner, const void *x,          \
                               const int64_t *ti, const float *tf, simdloss_reduction red,         \
                               float *loss, void *grad)                                            \
    {                                                                                              \
        SL_CARGS_##name(BR_AL)(void) inner, (void)ti, (void)tf;                                    \
        return simdloss_##name(batch, classes BR_INNER_##shape SL_CARGS_##name(BR_CA), red,        \
                               loss SL_CARGS_##name(BR_CG));                                       \
    }
#include "losses.def"
#undef SL_CLASS

typedef int (*br_class_fn)(size_t, size_t, size_t, const void *, const int64_t *, const float *,
                           simdloss_reduction, float *, void *);
static const br_class_fn br_class_calls[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = br_class_##name,
#include "losses.def"
#undef SL_CLASS
};

int bench_class_call(int k, size_t batch, size_t classes, size_t inner, const void *x,
                     const int64_t *ti, const float *tf, simdloss_reduction red, float *loss,
                     void *grad)
{
    if (k < 0 || k >= SL_R_NCLASS) return SIMDLOSS_EINVAL;
    return br_class_calls[k](batch, classes, inner, x, ti, tf, red, loss, grad);
}
