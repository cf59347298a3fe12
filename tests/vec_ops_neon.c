/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_neon.h (AArch64 baseline, no flags), compiled like arch/neon.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_neon.h"

#define VO_ISA "neon"
#define VO_FN vec_ops_neon
#include "vec_ops.h"
