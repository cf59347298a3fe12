/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for simdloss_triplet_margin_with_distance_f32 (not a
 * registry entry, so fuzz_class.c does not reach it): the distance NULL
 * (PyTorch's default) or of every kind (PAIRWISE with p and eps valid, 0,
 * negative, infinite or NaN; COSINE; CUSTOM with a function or NULL; kinds
 * outside the enum), margin (valid, infinite, NaN), swap, every reduction
 * (and invalid ones), any subset of outputs, further inputs NULL, shapes up
 * to 8 x 12 with batch 0 and dim 0, inputs of every kind (raw bits with
 * NaN payloads, infinities, small normals, equal rows). Each array ends at
 * a guard page. Checked on every table: the status predicted from the
 * arguments, a message naming the function, nothing written on failure,
 * the inputs unchanged, every output written, canonical NaNs, the same bits
 * on every exact table. Any violation aborts.
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

#define TF_MAXB 8
#define TF_MAXD 12
#define TF_MAXE (TF_MAXB * TF_MAXD)

static fz_slot tf_in[3], tf_loss, tf_g[3];
static const char *const tf_names[3] = {"anchor", "positive", "negative"};
static const char *const tf_gnames[3] = {"grad_anchor", "grad_positive", "grad_negative"};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_tables_init();
    for (int i = 0; i < 3; i++) {
        fz_slot_init(&tf_in[i], TF_MAXE * sizeof(float));
        fz_slot_init(&tf_g[i], TF_MAXE * sizeof(float));
    }
    fz_slot_init(&tf_loss, TF_MAXB * sizeof(float));
    return 0;
}

/* The caller's distance of the CUSTOM kind: the L1 distance, its gradients
 * sign(u - v) and -sign(u - v). It reads and writes exactly dim elements of
 * each array (the guard pages and ASan check the library's pointers). */
static size_t tf_calls;
static float tf_l1(size_t dim, const float *u, const float *v, float *gu, float *gv, void *ctx)
{
    if (ctx != &tf_calls) fz_fail("CUSTOM distance called with ctx %p, not %p", ctx, &tf_calls);
    __atomic_fetch_add(&tf_calls, 1, __ATOMIC_RELAXED); /* from any thread */
    float d = 0.0f;
    for (size_t c = 0; c < dim; c++) {
        const float e = u[c] - v[c];
        d += fabsf(e);
        const float s = e > 0.0f ? 1.0f : e < 0.0f ? -1.0f : 0.0f;
        if (gu) gu[c] = e != e ? e : s;
        if (gv) gv[c] = e != e ? e : -s;
    }
    return d;
}

