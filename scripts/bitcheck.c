/*
 * Cross-architecture bit check, run by scripts/test.sh: built for x86-64 and
 * for AArch64 (with tests/harness.c, which calls every loss by name), it
 * prints one hash per runnable ISA over every loss and output (NONE loss +
 * gradient, MEAN + gradient, SUM; gaussian_nll's variance gradient) for three
 * parameter and input sets, one with NaN and infinities, and n = 0..40
 * (every tail of every vector length), 1023..1025 and 4133 (reduction block
 * edges, several blocks); and every class-dimension loss (through
 * tests/class_reference.c's cr_call) on small, wide and segmentation shapes,
 * with and without weights, smoothing, ignored targets and NaN/inf. Every
 * variant of both architectures must print the
 * same hash. Raw bits are hashed, NaNs included: every NaN output is the
 * canonical 0x7fc00000 on both architectures (x86's default NaN is
 * negative, Arm's positive).
 *   bitcheck        "<isa> <hash>" per runnable ISA
 *   bitcheck -v     ... and one line per loss and set
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_reference.h"
#include "harness.h"

static uint64_t bc_hash;

static void bc_mix(float v)
{
    const uint32_t b = tl_bits(v);
    bc_hash = (bc_hash ^ b) * 1099511628211ull;
}

static int bc_is(const tl_loss *L, const char *name) { return strcmp(L->name, name) == 0; }

#define BC_NMAX 4133
static float x[BC_NMAX], y[BC_NMAX], v[BC_NMAX], w[BC_NMAX], l[BC_NMAX], g[BC_NMAX], ga[BC_NMAX];
static float bc_mean, bc_sum;

/* Hashes every output of loss L for input set `set` at size n. */
static void bc_case(const tl_loss *L, int set, size_t n)
{
    uint64_t s = 1234 + 7 * (uint64_t)(L - tl_losses) + (uint64_t)set + 1000 * (uint64_t)n;
    for (size_t i = 0; i < n; i++) {
        const double u = tl_rand_unit(&s), z = tl_rand_normal(&s);
        x[i] = (float)(set == 2 ? z * 30 : z * 2);
        y[i] = (float)tl_rand_unit(&s);
        if (bc_is(L, "bce")) x[i] = (float)u;
        if (bc_is(L, "msle") || bc_is(L, "poisson") || bc_is(L, "mape") ||
            (bc_is(L, "poisson_nll") && !(set & 1)))
            x[i] = fabsf(x[i]);
        if (bc_is(L, "hinge") || bc_is(L, "squared_hinge") || bc_is(L, "hinge_embedding") ||
            bc_is(L, "soft_margin"))
            y[i] = y[i] < 0.5f ? -1.0f : 1.0f;
        v[i] = (float)(0.01 + tl_rand_unit(&s));
        w[i] = (float)(0.5 + tl_rand_unit(&s));
        if (set == 1 && i % 97 == 5) x[i] = NAN;
        if (set == 1 && i % 89 == 7) x[i] = i % 2 ? INFINITY : -INFINITY;
    }
    tl_params p = {{0.25f, 2.0f, 0.1f}, {set & 1, 1}, NULL, 0, NULL, 0};
    if (set == 2) p.f[0] = 0.75f, p.f[1] = 2.5f;
    if (bc_is(L, "binary_focal")) /* gamma, alpha, label smoothing */
        p.f[0] = set == 2 ? 2.5f : 2.0f, p.f[1] = set == 1 ? -1.0f : 0.25f;
    if (bc_is(L, "gaussian_nll")) p.aux0 = v, p.aux0_len = n;
    if (bc_is(L, "bce") && set) p.aux0 = w, p.aux0_len = n;
    if (bc_is(L, "bce_with_logits") && set) p.aux0 = w, p.aux0_len = 1, p.aux1 = v, p.aux1_len = n;

    bc_mix((float)L->call(n, x, y, &p, SIMDLOSS_NONE, l, g, ga));
    for (size_t i = 0; i < n; i++) bc_mix(l[i]), bc_mix(g[i]);
    if (bc_is(L, "gaussian_nll"))
        for (size_t i = 0; i < n; i++) bc_mix(ga[i]);
    bc_mix((float)L->call(n, x, y, &p, SIMDLOSS_MEAN, &bc_mean, g, ga));
    bc_mix(bc_mean);
    for (size_t i = 0; i < n; i++) bc_mix(g[i]);
    bc_mix((float)L->call(n, x, y, &p, SIMDLOSS_SUM, &bc_sum, NULL, NULL));
    bc_mix(bc_sum);
}

/* Shapes (batch, classes, inner) of the class-dimension check: across
 * positions (C <= 16, tails), along rows (C > 16, block edges), inner > 1. */
