/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for libsimdloss_linear: simdloss_circle_f32 and
 * simdloss_linear_cross_entropy_f32 (byte 0 chooses). Shapes up to a few
 * dozen rows, embeddings/hidden/weight of every kind (raw bits, NaN,
 * infinities, exact kinks, unit rows), labels and targets (repeated,
 * distinct, ignore_index, outside), gamma, margin, label smoothing and
 * options (valid, NaN, infinite, out of range), every reduction (and invalid
 * ones), any subset of outputs, chunk bounds from one row up. Each array
 * ends at a guard page. Checked on every table: the status predicted from
 * the arguments, a message naming the function, nothing written on failure,
 * the inputs unchanged, canonical NaNs, the same bits on every exact table.
 * Any violation aborts.
 */
/* MAP_ANONYMOUS (fuzz_common.h) */
#define _DEFAULT_SOURCE
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "simdloss_linear.h"

#define LF_MAXB 24
#define LF_MAXD 12
#define LF_MAXV 40
#define LF_IGN (-100)

static fz_slot lf_e, lf_w, lf_b, lf_y, lf_loss, lf_g, lf_gw, lf_gb, lf_lse;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    openblas_set_num_threads(1); /* the BLAS is not instrumented: no threads of its own */
    fz_tables_init();
    fz_slot_init(&lf_e, LF_MAXB * LF_MAXD * sizeof(float));
    fz_slot_init(&lf_w, LF_MAXV * LF_MAXD * sizeof(float));
    fz_slot_init(&lf_b, LF_MAXV * sizeof(float));
    fz_slot_init(&lf_y, LF_MAXB * sizeof(int64_t));
    fz_slot_init(&lf_loss, LF_MAXB * sizeof(float));
    fz_slot_init(&lf_g, LF_MAXB * LF_MAXD * sizeof(float));
    fz_slot_init(&lf_gw, LF_MAXV * LF_MAXD * sizeof(float));
    fz_slot_init(&lf_gb, LF_MAXV * sizeof(float));
    fz_slot_init(&lf_lse, LF_MAXB * sizeof(float));
    return 0;
}

/* n values of one kind: raw bits and specials, small normals, exact small
 * values (similarities on the kinks), or rows scaled to unit norm */
static void lf_fill(float *v, size_t rows, size_t cols, uint8_t fill, uint64_t *rng)
{
    for (size_t i = 0; i < rows * cols; i++) {
        switch (fill % 4) {
        case 0:
            v[i] = fz_rand(rng) % 3 ? fz_special(fz_rand(rng)) : fz_float((uint32_t)fz_rand(rng));
            break;
        case 1: v[i] = (float)(fz_rand(rng) % 5) * 0.25f - 0.5f; break;
        default: v[i] = (float)((fz_unit(rng) * 2 - 1) * ldexp(1.0, (int)(fill >> 2) % 6 - 2));
        }
    }
    if (fill % 4 == 3)
        for (size_t r = 0; r < rows; r++) {
            double n2 = 0;
            for (size_t k = 0; k < cols; k++) n2 += (double)v[r * cols + k] * v[r * cols + k];
            for (size_t k = 0; n2 > 0 && k < cols; k++)
                v[r * cols + k] = (float)(v[r * cols + k] / sqrt(n2));
        }
}

/* a parameter: mostly an ordinary value, else NaN or infinite */
static float lf_param(uint8_t sel, uint64_t *rng, float lo, float hi)
{
    switch (sel % 16) {
    case 14: return NAN;
    case 15: return fz_rand(rng) % 2 ? INFINITY : -INFINITY;
    default: return (float)(lo + fz_unit(rng) * (hi - lo));
    }
}

typedef struct {
    float *loss, *g, *gw, *gb, *lse;
    size_t nloss, ng, ngw, ngb, nlse;
} lf_out;

static void lf_sentinel(const lf_out *o)
{
    if (o->loss) fz_sentinel32(o->loss, o->nloss);
    if (o->g) fz_sentinel32(o->g, o->ng);
    if (o->gw) fz_sentinel32(o->gw, o->ngw);
    if (o->gb) fz_sentinel32(o->gb, o->ngb);
    if (o->lse) fz_sentinel32(o->lse, o->nlse);
}

static void lf_check_outputs(const lf_out *o, int ok)
{
    const float *v[5] = {o->loss, o->g, o->gw, o->gb, o->lse};
    const size_t n[5] = {o->nloss, o->ng, o->ngw, o->ngb, o->nlse};
    static const char *const names[5] = {"loss", "grad", "grad_weight", "grad_bias", "lse"};
    for (int k = 0; k < 5; k++) {
        if (!v[k]) continue;
        if (ok)
            fz_check_canon32(v[k], n[k], names[k]);
        else
            fz_check_untouched32(v[k], n[k], names[k], "a failed call");
    }
}

/* outputs of the first exact table, compared with every other's */
static float lf_first[5][LF_MAXV * LF_MAXD];