/* a float parameter: mostly valid, else 0, negative, infinite or NaN */
static float tf_param(uint8_t mode, float valid, uint64_t *rng)
{
    switch (mode % 12) {
    case 8: return 0.0f;
    case 9: return -valid - (float)fz_unit(rng);
    case 10: return fz_rand(rng) & 1 ? INFINITY : -INFINITY;
    case 11: return NAN;
    default: return valid * (float)(0.25 + 2 * fz_unit(rng));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader r = {data, size};
    const uint8_t kind_mode = fz_u8(&r), pmode = fz_u8(&r), emode = fz_u8(&r), mmode = fz_u8(&r),
                  outs = fz_u8(&r), fill = fz_u8(&r), rmode = fz_u8(&r);
    uint64_t rng = fz_u64(&r);
    const size_t B = fz_u8(&r) % (TF_MAXB + 1), D = fz_u8(&r) % (TF_MAXD + 1);
    const int red = fz_reduction(rmode, fz_u32(&r));
    const int swap = (kind_mode >> 4) & 1;

    simdloss_distance dist = {SIMDLOSS_DIST_PAIRWISE, 2.0f, 1e-6f, tf_l1, &tf_calls};
    const simdloss_distance *dp = &dist;
    switch (kind_mode % 8) {
    case 0: dp = NULL; break;
    case 1: dist.p = 1.0f; break;
    case 2: dist.p = tf_param(pmode, 1.5f, &rng), dist.eps = tf_param(emode, 1e-6f, &rng); break;
    case 3: dist.kind = SIMDLOSS_DIST_COSINE; break;
    case 4: dist.kind = SIMDLOSS_DIST_CUSTOM; break;
    case 5:
        dist.kind = SIMDLOSS_DIST_CUSTOM;
        if (pmode & 1) dist.fn = NULL;
        break;
    case 6: dist.kind = (kind_mode >> 5) & 1 ? -1 : 3 + (kind_mode >> 6); break;
    default: break; /* PAIRWISE, p = 2 */
    }
    const float margin = tf_param(mmode, 1.0f, &rng);
    fz_case[0] = 0;
    fz_note("simdloss_triplet_margin_with_distance_f32(B %zu, D %zu, distance %s kind %d p %g "
            "eps %g fn %s, margin %g, swap %d, %s, outputs 0x%x)",
            B, D, dp ? "" : "NULL", dist.kind, (double)dist.p, (double)dist.eps,
            dist.fn ? "L1" : "NULL", (double)margin, swap, fz_red_name(red), outs & 0x7f);

    /* the inputs: each present unless outs' bits 4-5 name it (positive or
     * negative NULL), of one kind */
    const size_t n = B * D;
    static float master[3][TF_MAXE];
    const float *in[3];
    for (int i = 0; i < 3; i++) {
        for (size_t k = 0; k < n; k++) {
            float v;
            switch ((fill >> (2 * i)) % 4) {
            case 0:
                v = fz_rand(&rng) % 4 ? fz_special(fz_rand(&rng))
                                      : fz_float((uint32_t)fz_rand(&rng));
                break;
            case 1: v = i ? master[0][k] : (float)(fz_unit(&rng) * 4 - 2); break; /* equal rows */
            default: v = (float)ldexp(fz_unit(&rng) * 2 - 1, (int)(fz_rand(&rng) % 9) - 4);
            }
            master[i][k] = v;
        }
        float *a = fz_slot_place(&tf_in[i], n * sizeof(float));
        memcpy(a, master[i], n * sizeof(float));
        in[i] = a;
    }
    if ((outs >> 4) % 4 == 1) in[1] = NULL;
    if ((outs >> 4) % 4 == 2) in[2] = NULL;
    const size_t nloss = red == SIMDLOSS_NONE ? B : 1;
    float *loss = outs & 1 ? fz_slot_place(&tf_loss, nloss * sizeof(float)) : NULL;
    float *g[3];
    for (int i = 0; i < 3; i++) g[i] = outs >> (1 + i) & 1 ? fz_slot_place(&tf_g[i], n * 4) : NULL;

    /* the status, from the contract in include/simdloss.h */
    int want_rc = SIMDLOSS_OK;
    const int red_ok = red == SIMDLOSS_NONE || red == SIMDLOSS_MEAN || red == SIMDLOSS_SUM;
    const int kind_ok = dist.kind == SIMDLOSS_DIST_PAIRWISE || dist.kind == SIMDLOSS_DIST_COSINE ||
                        dist.kind == SIMDLOSS_DIST_CUSTOM;
    if (dp && (!kind_ok || (dist.kind == SIMDLOSS_DIST_CUSTOM && !dist.fn) ||
               (dist.kind == SIMDLOSS_DIST_PAIRWISE &&
                (!(dist.p > 0.0f && dist.p < INFINITY) || dist.eps != dist.eps))))
        want_rc = SIMDLOSS_EINVAL;
    if (margin != margin || !red_ok || (!loss && !g[0] && !g[1] && !g[2]))
        want_rc = SIMDLOSS_EINVAL;
    if (B > 0 && (D == 0 || !in[1] || !in[2])) want_rc = SIMDLOSS_EINVAL;

    static float loss0[TF_MAXB], g0[3][TF_MAXE];
    static char msg[256];
    int have0 = 0;
    for (int t = 0; t < fz_ntables; t++) {
        fz_use_table(t);
        if (loss) fz_sentinel32(loss, nloss);
        for (int i = 0; i < 3; i++)
            if (g[i]) fz_sentinel32(g[i], n);
        fz_set_marker();
        tf_calls = 0;
        const int rc = simdloss_triplet_margin_with_distance_f32(
            B, D, in[0], in[1], in[2], dp, margin, swap, (simdloss_reduction)red, loss, g[0], g[1],
            g[2]);
        fz_check_message("simdloss_triplet_margin_with_distance_f32", rc, msg, sizeof msg);
        for (int i = 0; i < 3; i++) {
            fz_slot_check(&tf_in[i], tf_names[i]);
            if (in[i]) fz_check_same(in[i], master[i], n * sizeof(float), tf_names[i], "an input");
            if (g[i]) fz_slot_check(&tf_g[i], tf_gnames[i]);
        }
        if (loss) fz_slot_check(&tf_loss, "loss");
        if (rc != want_rc)
            fz_fail("[%s] returned %s ('%s'), want %s", fz_table_now, fz_rc_name(rc), msg,
                    fz_rc_name(want_rc));
        if (rc != SIMDLOSS_OK) {
            if (tf_calls) fz_fail("a failed call called the CUSTOM distance %zu times", tf_calls);
            if (loss) fz_check_untouched32(loss, nloss, "loss", "a failed call");
            for (int i = 0; i < 3; i++)
                if (g[i]) fz_check_untouched32(g[i], n, tf_gnames[i], "a failed call");
            continue;
        }
        if (dp && dist.kind == SIMDLOSS_DIST_CUSTOM && tf_calls != B * (swap ? 3 : 2))
            fz_fail("[%s] the CUSTOM distance was called %zu times for %zu rows (swap %d)",
                    fz_table_now, tf_calls, B, swap);
        if (loss) {
            fz_check_canon32(loss, nloss, "loss");
            if (B == 0 && red == SIMDLOSS_SUM && fz_bits(loss[0]) != 0)
                fz_fail("[%s] SUM of no rows is %g", fz_table_now, (double)loss[0]);
            if (B == 0 && red == SIMDLOSS_MEAN && fz_bits(loss[0]) != FZ_CANON)
                fz_fail("[%s] MEAN of no rows is %g", fz_table_now, (double)loss[0]);
        }
        for (int i = 0; i < 3; i++)
            if (g[i]) fz_check_canon32(g[i], n, tf_gnames[i]);
        if (!fz_table_exact[t]) continue;
        if (!have0) {
            if (loss) memcpy(loss0, loss, nloss * 4);
            for (int i = 0; i < 3; i++)
                if (g[i]) memcpy(g0[i], g[i], n * 4);
            have0 = 1;
        } else {
            if (loss && memcmp(loss0, loss, nloss * 4))
                fz_fail("[%s] loss differs from %s", fz_table_now, fz_tables[0]);
            for (int i = 0; i < 3; i++)
                if (g[i] && memcmp(g0[i], g[i], n * 4))
                    fz_fail("[%s] %s differs from %s", fz_table_now, tf_gnames[i], fz_tables[0]);
        }
    }
    for (int i = 0; i < 3; i++) fz_slot_release(&tf_in[i]), fz_slot_release(&tf_g[i]);
    fz_slot_release(&tf_loss);
    return 0;
}
