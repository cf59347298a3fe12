/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_vec_ops' generic body: every op of the vector vocabulary (contract:
 * arch/vec_scalar.h's top comment) on many lane patterns, compared lane by
 * lane with the scalar vocabulary (vo_ref, vec_ops_ref.c) and, where that
 * cannot express it or would share a bug with the header under test, with
 * the contract itself (bfloat16 rounding, the min/max NaN rule, sign bits,
 * compares, fmaf, masks, partial and transposing loads and stores next to
 * PROT_NONE pages, the accumulator's lane placement).
 *
 * Written only in terms of the vocabulary: the including file
 * (vec_ops_<isa>.c) defines _DEFAULT_SOURCE, includes one arch/vec_<isa>.h
 * and defines VO_ISA (the header's name in failures, "avx2") and VO_FN (the
 * entry point, vec_ops_avx2; see vec_ops_ref.h).
 */
#if !defined(VO_ISA) || !defined(VO_FN) || !defined(SL_VL)
#error "vec_ops.h: include an arch/vec_<isa>.h and define VO_ISA and VO_FN first"
#endif

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vec_ops_ref.h"

/* random lane patterns per op, besides the special values and their pairs */
#ifdef TL_EMULATED
#define VO_NRAND 1024
#else
#define VO_NRAND 4096
#endif

#ifdef SL_SCALAR_NOFMA
#define VO_NOFMA 1
#else
#define VO_NOFMA 0
#endif

/* ---- failures ------------------------------------------------------------ */
#define VO_MAXOPS 64
typedef struct {
    const vo_ref *ref;
    char *err;
    size_t errlen, used;
    long checks, fails;
    long nan_bits; /* SLEEF NaN results with other bits than the reference's */
    char nan_first[160];
    const char *failed[VO_MAXOPS]; /* ops reported so far: the first failure of each */
    int nfailed;
} vo_ctx;

__attribute__((format(printf, 3, 4))) static void vo_fail(vo_ctx *c, const char *op,
                                                          const char *fmt, ...)
{
    c->fails++;
    for (int i = 0; i < c->nfailed; i++)
        if (strcmp(c->failed[i], op) == 0) return;
    if (c->nfailed < VO_MAXOPS) c->failed[c->nfailed++] = op;
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (c->used + 1 < c->errlen) {
        const int w =
            snprintf(c->err + c->used, c->errlen - c->used, "%s: %s %s\n", VO_ISA, op, line);
        if (w > 0) c->used += (size_t)w;
        if (c->used >= c->errlen) c->used = c->errlen - 1;
    }
}

static uint32_t vo_u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}
static float vo_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
static int vo_nan(uint32_t u) { return (u & 0x7fffffffu) > 0x7f800000u; }

/* the result must have the same bits; or be NaN when a NaN is wanted (the
 * payload of an arithmetic NaN is not part of the contract); or be within
 * 1 ulp (scalar-nofma's SLEEF functions against the FMA ones). NaN results
 * of SLEEF's functions differ in sign and payload across ISAs (AVX-512's
 * vf_log of a negative number is 0xffc00000, the others' 0x7fc00000): the
 * library canonicalizes every NaN it writes (test_nan), so they are counted
 * and shown, not failed. */
enum { VO_EXACT, VO_ANYNAN, VO_ULP1 };
static int vo_match(uint32_t got, uint32_t want, int mode)
{
    if (got == want) return 1;
    if (mode == VO_EXACT) return 0;
    if (vo_nan(got) || vo_nan(want)) return vo_nan(got) && vo_nan(want);
    if (mode != VO_ULP1) return 0;
    const int64_t g = got >> 31 ? -(int64_t)(got & 0x7fffffffu) : (int64_t)got;
    const int64_t w = want >> 31 ? -(int64_t)(want & 0x7fffffffu) : (int64_t)want;
    return g - w <= 1 && w - g <= 1;
}

static const char *vo_ins(char *buf, size_t len, const uint32_t *in, int nin)
{
    if (nin == 1)
        snprintf(buf, len, "in 0x%08x", (unsigned)in[0]);
    else if (nin == 2)
        snprintf(buf, len, "a 0x%08x b 0x%08x", (unsigned)in[0], (unsigned)in[1]);
    else
        snprintf(buf, len, "a 0x%08x b 0x%08x c 0x%08x", (unsigned)in[0], (unsigned)in[1],
                 (unsigned)in[2]);
    return buf;
}

/* why: "" for the contract, " (vec_scalar.h)" for the scalar vocabulary */
static int vo_chk(vo_ctx *c, const char *op, size_t j, const uint32_t *in, int nin, uint32_t got,
                  uint32_t want, int mode, const char *why)
{
    c->checks++;
    if (vo_match(got, want, mode)) return 1;
    char ib[64];
    vo_fail(c, op, "lane %u: %s got 0x%08x want 0x%08x%s", (unsigned)(j % SL_VL),
            vo_ins(ib, sizeof ib, in, nin), (unsigned)got, (unsigned)want, why);
    return 0;
}
static int vo_chk16(vo_ctx *c, const char *op, size_t j, uint32_t in, unsigned got, unsigned want,
                    const char *why)
{
    c->checks++;
    if (got == want) return 1;
    vo_fail(c, op, "lane %u: in 0x%08x got 0x%04x want 0x%04x%s", (unsigned)(j % SL_VL),
            (unsigned)in, got, want, why);
    return 0;
}
static int vo_chkm(vo_ctx *c, const char *op, size_t j, const uint32_t *in, int nin, int got,
                   int want, const char *why)
{
    c->checks++;
    if (got == want) return 1;
    char ib[64];
    vo_fail(c, op, "lane %u: %s got %d want %d%s", (unsigned)(j % SL_VL),
            vo_ins(ib, sizeof ib, in, nin), got, want, why);
    return 0;
}
static const char vo_sc[] = " (vec_scalar.h)";

/* ---- lane patterns ----------------------------------------------------------- */
static const uint32_t vo_special[] = {
    /* zeros, ones, small integers, pi */
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x3f000000u, 0x40000000u, 0x40400000u,
    0x40490fdbu, 0xc0490fdbu, 0x3e800000u, 0x41200000u, 0xc1200000u, 0x3dcccccdu,
    /* infinities */
    0x7f800000u, 0xff800000u,
    /* NaNs: quiet, negative, payloads, signalling */
    0x7fc00000u, 0xffc00000u, 0x7fc12345u, 0xffc12345u, 0x7f800001u, 0xff800001u, 0x7fa00000u,
    0xffa00000u, 0x7fbfffffu, 0x7fffffffu, 0xffffffffu, 0x7f812345u,
    /* subnormals, the smallest normals */
    0x00000001u, 0x80000001u, 0x007fffffu, 0x807fffffu, 0x00400000u, 0x80400000u, 0x00008000u,
    0x00018000u, 0x0000ffffu, 0x00800000u, 0x80800000u, 0x00ff8000u,
    /* near FLT_MAX: bfloat16 rounding to infinity or not */
    0x7f7fffffu, 0xff7fffffu, 0x7f7f8000u, 0xff7f8000u, 0x7f7f7fffu, 0x7f7e8000u, 0x7f000000u,
    0x7effffffu,
    /* bfloat16 ties (even and odd), just above and below, carries into the exponent */
    0x3f808000u, 0x3f818000u, 0x3f808001u, 0x3f807fffu, 0x3f7f8000u, 0x3fff8000u, 0x3fffffffu,
    0xbf808000u, 0xbf818000u, 0xbfff8000u, 0x407f8000u, 0x3f7fffffu, 0x3f800001u, 0xbf7fffffu,
    /* integers at the edge of float precision, epsilons */
    0x4b000000u, 0x4b800000u, 0x4b800001u, 0x33800000u, 0x34000000u,
    /* exp overflow and underflow, log edges, big and tiny */
    0x42b17218u, 0x42b17217u, 0x42b17219u, 0xc2cff1b5u, 0xc2ce8ed0u, 0xc2aeac50u, 0x49742400u,
    0x501502f9u, 0x2edbe6ffu, 0xd01502f9u};