static void lf_compare(const lf_out *o, int *have)
{
    const float *v[5] = {o->loss, o->g, o->gw, o->gb, o->lse};
    const size_t n[5] = {o->nloss, o->ng, o->ngw, o->ngb, o->nlse};
    for (int k = 0; k < 5; k++) {
        if (!v[k]) continue;
        if (!*have)
            memcpy(lf_first[k], v[k], n[k] * 4);
        else if (memcmp(lf_first[k], v[k], n[k] * 4))
            fz_fail("[%s] outputs differ from %s", fz_table_now, fz_tables[0]);
    }
    *have = 1;
}

static int lf_red_ok(int red)
{
    return red == SIMDLOSS_NONE || red == SIMDLOSS_MEAN || red == SIMDLOSS_SUM;
}

static void lf_circle(fz_reader *r, uint64_t rng)
{
    const uint8_t mode = fz_u8(r), fill = fz_u8(r), lsel = fz_u8(r);
    const size_t B = fz_u8(r) % (LF_MAXB + 1), D = fz_u8(r) % (LF_MAXD + 1);
    const int red = fz_reduction(mode, fz_u32(r));
    const float gamma = lf_param(fz_u8(r), &rng, -4.0f, 100.0f);
    const float margin = lf_param(fz_u8(r), &rng, -1.5f, 1.5f);
    const int rd = (mode >> 3) & 1, want_loss = (mode >> 4) % 4 != 0, want_g = (mode >> 6) != 1;
    const size_t rows = 1 + fz_u8(r) % 8;
    simdloss_linear_set_chunk_bytes(rows * (B ? B : 1) * sizeof(float));
    fz_note("simdloss_circle_f32(B %zu, D %zu, gamma %g, margin %g, remove_diagonal %d, %s, "
            "loss %d, grad %d, block rows %zu)",
            B, D, (double)gamma, (double)margin, rd, fz_red_name(red), want_loss, want_g, rows);
    float *e = fz_slot_place(&lf_e, B * D * 4);
    static float master[LF_MAXB * LF_MAXD];
    lf_fill(master, B, D, fill, &rng);
    int64_t *y = fz_slot_place(&lf_y, B * 8);
    const uint64_t classes = 1 + lsel % 6;
    for (size_t i = 0; i < B; i++) {
        const uint64_t v = fz_rand(&rng);
        y[i] = lsel & 0x80 ? (int64_t)(v ^ (v << 40)) : (int64_t)(v % classes) - 2;
    }
    lf_out o = {0};
    o.nloss = red == SIMDLOSS_NONE ? B : 1, o.ng = B * D;
    o.loss = want_loss ? fz_slot_place(&lf_loss, o.nloss * 4) : NULL;
    o.g = want_g ? fz_slot_place(&lf_g, o.ng * 4) : NULL;
    int want_rc = SIMDLOSS_OK;
    if (!lf_red_ok(red) || (!o.loss && !o.g) || !isfinite(gamma) || !isfinite(margin))
        want_rc = SIMDLOSS_EINVAL;
    static char msg[256];
    int have = 0;
    for (int tb = 0; tb < fz_ntables; tb++) {
        fz_use_table(tb);
        memcpy(e, master, B * D * 4);
        lf_sentinel(&o);
        fz_set_marker();
        const int rc = simdloss_circle_f32(B, D, e, y, gamma, margin, rd, (simdloss_reduction)red,
                                           o.loss, o.g);
        fz_check_message("simdloss_circle_f32", rc, msg, sizeof msg);
        fz_slot_check(&lf_e, "embeddings"), fz_slot_check(&lf_y, "labels");
        if (o.loss) fz_slot_check(&lf_loss, "loss");
        if (o.g) fz_slot_check(&lf_g, "grad");
        fz_check_same(e, master, B * D * 4, "embeddings", "a call");
        if (rc != want_rc)
            fz_fail("[%s] returned %s ('%s'), want %s", fz_table_now, fz_rc_name(rc), msg,
                    fz_rc_name(want_rc));
        lf_check_outputs(&o, rc == SIMDLOSS_OK);
        if (rc == SIMDLOSS_OK && fz_table_exact[tb]) lf_compare(&o, &have);
    }
}

