/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for simdloss_cross_entropy_ex_f32: shapes of both loop
 * shapes (rows of more than 16 classes, rows of at most 16, inner > 1),
 * targets (valid, ignore_index, outside), logits of every kind (raw bits,
 * NaN, infinities, ties), weights, label smoothing (and out of range),
 * options (z_loss and softcap valid, zero, NaN, negative, infinite; lse and
 * argmax), every reduction (and invalid ones), any subset of outputs, in
 * place. Each array ends at a guard page. Checked on every table: the status
 * predicted from the arguments, a message naming the function, nothing
 * written on failure, canonical NaNs, argmax within the row, lse and argmax
 * written at ignored positions too, statistics-only options equal to
 * simdloss_cross_entropy_f32, the same bits on every exact table. Any
 * violation aborts.
 */
/* MAP_ANONYMOUS (fuzz_common.h) */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "simdloss.h"

#define XF_MAXN 6
#define XF_MAXC 40
#define XF_MAXI 4
#define XF_MAXE (XF_MAXN * XF_MAXC * XF_MAXI)
#define XF_MAXP (XF_MAXN * XF_MAXI)
#define XF_IGN (-100)

static fz_slot xf_x, xf_t, xf_w, xf_loss, xf_grad, xf_lse, xf_amax;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_tables_init();
    fz_slot_init(&xf_x, XF_MAXE * sizeof(float));
    fz_slot_init(&xf_t, XF_MAXP * sizeof(int64_t));
    fz_slot_init(&xf_w, XF_MAXC * sizeof(float));
    fz_slot_init(&xf_loss, XF_MAXP * sizeof(float));
    fz_slot_init(&xf_grad, XF_MAXE * sizeof(float));
    fz_slot_init(&xf_lse, XF_MAXP * sizeof(float));
    fz_slot_init(&xf_amax, XF_MAXP * sizeof(int64_t));
    return 0;
}

/* an option: mostly valid (0 or a small positive value), else NaN, negative
 * or infinite */
