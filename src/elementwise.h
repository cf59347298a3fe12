/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The common path of every elementwise entry point: src/entry_points.c
 * packs the caller's arguments into an sl_elem_call by the registry's
 * names, sl_elementwise checks them as the registry says, runs the active
 * table's kernel, reduces and reports.
 */
#ifndef SL_ELEMENTWISE_H
#define SL_ELEMENTWISE_H

#include "internal.h"

/* The arguments of one call, in the registry's order within each kind. */
typedef struct {
    size_t n;
    const float *in[SL_MAX_IN], *tgt[SL_MAX_TGT], *cyc[SL_MAX_CYC];
    size_t cyc_len[SL_MAX_CYC];
    float pf[SL_MAX_PF]; /* the float parameters, for their checks */
    int pi[SL_MAX_PI];   /* the int parameters */
    simdloss_reduction red;
    float *loss;
    float *grad[SL_MAX_IN]; /* per input */
    float *grad_cyc;        /* of cyclic array 0 (CYCG) */
    const void *params;     /* the loss's sl_<name>_args */
    int flags;
} sl_elem_call;

/* What the registry says of each elementwise loss, by kernel number. */
SL_HIDDEN extern const sl_elem_info sl_elem_infos[SL_K_NELEM];

/* Checks, runs and reports elementwise loss `id` (SL_K_<name>). */
SL_HIDDEN int sl_elementwise(int id, sl_elem_call *q);

#endif