static void lf_linear_ce(fz_reader *r, uint64_t rng)
{
    const uint8_t mode = fz_u8(r), fill = fz_u8(r), opts = fz_u8(r);
    const size_t B = fz_u8(r) % (LF_MAXB + 1), D = fz_u8(r) % (LF_MAXD + 1),
                 V = fz_u8(r) % (LF_MAXV + 1);
    const int red = fz_reduction(mode, fz_u32(r));
    const uint8_t lsel = fz_u8(r);
    const float ls = lsel % 8 == 7 ? (lsel & 8 ? -0.25f : 1.5f) : (float)(lsel % 8) / 8.0f;
    const float z = opts & 4 ? lf_param(fz_u8(r), &rng, -0.1f, 0.5f) : 0.0f;
    const float cap = opts & 8 ? lf_param(fz_u8(r), &rng, -1.0f, 30.0f) : 0.0f;
    const int has_bias = mode & 8, want_loss = (mode >> 4) % 4 != 0;
    const int want_gh = (opts >> 4) & 1, want_gw = (opts >> 5) & 1,
              want_gb = has_bias && (opts >> 6);
    const int want_lse = opts & 1;
    const size_t rows = 1 + fz_u8(r) % 8;
    simdloss_linear_set_chunk_bytes(rows * (V ? V : 1) * sizeof(float));
    fz_note("simdloss_linear_cross_entropy_f32(B %zu, D %zu, V %zu, bias %d, %s, ls %g, z %g, "
            "softcap %g, loss %d, gh %d, gw %d, gb %d, lse %d, chunk rows %zu)",
            B, D, V, has_bias != 0, fz_red_name(red), (double)ls, (double)z, (double)cap, want_loss,
            want_gh, want_gw, want_gb, want_lse, rows);
    float *h = fz_slot_place(&lf_e, B * D * 4), *w = fz_slot_place(&lf_w, V * D * 4);
    float *b = has_bias ? fz_slot_place(&lf_b, V * 4) : NULL;
    static float mh[LF_MAXB * LF_MAXD], mw[LF_MAXV * LF_MAXD], mb[LF_MAXV];
    lf_fill(mh, B, D, fill, &rng);
    lf_fill(mw, V, D, fill >> 2, &rng);
    lf_fill(mb, 1, V, fill >> 4, &rng);
    int64_t *t = fz_slot_place(&lf_y, B * 8);
    int target_bad = 0;
    for (size_t i = 0; i < B; i++) {
        const uint64_t v = fz_rand(&rng);
        t[i] = V ? (int64_t)(v % V) : 0;
        if (v % 5 == 0) t[i] = LF_IGN;
        if (v % 53 == 0) t[i] = (int64_t)V + (int64_t)(v % 3);
        if (t[i] != LF_IGN && (t[i] < 0 || t[i] >= (int64_t)V)) target_bad = 1;
    }
    lf_out o = {0};
    o.nloss = red == SIMDLOSS_NONE ? B : 1, o.ng = B * D, o.ngw = V * D, o.ngb = V, o.nlse = B;
    o.loss = want_loss ? fz_slot_place(&lf_loss, o.nloss * 4) : NULL;
    o.g = want_gh ? fz_slot_place(&lf_g, o.ng * 4) : NULL;
    o.gw = want_gw ? fz_slot_place(&lf_gw, o.ngw * 4) : NULL;
    o.gb = want_gb ? fz_slot_place(&lf_gb, o.ngb * 4) : NULL;
    o.lse = want_lse ? fz_slot_place(&lf_lse, o.nlse * 4) : NULL;
    const simdloss_ce_options opt = {z, cap, o.lse, NULL};
    int want_rc = SIMDLOSS_OK;
    const int opt_ok = z >= 0.0f && z <= 3.4e38f && cap >= 0.0f && cap <= 3.4e38f;
    if (!lf_red_ok(red) || (!o.loss && !o.g && !o.gw && !o.gb && !o.lse) || (B > 0 && V == 0) ||
        !(ls >= 0.0f && ls <= 1.0f) || !opt_ok)
        want_rc = SIMDLOSS_EINVAL;
    else if (target_bad)
        want_rc = SIMDLOSS_EDOMAIN;
    static char msg[256];
    int have = 0;
    for (int tb = 0; tb < fz_ntables; tb++) {
        fz_use_table(tb);
        memcpy(h, mh, B * D * 4), memcpy(w, mw, V * D * 4);
        if (b) memcpy(b, mb, V * 4);
        lf_sentinel(&o);
        fz_set_marker();
        const int rc =
            simdloss_linear_cross_entropy_f32(B, D, V, h, w, b, t, LF_IGN, ls, &opt,
                                              (simdloss_reduction)red, o.loss, o.g, o.gw, o.gb);
        fz_check_message("simdloss_linear_cross_entropy_f32", rc, msg, sizeof msg);
        fz_slot_check(&lf_e, "hidden"), fz_slot_check(&lf_w, "weight"),
            fz_slot_check(&lf_y, "target");
        if (b) fz_slot_check(&lf_b, "bias");
        if (o.loss) fz_slot_check(&lf_loss, "loss");
        if (o.g) fz_slot_check(&lf_g, "grad_hidden");
        if (o.gw) fz_slot_check(&lf_gw, "grad_weight");
        if (o.gb) fz_slot_check(&lf_gb, "grad_bias");
        if (o.lse) fz_slot_check(&lf_lse, "lse");
        fz_check_same(h, mh, B * D * 4, "hidden", "a call");
        fz_check_same(w, mw, V * D * 4, "weight", "a call");
        if (rc != want_rc)
            fz_fail("[%s] returned %s ('%s'), want %s", fz_table_now, fz_rc_name(rc), msg,
                    fz_rc_name(want_rc));
        lf_check_outputs(&o, rc == SIMDLOSS_OK);
        if (rc == SIMDLOSS_OK && fz_table_exact[tb]) lf_compare(&o, &have);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_reader r = {data, size};
    const uint8_t which = fz_u8(&r);
    const uint64_t rng = fz_u64(&r);
    fz_case[0] = 0;
    if (which & 1)
        lf_linear_ce(&r, rng);
    else
        lf_circle(&r, rng);
    return 0;
}
