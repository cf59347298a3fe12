/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CPU feature detection: CPUID + XGETBV on x86, getauxval on aarch64. Built
 * with baseline flags only, so it runs on any CPU of the architecture.
 */
#include "cpu.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t sl_xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void sl_cpu_detect_x86(struct sl_cpu_info *f)
{
    unsigned a, b, c, d, max_leaf, max_ext;
    strcpy(f->arch, "x86_64");
    if (!__get_cpuid(0, &max_leaf, &b, &c, &d)) return;
    memcpy(f->vendor, &b, 4);
    memcpy(f->vendor + 4, &d, 4);
    memcpy(f->vendor + 8, &c, 4);
    f->vendor[12] = 0;

    __cpuid(1, a, b, c, d);
    f->stepping = a & 15;
    f->family = (a >> 8) & 15;
    f->model = (a >> 4) & 15;
    if (f->family == 15) f->family += (a >> 20) & 255;
    if (f->family == 6 || f->family >= 15) f->model |= ((a >> 16) & 15) << 4;
    f->sse2 = (d >> 26) & 1;
    f->fma = (c >> 12) & 1;
    f->osxsave = (c >> 27) & 1;
    f->avx = (c >> 28) & 1;

    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f->avx2 = (b >> 5) & 1;
        f->avx512f = (b >> 16) & 1;
        f->avx512dq = (b >> 17) & 1;
        f->avx512bw = (b >> 30) & 1;
        f->avx512vl = (b >> 31) & 1;
        f->amx_tile = (d >> 24) & 1;
    }
    __cpuid(0x80000000u, max_ext, b, c, d);
    if (max_ext >= 0x80000004u) {
        unsigned r[12];
        for (unsigned k = 0; k < 3; k++)
            __cpuid(0x80000002u + k, r[4 * k], r[4 * k + 1], r[4 * k + 2], r[4 * k + 3]);
        memcpy(f->brand, r, 48);
        f->brand[48] = 0;
        /* trim the padding some CPUs put around the brand string */
        char *s = f->brand;
        while (*s == ' ') s++;
        memmove(f->brand, s, strlen(s) + 1);
        for (size_t n = strlen(f->brand); n > 0 && f->brand[n - 1] == ' '; n--) f->brand[n - 1] = 0;
    }

    f->xcr0 = f->osxsave ? sl_xgetbv0() : 0;
    const int os_ymm = (f->xcr0 & 0x6) == 0x6;
    const int os_zmm = os_ymm && (f->xcr0 & 0xe0) == 0xe0;
    unsigned bits = 0;
    if (f->fma) bits |= SL_CPU_FMA;
    if (f->avx) bits |= SL_CPU_AVX;
    if (f->avx2) bits |= SL_CPU_AVX2;
    if (f->avx512f) bits |= SL_CPU_AVX512F;
    if (f->avx512bw) bits |= SL_CPU_AVX512BW;
    if (f->avx512dq) bits |= SL_CPU_AVX512DQ;
    if (f->avx512vl) bits |= SL_CPU_AVX512VL;
    if (os_ymm) bits |= SL_CPU_OS_YMM;
    if (os_zmm) bits |= SL_CPU_OS_ZMM;
    f->bits = bits;
}
#elif defined(__aarch64__)
#include <sys/auxv.h>
#include <sys/prctl.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_SVE
#define HWCAP_SVE (1 << 22)
#endif
#ifndef HWCAP2_SVE2
#define HWCAP2_SVE2 (1 << 1)
#endif
#ifndef PR_SVE_GET_VL
#define PR_SVE_GET_VL 51
#endif
#ifndef PR_SVE_VL_LEN_MASK
#define PR_SVE_VL_LEN_MASK 0xffff
#endif
static void sl_cpu_detect_arm(struct sl_cpu_info *f)
{
    const unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    strcpy(f->arch, "aarch64");
    f->asimd = (hw & HWCAP_ASIMD) != 0;
    f->sve = (hw & HWCAP_SVE) != 0;
    f->sve2 = (hw2 & HWCAP2_SVE2) != 0;
    /* FMA is part of every AArch64 FPU */
    unsigned bits = SL_CPU_FMA | (f->asimd ? SL_CPU_ASIMD : 0);
    if (f->sve) {
        /* this thread's vector length in bytes (Linux >= 4.15; qemu-user too) */
        const int vl = prctl(PR_SVE_GET_VL, 0, 0, 0, 0);
        f->sve_bits = vl < 0 ? 0 : (unsigned)(vl & PR_SVE_VL_LEN_MASK) * 8u;
        bits |= SL_CPU_SVE;
        if (f->sve_bits == 128) bits |= SL_CPU_SVE_VL128;
        if (f->sve_bits == 256) bits |= SL_CPU_SVE_VL256;
        if (f->sve_bits == 512) bits |= SL_CPU_SVE_VL512;
    }
    f->bits = bits;
}
#endif

