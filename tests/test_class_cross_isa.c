/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bitwise equality of the class-dimension losses across ISAs, and with
 * respect to how a call is made.
 *
 * For every class-dimension function, several parameter branches, reductions
 * NONE/MEAN/SUM, outputs {loss + grad, loss only, grad only}, shapes
 * batch x classes (x inner) covering every code path (classes 1, 2, 3, 10,
 * 16, 17, 33, 1000 with batch 1, 3, 15, 16, 17, 33; inner 5, 16, 17, 37; and
 * large ones: (4, 32000), (1000, 3), (257, 17), (2, 21, 1000), ...; fewer
 * under emulation, TL_EMULATED), and two
 * input patterns (natural values with exact ties and kinks; the same
 * sprinkled with 0, -0, +-1e-38, +-1e-45, +-1e30, +-inf, NaN, +-100 and
 * zero weights, NaN also at fixed positions including the last element):
 *   - every runnable ISA gives the same bits as the first runnable ISA, for
 *     every output value, the return code and the error message (-0 and +0
 *     differ; a NaN must be the canonical 0x7fc00000, 0x7fc0 in bf16);
 *   - on every ISA: misaligned input, target and outputs (offsets of 1..3
 *     elements) give the same bits as 64-byte aligned ones; the in-place call
 *     (gradient == input) gives the same bits as the out-of-place one; loss
 *     only and gradient only give the same bits as loss + gradient; nothing
 *     is written before or after the outputs (guard words); the inputs,
 *     targets and weights are not modified.
 *   - threads: on every table, NONE and MEAN with loss and gradient, edge
 *     inputs, give the same bits with the built-in engine at 2, 3, 4, 7 and 16
 *     threads and through a pthread pool (tests/threads.h) as with one
 *     thread (the reference of everything above), at the shapes of more
 *     than one task: whole chunks of 1024 positions ((3000, 3), (2, 21,
 *     1000)), chunks split by rows ((4, 32000), (67, 1000): 6 x 9 + 13 rows), and
 *     both ((1100, 64), several chunks split); not under emulation
 *     (test_threads runs every loss on threads there).
 * With a single runnable ISA only the second group is meaningful; the test
 * prints which ISAs it compared.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class_spec.h"
#include "harness.h"
#include "threads.h"

/* ---- branches: those of every class loss's spec marked `cross` ---------------------------- */
typedef struct {
    int kind;
    const cs_branch *b;
} cx_branch;

#define CX_MAX_BRANCHES 256
static cx_branch cx_branches[CX_MAX_BRANCHES];
static int cx_nbranches;

static void cx_collect_branches(void)
{
    cx_nbranches = 0;
    for (int k = 0; k < CR_NKINDS; k++) {
        if (cr_multi(k)) continue; /* tests/test_embedding.c */
        int found = 0;
        for (size_t j = 0; j < cs_specs[k]->nbranches; j++)
            if (cs_specs[k]->branches[j].cross && cx_nbranches < CX_MAX_BRANCHES) {
                cx_branches[cx_nbranches++] = (cx_branch){k, &cs_specs[k]->branches[j]};
                found = 1;
            }
        /* every class function is compared across tables */
        if (!found) {
            fprintf(stderr, "%s: no branch of its spec is marked cross\n", cr_infos[k].fn);
            abort();
        }
    }
}

/* ---- failures -------------------------------------------------------------------- */
#define CX_MAX_PRINT 12
typedef struct {
    long fails;
    char first[1024];
} cx_ctx;

static void cx_fail(cx_ctx *c, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    static long max_print = -1; /* CX_MAX_PRINT=n in the environment prints more */
    if (max_print < 0) {
        const char *e = getenv("CX_MAX_PRINT");
        max_print = e ? atol(e) : CX_MAX_PRINT;
    }
    if (c->fails < max_print) fprintf(stderr, "FAIL %s\n", msg);
    if (c->fails == 0) snprintf(c->first, sizeof c->first, "%s", msg);
    c->fails++;
}

