/* CPU feature detection, shared by the dispatcher and the simdloss-cpu tool. */
#ifndef SL_CPU_H
#define SL_CPU_H

#include <stdint.h>

#include "internal.h"

struct sl_cpu_info {
    char arch[16];
    char vendor[16];
    char brand[64];
    unsigned family, model, stepping;
    int osxsave;   /* CPUID says the OS uses XSAVE (XGETBV is usable) */
    uint64_t xcr0; /* 0 when XGETBV is not usable */
    /* CPUID feature flags, as the CPU reports them (not OS-gated) */
    int sse2, sse3, ssse3, sse41, sse42, avx, f16c, fma, avx2, avx512f, avx512bw, avx512dq,
        avx512vl, avx512cd, avx512ifma, avx512vbmi, avx512vbmi2, avx512vnni, avx512bf16, avx512fp16,
        avx512bitalg, avx512vpopcntdq, avx_vnni, amx_tile, amx_bf16, amx_int8, gfni, vaes;
    int asimd, sve, sve2; /* aarch64 (HWCAP_ASIMD, HWCAP_SVE, HWCAP2_SVE2) */
    unsigned sve_bits;    /* SVE vector length of the calling thread, 0 if unknown */
    unsigned bits; /* SL_CPU_*: what kernels may use, OS state included */
};

SL_HIDDEN void sl_cpu_detect(struct sl_cpu_info *info);

#endif