#define VO_NSPEC (sizeof vo_special / sizeof vo_special[0])

/* a smaller set for the triples of vf_fma */
static const uint32_t vo_small[] = {
    0x00000000u, 0x80000000u, 0x3f800000u, 0xbf800000u, 0x40490fdbu, 0x7f800000u, 0xff800000u,
    0x7fc00000u, 0xffc12345u, 0x7f800001u, 0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu,
    0xff7fffffu, 0x3f808000u, 0x3f800001u, 0xbf7fffffu, 0x4b800000u, 0x33800000u, 0x34000000u,
    0x1f800000u, 0x5f800000u, 0x3fffffffu, 0xc2cff1b5u, 0x3eaaaaabu};
#define VO_NSMALL (sizeof vo_small / sizeof vo_small[0])

static uint64_t vo_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static double vo_unit(uint64_t *s) { return (double)(vo_next(s) >> 11) * 0x1.0p-53; }
/* any bit pattern, near a special value, or |x| in [2^-40, 2^40) */
static uint32_t vo_rand_bits(uint64_t *s)
{
    const uint64_t r = vo_next(s);
    switch (r & 3u) {
    case 0: return (uint32_t)(r >> 32);
    case 1: return vo_special[(r >> 8) % VO_NSPEC] ^ (uint32_t)((r >> 40) & 3u);
    default:
        return (uint32_t)(r >> 63) << 31 | (uint32_t)(127 - 40 + (r >> 8) % 80) << 23 |
               (uint32_t)((r >> 32) & 0x7fffffu);
    }
}

static void *vo_alloc(size_t bytes)
{
    void *p = malloc(bytes + 64);
    if (!p) abort();
    return p;
}
/* n rounded up to whole groups of 16 (every SL_VL divides 16) */
static size_t vo_round(size_t n) { return (n + 15) & ~(size_t)15; }
static void vo_fill_tail(float *v, size_t n, size_t to)
{
    for (size_t i = n; i < to; i++) v[i] = 1.0f;
}

