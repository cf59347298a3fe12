/* SPDX-License-Identifier: Apache-2.0 */
#include "vec_neon.h"

#include "../src/kernels/all.h"

SL_DEFINE_TABLE(sl_table_neon, "neon", SIMDLOSS_ISA_NEON, SL_CPU_ASIMD);