/* ---- inputs -------------------------------------------------------------------------- */
static double U(uint64_t *s, double a, double b) { return a + (b - a) * tl_rand_unit(s); }
static int coin(uint64_t *s, double p) { return tl_rand_unit(s) < p; }
static size_t R(uint64_t *s, size_t n) { return n ? (size_t)(tl_rand_u64(s) % n) : 0; }

typedef struct {
    size_t B, C, I, npos, nel, nti;
    float *x;     /* nel (the widened bf16 values for the bf16 kind) */
    uint16_t *xb; /* nel */
    int64_t *ti;  /* nti */
    float *tf;    /* nel */
    float *w, *alpha;
    cr_params prm;
} cx_data;

static size_t cx_at(const cx_data *d, size_t pos, size_t c)
{
    return ((pos / d->I) * d->C + c) * d->I + pos % d->I;
}

static const float cx_edges[] = {0.0f,    -0.0f,  1e-38f,   -1e-38f,    1e-45f, -1e-45f,
                                 1e30f,   -1e30f, INFINITY, -INFINITY,  NAN,    100.0f,
                                 -100.0f, 1e-7f,  1.0f,     0.99999988f};
#define CX_NEDGES (sizeof cx_edges / sizeof cx_edges[0])

static uint64_t cx_seed(const cx_branch *b, size_t B, size_t C, size_t I, int pattern)
{
    uint64_t h = 0x84222325cbf29ce4ull ^ (uint64_t)pattern ^ ((uint64_t)b->kind << 8);
    for (const char *p = b->b->label; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    h ^= B * 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ull;
    return h ^ (C * 0x94d049bb133111ebull + I);
}

static void cx_make(const cx_branch *xb, size_t B, size_t C, size_t I, int pattern, cx_data *d)
{
    const int k = xb->kind;
    const cs_branch *b = xb->b;
    const sl_class_info *L = &cr_infos[k];
    uint64_t s = cx_seed(xb, B, C, I, pattern);
    memset(d, 0, sizeof *d);
    d->B = B, d->C = C, d->I = I;
    d->npos = B * I;
    d->nel = B * C * I;
    d->nti = L->target == SL_T_LABELS ? d->nel : d->npos;
    d->x = malloc((d->nel + 1) * sizeof(float));
    d->xb = malloc((d->nel + 1) * sizeof(uint16_t));
    d->tf = malloc((d->nel + 1) * sizeof(float));
    d->ti = malloc((d->nti + 1) * sizeof(int64_t));
    d->w = malloc((C + 1) * sizeof(float));
    d->alpha = malloc((C + 1) * sizeof(float));
    double *v = malloc((C + 1) * sizeof(double)), *t = malloc((C + 1) * sizeof(double));
    int64_t *row = malloc((C + 1) * sizeof(int64_t));
    ck_assert(d->x && d->xb && d->tf && d->ti && d->w && d->alpha && v && t && row);
    for (size_t c = 0; c < C; c++) {
        d->w[c] = (float)U(&s, 0.1, 3.0);
        d->alpha[c] = (float)U(&s, 0.05, 1.0);
        if (pattern == 1 && coin(&s, 0.1)) d->w[c] = 0.0f;
    }
    d->prm = cr_branch_params(k, b, C, d->w, d->alpha);
    for (size_t pos = 0; pos < d->npos; pos++) {
        int64_t y = (int64_t)R(&s, C);
        for (size_t c = 0; c < C; c++) t[c] = 0;
        cs_specs[k]->gen(b, C, &s, v, t, &y, row);
        for (size_t c = 0; c < C; c++) {
            d->x[cx_at(d, pos, c)] = (float)v[c];
            d->tf[cx_at(d, pos, c)] = (float)t[c];
        }
        if (L->target == SL_T_INDEX) {
            if (L->ignore && b->ignore_frac > 0 && coin(&s, b->ignore_frac)) y = b->ignore_index;
            d->ti[pos] = y;
        } else if (L->target == SL_T_LABELS) {
            memcpy(d->ti + pos * C, row, C * sizeof(int64_t));
        }
    }
    free(v), free(t), free(row);
    if (pattern == 1) {
        for (size_t i = 0; i < d->nel; i++) {
            if (coin(&s, 0.1)) d->x[i] = cx_edges[R(&s, CX_NEDGES)];
            if (coin(&s, 0.05)) d->tf[i] = cx_edges[R(&s, CX_NEDGES)];
        }
        if (d->nel > 0) { /* outputs hold only 0x7fc00000 whatever NaN comes in */
            d->x[d->nel - 1] = NAN;
            d->x[d->nel / 3] = tl_from_bits(0xffc00001u); /* negative, payload */
            d->x[d->nel / 5] = tl_from_bits(0x7f800123u); /* signalling */
            d->tf[d->nel / 2] = tl_from_bits(0xff800001u);
        }
    }
    for (size_t i = 0; i < d->nel; i++) {
        d->xb[i] = cr_bf16_round(d->x[i]);
        if (L->bf16) d->x[i] = cr_bf16_widen(d->xb[i]);
    }
}

static void cx_free(cx_data *d)
{
    free(d->x), free(d->xb), free(d->tf), free(d->ti), free(d->w), free(d->alpha);
    memset(d, 0, sizeof *d);
}

/* ---- guarded buffers -------------------------------------------------------------------- */
#define CX_GUARD 32 /* elements: 64 bytes or more for every element size */
#define CX_SENT 0xA5

typedef struct {
    unsigned char *base;
    size_t es, cap; /* element size, capacity in elements */
} cx_buf;

static void cx_buf_init(cx_buf *b, size_t es, size_t n)
{
    b->es = es;
    b->cap = n + 2 * CX_GUARD + 4;
    const size_t bytes = (b->cap * es + 63) / 64 * 64;
    b->base = aligned_alloc(64, bytes);
    ck_assert_ptr_nonnull(b->base);
}

/* fills with the sentinel and returns the element at offset `off` past the guard */
static void *cx_buf_reset(cx_buf *b, size_t off)
{
    memset(b->base, CX_SENT, b->cap * b->es);
    return b->base + (CX_GUARD + off) * b->es;
}

/* 1 if every byte outside [p, p + n elements) still holds the sentinel */
static int cx_buf_guards_ok(const cx_buf *b, const void *p, size_t n)
{
    const unsigned char *q = p;
    for (const unsigned char *r = b->base; r < q; r++)
        if (*r != CX_SENT) return 0;
    for (const unsigned char *r = q + n * b->es; r < b->base + b->cap * b->es; r++)
        if (*r != CX_SENT) return 0;
    return 1;
}

/* ---- calls ---------------------------------------------------------------------------------- */
enum { M_BOTH, M_LOSS, M_GRAD, M_N };
static const char *const cx_mode_names[M_N] = {"loss+grad", "loss only", "grad only"};
static const char *const cx_red_names[3] = {"NONE", "MEAN", "SUM"};
enum { V_PLAIN, V_MISALIGN, V_ALIAS, V_N };
static const char *const cx_var_names[V_N] = {"aligned", "misaligned", "grad == input"};

typedef struct {
    int rc;
    char err[256];
    size_t nl, ng;
    float *loss;
    unsigned char *grad; /* ng elements of es bytes */
} cx_res;

typedef struct {
    const cx_branch *b;
    const cx_data *d;
    int bf16;
    size_t es; /* input/gradient element size */
    cx_buf bx, bti, btf, bl, bg, bw, ba;
    const char *pat;
} cx_env;

static void cx_res_alloc(cx_res *r, size_t n)
{
    memset(r, 0, sizeof *r);
    r->loss = malloc((n + 1) * sizeof(float));
    r->grad = malloc((n + 1) * 4);
    ck_assert(r->loss && r->grad);
}

static void cx_res_free(cx_res *r) { free(r->loss), free(r->grad); }

static void cx_run(cx_env *e, int red, int mode, int variant, int off, cx_res *r, cx_ctx *c,
                   const char *who)
{
    const cx_data *d = e->d;
    const size_t nel = d->nel, npos = d->npos, es = e->es;
    const int want_l = mode != M_GRAD, want_g = mode != M_LOSS;
    const size_t nl = want_l ? (red == SIMDLOSS_NONE ? npos : 1) : 0, ng = want_g ? nel : 0;
    const int mis = variant == V_MISALIGN;
    void *x = cx_buf_reset(&e->bx, mis ? (size_t)(1 + off % 3) : 0);
    int64_t *ti = cx_buf_reset(&e->bti, mis ? (size_t)(1 + (off + 1) % 3) : 0);
    float *tf = cx_buf_reset(&e->btf, mis ? (size_t)(1 + (off + 2) % 3) : 0);
    float *l = cx_buf_reset(&e->bl, mis ? (size_t)(1 + (off + 1) % 3) : 0);
    void *g = cx_buf_reset(&e->bg, mis ? (size_t)(3 - off % 3) : 0);
    float *w = cx_buf_reset(&e->bw, mis ? (size_t)(1 + off % 3) : 0);
    float *al = cx_buf_reset(&e->ba, mis ? (size_t)(1 + (off + 2) % 3) : 0);
    if (nel) memcpy(x, e->bf16 ? (const void *)d->xb : (const void *)d->x, nel * es);
    if (d->nti) memcpy(ti, d->ti, d->nti * sizeof(int64_t));
    if (nel) memcpy(tf, d->tf, nel * sizeof(float));
    memcpy(w, d->w, d->C * sizeof(float));
    memcpy(al, d->alpha, d->C * sizeof(float));
    cr_params p = d->prm;
    p.weight = d->prm.weight ? w : NULL;
    p.alpha = al;
    void *go = want_g ? (variant == V_ALIAS ? x : g) : NULL;
    r->rc = cr_call(e->b->kind, d->B, d->C, d->I, x, ti, tf, &p, (simdloss_reduction)red,
                    want_l ? l : NULL, go);
    snprintf(r->err, sizeof r->err, "%s", r->rc ? simdloss_last_error() : "");
    r->nl = nl;
    r->ng = ng;
    if (nl) memcpy(r->loss, l, nl * sizeof(float));
    if (ng) memcpy(r->grad, go, ng * es);

    char head[400];
    snprintf(head, sizeof head, "[%s] %s/%s batch=%zu classes=%zu inner=%zu %s %s %s, %s inputs",
             who, cr_infos[e->b->kind].fn, e->b->b->label, d->B, d->C, d->I, cx_red_names[red],
             cx_mode_names[mode], cx_var_names[variant], e->pat);
    /* nothing written outside the outputs; the inputs unchanged */
    if (!cx_buf_guards_ok(&e->bl, l, nl))
        cx_fail(c, "%s: write outside loss (length %zu)", head, nl);
    if (variant != V_ALIAS && !cx_buf_guards_ok(&e->bg, g, ng))
        cx_fail(c, "%s: write outside grad (length %zu)", head, ng);
    if (!cx_buf_guards_ok(&e->bx, x, nel))
        cx_fail(c, "%s: write outside %s (length %zu)", head,
                variant == V_ALIAS ? "grad == input" : "input", nel);
    if (variant != V_ALIAS && nel &&
        memcmp(x, e->bf16 ? (const void *)d->xb : (const void *)d->x, nel * es) != 0)
        cx_fail(c, "%s: the input was modified", head);
    if (!cx_buf_guards_ok(&e->bti, ti, d->nti) ||
        (d->nti && memcmp(ti, d->ti, d->nti * sizeof(int64_t)) != 0))
        cx_fail(c, "%s: the int64 target (or its guards) was modified", head);
    if (!cx_buf_guards_ok(&e->btf, tf, nel) || (nel && memcmp(tf, d->tf, nel * sizeof(float))))
        cx_fail(c, "%s: the float target (or its guards) was modified", head);
    if (!cx_buf_guards_ok(&e->bw, w, d->C) || memcmp(w, d->w, d->C * sizeof(float)) ||
        !cx_buf_guards_ok(&e->ba, al, d->C) || memcmp(al, d->alpha, d->C * sizeof(float)))
        cx_fail(c, "%s: weight or alpha (or their guards) modified", head);
}

/* Equal bits, and a NaN only as the canonical 0x7fc00000. */
static int cx_same_f(float a, float b)
{
    return tl_bits(a) == tl_bits(b) && (!isnan(a) || tl_bits(a) == 0x7fc00000u);
}

static void cx_compare(cx_ctx *c, const cx_env *e, const char *ctx, int red, int mode,
                       const cx_res *a, const cx_res *b, int cmp_l, int cmp_g)
{
    const cx_data *d = e->d;
    char head[400];
    snprintf(head, sizeof head, "%s %s/%s batch=%zu classes=%zu inner=%zu %s %s", ctx,
             cr_infos[e->b->kind].fn, e->b->b->label, d->B, d->C, d->I, cx_red_names[red],
             cx_mode_names[mode]);
    if (a->rc != b->rc || strcmp(a->err, b->err) != 0) {
        cx_fail(c, "%s: status %d '%s' vs %d '%s'", head, a->rc, a->err, b->rc, b->err);
        return;
    }
    if (a->rc != SIMDLOSS_OK) {
        cx_fail(c, "%s: status %d '%s'", head, a->rc, a->err);
        return;
    }
    if (cmp_l) {
        int rep = 0;
        const size_t n = a->nl < b->nl ? a->nl : b->nl;
        for (size_t i = 0; i < n; i++)
            if (!cx_same_f(a->loss[i], b->loss[i]) && rep++ < 3)
                cx_fail(c, "%s: loss[%zu] 0x%08x (%.9g) vs 0x%08x (%.9g)", head, i,
                        (unsigned)tl_bits(a->loss[i]), (double)a->loss[i],
                        (unsigned)tl_bits(b->loss[i]), (double)b->loss[i]);
    }
    if (cmp_g) {
        int rep = 0;
        const size_t n = a->ng < b->ng ? a->ng : b->ng;
        for (size_t i = 0; i < n; i++) {
            if (e->bf16) {
                uint16_t p, q;
                memcpy(&p, a->grad + 2 * i, 2);
                memcpy(&q, b->grad + 2 * i, 2);
                const int nan = (p & 0x7f80u) == 0x7f80u && (p & 0x7fu) != 0;
                if ((p != q || (nan && p != 0x7fc0u)) && rep++ < 3)
                    cx_fail(c, "%s: grad[%zu] 0x%04x vs 0x%04x [x=%.9g]", head, i, (unsigned)p,
                            (unsigned)q, (double)d->x[i]);
            } else {
                float p, q;
                memcpy(&p, a->grad + 4 * i, 4);
                memcpy(&q, b->grad + 4 * i, 4);
                if (!cx_same_f(p, q) && rep++ < 3)
                    cx_fail(c, "%s: grad[%zu] 0x%08x (%.9g) vs 0x%08x (%.9g) [x=%.9g]", head, i,
                            (unsigned)tl_bits(p), (double)p, (unsigned)tl_bits(q), (double)q,
                            (double)d->x[i]);
            }
        }
    }
}

/* The runnable tables, best first; the first is exact (the reference), and
 * only exact tables are compared with it bit for bit (scalar-nofma gets the
 * checks within itself). */
static int cx_tabs[64], cx_ntabs;

static void cx_find_tables(void)
{
    cx_ntabs = 0;
    for (int t = 0; t < tl_ntables() && cx_ntabs < 64; t++)
        if (tl_table_runnable(t)) cx_tabs[cx_ntabs++] = t;
}

/* Input elements of one task (src/class_call.c): smaller calls run inline. */
#define CX_TASK 8192

/* The thread configurations run on calls of several tasks, with the edge
 * inputs, for NONE (every position's loss) and MEAN (the sums); not under
 * emulation, where test_threads runs every loss on threads. */
static int cx_threaded(size_t elements, int red, int pattern)
{
#ifdef TL_EMULATED
    (void)elements, (void)red, (void)pattern;
    return 0;
#else
    return elements >= CX_TASK && red != SIMDLOSS_SUM && pattern == 1;
#endif
}

static void cx_case(cx_ctx *c, const cx_branch *b, size_t B, size_t C, size_t I, int pattern)
{
    cx_data d;
    cx_make(b, B, C, I, pattern, &d);
    cx_env e;
    memset(&e, 0, sizeof e);
    e.b = b;
    e.d = &d;
    e.bf16 = cr_infos[b->kind].bf16;
    e.es = e.bf16 ? 2 : 4;
    e.pat = pattern ? "edge" : "natural";
    cx_buf_init(&e.bx, e.es, d.nel);
    cx_buf_init(&e.bti, sizeof(int64_t), d.nti);
    cx_buf_init(&e.btf, sizeof(float), d.nel);
    cx_buf_init(&e.bl, sizeof(float), d.npos);
    cx_buf_init(&e.bg, e.es, d.nel);
    cx_buf_init(&e.bw, sizeof(float), C);
    cx_buf_init(&e.ba, sizeof(float), C);
    cx_res first[3][M_N], cur[3][M_N], var;
    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            cx_res_alloc(&first[r][m], d.nel);
            cx_res_alloc(&cur[r][m], d.nel);
        }
    cx_res_alloc(&var, d.nel);

    for (int k = 0; k < cx_ntabs; k++) {
        ck_assert_msg(tl_use_table(cx_tabs[k]), "table %s not runnable", tl_table_name(cx_tabs[k]));
        const char *isa = tl_table_name(cx_tabs[k]);
        cx_res(*res)[M_N] = k == 0 ? first : cur;
        char who[200];
        for (int red = 0; red < 3; red++) {
            for (int m = 0; m < M_N; m++) cx_run(&e, red, m, V_PLAIN, 0, &res[red][m], c, isa);
            snprintf(who, sizeof who, "[%s: partial outputs vs loss+grad, %s inputs]", isa, e.pat);
            cx_compare(c, &e, who, red, M_LOSS, &res[red][M_LOSS], &res[red][M_BOTH], 1, 0);
            cx_compare(c, &e, who, red, M_GRAD, &res[red][M_GRAD], &res[red][M_BOTH], 0, 1);
            for (int tk = 0; cx_threaded(B * C * I, red, pattern) && tk < TL_NTHREADS_CROSS; tk++) {
                const int j = tl_threads_cross(tk);
                tl_threads_set(j);
                cx_run(&e, red, M_BOTH, V_PLAIN, 0, &var, c, isa);
                tl_threads_set(-1);
                snprintf(who, sizeof who, "[%s: %s vs 1 thread, %s inputs]", isa,
                         tl_threads_name(j), e.pat);
                cx_compare(c, &e, who, red, M_BOTH, &var, &res[red][M_BOTH], 1, 1);
            }
            for (int v = V_MISALIGN; v < V_N; v++) {
                const int off = (int)(B + C + I + (size_t)red + (size_t)pattern);
                cx_run(&e, red, M_BOTH, v, off, &var, c, isa);
                snprintf(who, sizeof who, "[%s: %s vs aligned out-of-place, %s inputs]", isa,
                         cx_var_names[v], e.pat);
                cx_compare(c, &e, who, red, M_BOTH, &var, &res[red][M_BOTH], 1, 1);
            }
            if (k > 0 && tl_table_exact(cx_tabs[k])) {
                snprintf(who, sizeof who, "[%s vs %s, %s inputs]", isa, tl_table_name(cx_tabs[0]),
                         e.pat);
                for (int m = 0; m < M_N; m++)
                    cx_compare(c, &e, who, red, m, &res[red][m], &first[red][m], 1, 1);
            }
        }
    }
    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            cx_res_free(&first[r][m]);
            cx_res_free(&cur[r][m]);
        }
    cx_res_free(&var);
    free(e.bx.base), free(e.bti.base), free(e.btf.base), free(e.bl.base), free(e.bg.base);
    free(e.bw.base), free(e.ba.base);
    cx_free(&d);
}

