/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops for vec_scalar.h (SL_SCALAR_NOFMA, no -m flags), compiled like arch/scalar_nofma.c.
 */
#define _DEFAULT_SOURCE /* mmap, sigsetjmp */
#define SL_SCALAR_NOFMA 1
#include "../arch/vec_scalar.h"

#define VO_ISA "scalar-nofma"
#define VO_FN vec_ops_scalar_nofma
#include "vec_ops.h"
