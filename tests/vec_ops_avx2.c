/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_avx2.h (-mavx2 -mfma), compiled like arch/avx2.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_avx2.h"

#define VO_ISA "avx2"
#define VO_FN vec_ops_avx2
#include "vec_ops.h"
