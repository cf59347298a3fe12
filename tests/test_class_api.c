/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API contract of the class-dimension functions (simdloss.h, "class-
 * dimension"; docs/semantics.md, "Errors", "Reductions" and "Class-dimension
 * losses"), on every runnable ISA:
 *   - every bad-input path returns SIMDLOSS_EINVAL with a message naming the
 *     function (and the argument), writing nothing: NULL input or target,
 *     loss and gradient both NULL, classes == 0 or inner == 0 with batch > 0,
 *     batch * classes * inner (or batch * inner) overflowing size_t, a bad
 *     reduction, label_smoothing < 0, > 1 or NaN, p not in {1, 2}, alpha NULL
 *     or alpha_len not 1 and not classes, gamma NaN, negative or infinite;
 *   - a class index outside [0, classes) that is not ignore_index (and a
 *     multilabel entry < -1 or >= classes, also after the terminator) gives
 *     SIMDLOSS_EDOMAIN with a message naming the position and the value,
 *     writing nothing; at the last position it is found without reading any
 *     logit: the logits end exactly at a PROT_NONE page, the last row lies in
 *     one, or all the logits do (each call in a child process, so a read
 *     is reported rather than crashing the suite);
 *   - no read or write outside any argument array: every array ends exactly
 *     at (or starts right after) a PROT_NONE page;
 *   - batch == 0: NONE writes nothing, SUM gives +0, MEAN NaN, for every
 *     function including the margin losses (NULL data pointers allowed);
 *   - cross_entropy (f32, bf16) and nll with every target ignored: NONE
 *     zeros, SUM 0, MEAN NaN, gradient all zeros; zero weights: MEAN NaN,
 *     SUM 0 with a zero gradient;
 *     ignore_index equal to a real class: those positions give 0 and a zero
 *     gradient, the others the same bits as without ignore_index, MEAN
 *     divides by the weights of the others.
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "class_spec.h"
#include "harness.h"

#define CA_B 4
#define CA_C 5
#define CA_I 3
#define CA_MAXEL (CA_B * CA_C * CA_I)
#define CA_SENT 12345.0f
#define CA_SENT16 0xA5A5u

static float ca_x[CA_MAXEL], ca_tf[CA_MAXEL], ca_w[CA_C], ca_alpha[CA_C];
static uint16_t ca_xb[CA_MAXEL];
static int64_t ca_ti[CA_MAXEL];
static float ca_loss[CA_MAXEL + 8], ca_grad[CA_MAXEL + 8];
static uint16_t ca_gradb[CA_MAXEL + 8];

static size_t ca_inner(int kind) { return cr_infos[kind].inner ? CA_I : 1; }

/* valid inputs for every kind: positive probabilities (also fine as logits),
 * valid class indices, valid multilabel rows */
static void ca_fill_valid(int kind)
{
    const size_t I = ca_inner(kind), npos = CA_B * I;
    for (size_t i = 0; i < CA_MAXEL; i++) {
        ca_x[i] = 0.05f + 0.9f * (float)((i * 7) % 23) / 23.0f;
        ca_xb[i] = cr_bf16_round(ca_x[i]);
        ca_tf[i] = (float)(i % 2);
    }
    for (size_t c = 0; c < CA_C; c++) ca_w[c] = 0.5f + (float)c, ca_alpha[c] = 0.25f;
    if (cr_infos[kind].target == SL_T_LABELS) {
        for (size_t b = 0; b < CA_B; b++)
            for (size_t c = 0; c < CA_C; c++)
                ca_ti[b * CA_C + c] = c == 0 ? (int64_t)(b % CA_C) : (c == 1 ? -1 : (int64_t)c);
    } else {
        for (size_t i = 0; i < npos; i++) ca_ti[i] = (int64_t)((i * 3) % CA_C);
    }
}

static void ca_fill_sentinel(void)
{
    for (size_t i = 0; i < CA_MAXEL + 8; i++) {
        ca_loss[i] = ca_grad[i] = CA_SENT;
        ca_gradb[i] = CA_SENT16;
    }
}

static void ca_assert_untouched(int kind, const char *what)
{
    for (size_t i = 0; i < CA_MAXEL + 8; i++) {
        ck_assert_msg(ca_loss[i] == CA_SENT, "[%s] %s %s: loss[%zu] written on error", tl_table(),
                      cr_infos[kind].fn, what, i);
        ck_assert_msg(ca_grad[i] == CA_SENT && ca_gradb[i] == CA_SENT16,
                      "[%s] %s %s: grad[%zu] written on error", tl_table(), cr_infos[kind].fn, what,
                      i);
    }
}

static void *ca_xptr(int kind) { return cr_infos[kind].bf16 ? (void *)ca_xb : (void *)ca_x; }
static void *ca_gptr(int kind) { return cr_infos[kind].bf16 ? (void *)ca_gradb : (void *)ca_grad; }

typedef struct {
    size_t B, C, I;
    int null_x, null_t, no_loss, no_grad;
} ca_shape;

static int ca_do(int kind, const ca_shape *s, const cr_params *p, simdloss_reduction red)
{
    const void *x = s->null_x ? NULL : ca_xptr(kind);
    const int64_t *ti = s->null_t ? NULL : ca_ti;
    const float *tf = s->null_t ? NULL : ca_tf;
    return cr_call(kind, s->B, s->C, s->I, x, ti, tf, p, red, s->no_loss ? NULL : ca_loss,
                   s->no_grad ? NULL : ca_gptr(kind));
}

/* Expects SIMDLOSS_EINVAL, a message naming the function and containing
 * `needle` (if not NULL), and untouched outputs. */
static void ca_expect(int kind, int want, const ca_shape *s, const cr_params *p,
                      simdloss_reduction red, const char *needle, const char *what)
{
    ca_fill_sentinel();
    const int rc = ca_do(kind, s, p, red);
    const char *msg = simdloss_last_error();
    ck_assert_msg(rc == want, "[%s] %s %s (reduction %d): rc %d, want %d ('%s')", tl_table(),
                  cr_infos[kind].fn, what, (int)red, rc, want, msg);
    ck_assert_msg(strstr(msg, cr_infos[kind].fn) != NULL,
                  "[%s] %s %s: message '%s' does not name the function", tl_table(),
                  cr_infos[kind].fn, what, msg);
    if (needle)
        ck_assert_msg(strstr(msg, needle) != NULL, "[%s] %s %s: message '%s' lacks '%s'",
                      tl_table(), cr_infos[kind].fn, what, msg, needle);
    ca_assert_untouched(kind, what);
}

static ca_shape ca_ok_shape(int kind)
{
    ca_shape s = {CA_B, CA_C, ca_inner(kind), 0, 0, 0, 0};
    return s;
}

static cr_params ca_params(int kind)
{
    cr_params p = cr_default_params(kind);
    p.alpha = ca_alpha;
    p.alpha_len = 1;
    return p;
}

/* ---- EINVAL paths ------------------------------------------------------------------- */
START_TEST(class_einval)
{
    if (!tl_use_table(_i)) return;
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        ca_fill_valid(k);
        const cr_params p = ca_params(k);
        const ca_shape ok = ca_ok_shape(k);
        for (int r = 0; r < 3; r++) { /* the valid call works */
            ca_fill_sentinel();
            const int rc = ca_do(k, &ok, &p, (simdloss_reduction)r);
            ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s valid call: rc %d ('%s')", tl_table(),
                          cr_infos[k].fn, rc, simdloss_last_error());
        }
        ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, (simdloss_reduction)3, "reduction", "reduction 3");
        ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, (simdloss_reduction)-1, "reduction", "reduction -1");
        for (int r = 0; r < 3; r++) {
            const simdloss_reduction red = (simdloss_reduction)r;
            ca_shape s = ok;
            s.null_x = 1;
            /* the message names the input argument (the header's name or "input") */
            ca_expect(k, SIMDLOSS_EINVAL, &s, &p, red, NULL, "NULL input");
            ck_assert_msg(strstr(simdloss_last_error(), cr_infos[k].x) ||
                              strstr(simdloss_last_error(), "input"),
                          "[%s] %s NULL input: message '%s' names neither %s nor input", tl_table(),
                          cr_infos[k].fn, simdloss_last_error(), cr_infos[k].x);
            s = ok;
            s.null_t = 1;
            ca_expect(k, SIMDLOSS_EINVAL, &s, &p, red, "target", "NULL target");
            s = ok;
            s.no_loss = s.no_grad = 1;
            ca_expect(k, SIMDLOSS_EINVAL, &s, &p, red, "NULL", "loss and grad NULL");
            s = ok;
            s.C = 0;
            ca_expect(k, SIMDLOSS_EINVAL, &s, &p, red, "classes", "classes == 0, batch > 0");
            if (cr_infos[k].inner) {
                s = ok;
                s.I = 0;
                ca_expect(k, SIMDLOSS_EINVAL, &s, &p, red, "inner", "inner == 0, batch > 0");
            }
        }
    }
}
END_TEST