/* ---- faults: guard pages ------------------------------------------------------ */
static sigjmp_buf vo_jmp;
static volatile sig_atomic_t vo_armed;
static void vo_on_fault(int sig)
{
    if (vo_armed) {
        vo_armed = 0;
        siglongjmp(vo_jmp, 1);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}
/* One read-write page between two PROT_NONE pages: data placed to end at
 * hi cannot be read or written past its end, data from lo not before it. */
typedef struct {
    unsigned char *map, *lo, *hi;
    size_t page;
} vo_guard;
static int vo_guard_init(vo_guard *g)
{
    g->page = (size_t)sysconf(_SC_PAGESIZE);
    g->map = mmap(NULL, 3 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED) return 0;
    if (mprotect(g->map, g->page, PROT_NONE) || mprotect(g->map + 2 * g->page, g->page, PROT_NONE))
        return 0;
    g->lo = g->map + g->page;
    g->hi = g->lo + g->page;
    return 1;
}
static void vo_guard_free(vo_guard *g) { munmap(g->map, 3 * g->page); }
/* the first byte of [lo, hi) outside [keep, keep + len) that is not `fill`,
 * or -1 */
static long vo_touched(const vo_guard *g, const void *keep, size_t len, unsigned char fill)
{
    const unsigned char *k = keep;
    for (const unsigned char *b = g->lo; b < g->hi; b++)
        if ((b < k || b >= k + len) && *b != fill) return (long)(b - g->lo);
    return -1;
}

/* The op of job j, guarded: 0 when it faulted on a guard page. */
typedef struct {
    float *out, *p;
    const float *in;
    uint16_t *h;
    unsigned k;
    size_t n;
    float pad;
} vo_job;
static int vo_guarded(void (*fn)(const vo_job *), const vo_job *j)
{
    if (sigsetjmp(vo_jmp, 1)) return 0;
    vo_armed = 1;
    atomic_signal_fence(memory_order_seq_cst);
    fn(j);
    atomic_signal_fence(memory_order_seq_cst);
    vo_armed = 0;
    return 1;
}
static void vo_do_load_part(const vo_job *j) { vf_store(j->out, vf_load_part(j->p, j->k, j->pad)); }
static void vo_do_store_part(const vo_job *j) { vf_store_part(j->p, vf_load(j->in), j->k); }
static void vo_do_load_bf16_part(const vo_job *j)
{
    vf_store(j->out, vf_load_bf16_part(j->h, j->k, j->pad));
}
static void vo_do_store_bf16_part(const vo_job *j)
{
    vf_store_bf16_part(j->h, vf_load(j->in), j->k);
}
static void vo_do_rows_in(const vo_job *j) { vf_rows_in(j->out, j->p, j->n); }
static void vo_do_rows_out(const vo_job *j) { vf_rows_out(j->p, j->in, j->n); }

/* ---- the contract, independently of vec_scalar.h ----------------------------- */
/* nearest even; every NaN 0x7FC0; carries into the exponent (and to inf) */
static unsigned vo_bf16(uint32_t u)
{
    if (vo_nan(u)) return 0x7FC0u;
    uint32_t hi = u >> 16;
    const uint32_t lo = u & 0xFFFFu;
    if (lo > 0x8000u || (lo == 0x8000u && (hi & 1u))) hi++;
    return hi;
}
static float vo_c_add(float a, float b) { return a + b; }
static float vo_c_sub(float a, float b) { return a - b; }
static float vo_c_mul(float a, float b) { return a * b; }
static float vo_c_div(float a, float b) { return a / b; }
static float vo_c_min(float a, float b) { return a < b ? a : b; } /* b when either is NaN */
static float vo_c_max(float a, float b) { return a > b ? a : b; }
static int vo_c_lt(float a, float b) { return a < b; }
static int vo_c_le(float a, float b) { return a <= b; }
static int vo_c_gt(float a, float b) { return a > b; }
static int vo_c_ge(float a, float b) { return a >= b; }
static int vo_c_eq(float a, float b) { return a == b; }
static int vo_c_ne(float a, float b) { return a != b; }

/* a mask from lane bits (through vf_gt) and its lanes (through vf_select) */
static inline vm vo_mask(unsigned bits)
{
    float x[SL_VL];
    for (unsigned l = 0; l < SL_VL; l++) x[l] = (bits >> l) & 1u ? 1.0f : -1.0f;
    return vf_gt(vf_load(x), vf_set1(0.0f));
}
static inline unsigned vo_lanes(vm m)
{
    float t[SL_VL];
    vf_store(t, vf_select(m, vf_set1(1.0f), vf_set1(0.0f)));
    unsigned b = 0;
    for (unsigned l = 0; l < SL_VL; l++)
        if (vo_u(t[l]) == 0x3f800000u) b |= 1u << l;
    return b;
}
#define VO_FULL ((unsigned)((1ull << SL_VL) - 1u))

/* ---- the vocabulary's shape ------------------------------------------------------- */
static void vo_t_shape(vo_ctx *c)
{
    c->checks += 2;
    if (sizeof(vf) != SL_VL * sizeof(float))
        vo_fail(c, "SL_VL", "= %d but sizeof(vf) = %u", (int)SL_VL, (unsigned)sizeof(vf));
    if (16 % SL_VL != 0 || SL_GROUP < 1 || (SL_VL > 1 && SL_GROUP * SL_VL != 16))
        vo_fail(c, "SL_GROUP", "= %d with SL_VL %d", (int)SL_GROUP, (int)SL_VL);
}

/* ---- vf_load, vf_store, vf_set1: bits unchanged, any alignment --------------- */
static void vo_t_loadstore(vo_ctx *c)
{
    float src[VO_NSPEC], dst[64];
    for (size_t i = 0; i < VO_NSPEC; i++) src[i] = vo_f(vo_special[i]);
    for (size_t o = 0; o + SL_VL <= VO_NSPEC; o++) {
        const size_t d = 1 + (o * 7) % 17;
        for (size_t i = 0; i < 64; i++) dst[i] = vo_f(0xA5A5A5A5u);
        vf_store(dst + d, vf_load(src + o));
        for (size_t l = 0; l < SL_VL; l++) {
            const uint32_t in = vo_special[o + l];
            vo_chk(c, "vf_load/vf_store", l, &in, 1, vo_u(dst[d + l]), in, VO_EXACT, "");
        }
        for (size_t i = 0; i < 64; i++)
            if ((i < d || i >= d + SL_VL) && vo_u(dst[i]) != 0xA5A5A5A5u)
                vo_fail(c, "vf_store", "offset %u: wrote dst[%d], outside its %d lanes",
                        (unsigned)d, (int)i - (int)d, (int)SL_VL);
    }
    for (size_t i = 0; i < VO_NSPEC; i++) {
        float t[SL_VL];
        vf_store(t, vf_set1(vo_f(vo_special[i])));
        for (size_t l = 0; l < SL_VL; l++)
            vo_chk(c, "vf_set1", l, &vo_special[i], 1, vo_u(t[l]), vo_special[i], VO_EXACT, "");
    }
}

/* ---- bfloat16 ---------------------------------------------------------------------- */
static void vo_t_bf16(vo_ctx *c)
{
    const vo_ref *ref = c->ref;
    /* every bfloat16 value, from a 2-byte aligned address */
    uint16_t *h = vo_alloc((65536 + 2) * sizeof *h);
    float *f = vo_alloc(65536 * sizeof *f);
    for (uint32_t i = 0; i < 65536; i++) h[i + 1] = (uint16_t)i;
    for (size_t i = 0; i < 65536; i += SL_VL) vf_store(f + i, vf_load_bf16(h + 1 + i));
    for (uint32_t i = 0; i < 65536; i++) {
        const uint32_t got = vo_u(f[i]);
        if (vo_chk(c, "vf_load_bf16", i, &i, 1, got, i << 16, VO_EXACT, ""))
            vo_chk(c, "vf_load_bf16", i, &i, 1, got, vo_u(ref->load_bf16((uint16_t)i)), VO_EXACT,
                   vo_sc);
    }
    free(h);
    free(f);

    /* stores: the special values, every upper half with the lower halves
     * around the tie, random patterns */
    static const uint32_t lows[] = {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu};
    const size_t nl = sizeof lows / sizeof lows[0];
    const size_t n0 = VO_NSPEC + 65536 * nl + VO_NRAND, n = vo_round(n0);
    float *in = vo_alloc(n * sizeof *in);
    uint16_t *out = vo_alloc((n + 2) * sizeof *out);
    size_t k = 0;
    uint64_t s = 0xbf16;
    for (size_t i = 0; i < VO_NSPEC; i++) in[k++] = vo_f(vo_special[i]);
    for (uint32_t hi = 0; hi < 65536; hi++)
        for (size_t j = 0; j < nl; j++) in[k++] = vo_f(hi << 16 | lows[(hi + j) % nl]);
    for (size_t i = 0; i < VO_NRAND; i++) in[k++] = vo_f(vo_rand_bits(&s));
    vo_fill_tail(in, n0, n);
    out[0] = out[n + 1] = 0xA5A5u;
    for (size_t i = 0; i < n; i += SL_VL) vf_store_bf16(out + 1 + i, vf_load(in + i));
    for (size_t i = 0; i < n; i++) {
        const uint32_t u = vo_u(in[i]);
        if (vo_chk16(c, "vf_store_bf16", i, u, out[1 + i], vo_bf16(u), ""))
            vo_chk16(c, "vf_store_bf16", i, u, out[1 + i], ref->store_bf16(in[i]), vo_sc);
    }
    c->checks++;
    if (out[0] != 0xA5A5u || out[n + 1] != 0xA5A5u)
        vo_fail(c, "vf_store_bf16", "wrote outside its %d lanes", (int)SL_VL);
    free(in);
    free(out);
}

/* ---- partial loads and stores next to PROT_NONE pages ------------------------- */
static uint32_t vo_lane_val(unsigned l, unsigned k)
{
    return vo_special[(l * 5 + k * 3) % VO_NSPEC];
}
static const uint32_t vo_pads[] = {0x7fa00001u, 0xff800000u, 0x3f800000u, 0x80000000u};

static void vo_t_part(vo_ctx *c, vo_guard *g)
{
    float out[SL_VL], v[SL_VL];
    for (unsigned k = 0; k <= SL_VL; k++) {
        for (int where = 0; where < 2; where++) {
            const char *at = where ? "at the start of a page" : "at the end of a page";
            char why[80], whypad[80];
            snprintf(why, sizeof why, " (k=%u, %s)", k, at);
            snprintf(whypad, sizeof whypad, " (k=%u, %s: lanes >= k hold pad)", k, at);
            /* vf_load_part */
            for (size_t pi = 0; pi < sizeof vo_pads / sizeof vo_pads[0]; pi++) {
                float *p = where ? (float *)g->lo : (float *)g->hi - k;
                memset(g->lo, 0x5A, g->page);
                for (unsigned l = 0; l < k; l++) p[l] = vo_f(vo_lane_val(l, k));
                const uint32_t pad = vo_pads[pi];
                c->checks++;
                const vo_job job = {.out = out, .p = p, .k = k, .pad = vo_f(pad)};
                if (!vo_guarded(vo_do_load_part, &job)) {
                    vo_fail(c, "vf_load_part", "k=%u %s: read outside its k floats (fault)", k, at);
                    continue;
                }
                for (unsigned l = 0; l < SL_VL; l++) {
                    const uint32_t in = l < k ? vo_lane_val(l, k) : pad;
                    if (!vo_chk(c, "vf_load_part", l, &in, 1, vo_u(out[l]), in, VO_EXACT,
                                l < k ? why : whypad))
                        break;
                }
            }
            /* vf_store_part */
            {
                float *p = where ? (float *)g->lo : (float *)g->hi - k;
                memset(g->lo, 0x5A, g->page);
                for (unsigned l = 0; l < SL_VL; l++) v[l] = vo_f(vo_lane_val(l, k + 1));
                c->checks++;
                const vo_job job = {.p = p, .in = v, .k = k};
                if (!vo_guarded(vo_do_store_part, &job)) {
                    vo_fail(c, "vf_store_part", "k=%u %s: wrote outside its k floats (fault)", k,
                            at);
                } else {
                    for (unsigned l = 0; l < k; l++) {
                        const uint32_t in = vo_u(v[l]);
                        vo_chk(c, "vf_store_part", l, &in, 1, vo_u(p[l]), in, VO_EXACT, why);
                    }
                    const long b = vo_touched(g, p, k * sizeof(float), 0x5A);
                    c->checks++;
                    if (b >= 0)
                        vo_fail(c, "vf_store_part",
                                "k=%u %s: wrote byte %ld of the page, outside "
                                "its k floats (page offset %ld)",
                                k, at, b, (long)((unsigned char *)p - g->lo));
                }
            }
            /* vf_load_bf16_part */
            for (size_t pi = 0; pi < sizeof vo_pads / sizeof vo_pads[0]; pi++) {
                uint16_t *p = where ? (uint16_t *)g->lo : (uint16_t *)g->hi - k;
                memset(g->lo, 0x5A, g->page);
                for (unsigned l = 0; l < k; l++) p[l] = (uint16_t)(vo_lane_val(l, k) >> 16);
                const uint32_t pad = vo_pads[pi];
                c->checks++;
                const vo_job job = {.out = out, .h = p, .k = k, .pad = vo_f(pad)};
                if (!vo_guarded(vo_do_load_bf16_part, &job)) {
                    vo_fail(c, "vf_load_bf16_part", "k=%u %s: read outside its k values (fault)", k,
                            at);
                    continue;
                }
                for (unsigned l = 0; l < SL_VL; l++) {
                    const uint32_t in = l < k ? (uint32_t)p[l] : pad,
                                   want = l < k ? (uint32_t)p[l] << 16 : pad;
                    if (!vo_chk(c, "vf_load_bf16_part", l, &in, 1, vo_u(out[l]), want, VO_EXACT,
                                l < k ? why : whypad))
                        break;
                }
            }
            /* vf_store_bf16_part */
            {
                uint16_t *p = where ? (uint16_t *)g->lo : (uint16_t *)g->hi - k;
                memset(g->lo, 0x5A, g->page);
                for (unsigned l = 0; l < SL_VL; l++) v[l] = vo_f(vo_lane_val(l, k + 2));
                c->checks++;
                const vo_job job = {.h = p, .in = v, .k = k};
                if (!vo_guarded(vo_do_store_bf16_part, &job)) {
                    vo_fail(c, "vf_store_bf16_part", "k=%u %s: wrote outside its k values (fault)",
                            k, at);
                } else {
                    for (unsigned l = 0; l < k; l++)
                        vo_chk16(c, "vf_store_bf16_part", l, vo_u(v[l]), p[l], vo_bf16(vo_u(v[l])),
                                 why);
                    const long b = vo_touched(g, p, k * sizeof(uint16_t), 0x5A);
                    c->checks++;
                    if (b >= 0)
                        vo_fail(c, "vf_store_bf16_part",
                                "k=%u %s: wrote byte %ld of the page, outside its k values", k, at,
                                b);
                }
            }
        }
    }
}

/* ---- vf_rows_in / vf_rows_out: exactly SL_VL n floats --------------------------- */
static uint32_t vo_row_val(unsigned l, unsigned col)
{
    if ((l + col) % 5 == 0) return 0x7f800010u | l << 8 | col; /* signalling, payload */
    if ((l + col) % 7 == 3) return 0xffc00000u | l << 8 | col; /* negative quiet */
    return 0x40000001u | l << 12 | col << 4;
}
static void vo_t_rows(vo_ctx *c, vo_guard *g1, vo_guard *g2)
{
    for (unsigned n = 0; n <= 16; n++) {
        const size_t len = (size_t)SL_VL * n;
        for (int where = 0; where < 2; where++) {
            const char *at = where ? "at the start of a page" : "at the end of a page";
            /* rows_in: p (rows) in g1, t (vectors) in g2 */
            float *p = where ? (float *)g1->lo : (float *)g1->hi - len;
            float *t = where ? (float *)g2->lo : (float *)g2->hi - len;
            memset(g1->lo, 0x5A, g1->page);
            memset(g2->lo, 0x5A, g2->page);
            for (unsigned l = 0; l < SL_VL; l++)
                for (unsigned col = 0; col < n; col++) p[l * n + col] = vo_f(vo_row_val(l, col));
            c->checks++;
            const vo_job job = {.out = t, .p = p, .n = n};
            if (!vo_guarded(vo_do_rows_in, &job)) {
                vo_fail(c, "vf_rows_in", "n=%u %s: read or wrote past the SL_VL n floats (fault)",
                        n, at);
            } else {
                int bad = 0;
                for (unsigned col = 0; col < n && !bad; col++)
                    for (unsigned l = 0; l < SL_VL && !bad; l++) {
                        c->checks++;
                        const uint32_t got = vo_u(t[col * SL_VL + l]), want = vo_row_val(l, col);
                        if (got != want) {
                            vo_fail(c, "vf_rows_in",
                                    "n=%u lane %u: t[%u] = 0x%08x, want p[%u] = 0x%08x", n, l,
                                    col * SL_VL + l, (unsigned)got, l * n + col, (unsigned)want);
                            bad = 1;
                        }
                    }
                const long b = vo_touched(g2, t, len * sizeof(float), 0x5A);
                c->checks++;
                if (b >= 0)
                    vo_fail(c, "vf_rows_in", "n=%u %s: wrote outside t[0 .. SL_VL n) (byte %ld)", n,
                            at, b);
            }
            /* rows_out: t (vectors) in g2, p (rows) in g1 */
            memset(g1->lo, 0x5A, g1->page);
            memset(g2->lo, 0x5A, g2->page);
            for (unsigned col = 0; col < n; col++)
                for (unsigned l = 0; l < SL_VL; l++) t[col * SL_VL + l] = vo_f(vo_row_val(l, col));
            c->checks++;
            const vo_job job2 = {.p = p, .in = t, .n = n};
            if (!vo_guarded(vo_do_rows_out, &job2)) {
                vo_fail(c, "vf_rows_out", "n=%u %s: read or wrote past the SL_VL n floats (fault)",
                        n, at);
            } else {
                int bad = 0;
                for (unsigned l = 0; l < SL_VL && !bad; l++)
                    for (unsigned col = 0; col < n && !bad; col++) {
                        c->checks++;
                        const uint32_t got = vo_u(p[l * n + col]), want = vo_row_val(l, col);
                        if (got != want) {
                            vo_fail(c, "vf_rows_out",
                                    "n=%u lane %u: p[%u] = 0x%08x, want t[%u] = 0x%08x", n, l,
                                    l * n + col, (unsigned)got, col * SL_VL + l, (unsigned)want);
                            bad = 1;
                        }
                    }
                const long b = vo_touched(g1, p, len * sizeof(float), 0x5A);
                c->checks++;
                if (b >= 0)
                    vo_fail(c, "vf_rows_out", "n=%u %s: wrote outside p[0 .. SL_VL n) (byte %ld)",
                            n, at, b);
            }
        }
    }
}

/* ---- arithmetic, min/max, compares on pairs ------------------------------------- */
typedef float (*vo_f2)(float, float);
typedef int (*vo_p2)(float, float);

static void vo_cmp_f2(vo_ctx *c, const char *op, const float *A, const float *B, const float *R,
                      size_t n, vo_f2 con, vo_f2 ref, int mode)
{
    for (size_t j = 0; j < n; j++) {
        const uint32_t in[2] = {vo_u(A[j]), vo_u(B[j])}, got = vo_u(R[j]);
        if (!vo_chk(c, op, j, in, 2, got, vo_u(con(A[j], B[j])), mode, "")) continue;
        vo_chk(c, op, j, in, 2, got, vo_u(ref(A[j], B[j])), mode, vo_sc);
    }
}
/* a compare's lanes (R: 1.0 or 0.0 through vf_select) and, per vector, its
 * vm_any and vm_first */
static void vo_cmp_m2(vo_ctx *c, const char *op, const float *A, const float *B, const float *R,
                      const int *any, const int *first, size_t n, vo_p2 con, vo_p2 ref)
{
    for (size_t i = 0; i < n; i += SL_VL) {
        int want_first = -1;
        for (size_t j = i; j < i + SL_VL; j++) {
            const uint32_t in[2] = {vo_u(A[j]), vo_u(B[j])};
            const int got = vo_u(R[j]) == 0x3f800000u ? 1 : vo_u(R[j]) == 0 ? 0 : -1;
            const int want = con(A[j], B[j]);
            if (want && want_first < 0) want_first = (int)(j - i);
            if (vo_chkm(c, op, j, in, 2, got, want, ""))
                vo_chkm(c, op, j, in, 2, got, ref(A[j], B[j]), vo_sc);
        }
        c->checks += 2;
        if (any[i / SL_VL] != (want_first >= 0))
            vo_fail(c, "vm_any", "of %s at a 0x%08x b 0x%08x ...: got %d want %d", op,
                    (unsigned)vo_u(A[i]), (unsigned)vo_u(B[i]), any[i / SL_VL], want_first >= 0);
        else if (want_first >= 0 && first[i / SL_VL] != want_first)
            vo_fail(c, "vm_first", "of %s at a 0x%08x b 0x%08x ...: got %d want %d", op,
                    (unsigned)vo_u(A[i]), (unsigned)vo_u(B[i]), first[i / SL_VL], want_first);
    }
}

#define VO_MAP2(EXPR)                                                                              \
    for (size_t i_ = 0; i_ < n; i_ += SL_VL) {                                                     \
        const vf a = vf_load(A + i_), b = vf_load(B + i_);                                         \
        vf_store(R + i_, EXPR);                                                                    \
    }
#define VO_CMP(OP, CON, REF)                                                                       \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < n; i_ += SL_VL) {                                                 \
            const vm m_ = OP(vf_load(A + i_), vf_load(B + i_));                                    \
            vf_store(R + i_, vf_select(m_, vf_set1(1.0f), vf_set1(0.0f)));                         \
            any[i_ / SL_VL] = vm_any(m_);                                                          \
            first[i_ / SL_VL] = vm_any(m_) ? (int)vm_first(m_) : -1;                               \
        }                                                                                          \
        vo_cmp_m2(c, #OP, A, B, R, any, first, n, CON, REF);                                       \
    } while (0)