static const size_t bc_shapes[][3] = {{37, 10, 1},  {17, 1, 1}, {9, 33, 1},  {3, 1000, 1},
                                      {2, 2049, 1}, {4, 7, 19}, {2, 21, 33}, {0, 5, 1}};
#define BC_CMAX 4200
static float cx[BC_CMAX], ctf[BC_CMAX], cl[BC_CMAX], cg[BC_CMAX], cw[2100];
static uint16_t cxb[BC_CMAX], cgb[BC_CMAX];
static int64_t cti[BC_CMAX];

/* Hashes every output of class-dimension loss `kind` for input set `set`. */
static void bc_class_case(int kind, int set, const size_t *shape)
{
    const cr_info *I = &cr_infos[kind];
    const size_t B = shape[0], C = shape[1], in = I->has_inner ? shape[2] : 1, n = B * C * in;
    const int probs = kind == CR_CCE || kind == CR_CHINGE || kind == CR_CFOCAL;
    uint64_t s = 99 + 31 * (uint64_t)kind + (uint64_t)set + 7 * (uint64_t)n;
    for (size_t i = 0; i < n; i++) {
        cx[i] = probs ? (float)tl_rand_unit(&s) : (float)(tl_rand_normal(&s) * (set == 2 ? 30 : 2));
        ctf[i] = I->target == CR_T_FLOAT && kind == CR_MLSOFT ? (float)(tl_rand_unit(&s) < 0.3)
                                                              : (float)tl_rand_unit(&s);
        if (set == 1 && i % 97 == 5) cx[i] = NAN;
        if (set == 1 && i % 89 == 7) cx[i] = probs ? 0.0f : (i % 2 ? INFINITY : -INFINITY);
        memcpy(&cxb[i], (const char *)&cx[i] + 2, 2); /* little-endian: the top half */
    }
    for (size_t c = 0; c < C; c++) cw[c] = (float)(0.25 + tl_rand_unit(&s));
    if (I->target == CR_T_MULTILABEL) {
        for (size_t b = 0; b < B; b++) {
            const size_t k = (size_t)(tl_rand_unit(&s) * (double)(C + 1));
            for (size_t c = 0; c < C; c++)
                cti[b * C + c] = c < k ? (int64_t)(tl_rand_unit(&s) * (double)C) : -1;
        }
    } else {
        for (size_t i = 0; i < B * in; i++)
            cti[i] = set == 1 && i % 5 == 3 ? -100 : (int64_t)(tl_rand_unit(&s) * (double)C);
    }
    cr_params p = cr_default_params();
    if (set >= 1) p.weight = cw, p.label_smoothing = set == 1 ? 0.1f : 1.0f, p.p = 2;
    if (set == 2)
        p.ignore_index = 0, p.margin = 0.5f, p.gamma = 0.0f, p.alpha = cw, p.alpha_len = C;
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
    }
}

int main(int argc, char **argv)
{
    const int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    size_t sizes[41 + 4];
    for (size_t k = 0; k <= 40; k++) sizes[k] = k;
    sizes[41] = 1023, sizes[42] = 1024, sizes[43] = 1025, sizes[44] = BC_NMAX;
    for (int isa = 0; isa < TL_NISA; isa++) {
        if (!simdloss_isa_supported((simdloss_isa)isa)) continue;
        if (simdloss_set_isa((simdloss_isa)isa) != SIMDLOSS_OK) return 1;
        uint64_t all = 14695981039346656037ull;
        for (size_t k = 0; k < tl_nlosses; k++)
            for (int set = 0; set < 3; set++) {
                bc_hash = 14695981039346656037ull;
                for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
                    bc_case(&tl_losses[k], set, sizes[si]);
                if (verbose)
                    printf("  %-16s set %d: %016llx (n = %d: mean %a sum %a)\n", tl_losses[k].name,
                           set, (unsigned long long)bc_hash, BC_NMAX, (double)bc_mean,
                           (double)bc_sum);
                all = (all ^ bc_hash) * 1099511628211ull;
            }
        for (int kind = 0; kind < CR_NKINDS; kind++)
            for (int set = 0; set < 3; set++) {
                bc_hash = 14695981039346656037ull;
                for (size_t k = 0; k < sizeof bc_shapes / sizeof bc_shapes[0]; k++)
                    bc_class_case(kind, set, bc_shapes[k]);
                if (verbose)
                    printf("  %-16s set %d: %016llx\n", cr_infos[kind].name + 9, set,
                           (unsigned long long)bc_hash);
                all = (all ^ bc_hash) * 1099511628211ull;
            }
        printf("%s %016llx\n", simdloss_isa_name((simdloss_isa)isa), (unsigned long long)all);
    }
    return 0;
}
