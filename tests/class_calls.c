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
#define CR_ARG_TROW(nm, dist) , tf
#define CR_ARG_TNONE(nm)
#define CR_ARG_X2(k, nm, gr) , p->x2[k]
#define CR_ARG_RLAB(nm) , ti
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
#define CR_GRAD_TROW(...)
#define CR_GRAD_TNONE(...)
#define CR_GRAD_X2(k, nm, gr) , p->g2[k]
#define CR_GRAD_RLAB(...)
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

/* alpha's default of every loss (one value), in storage of the calling
 * thread's (tests call from several at once) */
static _Thread_local float cr_alpha_defaults[SL_R_NCLASS];

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

static void cr_set_pf(int kind, cr_params *p, const char *name, float v)
{
    const int j = cr_pf_index(kind, name);
    if (j >= 0) p->pf[j] = v;
}

void cr_make_inputs(int kind, size_t B, size_t C, size_t in, int set, uint64_t seed, float *x,
                    uint16_t *xb, float *tf, int64_t *ti, float *w)
{
    const sl_class_info *I = &cr_infos[kind];
    const size_t n = B * C * in;
    const int probs = I->x_dom == SL_D_PROB;
    const int multihot = I->target == SL_T_FLOAT && I->tgt_dist == SL_TD_MULTIHOT;
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        x[i] = probs ? (float)ts_unit(&s) : (float)(ts_N(&s) * (set == 2 ? 30 : 2));
        tf[i] = multihot ? (float)(ts_unit(&s) < 0.3) : (float)ts_unit(&s);
        if (set == 1 && i % 97 == 5) x[i] = NAN;
        if (set == 1 && i % 89 == 7) x[i] = probs ? 0.0f : (i % 2 ? INFINITY : -INFINITY);
        memcpy(&xb[i], (const char *)&x[i] + 2, 2); /* little-endian: the top half */
    }
    for (size_t c = 0; c < C; c++) w[c] = (float)(0.25 + ts_unit(&s));
    if (I->target == SL_T_LABELS) {
        for (size_t b = 0; b < B; b++) {
            const size_t k = (size_t)(ts_unit(&s) * (double)(C + 1));
            for (size_t c = 0; c < C; c++)
                ti[b * C + c] = c < k ? (int64_t)(ts_unit(&s) * (double)C) : -1;
        }
    } else {
        for (size_t i = 0; i < B * in; i++)
            ti[i] = set == 1 && i % 5 == 3 ? -100 : (int64_t)(ts_unit(&s) * (double)C);
    }
}

cr_params cr_set_params(int kind, int set, size_t C, float *w)
{
    cr_params p = cr_default_params(kind);
    if (set >= 1) {
        p.weight = w;
        cr_set_pf(kind, &p, "label_smoothing", set == 1 ? 0.1f : 1.0f);
        const int j = cr_pi_index(kind, "p");
        if (j >= 0) p.pi[j] = 2;
    }
    if (set == 2) {
        p.ignore_index = 0, p.alpha = w, p.alpha_len = C;
        cr_set_pf(kind, &p, "margin", 0.5f);
        cr_set_pf(kind, &p, "gamma", 0.0f);
    }
    return p;
}