static void vo_t_pairs(vo_ctx *c)
{
    const vo_ref *ref = c->ref;
    const size_t n0 = VO_NSPEC * VO_NSPEC + VO_NRAND, n = vo_round(n0);
    float *A = vo_alloc(n * sizeof *A), *B = vo_alloc(n * sizeof *B), *R = vo_alloc(n * sizeof *R);
    int *any = vo_alloc(n / SL_VL * sizeof *any), *first = vo_alloc(n / SL_VL * sizeof *first);
    size_t k = 0;
    for (size_t i = 0; i < VO_NSPEC; i++)
        for (size_t j = 0; j < VO_NSPEC; j++) {
            A[k] = vo_f(vo_special[i]);
            B[k++] = vo_f(vo_special[j]);
        }
    uint64_t s = 0x9a125;
    for (size_t i = 0; i < VO_NRAND; i++, k++) {
        const uint32_t a = vo_rand_bits(&s);
        const uint64_t r = vo_next(&s);
        A[k] = vo_f(a);
        B[k] = vo_f((r & 7) == 0   ? a
                    : (r & 7) == 1 ? a ^ 1u
                    : (r & 7) == 2 ? a ^ 0x80000000u
                                   : vo_rand_bits(&s));
    }
    vo_fill_tail(A, n0, n);
    vo_fill_tail(B, n0, n);

    VO_MAP2(vf_add(a, b));
    vo_cmp_f2(c, "vf_add", A, B, R, n, vo_c_add, ref->add, VO_ANYNAN);
    VO_MAP2(vf_sub(a, b));
    vo_cmp_f2(c, "vf_sub", A, B, R, n, vo_c_sub, ref->sub, VO_ANYNAN);
    VO_MAP2(vf_mul(a, b));
    vo_cmp_f2(c, "vf_mul", A, B, R, n, vo_c_mul, ref->mul, VO_ANYNAN);
    VO_MAP2(vf_div(a, b));
    vo_cmp_f2(c, "vf_div", A, B, R, n, vo_c_div, ref->div, VO_ANYNAN);
    /* b, bit for bit, when either is NaN (and for equal values: +-0) */
    VO_MAP2(vf_min(a, b));
    vo_cmp_f2(c, "vf_min", A, B, R, n, vo_c_min, ref->min, VO_EXACT);
    VO_MAP2(vf_max(a, b));
    vo_cmp_f2(c, "vf_max", A, B, R, n, vo_c_max, ref->max, VO_EXACT);

    VO_CMP(vf_lt, vo_c_lt, ref->lt);
    VO_CMP(vf_le, vo_c_le, ref->le);
    VO_CMP(vf_gt, vo_c_gt, ref->gt);
    VO_CMP(vf_ge, vo_c_ge, ref->ge);
    VO_CMP(vf_eq, vo_c_eq, ref->eq);
    VO_CMP(vf_ne, vo_c_ne, ref->ne);

    /* unary ops on the first operands: sign bit flipped / cleared, NaNs too */
    for (size_t i = 0; i < n; i += SL_VL) {
        const vf a = vf_load(A + i);
        vf_store(R + i, vf_neg(a));
        vf_store(B + i, vf_abs(a));
        const vm m = vf_isnan(a);
        any[i / SL_VL] = (int)vo_lanes(m);
    }
    for (size_t j = 0; j < n; j++) {
        const uint32_t a = vo_u(A[j]);
        if (vo_chk(c, "vf_neg", j, &a, 1, vo_u(R[j]), a ^ 0x80000000u, VO_EXACT, ""))
            vo_chk(c, "vf_neg", j, &a, 1, vo_u(R[j]), vo_u(ref->neg(A[j])), VO_EXACT, vo_sc);
        if (vo_chk(c, "vf_abs", j, &a, 1, vo_u(B[j]), a & 0x7fffffffu, VO_EXACT, ""))
            vo_chk(c, "vf_abs", j, &a, 1, vo_u(B[j]), vo_u(ref->abs(A[j])), VO_EXACT, vo_sc);
        const int got = (any[j / SL_VL] >> (j % SL_VL)) & 1;
        if (vo_chkm(c, "vf_isnan", j, &a, 1, got, vo_nan(a), ""))
            vo_chkm(c, "vf_isnan", j, &a, 1, got, ref->is_nan(A[j]), vo_sc);
    }
    free(A);
    free(B);
    free(R);
    free(any);
    free(first);
}

