/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_sve.h (-march=armv8.2-a+sve -msve-vector-bits=512), compiled like
 * arch/sve512.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_sve.h"

#define VO_ISA "sve512"
#define VO_FN vec_ops_sve512
#include "vec_ops.h"
