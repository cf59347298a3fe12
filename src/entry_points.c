/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public entry points, one per registry entry (src/losses.def), with the
 * parameter names and order of include/simdloss.h: the compiler checks that
 * the two agree.
 */
#include "class_call.h"
#include "elementwise.h"

/* the parameter list between n and reduction, and the gradient outputs */
#define SL_EP_P_IN(k, nm, gr, dom) , const float *nm
#define SL_EP_P_TGT(k, nm, dom) , const float *nm
#define SL_EP_P_CYC(k, nm, len, dom) , const float *nm, size_t len
#define SL_EP_P_CYCG(k, nm, len, gr, dom) , const float *nm, size_t len
#define SL_EP_P_PF(k, nm, def, range) , float nm
#define SL_EP_P_PI(k, nm, def, rule) , int nm
#define SL_EP_P(kind, ...) SL_EP_P_##kind(__VA_ARGS__)
#define SL_EP_G_IN(k, nm, gr, dom) , float *gr
#define SL_EP_G_TGT(...)
#define SL_EP_G_CYC(...)
#define SL_EP_G_CYCG(k, nm, len, gr, dom) , float *gr
#define SL_EP_G_PF(...)
#define SL_EP_G_PI(...)
#define SL_EP_G(kind, ...) SL_EP_G_##kind(__VA_ARGS__)
/* the arguments into the call and the loss's parameter struct */
#define SL_EP_Q_IN(k, nm, gr, dom) q.in[k] = nm, q.grad[k] = gr;
#define SL_EP_Q_TGT(k, nm, dom) q.tgt[k] = nm;
#define SL_EP_Q_CYC(k, nm, len, dom) q.cyc[k] = nm, q.cyc_len[k] = len;
#define SL_EP_Q_CYCG(k, nm, len, gr, dom) q.cyc[k] = nm, q.cyc_len[k] = len, q.grad_cyc = gr;
#define SL_EP_Q_PF(k, nm, def, range) q.pf[k] = args.nm = nm;
#define SL_EP_Q_PI(k, nm, def, rule) q.pi[k] = args.nm = nm;
#define SL_EP_Q(kind, ...) SL_EP_Q_##kind(__VA_ARGS__)

#define SL_ELEMENTWISE(name, sleef, hot, gradmul, flags_, domain, prescan, ref)                    \
    SIMDLOSS_API int simdloss_##name##_f32(size_t n SL_ARGS_##name(SL_EP_P),                       \
                                           simdloss_reduction reduction,                           \
                                           float *loss SL_ARGS_##name(SL_EP_G))                    \
    {                                                                                              \
        sl_elem_call q = {0};                                                                      \
        sl_##name##_args args;                                                                     \
        q.n = n;                                                                                   \
        q.red = reduction;                                                                         \
        q.loss = loss;                                                                             \
        SL_ARGS_##name(SL_EP_Q) args.flags = q.flags = (flags_);                                   \
        q.params = &args;                                                                          \
        return sl_elementwise(SL_K_##name, &q);                                                    \
    }
#include "losses.def"
#undef SL_ELEMENTWISE

/* ---- class-dimension losses ---- */
#define SL_CP_X(nm, gr, type, dom) , const type *nm
#define SL_CP_TIDX(nm) , const int64_t *nm
#define SL_CP_TFLT(nm, dist) , const float *nm
#define SL_CP_TLAB(nm) , const int64_t *nm
#define SL_CP_TROW(nm, dist) , const float *nm
#define SL_CP_TNONE(nm)
#define SL_CP_X2(k, nm, gr) , const float *nm
#define SL_CP_RLAB(nm) , const int64_t *nm
#define SL_CP_W(nm) , const float *nm
#define SL_CP_ALPHA(nm, len, def) , const float *nm, size_t len
#define SL_CP_IGN(nm) , int64_t nm
#define SL_CP_PF(k, nm, def, range) , float nm
#define SL_CP_PI(k, nm, def, rule) , int nm
#define SL_CP(kind, ...) SL_CP_##kind(__VA_ARGS__)
#define SL_CG_X(nm, gr, type, dom) , type *gr
#define SL_CG_TIDX(...)
#define SL_CG_TFLT(...)
#define SL_CG_TLAB(...)
#define SL_CG_TROW(...)
#define SL_CG_TNONE(...)
#define SL_CG_X2(k, nm, gr) , float *gr
#define SL_CG_RLAB(...)
#define SL_CG_W(...)
#define SL_CG_ALPHA(...)
#define SL_CG_IGN(...)
#define SL_CG_PF(...)
#define SL_CG_PI(...)
#define SL_CG(kind, ...) SL_CG_##kind(__VA_ARGS__)
#define SL_CQ_X(nm, gr, type, dom) q.x = nm, q.grad = gr;
#define SL_CQ_TIDX(nm) q.ti = nm;
#define SL_CQ_TFLT(nm, dist) q.tf = nm;
#define SL_CQ_TLAB(nm) q.tl = nm;
#define SL_CQ_TROW(nm, dist) q.tf = nm;
#define SL_CQ_TNONE(nm)
#define SL_CQ_X2(k, nm, gr) q.x2[k] = nm, q.g2[k] = gr;
#define SL_CQ_RLAB(nm) q.rl = nm;
#define SL_CQ_W(nm) q.w = nm;
#define SL_CQ_ALPHA(nm, len, def) q.alpha = nm, q.alpha_len = len;
#define SL_CQ_IGN(nm) q.ignore = nm;
#define SL_CQ_PF(k, nm, def, range) q.pf[k] = nm;
#define SL_CQ_PI(k, nm, def, rule) q.pi[k] = nm;
#define SL_CQ(kind, ...) SL_CQ_##kind(__VA_ARGS__)
#define SL_INNER_PARAM_INNER , size_t inner
#define SL_INNER_PARAM_ROWS
#define SL_INNER_VALUE_INNER inner
#define SL_INNER_VALUE_ROWS 1

#define SL_CLASS(name, shape, ...)                                                                 \
    SIMDLOSS_API int simdloss_##name(                                                              \
        size_t batch, size_t classes SL_INNER_PARAM_##shape SL_CARGS_##name(SL_CP),                \
        simdloss_reduction reduction, float *loss SL_CARGS_##name(SL_CG))                          \
    {                                                                                              \
        sl_class_call q = {0};                                                                     \
        q.batch = batch;                                                                           \
        q.classes = classes;                                                                       \
        q.inner = SL_INNER_VALUE_##shape;                                                          \
        q.red = reduction;                                                                         \
        q.loss = loss;                                                                             \
        SL_CARGS_##name(SL_CQ) return sl_class(SL_R_##name, &q);                                   \
    }
#include "losses.def"
#undef SL_CLASS