/*
 * Beyond what the dispatcher needs, for simdloss-cpu: the microarchitecture
 * name, the caches and hybrid cores from CPUID.
 */

/* Intel family 6 models; 0 in stepping_min/max: any stepping. */
static const struct {
    unsigned model, stepping_min, stepping_max;
    const char *name;
} sl_intel6[] = {
    {0x1a, 0, 0, "Nehalem"},           {0x1e, 0, 0, "Nehalem"},
    {0x1f, 0, 0, "Nehalem"},           {0x2e, 0, 0, "Nehalem-EX"},
    {0x25, 0, 0, "Westmere"},          {0x2c, 0, 0, "Westmere-EP"},
    {0x2f, 0, 0, "Westmere-EX"},       {0x2a, 0, 0, "Sandy Bridge"},
    {0x2d, 0, 0, "Sandy Bridge-E/EP"}, {0x3a, 0, 0, "Ivy Bridge"},
    {0x3e, 0, 0, "Ivy Bridge-E/EP"},   {0x3c, 0, 0, "Haswell"},
    {0x45, 0, 0, "Haswell"},           {0x46, 0, 0, "Haswell"},
    {0x3f, 0, 0, "Haswell-E/EP"},      {0x3d, 0, 0, "Broadwell"},
    {0x47, 0, 0, "Broadwell"},         {0x4f, 0, 0, "Broadwell-E/EP"},
    {0x56, 0, 0, "Broadwell-DE"},      {0x4e, 0, 0, "Skylake"},
    {0x5e, 0, 0, "Skylake"},           {0x55, 0, 4, "Skylake-SP"},
    {0x55, 5, 7, "Cascade Lake"},      {0x55, 10, 11, "Cooper Lake"},
    {0x8e, 9, 9, "Kaby Lake"},         {0x8e, 10, 10, "Kaby Lake R"},
    {0x8e, 11, 11, "Whiskey Lake"},    {0x8e, 12, 12, "Comet Lake"},
    {0x9e, 9, 9, "Kaby Lake"},         {0x9e, 10, 13, "Coffee Lake"},
    {0xa5, 0, 0, "Comet Lake"},        {0xa6, 0, 0, "Comet Lake"},
    {0x66, 0, 0, "Cannon Lake"},       {0x7d, 0, 0, "Ice Lake"},
    {0x7e, 0, 0, "Ice Lake"},          {0x6a, 0, 0, "Ice Lake-SP"},
    {0x6c, 0, 0, "Ice Lake-SP"},       {0x8c, 0, 0, "Tiger Lake"},
    {0x8d, 0, 0, "Tiger Lake"},        {0xa7, 0, 0, "Rocket Lake"},
    {0x8a, 0, 0, "Lakefield"},         {0x97, 0, 0, "Alder Lake"},
    {0x9a, 0, 0, "Alder Lake"},        {0xbe, 0, 0, "Alder Lake-N"},
    {0xb7, 0, 0, "Raptor Lake"},       {0xba, 0, 0, "Raptor Lake"},
    {0xbf, 0, 0, "Raptor Lake"},       {0xaa, 0, 0, "Meteor Lake"},
    {0xac, 0, 0, "Meteor Lake"},       {0xb5, 0, 0, "Arrow Lake"},
    {0xc5, 0, 0, "Arrow Lake"},        {0xc6, 0, 0, "Arrow Lake"},
    {0xbd, 0, 0, "Lunar Lake"},        {0xcc, 0, 0, "Panther Lake"},
    {0x8f, 0, 0, "Sapphire Rapids"},   {0xcf, 0, 0, "Emerald Rapids"},
    {0xad, 0, 0, "Granite Rapids"},    {0xae, 0, 0, "Granite Rapids"},
    {0xaf, 0, 0, "Sierra Forest"},     {0xdd, 0, 0, "Clearwater Forest"},
    {0x57, 0, 0, "Knights Landing"},   {0x85, 0, 0, "Knights Mill"},
    {0x5c, 0, 0, "Goldmont"},          {0x5f, 0, 0, "Goldmont"},
    {0x7a, 0, 0, "Goldmont Plus"},     {0x86, 0, 0, "Tremont"},
    {0x96, 0, 0, "Tremont"},           {0x9c, 0, 0, "Tremont"},
    {0xb6, 0, 0, "Grand Ridge"},
};

