/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the registry (src/losses.def): the vocabulary of its columns and
 * the macros that turn its entries into types, tables and code. Nothing here
 * names a loss. Included by the library, the tests, the fuzzer and the
 * benchmark (C and C++).
 *
 * For each elementwise loss <name> this header declares
 *   sl_<name>_args   its parameters by name (float / int) and its flags: what
 *                    the entry point hands the kernel
 *   SL_<name>_NIN, _NTGT, _NCYC, _NCG, _NPF, _NPI
 *                    how many inputs, targets, cyclic arrays, cyclic
 *                    gradients, float and int parameters it has
 * and the registry's columns become one sl_elem_info per loss (SL_ELEM_INFO).
 */
#ifndef SL_REGISTRY_H
#define SL_REGISTRY_H

#include <stddef.h>

/* ---- what an array holds (benchmark and fuzz data) ----------------------------------------- */
enum {
    SL_D_REAL,     /* [-4, 4] */
    SL_D_PROB,     /* (0, 1) */
    SL_D_LOGIT,    /* [-8, 8] */
    SL_D_LABEL01,  /* {0, 1} */
    SL_D_SOFT01,   /* mostly {0, 1}, some soft labels in (0, 1) */
    SL_D_PM1,      /* {-1, 1} */
    SL_D_LOGPROB,  /* log of (0, 1) */
    SL_D_COUNT,    /* {0, ..., 7} */
    SL_D_POSITIVE, /* (0.01, 4] */
    SL_D_AWAY0,    /* +-[0.5, 2] */
    SL_D_VAR,      /* (0.05, 2] */
    SL_D_COUNT_OF_DOMAINS
};

/* ---- parameter rules ------------------------------------------------------------------------ */
/* A float parameter's valid values: [lo, hi] with open ends where lo_open /
 * hi_open, plus the single value `alt` when has_alt. NaN is never valid;
 * infinities are valid where an end is infinite and closed. */
typedef struct {
    float lo, hi;
    int lo_open, hi_open;
    int has_alt;
    float alt;
} sl_range;

/* written as tuples, which stay one macro argument; SL_RANGE_INIT makes
 * the initialiser (SL_INF: without <math.h>, whose names clash with some
 * includers') */
#define SL_INF __builtin_inff()
#define SL_R_ANY (-SL_INF, SL_INF, 0, 0, 0, 0.0f)
#define SL_R_GT(v) ((v), SL_INF, 1, 0, 0, 0.0f)
#define SL_R_GE(v) ((v), SL_INF, 0, 0, 0, 0.0f)
#define SL_R_GT_FINITE(v) ((v), SL_INF, 1, 1, 0, 0.0f)
#define SL_R_LE(v) (-SL_INF, (v), 0, 0, 0, 0.0f)
#define SL_R_CLOSED(lo, hi) ((lo), (hi), 0, 0, 0, 0.0f)
/* [lo, +inf] or exactly `alt` */
#define SL_R_GE_OR(lo, alt) ((lo), SL_INF, 0, 0, 1, (alt))
#define SL_RANGE_INIT_(lo, hi, lo_open, hi_open, has_alt, alt)                                     \
    {                                                                                              \
        lo, hi, lo_open, hi_open, has_alt, alt                                                     \
    }
#define SL_RANGE_INIT(t) SL_RANGE_INIT_ t

/* An int parameter's valid values. */
enum {
    SL_I_BOOL,   /* any value; nonzero is true */
    SL_I_ONE_TWO /* 1 or 2 */
};

/* ---- whole-array passes before the kernel --------------------------------------------------- */
enum {
    SL_PRE_NONE,
    SL_PRE_BINARY_TARGET, /* every target 0 or 1: flags |= SL_F_CONVERT */
    SL_PRE_NONNEG_CYC     /* a negative value in cyclic array 0: SIMDLOSS_EINVAL */
};

