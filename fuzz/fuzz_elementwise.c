/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: every elementwise loss of the registry (src/losses.def),
 * called through its public entry point simdloss_<name>_f32 with arguments
 * decoded from the fuzz input, on every runnable kernel table.
 *
 * Input layout (little-endian; a short input reads as zeros past its end;
 * fuzz/make_corpus.py writes the same layout):
 *   u8  loss (mod the number of losses)      u8 n mode   u16 n
 *   u8  reduction mode   u32 raw reduction    u8 loss output
 *   3 x inputs   { u8 fill, u32 seed, u8 gradient output }
 *   2 x targets  { u8 fill, u32 seed }
 *   2 x cyclic   { u8 length mode, u32 length, u8 fill, u32 seed, u8 gradient output }
 *   4 x float parameters { u8 mode, u32 raw }
 *   4 x int parameters   { u8 mode, u32 raw }
 *   then the pool: raw 32-bit words the "pool" fills read in a cycle.
 * The header has room for SL_MAX_IN inputs, ... whatever the loss; a loss
 * uses the first entries of each kind (registry order).
 *
 * Checks, for every input:
 *   - every array ends exactly at a PROT_NONE page (fuzz_common.h): no read
 *     or write past any argument;
 *   - the status is EINVAL exactly when the arguments break the contract
 *     (include/simdloss.h and the registry's parameter ranges), EDOMAIN
 *     only for a loss with a domain check;
 *   - EINVAL writes nothing (outputs keep their sentinel, aliased inputs
 *     their data); no input that is not an output changes;
 *   - OK and EDOMAIN write every element of every requested output, and
 *     every NaN written is 0x7fc00000; n == 0: SUM 0, MEAN NaN, a cyclic
 *     gradient zeros;
 *   - a failure's message starts with the function's name, a success leaves
 *     simdloss_last_error() as it was;
 *   - every table returns the same status and message, every exact table
 *     the same output bits.
 * Any violation prints the decoded call and aborts.
 */
#define _DEFAULT_SOURCE
#include "calls.h"
#include "fuzz_common.h"

#define FE_MAXN 4096 /* the largest n and cyclic length decoded */

/* every loss behind one signature: tests/calls.c (tl_losses, from the registry) */

/* ---- the decoded call --------------------------------------------------------------------------
 */
/* data arrays: inputs, targets, cyclic arrays */
enum {
    FE_D_IN = 0,
    FE_D_TGT = FE_D_IN + SL_MAX_IN,
    FE_D_CYC = FE_D_TGT + SL_MAX_TGT,
    FE_ND = FE_D_CYC + SL_MAX_CYC
};
/* outputs: loss, one gradient per input, the cyclic gradient */
enum { FE_O_LOSS = 0, FE_O_GRAD = 1, FE_O_GCYC = FE_O_GRAD + SL_MAX_IN, FE_NO };

typedef struct {
    int k;
    const sl_elem_info *L;
    size_t n;
    int red;
    int present[FE_ND]; /* passed as a pointer (not NULL) */
    size_t dlen[FE_ND]; /* its elements */
    unsigned fill[FE_ND];
    uint32_t seed[FE_ND];
    int dom[FE_ND];
    const char *dname[FE_ND];
    size_t cyc_len[SL_MAX_CYC];
    float pf[SL_MAX_PF];
    int pi[SL_MAX_PI];
    int want[FE_NO];    /* requested (not NULL) */
    int alias[FE_NO];   /* the data array it is, or -1 */
    size_t olen[FE_NO]; /* its elements: what a successful call writes */
    const char *oname[FE_NO];
} fe_case;

static fz_slot fe_dslot[FE_ND], fe_oslot[FE_NO];
static float fe_master[FE_ND][FE_MAXN];
static float fe_first[FE_NO][FE_MAXN];

static const uint16_t fe_edge_n[] = {
    0,  1,  2,  3,   4,   5,   7,   8,   9,   15,   16,   17,   31,   32,   33,   47,   48,
    63, 64, 65, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 2047, 2048, 2049, 4095, 4096};

/* A cyclic length: mode and value from the header. */
static void fe_cyc_len(unsigned mode, uint32_t val, size_t n, int *present, size_t *len)
{
    *present = 1;
    switch (mode % 16) {
    case 0: /* NULL, a small length */
        *present = 0;
        *len = val % 9;
        return;
    case 1: /* NULL, a huge length */
        *present = 0;
        *len = (size_t)fz_huge[val % FZ_NHUGE];
        return;
    case 6:
    case 7: *len = n; return;
    case 8: *len = 1; return;
    case 9: *len = 0; return;
    case 10: *len = 1 + val % (n + 8); return; /* often not a divisor */
    case 11:
    case 12: *len = (size_t)fz_huge[val % FZ_NHUGE]; return;
    case 13: *len = val; return;
    default: break;
    }
    /* a divisor of n */
    if (n == 0) {
        *len = val % 9;
        return;
    }
    size_t cnt = 0;
    for (size_t d = 1; d <= n; d++) cnt += n % d == 0;
    size_t want = val % cnt;
    for (size_t d = 1; d <= n; d++)
        if (n % d == 0 && want-- == 0) {
            *len = d;
            return;
        }
}

/* Decodes the input into c and fills the data arrays. */
static void fe_decode(const uint8_t *data, size_t size, fe_case *c)
{
    fz_reader r = {data, size};
    memset(c, 0, sizeof *c);
    c->k = fz_u8(&r) % SL_K_NELEM;
    const sl_elem_info *L = c->L = tl_losses[c->k].info;
    const unsigned nmode = fz_u8(&r), nval = fz_u16(&r);
    const unsigned redmode = fz_u8(&r);
    const uint32_t redraw = fz_u32(&r);
    const unsigned lossout = fz_u8(&r);
    unsigned gout[SL_MAX_IN], lenmode[SL_MAX_CYC], cgout[SL_MAX_CYC];
    uint32_t lenval[SL_MAX_CYC];
    for (int j = 0; j < SL_MAX_IN; j++) {
        c->fill[FE_D_IN + j] = fz_u8(&r);
        c->seed[FE_D_IN + j] = fz_u32(&r);
        gout[j] = fz_u8(&r);
    }
    for (int j = 0; j < SL_MAX_TGT; j++) {
        c->fill[FE_D_TGT + j] = fz_u8(&r);
        c->seed[FE_D_TGT + j] = fz_u32(&r);
    }
    for (int j = 0; j < SL_MAX_CYC; j++) {
        lenmode[j] = fz_u8(&r);
        lenval[j] = fz_u32(&r);
        c->fill[FE_D_CYC + j] = fz_u8(&r);
        c->seed[FE_D_CYC + j] = fz_u32(&r);
        cgout[j] = fz_u8(&r);
    }
    unsigned pfmode[SL_MAX_PF], pimode[SL_MAX_PI];
    uint32_t pfraw[SL_MAX_PF], piraw[SL_MAX_PI];
    for (int j = 0; j < SL_MAX_PF; j++) pfmode[j] = fz_u8(&r), pfraw[j] = fz_u32(&r);
    for (int j = 0; j < SL_MAX_PI; j++) pimode[j] = fz_u8(&r), piraw[j] = fz_u32(&r);
    fz_pool pool = {r.p, r.n, 0};

    /* n: mostly up to 300, sometimes up to FE_MAXN, never more than
     * 64 + 2 bytes of input each */
    size_t n;
    switch (nmode % 8) {
    case 6: n = nval % (FE_MAXN + 1); break;
    case 7: n = fe_edge_n[nval % (sizeof fe_edge_n / sizeof fe_edge_n[0])]; break;
    default: n = nval % 301; break;
    }
    const size_t limit = 64 + 2 * size;
    if (n > limit) n %= limit + 1;
    c->n = n;

    c->red = fz_reduction(redmode, redraw);

    /* data arrays */
    for (int j = 0; j < L->nin; j++) {
        const int d = FE_D_IN + j;
        c->present[d] = c->fill[d] % 16 != FZ_F_NULL;
        c->dlen[d] = n;
        c->dom[d] = L->in_dom[j];
        c->dname[d] = L->in[j];
    }
    for (int j = 0; j < L->ntgt; j++) {
        const int d = FE_D_TGT + j;
        c->present[d] = c->fill[d] % 16 != FZ_F_NULL;
        c->dlen[d] = n;
        c->dom[d] = L->tgt_dom[j];
        c->dname[d] = L->tgt[j];
    }
    for (int j = 0; j < L->ncyc; j++) {
        const int d = FE_D_CYC + j;
        fe_cyc_len(lenmode[j], lenval[j], n, &c->present[d], &c->cyc_len[j]);
        /* a length beyond FE_MAXN can only come with n == 0 (nothing read)
         * or with a call that must fail: no element at all */
        c->dlen[d] = c->present[d] && c->cyc_len[j] <= FE_MAXN ? c->cyc_len[j] : 0;
        c->dom[d] = L->cyc[j].dom;
        c->dname[d] = L->cyc[j].name;
        if (c->fill[d] % 16 == FZ_F_NULL) c->fill[d] = 0; /* NULL is the length mode's */
    }

    /* parameters */
    for (int j = 0; j < L->npf; j++) {
        const sl_pf_info *pf = &L->pf[j];
        const uint32_t raw = pfraw[j];
        switch (pfmode[j] % 8) {
        case 4: c->pf[j] = fz_float(raw); break;
        case 5: c->pf[j] = fz_special(raw); break;
        case 6: c->pf[j] = fz_boundary(&pf->range, raw); break;
        case 7: c->pf[j] = (float)((int)(raw % 8193) - 4096) / 512.0f; break;
        default: c->pf[j] = pf->def; break;
        }
    }
    for (int j = 0; j < L->npi; j++) {
        switch (pimode[j] % 8) {
        case 4: c->pi[j] = 0; break;
        case 5: c->pi[j] = 1; break;
        case 6: c->pi[j] = 2; break;
        case 7: c->pi[j] = (int)piraw[j]; break;
        default: c->pi[j] = L->pi[j].def; break;
        }
    }

    /* outputs and their aliases: an output may be an input or target of
     * the same length exactly, no two outputs the same array */
    int taken[FE_ND] = {0};
    for (int o = 0; o < FE_NO; o++) c->alias[o] = -1;
#define FE_ALIAS(o, d)                                                                             \
    do {                                                                                           \
        const int d_ = (d);                                                                        \
        if (c->present[d_] && !taken[d_] && c->dlen[d_] == c->olen[o]) {                           \
            c->alias[o] = d_;                                                                      \
            taken[d_] = 1;                                                                         \
        }                                                                                          \
    } while (0)
    c->oname[FE_O_LOSS] = "loss";
    c->want[FE_O_LOSS] = lossout % 8 != 0;
    c->olen[FE_O_LOSS] = c->red == SIMDLOSS_NONE ? n : 1;
    if (c->want[FE_O_LOSS] && c->red == SIMDLOSS_NONE) {
        const unsigned w = lossout >> 3;
        if (lossout % 8 == 5) FE_ALIAS(FE_O_LOSS, FE_D_IN);
        if (lossout % 8 == 6) FE_ALIAS(FE_O_LOSS, FE_D_IN + (int)(w % (unsigned)L->nin));
        if (lossout % 8 == 7 && L->ntgt)
            FE_ALIAS(FE_O_LOSS, FE_D_TGT + (int)(w % (unsigned)L->ntgt));
    }
    for (int j = 0; j < L->nin; j++) {
        const int o = FE_O_GRAD + j;
        c->oname[o] = L->grad[j];
        c->want[o] = gout[j] % 8 >= 2;
        c->olen[o] = n;
        if (gout[j] % 8 == 6) FE_ALIAS(o, FE_D_IN + j);
        if (gout[j] % 8 == 7 && L->ntgt)
            FE_ALIAS(o, FE_D_TGT + (int)((gout[j] >> 3) % (unsigned)L->ntgt));
    }
#undef FE_ALIAS
    if (L->ncg) {
        const size_t len = c->cyc_len[0];
        c->oname[FE_O_GCYC] = L->cyc[0].grad;
        c->want[FE_O_GCYC] = cgout[0] % 4 != 0;
        c->olen[FE_O_GCYC] = len <= FE_MAXN ? len : 0;
        /* n == 0 writes len zeros: no such array for a huge len */
        if (n == 0 && len > FE_MAXN && len <= SIZE_MAX / sizeof(float)) c->want[FE_O_GCYC] = 0;
    }

    /* the data */
    for (int d = 0; d < FE_ND; d++)
        if (c->present[d])
            fz_fill(fe_master[d], c->dlen[d], c->fill[d], c->seed[d], c->dom[d], &pool);

    /* the description printed with a failure */
    fz_case[0] = 0;
    fz_note("%s(n = %zu", L->fn, n);
    for (int d = 0; d < FE_ND; d++) {
        if (!c->dname[d]) continue;
        if (!c->present[d])
            fz_note(", %s = NULL", c->dname[d]);
        else
            fz_note(", %s = [%zu: %s, seed 0x%x]", c->dname[d], c->dlen[d],
                    fz_fill_names[c->fill[d] % 16], (unsigned)c->seed[d]);
        if (d >= FE_D_CYC)
            fz_note(", %s = %zu", L->cyc[d - FE_D_CYC].len, c->cyc_len[d - FE_D_CYC]);
    }
    for (int j = 0; j < L->npf; j++)
        fz_note(", %s = %.9g (0x%08x)", L->pf[j].name, (double)c->pf[j],
                (unsigned)fz_bits(c->pf[j]));
    for (int j = 0; j < L->npi; j++) fz_note(", %s = %d", L->pi[j].name, c->pi[j]);
    fz_note(", reduction = %d (%s)", c->red, fz_red_name(c->red));
    for (int o = 0; o < FE_NO; o++) {
        if (!c->oname[o]) continue;
        if (!c->want[o])
            fz_note(", %s = NULL", c->oname[o]);
        else if (c->alias[o] >= 0)
            fz_note(", %s = %s", c->oname[o], c->dname[c->alias[o]]);
        else
            fz_note(", %s = [%zu]", c->oname[o], c->olen[o]);
    }
    fz_note(")");
}

/* ---- the contract ------------------------------------------------------------------------------
 */
/* Why the call must fail with SIMDLOSS_EINVAL, or NULL if it must not. */
static const char *fe_einval_reason(const fe_case *c)
{
    const sl_elem_info *L = c->L;
    const size_t n = c->n;
    if (c->red != SIMDLOSS_NONE && c->red != SIMDLOSS_MEAN && c->red != SIMDLOSS_SUM)
        return "reduction is invalid";
    for (int d = 0; d < FE_D_CYC; d++)
        if (c->dname[d] && n > 0 && !c->present[d]) return "an input or target is NULL with n > 0";
    int any = 0;
    for (int o = 0; o < FE_NO; o++) any |= c->oname[o] && c->want[o];
    if (!any) return "no output";
    int cyc_ok[SL_MAX_CYC] = {0};
    for (int j = 0; j < L->ncyc; j++) {
        const size_t len = c->cyc_len[j];
        const int ptr = c->present[FE_D_CYC + j], req = L->cyc[j].grad != NULL;
        if (len > SIZE_MAX / sizeof(float) && (ptr || req)) return "a cyclic length overflows";
        if (req && n == 0) continue;
        if (!ptr) {
            if (req) return "a required cyclic array is NULL";
            continue;
        }
        if (len == 0) return "a cyclic length is 0";
        if (n % len != 0) return "a cyclic length does not divide n";
        cyc_ok[j] = 1;
    }
    for (int j = 0; j < L->npf; j++)
        if (!fz_in_range(&L->pf[j].range, c->pf[j])) return "a float parameter is out of range";
    for (int j = 0; j < L->npi; j++)
        if (L->pi[j].rule == SL_I_ONE_TWO && c->pi[j] != 1 && c->pi[j] != 2)
            return "an int parameter is not 1 or 2";
    if (L->prescan == SL_PRE_NONNEG_CYC && n > 0 && cyc_ok[0])
        for (size_t i = 0; i < c->cyc_len[0]; i++)
            if (fe_master[FE_D_CYC][i] < 0.0f) return "cyclic array 0 has a negative value";
    return NULL;
}

/* ---- the fuzz target ---------------------------------------------------------------------------
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_tables_init();
    for (int d = 0; d < FE_ND; d++) fz_slot_init(&fe_dslot[d], FE_MAXN * sizeof(float));
    for (int o = 0; o < FE_NO; o++) fz_slot_init(&fe_oslot[o], FE_MAXN * sizeof(float));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fe_case c;
    fe_decode(data, size, &c);
    const sl_elem_info *L = c.L;
    const int verbose = getenv("SIMDLOSS_FUZZ_VERBOSE") != NULL;

    /* the arrays, each ending at its guard page */
    float *dp[FE_ND] = {0}, *op[FE_NO] = {0};
    for (int d = 0; d < FE_ND; d++)
        if (c.present[d]) dp[d] = fz_slot_place(&fe_dslot[d], c.dlen[d] * sizeof(float));
    for (int o = 0; o < FE_NO; o++)
        if (c.want[o])
            op[o] = c.alias[o] >= 0 ? dp[c.alias[o]]
                                    : fz_slot_place(&fe_oslot[o], c.olen[o] * sizeof(float));
    tl_args a;
    memset(&a, 0, sizeof a);
    a.n = c.n;
    for (int j = 0; j < SL_MAX_IN; j++) a.in[j] = dp[FE_D_IN + j], a.grad[j] = op[FE_O_GRAD + j];
    for (int j = 0; j < SL_MAX_TGT; j++) a.tgt[j] = dp[FE_D_TGT + j];
    for (int j = 0; j < SL_MAX_CYC; j++) a.cyc[j] = dp[FE_D_CYC + j], a.cyc_len[j] = c.cyc_len[j];
    memcpy(a.pf, c.pf, sizeof a.pf);
    memcpy(a.pi, c.pi, sizeof a.pi);
    a.red = (simdloss_reduction)c.red;
    a.loss = op[FE_O_LOSS];
    a.grad_cyc = op[FE_O_GCYC];

    const char *einval = fe_einval_reason(&c);
    int rc0 = -1;
    static char msg0[256], msg[256];
    if (verbose) fprintf(stderr, "call: %s\n", fz_case);
    for (int i = 0; i < fz_ntables; i++) {
        fz_use_table(i);
        for (int d = 0; d < FE_ND; d++)
            if (c.present[d]) memcpy(dp[d], fe_master[d], c.dlen[d] * sizeof(float));
        for (int o = 0; o < FE_NO; o++)
            if (c.want[o] && c.alias[o] < 0) fz_sentinel32(op[o], c.olen[o]);
        fz_set_marker();
        const int rc = tl_losses[c.k].call(&a);
        fz_check_message(L->fn, rc, msg, sizeof msg);
        if (verbose) fprintf(stderr, "  [%s] %s '%s'\n", fz_table_now, fz_rc_name(rc), msg);

        for (int d = 0; d < FE_ND; d++)
            if (c.present[d]) fz_slot_check(&fe_dslot[d], c.dname[d]);
        for (int o = 0; o < FE_NO; o++)
            if (c.want[o] && c.alias[o] < 0) fz_slot_check(&fe_oslot[o], c.oname[o]);

        /* the status the contract asks for */
        if (einval && rc != SIMDLOSS_EINVAL)
            fz_fail("returned %s (%d), want EINVAL: %s", fz_rc_name(rc), rc, einval);
        if (!einval && rc == SIMDLOSS_EINVAL) fz_fail("rejected a valid call: EINVAL '%s'", msg);
        if (rc != SIMDLOSS_OK && rc != SIMDLOSS_EINVAL && rc != SIMDLOSS_ENOMEM &&
            !(rc == SIMDLOSS_EDOMAIN && L->has_domain))
            fz_fail("returned %s (%d) '%s'", fz_rc_name(rc), rc, msg);

        /* inputs: unchanged unless they are an output (then: unchanged on EINVAL) */
        for (int d = 0; d < FE_ND; d++) {
            if (!c.present[d]) continue;
            int out = 0;
            for (int o = 0; o < FE_NO; o++) out |= c.want[o] && c.alias[o] == d;
            if (!out)
                fz_check_same(dp[d], fe_master[d], c.dlen[d] * sizeof(float), c.dname[d],
                              "it is an input only");
            else if (rc == SIMDLOSS_EINVAL)
                fz_check_same(dp[d], fe_master[d], c.dlen[d] * sizeof(float), c.dname[d],
                              "the call returned EINVAL");
        }
        /* outputs */
        for (int o = 0; o < FE_NO; o++) {
            if (!c.want[o]) continue;
            if (rc == SIMDLOSS_EINVAL) {
                if (c.alias[o] < 0)
                    fz_check_untouched32(op[o], c.olen[o], c.oname[o], "the call returned EINVAL");
            } else if (rc == SIMDLOSS_OK || rc == SIMDLOSS_EDOMAIN) {
                fz_check_canon32(op[o], c.olen[o], c.oname[o]); /* written, canonical NaNs */
            }
        }
        if ((rc == SIMDLOSS_OK || rc == SIMDLOSS_EDOMAIN) && c.n == 0) {
            if (c.want[FE_O_LOSS] && c.red == SIMDLOSS_SUM && fz_bits(op[FE_O_LOSS][0]) != 0)
                fz_fail("n == 0: SUM = 0x%08x, want +0", (unsigned)fz_bits(op[FE_O_LOSS][0]));
            if (c.want[FE_O_LOSS] && c.red == SIMDLOSS_MEAN &&
                fz_bits(op[FE_O_LOSS][0]) != FZ_CANON)
                fz_fail("n == 0: MEAN = 0x%08x, want NaN", (unsigned)fz_bits(op[FE_O_LOSS][0]));
            for (size_t j = 0; c.want[FE_O_GCYC] && j < c.olen[FE_O_GCYC]; j++)
                if (fz_bits(op[FE_O_GCYC][j]) != 0)
                    fz_fail("n == 0: %s[%zu] = 0x%08x, want +0", c.oname[FE_O_GCYC], j,
                            (unsigned)fz_bits(op[FE_O_GCYC][j]));
        }

        /* every table alike */
        if (i == 0) {
            rc0 = rc;
            memcpy(msg0, msg, sizeof msg0);
            for (int o = 0; o < FE_NO; o++)
                if (c.want[o]) memcpy(fe_first[o], op[o], c.olen[o] * sizeof(float));
            continue;
        }
        const char *table0 = fz_tables[0];
        if (rc != rc0) fz_fail("status %s, %s gave %s", fz_rc_name(rc), table0, fz_rc_name(rc0));
        if (strcmp(msg, msg0) != 0) fz_fail("message '%s', %s gave '%s'", msg, table0, msg0);
        if (!fz_table_exact[i]) continue; /* values: exact tables only */
        for (int o = 0; o < FE_NO; o++) {
            if (!c.want[o] || !memcmp(fe_first[o], op[o], c.olen[o] * sizeof(float))) continue;
            size_t j = 0;
            while (fz_bits(fe_first[o][j]) == fz_bits(op[o][j])) j++;
            fz_fail("%s[%zu] = %.9g (0x%08x), %s gave %.9g (0x%08x); status %s", c.oname[o], j,
                    (double)op[o][j], (unsigned)fz_bits(op[o][j]), table0, (double)fe_first[o][j],
                    (unsigned)fz_bits(fe_first[o][j]), fz_rc_name(rc));
        }
    }

    for (int d = 0; d < FE_ND; d++)
        if (c.present[d]) fz_slot_release(&fe_dslot[d]);
    for (int o = 0; o < FE_NO; o++)
        if (c.want[o] && c.alias[o] < 0) fz_slot_release(&fe_oslot[o]);
    fz_table_now = "-";
    return 0;
}