/* ---- shapes ------------------------------------------------------------------------------------
 */
typedef struct {
    size_t B, C, I;
} cx_shape;
#define CX_LEN(a) (sizeof(a) / sizeof((a)[0]))
static const size_t cx_classes[] = {1, 2, 3, 10, 16, 17, 33, 1000};
static const size_t cx_inner_classes[] = {1, 3, 10, 17, 33};
static const size_t cx_inner_batches[] = {1, 3, 17};
/* under qemu (VL 4, or 4 to 16 with SVE): fewer tails, one large shape of each kind */
#ifdef TL_EMULATED
static const size_t cx_batches[] = {1, 3, 17};
static const size_t cx_inners[] = {5, 37};
static const cx_shape cx_big[] = {{2, 4100, 1}, {257, 17, 1}};
static const cx_shape cx_big_inner[] = {{2, 21, 300}};
#else
static const size_t cx_batches[] = {1, 3, 15, 16, 17, 33};
static const size_t cx_inners[] = {5, 16, 17, 37};
static const cx_shape cx_big[] = {{4, 32000, 1}, {1000, 3, 1}, {257, 17, 1}, {31, 1000, 1},
                                  {67, 1000, 1}, {3000, 3, 1}, {1100, 64, 1}};
static const cx_shape cx_big_inner[] = {{2, 21, 1000}, {3, 5, 257}, {1, 1000, 33}};
#endif

