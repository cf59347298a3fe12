/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_scalar.h (-mfma on x86), compiled like arch/scalar.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_scalar.h"

#define VO_ISA "scalar"
#define VO_FN vec_ops_scalar
#include "vec_ops.h"
