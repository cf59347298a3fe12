/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the two libFuzzer targets (fuzz_elementwise.c, fuzz_class.c) share:
 * reading the fuzz input, deterministic data, special float values, guarded
 * arrays, the table loop and the failure report. Each target includes this
 * once (everything is static).
 *
 * Guarded arrays: every array handed to the library lives in its own slot,
 * an mmap'd region followed by a PROT_NONE page, and is placed so that its
 * last byte is the last byte before that page: a read or write past the end
 * faults with or without ASan. A zero-length array is a pointer to the guard
 * page itself. Under ASan the rest of the slot (before the array) is
 * poisoned, so reads before the start are reported too; without ASan the 64
 * bytes before the array hold a canary that is checked after every call.
 */
#ifndef FZ_COMMON_H
#define FZ_COMMON_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "registry.h"
#include "simdloss.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FZ_ASAN 1
#endif
#endif
#if !defined(FZ_ASAN) && defined(__SANITIZE_ADDRESS__)
#define FZ_ASAN 1
#endif
#ifdef FZ_ASAN
#include <sanitizer/asan_interface.h>
#endif

/* ---- failure report -------------------------------------------------------------------------- */
/* What the current input decoded to, printed with every failure. */
static char fz_case[2048];
static const char *fz_table_now = "-";

static inline void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static inline void fz_fail(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\n==== simdloss fuzz failure [table %s] ====\n", fz_table_now);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ncase: %s\n", fz_case);
    fflush(stderr);
    abort();
}

/* Appends to fz_case. */
static inline void fz_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void fz_note(const char *fmt, ...)
{
    const size_t len = strlen(fz_case);
    if (len + 1 >= sizeof fz_case) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fz_case + len, sizeof fz_case - len, fmt, ap);
    va_end(ap);
}

/* ---- the input: a fixed-layout header, then a pool of raw data ------------------------------- */
/* Past its end the header reads as zeros. */
typedef struct {
    const uint8_t *p;
    size_t n;
} fz_reader;

static inline uint8_t fz_u8(fz_reader *r)
{
    if (!r->n) return 0;
    r->n--;
    return *r->p++;
}
static inline uint16_t fz_u16(fz_reader *r)
{
    const uint16_t lo = fz_u8(r);
    return (uint16_t)(lo | (uint16_t)fz_u8(r) << 8);
}
static inline uint32_t fz_u32(fz_reader *r)
{
    const uint32_t lo = fz_u16(r);
    return lo | (uint32_t)fz_u16(r) << 16;
}
static inline uint64_t fz_u64(fz_reader *r)
{
    const uint64_t lo = fz_u32(r);
    return lo | (uint64_t)fz_u32(r) << 32;
}

/* splitmix64: every array's values come from a seed in the header (or from
 * the pool), so an input always decodes to the same call */
static inline uint64_t fz_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
static inline double fz_unit(uint64_t *s) { return (double)(fz_rand(s) >> 11) * 0x1.0p-53; }

/* The bytes after the header: 32-bit words read in a cycle (raw float bit
 * patterns, 16-bit bfloat16 halves, int64 targets from two words). An empty
 * pool gives random bits. */
typedef struct {
    const uint8_t *p;
    size_t n, pos;
} fz_pool;

static inline uint32_t fz_word(fz_pool *pl, uint64_t *rng)
{
    if (pl->n < 4) return (uint32_t)fz_rand(rng);
    if (pl->pos + 4 > pl->n) pl->pos = 0;
    uint32_t w;
    memcpy(&w, pl->p + pl->pos, 4);
    pl->pos += 4;
    return w;
}

/* ---- floats ---------------------------------------------------------------------------------- */
static inline uint32_t fz_bits(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}
static inline float fz_float(uint32_t b)
{
    float v;
    memcpy(&v, &b, 4);
    return v;
}

#define FZ_CANON 0x7fc00000u
#define FZ_CANON16 0x7fc0u
/* Sentinels: signalling NaNs with a payload. The library writes no NaN but
 * the canonical one, so an element that still holds a sentinel after a call
 * that must write it was not written (or got a non-canonical NaN: as bad). */
#define FZ_SENT 0x7fa5a5a5u
#define FZ_SENT16 0x7fa5u