START_TEST(class_param_einval)
{
    if (!tl_use_table(_i)) return;
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        const sl_class_info *L = &cr_infos[k];
        ca_fill_valid(k);
        const ca_shape ok = ca_ok_shape(k);
        for (int r = 0; r < 3; r++) {
            const simdloss_reduction red = (simdloss_reduction)r;
            /* the registry's ranges: outside rejected, the ends allowed */
            for (int j = 0; j < L->npf; j++) {
                float v[16];
                const int nbad = tl_out_of_range(&L->pf[j].range, v);
                for (int q = 0; q < nbad; q++) {
                    cr_params p = ca_params(k);
                    p.pf[j] = v[q];
                    char what[96];
                    snprintf(what, sizeof what, "%s = %g", L->pf[j].name, (double)v[q]);
                    ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, red, L->pf[j].name, what);
                }
                const int ngood = tl_in_range(&L->pf[j].range, v);
                for (int q = 0; q < ngood; q++) {
                    cr_params p = ca_params(k);
                    p.pf[j] = v[q];
                    ca_fill_sentinel();
                    ck_assert_msg(ca_do(k, &ok, &p, red) == SIMDLOSS_OK,
                                  "[%s] %s %s = %g rejected ('%s')", tl_table(), L->fn,
                                  L->pf[j].name, (double)v[q], simdloss_last_error());
                }
            }
            for (int j = 0; j < L->npi; j++) {
                if (L->pi[j].rule != SL_I_ONE_TWO) continue;
                const int bad[] = {0, 3, -1, -2, 1000};
                for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
                    cr_params p = ca_params(k);
                    p.pi[j] = bad[q];
                    char what[64];
                    snprintf(what, sizeof what, "%s = %d", L->pi[j].name, bad[q]);
                    ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, red, L->pi[j].name, what);
                }
                for (int good = 1; good <= 2; good++) {
                    cr_params p = ca_params(k);
                    p.pi[j] = good;
                    ca_fill_sentinel();
                    ck_assert_msg(ca_do(k, &ok, &p, red) == SIMDLOSS_OK,
                                  "[%s] %s %s = %d rejected ('%s')", tl_table(), L->fn,
                                  L->pi[j].name, good, simdloss_last_error());
                }
            }
            if (L->alpha) {
                const size_t badlen[] = {0, 2, CA_C - 1, CA_C + 1};
                for (size_t j = 0; j < sizeof badlen / sizeof badlen[0]; j++) {
                    cr_params p = ca_params(k);
                    p.alpha_len = badlen[j];
                    char what[64];
                    snprintf(what, sizeof what, "%s = %zu", L->alpha_len, badlen[j]);
                    ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, red, L->alpha_len, what);
                }
                cr_params p = ca_params(k);
                p.alpha = NULL;
                ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, red, L->alpha, "alpha NULL");
                p.alpha_len = CA_C;
                ca_expect(k, SIMDLOSS_EINVAL, &ok, &p, red, L->alpha, "alpha NULL, length C");
                p = ca_params(k);
                p.alpha_len = CA_C; /* one value per class */
                ca_fill_sentinel();
                ck_assert_msg(ca_do(k, &ok, &p, red) == SIMDLOSS_OK,
                              "[%s] %s %s = classes rejected ('%s')", tl_table(), L->fn,
                              L->alpha_len, simdloss_last_error());
            }
        }
    }
}
END_TEST

/* ---- running a call in a child process ---------------------------------------------------- */
typedef int (*ca_child_fn)(void *ctx);

