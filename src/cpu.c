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
    f->sse3 = c & 1;
    f->ssse3 = (c >> 9) & 1;
    f->fma = (c >> 12) & 1;
    f->sse41 = (c >> 19) & 1;
    f->sse42 = (c >> 20) & 1;
    f->osxsave = (c >> 27) & 1;
    f->avx = (c >> 28) & 1;
    f->f16c = (c >> 29) & 1;

    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        f->avx2 = (b >> 5) & 1;
        f->avx512f = (b >> 16) & 1;
        f->avx512dq = (b >> 17) & 1;
        f->avx512ifma = (b >> 21) & 1;
        f->avx512cd = (b >> 28) & 1;
        f->avx512bw = (b >> 30) & 1;
        f->avx512vl = (b >> 31) & 1;
        f->avx512vbmi = (c >> 1) & 1;
        f->avx512vbmi2 = (c >> 6) & 1;
        f->gfni = (c >> 8) & 1;
        f->vaes = (c >> 9) & 1;
        f->avx512vnni = (c >> 11) & 1;
        f->avx512bitalg = (c >> 12) & 1;
        f->avx512vpopcntdq = (c >> 14) & 1;
        f->amx_bf16 = (d >> 22) & 1;
        f->avx512fp16 = (d >> 23) & 1;
        f->amx_tile = (d >> 24) & 1;
        f->amx_int8 = (d >> 25) & 1;
        if (a >= 1) {
            __cpuid_count(7, 1, a, b, c, d);
            f->avx_vnni = (a >> 4) & 1;
            f->avx512bf16 = (a >> 5) & 1;
        }
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

void sl_cpu_detect(struct sl_cpu_info *info)
{
    memset(info, 0, sizeof *info);
#if defined(__x86_64__) || defined(__i386__)
    sl_cpu_detect_x86(info);
#elif defined(__aarch64__)
    sl_cpu_detect_arm(info);
#else
    strcpy(info->arch, "unknown");
#endif
}

unsigned sl_cpu_bits(void)
{
    struct sl_cpu_info info;
    sl_cpu_detect(&info);
    return info.bits;
}
