/* Every loss's test section (the #ifdef SL_SPECS part of its kernel header),
 * collected in registry order. */
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