/* The child's exit status (0..255), or -signal when it died of one. */
static int ca_in_child(ca_child_fn fn, void *ctx)
{
#if defined(TL_EMULATED) || defined(__SANITIZE_ADDRESS__)
    /* a fork costs tens of milliseconds under qemu-user or AddressSanitizer
     * (page tables of its shadow memory) and these run by the thousand: call
     * in place. A crash still fails the test, which Check runs in its own
     * process; under ASan its report names the faulting access. */
    return fn(ctx);
#endif
    fflush(NULL);
    const pid_t pid = fork();
    ck_assert_msg(pid >= 0, "fork failed");
    if (pid == 0) _exit(fn(ctx) & 0xff);
    int st = 0;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    if (WIFSIGNALED(st)) return -WTERMSIG(st);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

typedef struct {
    int kind;
    ca_shape s;
    simdloss_reduction red;
    const cr_params *p;
    int want;
} ca_sizectx;

static int ca_size_child(void *v)
{
    ca_sizectx *c = v;
    ca_fill_sentinel();
    const int rc = ca_do(c->kind, &c->s, c->p, c->red);
    if (rc != c->want) {
        fprintf(stderr, "  rc %d ('%s')\n", rc, simdloss_last_error());
        return 10;
    }
    if (!strstr(simdloss_last_error(), cr_infos[c->kind].fn)) return 11;
    for (size_t i = 0; i < CA_MAXEL + 8; i++)
        if (ca_loss[i] != CA_SENT || ca_grad[i] != CA_SENT || ca_gradb[i] != CA_SENT16) return 12;
    return 0;
}

/* sizes whose product, in 8-byte elements, overflows size_t (each call in a child: a library that
 * does not detect the overflow would read far outside the small arrays) */
START_TEST(class_size_overflow)
{
    if (!tl_use_table(_i)) return;
    const size_t M = SIZE_MAX, h = (size_t)1 << (sizeof(size_t) * 4); /* 2^32 on 64-bit */
    const struct {
        size_t B, C, I;
        int inner_only;
    } cases[] = {
        {M / 2, 3, 1, 0},
        {3, M / 2, 1, 0},
        {M, 2, 1, 0},
        {2, M, 1, 0},
        {h, h, 1, 0},
        {h + 1, h, 1, 0},
        {M, M, 1, 0},
        {h / 2, 4, h, 1},
        {2, 1, M / 2 + 1, 1},
        {h, 1, h, 1},
        {1, h, h, 1},
        {M, 1, M, 1},
        {h / 4, h / 4, h / 4, 1},
        /* 4-byte logits fit, the 8-byte targets (or label rows) do not */
        {M / 8 + 1, 1, 1, 0},
        {M / 16 + 1, 2, 1, 0},
        {2, 1, M / 16 + 1, 1},
    };
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        ca_fill_valid(k);
        const cr_params p = ca_params(k);
        for (size_t j = 0; j < sizeof cases / sizeof cases[0]; j++) {
            if (cases[j].inner_only && !cr_infos[k].inner) continue;
            for (int r = 0; r < 3; r++) {
                ca_sizectx c = {k,
                                {cases[j].B, cases[j].C, cases[j].I, 0, 0, 0, 0},
                                (simdloss_reduction)r,
                                &p,
                                SIMDLOSS_EINVAL};
                const int st = ca_in_child(ca_size_child, &c);
                ck_assert_msg(st == 0,
                              "[%s] %s batch=%zu classes=%zu inner=%zu (reduction %d): %s "
                              "(status %d), want EINVAL with nothing written",
                              tl_table(), cr_infos[k].fn, cases[j].B, cases[j].C, cases[j].I, r,
                              st < 0 ? "crashed" : "failed", st);
            }
        }
    }
}
END_TEST

/* ---- EDOMAIN: targets ------------------------------------------------------------------------ */
/* 1 if `num` occurs in s as a whole number (no digit on either side) */
static int ca_has_number(const char *s, const char *num)
{
    const size_t n = strlen(num);
    for (const char *p = strstr(s, num); p; p = strstr(p + 1, num)) {
        const int before = p > s && p[-1] >= '0' && p[-1] <= '9';
        const int after = p[n] >= '0' && p[n] <= '9';
        if (!before && !after) return 1;
    }
    return 0;
}

START_TEST(class_target_edomain)
{
    if (!tl_use_table(_i)) return;
    const int64_t bad_vals[] = {CA_C, CA_C + 1, -1, -2, -5, -100, -101, INT64_MAX, INT64_MIN, 1000};
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        if (cr_infos[k].target != SL_T_INDEX) continue;
        const ca_shape ok = ca_ok_shape(k);
        const size_t npos = ok.B * ok.I;
        const size_t positions[] = {0, 1, npos / 2, npos - 1};
        for (size_t a = 0; a < sizeof positions / sizeof positions[0]; a++)
            for (size_t v = 0; v < sizeof bad_vals / sizeof bad_vals[0]; v++)
                for (int r = 0; r < 3; r++) {
                    ca_fill_valid(k);
                    cr_params p = ca_params(k);
                    p.ignore_index = 3; /* a real class: -100 is out of range now */
                    ca_ti[positions[a]] = bad_vals[v];
                    char what[96], pos[32], val[32];
                    snprintf(what, sizeof what, "target[%zu] = %lld", positions[a],
                             (long long)bad_vals[v]);
                    ca_expect(k, SIMDLOSS_EDOMAIN, &ok, &p, (simdloss_reduction)r, NULL, what);
                    const char *msg = simdloss_last_error();
                    snprintf(pos, sizeof pos, "%zu", positions[a]);
                    snprintf(val, sizeof val, "%lld", (long long)bad_vals[v]);
                    ck_assert_msg(ca_has_number(msg, pos) && strstr(msg, val),
                                  "[%s] %s %s: message '%s' does not name position %s and value "
                                  "%s",
                                  tl_table(), cr_infos[k].fn, what, msg, pos, val);
                    /* ignore_index itself is not a class, whatever its value */
                    if (cr_infos[k].ignore) {
                        p.ignore_index = bad_vals[v];
                        ca_fill_sentinel();
                        ck_assert_msg(ca_do(k, &ok, &p, (simdloss_reduction)r) == SIMDLOSS_OK,
                                      "[%s] %s target == ignore_index = %lld: rc != OK ('%s')",
                                      tl_table(), cr_infos[k].fn, (long long)bad_vals[v],
                                      simdloss_last_error());
                    }
                }
    }
    /* label rows: every entry of a row, also after the -1 terminator */
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        if (cr_infos[k].target != SL_T_LABELS) continue;
        const ca_shape mok = ca_ok_shape(k);
        const int64_t mbad[] = {-2, -3, CA_C, CA_C + 7, INT64_MAX, INT64_MIN};
        const size_t at[] = {0, 1, 2, CA_C - 1, CA_C, CA_B * CA_C - 1};
        for (size_t a = 0; a < sizeof at / sizeof at[0]; a++)
            for (size_t v = 0; v < sizeof mbad / sizeof mbad[0]; v++)
                for (int r = 0; r < 3; r++) {
                    ca_fill_valid(k);
                    const cr_params p = ca_params(k);
                    ca_ti[at[a]] = mbad[v];
                    char what[96], val[32];
                    snprintf(what, sizeof what, "target[%zu] = %lld (row %zu, entry %zu)", at[a],
                             (long long)mbad[v], at[a] / CA_C, at[a] % CA_C);
                    ca_expect(k, SIMDLOSS_EDOMAIN, &mok, &p, (simdloss_reduction)r, NULL, what);
                    snprintf(val, sizeof val, "%lld", (long long)mbad[v]);
                    ck_assert_msg(strstr(simdloss_last_error(), val) != NULL,
                                  "[%s] %s %s: message '%s' does not name the value", tl_table(),
                                  cr_infos[k].fn, what, simdloss_last_error());
                }
        /* -1 anywhere, and every class, are valid */
        ca_fill_valid(k);
        for (size_t i = 0; i < CA_B * CA_C; i++) ca_ti[i] = (int64_t)(i % (CA_C + 1)) - 1;
        const cr_params p = ca_params(k);
        ca_fill_sentinel();
        ck_assert_int_eq(ca_do(k, &mok, &p, SIMDLOSS_MEAN), SIMDLOSS_OK);
    }
}
END_TEST