/* ---- vf_fma: one rounding ------------------------------------------------------------- */
static void vo_t_fma(vo_ctx *c)
{
    const vo_ref *ref = c->ref;
    const size_t n0 = VO_NSMALL * VO_NSMALL * VO_NSMALL + 2 * VO_NRAND, n = vo_round(n0);
    float *A = vo_alloc(n * sizeof *A), *B = vo_alloc(n * sizeof *B), *C = vo_alloc(n * sizeof *C),
          *R = vo_alloc(n * sizeof *R);
    size_t k = 0;
    for (size_t i = 0; i < VO_NSMALL; i++)
        for (size_t j = 0; j < VO_NSMALL; j++)
            for (size_t m = 0; m < VO_NSMALL; m++, k++) {
                A[k] = vo_f(vo_small[i]);
                B[k] = vo_f(vo_small[j]);
                C[k] = vo_f(vo_small[m]);
            }
    uint64_t s = 0xf3a;
    for (size_t i = 0; i < VO_NRAND; i++, k++) {
        A[k] = vo_f(vo_rand_bits(&s));
        B[k] = vo_f(vo_rand_bits(&s));
        C[k] = vo_f(vo_rand_bits(&s));
    }
    /* c = -round(a b): the result is a b's rounding error, 0 if rounded twice */
    for (size_t i = 0; i < VO_NRAND; i++, k++) {
        A[k] = (float)(1.0 + vo_unit(&s)) * (float)ldexp(1.0, (int)(vo_next(&s) % 40) - 20);
        B[k] = (float)(vo_unit(&s) * 4.0 - 2.0);
        C[k] = -(A[k] * B[k]);
        if (i & 1) C[k] = vo_f(vo_u(C[k]) ^ 1u);
    }
    vo_fill_tail(A, n0, n);
    vo_fill_tail(B, n0, n);
    vo_fill_tail(C, n0, n);
    for (size_t i = 0; i < n; i += SL_VL)
        vf_store(R + i, vf_fma(vf_load(A + i), vf_load(B + i), vf_load(C + i)));
    for (size_t j = 0; j < n; j++) {
        const uint32_t in[3] = {vo_u(A[j]), vo_u(B[j]), vo_u(C[j])}, got = vo_u(R[j]);
        if (vo_chk(c, "vf_fma", j, in, 3, got, vo_u(fmaf(A[j], B[j], C[j])), VO_ANYNAN, " (fmaf)"))
            vo_chk(c, "vf_fma", j, in, 3, got, vo_u(ref->fma3(A[j], B[j], C[j])), VO_ANYNAN, vo_sc);
    }
    free(A);
    free(B);
    free(C);
    free(R);
}

