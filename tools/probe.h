/* SPDX-License-Identifier: Apache-2.0 */
/* What simdloss-cpu reads besides the library's own detection: every CPUID
 * feature flag (x86), every HWCAP flag and the core's name from MIDR_EL1
 * (AArch64), and what the system says of topology, caches, NUMA nodes and
 * frequencies. */
#ifndef SL_PROBE_H
#define SL_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* The groups of the text report (JSON lists the flags flat). */
enum {
    PG_BASE,     /* x87, MMX and the baseline of x86-64; AArch64's fp, asimd */
    PG_SSE,      /* SSE ... SSE4.2, SSE4a */
    PG_AVX,      /* AVX, FMA, F16C, AVX2, AVX-VNNI, XOP, FMA4 */
    PG_AVX512,   /* every AVX-512 subset */
    PG_AMX,      /* AMX; AArch64's SME */
    PG_SVE,      /* AArch64's SVE and SVE2 */
    PG_CRYPTO,   /* AES, SHA, CLMUL, GFNI, RNG */
    PG_BITS,     /* bit manipulation: POPCNT, LZCNT, BMI, ADX, TBM */
    PG_MEMORY,   /* cache control, string ops, non-temporal and atomic moves */
    PG_SECURITY, /* protection keys, SMEP/SMAP, CET, SGX, TME, SEV, mitigations */
    PG_VIRT,     /* VMX/SVM and the hypervisor bit */
    PG_SYSTEM,   /* everything else: timers, power, debug, perf, XSAVE */
    PG_N
};
extern const char *const probe_group_names[PG_N];

/* One flag: its /proc/cpuinfo name (or the name Linux would give a bit it
 * does not print, flagged by in_cpuinfo = 0), group, and whether it is set. */
typedef struct {
    const char *name;
    int group;
    int in_cpuinfo;
    int present;
} probe_flag;

/* The architecture's flags, in table order, into out (at most max); returns
 * how many. On x86 from CPUID (leaves 1, 6, 7.0-7.2, 0xD.1, 0x14, 0x19,
 * 0x80000001/7/8/A/1F/21), on AArch64 from getauxval(AT_HWCAP, AT_HWCAP2). */
size_t probe_flags(probe_flag *out, size_t max);

/* x86 extras; each 0 / empty when the CPU does not report it. */
typedef struct {
    unsigned avx10_version;              /* CPUID.(24h,0):EBX[7:0] with CPUID.(7,1):EDX[19] */
    unsigned avx10_max_bits;             /* the widest vector AVX10 supports (128, 256, 512) */
    char hypervisor[16];                 /* CPUID 0x40000000 vendor when CPUID.1:ECX[31] */
    unsigned base_mhz, max_mhz, bus_mhz; /* CPUID 0x16 */
    unsigned threads_per_core;           /* CPUID 0xB/0x1F SMT level: logical CPUs per core */
} probe_x86;
void probe_x86_extras(probe_x86 *x);

/* AArch64: the MIDR_EL1 of CPU 0 (sysfs, /proc/cpuinfo, or the register
 * itself where the kernel emulates it), 0 when unknown. */
uint64_t probe_midr(void);
/* The core's name from MIDR's implementer (bits 31:24) and part number
 * (bits 15:4), e.g. "Neoverse N1", "Cortex-A72", "A64FX"; "unknown". */
const char *probe_arm_core_name(unsigned implementer, unsigned part);
const char *probe_arm_implementer_name(unsigned implementer);
/* SME's streaming vector length in bits (prctl), 0 when none. */
unsigned probe_sme_bits(void);

/* ---- the system (sysfs, /proc) ---- */

#define PROBE_MAX_NODES 64

typedef struct {
    int known;            /* sysfs topology was readable */
    int packages, cores;  /* distinct physical packages and cores among online CPUs */
    int threads_per_core; /* logical CPUs of CPU 0's core */
    int nodes;            /* NUMA nodes (0: sysfs has none) */
    struct {
        int id;
        char cpus[128];   /* its cpulist as sysfs writes it */
        long long mem_kb; /* MemTotal of the node, -1 if unknown */
    } node[PROBE_MAX_NODES];
    long long base_khz, max_khz, min_khz, cur_khz; /* cpufreq of CPU 0, -1 if unknown */
    char freq_source[32];                          /* "cpufreq", "cpuid 0x16" or "" */
} probe_system;
void probe_system_read(probe_system *s);

/* The first line of a small file, newline removed; 0 on success. */
int probe_read_line(const char *path, char *buf, size_t len);
/* The number of CPUs in a list such as "0-3,8,10-11" (sysfs's format). */
unsigned probe_count_cpu_list(const char *list);

/* Logical CPUs sharing CPU 0's cache of this level and type ('d', 'i',
 * 'u'), from sysfs's shared_cpu_list; 0 when sysfs does not say. */
unsigned probe_cache_shared_by(unsigned level, char type);

#endif