/* ---- kernel flag bits (sl_<name>_args.flags); each loss's header says which it reads -------- */
enum {
    SL_F_LOG_TARGET = 1 << 0,
    SL_F_LOG_INPUT = 1 << 1,
    SL_F_FULL = 1 << 2,
    SL_F_POS_WEIGHT = 1 << 3,
    SL_F_ALPHA = 1 << 4,   /* alpha weighting on */
    SL_F_SMOOTH = 1 << 5,  /* label smoothing on */
    SL_F_CONVERT = 1 << 6, /* labels {0,1} -> {-1,1} */
    SL_F_POW_SHIFT = 8     /* bits 8..11: how to raise to gamma (SL_POW_*) */
};
/* gamma 0, 1, 2, 3 are exact products (as torch's pow with those exponents). */
enum { SL_POW_0 = 0, SL_POW_1 = 1, SL_POW_2 = 2, SL_POW_3 = 3, SL_POW_GEN = 4 };
#define SL_POW(k) ((k) << SL_F_POW_SHIFT)
/* The SL_POW_* kind of an exponent, in flag position. */
static inline int sl_pow_flags(float gamma)
{
    int kind = SL_POW_GEN;
    if (gamma == 0.0f) kind = SL_POW_0;
    if (gamma == 1.0f) kind = SL_POW_1;
    if (gamma == 2.0f) kind = SL_POW_2;
    if (gamma == 3.0f) kind = SL_POW_3;
    return SL_POW(kind);
}

/* ---- limits -----------------------------------------------------------------------------------
 */
#define SL_MAX_IN 3  /* differentiable inputs */
#define SL_MAX_TGT 2 /* targets */
#define SL_MAX_CYC 2 /* cyclic arrays */
#define SL_MAX_PF 4  /* float parameters */
#define SL_MAX_PI 4  /* int parameters */

/* ---- tuple columns ----------------------------------------------------------------------------
 */
#define SL_TUPLE_1ST_(a, ...) a
#define SL_TUPLE_2ND_(a, b, ...) b
#define SL_1ST(t) SL_TUPLE_1ST_ t
#define SL_2ND(t) SL_TUPLE_2ND_ t
#define SL_SLEEF_SUM_(lg, ex, l1p, em1, pw) ((lg) + (ex) + (l1p) + (em1) + (pw))
#define SL_SLEEF_ANY(t) (SL_SLEEF_SUM_ t > 0)
#define SL_SLEEF_INIT_(lg, ex, l1p, em1, pw)                                                       \
    {                                                                                              \
        lg, ex, l1p, em1, pw                                                                       \
    }
#define SL_SLEEF_INIT(t) SL_SLEEF_INIT_ t

/* ---- dispatching on an argument's kind --------------------------------------------------------
 */
/* SL_ARGS_<name>(M) calls M(kind, k, ...); SL_KIND(P) makes such an M from
 * the family of macros P##IN, P##TGT, P##CYC, P##CYCG, P##PF, P##PI. */
#define SL_CAT_(a, b) a##b
#define SL_CAT(a, b) SL_CAT_(a, b)

/* counts */
#define SL_CNT_IN_IN(...) +1
#define SL_CNT_IN_TGT(...)
#define SL_CNT_IN_CYC(...)
#define SL_CNT_IN_CYCG(...)
#define SL_CNT_IN_PF(...)
#define SL_CNT_IN_PI(...)
#define SL_CNT_IN(kind, ...) SL_CNT_IN_##kind(__VA_ARGS__)
#define SL_CNT_TGT_IN(...)
#define SL_CNT_TGT_TGT(...) +1
#define SL_CNT_TGT_CYC(...)
#define SL_CNT_TGT_CYCG(...)
#define SL_CNT_TGT_PF(...)
#define SL_CNT_TGT_PI(...)
#define SL_CNT_TGT(kind, ...) SL_CNT_TGT_##kind(__VA_ARGS__)
#define SL_CNT_CYC_IN(...)
#define SL_CNT_CYC_TGT(...)
#define SL_CNT_CYC_CYC(...) +1
#define SL_CNT_CYC_CYCG(...) +1
#define SL_CNT_CYC_PF(...)
#define SL_CNT_CYC_PI(...)
#define SL_CNT_CYC(kind, ...) SL_CNT_CYC_##kind(__VA_ARGS__)
#define SL_CNT_CG_IN(...)
#define SL_CNT_CG_TGT(...)
#define SL_CNT_CG_CYC(...)
#define SL_CNT_CG_CYCG(...) +1
#define SL_CNT_CG_PF(...)
#define SL_CNT_CG_PI(...)
#define SL_CNT_CG(kind, ...) SL_CNT_CG_##kind(__VA_ARGS__)
#define SL_CNT_PF_IN(...)
#define SL_CNT_PF_TGT(...)
#define SL_CNT_PF_CYC(...)
#define SL_CNT_PF_CYCG(...)
#define SL_CNT_PF_PF(...) +1
#define SL_CNT_PF_PI(...)
#define SL_CNT_PF(kind, ...) SL_CNT_PF_##kind(__VA_ARGS__)
#define SL_CNT_PI_IN(...)
#define SL_CNT_PI_TGT(...)
#define SL_CNT_PI_CYC(...)
#define SL_CNT_PI_CYCG(...)
#define SL_CNT_PI_PF(...)
#define SL_CNT_PI_PI(...) +1
#define SL_CNT_PI(kind, ...) SL_CNT_PI_##kind(__VA_ARGS__)