/* ---- masks ---------------------------------------------------------------------------- */
static void vo_mask_chk(vo_ctx *c, const char *op, unsigned ma, unsigned mb, unsigned got,
                        unsigned want, int (*ref1)(int), int (*ref2)(int, int))
{
    c->checks++;
    for (unsigned l = 0; l < SL_VL; l++) {
        const int g = (got >> l) & 1, w = (want >> l) & 1;
        const int r = ref1 ? ref1((ma >> l) & 1) : ref2 ? ref2((ma >> l) & 1, (mb >> l) & 1) : w;
        if (g != w || g != r) {
            vo_fail(c, op, "lane %u: masks 0x%04x 0x%04x got %d want %d%s", l, ma, mb, g,
                    g != w ? w : r, g != w ? "" : vo_sc);
            return;
        }
    }
}
static void vo_t_masks(vo_ctx *c)
{
    const vo_ref *ref = c->ref;
    /* lane patterns: every one up to 8 lanes, else single lanes, prefixes,
     * suffixes and random ones */
    unsigned pat[320];
    size_t np = 0;
    if (SL_VL <= 8) {
        for (unsigned b = 0; b <= VO_FULL; b++) pat[np++] = b;
    } else {
        uint64_t s = 0x3a5c;
        pat[np++] = 0;
        for (unsigned l = 0; l < SL_VL; l++) {
            pat[np++] = 1u << l;
            pat[np++] = (1u << l) - 1u;
            pat[np++] = VO_FULL & ~((1u << l) - 1u);
            pat[np++] = VO_FULL & ~(1u << l);
        }
        while (np < 320) pat[np++] = (unsigned)vo_next(&s) & VO_FULL;
    }
    float A[SL_VL], B[SL_VL], R[SL_VL];
    for (size_t i = 0; i < np; i++) {
        const unsigned p = pat[i];
        const vm m = vo_mask(p);
        vo_mask_chk(c, "vf_gt (mask source)", p, 0, vo_lanes(m), p, NULL, NULL);
        vo_mask_chk(c, "vm_not", p, 0, vo_lanes(vm_not(m)), ~p & VO_FULL, ref->m_not, NULL);
        c->checks += 2;
        if (vm_any(m) != (p != 0))
            vo_fail(c, "vm_any", "mask 0x%04x: got %d want %d", p, vm_any(m), p != 0);
        else if (p && vm_first(m) != (unsigned)__builtin_ctz(p))
            vo_fail(c, "vm_first", "mask 0x%04x: got %u want %u", p, vm_first(m),
                    (unsigned)__builtin_ctz(p));
        /* vf_select: the chosen operand's bits, NaNs included */
        for (unsigned l = 0; l < SL_VL; l++) {
            A[l] = vo_f(vo_special[(i + 3 * l) % VO_NSPEC]);
            B[l] = vo_f(vo_special[(i * 7 + l + 11) % VO_NSPEC]);
        }
        vf_store(R, vf_select(m, vf_load(A), vf_load(B)));
        for (unsigned l = 0; l < SL_VL; l++) {
            const uint32_t in[2] = {vo_u(A[l]), vo_u(B[l])};
            const int bit = (p >> l) & 1;
            if (vo_chk(c, "vf_select", l, in, 2, vo_u(R[l]), bit ? in[0] : in[1], VO_EXACT, ""))
                vo_chk(c, "vf_select", l, in, 2, vo_u(R[l]), vo_u(ref->select(bit, A[l], B[l])),
                       VO_EXACT, vo_sc);
        }
        for (size_t j = 0; j < np; j += (SL_VL <= 4 ? 1 : 7)) {
            const unsigned q = pat[(i * 13 + j) % np];
            const vm mq = vo_mask(q);
            vo_mask_chk(c, "vm_and", p, q, vo_lanes(vm_and(m, mq)), p & q, NULL, ref->m_and);
            vo_mask_chk(c, "vm_or", p, q, vo_lanes(vm_or(m, mq)), p | q, NULL, ref->m_or);
            vo_mask_chk(c, "vm_andnot", p, q, vo_lanes(vm_andnot(m, mq)), p & ~q & VO_FULL, NULL,
                        ref->m_andnot);
        }
        /* with the other mask sources */
        for (unsigned k = 0; k <= SL_VL; k++) {
            const unsigned pk = (unsigned)((1ull << k) - 1u);
            vo_mask_chk(c, "vm_and", p, pk, vo_lanes(vm_and(m, vm_prefix(k))), p & pk, NULL, NULL);
            vo_mask_chk(c, "vm_or", pk, p, vo_lanes(vm_or(vm_prefix(k), m)), p | pk, NULL, NULL);
        }
        vo_mask_chk(c, "vm_and", p, 0, vo_lanes(vm_and(m, vm_none())), 0, NULL, NULL);
        vo_mask_chk(c, "vm_or", 0, p, vo_lanes(vm_or(vm_none(), m)), p, NULL, NULL);
    }
    /* vm_none, vm_prefix(k) for every k, vm_first of a prefix's complement */
    vo_mask_chk(c, "vm_none", 0, 0, vo_lanes(vm_none()), 0, NULL, NULL);
    vo_mask_chk(c, "vm_not", 0, 0, vo_lanes(vm_not(vm_none())), VO_FULL, NULL, NULL);
    c->checks++;
    if (vm_any(vm_none())) vo_fail(c, "vm_any", "of vm_none(): got 1 want 0");
    for (unsigned k = 0; k <= SL_VL; k++) {
        const unsigned pk = (unsigned)((1ull << k) - 1u);
        const vm m = vm_prefix(k);
        const unsigned got = vo_lanes(m);
        c->checks += 4;
        if (got != pk) {
            for (unsigned l = 0; l < SL_VL; l++)
                if (((got ^ pk) >> l) & 1u) {
                    vo_fail(c, "vm_prefix", "k=%u lane %u: got %u want %u", k, l, (got >> l) & 1u,
                            (pk >> l) & 1u);
                    break;
                }
        }
        if (vm_any(m) != (k > 0))
            vo_fail(c, "vm_any", "of vm_prefix(%u): got %d want %d", k, vm_any(m), k > 0);
        if (k > 0 && vm_first(m) != 0)
            vo_fail(c, "vm_first", "of vm_prefix(%u): got %u want 0", k, vm_first(m));
        if (k < SL_VL && vm_first(vm_not(m)) != k)
            vo_fail(c, "vm_first", "of vm_not(vm_prefix(%u)): got %u want %u", k,
                    vm_first(vm_not(m)), k);
        vo_mask_chk(c, "vm_not", pk, 0, vo_lanes(vm_not(m)), ~pk & VO_FULL, NULL, NULL);
    }
}

