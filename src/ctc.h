/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What src/ctc.c (the recursions, in plain C) hands the CTC vector steps of
 * each kernel table (src/kernels/ctc.h). Every lane of a step is one state or
 * one class, computed alone: the bits do not depend on the vector length.
 */
#ifndef SL_CTC_H
#define SL_CTC_H

typedef struct {
    const float *a, *b, *c; /* step: the three predecessors; expdiff, logadd: a and b */
    const float *allow;     /* step: c counts where allow != 0 */
    const float *emit;      /* step: the log-probability added */
    const float *lp;        /* grad: the row of log_probs */
    float *out;
    float nll, scale; /* grad: the sample's loss and its gradient factor */
} sl_ctc_vec;

#endif
