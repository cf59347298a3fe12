/* SPDX-License-Identifier: Apache-2.0 */
/* Every loss's test section (the #ifdef SL_SPECS part of its kernel header),
 * collected in registry order. */
#include "class_spec.h"
#include "spec.h"

#define SL_SPECS 1
#define SL_KERNELS 1
#define SL_ELEMENTWISE(...)
#include "losses.def"
#undef SL_ELEMENTWISE
#undef SL_KERNELS

const ts_spec *const ts_specs[SL_K_NELEM] = {
#define SL_ELEMENTWISE(name, ...) [SL_K_##name] = &sl_##name##_spec,
#include "losses.def"
#undef SL_ELEMENTWISE
};

const cs_spec *const cs_specs[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = &sl_##name##_cspec,
#include "losses.def"
#undef SL_CLASS
};

void cr_eval(int kind, size_t classes, const cr_params *p, const double *x, const double *t,
             const int64_t *ti, cr_res *r, double *grad, double *gmag, double *kink, double *sing)
{
    const cr_pos q = {classes, p, x, t, ti};
    cr_fill(kink, classes, INFINITY);
    cr_fill(sing, classes, INFINITY);
    cs_specs[kind]->ref(&q, r, grad, gmag, kink, sing);
}