/* ---- guard pages -------------------------------------------------------------------------------
 */
typedef struct {
    unsigned char *map;
    size_t len;
} ca_region;

static size_t ca_page(void) { return (size_t)sysconf(_SC_PAGESIZE); }

/* [p, p + bytes) read/write with PROT_NONE right after it (at_end) or right
 * before it; `extra` PROT_NONE bytes of room after the end (at_end) */
static void *ca_guarded(ca_region *r, size_t bytes, int at_end, size_t extra)
{
    const size_t pg = ca_page();
    const size_t dp = (bytes + pg - 1) / pg, gp = 1 + (extra + pg - 1) / pg;
    r->len = (dp + 1 + gp) * pg;
    r->map = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(r->map != MAP_FAILED, "mmap failed");
    ck_assert_int_eq(mprotect(r->map, pg, PROT_NONE), 0);
    ck_assert_int_eq(mprotect(r->map + (dp + 1) * pg, gp * pg, PROT_NONE), 0);
    return at_end ? r->map + (dp + 1) * pg - bytes : r->map + pg;
}

static void ca_unmap(ca_region *r) { munmap(r->map, r->len); }

typedef struct {
    int kind;
    size_t B, C, I;
    const void *x;
    const int64_t *ti;
    const float *tf, *w, *alpha;
    float *loss;
    void *grad;
    size_t nloss, ngrad;
    int want;
    int red;
    size_t alpha_len;
} ca_gctx;

static int ca_guard_child(void *v)
{
    ca_gctx *c = v;
    cr_params p = ca_params(c->kind);
    p.weight = c->w;
    p.alpha = c->alpha;
    if (c->alpha_len) p.alpha_len = c->alpha_len;
    const int es = cr_infos[c->kind].bf16 ? 2 : 4;
    if (c->loss)
        for (size_t i = 0; i < c->nloss; i++) c->loss[i] = CA_SENT;
    if (c->grad) memset(c->grad, 0xA5, c->ngrad * (size_t)es);
    const int rc = cr_call(c->kind, c->B, c->C, c->I, c->x, c->ti, c->tf, &p,
                           (simdloss_reduction)c->red, c->loss, c->grad);
    if (rc != c->want) {
        fprintf(stderr, "  rc %d ('%s')\n", rc, simdloss_last_error());
        return 10;
    }
    if (c->want != SIMDLOSS_OK) { /* nothing written */
        for (size_t i = 0; i < c->nloss; i++)
            if (c->loss && c->loss[i] != CA_SENT) return 12;
        const unsigned char *g = c->grad;
        for (size_t i = 0; g && i < c->ngrad * (size_t)es; i++)
            if (g[i] != 0xA5) return 13;
    }
    return 0;
}

static const char *ca_status(int st)
{
    if (st == 0) return "ok";
    if (st < 0) return "crashed (read or wrote outside an array)";
    if (st == 10) return "wrong status";
    return "wrote an output";
}

/* An out-of-range target at the last position: EDOMAIN before any read of the
 * logits, which (a) end exactly at a PROT_NONE page, (b) have their last row
 * in one, (c) are PROT_NONE altogether. */
START_TEST(class_edomain_guard_page)
{
    if (!tl_use_table(_i)) return;
    const size_t shapes[][3] = {{3, 5, 1}, {1, 17, 1}, {4, 1000, 1}, {2, 3, 7}, {5, 2, 1}};
    const int64_t bad[] = {INT64_MAX, INT64_MIN, -5, 1 << 20};
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        if (cr_infos[k].target == SL_T_FLOAT) continue;
        const size_t es = cr_infos[k].bf16 ? 2 : 4;
        for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
            const size_t B = shapes[sh][0], C = shapes[sh][1];
            const size_t I = cr_infos[k].inner ? shapes[sh][2] : 1;
            const size_t nel = B * C * I, npos = B * I;
            const size_t nti = cr_infos[k].target == SL_T_LABELS ? nel : npos;
            int64_t *ti = malloc((nti + 1) * sizeof *ti);
            float *loss = malloc((npos + 1) * sizeof(float));
            void *grad = malloc((nel + 1) * es);
            float *w = malloc(C * sizeof(float));
            ck_assert(ti && loss && grad && w);
            for (size_t c = 0; c < C; c++) w[c] = 1.0f + (float)c;
            for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++)
                for (int layout = 0; layout < 3; layout++)
                    for (int r = 0; r < 3; r++) {
                        if (layout == 1 && I != 1) continue;
                        for (size_t i = 0; i < nti; i++) ti[i] = (int64_t)(i % C);
                        if (cr_infos[k].target == SL_T_LABELS)
                            ti[nel - 1] = bad[b]; /* < -1 or >= classes */
                        else
                            ti[npos - 1] = bad[b];
                        ca_region rx;
                        const size_t row = C * I * es; /* layout 1: I == 1 */
                        unsigned char *x;
                        if (layout == 0) {
                            x = ca_guarded(&rx, nel * es, 1, 0);
                        } else if (layout == 1) { /* the last row inside the guard */
                            /* rows 0..B-2 readable; row B-1 on the PROT_NONE page */
                            x = ca_guarded(&rx, (B - 1) * row, 1, row);
                        } else {
                            const size_t pg = ca_page();
                            rx.len = (nel * es + pg - 1) / pg * pg + pg;
                            rx.map =
                                mmap(NULL, rx.len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                            ck_assert(rx.map != MAP_FAILED);
                            x = rx.map;
                        }
                        if (layout != 2) { /* readable parts: valid logits */
                            const size_t nread = layout == 0 ? nel : (B - 1) * C * I;
                            for (size_t i = 0; i < nread; i++) {
                                if (es == 2) {
                                    const uint16_t one = 0x3F80;
                                    memcpy(x + 2 * i, &one, 2);
                                } else {
                                    const float v = 0.5f;
                                    memcpy(x + 4 * i, &v, 4);
                                }
                            }
                        }
                        ca_gctx c = {k,    B,
                                     C,    I,
                                     x,    ti,
                                     NULL, w,
                                     NULL, loss,
                                     grad, r == 0 ? npos : 1,
                                     nel,  SIMDLOSS_EDOMAIN,
                                     r,    0};
                        const int st = ca_in_child(ca_guard_child, &c);
                        static const char *const lay[3] = {"logits end at a PROT_NONE page",
                                                           "last row in a PROT_NONE page",
                                                           "all logits PROT_NONE"};
                        ck_assert_msg(st == 0,
                                      "[%s] %s batch=%zu classes=%zu inner=%zu, bad target %lld "
                                      "at the last position, %s, reduction %d: %s (status %d)",
                                      tl_table(), cr_infos[k].fn, B, C, I, (long long)bad[b],
                                      lay[layout], r, ca_status(st), st);
                        ca_unmap(&rx);
                    }
            free(ti), free(loss), free(grad), free(w);
        }
    }
}
END_TEST

