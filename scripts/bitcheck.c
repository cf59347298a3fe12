/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cross-architecture bit check, run by scripts/test.sh: built for x86-64 and
 * for AArch64 (with tests/harness.c, which calls every loss of the registry),
 * it prints one hash per runnable ISA over every elementwise loss and output
 * (NONE loss + gradients, MEAN + gradients, SUM; cyclic gradients) for every
 * cross branch of its test section, on its natural data and on data with
 * kinks, ties, NaN and infinities, at n = 0..40 (every tail of every vector
 * length), 1023..1025 and 4133 (reduction block edges, several blocks); and
 * every class-dimension loss of the registry (through tests/class_calls.c's
 * cr_call) on small, wide and segmentation shapes,
 * with and without weights, smoothing, ignored targets and NaN/inf; and
 * simdloss_ctc_f32 on four shapes. Every
 * variant of both architectures must print the
 * same hash. Raw bits are hashed, NaNs included: every NaN output is the
 * canonical 0x7fc00000 on both architectures (x86's default NaN is
 * negative, Arm's positive).
 *   bitcheck        "<table> <hash>" per runnable exact table
 *   bitcheck -v     ... and one line per loss and set
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"

static uint64_t bc_hash;

static void bc_mix(float v)
{
    const uint32_t b = tl_bits(v);
    bc_hash = (bc_hash ^ b) * 1099511628211ull;
}

#define BC_NMAX 4133
static float l[BC_NMAX], g[SL_MAX_IN][BC_NMAX], gc[BC_NMAX];
static float bc_red;

/* Hashes every output of loss k on branch b's data (edges: with kinks, ties,
 * NaN and infinities) at size n, rounded up to a multiple of the cyclic
 * lengths: NONE with every gradient, MEAN with every gradient, SUM. */
static void bc_case(int k, const ts_branch *b, int edges, size_t n)
{
    const sl_elem_info *L = tl_losses[k].info;
    const size_t m = tl_branch_multiple(k, b);
    n = (n + m - 1) / m * m;
    if (n > BC_NMAX) return;
    tl_data d;
    uint64_t s = tl_seed(L->name, b->label, n) ^ (uint64_t)edges;
    tl_data_make(&d, k, b, n, edges, s);
    for (size_t i = 0; edges && i < n; i++) {
        if (i % 97 == 5) d.in[0][i] = NAN;
        if (i % 89 == 7) d.in[0][i] = i % 2 ? INFINITY : -INFINITY;
    }
    d.flags = tl_data_flags(k, &d);
    tl_args a;
    tl_args_of(&a, &d);
    for (int j = 0; j < L->nin; j++) a.grad[j] = g[j];
    a.grad_cyc = L->ncg ? gc : NULL;
    for (int r = 0; r < 3; r++) {
        a.red = (simdloss_reduction)r;
        a.loss = r == SIMDLOSS_NONE ? l : &bc_red;
        if (r == SIMDLOSS_SUM)
            for (int j = 0; j < L->nin; j++) a.grad[j] = NULL;
        bc_mix((float)tl_losses[k].call(&a));
        if (r == SIMDLOSS_NONE)
            for (size_t i = 0; i < n; i++) bc_mix(l[i]);
        else
            bc_mix(bc_red);
        for (int j = 0; r != SIMDLOSS_SUM && j < L->nin; j++)
            for (size_t i = 0; i < n; i++) bc_mix(g[j][i]);
        for (size_t i = 0; a.grad_cyc && r != SIMDLOSS_SUM && i < d.cyc_len[0]; i++) bc_mix(gc[i]);
    }
    tl_data_free(&d);
}

/* Shapes (batch, classes, inner) of the class-dimension check: across
 * positions (C <= 16, tails), along rows (C > 16, block edges), inner > 1. */
static const size_t bc_shapes[][3] = {{37, 10, 1},  {17, 1, 1}, {9, 33, 1},  {3, 1000, 1},
                                      {2, 2049, 1}, {4, 7, 19}, {2, 21, 33}, {0, 5, 1}};
#define BC_CMAX 4200
static float cx[BC_CMAX], ctf[BC_CMAX], cl[BC_CMAX], cg[BC_CMAX], cw[2100];
static float cx2[2][BC_CMAX], cg2[2][BC_CMAX], ctf2[BC_CMAX], cw2[2100];
static uint16_t cxb[BC_CMAX], cgb[BC_CMAX];
static int64_t cti[BC_CMAX];

/* Hashes every output of class-dimension loss `kind` for input set `set`. */
static void bc_class_case(int kind, int set, const size_t *shape)
{
    const sl_class_info *I = &cr_infos[kind];
    const size_t B = shape[0], C = shape[1], in = I->inner ? shape[2] : 1, n = B * C * in;
    cr_make_inputs(kind, B, C, in, set, 99 + 31 * (uint64_t)kind + (uint64_t)set + 7 * (uint64_t)n,
                   cx, cxb, ctf, cti, cw);
    cr_params p = cr_set_params(kind, set, C, cw);
    /* the further inputs of a loss with several: more data of the same kind */
    for (int j = 0; j < 2 && I->x2[j]; j++) {
        cr_make_inputs(kind, B, C, in, set, 7 + 13 * (uint64_t)j + (uint64_t)n, cx2[j], cxb, ctf2,
                       cti, cw2);
        p.x2[j] = cx2[j], p.g2[j] = cg2[j];
    }
    if (I->x2[0]) /* the input's own data again (cxb, cti, ctf, cw were overwritten) */
        cr_make_inputs(kind, B, C, in, set,
                       99 + 31 * (uint64_t)kind + (uint64_t)set + 7 * (uint64_t)n, cx, cxb, ctf,
                       cti, cw);
    const void *xin = I->bf16 ? (const void *)cxb : cx;
    void *gout = I->bf16 ? (void *)cgb : cg;
    const size_t pos = B * in;
    for (int red = 0; red < 3; red++) {
        const simdloss_reduction r = red == 0   ? SIMDLOSS_NONE
                                     : red == 1 ? SIMDLOSS_MEAN
                                                : SIMDLOSS_SUM;
        bc_mix((float)cr_call(kind, B, C, in, xin, cti, ctf, &p, r, cl, gout));
        for (size_t i = 0; i < (r == SIMDLOSS_NONE ? pos : 1); i++) bc_mix(cl[i]);
        for (size_t i = 0; i < n; i++) {
            float gv = cg[i];
            if (I->bf16) {
                const uint32_t u = (uint32_t)cgb[i] << 16;
                memcpy(&gv, &u, 4);
            }
            bc_mix(gv);
        }
        for (int j = 0; j < 2 && I->x2[j]; j++)
            for (size_t i = 0; i < n; i++) bc_mix(cg2[j][i]);
    }
}

/* simdloss_ctc_f32 on a few shapes (T, N, C, S): log-probabilities from
 * integers (exact on both architectures, no libm), some NaN and -inf,
 * repeated labels, every input length including 0, zero_infinity both ways;
 * every output of every reduction. */
static float ctc_lp[60 * 5 * 33], ctc_g[60 * 5 * 33], ctc_l[5];
static void bc_ctc(void)
{
    static const size_t shapes[][4] = {{1, 2, 2, 1}, {9, 3, 5, 4}, {30, 4, 17, 8}, {60, 5, 33, 12}};
    uint64_t s = 0x1234;
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        const size_t T = shapes[k][0], N = shapes[k][1], C = shapes[k][2], S = shapes[k][3];
        int64_t il[5], tl[5], tg[5 * 12];
        for (size_t i = 0; i < T * N * C; i++) {
            const uint64_t u = tl_rand_u64(&s);
            ctc_lp[i] = u % 97 == 0 ? NAN : u % 89 == 0 ? -INFINITY : -(float)(u % 4096) / 512.0f;
        }
        for (size_t n = 0; n < N; n++) {
            il[n] = (int64_t)(tl_rand_u64(&s) % (T + 1));
            tl[n] = (int64_t)(tl_rand_u64(&s) % (S + 1));
            for (size_t j = 0; j < S; j++) {
                const uint64_t u = tl_rand_u64(&s);
                tg[n * S + j] = u % 4 == 0 && j ? tg[n * S + j - 1] : 1 + (int64_t)(u % (C - 1));
            }
        }
        for (int zi = 0; zi < 2; zi++)
            for (int red = 0; red < 3; red++) {
                if (simdloss_ctc_f32(T, N, C, ctc_lp, tg, S, il, tl, 0, zi, (simdloss_reduction)red,
                                     ctc_l, ctc_g) != SIMDLOSS_OK)
                    bc_mix(12345.0f);
                for (size_t i = 0; i < (red ? 1 : N); i++) bc_mix(ctc_l[i]);
                for (size_t i = 0; i < T * N * C; i++) bc_mix(ctc_g[i]);
            }
    }
}