/* ---- SLEEF: the scalar table's bits (1 ulp for scalar-nofma) ------------------------ */
typedef float (*vo_f1)(float);
static void vo_nan_bits(vo_ctx *c, const char *op, size_t j, const uint32_t *in, int nin,
                        uint32_t got, uint32_t want)
{
    if (got == want || !vo_nan(got) || !vo_nan(want)) return;
    if (c->nan_bits++ == 0) {
        char ib[64];
        snprintf(c->nan_first, sizeof c->nan_first, "%s lane %u: %s got 0x%08x want 0x%08x", op,
                 (unsigned)(j % SL_VL), vo_ins(ib, sizeof ib, in, nin), (unsigned)got,
                 (unsigned)want);
    }
}
static void vo_cmp_f1(vo_ctx *c, const char *op, const float *A, const float *R, size_t n,
                      vo_f1 ref, int mode)
{
    for (size_t j = 0; j < n; j++) {
        const uint32_t in = vo_u(A[j]), got = vo_u(R[j]), want = vo_u(ref(A[j]));
        vo_chk(c, op, j, &in, 1, got, want, mode, vo_sc);
        vo_nan_bits(c, op, j, &in, 1, got, want);
    }
}
static size_t vo_domain(float *A, uint64_t seed, double lo, double hi)
{
    size_t k = 0;
    uint64_t s = seed;
    for (size_t i = 0; i < VO_NSPEC; i++) A[k++] = vo_f(vo_special[i]);
    for (size_t i = 0; i < VO_NRAND; i++)
        A[k++] = i % 4 == 3 ? vo_f(vo_rand_bits(&s)) : (float)(lo + (hi - lo) * vo_unit(&s));
    return k;
}
#define VO_MAP1(OP)                                                                                \
    for (size_t i_ = 0; i_ < n; i_ += SL_VL) vf_store(R + i_, OP(vf_load(A + i_)))