/* Every array ends exactly at (or starts right after) a PROT_NONE page: no
 * read or write outside any argument, with valid inputs, for every shape kind. */
START_TEST(class_no_overread)
{
    if (!tl_use_table(_i)) return;
    const size_t shapes[][3] = {{1, 1, 1},    {3, 3, 1}, {5, 17, 1}, {2, 33, 1}, {17, 16, 1},
                                {3, 1000, 1}, {2, 3, 5}, {3, 17, 7}, {1, 10, 37}};
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        const size_t es = cr_infos[k].bf16 ? 2 : 4;
        for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
            const size_t B = shapes[sh][0], C = shapes[sh][1];
            const size_t I = cr_infos[k].inner ? shapes[sh][2] : 1;
            if (!cr_infos[k].inner && shapes[sh][2] != 1) continue;
            const size_t nel = B * C * I, npos = B * I;
            const size_t nti = cr_infos[k].target == SL_T_LABELS ? nel : npos;
            for (int at_end = 0; at_end < 2; at_end++)
                for (int r = 0; r < 3; r++) {
                    ca_region rx, rti, rtf, rw, ra, rl, rg;
                    unsigned char *x = ca_guarded(&rx, nel * es, at_end, 0);
                    int64_t *ti = ca_guarded(&rti, nti * sizeof(int64_t), at_end, 0);
                    float *tf = ca_guarded(&rtf, nel * sizeof(float), at_end, 0);
                    float *w = ca_guarded(&rw, C * sizeof(float), at_end, 0);
                    float *al = ca_guarded(&ra, C * sizeof(float), at_end, 0);
                    const size_t nl = r == SIMDLOSS_NONE ? npos : 1;
                    float *l = ca_guarded(&rl, nl * sizeof(float), at_end, 0);
                    void *g = ca_guarded(&rg, nel * es, at_end, 0);
                    uint64_t s = 0x1234 + (uint64_t)(k * 100 + (int)sh);
                    for (size_t i = 0; i < nel; i++) {
                        const float v = (float)(0.05 + 0.9 * tl_rand_unit(&s));
                        if (es == 2) {
                            const uint16_t b16 = cr_bf16_round(v);
                            memcpy(x + 2 * i, &b16, 2);
                        } else {
                            memcpy(x + 4 * i, &v, 4);
                        }
                        tf[i] = (float)(tl_rand_u64(&s) % 2);
                    }
                    for (size_t i = 0; i < nti; i++) ti[i] = (int64_t)(tl_rand_u64(&s) % C);
                    if (cr_infos[k].target == SL_T_LABELS)
                        for (size_t b = 0; b < B; b++)
                            if (C > 2) ti[b * C + 2] = -1;
                    for (size_t c = 0; c < C; c++) w[c] = 1.0f, al[c] = 0.25f;
                    /* alpha_len == classes: exactly `classes` values are read */
                    ca_gctx c = {k,  B, C, I,  x,   ti,          tf, w,
                                 al, l, g, nl, nel, SIMDLOSS_OK, r,  r == 2 ? C : 1};
                    const int st = ca_in_child(ca_guard_child, &c);
                    ck_assert_msg(st == 0,
                                  "[%s] %s batch=%zu classes=%zu inner=%zu, arrays %s a PROT_NONE "
                                  "page, reduction %d: %s (status %d)",
                                  tl_table(), cr_infos[k].fn, B, C, I,
                                  at_end ? "ending at" : "starting after", r, ca_status(st), st);
                    ca_unmap(&rx), ca_unmap(&rti), ca_unmap(&rtf), ca_unmap(&rw);
                    ca_unmap(&ra), ca_unmap(&rl), ca_unmap(&rg);
                }
        }
    }
}
END_TEST

/* ---- batch == 0
 * ----------------------------------------------------------------------------------- */
