/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for simdloss_ctc_f32: sizes, blank, lengths (valid, just
 * outside, negative, huge), labels (valid, the blank, outside), both target
 * layouts, log-probabilities of every kind (log-softmax rows, raw bits, NaN,
 * infinities), every reduction (and invalid ones), any subset of outputs, in
 * place. Each array ends at a guard page. Checked on every table: the status
 * predicted from the arguments, a message naming the function, nothing
 * written on failure, canonical NaNs, zero gradient past each input length,
 * the same bits on every exact table. Any violation aborts.
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

#define CF_MAXT 24
#define CF_MAXN 6
#define CF_MAXC 12
#define CF_MAXS 10
#define CF_MAXE (CF_MAXT * CF_MAXN * CF_MAXC)

static fz_slot cf_lp, cf_tg, cf_il, cf_tl, cf_loss, cf_grad;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_tables_init();
    fz_slot_init(&cf_lp, CF_MAXE * sizeof(float));
    fz_slot_init(&cf_tg, CF_MAXN * (CF_MAXS + 2) * sizeof(int64_t));
    fz_slot_init(&cf_il, CF_MAXN * sizeof(int64_t));
    fz_slot_init(&cf_tl, CF_MAXN * sizeof(int64_t));
    fz_slot_init(&cf_loss, CF_MAXN * sizeof(float));
    fz_slot_init(&cf_grad, CF_MAXE * sizeof(float));
    return 0;
}

