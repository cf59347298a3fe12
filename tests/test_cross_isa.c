/*
 * Bitwise equality across ISAs, and with respect to how a call is made.
 *
 * For every loss, several parameter branches, reductions NONE/MEAN/SUM,
 * outputs {loss + grad, loss only, grad only} (gaussian_nll: also with
 * grad_var, and grad_var only), n in 0..40, 1023, 1024, 1025, 4097, 65537
 * (rounded up to a multiple of a cyclic weight/var length), and two input
 * patterns (natural values with exact kinks and ties; the same sprinkled with
 * 0, -0, +-1, +-1e-38, +-1e-45, +-1e30, +-inf and NaN, NaN also at fixed
 * positions including the last element):
 *   - every runnable ISA gives the same bits as the first runnable ISA, for
 *     every output float, the return code and the error message
 *     (-0 and +0 differ; a NaN must be the canonical 0x7fc00000);
 *   - on every ISA: misaligned x, y, loss, grad (offsets of 1..3 floats) give
 *     the same bits as 64-byte aligned ones; in-place calls (loss == input for
 *     NONE, grad == input, grad == target) give the same bits as
 *     out-of-place ones; loss only and grad only give the same bits as
 *     loss + grad; nothing is written past the outputs.
 * With a single runnable ISA only the second group is meaningful; the test
 * prints which ISAs it compared.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int tc_kind(const char *name) { return tl_index(name); }

#define TC_N (-1) /* aux length = n */
enum { D_DEFAULT = 0, D_BINARY };

typedef struct {
    const char *loss, *label;
    float f[3];
    int i[2];
    int a0, a1; /* aux lengths: 0 absent, TC_N = n */
    int dom;
} tc_branch;