/* Values where the losses have kinks, clips, overflows and special cases. */
static const uint32_t fz_specials[] = {
    0x00000000u, /* +0 */
    0x80000000u, /* -0 */
    0x3f800000u, /* 1 */
    0xbf800000u, /* -1 */
    0x3f000000u, /* 0.5 */
    0x40000000u, /* 2 */
    0xc0000000u, /* -2 */
    0x40400000u, /* 3 */
    0x33d6bf95u, /* 1e-7 (Keras epsilon) */
    0x322bcc77u, /* 1e-8 */
    0x2b8cbccc,  /* 1e-12 */
    0x3f7fffffu, /* 1 - 2^-24 */
    0x3f800001u, /* 1 + 2^-23 */
    0x3f7ffffeu, /* 1 - 2^-23 (Keras 1 - epsilon) */
    0x00800000u, /* FLT_MIN */
    0x00000001u, /* smallest subnormal */
    0x007fffffu, /* largest subnormal */
    0x80000001u, /* -smallest subnormal */
    0x7f7fffffu, /* FLT_MAX */
    0xff7fffffu, /* -FLT_MAX */
    0x7f800000u, /* +inf */
    0xff800000u, /* -inf */
    0x7fc00000u, /* canonical quiet NaN */
    0xffc00000u, /* x86 default NaN */
    0x7f800001u, /* signalling NaN */
    0xff800001u, /* negative signalling NaN */
    0x7fc12345u, /* quiet NaN with payload */
    0x42c80000u, /* 100 */
    0xc2c80000u, /* -100 */
    0x42b17218u, /* 88.72: expf overflows above */
    0xc2aeac50u, /* -87.34: expf underflows below */
    0x4b000000u, /* 2^23 */
    0x3dcccccdu, /* 0.1 */
    0xbf000000u, /* -0.5 */
    0x40e00000u, /* 7 */
    0x501502f9u, /* 1e10 */
};
#define FZ_NSPECIALS (sizeof fz_specials / sizeof fz_specials[0])

static inline float fz_special(uint64_t r) { return fz_float(fz_specials[r % FZ_NSPECIALS]); }

/* bfloat16 of a float, rounded to nearest even (NaN: keeps its top half, so
 * payloads and signalling NaNs reach the library) */