START_TEST(class_cross_isa)
{
    const cx_branch *b = &cx_branches[_i];
    cx_ctx c = {0, ""};
    cx_find_tables();
    ck_assert_msg(cx_ntabs > 0, "no runnable table");
    for (int pattern = 0; pattern < 2; pattern++) {
        for (size_t ci = 0; ci < CX_LEN(cx_classes); ci++)
            for (size_t bj = 0; bj < CX_LEN(cx_batches); bj++)
                cx_case(&c, b, cx_batches[bj], cx_classes[ci], 1, pattern);
        for (size_t k = 0; k < CX_LEN(cx_big); k++)
            cx_case(&c, b, cx_big[k].B, cx_big[k].C, cx_big[k].I, pattern);
        if (cr_infos[b->kind].inner) {
            for (size_t ci = 0; ci < CX_LEN(cx_inner_classes); ci++)
                for (size_t bj = 0; bj < CX_LEN(cx_inner_batches); bj++)
                    for (size_t ii = 0; ii < CX_LEN(cx_inners); ii++)
                        cx_case(&c, b, cx_inner_batches[bj], cx_inner_classes[ci], cx_inners[ii],
                                pattern);
            for (size_t k = 0; k < CX_LEN(cx_big_inner); k++)
                cx_case(&c, b, cx_big_inner[k].B, cx_big_inner[k].C, cx_big_inner[k].I, pattern);
        }
    }
    ck_assert_msg(c.fails == 0, "%s/%s: %ld mismatches; first: %s", cr_infos[b->kind].fn,
                  b->b->label, c.fails, c.first);
}
END_TEST

int main(void)
{
    tl_threads_set(-1); /* the reference: one thread */
    cx_collect_branches();
    cx_find_tables();
    printf("test_class_cross_isa: comparing tables:");
    for (int k = 0; k < cx_ntabs; k++) printf(" %s", tl_table_name(cx_tabs[k]));
    if (cx_ntabs > 0)
        printf(" (reference: %s)%s\n", tl_table_name(cx_tabs[0]),
               cx_ntabs == 1 ? "; only one table: checking alignment, aliasing and output modes"
                             : "");
    else
        printf(" none\n");
    fflush(stdout);
    Suite *s = suite_create("class_cross_isa");
    TCase *tc = tcase_create("bitwise");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, class_cross_isa, 0, cx_nbranches);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