START_TEST(class_empty_batch)
{
    if (!tl_use_table(_i)) return;
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        ca_fill_valid(k);
        const cr_params p = ca_params(k);
        for (int nulls = 0; nulls < 2; nulls++)
            for (size_t C = 0; C < 3; C += 2) {
                for (size_t I = cr_infos[k].inner ? 0 : 1; I < 3; I += 2) {
                    ca_shape s = {0, C, I, nulls, nulls, 0, 0};
                    char what[96];
                    snprintf(what, sizeof what, "batch 0, classes %zu, inner %zu%s", C, I,
                             nulls ? ", NULL data" : "");
                    ca_fill_sentinel();
                    int rc = ca_do(k, &s, &p, SIMDLOSS_NONE);
                    ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s %s NONE: rc %d ('%s')", tl_table(),
                                  cr_infos[k].fn, what, rc, simdloss_last_error());
                    ca_assert_untouched(k, what);
                    rc = ca_do(k, &s, &p, SIMDLOSS_SUM);
                    ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s %s SUM: rc %d ('%s')", tl_table(),
                                  cr_infos[k].fn, what, rc, simdloss_last_error());
                    ck_assert_msg(ca_loss[0] == 0.0f && !signbit(ca_loss[0]),
                                  "[%s] %s %s: SUM = %g, want +0", tl_table(), cr_infos[k].fn, what,
                                  (double)ca_loss[0]);
                    ca_loss[0] = CA_SENT;
                    rc = ca_do(k, &s, &p, SIMDLOSS_MEAN);
                    ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s %s MEAN: rc %d ('%s')", tl_table(),
                                  cr_infos[k].fn, what, rc, simdloss_last_error());
                    ck_assert_msg(isnan(ca_loss[0]), "[%s] %s %s: MEAN = %g, want NaN", tl_table(),
                                  cr_infos[k].fn, what, (double)ca_loss[0]);
                    ca_loss[0] = CA_SENT;
                    ca_assert_untouched(k, what); /* no gradient written */
                    /* still validated: reduction, outputs */
                    ca_expect(k, SIMDLOSS_EINVAL, &s, &p, (simdloss_reduction)7, "reduction",
                              "batch 0, reduction 7");
                    s.no_loss = s.no_grad = 1;
                    ca_expect(k, SIMDLOSS_EINVAL, &s, &p, SIMDLOSS_SUM, NULL,
                              "batch 0, loss and grad NULL");
                }
            }
    }
}
END_TEST

/* batch == 0 with any classes and inner, also sizes whose products wrap
 * (16 * classes is 0 for classes a multiple of 2^60), with and without
 * weights and label smoothing: OK, NONE writes nothing, SUM +0, MEAN NaN, and
 * nothing is read: the weight and alpha arrays have 5 values whatever
 * classes says, and in the third pass they are an unreadable page. Each call
 * in a child: a division by a wrapped size is a SIGFPE, a read a SIGSEGV. */
typedef struct {
    int kind;
    ca_shape s;
    const cr_params *p;
} ca_emptyctx;

static int ca_empty_child(void *v)
{
    const ca_emptyctx *c = v;
    ca_fill_sentinel();
    if (ca_do(c->kind, &c->s, c->p, SIMDLOSS_NONE) != SIMDLOSS_OK) return 10;
    for (size_t i = 0; i < CA_MAXEL + 8; i++)
        if (ca_loss[i] != CA_SENT || ca_grad[i] != CA_SENT || ca_gradb[i] != CA_SENT16) return 11;
    if (ca_do(c->kind, &c->s, c->p, SIMDLOSS_SUM) != SIMDLOSS_OK) return 12;
    if (!(ca_loss[0] == 0.0f && !signbit(ca_loss[0]))) return 13;
    if (ca_do(c->kind, &c->s, c->p, SIMDLOSS_MEAN) != SIMDLOSS_OK) return 14;
    if (!isnan(ca_loss[0])) return 15;
    for (size_t i = 0; i < CA_MAXEL + 8; i++)
        if (ca_grad[i] != CA_SENT || ca_gradb[i] != CA_SENT16) return 16;
    return 0;
}

START_TEST(class_empty_batch_sizes)
{
    if (!tl_use_table(_i)) return;
    const size_t M = SIZE_MAX, e60 = (size_t)1 << 60;
    const size_t classes[] = {0, 1, 2, 17, 256, 257, e60, 2 * e60, 3 * e60, M / 8 + 1, M};
    const size_t inners[] = {0, 1, 2, (size_t)1 << 62, M};
    const long page = sysconf(_SC_PAGESIZE);
    float *unreadable = mmap(NULL, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert(unreadable != MAP_FAILED);
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        ca_fill_valid(k);
        for (int ps = 0; ps < 3; ps++) {
            cr_params p = ca_params(k);
            if (ps) { /* weights, smoothing, alpha */
                p.weight = ps == 1 ? ca_w : unreadable;
                p.alpha = ps == 1 ? ca_alpha : unreadable;
                const int ls_at = cr_pf_index(k, "label_smoothing");
                if (ls_at >= 0) p.pf[ls_at] = 0.1f;
                p.alpha_len = 1;
            }
            for (size_t ci = 0; ci < sizeof classes / sizeof classes[0]; ci++)
                for (size_t ii = 0; ii < sizeof inners / sizeof inners[0]; ii++) {
                    if (!cr_infos[k].inner && inners[ii] != 1) continue;
                    for (int nulls = 0; nulls < 2; nulls++) {
                        ca_emptyctx c = {k, {0, classes[ci], inners[ii], nulls, nulls, 0, 0}, &p};
                        const int st = ca_in_child(ca_empty_child, &c);
                        ck_assert_msg(st == 0,
                                      "[%s] %s batch=0 classes=%zu inner=%zu%s%s: %s (status %d), "
                                      "want OK, NONE untouched, SUM +0, MEAN NaN",
                                      tl_table(), cr_infos[k].fn, classes[ci], inners[ii],
                                      ps == 1   ? " weight alpha ls=0.1"
                                      : ps == 2 ? " unreadable weight alpha, ls=0.1"
                                                : "",
                                      nulls ? " NULL data" : "", st < 0 ? "crashed" : "failed", st);
                    }
                }
        }
    }
    munmap(unreadable, (size_t)page);
}
END_TEST

/* ---- ignore_index
 * ------------------------------------------------------------------------------------ */
static int ca_ce_call(int kind, size_t B, size_t C, size_t I, const float *x, const int64_t *t,
                      const float *w, int64_t ign, float ls, int red, float *loss, float *grad)
{
    cr_params p = ca_params(kind);
    p.weight = w;
    p.ignore_index = ign;
    const int ls_at = cr_pf_index(kind, "label_smoothing");
    if (ls_at >= 0) p.pf[ls_at] = ls;
    if (cr_infos[kind].bf16) {
        const size_t n = B * C * I;
        uint16_t *xb = malloc((n + 1) * 2), *gb = malloc((n + 1) * 2);
        ck_assert(xb && gb);
        for (size_t i = 0; i < n; i++) xb[i] = cr_bf16_round(x[i]);
        const int rc = cr_call(kind, B, C, I, xb, t, NULL, &p, (simdloss_reduction)red, loss,
                               grad ? gb : NULL);
        if (grad)
            for (size_t i = 0; i < n; i++) grad[i] = cr_bf16_widen(gb[i]);
        free(xb), free(gb);
        return rc;
    }
    /* float targets (a loss with row labels): the input itself will do */
    const float *tf = cr_infos[kind].target == SL_T_FLOAT ? x : NULL;
    return cr_call(kind, B, C, I, x, t, tf, &p, (simdloss_reduction)red, loss, grad);
}

