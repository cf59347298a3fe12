/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_sve.h (-march=armv8.2-a+sve -msve-vector-bits=128), compiled like
 * arch/sve128.c. */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#include "../arch/vec_sve.h"

#define VO_ISA "sve128"
#define VO_FN vec_ops_sve128
#include "vec_ops.h"
