/* SPDX-License-Identifier: Apache-2.0 */
/* SVE with exactly 512-bit vectors (-msve-vector-bits=512): selected only on
 * such a CPU. Part of the NEON family: SIMDLOSS_ISA=neon picks it there. */
#include "vec_sve.h"

#include "../src/kernels/all.h"

SL_DEFINE_TABLE(sl_table_sve512, "sve512", SIMDLOSS_ISA_NEON, SL_CPU_SVE | SL_CPU_SVE_VL512);