START_TEST(class_all_ignored)
{
    if (!tl_use_table(_i)) return;
    const size_t B = 3, C = 4, I5 = 5;
    float x[3 * 4 * 5], w[4] = {0.5f, 2, 1, 3}, zw[4] = {0, 0, 0, 0}, l[3 * 5], g[3 * 4 * 5];
    int64_t t[3 * 5];
    for (size_t i = 0; i < B * C * I5; i++) x[i] = (float)((int)(i * 5) % 9) * 0.5f - 2.0f;
    for (int k = 0; k < CR_NKINDS; k++) { /* the losses with ignore_index */
        if (cr_multi(k)) continue;        /* tests/test_embedding.c */
        if (!cr_infos[k].ignore) continue;
        /* rows (inner 1): the first B positions; MEAN_KEPT: 0 when every
         * position is ignored (Keras' masked mean) */
        const size_t I = cr_infos[k].inner ? I5 : 1, n = B * C * I, np = B * I;
        const int kept = cr_infos[k].mean == SL_MEAN_KEPT;
        for (int wi = 0; wi < 2; wi++)
            for (int lsi = 0; lsi < 2; lsi++) {
                const float ls = (cr_pf_index(k, "label_smoothing") < 0 || lsi == 0) ? 0.0f : 0.3f;
                const int64_t ign[] = {-100, 2, INT64_MIN};
                for (size_t j = 0; j < 3; j++) {
                    for (size_t i = 0; i < np; i++) t[i] = ign[j];
                    for (int r = 0; r < 3; r++) {
                        for (size_t i = 0; i < n; i++) g[i] = CA_SENT;
                        for (size_t i = 0; i < np; i++) l[i] = CA_SENT;
                        const int rc =
                            ca_ce_call(k, B, C, I, x, t, wi ? w : NULL, ign[j], ls, r, l, g);
                        ck_assert_msg(rc == SIMDLOSS_OK, "[%s] %s all ignored: rc %d ('%s')",
                                      tl_table(), cr_infos[k].fn, rc, simdloss_last_error());
                        if (r == SIMDLOSS_NONE)
                            for (size_t i = 0; i < np; i++)
                                ck_assert_msg(l[i] == 0.0f, "[%s] %s all ignored: loss[%zu] = %g",
                                              tl_table(), cr_infos[k].fn, i, (double)l[i]);
                        if (r == SIMDLOSS_SUM)
                            ck_assert_msg(l[0] == 0.0f, "[%s] %s all ignored: SUM = %g", tl_table(),
                                          cr_infos[k].fn, (double)l[0]);
                        if (r == SIMDLOSS_MEAN && kept)
                            ck_assert_msg(l[0] == 0.0f, "[%s] %s all ignored: MEAN = %g, want 0",
                                          tl_table(), cr_infos[k].fn, (double)l[0]);
                        if (r == SIMDLOSS_MEAN && !kept)
                            ck_assert_msg(isnan(l[0]), "[%s] %s all ignored: MEAN = %g, want NaN",
                                          tl_table(), cr_infos[k].fn, (double)l[0]);
                        for (size_t i = 0; i < n; i++)
                            ck_assert_msg(g[i] == 0.0f,
                                          "[%s] %s all ignored (ignore_index %lld, reduction %d): "
                                          "grad[%zu] = %g, want 0",
                                          tl_table(), cr_infos[k].fn, (long long)ign[j], r, i,
                                          (double)g[i]);
                    }
                }
            }
        /* zero weights: the divisor is 0 -> MEAN NaN (its gradient is 0/0 in
         * PyTorch, not pinned here); SUM 0 with a zero gradient */
        if (!cr_infos[k].w) continue;
        for (size_t i = 0; i < np; i++) t[i] = (int64_t)(i % C);
        ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, zw, -100, 0.0f, SIMDLOSS_MEAN, l, g),
                         SIMDLOSS_OK);
        ck_assert_msg(isnan(l[0]), "[%s] %s zero weights: MEAN = %g, want NaN", tl_table(),
                      cr_infos[k].fn, (double)l[0]);
        for (size_t i = 0; i < n; i++) g[i] = CA_SENT;
        ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, zw, -100, 0.0f, SIMDLOSS_SUM, l, g),
                         SIMDLOSS_OK);
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(g[i] == 0.0f, "[%s] %s zero weights: SUM grad[%zu] = %g", tl_table(),
                          cr_infos[k].fn, i, (double)g[i]);
        ck_assert_msg(l[0] == 0.0f, "[%s] %s zero weights: SUM = %g", tl_table(), cr_infos[k].fn,
                      (double)l[0]);
    }
}
END_TEST

