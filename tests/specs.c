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
