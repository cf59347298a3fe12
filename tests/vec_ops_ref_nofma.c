/* SPDX-License-Identifier: Apache-2.0 */
/* test_vec_ops' reference for CPUs without FMA: the scalar vocabulary's
 * SL_SCALAR_NOFMA build (like arch/scalar_nofma.c; no -m flags). */
#define SL_SCALAR_NOFMA 1
#define VO_REF_VAR vo_ref_scalar_nofma
#define VO_REF_LABEL "scalar-nofma"
#include "vec_ops_ref.c"