static float xf_option(uint8_t sel, uint64_t *rng, float scale)
{
    switch (sel % 16) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4: return 0.0f;
    case 13: return NAN;
    case 14: return -(float)fz_unit(rng) * scale - 0x1p-149f;
    case 15: return fz_rand(rng) % 2 ? INFINITY : -INFINITY;
    default: return (float)(fz_unit(rng) * scale);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader r = {data, size};
    const uint8_t shape = fz_u8(&r), mode = fz_u8(&r), fill = fz_u8(&r), opts = fz_u8(&r);
    uint64_t rng = fz_u64(&r);
    const size_t N = fz_u8(&r) % (XF_MAXN + 1), C = fz_u8(&r) % (XF_MAXC + 1);
    const size_t inner = shape & 1 ? 1 + fz_u8(&r) % XF_MAXI : (shape & 2 ? 0 : 1);
    const int red = fz_reduction(mode, fz_u32(&r));
    const float z = xf_option(fz_u8(&r), &rng, 0.5f), cap = xf_option(fz_u8(&r), &rng, 20.0f);
    const uint8_t lsel = fz_u8(&r);
    const float ls = lsel % 8 == 7 ? (lsel & 8 ? -0.25f : 1.5f) : (float)(lsel % 8) / 8.0f;
    const int weighted = (shape >> 2) & 1, want_lse = opts & 1, want_amax = (opts >> 1) & 1;
    const int want_loss = (mode >> 4) % 4 != 0, want_grad = (mode >> 6) != 1;
    const int in_place = want_grad && (fill >> 7);
    fz_case[0] = 0;
    fz_note("simdloss_cross_entropy_ex_f32(N %zu, C %zu, inner %zu, %s, ls %g, z %g, softcap %g, "
            "weights %d, loss %d, grad %d, lse %d, argmax %d%s)",
            N, C, inner, fz_red_name(red), (double)ls, (double)z, (double)cap, weighted, want_loss,
            want_grad, want_lse, want_amax, in_place ? " in place" : "");

    const size_t P = N * inner, E = P * C;
    int64_t *t = fz_slot_place(&xf_t, P * sizeof(int64_t));
    int target_bad = 0;
    for (size_t p = 0; p < P; p++) {
        const uint64_t v = fz_rand(&rng);
        t[p] = C ? (int64_t)(v % C) : 0;
        if (v % 5 == 0) t[p] = XF_IGN;
        if (v % 53 == 0) t[p] = (int64_t)C + (int64_t)(v % 3);
        if (v % 59 == 0) t[p] = -1;
        if (t[p] != XF_IGN && (t[p] < 0 || t[p] >= (int64_t)C)) target_bad = 1;
    }
    float *w = weighted ? fz_slot_place(&xf_w, C * sizeof(float)) : NULL;
    for (size_t k = 0; w && k < C; k++) w[k] = (float)(fz_unit(&rng) * 2.0);
    float *x = fz_slot_place(&xf_x, E * sizeof(float));
    static float master[XF_MAXE];
    for (size_t i = 0; i < E; i++) {
        switch (fill % 4) {
        case 0:
            master[i] =
                fz_rand(&rng) % 3 ? fz_special(fz_rand(&rng)) : fz_float((uint32_t)fz_rand(&rng));
            break;
        case 1:
            master[i] = (float)((fz_unit(&rng) * 2 - 1) * ldexp(1.0, (int)(fill >> 2) % 8));
            break;
        case 2:
            master[i] = (float)(fz_rand(&rng) % 4); /* ties */
            break;
        default:
            master[i] = (float)(fz_unit(&rng) * 8 - 4);
            if (fz_rand(&rng) % 7 == 0) master[i] = fz_special(fz_rand(&rng));
        }
    }
    const size_t nloss = red == SIMDLOSS_NONE ? P : 1;
    float *loss = want_loss ? fz_slot_place(&xf_loss, nloss * 4) : NULL;
    float *grad = want_grad ? (in_place ? x : fz_slot_place(&xf_grad, E * 4)) : NULL;
    float *lse = want_lse ? fz_slot_place(&xf_lse, P * 4) : NULL;
    int64_t *amax = want_amax ? fz_slot_place(&xf_amax, P * 8) : NULL;
    const simdloss_ce_options o = {z, cap, lse, amax};

    int want_rc = SIMDLOSS_OK;
    const int red_ok = red == SIMDLOSS_NONE || red == SIMDLOSS_MEAN || red == SIMDLOSS_SUM;
    const int opt_ok = z >= 0.0f && z <= 3.4e38f && cap >= 0.0f && cap <= 3.4e38f;
    if (!opt_ok || !red_ok || (N > 0 && (C == 0 || inner == 0)) ||
        (!loss && !grad && !lse && !amax) || !(ls >= 0.0f && ls <= 1.0f))
        want_rc = SIMDLOSS_EINVAL;
    else if (target_bad)
        want_rc = SIMDLOSS_EDOMAIN;

    static float loss0[XF_MAXP], grad0[XF_MAXE], lse0[XF_MAXP], ploss[XF_MAXP], pgrad[XF_MAXE];
    static int64_t amax0[XF_MAXP];
    static char msg[256];
    int have0 = 0;
    for (int tb = 0; tb < fz_ntables; tb++) {
        fz_use_table(tb);
        memcpy(x, master, E * 4);
        if (loss) fz_sentinel32(loss, nloss);
        if (grad && !in_place) fz_sentinel32(grad, E);
        if (lse) fz_sentinel32(lse, P);
        if (amax) memset(amax, 0xa5, P * 8);
        fz_set_marker();
        const int rc = simdloss_cross_entropy_ex_f32(N, C, inner, x, t, w, XF_IGN, ls, &o,
                                                     (simdloss_reduction)red, loss, grad);
        fz_check_message("simdloss_cross_entropy_ex_f32", rc, msg, sizeof msg);
        fz_slot_check(&xf_x, "logits"), fz_slot_check(&xf_t, "target");
        if (w) fz_slot_check(&xf_w, "weight");
        if (loss) fz_slot_check(&xf_loss, "loss");
        if (grad && !in_place) fz_slot_check(&xf_grad, "grad");
        if (lse) fz_slot_check(&xf_lse, "lse");
        if (amax) fz_slot_check(&xf_amax, "argmax");
        if (rc != want_rc)
            fz_fail("[%s] returned %s ('%s'), want %s", fz_table_now, fz_rc_name(rc), msg,
                    fz_rc_name(want_rc));
        if (rc != SIMDLOSS_OK) {
            if (loss) fz_check_untouched32(loss, nloss, "loss", "a failed call");
            if (grad && !in_place) fz_check_untouched32(grad, E, "grad", "a failed call");
            if (lse) fz_check_untouched32(lse, P, "lse", "a failed call");
            for (size_t p = 0; amax && p < P; p++)
                if ((uint64_t)amax[p] != 0xa5a5a5a5a5a5a5a5ull)
                    fz_fail("[%s] argmax[%zu] written by a failed call", fz_table_now, p);
            if (in_place) fz_check_same(x, master, E * 4, "logits", "a failed call in place");
            continue;
        }
        if (!in_place) fz_check_same(x, master, E * 4, "logits", "an input");
        if (loss) fz_check_canon32(loss, nloss, "loss");
        if (grad) fz_check_canon32(grad, E, "grad");
        if (lse) fz_check_canon32(lse, P, "lse");
        for (size_t p = 0; amax && p < P; p++)
            if (amax[p] < 0 || amax[p] >= (int64_t)C)
                fz_fail("[%s] argmax[%zu] = %lld is outside [0, %zu)", fz_table_now, p,
                        (long long)amax[p], C);
        /* statistics alone change nothing in the loss and gradient */
        if (z == 0.0f && cap == 0.0f && (loss || grad)) {
            float *pg = grad ? pgrad : NULL;
            memcpy(pgrad, master, E * 4);
            const int prc =
                simdloss_cross_entropy_f32(N, C, inner, in_place ? pgrad : master, t, w, XF_IGN, ls,
                                           (simdloss_reduction)red, loss ? ploss : NULL, pg);
            if (prc != SIMDLOSS_OK)
                fz_fail("[%s] simdloss_cross_entropy_f32 failed where the options call did",
                        fz_table_now);
            if ((loss && memcmp(ploss, loss, nloss * 4)) || (grad && memcmp(pgrad, grad, E * 4)))
                fz_fail("[%s] statistics-only options differ from simdloss_cross_entropy_f32",
                        fz_table_now);
        }
        if (!fz_table_exact[tb]) continue;
        if (!have0) {
            if (loss) memcpy(loss0, loss, nloss * 4);
            if (grad) memcpy(grad0, grad, E * 4);
            if (lse) memcpy(lse0, lse, P * 4);
            if (amax) memcpy(amax0, amax, P * 8);
            have0 = 1;
        } else if ((loss && memcmp(loss0, loss, nloss * 4)) ||
                   (grad && memcmp(grad0, grad, E * 4)) || (lse && memcmp(lse0, lse, P * 4)) ||
                   (amax && memcmp(amax0, amax, P * 8))) {
            fz_fail("[%s] outputs differ from %s", fz_table_now, fz_tables[0]);
        }
    }
    return 0;
}