/* the scalar parameter struct: named float and int parameters */
#define SL_AF_IN(...)
#define SL_AF_TGT(...)
#define SL_AF_CYC(...)
#define SL_AF_CYCG(...)
#define SL_AF_PF(k, name, def, range) float name;
#define SL_AF_PI(k, name, def, rule) int name;
#define SL_AF(kind, ...) SL_AF_##kind(__VA_ARGS__)

/* ---- what the library knows of an elementwise loss ------------------------------------------- */
typedef struct {
    const char *name;
    float def;
    sl_range range;
} sl_pf_info;

typedef struct {
    const char *name;
    int def, rule;
} sl_pi_info;

typedef struct {
    const char *name, *len; /* array, length argument */
    const char *grad;       /* gradient output (CYCG), or NULL */
    int dom;
} sl_cyc_info;

typedef struct {
    const char *name; /* as in simdloss_<name>_f32 */
    const char *fn;   /* "simdloss_<name>_f32" */
    int nin, ntgt, ncyc, ncg, npf, npi;
    const char *in[SL_MAX_IN], *grad[SL_MAX_IN];
    int in_dom[SL_MAX_IN];
    const char *tgt[SL_MAX_TGT];
    int tgt_dom[SL_MAX_TGT];
    sl_cyc_info cyc[SL_MAX_CYC];
    sl_pf_info pf[SL_MAX_PF];
    sl_pi_info pi[SL_MAX_PI];
    int sleef[5]; /* SLEEF calls per element: log, exp, log1p, expm1, pow */
    int hot;
    double gradmul;
    int has_domain;
    const char *domain; /* EDOMAIN message after "input[i] = v " */
    int prescan;
    const char *ref_lib, *ref_fn;
} sl_elem_info;

/* designated initialisers of one sl_elem_info from its SL_ARGS */
#define SL_II_IN(k, nm, gr, dom) .in[k] = #nm, .grad[k] = #gr, .in_dom[k] = dom,
#define SL_II_TGT(k, nm, dom) .tgt[k] = #nm, .tgt_dom[k] = dom,
#define SL_II_CYC(k, nm, len, dom) .cyc[k] = {#nm, #len, NULL, dom},
#define SL_II_CYCG(k, nm, len, gr, dom) .cyc[k] = {#nm, #len, #gr, dom},
#define SL_II_PF(k, nm, def, range) .pf[k] = {#nm, def, SL_RANGE_INIT(range)},
#define SL_II_PI(k, nm, def, rule) .pi[k] = {#nm, def, rule},
#define SL_II(kind, ...) SL_II_##kind(__VA_ARGS__)

/* The sl_elem_info initialiser of an SL_ELEMENTWISE entry. */
#define SL_ELEM_INFO(name_, sleef_, hot_, gradmul_, flags_, domain_, prescan_, ref_)               \
    {                                                                                              \
#name_, "simdloss_" #name_ "_f32", SL_##name_##_NIN, SL_##name_##_NTGT, SL_##name_##_NCYC, \
            SL_##name_##_NCG, SL_##name_##_NPF, SL_##name_##_NPI,                                  \
            SL_ARGS_##name_(SL_II).sleef = SL_SLEEF_INIT(sleef_), .hot = hot_,                     \
            .gradmul = gradmul_, .has_domain = SL_1ST(domain_), .domain = SL_2ND(domain_),         \
            .prescan = prescan_, .ref_lib = SL_1ST(ref_), .ref_fn = SL_2ND(ref_)                   \
    }

