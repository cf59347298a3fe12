/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The class-index target check's inner loop, compiled for each ISA: a
 * register of targets per step as GCC vector-extension compares (vpcmpuq on
 * AVX-512, pcmpgtq on AVX2), where plain C is one compare and branch-free
 * bookkeeping per target. The vectors are the ISA's register width (at
 * least 16 bytes): wider ones are split into scalar code. Integer results
 * only: nothing here can differ between ISAs.
 */
#ifndef SL_KERNELS_TARGETS_H
#define SL_KERNELS_TARGETS_H

#include <stdint.h>
#include <string.h>

#define SL_TQ_BYTES (SL_VL * 4 < 16 ? 16 : SL_VL * 4)
#define SL_TQ (SL_TQ_BYTES / 8) /* targets per vector */
typedef int64_t sl_vq __attribute__((vector_size(SL_TQ_BYTES)));
typedef uint64_t sl_vu __attribute__((vector_size(SL_TQ_BYTES)));

/* Of t[0..n): how many are kept (all, or those != ign when use_ignore) into
 * *kept; returns nonzero when a kept target lies outside [0, C). */
static int k_target_scan(const int64_t *t, size_t n, uint64_t C, int64_t ign, int use_ignore,
                         size_t *kept)
{
    const sl_vu cv = (sl_vu){0} + C;
    const sl_vq iv = (sl_vq){0} + ign, all = (sl_vq){0} - 1;
    sl_vq bad = {0}, on_n = {0};
    size_t p = 0;
    for (; p + SL_TQ <= n; p += SL_TQ) {
        sl_vq x;
        memcpy(&x, t + p, sizeof x);
        const sl_vq on = use_ignore ? (sl_vq)(x != iv) : all;
        bad |= on & (sl_vq)((sl_vu)x >= cv); /* negative targets wrap above C */
        on_n -= on;
    }
    int64_t b = 0, k = 0;
    for (unsigned l = 0; l < SL_TQ; l++) {
        b |= bad[l];
        k += on_n[l];
    }
    for (; p < n; p++) {
        b |= sl_target_bad(t[p], C, ign, use_ignore);
        k += sl_target_on(t[p], ign, use_ignore);
    }
    *kept = (size_t)k;
    return b != 0;
}

#endif
