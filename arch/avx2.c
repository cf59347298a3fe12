/* SPDX-License-Identifier: Apache-2.0 */
#include "vec_avx2.h"

#include "../src/kernels/all.h"

SL_DEFINE_TABLE(sl_table_avx2, "avx2", SIMDLOSS_ISA_AVX2,
                SL_CPU_AVX2 | SL_CPU_FMA | SL_CPU_AVX | SL_CPU_OS_YMM);