static void vo_t_sleef(vo_ctx *c)
{
    const vo_ref *ref = c->ref;
    /* bit for bit against the same kind of SLEEF function (NaNs: any NaN);
     * else 1 ulp */
    const int mode = VO_NOFMA == !ref->fma ? VO_ANYNAN : VO_ULP1;
    size_t n = vo_round(VO_NSPEC * VO_NSPEC + VO_NRAND);
    float *A = vo_alloc(n * sizeof *A), *B = vo_alloc(n * sizeof *B), *R = vo_alloc(n * sizeof *R);
    size_t n0 = vo_domain(A, 0x10c, 1e-6, 100.0);
    for (size_t i = VO_NSPEC; i < n0; i += 2) A[i] = vo_f(vo_u(A[i]) & 0x7fffffffu);
    n = vo_round(n0);
    vo_fill_tail(A, n0, n);
    VO_MAP1(vf_log);
    vo_cmp_f1(c, "vf_log", A, R, n, ref->log, mode);

    n0 = vo_domain(A, 0xe4b, -105.0, 90.0);
    n = vo_round(n0);
    vo_fill_tail(A, n0, n);
    VO_MAP1(vf_exp);
    vo_cmp_f1(c, "vf_exp", A, R, n, ref->exp, mode);

    n0 = vo_domain(A, 0x1091, -1.0, 20.0);
    for (size_t i = VO_NSPEC; i < n0; i += 3) A[i] = A[i] * 1e-6f;
    n = vo_round(n0);
    vo_fill_tail(A, n0, n);
    VO_MAP1(vf_log1p);
    vo_cmp_f1(c, "vf_log1p", A, R, n, ref->log1p, mode);

    n0 = vo_domain(A, 0xe4b1, -20.0, 90.0);
    for (size_t i = VO_NSPEC; i < n0; i += 3) A[i] = A[i] * 1e-6f;
    n = vo_round(n0);
    vo_fill_tail(A, n0, n);
    VO_MAP1(vf_expm1);
    vo_cmp_f1(c, "vf_expm1", A, R, n, ref->expm1, mode);

    /* pow: every pair of special values; random bases with random and
     * integer exponents, negative bases */
    size_t k = 0;
    for (size_t i = 0; i < VO_NSPEC; i++)
        for (size_t j = 0; j < VO_NSPEC; j++) {
            A[k] = vo_f(vo_special[i]);
            B[k++] = vo_f(vo_special[j]);
        }
    uint64_t s = 0x90;
    for (size_t i = 0; i < VO_NRAND; i++, k++) {
        const int kind = (int)(i % 4);
        A[k] = kind == 3 ? vo_f(vo_rand_bits(&s)) : (float)(vo_unit(&s) * 8.0);
        B[k] = kind == 0   ? (float)(vo_unit(&s) * 60.0 - 30.0)
               : kind == 1 ? (float)((int)(vo_next(&s) % 41) - 20)
               : kind == 2 ? (float)(vo_unit(&s) * 2.0 - 1.0)
                           : vo_f(vo_rand_bits(&s));
        if (kind == 1 && (i & 4)) A[k] = -A[k];
    }
    n0 = k;
    n = vo_round(n0);
    vo_fill_tail(A, n0, n);
    vo_fill_tail(B, n0, n);
    for (size_t i = 0; i < n; i += SL_VL) vf_store(R + i, vf_pow(vf_load(A + i), vf_load(B + i)));
    for (size_t j = 0; j < n; j++) {
        const uint32_t in[2] = {vo_u(A[j]), vo_u(B[j])}, got = vo_u(R[j]),
                       want = vo_u(ref->pow(A[j], B[j]));
        vo_chk(c, "vf_pow", j, in, 2, got, want, mode, vo_sc);
        vo_nan_bits(c, "vf_pow", j, in, 2, got, want);
    }
    free(A);
    free(B);
    free(R);
}

/* ---- the accumulator: lane (i + l) % 16 += (double)v[l], in double ------------- */
static int vo_dsame(double a, double b)
{
    uint64_t x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    return x == y || (a != a && b != b);
}
static void vo_acc_chk(vo_ctx *c, const char *op, const char *what, const double *got,
                       const double *want)
{
    for (unsigned l = 0; l < 16; l++) {
        c->checks++;
        if (!vo_dsame(got[l], want[l])) {
            vo_fail(c, op, "%s: accumulator lane %u got %.17g want %.17g", what, l, got[l],
                    want[l]);
            return;
        }
    }
}
static void vo_t_acc(vo_ctx *c)
{
    vacc acc;
    double got[16], want[16];
    char what[96];
    memset(&acc, 0xFF, sizeof acc); /* NaNs */
    vacc_zero(&acc);
    vacc_lanes(&acc, got);
    for (unsigned l = 0; l < 16; l++) want[l] = 0.0;
    vo_acc_chk(c, "vacc_zero", "after NaNs", got, want);

    /* lane placement, for every part; exact widening of every kind of value */
    float v[SL_VL];
    for (unsigned part = 0; part < 16 / SL_VL; part++) {
        for (unsigned rep = 0; rep < 6; rep++) {
            vacc_zero(&acc);
            for (unsigned l = 0; l < 16; l++) want[l] = 0.0;
            for (unsigned l = 0; l < SL_VL; l++) {
                v[l] = rep == 0 ? (float)(part * SL_VL + l + 1)
                                : vo_f(vo_special[(rep * 17 + l * 3 + part) % VO_NSPEC]);
                want[(part * SL_VL + l) % 16] += (double)v[l];
            }
            vacc_add(&acc, vf_load(v), part);
            vacc_lanes(&acc, got);
            snprintf(what, sizeof what, "part %u, one vector (v[0] 0x%08x)", part,
                     (unsigned)vo_u(v[0]));
            vo_acc_chk(c, "vacc_add", what, got, want);
        }
        /* sums in double: 2^24 + 1 + 2^-149 ... */
        vacc_zero(&acc);
        for (unsigned l = 0; l < 16; l++) want[l] = 0.0;
        static const uint32_t seq[] = {0x4b800000u, 0x3f800000u, 0x00000001u,
                                       0x80000000u, 0xcb800000u, 0x3f800000u};
        for (size_t q = 0; q < sizeof seq / sizeof seq[0]; q++) {
            for (unsigned l = 0; l < SL_VL; l++) {
                v[l] = vo_f(seq[(q + l) % (sizeof seq / sizeof seq[0])]);
                want[(part * SL_VL + l) % 16] += (double)v[l];
            }
            vacc_add(&acc, vf_load(v), part);
        }
        vacc_lanes(&acc, got);
        snprintf(what, sizeof what, "part %u, six vectors summed in double", part);
        vo_acc_chk(c, "vacc_add", what, got, want);
    }
    /* the driver's use: consecutive vectors of an array, part (i % 16) / SL_VL */
    float x[16 * 37];
    uint64_t s = 0xacc;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        x[i] = (float)(vo_unit(&s) * 2.0 - 0.5) * (float)ldexp(1.0, (int)(vo_next(&s) % 60) - 30);
    vacc_zero(&acc);
    for (unsigned l = 0; l < 16; l++) want[l] = 0.0;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i += SL_VL) {
        vacc_add(&acc, vf_load(x + i), (unsigned)((i % 16) / SL_VL));
        for (unsigned l = 0; l < SL_VL; l++) want[(i + l) % 16] += (double)x[i + l];
    }
    vacc_lanes(&acc, got);
    vo_acc_chk(c, "vacc_add", "592 random values, every part in turn", got, want);
}

long VO_FN(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note, size_t notelen)
{
    vo_ctx c;
    memset(&c, 0, sizeof c);
    c.ref = ref;
    c.err = err;
    c.errlen = errlen;
    if (errlen) err[0] = '\0';
    struct sigaction sa, old_segv, old_bus;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = vo_on_fault;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    vo_guard g1, g2;
    const int guard1 = vo_guard_init(&g1), guard2 = guard1 && vo_guard_init(&g2);
    const int guards = guard1 && guard2;

    vo_t_shape(&c);
    vo_t_loadstore(&c);
    vo_t_bf16(&c);
    if (guards) {
        vo_t_part(&c, &g1);
        vo_t_rows(&c, &g1, &g2);
    } else {
        vo_fail(&c, "(setup)", "cannot map the guard pages");
    }
    vo_t_pairs(&c);
    vo_t_fma(&c);
    vo_t_masks(&c);
    vo_t_sleef(&c);
    vo_t_acc(&c);

    if (guard1) vo_guard_free(&g1);
    if (guard2) vo_guard_free(&g2);
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    *checks = c.checks;
    if (notelen) note[0] = '\0';
    if (c.nan_bits)
        snprintf(note, notelen,
                 "%ld SLEEF NaN results with other bits than %s's (allowed), first: %s", c.nan_bits,
                 ref->name, c.nan_first);
    return c.fails;
}