int main(int argc, char **argv)
{
    const int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    size_t sizes[41 + 4];
    for (size_t k = 0; k <= 40; k++) sizes[k] = k;
    sizes[41] = 1023, sizes[42] = 1024, sizes[43] = 1025, sizes[44] = BC_NMAX;
    /* every runnable exact table (scalar-nofma is correct to an ulp, not
     * bitwise equal, so it has no hash to agree with) */
    for (int t = 0; t < tl_ntables(); t++) {
        if (!tl_table_runnable(t) || !tl_table_exact(t)) continue;
        if (simdloss_set_table(tl_table_name(t)) != SIMDLOSS_OK) return 1;
        uint64_t all = 14695981039346656037ull;
        for (int k = 0; k < TL_NLOSSES; k++)
            for (size_t b = 0; b < ts_specs[k]->nbranches; b++) {
                const ts_branch *br = &ts_specs[k]->branches[b];
                if (!br->cross) continue;
                for (int edges = 0; edges < 2; edges++) {
                    bc_hash = 14695981039346656037ull;
                    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
                        bc_case(k, br, edges, sizes[si]);
                    if (verbose)
                        printf("  %-16s %-32s %s: %016llx\n", tl_losses[k].info->name, br->label,
                               edges ? "edges" : "natural", (unsigned long long)bc_hash);
                    all = (all ^ bc_hash) * 1099511628211ull;
                }
            }
        for (int kind = 0; kind < CR_NKINDS; kind++)
            for (int set = 0; set < 3; set++) {
                bc_hash = 14695981039346656037ull;
                for (size_t k = 0; k < sizeof bc_shapes / sizeof bc_shapes[0]; k++)
                    bc_class_case(kind, set, bc_shapes[k]);
                if (verbose)
                    printf("  %-16s set %d: %016llx\n", cr_infos[kind].name, set,
                           (unsigned long long)bc_hash);
                all = (all ^ bc_hash) * 1099511628211ull;
            }
        bc_hash = 14695981039346656037ull;
        bc_ctc();
        if (verbose) printf("  %-16s: %016llx\n", "ctc", (unsigned long long)bc_hash);
        all = (all ^ bc_hash) * 1099511628211ull;
        printf("%s %016llx\n", tl_table_name(t), (unsigned long long)all);
    }
    return 0;
}
