/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_avx512.h (-mavx512f -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma), compiled
 * like arch/avx512.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_avx512.h"

#define VO_ISA "avx512"
#define VO_FN vec_ops_avx512
#include "vec_ops.h"