static inline uint16_t fz_bf16(float v)
{
    uint32_t u = fz_bits(v);
    if (v != v) return (uint16_t)((u >> 16) | 0x0001u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

/* ---- data ------------------------------------------------------------------------------------ */
/* A value of the registry's data domain dom (SL_D_*). */
static inline float fz_dom(int dom, uint64_t *s)
{
    const double u = fz_unit(s);
    const uint64_t r = fz_rand(s);
    switch (dom) {
    case SL_D_REAL: return (float)(u * 8.0 - 4.0);
    case SL_D_PROB: return (float)(0.0005 + u * 0.999);
    case SL_D_LOGIT: return (float)(u * 16.0 - 8.0);
    case SL_D_LABEL01: return (float)(r & 1);
    case SL_D_SOFT01: return r % 5 ? (float)((r >> 8) & 1) : (float)u;
    case SL_D_PM1: return r & 1 ? 1.0f : -1.0f;
    case SL_D_LOGPROB: return (float)log(0.0005 + u * 0.999);
    case SL_D_COUNT: return (float)(r % 8);
    case SL_D_POSITIVE: return (float)(0.01 + u * 3.99);
    case SL_D_AWAY0: return (float)((r & 1 ? -1.0 : 1.0) * (0.5 + 1.5 * u));
    case SL_D_VAR: return (float)(0.05 + u * 1.95);
    default: return (float)u;
    }
}

/* How an array is filled: the low 4 bits of its fill byte (15: the caller's
 * NULL). */
enum { FZ_F_NULL = 15 };
static const char *const fz_fill_names[16] = {
    "dom",        "dom",      "dom",   "dom",     "dom+sp/8", "dom+sp/8", "quarters",   "pool",
    "dom+pool/8", "specials", "const", "rawbits", "otherdom", "dom+1sp",  "dom+pool/2", "NULL"};

/* Fills v[0..n) from the fill byte and seed, with values of domain dom;
 * raw bit patterns come from the pool. */
static inline void fz_fill(float *v, size_t n, unsigned fill, uint32_t seed, int dom, fz_pool *pl)
{
    uint64_t s = ((uint64_t)seed << 8) ^ fill ^ 0x5eedull;
    const unsigned mode = fill % 16;
    if (mode == 12) dom = (int)(fz_rand(&s) % SL_D_COUNT_OF_DOMAINS);
    const float cval = fz_rand(&s) & 1 ? fz_special(fz_rand(&s)) : fz_dom(dom, &s);
    const size_t one = n ? (size_t)(fz_rand(&s) % 3 == 0 ? n - 1 : fz_rand(&s) % n) : 0;
    for (size_t i = 0; i < n; i++) {
        float x = fz_dom(dom, &s);
        switch (mode) {
        case 4:
        case 5:
            if (fz_rand(&s) % 8 == 0) x = fz_special(fz_rand(&s));
            break;
        case 6: x = (float)(nearbyint((double)x * 4.0) / 4.0); break;
        case 7: x = fz_float(fz_word(pl, &s)); break;
        case 8:
            if (fz_rand(&s) % 8 == 0) x = fz_float(fz_word(pl, &s));
            break;
        case 9: x = fz_special(fz_rand(&s)); break;
        case 10: x = cval; break;
        case 11: x = fz_float((uint32_t)fz_rand(&s)); break;
        case 13:
            if (i == one) x = fz_special(fz_rand(&s));
            break;
        case 14:
            if (fz_rand(&s) & 1) x = fz_float(fz_word(pl, &s));
            break;
        default: break;
        }
        v[i] = x;
    }
}

/* ---- guarded slots --------------------------------------------------------------------------- */
typedef struct {
    unsigned char *base; /* size usable bytes, then the PROT_NONE page */
    size_t size;
    unsigned char *ptr; /* the current array: [ptr, base + size) */
} fz_slot;

#define FZ_CANARY_LEN 64
#define FZ_CANARY 0xcbu

static inline size_t fz_page(void)
{
    static size_t pg;
    if (!pg) pg = (size_t)sysconf(_SC_PAGESIZE);
    return pg;
}

static inline void fz_slot_init(fz_slot *s, size_t bytes)
{
    const size_t pg = fz_page();
    s->size = (bytes + FZ_CANARY_LEN + pg - 1) / pg * pg;
    unsigned char *m =
        mmap(NULL, s->size + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + s->size, pg, PROT_NONE) != 0) {
        perror("simdloss fuzz: mmap/mprotect");
        abort();
    }
    s->base = m;
    s->ptr = m + s->size;
#ifdef FZ_ASAN
    ASAN_POISON_MEMORY_REGION(s->base, s->size);
#endif
}

/* Places an array of `bytes` bytes that ends at the guard page. */
static inline void *fz_slot_place(fz_slot *s, size_t bytes)
{
    if (bytes > s->size - FZ_CANARY_LEN)
        fz_fail("fuzzer: slot of %zu bytes, %zu asked", s->size, bytes);
    s->ptr = s->base + s->size - bytes;
#ifdef FZ_ASAN
    ASAN_UNPOISON_MEMORY_REGION(s->ptr, bytes);
#else
    memset(s->ptr - FZ_CANARY_LEN, FZ_CANARY, FZ_CANARY_LEN);
#endif
    return s->ptr;
}

/* Checks the canary before the array (ASan checks it by itself). */
static inline void fz_slot_check(const fz_slot *s, const char *what)
{
#ifndef FZ_ASAN
    for (size_t i = 0; i < FZ_CANARY_LEN; i++)
        if (s->ptr[-(ptrdiff_t)FZ_CANARY_LEN + (ptrdiff_t)i] != FZ_CANARY)
            fz_fail("write before the start of %s (byte %zd)", what,
                    (ptrdiff_t)i - (ptrdiff_t)FZ_CANARY_LEN);
#else
    (void)s;
    (void)what;
#endif
}

/* Gives the array back (poisoned again under ASan). */
static inline void fz_slot_release(fz_slot *s)
{
#ifdef FZ_ASAN
    /* from the 8-byte granule holding the start */
    unsigned char *from = s->base + ((size_t)(s->ptr - s->base) & ~(size_t)7);
    ASAN_POISON_MEMORY_REGION(from, (size_t)(s->base + s->size - from));
#endif
    s->ptr = s->base + s->size;
}

/* ---- the table loop -------------------------------------------------------------------------- */
/* Every kernel table this machine runs (simdloss_table), the exact ones
 * first; the inexact one (scalar-nofma) is held to the same contract but its
 * values are not compared. */
#define FZ_MAXTABLES 16
static const char *fz_tables[FZ_MAXTABLES];
static int fz_table_exact[FZ_MAXTABLES];
static int fz_ntables;

static inline void fz_tables_init(void)
{
    fz_ntables = 0;
    for (int exact = 1; exact >= 0; exact--) {
        simdloss_table_info t;
        for (int i = 0; simdloss_table(i, &t) == SIMDLOSS_OK && fz_ntables < FZ_MAXTABLES; i++)
            if (t.runnable && t.exact == exact) {
                fz_table_exact[fz_ntables] = t.exact;
                fz_tables[fz_ntables++] = t.name;
            }
    }
    if (fz_ntables == 0 || !fz_table_exact[0]) {
        fprintf(stderr, "simdloss fuzz: no runnable exact table\n");
        abort();
    }
    if (getenv("SIMDLOSS_FUZZ_VERBOSE")) {
        fprintf(stderr, "simdloss fuzz: tables");
        for (int i = 0; i < fz_ntables; i++)
            fprintf(stderr, " %s%s", fz_tables[i], fz_table_exact[i] ? "" : "(inexact)");
        fprintf(stderr, "\n");
    }
}

static inline void fz_use_table(int i)
{
    if (simdloss_set_table(fz_tables[i]) != SIMDLOSS_OK ||
        strcmp(simdloss_active_table(), fz_tables[i]) != 0)
        fz_fail("simdloss_set_table(%s) failed although runnable", fz_tables[i]);
    fz_table_now = fz_tables[i];
}

/* ---- simdloss_last_error --------------------------------------------------------------------- */
/* Sets the thread's last error to a known message (a call that must fail)
 * and returns it: a call that succeeds must leave it as it is. */
static char fz_marker[256];
static inline void fz_set_marker(void)
{
    const int rc = simdloss_mse_f32(0, NULL, NULL, (simdloss_reduction)77, NULL, NULL);
    if (rc != SIMDLOSS_EINVAL)
        fz_fail("marker call: simdloss_mse_f32 with reduction 77 gave %d", rc);
    snprintf(fz_marker, sizeof fz_marker, "%s", simdloss_last_error());
    if (!strstr(fz_marker, "simdloss_mse_f32")) fz_fail("marker call: message '%s'", fz_marker);
}

/* The message after a call of `fn` with status rc: a failure names the
 * function first; a success leaves the marker. Copies it to msg. */
static inline void fz_check_message(const char *fn, int rc, char *msg, size_t size)
{
    const char *m = simdloss_last_error();
    if (!m) fz_fail("simdloss_last_error() returned NULL");
    snprintf(msg, size, "%s", m);
    if (rc == SIMDLOSS_OK) {
        if (strcmp(msg, fz_marker) != 0)
            fz_fail("%s succeeded but changed simdloss_last_error() to '%s'", fn, msg);
        return;
    }
    const size_t len = strlen(fn);
    if (strncmp(msg, fn, len) != 0 || msg[len] != ':')
        fz_fail("%s returned %d with message '%s', which does not start with '%s:'", fn, rc, msg,
                fn);
}

static inline const char *fz_rc_name(int rc)
{
    switch (rc) {
    case SIMDLOSS_OK: return "OK";
    case SIMDLOSS_EINVAL: return "EINVAL";
    case SIMDLOSS_EDOMAIN: return "EDOMAIN";
    case SIMDLOSS_ENOTSUP: return "ENOTSUP";
    case SIMDLOSS_ENOMEM: return "ENOMEM";
    }
    return "?";
}

/* ---- output checks --------------------------------------------------------------------------- */
/* Every NaN among v[0..n) is the canonical one. */
static inline void fz_check_canon32(const float *v, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const uint32_t b = fz_bits(v[i]);
        if ((b & 0x7fffffffu) > 0x7f800000u && b != FZ_CANON)
            fz_fail("%s[%zu] = 0x%08x: %s", what, i, (unsigned)b,
                    b == FZ_SENT ? "not written" : "a NaN other than 0x7fc00000");
    }
}
static inline void fz_check_canon16(const uint16_t *v, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned b = v[i];
        if ((b & 0x7fffu) > 0x7f80u && b != FZ_CANON16)
            fz_fail("%s[%zu] = 0x%04x: %s", what, i, b,
                    b == FZ_SENT16 ? "not written" : "a NaN other than 0x7fc0");
    }
}
static inline void fz_sentinel32(float *v, size_t n)
{
    const float s = fz_float(FZ_SENT);
    for (size_t i = 0; i < n; i++) v[i] = s;
}
static inline void fz_sentinel16(uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) v[i] = FZ_SENT16;
}
/* An array the call must not have written: still all sentinels. */
static inline void fz_check_untouched32(const float *v, size_t n, const char *what, const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (fz_bits(v[i]) != FZ_SENT)
            fz_fail("%s[%zu] written (0x%08x) although %s", what, i, (unsigned)fz_bits(v[i]), why);
}
static inline void fz_check_untouched16(const uint16_t *v, size_t n, const char *what,
                                        const char *why)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] != FZ_SENT16) fz_fail("%s[%zu] written (0x%04x) although %s", what, i, v[i], why);
}
/* An input array (or an aliased output that must be unchanged). */
static inline void fz_check_same(const void *now, const void *was, size_t bytes, const char *what,
                                 const char *why)
{
    if (memcmp(now, was, bytes) == 0) return;
    const unsigned char *a = now, *b = was;
    size_t i = 0;
    while (a[i] == b[i]) i++;
    fz_fail("%s changed at byte %zu (0x%02x, was 0x%02x) although %s", what, i, a[i], b[i], why);
}

