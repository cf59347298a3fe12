/* SPDX-License-Identifier: Apache-2.0 */
/* CPU feature detection, shared by the dispatcher and the simdloss-cpu tool. */
#ifndef SL_CPU_H
#define SL_CPU_H

#include <stdint.h>

#include "internal.h"

/* One cache as CPUID describes it (simdloss-cpu). */
struct sl_cpu_cache {
    unsigned level;     /* 1, 2, 3 */
    char type;          /* 'd' data, 'i' instruction, 'u' unified */
    unsigned ways;      /* associativity, 0 if fully associative or unknown */
    unsigned line;      /* line size in bytes */
    unsigned long size; /* bytes */
    unsigned shared_by; /* logical CPUs sharing it (CPUID's upper bound), 0 if unknown */
};

struct sl_cpu_info {
    char arch[16];
    char vendor[16];
    char brand[64];
    unsigned family, model, stepping;
    int osxsave;   /* CPUID says the OS uses XSAVE (XGETBV is usable) */
    uint64_t xcr0; /* 0 when XGETBV is not usable */
    /* CPUID feature flags the dispatcher and the probe's verdicts use, as the
     * CPU reports them (not OS-gated); simdloss-cpu reads every other flag
     * itself (tools/probe_x86.c, tools/probe_arm.c) */
    int sse2, avx, fma, avx2, avx512f, avx512bw, avx512dq, avx512vl, amx_tile;
    int asimd, sve, sve2; /* aarch64 (HWCAP_ASIMD, HWCAP_SVE, HWCAP2_SVE2) */
    unsigned sve_bits;    /* SVE vector length of the calling thread, 0 if unknown */
    unsigned bits;        /* SL_CPU_*: what kernels may use, OS state included */
    /* For simdloss-cpu only (the dispatcher does not look at these): */
    const char *uarch;            /* microarchitecture from vendor/family/model, or "unknown" */
    struct sl_cpu_cache cache[8]; /* CPUID leaf 4, 0x8000001D or 0x80000005/6 */
    unsigned ncache;
    const char *cache_source; /* the CPUID leaf the caches came from, NULL if none */
    int hybrid;               /* CPUID.(7,0):EDX[15]: the package mixes core types */
    unsigned core_type;       /* CPUID.1A:EAX[31:24] of the calling CPU: 0x40 P-core, 0x20 E-core */
};

SL_HIDDEN void sl_cpu_detect(struct sl_cpu_info *info);
/* Microarchitecture name for a CPUID vendor string and family/model/stepping
 * (as sl_cpu_detect decodes them), or "unknown". */
SL_HIDDEN const char *sl_cpu_uarch(const char *vendor, unsigned family, unsigned model,
                                   unsigned stepping);
/* CPUID.1A core type of the CPU the calling thread runs on (x86 hybrid parts:
 * 0x40 Core/P, 0x20 Atom/E), 0 if not reported. */
SL_HIDDEN unsigned sl_cpu_core_type(void);

#endif