/* ---- per-loss declarations --------------------------------------------------------------------
 */
#define SL_DECLARE_ELEMENTWISE(name, ...)                                                          \
    enum {                                                                                         \
        SL_##name##_NIN = 0 SL_ARGS_##name(SL_CNT_IN),                                             \
        SL_##name##_NTGT = 0 SL_ARGS_##name(SL_CNT_TGT),                                           \
        SL_##name##_NCYC = 0 SL_ARGS_##name(SL_CNT_CYC),                                           \
        SL_##name##_NCG = 0 SL_ARGS_##name(SL_CNT_CG),                                             \
        SL_##name##_NPF = 0 SL_ARGS_##name(SL_CNT_PF),                                             \
        SL_##name##_NPI = 0 SL_ARGS_##name(SL_CNT_PI)                                              \
    };                                                                                             \
    typedef struct {                                                                               \
        SL_ARGS_##name(SL_AF) int flags;                                                           \
    } sl_##name##_args;
#define SL_ELEMENTWISE SL_DECLARE_ELEMENTWISE
#include "losses.def"
#undef SL_ELEMENTWISE

/* ---- the class-dimension family ---------------------------------------------------------------
 */
/* what MEAN divides by: batch * inner; the sum of the targets' weights (NaN
 * when every position is ignored, as PyTorch); the number of positions not
 * ignored (0 when every one is: Keras' masked mean, Liger's) */
enum { SL_MEAN_POSITIONS, SL_MEAN_WEIGHTS, SL_MEAN_KEPT };
/* the kind of target: class indices, floats of the input's shape, label
 * rows, one float per row, none */
enum { SL_T_INDEX, SL_T_FLOAT, SL_T_LABELS, SL_T_ROW, SL_T_NONE };
/* what float targets hold (tests and benchmarks draw them so) */
enum {
    SL_TD_PROBS,    /* rows of probabilities */
    SL_TD_ONEHOT,   /* one-hot rows */
    SL_TD_MULTIHOT, /* rows of 0 and 1 (dice, tversky: masks) */
    SL_TD_REAL,     /* any real values (cosine_similarity) */
    SL_TD_LOGITS,   /* a teacher's logits (distillation) */
    SL_TD_LOGPROBS, /* a teacher's log-probabilities (distillation) */
    SL_TD_PM1       /* one per row, mostly +-1 (cosine_embedding) */
};

typedef struct {
    const char *name; /* as in simdloss_<name> */
    const char *fn;   /* "simdloss_<name>" */
    int inner;        /* takes `inner`; else rows of classes */
    int mean;         /* SL_MEAN_* */
    const char *x, *grad;
    const char *x2[2], *g2[2]; /* more inputs of the input's shape and their gradients */
    int bf16;                  /* input and gradient are bfloat16 (uint16_t) */
    int x_dom; /* the values the input holds (SL_D_*; not checked: tests and fuzzing) */
    int target;
    const char *tgt;
    int tgt_dist;                  /* SL_TD_* of float targets */
    const char *w;                 /* per-class weights, or NULL */
    const char *alpha, *alpha_len; /* required per-class factor, or NULL */
    float alpha_def;               /* its reference's default */
    const char *ignore;            /* ignore_index, or NULL */
    const char *rlab;              /* optional row labels (NULL: none), or NULL */
    int npf, npi;
    sl_pf_info pf[SL_MAX_PF];
    sl_pi_info pi[SL_MAX_PI];
    int sleef[5]; /* SLEEF calls per element: log, exp, log1p, expm1, pow */
    const char *ref_lib, *ref_fn;
} sl_class_info;