const char *sl_cpu_uarch(const char *vendor, unsigned family, unsigned model, unsigned stepping)
{
    if (strcmp(vendor, "GenuineIntel") == 0 && family == 6) {
        const char *first = NULL; /* a stepping not listed: the model's first name */
        for (size_t k = 0; k < sizeof sl_intel6 / sizeof sl_intel6[0]; k++) {
            if (sl_intel6[k].model != model) continue;
            if (!first) first = sl_intel6[k].name;
            if ((sl_intel6[k].stepping_min == 0 && sl_intel6[k].stepping_max == 0) ||
                (stepping >= sl_intel6[k].stepping_min && stepping <= sl_intel6[k].stepping_max))
                return sl_intel6[k].name;
        }
        return first ? first : "unknown";
    }
    if (strcmp(vendor, "AuthenticAMD") == 0) {
        switch (family) {
        case 0x15:
            if (model < 0x10) return model == 0x02 ? "Piledriver" : "Bulldozer";
            if (model < 0x30) return "Piledriver";
            if (model < 0x60) return "Steamroller";
            if (model < 0x80) return "Excavator";
            return "unknown";
        case 0x16: return model < 0x30 ? "Jaguar" : "Puma";
        case 0x17:
            if (model == 0x08 || model == 0x18) return "Zen+";
            return model < 0x30 ? "Zen" : "Zen 2";
        case 0x19:
            if (model >= 0x40 && model < 0x50) return "Zen 3+";
            if ((model >= 0x10 && model < 0x20) || (model >= 0x60 && model < 0x80) ||
                (model >= 0xa0 && model < 0xb0))
                return "Zen 4";
            return "Zen 3";
        case 0x1a: return model < 0x80 ? "Zen 5" : "unknown";
        default: return "unknown";
        }
    }
    if (strcmp(vendor, "HygonGenuine") == 0 && family == 0x18) return "Zen (Hygon Dhyana)";
    return "unknown";
}

#if defined(__x86_64__) || defined(__i386__)
static void sl_cpu_add_cache(struct sl_cpu_info *f, unsigned level, char type, unsigned ways,
                             unsigned line, unsigned long size, unsigned shared_by)
{
    if (f->ncache >= sizeof f->cache / sizeof f->cache[0] || size == 0) return;
    struct sl_cpu_cache *c = &f->cache[f->ncache++];
    c->level = level;
    c->type = type;
    c->ways = ways;
    c->line = line;
    c->size = size;
    c->shared_by = shared_by;
}

/* The deterministic cache parameters of leaf 4 (Intel) and 0x8000001D (AMD
 * with TOPOEXT) share one layout. */