/* clang-format off */
#define INF_F ((float)INFINITY)
static const tc_branch tc_branches[] = {
    {"mse", "plain", {0}, {0}, 0, 0, 0},
    {"l1", "plain", {0}, {0}, 0, 0, 0},
    {"huber", "delta=1", {1.0f}, {0}, 0, 0, 0},
    {"huber", "delta=0.3", {0.3f}, {0}, 0, 0, 0},
    {"huber", "delta=inf", {INF_F}, {0}, 0, 0, 0},
    {"smooth_l1", "beta=1", {1.0f}, {0}, 0, 0, 0},
    {"smooth_l1", "beta=0", {0.0f}, {0}, 0, 0, 0},
    {"smooth_l1", "beta=0.3", {0.3f}, {0}, 0, 0, 0},
    {"bce", "no weight", {0}, {0}, 0, 0, 0},
    {"bce", "weight_len=1", {0}, {0}, 1, 0, 0},
    {"bce", "weight_len=3", {0}, {0}, 3, 0, 0},
    {"bce", "weight_len=n", {0}, {0}, TC_N, 0, 0},
    {"bce_with_logits", "plain", {0}, {0}, 0, 0, 0},
    {"bce_with_logits", "weight_len=n", {0}, {0}, TC_N, 0, 0},
    {"bce_with_logits", "pos_weight_len=3", {0}, {0}, 0, 3, 0},
    {"bce_with_logits", "weight_len=3 pos_weight_len=n", {0}, {0}, 3, TC_N, 0},
    {"bce_with_logits", "weight_len=1 pos_weight_len=1", {0}, {0}, 1, 1, 0},
    {"ale", "alpha=0 gamma=0 ls=0", {0.0f, 0.0f, 0.0f}, {0}, 0, 0, 0},
    {"ale", "alpha=0.25 gamma=2 ls=0.1", {0.25f, 2.0f, 0.1f}, {0}, 0, 0, 0},
    {"ale", "alpha=1 gamma=1 ls=0", {1.0f, 1.0f, 0.0f}, {0}, 0, 0, 0},
    {"ale", "alpha=0.25 gamma=2.5 ls=0", {0.25f, 2.5f, 0.0f}, {0}, 0, 0, 0},
    {"ale", "alpha=0 gamma=3 ls=0.5", {0.0f, 3.0f, 0.5f}, {0}, 0, 0, 0},
    {"binary_focal", "gamma=2 alpha=0.25 ls=0", {2.0f, 0.25f, 0.0f}, {0}, 0, 0, 0},
    {"binary_focal", "gamma=0 alpha=-1 ls=0", {0.0f, -1.0f, 0.0f}, {0}, 0, 0, 0},
    {"binary_focal", "gamma=0.5 alpha=0.25 ls=0.1", {0.5f, 0.25f, 0.1f}, {0}, 0, 0, 0},
    {"binary_focal", "gamma=1 alpha=-1 ls=0.1", {1.0f, -1.0f, 0.1f}, {0}, 0, 0, 0},
    {"binary_focal", "gamma=3.5 alpha=0.25 ls=0", {3.5f, 0.25f, 0.0f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=0.25 gamma=2", {0.25f, 2.0f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=-1 gamma=0", {-1.0f, 0.0f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=0.25 gamma=2.5", {0.25f, 2.5f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=-1 gamma=1", {-1.0f, 1.0f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=0.25 gamma=0.5", {0.25f, 0.5f}, {0}, 0, 0, 0},
    {"sigmoid_focal", "alpha=0.5 gamma=3", {0.5f, 3.0f}, {0}, 0, 0, 0},
    {"soft_margin", "plain", {0}, {0}, 0, 0, 0},
    {"hinge_embedding", "margin=1", {1.0f}, {0}, 0, 0, 0},
    {"hinge_embedding", "margin=0", {0.0f}, {0}, 0, 0, 0},
    {"hinge_embedding", "margin=-0.5", {-0.5f}, {0}, 0, 0, 0},
    {"kl_div", "log_target=0", {0}, {0}, 0, 0, 0},
    {"kl_div", "log_target=1", {0}, {1}, 0, 0, 0},
    {"poisson_nll", "log_input=1 full=0", {1e-8f}, {1, 0}, 0, 0, 0},
    {"poisson_nll", "log_input=1 full=1", {1e-8f}, {1, 1}, 0, 0, 0},
    {"poisson_nll", "log_input=0 full=0", {1e-8f}, {0, 0}, 0, 0, 0},
    {"poisson_nll", "log_input=0 full=1 eps=0.1", {0.1f}, {0, 1}, 0, 0, 0},
    {"log_cosh", "plain", {0}, {0}, 0, 0, 0},
    {"hinge", "binary labels", {0}, {0}, 0, 0, D_BINARY},
    {"hinge", "labels as-is", {0}, {0}, 0, 0, 0},
    {"squared_hinge", "binary labels", {0}, {0}, 0, 0, D_BINARY},
    {"squared_hinge", "labels as-is", {0}, {0}, 0, 0, 0},
    {"mape", "plain", {0}, {0}, 0, 0, 0},
    {"msle", "plain", {0}, {0}, 0, 0, 0},
    {"poisson", "plain", {0}, {0}, 0, 0, 0},
    {"gaussian_nll", "full=0 var_len=1", {1e-6f}, {0}, 1, 0, 0},
    {"gaussian_nll", "full=1 var_len=4", {1e-6f}, {1}, 4, 0, 0},
    {"gaussian_nll", "full=0 var_len=n", {1e-6f}, {0}, TC_N, 0, 0},
    {"gaussian_nll", "full=1 var_len=n eps=0.5", {0.5f}, {1}, TC_N, 0, 0},
    {"gaussian_nll", "full=0 var_len=3", {1e-6f}, {0}, 3, 0, 0},
};
/* clang-format on */
#define TC_NBRANCHES (sizeof tc_branches / sizeof tc_branches[0])

/* ---- failures --------------------------------------------------------------- */
#define TC_MAX_PRINT 12
typedef struct {
    long fails;
    char first[900];
} tc_ctx;

static void tc_fail(tc_ctx *c, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->fails < TC_MAX_PRINT) fprintf(stderr, "FAIL %s\n", msg);
    if (c->fails == 0) snprintf(c->first, sizeof c->first, "%s", msg);
    c->fails++;
}

/* ---- inputs ----------------------------------------------------------------- */
static double U(uint64_t *s, double a, double b) { return a + (b - a) * tl_rand_unit(s); }
static double N(uint64_t *s) { return tl_rand_normal(s); }
static int coin(uint64_t *s, double p) { return tl_rand_unit(s) < p; }
static float pickf(uint64_t *s, const float *v, int k) { return v[tl_rand_u64(s) % (uint64_t)k]; }
static double label01(uint64_t *s) { return coin(s, 0.5) ? (double)coin(s, 0.5) : U(s, 0, 1); }

/* natural inputs, with exact kinks and ties (x == y, |x - y| == delta,
 * x == margin, y' x == 1, x at the clip bounds 1e-7 and 1 - 1e-7) */
static void tc_natural(int k, const tc_branch *b, uint64_t *s, float *x, float *y)
{
    double xv = 0, yv = 0;
    const int tie = coin(s, 0.1);
    switch (k) {
    case K_BCE:
    case K_ALE:
    case K_BINARY_FOCAL: {
        static const float sp[] = {0.0f, 1.0f, 1e-7f, 1.0f - 1e-7f, 0.5f, 0.99999994f, 1e-30f};
        yv = label01(s);
        xv = tie ? (coin(s, 0.5) ? yv : pickf(s, sp, 7)) : U(s, 0, 1);
        break;
    }
    case K_BCE_WITH_LOGITS:
    case K_SIGMOID_FOCAL:
        yv = label01(s);
        xv = coin(s, 0.85) ? 4.0 * N(s) : U(s, -120, 120);
        if (tie) xv = coin(s, 0.5) ? 0.0 : 88.5;
        break;
    case K_SOFT_MARGIN:
        yv = coin(s, 0.85) ? (coin(s, 0.5) ? 1.0 : -1.0) : U(s, -2, 2);
        xv = coin(s, 0.85) ? 4.0 * N(s) : U(s, -120, 120);
        break;
    case K_HINGE_EMBEDDING:
        yv = coin(s, 0.45) ? 1.0 : (coin(s, 0.8) ? -1.0 : (double)(int)U(s, 0, 3));
        xv = tie ? b->f[0] : 2.0 * N(s);
        break;
    case K_KL_DIV:
        yv = b->i[0] ? U(s, -10, 0) : (coin(s, 0.2) ? 0.0 : U(s, 0, 1));
        xv = U(s, -10, 0);
        break;
    case K_POISSON_NLL:
    case K_POISSON:
        yv = coin(s, 0.6) ? floor(U(s, 0, 9)) : U(s, 0, 6);
        xv = (k == K_POISSON_NLL && b->i[0]) ? U(s, -3, 3) : U(s, 0, 6);
        if (tie) xv = 0.0;
        break;
    case K_HINGE:
    case K_SQUARED_HINGE:
        if (b->dom == D_BINARY)
            yv = (double)coin(s, 0.5);
        else
            yv = coin(s, 0.8) ? (coin(s, 0.5) ? 1.0 : -1.0) : (double)(int)U(s, -2, 3) * 0.5;
        xv = 1.5 * N(s);
        if (tie) xv = coin(s, 0.5) ? 1.0 : -1.0;
        break;
    case K_MAPE:
        yv = coin(s, 0.9) ? U(s, -10, 10) : 0.0;
        xv = tie ? yv : yv + N(s);
        break;
    case K_MSLE:
        yv = coin(s, 0.8) ? exp(U(s, -7, 7)) : U(s, -1, 1e-3);
        xv = coin(s, 0.8) ? exp(U(s, -7, 7)) : U(s, -1, 1e-3);
        if (tie) xv = coin(s, 0.5) ? yv : 1e-7f;
        break;
    default: { /* regression losses, log_cosh, gaussian_nll */
        const double sc = coin(s, 0.8) ? 1.0 : (coin(s, 0.5) ? 1e-3 : 1e3);
        yv = sc * N(s);
        xv = sc * N(s);
        if (tie) {
            const double d = (k == K_HUBER || k == K_SMOOTH_L1) ? b->f[0] : 0.0;
            xv = (float)yv + (coin(s, 0.5) ? d : -d);
        }
        break;
    }
    }
    *x = (float)xv;
    *y = (float)yv;
}

static const float tc_edges[] = {0.0f,     -0.0f,     1.0f,    -1.0f, 1e-38f,
                                 -1e-38f,  1e-45f,    -1e-45f, 1e30f, -1e30f,
                                 INFINITY, -INFINITY, NAN,     0.5f,  2.0f};
#define TC_NEDGES ((int)(sizeof tc_edges / sizeof tc_edges[0]))
static const float tc_var_edges[] = {0.0f, 1e-45f, 1e-38f, 1e30f, INFINITY, NAN, 1.0f, 1e-7f};

typedef struct {
    size_t n, l0, l1;
    float *x, *y, *a0, *a1;
} tc_data;

static uint64_t tc_seed(const tc_branch *b, size_t n, int pattern)
{
    uint64_t h = 0x84222325cbf29ce4ull ^ (uint64_t)pattern;
    for (const char *p = b->loss; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    for (const char *p = b->label; *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    return h ^ (n * 0x9e3779b97f4a7c15ull);
}

static void tc_make(const tc_branch *b, size_t n, int pattern, tc_data *d)
{
    const int k = tc_kind(b->loss);
    uint64_t s = tc_seed(b, n, pattern);
    memset(d, 0, sizeof *d);
    d->n = n;
    d->l0 = b->a0 == TC_N ? n : (size_t)b->a0;
    d->l1 = b->a1 == TC_N ? n : (size_t)b->a1;
    d->x = malloc((n + 1) * sizeof(float));
    d->y = malloc((n + 1) * sizeof(float));
    d->a0 = malloc((d->l0 + 1) * sizeof(float));
    d->a1 = malloc((d->l1 + 1) * sizeof(float));
    ck_assert(d->x && d->y && d->a0 && d->a1);
    for (size_t i = 0; i < n; i++) tc_natural(k, b, &s, &d->x[i], &d->y[i]);
    for (size_t j = 0; j < d->l0; j++)
        d->a0[j] = k == K_GAUSSIAN_NLL ? (float)U(&s, 0.01, 3) : (float)U(&s, 0.1, 3);
    for (size_t j = 0; j < d->l1; j++) d->a1[j] = (float)U(&s, 0.5, 3);
    if (pattern == 1) {
        const int ty = b->dom != D_BINARY; /* keep hinge's all-0/1 targets */
        for (size_t i = 0; i < n; i++) {
            if (coin(&s, 0.15)) d->x[i] = pickf(&s, tc_edges, TC_NEDGES);
            if (ty && coin(&s, 0.1)) d->y[i] = pickf(&s, tc_edges, TC_NEDGES);
        }
        for (size_t j = 0; j < d->l0; j++)
            if (coin(&s, 0.1))
                d->a0[j] = k == K_GAUSSIAN_NLL ? pickf(&s, tc_var_edges, 8)
                                               : pickf(&s, tc_edges, TC_NEDGES);
        for (size_t j = 0; j < d->l1; j++)
            if (coin(&s, 0.1)) d->a1[j] = pickf(&s, tc_edges, TC_NEDGES);
        if (n > 0) { /* outputs hold only 0x7fc00000 whatever NaN comes in */
            d->x[n - 1] = NAN;
            d->x[n / 3] = tl_from_bits(0xffc00001u);         /* negative, payload */
            if (ty) d->y[n / 2] = tl_from_bits(0x7f800123u); /* signalling */
            if (ty && n > 1) d->y[n - 2] = NAN;
        }
    }
}

static void tc_free(tc_data *d)
{
    free(d->x), free(d->y), free(d->a0), free(d->a1);
    memset(d, 0, sizeof *d);
}

/* ---- calls -------------------------------------------------------------------- */
enum { M_BOTH, M_LOSS, M_GRAD, M_GVAR, M_N };
static const char *const tc_mode_names[M_N] = {"loss+grad", "loss only", "grad only",
                                               "grad_var only"};
static const char *const tc_red_names[3] = {"NONE", "MEAN", "SUM"};

#define TC_GUARD 8
#define TC_SENT 0x7fa5a5a5u /* a NaN pattern no kernel produces */

typedef struct {
    int rc;
    char err[256];
    size_t nl, ng, nv; /* lengths of the outputs present (0: absent) */
    float *loss, *grad, *gvar;
} tc_res;

static float *tc_falloc(size_t n)
{
    /* 64-byte aligned, room for offsets and guards */
    const size_t bytes = ((n + 2 * TC_GUARD + 16) * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void tc_fill(float *p, size_t n)
{
    const float s = tl_from_bits(TC_SENT);
    for (size_t i = 0; i < n; i++) p[i] = s;
}

typedef struct {
    const tl_loss *L;
    const tc_branch *b;
    const tc_data *d;
    tl_params p;
    int gauss;
    /* scratch buffers, each of n + guards */
    float *bx, *by, *bl, *bg, *bv;
} tc_env;

enum { V_PLAIN, V_MISALIGN, V_ALIAS_LOSS_X, V_ALIAS_GRAD_X, V_ALIAS_GRAD_Y, V_N };
static const char *const tc_var_names[V_N] = {"aligned", "misaligned", "loss == input",
                                              "grad == input", "grad == target"};

/* One call; the outputs are copied into r (whose arrays the caller owns). */
static void tc_run(tc_env *e, int red, int mode, int variant, int off, tc_res *r, tc_ctx *c,
                   const char *who)
{
    const size_t n = e->d->n;
    const int none = red == SIMDLOSS_NONE;
    const size_t nl = (mode == M_BOTH || mode == M_LOSS) ? (none ? n : 1) : 0;
    const size_t ng = (mode == M_BOTH || mode == M_GRAD) ? n : 0;
    const int want_l = mode == M_BOTH || mode == M_LOSS;
    const int want_g = mode == M_BOTH || mode == M_GRAD;
    const int want_v = e->gauss && (mode == M_BOTH || mode == M_GRAD || mode == M_GVAR);
    const size_t ox = variant == V_MISALIGN ? (size_t)(1 + off % 3) : 0;
    const size_t oy = variant == V_MISALIGN ? (size_t)(1 + (off + 1) % 3) : 0;
    const size_t ol = variant == V_MISALIGN ? (size_t)(1 + (off + 2) % 3) : 0;
    const size_t og = variant == V_MISALIGN ? (size_t)(3 - off % 3) : 0;
    float *x = e->bx + TC_GUARD + ox, *y = e->by + TC_GUARD + oy;
    float *l = e->bl + TC_GUARD + ol, *g = e->bg + TC_GUARD + og, *v = e->bv + TC_GUARD;
    tc_fill(e->bx, n + 2 * TC_GUARD + 8);
    tc_fill(e->by, n + 2 * TC_GUARD + 8);
    tc_fill(e->bl, n + 2 * TC_GUARD + 8);
    tc_fill(e->bg, n + 2 * TC_GUARD + 8);
    tc_fill(e->bv, e->d->l0 + 2 * TC_GUARD + 8);
    if (n) memcpy(x, e->d->x, n * sizeof(float));
    if (n) memcpy(y, e->d->y, n * sizeof(float));
    float *lo = want_l ? l : NULL, *go = want_g ? g : NULL;
    if (variant == V_ALIAS_LOSS_X) lo = x;
    if (variant == V_ALIAS_GRAD_X) go = x;
    if (variant == V_ALIAS_GRAD_Y) go = y;
    r->rc = e->L->call(n, x, y, &e->p, (simdloss_reduction)red, lo, go, want_v ? v : NULL);
    snprintf(r->err, sizeof r->err, "%s", r->rc ? simdloss_last_error() : "");
    r->nl = nl;
    r->ng = ng;
    r->nv = want_v ? e->d->l0 : 0;
    if (nl) memcpy(r->loss, lo, nl * sizeof(float));
    if (ng) memcpy(r->grad, go, ng * sizeof(float));
    if (r->nv) memcpy(r->gvar, v, r->nv * sizeof(float));
    /* nothing written past the outputs (nor before them) */
    const float *outs[3] = {lo, go, want_v ? v : NULL};
    const size_t lens[3] = {nl, ng, r->nv};
    for (int k = 0; k < 3; k++) {
        if (!outs[k]) continue;
        for (size_t j = 0; j < TC_GUARD; j++) {
            if (tl_bits(outs[k][lens[k] + j]) != TC_SENT ||
                tl_bits(outs[k][-1 - (long)j]) != TC_SENT) {
                tc_fail(c, "[%s] %s/%s n=%zu %s %s %s: write outside output %d (length %zu)", who,
                        e->b->loss, e->b->label, n, tc_red_names[red], tc_mode_names[mode],
                        tc_var_names[variant], k, lens[k]);
                break;
            }
        }
    }
}

/* Equal bits, and a NaN only as the canonical 0x7fc00000 (or the sentinel
 * of an element nothing wrote). */
static int tc_same(float a, float b)
{
    const uint32_t u = tl_bits(a);
    return u == tl_bits(b) && (!isnan(a) || u == 0x7fc00000u || u == TC_SENT);
}

/* Compares what both results have; `ctx` describes the pair. */
static void tc_compare(tc_ctx *c, const tc_env *e, const char *ctx, int red, int mode,
                       const tc_res *a, const tc_res *b, int cmp_l, int cmp_g, int cmp_v)
{
    const size_t n = e->d->n;
    char head[400];
    snprintf(head, sizeof head, "%s %s/%s n=%zu %s %s", ctx, e->b->loss, e->b->label, n,
             tc_red_names[red], tc_mode_names[mode]);
    if (a->rc != b->rc || strcmp(a->err, b->err) != 0) {
        tc_fail(c, "%s: status %d '%s' vs %d '%s'", head, a->rc, a->err, b->rc, b->err);
        return;
    }
    const struct {
        int on;
        const char *name;
        const float *p, *q;
        size_t len;
    } arr[3] = {{cmp_l, "loss", a->loss, b->loss, a->nl < b->nl ? a->nl : b->nl},
                {cmp_g, "grad", a->grad, b->grad, a->ng < b->ng ? a->ng : b->ng},
                {cmp_v, "grad_var", a->gvar, b->gvar, a->nv < b->nv ? a->nv : b->nv}};
    for (int k = 0; k < 3; k++) {
        if (!arr[k].on) continue;
        int reported = 0;
        for (size_t i = 0; i < arr[k].len; i++) {
            if (tc_same(arr[k].p[i], arr[k].q[i])) continue;
            if (reported++ < 3)
                tc_fail(c, "%s: %s[%zu] 0x%08x (%.9g) vs 0x%08x (%.9g) [x=%.9g y=%.9g]", head,
                        arr[k].name, i, (unsigned)tl_bits(arr[k].p[i]), (double)arr[k].p[i],
                        (unsigned)tl_bits(arr[k].q[i]), (double)arr[k].q[i],
                        i < n ? (double)e->d->x[i] : 0.0, i < n ? (double)e->d->y[i] : 0.0);
            else
                c->fails++;
        }
    }
}

static void tc_res_alloc(tc_res *r, size_t n, size_t nv)
{
    memset(r, 0, sizeof *r);
    r->loss = malloc((n + 1) * sizeof(float));
    r->grad = malloc((n + 1) * sizeof(float));
    r->gvar = malloc((nv + 1) * sizeof(float));
    ck_assert(r->loss && r->grad && r->gvar);
}

static void tc_res_free(tc_res *r) { free(r->loss), free(r->grad), free(r->gvar); }

static int tc_isas[TL_NISA], tc_nisas;

static void tc_find_isas(void)
{
    tc_nisas = 0;
    for (int i = 0; i < TL_NISA; i++)
        if (simdloss_isa_supported((simdloss_isa)i)) tc_isas[tc_nisas++] = i;
}

static void tc_case(tc_ctx *c, const tc_branch *b, size_t n, int pattern)
{
    tc_env e;
    tc_data d;
    memset(&e, 0, sizeof e);
    tc_make(b, n, pattern, &d);
    e.L = tl_find(b->loss);
    ck_assert_ptr_nonnull(e.L);
    e.b = b;
    e.d = &d;
    e.gauss = tc_kind(b->loss) == K_GAUSSIAN_NLL;
    for (int k = 0; k < 3; k++) e.p.f[k] = b->f[k];
    for (int k = 0; k < 2; k++) e.p.i[k] = b->i[k];
    e.p.aux0 = d.l0 ? d.a0 : NULL;
    e.p.aux0_len = d.l0;
    e.p.aux1 = d.l1 ? d.a1 : NULL;
    e.p.aux1_len = d.l1;
    e.bx = tc_falloc(n);
    e.by = tc_falloc(n);
    e.bl = tc_falloc(n);
    e.bg = tc_falloc(n);
    e.bv = tc_falloc(d.l0);

    const int nmodes = e.gauss ? M_N : M_GVAR;
    tc_res first[3][M_N], cur[3][M_N], var;
    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            tc_res_alloc(&first[r][m], n, d.l0);
            tc_res_alloc(&cur[r][m], n, d.l0);
        }
    tc_res_alloc(&var, n, d.l0);
    const char *pat = pattern ? "edges" : "natural";

    for (int k = 0; k < tc_nisas; k++) {
        ck_assert_int_eq(simdloss_set_isa((simdloss_isa)tc_isas[k]), SIMDLOSS_OK);
        const char *isa = simdloss_isa_name((simdloss_isa)tc_isas[k]);
        tc_res(*res)[M_N] = k == 0 ? first : cur;
        char who[160];
        for (int red = 0; red < 3; red++) {
            for (int m = 0; m < nmodes; m++) tc_run(&e, red, m, V_PLAIN, 0, &res[red][m], c, isa);
            /* within this ISA: partial outputs vs loss + grad */
            snprintf(who, sizeof who, "[%s: partial outputs vs loss+grad, %s inputs]", isa, pat);
            tc_compare(c, &e, who, red, M_LOSS, &res[red][M_LOSS], &res[red][M_BOTH], 1, 0, 0);
            tc_compare(c, &e, who, red, M_GRAD, &res[red][M_GRAD], &res[red][M_BOTH], 0, 1, 1);
            if (e.gauss)
                tc_compare(c, &e, who, red, M_GVAR, &res[red][M_GVAR], &res[red][M_BOTH], 0, 0, 1);
            /* misaligned and in-place */
            for (int v = V_MISALIGN; v < V_N; v++) {
                if (v == V_ALIAS_LOSS_X && red != SIMDLOSS_NONE) continue;
                const int off = (int)(n + (size_t)red + (size_t)pattern);
                tc_run(&e, red, M_BOTH, v, off, &var, c, isa);
                snprintf(who, sizeof who, "[%s: %s vs aligned out-of-place, %s inputs]", isa,
                         tc_var_names[v], pat);
                tc_compare(c, &e, who, red, M_BOTH, &var, &res[red][M_BOTH], 1, 1, 1);
            }
            /* across ISAs: every output mode against the first ISA */
            if (k > 0) {
                snprintf(who, sizeof who, "[%s vs %s, %s inputs]", isa,
                         simdloss_isa_name((simdloss_isa)tc_isas[0]), pat);
                for (int m = 0; m < nmodes; m++)
                    tc_compare(c, &e, who, red, m, &res[red][m], &first[red][m], 1, 1, 1);
            }
        }
    }

    for (int r = 0; r < 3; r++)
        for (int m = 0; m < M_N; m++) {
            tc_res_free(&first[r][m]);
            tc_res_free(&cur[r][m]);
        }
    tc_res_free(&var);
    free(e.bx), free(e.by), free(e.bl), free(e.bg), free(e.bv);
    tc_free(&d);
}

static size_t tc_gcd(size_t a, size_t b) { return b ? tc_gcd(b, a % b) : a; }

START_TEST(cross_isa)
{
    const char *loss = tl_losses[_i].name;
#ifdef TL_EMULATED /* qemu: the block edges and a multi-block size suffice */
    static const size_t big[] = {1023, 1024, 1025, 4097, 4097};
#else
    static const size_t big[] = {1023, 1024, 1025, 4097, 65537};
#endif
    tc_ctx c = {0, ""};
    int found = 0;
    tc_find_isas();
    ck_assert_msg(tc_nisas > 0, "no runnable ISA");
    for (size_t bi = 0; bi < TC_NBRANCHES; bi++) {
        const tc_branch *b = &tc_branches[bi];
        if (strcmp(b->loss, loss) != 0) continue;
        found = 1;
        size_t m = 1;
        if (b->a0 > 0) m = (size_t)b->a0;
        if (b->a1 > 0) m = m / tc_gcd(m, (size_t)b->a1) * (size_t)b->a1;
        size_t last = (size_t)-1;
        for (size_t k = 0; k < 41 + 5; k++) {
            const size_t n0 = k < 41 ? k : big[k - 41];
            const size_t n = (n0 + m - 1) / m * m;
            if (n == last) continue;
            last = n;
            for (int pattern = 0; pattern < 2; pattern++) tc_case(&c, b, n, pattern);
        }
    }
    ck_assert_msg(found, "no branches for %s", loss);
    ck_assert_msg(c.fails == 0, "%s: %ld mismatches; first: %s", loss, c.fails, c.first);
}
END_TEST

int main(void)
{
    tc_find_isas();
    printf("test_cross_isa: comparing ISAs:");
    for (int k = 0; k < tc_nisas; k++) printf(" %s", simdloss_isa_name((simdloss_isa)tc_isas[k]));
    if (tc_nisas > 0)
        printf(" (reference: %s)%s\n", simdloss_isa_name((simdloss_isa)tc_isas[0]),
               tc_nisas == 1 ? "; only one ISA: checking alignment, aliasing and output modes"
                             : "");
    else
        printf(" none\n");
    fflush(stdout);
    Suite *s = suite_create("cross_isa");
    TCase *tc = tcase_create("bitwise");
    tcase_add_loop_test(tc, cross_isa, 0, (int)tl_nlosses);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