#define SL_BF16_float 0
#define SL_BF16_uint16_t 1
#define SL_CI_X(nm, gr, type, dom) .x = #nm, .grad = #gr, .bf16 = SL_BF16_##type, .x_dom = dom,
#define SL_CI_TIDX(nm) .target = SL_T_INDEX, .tgt = #nm,
#define SL_CI_TFLT(nm, dist) .target = SL_T_FLOAT, .tgt = #nm, .tgt_dist = dist,
#define SL_CI_TLAB(nm) .target = SL_T_LABELS, .tgt = #nm,
#define SL_CI_TROW(nm, dist) .target = SL_T_ROW, .tgt = #nm, .tgt_dist = dist,
#define SL_CI_TNONE(nm) .target = SL_T_NONE,
#define SL_CI_X2(k, nm, gr) .x2[k] = #nm, .g2[k] = #gr,
#define SL_CI_RLAB(nm) .rlab = #nm,
#define SL_CI_W(nm) .w = #nm,
#define SL_CI_ALPHA(nm, len, def) .alpha = #nm, .alpha_len = #len, .alpha_def = def,
#define SL_CI_IGN(nm) .ignore = #nm,
#define SL_CI_PF(k, nm, def, range) .pf[k] = {#nm, def, SL_RANGE_INIT(range)},
#define SL_CI_PI(k, nm, def, rule) .pi[k] = {#nm, def, rule},
#define SL_CI(kind, ...) SL_CI_##kind(__VA_ARGS__)
#define SL_SHAPE_INNER 1
#define SL_SHAPE_ROWS 0
/* parameter counts of a class loss (its other kinds count nothing) */
#define SL_CCNT_PF_X(...)
#define SL_CCNT_PF_TIDX(...)
#define SL_CCNT_PF_TFLT(...)
#define SL_CCNT_PF_TLAB(...)
#define SL_CCNT_PF_TROW(...)
#define SL_CCNT_PF_TNONE(...)
#define SL_CCNT_PF_X2(...)
#define SL_CCNT_PF_RLAB(...)
#define SL_CCNT_PF_W(...)
#define SL_CCNT_PF_ALPHA(...)
#define SL_CCNT_PF_IGN(...)
#define SL_CCNT_PF_PF(...) +1
#define SL_CCNT_PF_PI(...)
#define SL_CCNT_PF(kind, ...) SL_CCNT_PF_##kind(__VA_ARGS__)
#define SL_CCNT_PI_X(...)
#define SL_CCNT_PI_TIDX(...)
#define SL_CCNT_PI_TFLT(...)
#define SL_CCNT_PI_TLAB(...)
#define SL_CCNT_PI_TROW(...)
#define SL_CCNT_PI_TNONE(...)
#define SL_CCNT_PI_X2(...)
#define SL_CCNT_PI_RLAB(...)
#define SL_CCNT_PI_W(...)
#define SL_CCNT_PI_ALPHA(...)
#define SL_CCNT_PI_IGN(...)
#define SL_CCNT_PI_PF(...)
#define SL_CCNT_PI_PI(...) +1
#define SL_CCNT_PI(kind, ...) SL_CCNT_PI_##kind(__VA_ARGS__)
#define SL_DECLARE_CLASS(name, ...)                                                                \
    enum {                                                                                         \
        SL_##name##_NPF = 0 SL_CARGS_##name(SL_CCNT_PF),                                           \
        SL_##name##_NPI = 0 SL_CARGS_##name(SL_CCNT_PI)                                            \
    };
#define SL_CLASS SL_DECLARE_CLASS
#include "losses.def"
#undef SL_CLASS

/* The sl_class_info initialiser of an SL_CLASS entry. */
#define SL_CLASS_INFO(name_, shape_, mean_, sleef_, ref_)                                          \
    {                                                                                              \
        .name = #name_, .fn = "simdloss_" #name_, .inner = SL_SHAPE_##shape_, .mean = SL_##mean_,  \
        .npf = SL_##name_##_NPF, .npi = SL_##name_##_NPI,                                          \
        SL_CARGS_##name_(SL_CI).sleef = SL_SLEEF_INIT(sleef_), .ref_lib = SL_1ST(ref_),            \
        .ref_fn = SL_2ND(ref_)                                                                     \
    }

/* Kernel numbers of the class-dimension losses, in registry order, then the
 * class kernels that are not losses (NLL's gradient pass). */
enum {
#define SL_CLASS(name, ...) SL_R_##name,
#include "losses.def"
#undef SL_CLASS
    SL_R_NCLASS,
    SL_R_nll_grad = SL_R_NCLASS,
    SL_R_COUNT
};

/* Kernel numbers of the elementwise losses, in registry order. */
enum {
#define SL_ELEMENTWISE(name, ...) SL_K_##name,
#include "losses.def"
#undef SL_ELEMENTWISE
    SL_K_NELEM
};

#endif
