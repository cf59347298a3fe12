/* SPDX-License-Identifier: Apache-2.0 */
/* The scalar variant for CPUs without FMA: libm's fmaf and SLEEF's "cinz
 * purec" functions; correct, but not bit-identical to the other variants. */
#define SL_SCALAR_NOFMA 1
#include "scalar.c"