static void sl_cpu_caches_leaf(struct sl_cpu_info *f, unsigned leaf)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned a, b, c, d;
        __cpuid_count(leaf, i, a, b, c, d);
        const unsigned type = a & 31;
        if (type == 0 || type > 3) break;
        const unsigned ways = (b >> 22) + 1, parts = ((b >> 12) & 0x3ff) + 1;
        const unsigned line = (b & 0xfff) + 1, sets = c + 1;
        sl_cpu_add_cache(f, (a >> 5) & 7, "diu"[type - 1], (a >> 9) & 1 ? 0 : ways, line,
                         (unsigned long)ways * parts * line * sets, ((a >> 14) & 0xfff) + 1);
    }
}

/* AMD's older leaves: L1 in 0x80000005, L2/L3 in 0x80000006. */
static void sl_cpu_caches_amd_legacy(struct sl_cpu_info *f, unsigned max_ext)
{
    unsigned a, b, c, d;
    if (max_ext >= 0x80000005u) {
        __cpuid(0x80000005u, a, b, c, d);
        sl_cpu_add_cache(f, 1, 'd', (c >> 16) & 255, c & 255, (unsigned long)(c >> 24) << 10, 0);
        sl_cpu_add_cache(f, 1, 'i', (d >> 16) & 255, d & 255, (unsigned long)(d >> 24) << 10, 0);
    }
    if (max_ext >= 0x80000006u) {
        /* associativity code -> ways (AMD APM, CPUID Fn8000_0006) */
        static const unsigned ways[16] = {0, 1, 2, 3, 4, 5, 6, 8, 0, 16, 0, 32, 48, 64, 96, 128};
        __cpuid(0x80000006u, a, b, c, d);
        sl_cpu_add_cache(f, 2, 'u', ways[(c >> 12) & 15], c & 255, (unsigned long)(c >> 16) << 10,
                         0);
        sl_cpu_add_cache(f, 3, 'u', ways[(d >> 12) & 15], d & 255, (unsigned long)(d >> 18) << 19,
                         0);
    }
}

unsigned sl_cpu_core_type(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d) || a < 0x1a) return 0;
    __cpuid_count(0x1a, 0, a, b, c, d);
    return a >> 24;
}

static void sl_cpu_x86_extra(struct sl_cpu_info *f)
{
    unsigned a, b, c, d, max_leaf, max_ext;
    f->uarch = sl_cpu_uarch(f->vendor, f->family, f->model, f->stepping);
    if (!__get_cpuid(0, &max_leaf, &b, &c, &d)) return;
    __cpuid(0x80000000u, max_ext, b, c, d);
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f->hybrid = (d >> 15) & 1;
    }
    if (f->hybrid) f->core_type = sl_cpu_core_type();

    const int amd =
        strcmp(f->vendor, "AuthenticAMD") == 0 || strcmp(f->vendor, "HygonGenuine") == 0;
    int topoext = 0;
    if (max_ext >= 0x80000001u) {
        __cpuid(0x80000001u, a, b, c, d);
        topoext = (c >> 22) & 1;
    }
    if (amd && topoext && max_ext >= 0x8000001du) {
        sl_cpu_caches_leaf(f, 0x8000001du);
        f->cache_source = "cpuid 0x8000001d";
    } else if (!amd && max_leaf >= 4) {
        sl_cpu_caches_leaf(f, 4);
        f->cache_source = "cpuid 4";
    } else if (amd) {
        sl_cpu_caches_amd_legacy(f, max_ext);
        f->cache_source = "cpuid 0x80000005/6";
    }
    if (f->ncache == 0) f->cache_source = NULL;
}
#endif

void sl_cpu_detect(struct sl_cpu_info *info)
{
    memset(info, 0, sizeof *info);
    info->uarch = "unknown";
#if defined(__x86_64__) || defined(__i386__)
    sl_cpu_detect_x86(info);
    sl_cpu_x86_extra(info);
#elif defined(__aarch64__)
    sl_cpu_detect_arm(info);
#else
    strcpy(info->arch, "unknown");
#endif
}

#if !defined(__x86_64__) && !defined(__i386__)
unsigned sl_cpu_core_type(void) { return 0; }
#endif

unsigned sl_cpu_bits(void)
{
    struct sl_cpu_info info;
    sl_cpu_detect(&info);
    return info.bits;
}
