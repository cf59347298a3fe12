/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every elementwise loss of the registry behind one signature (tl_losses)
 * and, in class_calls.c / class_spec.h, every class-dimension loss
 * (cr_call): generated from src/losses.def, with no list of losses. Used by
 * the Check tests, the fuzz targets and the benchmark (no Check here).
 */
#ifndef TL_CALLS_H
#define TL_CALLS_H

#include <stddef.h>

#include "registry.h"
#include "simdloss.h"

/* ---- every elementwise loss behind one signature (from the registry) -- */
/* One call: the arguments by kind, in registry order within each kind. */
typedef struct {
    size_t n;
    const float *in[SL_MAX_IN], *tgt[SL_MAX_TGT], *cyc[SL_MAX_CYC];
    size_t cyc_len[SL_MAX_CYC];
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    simdloss_reduction red;
    float *loss;
    float *grad[SL_MAX_IN]; /* per input */
    float *grad_cyc;        /* of cyclic array 0 (CYCG losses) */
} tl_args;

/* A loss: the registry's description and its entry point; its test
 * section is ts_specs[k]. */
typedef struct {
    const sl_elem_info *info;
    int (*call)(const tl_args *a);
} tl_loss;

/* by SL_K_<name>, registry order */
extern const tl_loss tl_losses[SL_K_NELEM];
#define TL_NLOSSES ((int)SL_K_NELEM)

/* The registry's defaults for loss k: every array NULL (lengths 0), the
 * default parameters, MEAN, no outputs. */
tl_args tl_default_args(int k);

#endif
