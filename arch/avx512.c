/* SPDX-License-Identifier: Apache-2.0 */
#include "vec_avx512.h"

#include "../src/kernels/all.h"

SL_DEFINE_TABLE(sl_table_avx512, "avx512", SIMDLOSS_ISA_AVX512,
                SL_CPU_AVX512F | SL_CPU_AVX512BW | SL_CPU_AVX512DQ | SL_CPU_AVX512VL | SL_CPU_FMA |
                    SL_CPU_AVX2 | SL_CPU_AVX | SL_CPU_OS_YMM | SL_CPU_OS_ZMM);