START_TEST(class_ignore_real_class)
{
    if (!tl_use_table(_i)) return;
    enum { B = 7, C = 6, I3 = 3, NEL = B * C * I3, NP3 = B * I3 };
    float x[NEL], w[C], l0[NP3], g0[NEL], l1[NP3], g1[NEL], s1, m1;
    int64_t t[NP3];
    uint64_t s = 99;
    for (size_t i = 0; i < NEL; i++) x[i] = (float)(3.0 * tl_rand_normal(&s));
    for (size_t c = 0; c < C; c++) w[c] = (float)(0.25 + c);
    for (size_t i = 0; i < NP3; i++) t[i] = (int64_t)(tl_rand_u64(&s) % C);
    t[0] = 2, t[NP3 - 1] = 2, t[NP3 / 2] = 2, t[B - 1] = 2;
    for (int k = 0; k < CR_NKINDS; k++) { /* the losses with ignore_index */
        if (cr_multi(k)) continue;        /* tests/test_embedding.c */
        if (!cr_infos[k].ignore) continue;
        const size_t I = cr_infos[k].inner ? I3 : 1, NP = B * I; /* rows: B positions */
        for (int wi = 0; wi < 2; wi++)
            for (int lsi = 0; lsi < 2; lsi++) {
                const float ls = (cr_pf_index(k, "label_smoothing") < 0 || lsi == 0) ? 0.0f : 0.2f;
                const float *wp = wi && cr_infos[k].w ? w : NULL;
                ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, wp, -100, ls, 0, l0, g0),
                                 SIMDLOSS_OK);
                ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, wp, 2, ls, 0, l1, g1), SIMDLOSS_OK);
                ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, wp, 2, ls, SIMDLOSS_SUM, &s1, NULL),
                                 SIMDLOSS_OK);
                ck_assert_int_eq(ca_ce_call(k, B, C, I, x, t, wp, 2, ls, SIMDLOSS_MEAN, &m1, NULL),
                                 SIMDLOSS_OK);
                double sum = 0, div = 0;
                for (size_t pos = 0; pos < NP; pos++) {
                    const int ign = t[pos] == 2;
                    if (ign) {
                        ck_assert_msg(l1[pos] == 0.0f, "[%s] %s ignored position %zu: loss %g",
                                      tl_table(), cr_infos[k].fn, pos, (double)l1[pos]);
                    } else {
                        ck_assert_msg(tl_bits(l1[pos]) == tl_bits(l0[pos]),
                                      "[%s] %s position %zu: loss %.9g with ignore_index 2, %.9g "
                                      "without",
                                      tl_table(), cr_infos[k].fn, pos, (double)l1[pos],
                                      (double)l0[pos]);
                        sum += l1[pos];
                        div += wp ? (double)w[t[pos]] : 1.0;
                    }
                    for (size_t c = 0; c < C; c++) {
                        const size_t at = ((pos / I) * C + c) * I + pos % I;
                        if (ign)
                            ck_assert_msg(g1[at] == 0.0f, "[%s] %s ignored position %zu: grad %g",
                                          tl_table(), cr_infos[k].fn, pos, (double)g1[at]);
                        else
                            ck_assert_msg(tl_bits(g1[at]) == tl_bits(g0[at]),
                                          "[%s] %s position %zu class %zu: grad %.9g with "
                                          "ignore_index 2, %.9g without",
                                          tl_table(), cr_infos[k].fn, pos, c, (double)g1[at],
                                          (double)g0[at]);
                    }
                }
                ck_assert_msg(fabs(s1 - sum) <= 4e-7 * fabs(sum) + 1e-30,
                              "[%s] %s ignore_index 2: SUM %.9g, sum of the others %.9g",
                              tl_table(), cr_infos[k].fn, (double)s1, sum);
                ck_assert_msg(fabs(m1 - sum / div) <= 4e-7 * fabs(sum / div) + 1e-30,
                              "[%s] %s ignore_index 2: MEAN %.9g, want %.9g = %.9g / %.9g",
                              tl_table(), cr_infos[k].fn, (double)m1, sum / div, sum, div);
            }
    }
}
END_TEST

/* Thousands of positions (the targets are checked block by block): the first
 * of several bad targets is the one reported, wherever the blocks end, and a
 * weighted MEAN divides by the weights of all the kept positions. */
START_TEST(class_many_positions)
{
    if (!tl_use_table(_i)) return;
    enum { B = 3001, C = 3 };
    static float x[B * C], g[B * C];
    static int64_t t[B];
    const float w[C] = {0.5f, 2.0f, 3.0f};
    for (size_t i = 0; i < B * C; i++) x[i] = -0.25f - (float)(i % 7) * 0.125f;
    const size_t firsts[][2] = {{1500, 2500}, {1023, 1024}, {1024, 1025}, {2999, 3000}, {0, 2047}};
    for (size_t f = 0; f < sizeof firsts / sizeof firsts[0]; f++)
        for (int fn = 0; fn < 3; fn++) {
            for (size_t p = 0; p < B; p++) t[p] = (int64_t)(p % C);
            t[firsts[f][0]] = -7;
            t[firsts[f][1]] = C;
            float loss = 0.0f;
            int rc;
            if (fn == 0)
                rc = simdloss_cross_entropy_f32(B, C, 1, x, t, w, -100, 0.0f, SIMDLOSS_MEAN, &loss,
                                                g);
            else if (fn == 1)
                rc = simdloss_nll_f32(B, C, 1, x, t, w, -100, SIMDLOSS_MEAN, &loss, g);
            else
                rc = simdloss_multi_margin_f32(B, C, x, t, 1, 1.0f, w, SIMDLOSS_MEAN, &loss, g);
            char want[64];
            snprintf(want, sizeof want, "target[%zu] = -7 ", firsts[f][0]);
            ck_assert_msg(rc == SIMDLOSS_EDOMAIN && strstr(simdloss_last_error(), want),
                          "[%s] function %d, bad targets at %zu and %zu: status %d, message '%s'",
                          tl_table(), fn, firsts[f][0], firsts[f][1], rc, simdloss_last_error());
        }
    /* ignore_index = 1, a real class */
    double sum = 0.0, div = 0.0;
    for (size_t p = 0; p < B; p++) {
        t[p] = (int64_t)(p % C);
        if (t[p] == 1) continue;
        sum += -(double)w[t[p]] * (double)x[p * C + (size_t)t[p]];
        div += (double)w[t[p]];
    }
    float mean = 0.0f;
    ck_assert_int_eq(simdloss_nll_f32(B, C, 1, x, t, w, 1, SIMDLOSS_MEAN, &mean, g), SIMDLOSS_OK);
    ck_assert_msg(fabs(mean - sum / div) <= 4e-7 * fabs(sum / div),
                  "[%s] nll MEAN over %d positions: %.9g, want %.9g", tl_table(), (int)B,
                  (double)mean, sum / div);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("class_api");
    TCase *tc = tcase_create("contract");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, class_einval, 0, tl_ntables());
    tcase_add_loop_test(tc, class_param_einval, 0, tl_ntables());
    tcase_add_loop_test(tc, class_size_overflow, 0, tl_ntables());
    tcase_add_loop_test(tc, class_target_edomain, 0, tl_ntables());
    tcase_add_loop_test(tc, class_edomain_guard_page, 0, tl_ntables());
    tcase_add_loop_test(tc, class_no_overread, 0, tl_ntables());
    tcase_add_loop_test(tc, class_empty_batch, 0, tl_ntables());
    tcase_add_loop_test(tc, class_empty_batch_sizes, 0, tl_ntables());
    tcase_add_loop_test(tc, class_all_ignored, 0, tl_ntables());
    tcase_add_loop_test(tc, class_ignore_real_class, 0, tl_ntables());
    tcase_add_loop_test(tc, class_many_positions, 0, tl_ntables());
    suite_add_tcase(s, tc);
    return tl_main(s);
}
