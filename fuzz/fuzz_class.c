/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: every class-dimension function of the registry
 * (src/losses.def), called through tests/class_calls.c's cr_call with
 * arguments decoded from the fuzz input, on every runnable kernel table.
 *
 * Input layout (little-endian; a short input reads as zeros past its end;
 * fuzz/make_corpus.py writes the same layout):
 *   u8 kind (registry order, mod the number of class losses)   u8 size mode
 *   u16 batch  u16 classes  u16 inner  u8 x3 huge-size selectors
 *   u8 reduction mode  u32 raw reduction   u8 loss output  u8 gradient output (its bits
 *   3-4: a further input NULL, 5-6: the further inputs' gradients wanted)
 *   input   { u8 fill, u32 seed }
 *   target  { u8 mode, u8 fill, u32 seed }
 *   weight  { u8 mode, u8 fill, u32 seed }   (also the row labels of a loss with them)
 *   alpha   { u8 length mode, u32 length, u8 fill, u32 seed }
 *   ignore_index { u8 mode, u64 raw }
 *   float parameters 0..3, int parameters 0..3 (registry order) { u8 mode, u32 raw } each
 *   then the pool: raw 32-bit words the "pool" fills read in a cycle.
 *
 * Sizes are small (at most FC_MAXE elements, and 128 + 8 per input byte), or
 * huge only where the call must be rejected (classes or inner 0 with
 * batch > 0, a product of the sizes that overflows) or where batch == 0 (the
 * call reads nothing): then every array has at most the elements that a
 * valid call of that shape would have, usually none (a pointer to the guard
 * page). With batch == 0 the weights have no element at all whatever
 * classes, nor has alpha, so a read of any is caught.
 *
 * Checks, for every input (see fuzz_elementwise.c for the shared ones):
 *   - every array ends exactly at a PROT_NONE page;
 *   - EINVAL exactly when the arguments break the contract, EDOMAIN exactly
 *     when they are valid but a class-index target is out of range (either
 *     of the two when both hold);
 *   - EINVAL and EDOMAIN write nothing (targets are checked before anything
 *     is read or written); inputs never change unless the gradient is the
 *     input;
 *   - OK writes every loss and gradient element, every NaN is 0x7fc00000
 *     (bfloat16 0x7fc0); batch == 0 gives SUM 0 and MEAN NaN; ignored
 *     positions get loss 0 and a zero gradient;
 *   - messages as in fuzz_elementwise.c; every table returns the same
 *     status and message, every exact table the same output bits.
 */
#define _DEFAULT_SOURCE
#include "class_spec.h"
#include "fuzz_common.h"

#define FC_MAXE 16384 /* the most elements of any array */

enum { FC_X, FC_TGT, FC_W, FC_ALPHA, FC_LAB, FC_X2A, FC_X2B, FC_ND }; /* data arrays */
enum { FC_LOSS, FC_GRAD, FC_G2A, FC_G2B, FC_NO };                     /* outputs */
static const char *const fc_dnames[FC_ND] = {"input",  "target", "weight", "alpha",
                                             "labels", "input2", "input3"};
static const char *const fc_onames[FC_NO] = {"loss", "grad", "grad2", "grad3"};

typedef struct {
    int kind;
    const sl_class_info *I;
    size_t batch, classes, inner;
    int sizes_ok;     /* batch > 0, classes > 0, inner > 0, no overflow */
    size_t nel, npos; /* batch * classes * inner, batch * inner (0 when not small) */
    int red;
    cr_params p;
    int present[FC_ND];
    size_t dlen[FC_ND];  /* elements */
    size_t dsize[FC_ND]; /* bytes per element */
    int want[FC_NO], grad_alias;
    size_t olen[FC_NO];
} fc_case;

static fz_slot fc_dslot[FC_ND], fc_oslot[FC_NO];
/* the data: floats (or bf16) of the input, targets (int64 or float),
 * weights, alpha */
static union {
    float f[FC_MAXE];
    uint16_t h[FC_MAXE];
} fc_x;
static union {
    int64_t i[FC_MAXE];
    float f[FC_MAXE];
} fc_t;
static float fc_w[FC_MAXE], fc_alpha[FC_MAXE];
static int64_t fc_lab[FC_MAXE]; /* row labels (RLAB) */
static float fc_x2[2][FC_MAXE]; /* further inputs (X2) */
static unsigned char fc_first[FC_NO][FC_MAXE * sizeof(float)];
static float fc_tmp[FC_MAXE];

static const void *fc_master(int d)
{
    switch (d) {
    case FC_X: return &fc_x;
    case FC_TGT: return &fc_t;
    case FC_W: return fc_w;
    case FC_LAB: return fc_lab;
    case FC_X2A: return fc_x2[0];
    case FC_X2B: return fc_x2[1];
    default: return fc_alpha;
    }
}

/* a size from a selector byte and a value */
static size_t fc_pick(unsigned h, unsigned v)
{
    switch (h % 4) {
    case 0: return (size_t)fz_huge[v % FZ_NHUGE];
    case 1: return v % 4;
    case 2: return 1 + v % 40;
    default: return (size_t)fz_huge[(h >> 2) % FZ_NHUGE];
    }
}

/* class-index targets that are not valid for most shapes */
static int64_t fc_odd_target(uint64_t r, size_t C, int64_t ignore)
{
    const uint64_t c = C; /* (wrapping: C may be huge) */
    switch (r % 14) {
    case 0: return -1;
    case 1: return -2;
    case 2: return -100;
    case 3: return (int64_t)c;
    case 4: return (int64_t)(c + 1);
    case 5: return INT64_MIN;
    case 6: return INT64_MAX;
    case 7: return 0;
    case 8: return (int64_t)(c - 1);
    case 9: return ignore;
    case 10: return (int64_t)1 << 32;
    case 11: return -((int64_t)1 << 32);
    case 12: return (int64_t)(r >> 8);
    default: return (int64_t)(c + (r >> 8) % 1000);
    }
}

static void fc_targets(fc_case *c, unsigned mode, unsigned fill, uint32_t seed, fz_pool *pool)
{
    uint64_t s = ((uint64_t)seed << 8) ^ mode ^ 0x7a97ull;
    const size_t n = c->dlen[FC_TGT], C = c->classes, I = c->inner;
    const int64_t ign = c->p.ignore_index;
    if (c->I->target == SL_T_INDEX) {
        for (size_t k = 0; k < n; k++) {
            const uint64_t r = fz_rand(&s);
            int64_t t = C ? (int64_t)(r % C) : 0;
            switch (mode % 8) {
            case 4:
                if ((r >> 40) % 4 == 0) t = ign;
                break;
            case 5:
                if ((r >> 40) % 64 == 0)
                    t = fc_odd_target(fz_rand(&s), C, ign);
                else if ((r >> 40) % 8 == 0)
                    t = ign;
                break;
            case 6: t = ign; break;
            case 7: t = fc_odd_target(fz_rand(&s), C, ign); break;
            default: break;
            }
            fc_t.i[k] = t;
        }
    } else if (c->I->target == SL_T_LABELS) {
        for (size_t b = 0; C && b < n / C; b++) {
            int64_t *row = fc_t.i + b * C;
            const size_t nl = (size_t)(fz_rand(&s) % (C + 1));
            for (size_t k = 0; k < C; k++) {
                const uint64_t r = fz_rand(&s);
                int64_t t = (int64_t)(r % C);               /* a label */
                if (k == nl) t = -1;                        /* the end */
                if (k > nl) t = (int64_t)(r % (C + 1)) - 1; /* after it: anything valid */
                switch (mode % 8) {
                case 4: t = (int64_t)(r % C); break; /* no -1 */
                case 5:
                    if ((r >> 40) % 32 == 0) t = fc_odd_target(fz_rand(&s), C, -1);
                    break;
                case 6:
                    if (k == 0) t = -1;
                    break;
                case 7: t = fc_odd_target(fz_rand(&s), C, -1); break;
                default: break;
                }
                row[k] = t;
            }
        }
    } else if (c->I->target == SL_T_ROW) { /* one per row: mostly +-1 */
        static const float rowt[8] = {1.0f, -1.0f, 1.0f, -1.0f, 0.0f, 2.0f, NAN, -INFINITY};
        for (size_t k = 0; k < n; k++) fc_t.f[k] = rowt[fz_rand(&s) % (mode % 8 == 7 ? 8 : 4)];
    } else { /* float targets, the input's shape */
        const unsigned m = mode % 8;
        if (m == 6 || !c->sizes_ok) { /* (rows need a valid shape) */
            fz_fill(fc_t.f, n, fill, seed, SL_D_PROB, pool);
            return;
        }
        for (size_t k = 0; k < n; k++) {
            const uint64_t r = fz_rand(&s);
            fc_t.f[k] = m == 4 ? (float)(r & 1) : m == 5 ? (float)fz_unit(&s) : 0.0f;
        }
        if (m == 3) { /* soft rows: each position's targets sum to about 1 */
            for (size_t k = 0; k < n; k++) fc_t.f[k] = (float)fz_unit(&s);
            for (size_t b = 0; C && b < c->batch; b++)
                for (size_t i = 0; i < I; i++) {
                    double sum = 0;
                    for (size_t k = 0; k < C; k++) sum += fc_t.f[(b * C + k) * I + i];
                    for (size_t k = 0; k < C && sum > 0; k++)
                        fc_t.f[(b * C + k) * I + i] = (float)(fc_t.f[(b * C + k) * I + i] / sum);
                }
        } else if (m < 3 || m == 7) { /* one-hot */
            for (size_t b = 0; C && b < c->batch; b++)
                for (size_t i = 0; i < I; i++) fc_t.f[(b * C + fz_rand(&s) % C) * I + i] = 1.0f;
            for (size_t k = 0; m == 7 && k < n; k++)
                if (fz_rand(&s) % 8 == 0) fc_t.f[k] = fz_special(fz_rand(&s));
        }
    }
}

static void fc_decode(const uint8_t *data, size_t size, fc_case *c)
{
    fz_reader r = {data, size};
    memset(c, 0, sizeof *c);
    c->kind = fz_u8(&r) % CR_NKINDS;
    const sl_class_info *I = c->I = &cr_infos[c->kind];
    const unsigned smode = fz_u8(&r), b16 = fz_u16(&r), c16 = fz_u16(&r), i16 = fz_u16(&r);
    const unsigned hb = fz_u8(&r), hc = fz_u8(&r), hi = fz_u8(&r);
    const unsigned redmode = fz_u8(&r);
    const uint32_t redraw = fz_u32(&r);
    const unsigned lossout = fz_u8(&r), gradout = fz_u8(&r);
    const unsigned xfill = fz_u8(&r);
    const uint32_t xseed = fz_u32(&r);
    const unsigned tmode = fz_u8(&r), tfill = fz_u8(&r);
    const uint32_t tseed = fz_u32(&r);
    const unsigned wmode = fz_u8(&r), wfill = fz_u8(&r);
    const uint32_t wseed = fz_u32(&r);
    const unsigned amode = fz_u8(&r);
    const uint32_t araw = fz_u32(&r);
    const unsigned afill = fz_u8(&r);
    const uint32_t aseed = fz_u32(&r);
    const unsigned imode = fz_u8(&r);
    const uint64_t iraw = fz_u64(&r);
    unsigned pfmode[SL_MAX_PF], pimode[SL_MAX_PI];
    uint32_t pfraw[SL_MAX_PF], piraw[SL_MAX_PI];
    for (int j = 0; j < SL_MAX_PF; j++) pfmode[j] = fz_u8(&r), pfraw[j] = fz_u32(&r);
    for (int j = 0; j < SL_MAX_PI; j++) pimode[j] = fz_u8(&r), piraw[j] = fz_u32(&r);
    fz_pool pool = {r.p, r.n, 0};

    /* ---- sizes */
    size_t B, C, N;
    const int inner = I->inner;
    switch (smode % 16) {
    case 10: /* an empty batch */ B = 0, C = c16 % 41, N = inner ? i16 % 7 : 1; break;
    case 11: /* no classes */ B = 1 + b16 % 8, C = 0, N = inner ? 1 + i16 % 6 : 1; break;
    case 12: /* no inner positions */ B = 1 + b16 % 8, C = 1 + c16 % 40, N = inner ? 0 : 1; break;
    case 13:
    case 14:
    case 15: /* huge */
        B = fc_pick(hb, b16), C = fc_pick(hc, c16), N = inner ? fc_pick(hi, i16) : 1;
        break;
    default:
        B = b16 & 0x8000 ? b16 % 1500 : b16 % 9;
        C = c16 & 0x8000 ? 1 + c16 % 1100 : 1 + c16 % 40;
        N = !inner ? 1 : i16 & 0x8000 ? 1 + i16 % 40 : i16 & 0x4000 ? 1 + i16 % 6 : 1;
        break;
    }
    size_t bc, e;
    const int fits = fz_mul(B, C, &bc) && fz_mul(bc, N, &e) && e <= SIZE_MAX / 8;
    if (B > 0 && C > 0 && N > 0 && fits) {
        /* a valid shape: small, and no more than the input justifies */
        size_t limit = 128 + 8 * size;
        if (limit > FC_MAXE) limit = FC_MAXE;
        if (e > limit) {
            if (smode % 16 >= 13) {
                B = 0; /* huge but valid: only an empty batch is possible */
            } else {
                if (C * N > limit) {
                    if (N > limit) N = limit;
                    if (C > limit / N) C = limit / N;
                }
                B = limit / (C * N);
            }
        }
    }
    c->batch = B, c->classes = C, c->inner = N;
    c->sizes_ok =
        B > 0 && C > 0 && N > 0 && fz_mul(B, C, &bc) && fz_mul(bc, N, &e) && e <= SIZE_MAX / 8;
    /* element counts of a call that can be valid; 0 where the call must fail
     * or read nothing */
    size_t nel = 0, npos = 0, nrow = 0;
    if (B == 0 || c->sizes_ok) {
        if (!fz_mul(B, C, &nrow) || !fz_mul(nrow, N, &nel) || !fz_mul(B, N, &npos)) abort();
    } else {
        /* rejected: whatever of the counts is small */
        if (!fz_mul(B, N, &npos) || npos > FC_MAXE) npos = 0;
        if (!fz_mul(B, C, &nrow) || nrow > FC_MAXE) nrow = 0;
        if (!fz_mul(nrow, N, &nel) || nel > FC_MAXE) nel = 0;
    }
    c->nel = nel, c->npos = npos;

    /* ---- reduction */
    c->red = fz_reduction(redmode, redraw);

    /* ---- parameters */
    c->p = cr_default_params(c->kind);
    switch (imode % 8) {
    case 4: c->p.ignore_index = 0; break;
    case 5: c->p.ignore_index = (int64_t)(iraw % (C ? C : 1)); break;
    case 6: c->p.ignore_index = -1; break;
    case 7: c->p.ignore_index = (int64_t)iraw; break;
    default: break;
    }
    static const float odd_float[] = {0.0f,  1.0f,       0.5f,           0.1f, 1e-8f, 0x1.000002p0f,
                                      -0.0f, -0x1p-149f, 0x1.fffffep-1f, 3.0f, 2.5f,  1e-30f};
    for (int j = 0; j < I->npf; j++) {
        const uint32_t raw = pfraw[j];
        switch (pfmode[j] % 8) {
        case 3: c->p.pf[j] = odd_float[raw % 12]; break;
        case 4: c->p.pf[j] = fz_float(raw); break;
        case 5: c->p.pf[j] = fz_special(raw); break;
        case 6: c->p.pf[j] = fz_boundary(&I->pf[j].range, raw); break;
        case 7: c->p.pf[j] = (float)((int)(raw % 8193) - 4096) / 512.0f; break;
        default: break; /* the default */
        }
    }
    static const int odd_int[] = {0, 3, -1, INT32_MIN};
    for (int j = 0; j < I->npi; j++) {
        switch (pimode[j] % 8) {
        case 4:
        case 5: c->p.pi[j] = 2; break;
        case 6: c->p.pi[j] = (int)piraw[j]; break;
        case 7: c->p.pi[j] = odd_int[piraw[j] % 4]; break;
        default: break;
        }
    }

    /* ---- arrays */
    const size_t es = I->bf16 ? 2 : 4;
    c->present[FC_X] = xfill % 16 != FZ_F_NULL;
    c->dlen[FC_X] = nel, c->dsize[FC_X] = es;
    c->present[FC_TGT] = tmode % 16 != FZ_F_NULL;
    c->dlen[FC_TGT] = I->target == SL_T_INDEX || I->target == SL_T_ROW ? npos
                      : I->target == SL_T_LABELS                       ? nrow
                                                                       : nel;
    if (I->target == SL_T_NONE) c->present[FC_TGT] = 0;
    /* further inputs: present unless the gradient byte's bits 3-4 say NULL */
    for (int j = 0; j < 2; j++) {
        c->present[FC_X2A + j] = I->x2[j] != NULL && (gradout >> 3) % 4 != (unsigned)(1 + j);
        c->dlen[FC_X2A + j] = nel, c->dsize[FC_X2A + j] = 4;
    }
    c->dsize[FC_TGT] = I->target == SL_T_FLOAT ? 4 : 8;
    c->present[FC_W] = (I->w != NULL) && wmode % 8 >= 4;
    /* row labels take the weight's bytes (no loss has both): NULL or one
     * per row, some equal to ignore_index, the others anything */
    c->present[FC_LAB] = (I->rlab != NULL) && wmode % 8 >= 4;
    c->dlen[FC_LAB] = npos, c->dsize[FC_LAB] = 8;
    /* batch == 0 reads nothing: no weight or alpha element then */
    c->dlen[FC_W] = B > 0 && C <= FC_MAXE ? C : 0, c->dsize[FC_W] = 4;
    if (I->alpha) {
        size_t alen = 1;
        c->present[FC_ALPHA] = 1;
        switch (amode % 8) {
        case 3:
        case 4: alen = C; break;
        case 5: c->present[FC_ALPHA] = 0; break;
        case 6: alen = 0; break;
        case 7: {
            const size_t odd[] = {2, C + 1, C - 1, (size_t)fz_huge[araw % FZ_NHUGE], araw};
            alen = odd[(araw >> 24) % 5];
            break;
        }
        default: break;
        }
        c->p.alpha_len = alen;
        /* alpha[0] only for a length beyond FC_MAXE (the call fails) */
        c->dlen[FC_ALPHA] = alen == 0 || B == 0 ? 0 : alen > FC_MAXE ? 1 : alen;
        c->dsize[FC_ALPHA] = 4;
    }

    c->want[FC_LOSS] = lossout % 4 != 0;
    c->olen[FC_LOSS] = c->red == SIMDLOSS_NONE ? npos : 1;
    c->want[FC_GRAD] = gradout % 8 >= 2;
    c->olen[FC_GRAD] = nel;
    c->grad_alias = c->want[FC_GRAD] && gradout % 8 >= 6 && c->present[FC_X];
    for (int j = 0; j < 2; j++) { /* their gradients: bits 5 and 6 */
        c->want[FC_G2A + j] = I->x2[j] != NULL && (gradout >> (5 + j)) % 2 == 1;
        c->olen[FC_G2A + j] = nel;
    }

    /* ---- the data */
    if (c->present[FC_X]) {
        const int dom = I->x_dom;
        if (I->bf16) {
            fz_fill(fc_tmp, nel, xfill, xseed, dom, &pool);
            for (size_t k = 0; k < nel; k++) fc_x.h[k] = fz_bf16(fc_tmp[k]);
        } else {
            fz_fill(fc_x.f, nel, xfill, xseed, dom, &pool);
        }
    }
    if (c->present[FC_TGT]) fc_targets(c, tmode, tfill, tseed, &pool);
    for (int j = 0; j < 2; j++)
        if (c->present[FC_X2A + j])
            fz_fill(fc_x2[j], nel, xfill, xseed ^ (0x9e3779b9u * (uint32_t)(j + 1)), I->x_dom,
                    &pool);
    if (c->present[FC_W]) fz_fill(fc_w, c->dlen[FC_W], wfill, wseed, SL_D_POSITIVE, &pool);
    if (c->present[FC_LAB]) {
        uint64_t ls = ((uint64_t)wseed << 8) ^ wfill ^ 0x1ab5ull;
        for (size_t k = 0; k < npos; k++) {
            const uint64_t v = fz_rand(&ls);
            fc_lab[k] = (v >> 40) % 4 == 0 ? c->p.ignore_index : fc_odd_target(v, C, -100);
        }
    }
    if (c->present[FC_ALPHA]) fz_fill(fc_alpha, c->dlen[FC_ALPHA], afill, aseed, SL_D_PROB, &pool);

    /* ---- the description */
    fz_case[0] = 0;
    fz_note("%s(batch = %zu, classes = %zu", I->fn, B, C);
    if (I->inner) fz_note(", inner = %zu", N);
    fz_note(", %s = ", I->x);
    if (c->present[FC_X])
        fz_note("[%zu: %s, seed 0x%x]", nel, fz_fill_names[xfill % 16], (unsigned)xseed);
    else
        fz_note("NULL");
    if (c->present[FC_TGT])
        fz_note(", target = [%zu: mode %u, seed 0x%x]", c->dlen[FC_TGT], tmode % 8,
                (unsigned)tseed);
    else
        fz_note(", target = NULL");
    if ((I->w != NULL)) {
        if (c->present[FC_W])
            fz_note(", weight = [%zu: %s, seed 0x%x]", c->dlen[FC_W], fz_fill_names[wfill % 16],
                    (unsigned)wseed);
        else
            fz_note(", weight = NULL");
    }
    if (I->alpha) {
        if (c->present[FC_ALPHA])
            fz_note(", %s = [%zu: %s, seed 0x%x]", I->alpha, c->dlen[FC_ALPHA],
                    fz_fill_names[afill % 16], (unsigned)aseed);
        else
            fz_note(", %s = NULL", I->alpha);
        fz_note(", %s = %zu", I->alpha_len, c->p.alpha_len);
    }
    if (I->rlab) {
        if (c->present[FC_LAB])
            fz_note(", %s = [%zu: seed 0x%x]", I->rlab, c->dlen[FC_LAB], (unsigned)wseed);
        else
            fz_note(", %s = NULL", I->rlab);
    }
    if ((I->ignore != NULL)) fz_note(", %s = %lld", I->ignore, (long long)c->p.ignore_index);
    for (int j = 0; j < I->npf; j++)
        fz_note(", %s = %.9g (0x%08x)", I->pf[j].name, (double)c->p.pf[j],
                (unsigned)fz_bits(c->p.pf[j]));
    for (int j = 0; j < I->npi; j++) fz_note(", %s = %d", I->pi[j].name, c->p.pi[j]);
    fz_note(", reduction = %d (%s)", c->red, fz_red_name(c->red));
    if (c->want[FC_LOSS])
        fz_note(", loss = [%zu]", c->olen[FC_LOSS]);
    else
        fz_note(", loss = NULL");
    if (!c->want[FC_GRAD])
        fz_note(", grad = NULL)");
    else if (c->grad_alias)
        fz_note(", grad = %s)", I->x);
    else
        fz_note(", grad = [%zu])", nel);
}

/* ---- the contract ------------------------------------------------------------------------------
 */
static const char *fc_einval_reason(const fc_case *c)
{
    const sl_class_info *I = c->I;
    const size_t B = c->batch, C = c->classes, N = c->inner;
    const cr_params *p = &c->p;
    if (c->red != SIMDLOSS_NONE && c->red != SIMDLOSS_MEAN && c->red != SIMDLOSS_SUM)
        return "reduction is invalid";
    if (B > 0 && C == 0) return "classes == 0 with batch > 0";
    if (B > 0 && N == 0) return "inner == 0 with batch > 0";
    if (B > 0 && !c->sizes_ok) return "the size product overflows";
    if (B > 0 && !c->present[FC_X]) return "input is NULL";
    if (!c->want[FC_LOSS] && !c->want[FC_GRAD] && !c->want[FC_G2A] && !c->want[FC_G2B])
        return "loss and gradient are both NULL";
    for (int j = 0; j < I->npf; j++)
        if (!fz_in_range(&I->pf[j].range, p->pf[j])) return "a float parameter is out of range";
    for (int j = 0; j < I->npi; j++)
        if (I->pi[j].rule == SL_I_ONE_TWO && p->pi[j] != 1 && p->pi[j] != 2)
            return "an int parameter is not 1 or 2";
    if (B > 0 && I->target != SL_T_NONE && !c->present[FC_TGT]) return "target is NULL";
    for (int j = 0; j < 2; j++)
        if (B > 0 && I->x2[j] && !c->present[FC_X2A + j]) return "a further input is NULL";
    if (I->alpha) {
        if (!c->present[FC_ALPHA]) return "alpha is NULL";
        if (p->alpha_len != 1 && p->alpha_len != C) return "alpha_len is neither 1 nor classes";
        if (p->alpha_len == 0) return "alpha_len is 0";
    }
    return NULL;
}

/* The first class-index target outside the contract (valid shapes only). */
static int fc_bad_target(const fc_case *c, size_t *at)
{
    if (!c->sizes_ok || !c->present[FC_TGT]) return 0;
    const uint64_t C = c->classes;
    if (c->I->target == SL_T_INDEX) {
        for (size_t k = 0; k < c->dlen[FC_TGT]; k++) {
            const int64_t t = fc_t.i[k];
            const int on = !c->I->ignore || t != c->p.ignore_index;
            if (on && (uint64_t)t >= C) return *at = k, 1;
        }
    } else if (c->I->target == SL_T_LABELS) {
        for (size_t k = 0; k < c->dlen[FC_TGT]; k++)
            if (fc_t.i[k] < -1 || fc_t.i[k] >= (int64_t)C) return *at = k, 1;
    }
    return 0;
}

/* ---- the fuzz target ---------------------------------------------------------------------------
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_tables_init();
    fz_slot_init(&fc_dslot[FC_X], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_dslot[FC_TGT], FC_MAXE * sizeof(int64_t));
    fz_slot_init(&fc_dslot[FC_W], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_dslot[FC_ALPHA], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_dslot[FC_LAB], FC_MAXE * sizeof(int64_t));
    fz_slot_init(&fc_dslot[FC_X2A], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_dslot[FC_X2B], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_oslot[FC_G2A], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_oslot[FC_G2B], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_oslot[FC_LOSS], FC_MAXE * sizeof(float));
    fz_slot_init(&fc_oslot[FC_GRAD], FC_MAXE * sizeof(float));
    return 0;
}

/* the zero test of an output element (float or bfloat16) */
static int fc_is_zero(const void *v, size_t es, size_t k)
{
    if (es == 2) return (((const uint16_t *)v)[k] & 0x7fffu) == 0;
    return (fz_bits(((const float *)v)[k]) & 0x7fffffffu) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fc_case c;
    fc_decode(data, size, &c);
    const sl_class_info *I = c.I;
    const size_t es = I->bf16 ? 2 : 4;
    const int verbose = getenv("SIMDLOSS_FUZZ_VERBOSE") != NULL;

    void *dp[FC_ND] = {0}, *op[FC_NO] = {0};
    for (int d = 0; d < FC_ND; d++)
        if (c.present[d]) dp[d] = fz_slot_place(&fc_dslot[d], c.dlen[d] * c.dsize[d]);
    if (c.want[FC_LOSS]) op[FC_LOSS] = fz_slot_place(&fc_oslot[FC_LOSS], c.olen[FC_LOSS] * 4);
    if (c.want[FC_GRAD])
        op[FC_GRAD] =
            c.grad_alias ? dp[FC_X] : fz_slot_place(&fc_oslot[FC_GRAD], c.olen[FC_GRAD] * es);
    for (int o = FC_G2A; o <= FC_G2B; o++)
        if (c.want[o]) op[o] = fz_slot_place(&fc_oslot[o], c.olen[o] * 4);
    cr_params p = c.p;
    p.x2[0] = dp[FC_X2A], p.x2[1] = dp[FC_X2B];
    p.g2[0] = op[FC_G2A], p.g2[1] = op[FC_G2B];
    p.weight = dp[FC_W];
    p.alpha = dp[FC_ALPHA];
    const int64_t *ti = I->rlab ? dp[FC_LAB] : I->target != SL_T_FLOAT ? dp[FC_TGT] : NULL;
    const float *tf = I->target == SL_T_FLOAT || I->target == SL_T_ROW ? dp[FC_TGT] : NULL;

    const char *einval = fc_einval_reason(&c);
    size_t bad_at = 0;
    const int bad = fc_bad_target(&c, &bad_at);
    const size_t osize[FC_NO] = {c.olen[FC_LOSS] * 4, c.olen[FC_GRAD] * es, c.olen[FC_G2A] * 4,
                                 c.olen[FC_G2B] * 4};
    int rc0 = -1;
    static char msg0[256], msg[256];
    if (verbose) fprintf(stderr, "call: %s\n", fz_case);
    for (int i = 0; i < fz_ntables; i++) {
        fz_use_table(i);
        for (int d = 0; d < FC_ND; d++)
            if (c.present[d]) memcpy(dp[d], fc_master(d), c.dlen[d] * c.dsize[d]);
        if (c.want[FC_LOSS]) fz_sentinel32(op[FC_LOSS], c.olen[FC_LOSS]);
        if (c.want[FC_GRAD] && !c.grad_alias) {
            if (es == 2)
                fz_sentinel16(op[FC_GRAD], c.olen[FC_GRAD]);
            else
                fz_sentinel32(op[FC_GRAD], c.olen[FC_GRAD]);
        }
        for (int o = FC_G2A; o <= FC_G2B; o++)
            if (c.want[o]) fz_sentinel32(op[o], c.olen[o]);
        fz_set_marker();
        const int rc = cr_call(c.kind, c.batch, c.classes, c.inner, dp[FC_X], ti, tf, &p,
                               (simdloss_reduction)c.red, op[FC_LOSS], op[FC_GRAD]);
        fz_check_message(I->fn, rc, msg, sizeof msg);
        if (verbose) fprintf(stderr, "  [%s] %s '%s'\n", fz_table_now, fz_rc_name(rc), msg);

        for (int d = 0; d < FC_ND; d++)
            if (c.present[d]) fz_slot_check(&fc_dslot[d], fc_dnames[d]);
        if (c.want[FC_LOSS]) fz_slot_check(&fc_oslot[FC_LOSS], "loss");
        if (c.want[FC_GRAD] && !c.grad_alias) fz_slot_check(&fc_oslot[FC_GRAD], "grad");
        for (int o = FC_G2A; o <= FC_G2B; o++)
            if (c.want[o]) fz_slot_check(&fc_oslot[o], fc_onames[o]);

        /* the status */
        if (einval && !bad && rc != SIMDLOSS_EINVAL)
            fz_fail("returned %s (%d), want EINVAL: %s", fz_rc_name(rc), rc, einval);
        if (einval && bad && rc != SIMDLOSS_EINVAL && rc != SIMDLOSS_EDOMAIN)
            fz_fail("returned %s (%d), want EINVAL (%s) or EDOMAIN (target %zu)", fz_rc_name(rc),
                    rc, einval, bad_at);
        if (!einval && bad && rc != SIMDLOSS_EDOMAIN)
            fz_fail("returned %s (%d) '%s', want EDOMAIN: target %zu = %lld is out of range",
                    fz_rc_name(rc), rc, msg, bad_at, (long long)fc_t.i[bad_at]);
        if (!einval && !bad && rc != SIMDLOSS_OK && rc != SIMDLOSS_ENOMEM)
            fz_fail("rejected a valid call: %s '%s'", fz_rc_name(rc), msg);

        /* inputs; outputs: nothing written on EINVAL and EDOMAIN, everything on OK */
        const int failed = rc == SIMDLOSS_EINVAL || rc == SIMDLOSS_EDOMAIN;
        for (int d = 0; d < FC_ND; d++)
            if (c.present[d] && (d != FC_X || !c.grad_alias || failed))
                fz_check_same(dp[d], fc_master(d), c.dlen[d] * c.dsize[d], fc_dnames[d],
                              d == FC_X && c.grad_alias ? "the call failed"
                                                        : "it is an input only");
        if (failed) {
            if (c.want[FC_LOSS])
                fz_check_untouched32(op[FC_LOSS], c.olen[FC_LOSS], "loss", "the call failed");
            if (c.want[FC_GRAD] && !c.grad_alias) {
                if (es == 2)
                    fz_check_untouched16(op[FC_GRAD], c.olen[FC_GRAD], "grad", "the call failed");
                else
                    fz_check_untouched32(op[FC_GRAD], c.olen[FC_GRAD], "grad", "the call failed");
            }
            for (int o = FC_G2A; o <= FC_G2B; o++)
                if (c.want[o])
                    fz_check_untouched32(op[o], c.olen[o], fc_onames[o], "the call failed");
        }
        if (rc == SIMDLOSS_OK) {
            if (c.want[FC_LOSS]) fz_check_canon32(op[FC_LOSS], c.olen[FC_LOSS], "loss");
            if (c.want[FC_GRAD]) {
                if (es == 2)
                    fz_check_canon16(op[FC_GRAD], c.olen[FC_GRAD], "grad");
                else
                    fz_check_canon32(op[FC_GRAD], c.olen[FC_GRAD], "grad");
            }
            for (int o = FC_G2A; o <= FC_G2B; o++)
                if (c.want[o]) fz_check_canon32(op[o], c.olen[o], fc_onames[o]);
            if (c.batch == 0 && c.want[FC_LOSS] && c.red == SIMDLOSS_SUM &&
                fz_bits(*(float *)op[FC_LOSS]) != 0)
                fz_fail("batch == 0: SUM = 0x%08x, want +0",
                        (unsigned)fz_bits(*(float *)op[FC_LOSS]));
            if (c.batch == 0 && c.want[FC_LOSS] && c.red == SIMDLOSS_MEAN &&
                fz_bits(*(float *)op[FC_LOSS]) != FZ_CANON)
                fz_fail("batch == 0: MEAN = 0x%08x, want NaN",
                        (unsigned)fz_bits(*(float *)op[FC_LOSS]));
            /* ignored positions (class-index targets or row labels): loss 0,
             * gradient 0 */
            const int64_t *lab = I->rlab                   ? (c.present[FC_LAB] ? fc_lab : NULL)
                                 : I->target == SL_T_INDEX ? fc_t.i
                                                           : NULL;
            for (size_t pos = 0; (I->ignore != NULL) && lab && pos < c.npos; pos++) {
                if (lab[pos] != c.p.ignore_index) continue;
                if (c.want[FC_LOSS] && c.red == SIMDLOSS_NONE && !fc_is_zero(op[FC_LOSS], 4, pos))
                    fz_fail("loss[%zu] = 0x%08x at an ignored position, want 0", pos,
                            (unsigned)fz_bits(((float *)op[FC_LOSS])[pos]));
                const size_t b = pos / c.inner, in = pos % c.inner;
                for (size_t k = 0; c.want[FC_GRAD] && k < c.classes; k++) {
                    const size_t e = (b * c.classes + k) * c.inner + in;
                    if (!fc_is_zero(op[FC_GRAD], es, e))
                        fz_fail("grad[%zu] (class %zu of position %zu) is not 0 at an ignored "
                                "position",
                                e, k, pos);
                }
            }
        }

        /* every table alike */
        if (i == 0) {
            rc0 = rc;
            memcpy(msg0, msg, sizeof msg0);
            for (int o = 0; o < FC_NO; o++)
                if (c.want[o]) memcpy(fc_first[o], op[o], osize[o]);
            continue;
        }
        const char *table0 = fz_tables[0];
        if (rc != rc0) fz_fail("status %s, %s gave %s", fz_rc_name(rc), table0, fz_rc_name(rc0));
        if (strcmp(msg, msg0) != 0) fz_fail("message '%s', %s gave '%s'", msg, table0, msg0);
        if (!fz_table_exact[i]) continue; /* values: exact tables only */
        for (int o = 0; o < FC_NO; o++) {
            if (!c.want[o] || !memcmp(fc_first[o], op[o], osize[o])) continue;
            const size_t oes = o == FC_GRAD ? es : 4;
            size_t k = 0;
            while (!memcmp(fc_first[o] + k * oes, (unsigned char *)op[o] + k * oes, oes)) k++;
            uint32_t now = 0, was = 0;
            memcpy(&now, (unsigned char *)op[o] + k * oes, oes);
            memcpy(&was, fc_first[o] + k * oes, oes);
            fz_fail("%s[%zu] = 0x%0*x, %s gave 0x%0*x; status %s", o == FC_GRAD ? "grad" : "loss",
                    k, (int)oes * 2, (unsigned)now, table0, (int)oes * 2, (unsigned)was,
                    fz_rc_name(rc));
        }
    }

    for (int d = 0; d < FC_ND; d++)
        if (c.present[d]) fz_slot_release(&fc_dslot[d]);
    if (c.want[FC_LOSS]) fz_slot_release(&fc_oslot[FC_LOSS]);
    if (c.want[FC_GRAD] && !c.grad_alias) fz_slot_release(&fc_oslot[FC_GRAD]);
    fz_table_now = "-";
    return 0;
}
