/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every class-dimension function of the registry behind one signature
 * (cr_call), with the registry's description of it (cr_infos) and its
 * default arguments (its reference, cr_eval, is in specs.c with the kernel
 * headers' test sections). No list here names a loss: a new SL_CLASS entry
 * is picked up by every class test, the fuzz target and the benchmark.
 */
#include <string.h>

#include "class_spec.h"

const sl_class_info cr_infos[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = SL_CLASS_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_CLASS
};

/* The arguments of an SL_CARGS entry, in the public function's order. */
#define CR_ARG_X(nm, gr, type, dom) , (const type *)x
#define CR_ARG_TIDX(nm) , ti
#define CR_ARG_TFLT(nm, dist) , tf
#define CR_ARG_TLAB(nm) , ti
#define CR_ARG_W(nm) , p->weight
#define CR_ARG_ALPHA(nm, len, def) , p->alpha, p->alpha_len
#define CR_ARG_IGN(nm) , p->ignore_index
#define CR_ARG_PF(k, nm, def, range) , p->pf[k]
#define CR_ARG_PI(k, nm, def, rule) , p->pi[k]
#define CR_ARG(kind, ...) CR_ARG_##kind(__VA_ARGS__)
#define CR_GRAD_X(nm, gr, type, dom) , (type *)grad
#define CR_GRAD_TIDX(...)
#define CR_GRAD_TFLT(...)
#define CR_GRAD_TLAB(...)
#define CR_GRAD_W(...)
#define CR_GRAD_ALPHA(...)
#define CR_GRAD_IGN(...)
#define CR_GRAD_PF(...)
#define CR_GRAD_PI(...)
#define CR_GRAD(kind, ...) CR_GRAD_##kind(__VA_ARGS__)
#define CR_INNER_INNER , inner
#define CR_INNER_ROWS

#define SL_CLASS(name, shape, ...)                                                                 \
    static int cr_call_##name(size_t batch, size_t classes, size_t inner, const void *x,           \
                              const int64_t *ti, const float *tf, const cr_params *p,              \
                              simdloss_reduction red, float *loss, void *grad)                     \
    {                                                                                              \
        (void)inner, (void)ti, (void)tf, (void)p;                                                  \
        return simdloss_##name(batch, classes CR_INNER_##shape SL_CARGS_##name(CR_ARG), red,       \
                               loss SL_CARGS_##name(CR_GRAD));                                     \
    }
#include "losses.def"
#undef SL_CLASS

typedef int (*cr_call_fn)(size_t, size_t, size_t, const void *, const int64_t *, const float *,
                          const cr_params *, simdloss_reduction, float *, void *);
static const cr_call_fn cr_calls[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = cr_call_##name,
#include "losses.def"
#undef SL_CLASS
};

int cr_call(int kind, size_t batch, size_t classes, size_t inner, const void *x, const int64_t *ti,
            const float *tf, const cr_params *p, simdloss_reduction red, float *loss, void *grad)
{
    if (kind < 0 || kind >= SL_R_NCLASS) return -1;
    return cr_calls[kind](batch, classes, inner, x, ti, tf, p, red, loss, grad);
}

/* alpha's default of every loss (one value), in static storage */
static float cr_alpha_defaults[SL_R_NCLASS];

cr_params cr_default_params(int kind)
{
    const sl_class_info *L = &cr_infos[kind];
    cr_params p;
    memset(&p, 0, sizeof p);
    p.ignore_index = -100;
    cr_alpha_defaults[kind] = L->alpha ? L->alpha_def : 1.0f;
    p.alpha = &cr_alpha_defaults[kind];
    p.alpha_len = 1;
    for (int j = 0; j < L->npf; j++) p.pf[j] = L->pf[j].def;
    for (int j = 0; j < L->npi; j++) p.pi[j] = L->pi[j].def;
    return p;
}

cr_params cr_params_of(int kind, const float *weight, int64_t ignore_index, const float *alpha,
                       size_t alpha_len, const float *pf, const int *pi)
{
    cr_params p = cr_default_params(kind);
    p.weight = weight;
    p.ignore_index = ignore_index;
    if (alpha) p.alpha = alpha, p.alpha_len = alpha_len;
    memcpy(p.pf, pf, sizeof p.pf);
    memcpy(p.pi, pi, sizeof p.pi);
    return p;
}

cr_params cr_branch_params(int kind, const cs_branch *b, size_t classes, float *w, float *alpha)
{
    const int has_alpha = cr_infos[kind].alpha != NULL;
    if (has_alpha && !b->alpha_per_class) alpha[0] = b->alpha;
    return cr_params_of(kind, b->weight ? w : NULL, b->ignore_index, has_alpha ? alpha : NULL,
                        b->alpha_per_class ? classes : 1, b->pf, b->pi);
}

int cr_pf_index(int kind, const char *name)
{
    for (int j = 0; j < cr_infos[kind].npf; j++)
        if (strcmp(cr_infos[kind].pf[j].name, name) == 0) return j;
    return -1;
}

int cr_pi_index(int kind, const char *name)
{
    for (int j = 0; j < cr_infos[kind].npi; j++)
        if (strcmp(cr_infos[kind].pi[j].name, name) == 0) return j;
    return -1;
}

uint16_t cr_bf16_round(float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    if (isnan(v)) return 0x7FC0;
    u += 0x7FFFu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

float cr_bf16_widen(uint16_t b)
{
    const uint32_t u = (uint32_t)b << 16;
    float v;
    memcpy(&v, &u, 4);
    return v;
}
