/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Included once by each arch/<isa>.c after its vec_<isa>.h: instantiates
 * every kernel for that ISA and defines the ISA's table. No ISA code here.
 */
#include "common.h"

#include "ctc.h"
#include "other.h"
#include "targets.h"

/* Each elementwise loss: its vector types, then its kernel header (the
 * registry includes it), then its kernel. */
#define SL_KERNELS 1
#define SL_ELEMENTWISE SL_VEC_TYPES
#include "../losses.def"
#undef SL_ELEMENTWISE
#undef SL_KERNELS
#define SL_ELEMENTWISE SL_DEFINE_ELEMENTWISE
#include "../losses.def"
#undef SL_ELEMENTWISE

static const sl_kernel sl_kernels[SL_K_COUNT] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = k_##name,
#include "../losses.def"
#undef SL_ELEMENTWISE
#define SL_TABLE_OTHER(name) [SL_K_##name] = k_##name,
    SL_OTHER_KERNELS(SL_TABLE_OTHER)
#undef SL_TABLE_OTHER
};

static const sl_rkernel sl_rkernels[SL_R_COUNT] = {
#define SL_CLASS(name, ...) [SL_R_##name] = k_##name,
#include "../losses.def"
#undef SL_CLASS
    [SL_R_nll_grad] = k_nll_grad};

/* The FMA-less scalar table is correct to 1 ulp, not bitwise equal to the
 * others (SLEEF's non-FMA functions). */
#ifdef SL_SCALAR_NOFMA
#define SL_TABLE_EXACT 0
#else
#define SL_TABLE_EXACT 1
#endif
#define SL_DEFINE_TABLE(var, name_, isa_, needs_)                                                  \
    SL_HIDDEN extern const struct sl_table var;                                                    \
    const struct sl_table var = {name_,       isa_,          needs_,        sl_kernels,            \
                                 sl_rkernels, k_target_scan, SL_TABLE_EXACT}