/* size_t products without overflow: 0 when they overflow */
static inline int fz_mul(size_t a, size_t b, size_t *r) { return !__builtin_mul_overflow(a, b, r); }

/* Sizes and lengths the library must reject when a pointer goes with them. */
static const uint64_t fz_huge[] = {
    UINT64_MAX,
    UINT64_MAX - 1,
    UINT64_MAX / 2,
    UINT64_MAX / 2 + 1,
    UINT64_MAX / 4, /* the largest float count */
    UINT64_MAX / 4 + 1,
    UINT64_MAX / 8,
    UINT64_MAX / 8 + 1,
    1ull << 60,
    1ull << 61,
    1ull << 62,
    (1ull << 62) + 1,
    1ull << 63,
    (1ull << 63) + 1,
    1ull << 32,
    (1ull << 32) + 1,
    (1ull << 32) - 1,
    (UINT64_MAX / 8) / 3,
    0x5555555555555556ull, /* 3 times it wraps to 2 */
    0x4000000000000001ull, /* 4 times it wraps to 4 */
};
#define FZ_NHUGE (sizeof fz_huge / sizeof fz_huge[0])

/* a float parameter at or beside the ends of its range */
static inline float fz_boundary(const sl_range *r, uint32_t raw)
{
    const float alt = r->has_alt ? r->alt : r->lo;
    switch (raw % 8) {
    case 0: return r->lo;
    case 1: return r->hi;
    case 2: return nextafterf(r->lo, -INFINITY);
    case 3: return nextafterf(r->lo, INFINITY);
    case 4: return nextafterf(r->hi, -INFINITY);
    case 5: return nextafterf(r->hi, INFINITY);
    case 6: return alt;
    default: return nextafterf(alt, raw & 8 ? INFINITY : -INFINITY);
    }
}

/* the entry points' parameter check (src/class_entry.c, src/elementwise.c) */
static inline int fz_in_range(const sl_range *r, float v)
{
    if (v != v) return 0;
    if (r->has_alt && v == r->alt) return 1;
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo)) return 0;
    return r->hi_open ? v < r->hi : v <= r->hi;
}

/* The reduction a fuzz input asks for: mostly the three valid ones, some
 * arbitrary and some just outside the enum. */
static inline int fz_reduction(unsigned mode, uint32_t raw)
{
    static const int bad[] = {3, -1, INT32_MIN, INT32_MAX, 255, 4};
    switch (mode % 8) {
    case 0:
    case 1: return SIMDLOSS_NONE;
    case 2:
    case 3: return SIMDLOSS_MEAN;
    case 4:
    case 5: return SIMDLOSS_SUM;
    case 6: return (int)raw;
    default: return bad[raw % 6];
    }
}

static inline const char *fz_red_name(int red)
{
    switch (red) {
    case SIMDLOSS_NONE: return "NONE";
    case SIMDLOSS_MEAN: return "MEAN";
    case SIMDLOSS_SUM: return "SUM";
    }
    return "invalid";
}

#endif