/* a length: mostly in [0, hi], else just outside, negative or huge */
static int64_t cf_length(uint8_t mode, uint64_t *rng, int64_t hi)
{
    switch (mode % 16) {
    case 12: return hi + 1;
    case 13: return -1 - (int64_t)(fz_rand(rng) % 3);
    case 14: { /* past any scratch: ENOMEM for a target length (a smaller one
                * would be a real request for that many labels) */
        static const int64_t huge[] = {(int64_t)1 << 58, (int64_t)1 << 60, INT64_MAX};
        return huge[fz_rand(rng) % 3];
    }
    case 15: return INT64_MIN;
    default: return hi >= 0 ? (int64_t)(fz_rand(rng) % ((uint64_t)hi + 1)) : 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader r = {data, size};
    const uint8_t shape = fz_u8(&r), mode = fz_u8(&r), fill = fz_u8(&r), lens = fz_u8(&r);
    uint64_t rng = fz_u64(&r);
    const size_t T = fz_u8(&r) % (CF_MAXT + 1), N = fz_u8(&r) % (CF_MAXN + 1);
    const size_t C = fz_u8(&r) % (CF_MAXC + 1);
    const int red = fz_reduction(mode, fz_u32(&r));
    const size_t stride = shape & 1 ? 0 : fz_u8(&r) % (CF_MAXS + 1);
    int64_t blank = (int64_t)(fz_u8(&r) % (C ? C : 1));
    if ((shape >> 1) % 8 == 0) blank = (shape >> 4) & 1 ? (int64_t)C : -1;
    const int zi = (mode >> 3) & 1, want_loss = (mode >> 4) % 4 != 0, want_grad = (mode >> 6) != 1;
    const int in_place = want_grad && (fill >> 7);
    fz_case[0] = 0;
    fz_note("simdloss_ctc_f32(T %zu, N %zu, C %zu, stride %zu, blank %lld, zi %d, %s, loss %d, "
            "grad %d%s)",
            T, N, C, stride, (long long)blank, zi, fz_red_name(red), want_loss, want_grad,
            in_place ? " in place" : "");

    /* lengths; EINVAL or ENOMEM from them, checked in the library's order
     * after blank (their effects are predicted together) */
    int64_t *il = fz_slot_place(&cf_il, N * sizeof(int64_t));
    int64_t *tl = fz_slot_place(&cf_tl, N * sizeof(int64_t));
    int length_rc = SIMDLOSS_OK; /* the first failing sample's status */
    size_t ntg = 0;
    for (size_t n = 0; n < N; n++) {
        il[n] = cf_length((uint8_t)(lens >> (n % 4)) & (lens & 1 ? 15 : 7), &rng, (int64_t)T);
        tl[n] = cf_length((uint8_t)(fz_rand(&rng) & (lens & 2 ? 15 : 7)), &rng,
                          stride ? (int64_t)stride : CF_MAXS);
        if (length_rc) continue;
        if (il[n] < 0 || il[n] > (int64_t)T || tl[n] < 0 || (stride && tl[n] > (int64_t)stride))
            length_rc = SIMDLOSS_EINVAL;
        else if (tl[n] > CF_MAXS + 1)
            length_rc = SIMDLOSS_ENOMEM; /* concatenated, at least 2^58 */
        else if (!stride)
            ntg += (size_t)tl[n];
    }
    const size_t ntargets = stride ? N * stride : ntg;
    int64_t *tg = fz_slot_place(&cf_tg, ntargets * sizeof(int64_t));
    int label_bad = 0;
    for (size_t i = 0; i < ntargets; i++) {
        const uint64_t v = fz_rand(&rng);
        int64_t y = C > 1 ? (int64_t)(v % (C - 1)) : 0;
        if (y >= blank && blank >= 0) y++;
        if (v % 29 == 0) y = blank;
        if (v % 31 == 0) y = (int64_t)C + (int64_t)(v % 3);
        if (v % 37 == 0) y = -1;
        tg[i] = y;
    }
    /* the labels the library reads: each sample's first tl */
    for (size_t n = 0, at = 0; n < N && !length_rc; n++) {
        const size_t first = stride ? n * stride : at;
        for (int64_t j = 0; j < tl[n]; j++) {
            const int64_t y = tg[first + (size_t)j];
            if (y < 0 || y >= (int64_t)C || y == blank) label_bad = 1;
        }
        at += (size_t)tl[n];
    }

    const size_t G = T * N * C;
    float *lp = fz_slot_place(&cf_lp, G * sizeof(float));
    static float master[CF_MAXE];
    for (size_t row = 0; row < T * N; row++) {
        float *v = master + row * C;
        if (fill % 4 == 0) { /* raw bits and specials */
            for (size_t k = 0; k < C; k++)
                v[k] = fz_rand(&rng) % 4 ? fz_special(fz_rand(&rng))
                                         : fz_float((uint32_t)fz_rand(&rng));
        } else { /* log-softmax of N(0, s^2), s up to 64 */
            const double s = ldexp(1.0, (int)(fill % 7)) / 2;
            double m = -INFINITY, z = 0.0, x[CF_MAXC];
            for (size_t k = 0; k < C; k++) x[k] = s * (fz_unit(&rng) * 2 - 1), m = fmax(m, x[k]);
            for (size_t k = 0; k < C; k++) z += exp(x[k] - m);
            for (size_t k = 0; k < C; k++) v[k] = (float)(x[k] - m - log(z));
            if (fill % 4 == 3 && C) v[fz_rand(&rng) % C] = fz_special(fz_rand(&rng));
        }
    }
    float *loss = want_loss ? fz_slot_place(&cf_loss, (red == SIMDLOSS_NONE ? N : 1) * 4) : NULL;
    float *grad = want_grad ? (in_place ? lp : fz_slot_place(&cf_grad, G * 4)) : NULL;
    const size_t nloss = red == SIMDLOSS_NONE ? N : 1;

    int want_rc = SIMDLOSS_OK;
    const int red_ok = red == SIMDLOSS_NONE || red == SIMDLOSS_MEAN || red == SIMDLOSS_SUM;
    if (!red_ok || (!loss && !grad) || blank < 0 || blank >= (int64_t)C)
        want_rc = SIMDLOSS_EINVAL;
    else if (length_rc)
        want_rc = length_rc;
    else if (label_bad)
        want_rc = SIMDLOSS_EDOMAIN;

    static float loss0[CF_MAXN], grad0[CF_MAXE];
    static char msg[256];
    int have0 = 0;
    for (int t = 0; t < fz_ntables; t++) {
        fz_use_table(t);
        memcpy(lp, master, G * 4);
        if (loss) fz_sentinel32(loss, nloss);
        if (grad && !in_place) fz_sentinel32(grad, G);
        fz_set_marker();
        const int rc = simdloss_ctc_f32(T, N, C, lp, tg, stride, il, tl, blank, zi,
                                        (simdloss_reduction)red, loss, grad);
        fz_check_message("simdloss_ctc_f32", rc, msg, sizeof msg);
        fz_slot_check(&cf_lp, "log_probs"), fz_slot_check(&cf_tg, "targets");
        fz_slot_check(&cf_il, "input_lengths"), fz_slot_check(&cf_tl, "target_lengths");
        if (loss) fz_slot_check(&cf_loss, "loss");
        if (grad && !in_place) fz_slot_check(&cf_grad, "grad");
        if (rc != want_rc)
            fz_fail("[%s] returned %s ('%s'), want %s", fz_table_now, fz_rc_name(rc), msg,
                    fz_rc_name(want_rc));
        if (rc != SIMDLOSS_OK) {
            if (loss) fz_check_untouched32(loss, nloss, "loss", "a failed call");
            if (grad && !in_place) fz_check_untouched32(grad, G, "grad", "a failed call");
            if (in_place) fz_check_same(lp, master, G * 4, "log_probs", "a failed call in place");
            continue;
        }
        if (!in_place) fz_check_same(lp, master, G * 4, "log_probs", "an input");
        if (loss) fz_check_canon32(loss, nloss, "loss");
        if (grad) {
            fz_check_canon32(grad, G, "grad");
            for (size_t tt = 0; tt < T; tt++)
                for (size_t n = 0; n < N; n++)
                    for (size_t k = 0; tt >= (size_t)il[n] && k < C; k++)
                        if (fz_bits(grad[(tt * N + n) * C + k]) != 0)
                            fz_fail("[%s] grad (t %zu, n %zu, c %zu) past the input length is %g",
                                    fz_table_now, tt, n, k, (double)grad[(tt * N + n) * C + k]);
        }
        if (!fz_table_exact[t]) continue;
        if (!have0) {
            if (loss) memcpy(loss0, loss, nloss * 4);
            if (grad) memcpy(grad0, grad, G * 4);
            have0 = 1;
        } else {
            if (loss && memcmp(loss0, loss, nloss * 4))
                fz_fail("[%s] loss differs from %s", fz_table_now, fz_tables[0]);
            if (grad && memcmp(grad0, grad, G * 4))
                fz_fail("[%s] grad differs from %s", fz_table_now, fz_tables[0]);
        }
    }
    fz_slot_release(&cf_lp), fz_slot_release(&cf_tg), fz_slot_release(&cf_il);
    fz_slot_release(&cf_tl), fz_slot_release(&cf_loss), fz_slot_release(&cf_grad);
    return 0;
}
