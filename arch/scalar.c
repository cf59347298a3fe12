/* SPDX-License-Identifier: Apache-2.0 */
/* The scalar variant: built with -mfma on x86 so that fmaf and SLEEF's
 * purecfma functions use the FMA unit and match the vector variants bit for
 * bit (AArch64 has FMA in its baseline). */
#include "vec_scalar.h"

#include "../src/kernels/all.h"

#ifdef SL_SCALAR_NOFMA
SL_DEFINE_TABLE(sl_table_scalar_nofma, "scalar-nofma", SIMDLOSS_ISA_SCALAR, 0);
#elif defined(__x86_64__)
/* -mfma implies VEX encoding: the variant needs AVX state enabled too */
SL_DEFINE_TABLE(sl_table_scalar, "scalar", SIMDLOSS_ISA_SCALAR,
                SL_CPU_FMA | SL_CPU_AVX | SL_CPU_OS_YMM);
#elif defined(__aarch64__)
/* fused multiply-add is part of every AArch64 FPU: fmaf is one instruction
 * and SLEEF's purecfma functions run everywhere, so this table always runs */
SL_DEFINE_TABLE(sl_table_scalar, "scalar", SIMDLOSS_ISA_SCALAR, 0);
#else
/* elsewhere the scalar table is the only one: it must always be runnable
 * (fmaf is correct without hardware FMA, just slower) */
SL_DEFINE_TABLE(sl_table_scalar, "scalar", SIMDLOSS_ISA_SCALAR, 0);
#endif
