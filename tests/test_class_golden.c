/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden vectors for the class-dimension losses (tests/golden/class/<loss>.txt,
 * written by tests/golden/gen_class.py from PyTorch 1.13 / Keras 3 formulas in
 * torch float32, float64 where float32 is more than 4 ulp off): every case on
 * every runnable ISA. For each case: NONE, SUM
 * and MEAN with loss and gradient, loss-only and gradient-only calls, a guard
 * element after every output (nothing written past the end); bad-input cases
 * expect their status with every output untouched. cross_entropy_bf16's
 * gradient must be bit for bit the round-to-nearest-even of
 * simdloss_cross_entropy_f32's gradient on the widened logits.
 *
 * Tolerances (docs/semantics.md, "Test tolerances"): values and gradients
 * 4 ulp, or rel 1e-6 + CG_ABS(terms), where "terms" is the magnitude of the terms
 * that make up the value (cg_terms: p_c and 1 in cross-entropy's p_c - 1,
 * W p_c and w_c with smoothing, sigmoid(x) and t, ...), times the
 * reduction's gradient factor; reductions rel 1e-5, or an absolute part of
 * 1e-6 * sum |loss| + 3e-7 * sum terms (both divided by MEAN's divisor).
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"

#define CG_MAX_REPORT 25
/*
 * The absolute part of the elementwise tolerance for a value whose terms
 * have magnitude `terms` (cg_terms): the suite's "abs 1e-7 * scale" with the
 * scale of the value's own terms, plus 3e-7 * terms where they cancel
 * ("absolute tolerance scaled by the terms' magnitude"), plus FLT_MIN so that
 * a subnormal result may be flushed or rounded differently. The golden
 * values are torch's float32 ones where those are within 4 ulp of torch's
 * float64 evaluation on the same data, else the float64 ones (README.md),
 * so torch's own float32 error (7e-5 relative in p_c with 32000 classes)
 * needs no allowance here, and the scale is not the row's or the array's
 * largest value, which would let a small p_c be wrong by orders of
 * magnitude.
 */
#define CG_ABS(terms) (4e-7 * (terms) + FLT_MIN)
#define CG_SENTINEL 0xdeadbeefu
#define CG_SENTINEL16 0xbeefu

typedef struct {
    char name[160];
    size_t batch, classes, inner;
    int64_t ignore_index;
    float pf[SL_MAX_PF]; /* the loss's parameters, registry order */
    int pi[SL_MAX_PI];
    float *x;     /* inputs (bf16: widened) */
    uint16_t *xb; /* bf16 logits */
    int64_t *ti;
    float *tf, *weight, *alpha;
    size_t weight_len, alpha_len;
    float *none, *gmean, *gsum; /* bf16: gmean / gsum widened */
    uint16_t *gmean_b, *gsum_b;
    int has_values;
    float mean, sum;
    int status; /* SIMDLOSS_OK when values are expected */
    long status_index;
} cg_case;

typedef struct {
    int kind;
    const char *file, *isa, *cas;
    int failures, checks;
} cg_ctx;

/* A class loss's golden file: its registry name without "_f32"
 * (tests/golden/class/<file>.txt, tests/golden/gen_class.py). */
static void cg_file_name(int kind, char *buf, size_t size)
{
    snprintf(buf, size, "%s", cr_infos[kind].name);
    const size_t n = strlen(buf);
    if (n > 4 && !strcmp(buf + n - 4, "_f32")) buf[n - 4] = 0;
}

/* ------------------------------------------------------------ parsing --- */
static float cg_hex(const char *tok)
{
    char *end;
    unsigned long b = strtoul(tok, &end, 16);
    ck_assert_msg(*end == 0 && end != tok && strlen(tok) == 8, "bad hex float '%s'", tok);
    return tl_from_bits((uint32_t)b);
}

static uint16_t cg_hex16(const char *tok)
{
    char *end;
    unsigned long b = strtoul(tok, &end, 16);
    ck_assert_msg(*end == 0 && end != tok && strlen(tok) == 4, "bad bf16 '%s'", tok);
    return (uint16_t)b;
}

static float cg_widen(uint16_t b) { return tl_from_bits((uint32_t)b << 16); }

/* float32 -> bfloat16, round to nearest even, every NaN -> 0x7fc0 */
static uint16_t cg_bf16(float v)
{
    if (isnan(v)) return 0x7fc0;
    const uint32_t b = tl_bits(v);
    return (uint16_t)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}

/* The remaining tokens of a line, which must be exactly `count`. */
static char **cg_tokens(char **save, size_t count, const char *key, const char *cas)
{
    char **t = malloc((count + 1) * sizeof *t);
    ck_assert_ptr_nonnull(t);
    size_t k = 0;
    char *tok;
    while ((tok = strtok_r(NULL, " \n", save))) {
        ck_assert_msg(k < count, "golden %s: '%s' has more than %zu values", cas, key, count);
        t[k++] = tok;
    }
    ck_assert_msg(k == count, "golden %s: '%s' has %zu values, want %zu", cas, key, k, count);
    return t;
}

static float *cg_floats(char **save, size_t count, const char *key, const char *cas)
{
    char **t = cg_tokens(save, count, key, cas);
    float *v = malloc((count ? count : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t k = 0; k < count; k++) v[k] = cg_hex(t[k]);
    free(t);
    return v;
}

static uint16_t *cg_halves(char **save, size_t count, const char *key, const char *cas)
{
    char **t = cg_tokens(save, count, key, cas);
    uint16_t *v = malloc((count ? count : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t k = 0; k < count; k++) v[k] = cg_hex16(t[k]);
    free(t);
    return v;
}

static float *cg_widen_all(const uint16_t *b, size_t count)
{
    float *v = malloc((count ? count : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    for (size_t k = 0; k < count; k++) v[k] = cg_widen(b[k]);
    return v;
}

static char *cg_tok(char **save, const char *key, const char *cas)
{
    char *tok = strtok_r(NULL, " \n", save);
    ck_assert_msg(tok != NULL, "golden %s: '%s' without a value", cas, key);
    return tok;
}

static size_t cg_size(char **save, const char *key, const char *cas)
{
    return (size_t)strtoull(cg_tok(save, key, cas), NULL, 10);
}

static void cg_free(cg_case *c)
{
    free(c->x), free(c->xb), free(c->ti), free(c->tf), free(c->weight), free(c->alpha);
    free(c->none), free(c->gmean), free(c->gsum), free(c->gmean_b), free(c->gsum_b);
    memset(c, 0, sizeof *c);
}

static size_t cg_numel(const cg_case *c) { return c->batch * c->classes * c->inner; }
static size_t cg_npos(const cg_case *c) { return c->batch * c->inner; }

/* Parses the next case; returns 0 at the end of the file. */
static int cg_next(FILE *f, int kind, cg_case *c)
{
    static char line[1 << 22];
    memset(c, 0, sizeof *c);
    const sl_class_info *L = &cr_infos[kind];
    const cr_params def = cr_default_params(kind);
    c->ignore_index = def.ignore_index;
    memcpy(c->pf, def.pf, sizeof c->pf);
    memcpy(c->pi, def.pi, sizeof c->pi);
    c->status = SIMDLOSS_OK;
    c->status_index = -1;
    int in_case = 0, has_shape = 0;
    const int bf = L->bf16;
    while (fgets(line, sizeof line, f)) {
        ck_assert_msg(strlen(line) < sizeof line - 1, "golden line too long");
        char *save, *key = strtok_r(line, " \n", &save);
        if (!key || key[0] == '#') continue;
        const char *cn = c->name;
        if (!strcmp(key, "case")) {
            snprintf(c->name, sizeof c->name, "%s", cg_tok(&save, key, "?"));
            in_case = 1;
            continue;
        }
        ck_assert_msg(in_case, "golden: '%s' outside a case", key);
        if (strcmp(key, "shape") && strcmp(key, "end"))
            ck_assert_msg(has_shape, "golden %s: '%s' before 'shape'", cn, key);
        if (!strcmp(key, "shape")) {
            c->batch = cg_size(&save, key, cn);
            c->classes = cg_size(&save, key, cn);
            c->inner = cg_size(&save, key, cn);
            has_shape = 1;
        } else if (!strcmp(key, "ignore_index")) {
            c->ignore_index = (int64_t)strtoll(cg_tok(&save, key, cn), NULL, 10);
        } else if (cr_pf_index(kind, key) >= 0) { /* a float parameter, hex */
            c->pf[cr_pf_index(kind, key)] = cg_hex(cg_tok(&save, key, cn));
        } else if (cr_pi_index(kind, key) >= 0) {
            c->pi[cr_pi_index(kind, key)] = atoi(cg_tok(&save, key, cn));
        } else if (!strcmp(key, "x")) {
            if (bf) {
                c->xb = cg_halves(&save, cg_numel(c), key, cn);
                c->x = cg_widen_all(c->xb, cg_numel(c));
            } else {
                c->x = cg_floats(&save, cg_numel(c), key, cn);
            }
        } else if (!strcmp(key, "ti")) {
            const size_t cnt = L->target == SL_T_LABELS ? c->batch * c->classes : cg_npos(c);
            char **t = cg_tokens(&save, cnt, key, cn);
            c->ti = malloc((cnt ? cnt : 1) * sizeof *c->ti);
            ck_assert_ptr_nonnull(c->ti);
            for (size_t k = 0; k < cnt; k++) c->ti[k] = (int64_t)strtoll(t[k], NULL, 10);
            free(t);
        } else if (!strcmp(key, "tf")) {
            c->tf = cg_floats(&save, cg_numel(c), key, cn);
        } else if (!strcmp(key, "weight")) {
            c->weight_len = cg_size(&save, key, cn);
            c->weight = cg_floats(&save, c->weight_len, key, cn);
        } else if (!strcmp(key, "alpha")) {
            c->alpha_len = cg_size(&save, key, cn);
            c->alpha = cg_floats(&save, c->alpha_len, key, cn);
        } else if (!strcmp(key, "none")) {
            c->none = cg_floats(&save, cg_npos(c), key, cn);
            c->has_values = 1;
        } else if (!strcmp(key, "mean")) {
            c->mean = cg_hex(cg_tok(&save, key, cn));
        } else if (!strcmp(key, "sum")) {
            c->sum = cg_hex(cg_tok(&save, key, cn));
        } else if (!strcmp(key, "gmean") || !strcmp(key, "gsum")) {
            const int m = !strcmp(key, "gmean");
            if (bf) {
                uint16_t *b = cg_halves(&save, cg_numel(c), key, cn);
                *(m ? &c->gmean_b : &c->gsum_b) = b;
                *(m ? &c->gmean : &c->gsum) = cg_widen_all(b, cg_numel(c));
            } else {
                *(m ? &c->gmean : &c->gsum) = cg_floats(&save, cg_numel(c), key, cn);
            }
        } else if (!strcmp(key, "status")) {
            const char *s = cg_tok(&save, key, cn);
            if (!strcmp(s, "EDOMAIN")) {
                c->status = SIMDLOSS_EDOMAIN;
                c->status_index = (long)cg_size(&save, key, cn);
            } else {
                ck_assert_msg(!strcmp(s, "EINVAL"), "golden %s: unknown status %s", cn, s);
                c->status = SIMDLOSS_EINVAL;
            }
        } else if (!strcmp(key, "end")) {
            ck_assert_msg(c->x && (c->ti || c->tf), "golden %s: no input or target", cn);
            ck_assert_msg(c->status != SIMDLOSS_OK || (c->has_values && c->gmean && c->gsum),
                          "golden %s: neither values nor a status", cn);
            if (c->status == SIMDLOSS_OK) {
                if (c->weight) ck_assert_uint_eq(c->weight_len, c->classes);
                if (!L->inner) ck_assert_uint_eq(c->inner, 1);
                if (L->alpha) ck_assert_ptr_nonnull(c->alpha);
            }
            return 1;
        } else {
            ck_abort_msg("golden %s: unknown key '%s'", cn, key);
        }
    }
    ck_assert_msg(!in_case, "golden: case %s has no 'end'", c->name);
    return 0;
}

/* ------------------------------------------------------------- calls ---- */
static cr_params cg_params(int kind, const cg_case *c)
{
    return cr_params_of(kind, c->weight, c->ignore_index, c->alpha, c->alpha_len, c->pf, c->pi);
}

static int cg_call(int kind, const cg_case *c, simdloss_reduction r, float *loss, float *grad,
                   uint16_t *gradb)
{
    const cr_params p = cg_params(kind, c);
    const int bf = cr_infos[kind].bf16;
    return cr_call(kind, c->batch, c->classes, c->inner, bf ? (const void *)c->xb : c->x, c->ti,
                   c->tf, &p, r, loss, bf ? (void *)gradb : grad);
}

static const char *cg_red(simdloss_reduction r)
{
    return r == SIMDLOSS_NONE ? "NONE" : r == SIMDLOSS_MEAN ? "MEAN" : "SUM";
}

/* ---------------------------------------------------------- tolerances -- */
/* Element (b, c, i) of a (batch, classes, inner) array. */
#define CG_AT(c, b, k, i) (((b) * (c)->classes + (k)) * (c)->inner + (i))

static double cg_w(const cg_case *c, size_t k) { return c->weight ? (double)c->weight[k] : 1.0; }

/*
 * Magnitude of the terms whose rounding errors reach each loss value (lt,
 * per position) and each gradient element (gt, per element of the input),
 * before the reduction's factor: the loss's spec (its `golden` hook) for
 * each position. Where these terms cancel, torch's float32 value and ours
 * each carry an error of about an ulp of the terms, not of the result
 * (docs/semantics.md, "Test tolerances"); cg_close allows 3e-7 * terms on
 * top of the suite's elementwise tolerance. 0 where the formula does not
 * cancel.
 */
static void cg_terms(int kind, const cg_case *c, double *lt, double *gt)
{
    const sl_class_info *L = &cr_infos[kind];
    const size_t B = c->batch, C = c->classes, K = c->inner;
    const size_t npos = B * K, n = B * C * K;
    memset(lt, 0, (npos > 0 ? npos : 1) * sizeof *lt);
    memset(gt, 0, (n > 0 ? n : 1) * sizeof *gt);
    void (*golden)(const cr_pos *, double *, double *) = cs_specs[kind]->golden;
    if (!golden) return;
    const cr_params p = cg_params(kind, c);
    double *x = malloc((C + 1) * sizeof *x), *t = malloc((C + 1) * sizeof *t);
    double *g = malloc((C + 1) * sizeof *g);
    ck_assert(x && t && g);
    for (size_t b = 0; b < B; b++)
        for (size_t i = 0; i < K; i++) {
            const size_t pos = b * K + i;
            for (size_t k = 0; k < C; k++) {
                x[k] = c->x[CG_AT(c, b, k, i)];
                t[k] = c->tf ? c->tf[CG_AT(c, b, k, i)] : 0.0;
                g[k] = 0.0;
            }
            const int64_t *ti = !c->ti                     ? NULL
                                : L->target == SL_T_LABELS ? c->ti + b * C
                                                           : c->ti + pos;
            const cr_pos q = {C, &p, x, L->target == SL_T_FLOAT ? t : NULL,
                              L->target == SL_T_FLOAT && !L->rlab ? NULL : ti};
            golden(&q, &lt[pos], g);
            for (size_t k = 0; k < C; k++) gt[CG_AT(c, b, k, i)] = g[k];
        }
    for (size_t k = 0; k < npos; k++)
        if (!isfinite(lt[k])) lt[k] = 0;
    for (size_t k = 0; k < n; k++)
        if (!isfinite(gt[k])) gt[k] = 0;
    free(x), free(t), free(g);
}

/* MEAN's divisor: sum of the targets' weights (index targets), the rows
 * kept (MEAN_KEPT; row labels may be absent), positions (probability
 * targets) or rows. */
static double cg_divisor(int kind, const cg_case *c)
{
    if (cr_infos[kind].mean == SL_MEAN_KEPT) {
        double s = 0;
        for (size_t k = 0; k < cg_npos(c); k++) s += !c->ti || c->ti[k] != c->ignore_index;
        return s;
    }
    if (cr_infos[kind].mean == SL_MEAN_WEIGHTS) {
        double s = 0;
        for (size_t k = 0; k < cg_npos(c); k++)
            if (c->ti[k] != c->ignore_index) s += cg_w(c, (size_t)c->ti[k]);
        return s;
    }
    return (double)cg_npos(c);
}

/* -------------------------------------------------------- comparisons --- */
static void cg_fail(cg_ctx *t, simdloss_reduction r, const char *what, long idx, float got,
                    float want)
{
    char at[32] = "";
    if (idx >= 0) snprintf(at, sizeof at, "[%ld]", idx);
    if (t->failures++ < CG_MAX_REPORT)
        printf("FAIL [%s] %s/%s %s %s%s: got %.9g (%08x) want %.9g (%08x)\n", t->isa, t->file,
               t->cas, cg_red(r), what, at, (double)got, tl_bits(got), (double)want, tl_bits(want));
}

/* "FAIL [isa] file/case REDUCTION: <what> at index <idx>" */
static void cg_msg(cg_ctx *t, simdloss_reduction r, const char *what, long idx)
{
    if (t->failures++ < CG_MAX_REPORT)
        printf("FAIL [%s] %s/%s %s: %s at index %ld\n", t->isa, t->file, t->cas, cg_red(r), what,
               idx);
}

static int cg_guard_ok(const float *buf, size_t count)
{
    return tl_bits(buf[count]) == CG_SENTINEL;
}

static void cg_fill(float *buf, size_t count)
{
    const float s = tl_from_bits(CG_SENTINEL);
    for (size_t k = 0; k < count; k++) buf[k] = s;
}

/* NONE losses against the golden values. */
static void cg_cmp_none(cg_ctx *t, simdloss_reduction r, const char *what, const float *got,
                        const cg_case *c, const double *lt)
{
    for (size_t k = 0; k < cg_npos(c); k++) {
        t->checks++;
        if (!tl_close(got[k], c->none[k], 4, 1e-6, CG_ABS(lt[k])))
            cg_fail(t, r, what, (long)k, got[k], c->none[k]);
    }
}

/* A gradient (want: float32, or bf16 widened). For bf16 (bf != 0) one more
 * bf16 ulp (2^-7 relative) is allowed: torch's and our float32 gradients may
 * round to neighbouring bf16 values. */
static void cg_cmp_grad(cg_ctx *t, simdloss_reduction r, const char *what, const float *got,
                        const float *want, const cg_case *c, const double *gt, double factor,
                        int bf)
{
    for (size_t e = 0; e < cg_numel(c); e++) {
        t->checks++;
        const double abs_tol = CG_ABS(gt[e] * factor);
        const int ok = bf ? tl_close(got[e], want[e], 1, 1.0 / 128, abs_tol)
                          : tl_close(got[e], want[e], 4, 1e-6, abs_tol);
        if (!ok) cg_fail(t, r, what, (long)e, got[e], want[e]);
    }
}

static void cg_cmp_red(cg_ctx *t, simdloss_reduction r, const char *what, float got, float want,
                       const cg_case *c, const double *lt, double div)
{
    double sl = 0, st = 0;
    for (size_t k = 0; k < cg_npos(c); k++) {
        if (isfinite(c->none[k])) sl += fabs((double)c->none[k]);
        st += lt[k];
    }
    double abs_tol = 1e-6 * sl + 3e-7 * st;
    if (r == SIMDLOSS_MEAN) abs_tol = div > 0 ? abs_tol / div : 0;
    t->checks++;
    if (!tl_close(got, want, 4, 1e-5, abs_tol)) cg_fail(t, r, what, -1, got, want);
}

/* ------------------------------------------------------------ running --- */
static void cg_run_status(cg_ctx *t, int kind, const cg_case *c)
{
    const size_t npos = cg_npos(c), n = cg_numel(c);
    const size_t ln = npos > 0 ? npos : 1;
    float *loss = malloc((ln + 1) * sizeof *loss), *grad = malloc((n + 1) * sizeof *grad);
    uint16_t *gb = malloc((n + 1) * sizeof *gb);
    ck_assert(loss && grad && gb);
    static const simdloss_reduction reds[3] = {SIMDLOSS_NONE, SIMDLOSS_SUM, SIMDLOSS_MEAN};
    for (int ri = 0; ri < 3; ri++)
        for (int outs = 1; outs <= 3; outs++) { /* 1 loss, 2 gradient, 3 both */
            const simdloss_reduction r = reds[ri];
            cg_fill(loss, ln + 1);
            cg_fill(grad, n + 1);
            for (size_t k = 0; k <= n; k++) gb[k] = CG_SENTINEL16;
            const int rc = cg_call(kind, c, r, (outs & 1) ? loss : NULL, (outs & 2) ? grad : NULL,
                                   (outs & 2) ? gb : NULL);
            t->checks++;
            if (rc != c->status) {
                t->failures++;
                if (t->failures <= CG_MAX_REPORT)
                    printf("FAIL [%s] %s/%s %s outputs %d: rc %d, want %d (%s)\n", t->isa, t->file,
                           t->cas, cg_red(r), outs, rc, c->status, simdloss_last_error());
                continue;
            }
            if (c->status == SIMDLOSS_EDOMAIN) {
                /* the message names the flat index, "[17]", or for multilabel_margin's
                 * (batch, classes) targets also the row and column, "[5][2]" */
                char want[48], want2[64] = "[";
                snprintf(want, sizeof want, "[%ld]", c->status_index);
                if (cr_infos[kind].target == SL_T_LABELS && c->classes > 0)
                    snprintf(want2, sizeof want2, "[%ld][%ld]", c->status_index / (long)c->classes,
                             c->status_index % (long)c->classes);
                t->checks++;
                if (!strstr(simdloss_last_error(), want) &&
                    !(cr_infos[kind].target == SL_T_LABELS &&
                      strstr(simdloss_last_error(), want2))) {
                    t->failures++;
                    if (t->failures <= CG_MAX_REPORT)
                        printf("FAIL [%s] %s/%s %s: message '%s' does not name index %ld\n", t->isa,
                               t->file, t->cas, cg_red(r), simdloss_last_error(), c->status_index);
                }
            }
            for (size_t k = 0; k <= ln; k++) {
                t->checks++;
                if (tl_bits(loss[k]) != CG_SENTINEL) {
                    cg_msg(t, r, "loss written on an error", (long)k);
                    break;
                }
            }
            for (size_t k = 0; k <= n; k++) {
                t->checks++;
                if (tl_bits(grad[k]) != CG_SENTINEL || gb[k] != CG_SENTINEL16) {
                    cg_msg(t, r, "gradient written on an error", (long)k);
                    break;
                }
            }
        }
    free(loss), free(grad), free(gb);
}

/* bf16: the gradient's bits against the rounding of the float32 entry point's
 * gradient on the widened logits, and the loss within 1e-3 of its loss. */
static void cg_bf16_vs_f32(cg_ctx *t, int kind, const cg_case *c, simdloss_reduction r,
                           const float *loss, const uint16_t *gb)
{
    const size_t npos = cg_npos(c), n = cg_numel(c), ln = r == SIMDLOSS_NONE ? npos : 1;
    float *l32 = malloc((ln + 1) * sizeof *l32), *g32 = malloc((n + 1) * sizeof *g32);
    ck_assert(l32 && g32);
    const int f32 = cs_specs[kind]->f32_of;
    const cr_params p = cg_params(f32, c);
    const int rc = cr_call(f32, c->batch, c->classes, c->inner, c->x, c->ti, c->tf, &p, r,
                           loss ? l32 : NULL, gb ? g32 : NULL);
    ck_assert_msg(rc == 0, "[%s] %s/%s f32 %s: rc %d %s", t->isa, t->file, t->cas, cg_red(r), rc,
                  simdloss_last_error());
    for (size_t k = 0; gb && k < n; k++) {
        t->checks++;
        if (gb[k] != cg_bf16(g32[k])) {
            if (t->failures++ < CG_MAX_REPORT)
                printf("FAIL [%s] %s/%s %s bf16-vs-f32 grad[%zu]: got %04x want %04x (rounded "
                       "from f32 %.9g)\n",
                       t->isa, t->file, t->cas, cg_red(r), k, gb[k], cg_bf16(g32[k]),
                       (double)g32[k]);
        }
    }
    for (size_t k = 0; loss && k < ln; k++) {
        t->checks++;
        if (!tl_close(loss[k], l32[k], 0, 1e-3, 1e-30))
            cg_fail(t, r, "bf16-vs-f32 loss", (long)k, loss[k], l32[k]);
    }
    free(l32), free(g32);
}

static void cg_run_case(cg_ctx *t, int kind, const cg_case *c)
{
    const size_t npos = cg_npos(c), n = cg_numel(c), ln = npos > 0 ? npos : 1;
    const int bf = cr_infos[kind].bf16;
    float *loss = malloc((ln + 1) * sizeof *loss), *grad = malloc((n + 1) * sizeof *grad);
    uint16_t *gb = malloc((n + 1) * sizeof *gb);
    double *lt = malloc(ln * sizeof *lt), *gt = malloc((n ? n : 1) * sizeof *gt);
    ck_assert(loss && grad && gb && lt && gt);
    cg_terms(kind, c, lt, gt);
    const double div = cg_divisor(kind, c);
    static const simdloss_reduction reds[3] = {SIMDLOSS_NONE, SIMDLOSS_SUM, SIMDLOSS_MEAN};
    for (int ri = 0; ri < 3; ri++)
        for (int outs = 3; outs >= 1; outs--) { /* 3 both, 2 gradient only, 1 loss only */
            const simdloss_reduction r = reds[ri];
            const int wl = outs & 1, wg = (outs & 2) != 0;
            const size_t lcount = r == SIMDLOSS_NONE ? npos : 1;
            cg_fill(loss, ln + 1);
            cg_fill(grad, n + 1);
            for (size_t k = 0; k <= n; k++) gb[k] = CG_SENTINEL16;
            const int rc = cg_call(kind, c, r, wl ? loss : NULL, wg ? grad : NULL, wg ? gb : NULL);
            t->checks++;
            if (rc != SIMDLOSS_OK) {
                t->failures++;
                if (t->failures <= CG_MAX_REPORT)
                    printf("FAIL [%s] %s/%s %s outputs %d: rc %d (%s)\n", t->isa, t->file, t->cas,
                           cg_red(r), outs, rc, simdloss_last_error());
                continue;
            }
            const char *sfx = outs == 3 ? "" : outs == 2 ? " (gradient only)" : " (loss only)";
            char what[64];
            /* guards: nothing past the end; NONE with batch 0 writes nothing */
            t->checks++;
            if (wl && !cg_guard_ok(loss, lcount))
                cg_msg(t, r, "loss written past its end", (long)lcount);
            t->checks++;
            if (wg && (bf ? gb[n] != CG_SENTINEL16 : !cg_guard_ok(grad, n)))
                cg_msg(t, r, "gradient written past its end", (long)n);
            if (wl) {
                if (r == SIMDLOSS_NONE) {
                    snprintf(what, sizeof what, "none%s", sfx);
                    cg_cmp_none(t, r, what, loss, c, lt);
                } else {
                    snprintf(what, sizeof what, "%s%s", r == SIMDLOSS_SUM ? "sum" : "mean", sfx);
                    cg_cmp_red(t, r, what, loss[0], r == SIMDLOSS_SUM ? c->sum : c->mean, c, lt,
                               div);
                }
            }
            if (wg) {
                const float *want = r == SIMDLOSS_MEAN ? c->gmean : c->gsum;
                const double factor = r == SIMDLOSS_MEAN ? (div > 0 ? 1 / div : 0) : 1;
                snprintf(what, sizeof what, "grad%s", sfx);
                if (bf) {
                    for (size_t k = 0; k < n; k++) grad[k] = cg_widen(gb[k]);
                }
                cg_cmp_grad(t, r, what, grad, want, c, gt, factor, bf);
            }
            if (bf) cg_bf16_vs_f32(t, kind, c, r, wl ? loss : NULL, wg ? gb : NULL);
        }
    free(loss), free(grad), free(gb), free(lt), free(gt);
}

static void cg_run_file(int kind, int isa)
{
    if (!tl_use_table(isa)) return;
    char file[128], path[512];
    cg_file_name(kind, file, sizeof file);
    snprintf(path, sizeof path, "%s/class/%s.txt", TL_GOLDEN_DIR, file);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open golden file %s", path);
    cg_ctx t = {kind, file, tl_table(), "", 0, 0};
    cg_case c;
    int ncases = 0;
    while (cg_next(f, kind, &c)) {
        t.cas = c.name;
        if (c.status != SIMDLOSS_OK)
            cg_run_status(&t, kind, &c);
        else
            cg_run_case(&t, kind, &c);
        cg_free(&c);
        ncases++;
    }
    fclose(f);
    ck_assert_msg(ncases > 0, "%s: no cases", path);
    ck_assert_msg(t.failures == 0, "[%s] %s: %d of %d golden checks failed in %d cases", tl_table(),
                  file, t.failures, t.checks, ncases);
}

/* every class loss of the registry on every table */
START_TEST(class_golden)
{
    if (cr_multi(_i / tl_ntables())) return; /* tests/test_embedding.c */
    cg_run_file(_i / tl_ntables(), _i % tl_ntables());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("class-golden");
    TCase *tc = tcase_create("torch-1.13");
    tcase_add_loop_test(tc, class_golden, 0, CR_NKINDS * tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
