/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every CPUID feature flag Linux names in /proc/cpuinfo (and a few recent
 * ones it does not print yet), read from CPUID itself: the bit as the CPU
 * reports it, before the kernel masks anything. Then AVX10, the hypervisor
 * vendor, CPUID's frequencies and the SMT width.
 */
#include "probe.h"

#if defined(__x86_64__) || defined(__i386__)

#include <cpuid.h>
#include <string.h>

enum { EAX, EBX, ECX, EDX };

typedef struct {
    const char *name;
    unsigned leaf, sub;
    unsigned char reg, bit, group, in_cpuinfo;
} x86_flag;

#define F(name, leaf, sub, reg, bit, group)                                                        \
    {                                                                                              \
        name, leaf, sub, reg, bit, group, 1                                                        \
    }
/* a bit Linux does not print (no /proc/cpuinfo name): our own spelling */
#define N(name, leaf, sub, reg, bit, group)                                                        \
    {                                                                                              \
        name, leaf, sub, reg, bit, group, 0                                                        \
    }

static const x86_flag flags[] = {
    /* leaf 1, EDX */
    F("fpu", 1, 0, EDX, 0, PG_BASE),
    F("vme", 1, 0, EDX, 1, PG_SYSTEM),
    F("de", 1, 0, EDX, 2, PG_SYSTEM),
    F("pse", 1, 0, EDX, 3, PG_MEMORY),
    F("tsc", 1, 0, EDX, 4, PG_SYSTEM),
    F("msr", 1, 0, EDX, 5, PG_SYSTEM),
    F("pae", 1, 0, EDX, 6, PG_MEMORY),
    F("mce", 1, 0, EDX, 7, PG_SYSTEM),
    F("cx8", 1, 0, EDX, 8, PG_BASE),
    F("apic", 1, 0, EDX, 9, PG_SYSTEM),
    F("sep", 1, 0, EDX, 11, PG_SYSTEM),
    F("mtrr", 1, 0, EDX, 12, PG_MEMORY),
    F("pge", 1, 0, EDX, 13, PG_MEMORY),
    F("mca", 1, 0, EDX, 14, PG_SYSTEM),
    F("cmov", 1, 0, EDX, 15, PG_BASE),
    F("pat", 1, 0, EDX, 16, PG_MEMORY),
    F("pse36", 1, 0, EDX, 17, PG_MEMORY),
    F("pn", 1, 0, EDX, 18, PG_SYSTEM),
    F("clflush", 1, 0, EDX, 19, PG_MEMORY),
    F("dts", 1, 0, EDX, 21, PG_SYSTEM),
    F("acpi", 1, 0, EDX, 22, PG_SYSTEM),
    F("mmx", 1, 0, EDX, 23, PG_BASE),
    F("fxsr", 1, 0, EDX, 24, PG_BASE),
    F("sse", 1, 0, EDX, 25, PG_SSE),
    F("sse2", 1, 0, EDX, 26, PG_SSE),
    F("ss", 1, 0, EDX, 27, PG_MEMORY),
    F("ht", 1, 0, EDX, 28, PG_SYSTEM),
    F("tm", 1, 0, EDX, 29, PG_SYSTEM),
    F("ia64", 1, 0, EDX, 30, PG_SYSTEM),
    F("pbe", 1, 0, EDX, 31, PG_SYSTEM),
    /* leaf 1, ECX */
    F("pni", 1, 0, ECX, 0, PG_SSE),
    F("pclmulqdq", 1, 0, ECX, 1, PG_CRYPTO),
    F("dtes64", 1, 0, ECX, 2, PG_SYSTEM),
    F("monitor", 1, 0, ECX, 3, PG_SYSTEM),
    F("ds_cpl", 1, 0, ECX, 4, PG_SYSTEM),
    F("vmx", 1, 0, ECX, 5, PG_VIRT),
    F("smx", 1, 0, ECX, 6, PG_SECURITY),
    F("est", 1, 0, ECX, 7, PG_SYSTEM),
    F("tm2", 1, 0, ECX, 8, PG_SYSTEM),
    F("ssse3", 1, 0, ECX, 9, PG_SSE),
    F("cid", 1, 0, ECX, 10, PG_SYSTEM),
    F("sdbg", 1, 0, ECX, 11, PG_SYSTEM),
    F("fma", 1, 0, ECX, 12, PG_AVX),
    F("cx16", 1, 0, ECX, 13, PG_BASE),
    F("xtpr", 1, 0, ECX, 14, PG_SYSTEM),
    F("pdcm", 1, 0, ECX, 15, PG_SYSTEM),
    F("pcid", 1, 0, ECX, 17, PG_MEMORY),
    F("dca", 1, 0, ECX, 18, PG_MEMORY),
    F("sse4_1", 1, 0, ECX, 19, PG_SSE),
    F("sse4_2", 1, 0, ECX, 20, PG_SSE),
    F("x2apic", 1, 0, ECX, 21, PG_SYSTEM),
    F("movbe", 1, 0, ECX, 22, PG_MEMORY),
    F("popcnt", 1, 0, ECX, 23, PG_BITS),
    F("tsc_deadline_timer", 1, 0, ECX, 24, PG_SYSTEM),
    F("aes", 1, 0, ECX, 25, PG_CRYPTO),
    F("xsave", 1, 0, ECX, 26, PG_SYSTEM),
    N("osxsave", 1, 0, ECX, 27, PG_SYSTEM),
    F("avx", 1, 0, ECX, 28, PG_AVX),
    F("f16c", 1, 0, ECX, 29, PG_AVX),
    F("rdrand", 1, 0, ECX, 30, PG_CRYPTO),
    F("hypervisor", 1, 0, ECX, 31, PG_VIRT),
    /* leaf 6, EAX: thermal and power */
    F("dtherm", 6, 0, EAX, 0, PG_SYSTEM),
    F("ida", 6, 0, EAX, 1, PG_SYSTEM),
    F("arat", 6, 0, EAX, 2, PG_SYSTEM),
    F("pln", 6, 0, EAX, 4, PG_SYSTEM),
    F("pts", 6, 0, EAX, 6, PG_SYSTEM),
    F("hwp", 6, 0, EAX, 7, PG_SYSTEM),
    F("hwp_notify", 6, 0, EAX, 8, PG_SYSTEM),
    F("hwp_act_window", 6, 0, EAX, 9, PG_SYSTEM),
    F("hwp_epp", 6, 0, EAX, 10, PG_SYSTEM),
    F("hwp_pkg_req", 6, 0, EAX, 11, PG_SYSTEM),
    F("hfi", 6, 0, EAX, 19, PG_SYSTEM),
    /* leaf 7.0, EBX */
    F("fsgsbase", 7, 0, EBX, 0, PG_SYSTEM),
    F("tsc_adjust", 7, 0, EBX, 1, PG_SYSTEM),
    F("sgx", 7, 0, EBX, 2, PG_SECURITY),
    F("bmi1", 7, 0, EBX, 3, PG_BITS),
    F("hle", 7, 0, EBX, 4, PG_MEMORY),
    F("avx2", 7, 0, EBX, 5, PG_AVX),
    F("smep", 7, 0, EBX, 7, PG_SECURITY),
    F("bmi2", 7, 0, EBX, 8, PG_BITS),
    F("erms", 7, 0, EBX, 9, PG_MEMORY),
    F("invpcid", 7, 0, EBX, 10, PG_MEMORY),
    F("rtm", 7, 0, EBX, 11, PG_MEMORY),
    F("cqm", 7, 0, EBX, 12, PG_SYSTEM),
    F("mpx", 7, 0, EBX, 14, PG_SECURITY),
    F("rdt_a", 7, 0, EBX, 15, PG_SYSTEM),
    F("avx512f", 7, 0, EBX, 16, PG_AVX512),
    F("avx512dq", 7, 0, EBX, 17, PG_AVX512),
    F("rdseed", 7, 0, EBX, 18, PG_CRYPTO),
    F("adx", 7, 0, EBX, 19, PG_BITS),
    F("smap", 7, 0, EBX, 20, PG_SECURITY),
    F("avx512ifma", 7, 0, EBX, 21, PG_AVX512),
    F("clflushopt", 7, 0, EBX, 23, PG_MEMORY),
    F("clwb", 7, 0, EBX, 24, PG_MEMORY),
    F("intel_pt", 7, 0, EBX, 25, PG_SYSTEM),
    F("avx512pf", 7, 0, EBX, 26, PG_AVX512),
    F("avx512er", 7, 0, EBX, 27, PG_AVX512),
    F("avx512cd", 7, 0, EBX, 28, PG_AVX512),
    F("sha_ni", 7, 0, EBX, 29, PG_CRYPTO),
    F("avx512bw", 7, 0, EBX, 30, PG_AVX512),
    F("avx512vl", 7, 0, EBX, 31, PG_AVX512),
    /* leaf 7.0, ECX */
    N("prefetchwt1", 7, 0, ECX, 0, PG_MEMORY),
    F("avx512vbmi", 7, 0, ECX, 1, PG_AVX512),
    F("umip", 7, 0, ECX, 2, PG_SECURITY),
    F("pku", 7, 0, ECX, 3, PG_SECURITY),
    F("ospke", 7, 0, ECX, 4, PG_SECURITY),
    F("waitpkg", 7, 0, ECX, 5, PG_SYSTEM),
    F("avx512_vbmi2", 7, 0, ECX, 6, PG_AVX512),
    N("shstk", 7, 0, ECX, 7, PG_SECURITY),
    F("gfni", 7, 0, ECX, 8, PG_CRYPTO),
    F("vaes", 7, 0, ECX, 9, PG_CRYPTO),
    F("vpclmulqdq", 7, 0, ECX, 10, PG_CRYPTO),
    F("avx512_vnni", 7, 0, ECX, 11, PG_AVX512),
    F("avx512_bitalg", 7, 0, ECX, 12, PG_AVX512),
    F("tme", 7, 0, ECX, 13, PG_SECURITY),
    F("avx512_vpopcntdq", 7, 0, ECX, 14, PG_AVX512),
    F("la57", 7, 0, ECX, 16, PG_MEMORY),
    F("rdpid", 7, 0, ECX, 22, PG_SYSTEM),
    N("keylocker", 7, 0, ECX, 23, PG_CRYPTO),
    F("bus_lock_detect", 7, 0, ECX, 24, PG_SYSTEM),
    F("cldemote", 7, 0, ECX, 25, PG_MEMORY),
    F("movdiri", 7, 0, ECX, 27, PG_MEMORY),
    F("movdir64b", 7, 0, ECX, 28, PG_MEMORY),
    F("enqcmd", 7, 0, ECX, 29, PG_MEMORY),
    F("sgx_lc", 7, 0, ECX, 30, PG_SECURITY),
    /* leaf 7.0, EDX */
    F("avx512_4vnniw", 7, 0, EDX, 2, PG_AVX512),
    F("avx512_4fmaps", 7, 0, EDX, 3, PG_AVX512),
    F("fsrm", 7, 0, EDX, 4, PG_MEMORY),
    N("uintr", 7, 0, EDX, 5, PG_SYSTEM),
    F("avx512_vp2intersect", 7, 0, EDX, 8, PG_AVX512),
    F("md_clear", 7, 0, EDX, 10, PG_SECURITY),
    F("serialize", 7, 0, EDX, 14, PG_SYSTEM),
    N("hybrid_cpu", 7, 0, EDX, 15, PG_SYSTEM),
    F("tsxldtrk", 7, 0, EDX, 16, PG_MEMORY),
    F("pconfig", 7, 0, EDX, 18, PG_SECURITY),
    F("arch_lbr", 7, 0, EDX, 19, PG_SYSTEM),
    F("ibt", 7, 0, EDX, 20, PG_SECURITY),
    F("amx_bf16", 7, 0, EDX, 22, PG_AMX),
    F("avx512_fp16", 7, 0, EDX, 23, PG_AVX512),
    F("amx_tile", 7, 0, EDX, 24, PG_AMX),
    F("amx_int8", 7, 0, EDX, 25, PG_AMX),
    N("spec_ctrl", 7, 0, EDX, 26, PG_SECURITY),
    N("intel_stibp", 7, 0, EDX, 27, PG_SECURITY),
    F("flush_l1d", 7, 0, EDX, 28, PG_SECURITY),
    F("arch_capabilities", 7, 0, EDX, 29, PG_SECURITY),
    N("core_capabilities", 7, 0, EDX, 30, PG_SYSTEM),
    N("spec_ctrl_ssbd", 7, 0, EDX, 31, PG_SECURITY),
    /* leaf 7.1, EAX and EDX */
    N("sha512", 7, 1, EAX, 0, PG_CRYPTO),
    N("sm3", 7, 1, EAX, 1, PG_CRYPTO),
    N("sm4", 7, 1, EAX, 2, PG_CRYPTO),
    N("rao_int", 7, 1, EAX, 3, PG_MEMORY),
    F("avx_vnni", 7, 1, EAX, 4, PG_AVX),
    F("avx512_bf16", 7, 1, EAX, 5, PG_AVX512),
    N("cmpccxadd", 7, 1, EAX, 7, PG_MEMORY),
    N("fzrm", 7, 1, EAX, 10, PG_MEMORY),
    N("fsrs", 7, 1, EAX, 11, PG_MEMORY),
    N("fsrc", 7, 1, EAX, 12, PG_MEMORY),
    F("fred", 7, 1, EAX, 17, PG_SYSTEM),
    N("lkgs", 7, 1, EAX, 18, PG_SYSTEM),
    N("wrmsrns", 7, 1, EAX, 19, PG_SYSTEM),
    N("amx_fp16", 7, 1, EAX, 21, PG_AMX),
    N("hreset", 7, 1, EAX, 22, PG_SYSTEM),
    N("avx_ifma", 7, 1, EAX, 23, PG_AVX),
    F("lam", 7, 1, EAX, 26, PG_MEMORY),
    N("msrlist", 7, 1, EAX, 27, PG_SYSTEM),
    N("avx_vnni_int8", 7, 1, EDX, 4, PG_AVX),
    N("avx_ne_convert", 7, 1, EDX, 5, PG_AVX),
    N("amx_complex", 7, 1, EDX, 8, PG_AMX),
    N("avx_vnni_int16", 7, 1, EDX, 10, PG_AVX),
    N("prefetchiti", 7, 1, EDX, 14, PG_MEMORY),
    N("avx10", 7, 1, EDX, 19, PG_AVX512),
    N("apx_f", 7, 1, EDX, 21, PG_BASE),
    /* leaf 7.2, EDX: speculation controls */
    N("psfd", 7, 2, EDX, 0, PG_SECURITY),
    N("ipred_ctrl", 7, 2, EDX, 1, PG_SECURITY),
    N("rrsba_ctrl", 7, 2, EDX, 2, PG_SECURITY),
    N("ddpd_u", 7, 2, EDX, 3, PG_SECURITY),
    N("bhi_ctrl", 7, 2, EDX, 4, PG_SECURITY),
    N("mcdt_no", 7, 2, EDX, 5, PG_SECURITY),
    /* leaf 0xD.1, EAX: XSAVE variants */
    F("xsaveopt", 0xd, 1, EAX, 0, PG_SYSTEM),
    F("xsavec", 0xd, 1, EAX, 1, PG_SYSTEM),
    F("xgetbv1", 0xd, 1, EAX, 2, PG_SYSTEM),
    F("xsaves", 0xd, 1, EAX, 3, PG_SYSTEM),
    N("xfd", 0xd, 1, EAX, 4, PG_SYSTEM),
    /* leaf 0x14.0, EBX/ECX: Intel Processor Trace capabilities */
    N("pt_cr3_filter", 0x14, 0, EBX, 0, PG_SYSTEM),
    N("pt_psb_cyc", 0x14, 0, EBX, 1, PG_SYSTEM),
    N("pt_ip_filter", 0x14, 0, EBX, 2, PG_SYSTEM),
    N("pt_mtc", 0x14, 0, EBX, 3, PG_SYSTEM),
    N("pt_ptwrite", 0x14, 0, EBX, 4, PG_SYSTEM),
    N("pt_topa", 0x14, 0, ECX, 0, PG_SYSTEM),
    /* leaf 0x19, EBX: Key Locker */
    N("aeskle", 0x19, 0, EBX, 0, PG_CRYPTO),
    N("aes_wide_kl", 0x19, 0, EBX, 2, PG_CRYPTO),
    /* leaf 0x80000001, EDX */
    F("syscall", 0x80000001, 0, EDX, 11, PG_SYSTEM),
    F("mp", 0x80000001, 0, EDX, 19, PG_SYSTEM),
    F("nx", 0x80000001, 0, EDX, 20, PG_SECURITY),
    F("mmxext", 0x80000001, 0, EDX, 22, PG_BASE),
    F("fxsr_opt", 0x80000001, 0, EDX, 25, PG_BASE),
    F("pdpe1gb", 0x80000001, 0, EDX, 26, PG_MEMORY),
    F("rdtscp", 0x80000001, 0, EDX, 27, PG_SYSTEM),
    F("lm", 0x80000001, 0, EDX, 29, PG_BASE),
    F("3dnowext", 0x80000001, 0, EDX, 30, PG_BASE),
    F("3dnow", 0x80000001, 0, EDX, 31, PG_BASE),
    /* leaf 0x80000001, ECX */
    F("lahf_lm", 0x80000001, 0, ECX, 0, PG_BASE),
    F("cmp_legacy", 0x80000001, 0, ECX, 1, PG_SYSTEM),
    F("svm", 0x80000001, 0, ECX, 2, PG_VIRT),
    F("extapic", 0x80000001, 0, ECX, 3, PG_SYSTEM),
    F("cr8_legacy", 0x80000001, 0, ECX, 4, PG_SYSTEM),
    F("abm", 0x80000001, 0, ECX, 5, PG_BITS),
    F("sse4a", 0x80000001, 0, ECX, 6, PG_SSE),
    F("misalignsse", 0x80000001, 0, ECX, 7, PG_SSE),
    F("3dnowprefetch", 0x80000001, 0, ECX, 8, PG_MEMORY),
    F("osvw", 0x80000001, 0, ECX, 9, PG_SYSTEM),
    F("ibs", 0x80000001, 0, ECX, 10, PG_SYSTEM),
    F("xop", 0x80000001, 0, ECX, 11, PG_AVX),
    F("skinit", 0x80000001, 0, ECX, 12, PG_SECURITY),
    F("wdt", 0x80000001, 0, ECX, 13, PG_SYSTEM),
    F("lwp", 0x80000001, 0, ECX, 15, PG_SYSTEM),
    F("fma4", 0x80000001, 0, ECX, 16, PG_AVX),
    F("tce", 0x80000001, 0, ECX, 17, PG_MEMORY),
    F("nodeid_msr", 0x80000001, 0, ECX, 19, PG_SYSTEM),
    F("tbm", 0x80000001, 0, ECX, 21, PG_BITS),
    F("topoext", 0x80000001, 0, ECX, 22, PG_SYSTEM),
    F("perfctr_core", 0x80000001, 0, ECX, 23, PG_SYSTEM),
    F("perfctr_nb", 0x80000001, 0, ECX, 24, PG_SYSTEM),
    F("bpext", 0x80000001, 0, ECX, 26, PG_SYSTEM),
    F("ptsc", 0x80000001, 0, ECX, 27, PG_SYSTEM),
    F("perfctr_llc", 0x80000001, 0, ECX, 28, PG_SYSTEM),
    F("mwaitx", 0x80000001, 0, ECX, 29, PG_SYSTEM),
    /* leaf 0x80000007, EDX[8]: the invariant TSC, from which Linux sets both */
    F("constant_tsc", 0x80000007, 0, EDX, 8, PG_SYSTEM),
    F("nonstop_tsc", 0x80000007, 0, EDX, 8, PG_SYSTEM),
    /* leaf 0x80000007, EBX: RAS */
    F("overflow_recov", 0x80000007, 0, EBX, 0, PG_SYSTEM),
    F("succor", 0x80000007, 0, EBX, 1, PG_SYSTEM),
    F("smca", 0x80000007, 0, EBX, 3, PG_SYSTEM),
    /* leaf 0x80000008, EBX */
    F("clzero", 0x80000008, 0, EBX, 0, PG_MEMORY),
    F("irperf", 0x80000008, 0, EBX, 1, PG_SYSTEM),
    F("xsaveerptr", 0x80000008, 0, EBX, 2, PG_SYSTEM),
    F("rdpru", 0x80000008, 0, EBX, 4, PG_SYSTEM),
    F("wbnoinvd", 0x80000008, 0, EBX, 9, PG_MEMORY),
    F("amd_ppin", 0x80000008, 0, EBX, 23, PG_SYSTEM),
    F("virt_ssbd", 0x80000008, 0, EBX, 25, PG_SECURITY),
    F("cppc", 0x80000008, 0, EBX, 27, PG_SYSTEM),
    F("brs", 0x80000008, 0, EBX, 31, PG_SYSTEM),
    /* leaf 0x8000000A, EDX: SVM */
    F("npt", 0x8000000a, 0, EDX, 0, PG_VIRT),
    F("lbrv", 0x8000000a, 0, EDX, 1, PG_VIRT),
    F("svm_lock", 0x8000000a, 0, EDX, 2, PG_VIRT),
    F("nrip_save", 0x8000000a, 0, EDX, 3, PG_VIRT),
    F("tsc_scale", 0x8000000a, 0, EDX, 4, PG_VIRT),
    F("vmcb_clean", 0x8000000a, 0, EDX, 5, PG_VIRT),
    F("flushbyasid", 0x8000000a, 0, EDX, 6, PG_VIRT),
    F("decodeassists", 0x8000000a, 0, EDX, 7, PG_VIRT),
    F("pausefilter", 0x8000000a, 0, EDX, 10, PG_VIRT),
    F("pfthreshold", 0x8000000a, 0, EDX, 12, PG_VIRT),
    F("avic", 0x8000000a, 0, EDX, 13, PG_VIRT),
    F("v_vmsave_vmload", 0x8000000a, 0, EDX, 15, PG_VIRT),
    F("vgif", 0x8000000a, 0, EDX, 16, PG_VIRT),
    F("x2avic", 0x8000000a, 0, EDX, 18, PG_VIRT),
    F("v_spec_ctrl", 0x8000000a, 0, EDX, 20, PG_VIRT),
    F("vnmi", 0x8000000a, 0, EDX, 25, PG_VIRT),
    /* leaf 0x8000001F, EAX: AMD memory encryption */
    F("sme", 0x8000001f, 0, EAX, 0, PG_SECURITY),
    F("sev", 0x8000001f, 0, EAX, 1, PG_SECURITY),
    F("sev_es", 0x8000001f, 0, EAX, 3, PG_SECURITY),
    F("sev_snp", 0x8000001f, 0, EAX, 4, PG_SECURITY),
    F("debug_swap", 0x8000001f, 0, EAX, 14, PG_SECURITY),
    /* leaf 0x80000021, EAX */
    N("lfence_rdtsc", 0x80000021, 0, EAX, 2, PG_SYSTEM),
    N("autoibrs", 0x80000021, 0, EAX, 8, PG_SECURITY),
    N("sbpb", 0x80000021, 0, EAX, 27, PG_SECURITY),
    N("srso_no", 0x80000021, 0, EAX, 29, PG_SECURITY),
};
#define NFLAGS (sizeof flags / sizeof flags[0])

/* CPUID (leaf, sub) registers; 0 when the leaf is beyond the maximum of its
 * range (basic, extended or hypervisor). */
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    const unsigned max = __get_cpuid_max(leaf & 0x80000000u, NULL);
    if (leaf > max) return;
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

size_t probe_flags(probe_flag *out, size_t max)
{
    size_t n = 0;
    unsigned leaf = ~0u, sub = ~0u, r[4] = {0, 0, 0, 0};
    for (size_t k = 0; k < NFLAGS && n < max; k++) {
        const x86_flag *f = &flags[k];
        if (f->leaf != leaf || f->sub != sub) {
            leaf = f->leaf, sub = f->sub;
            cpuid(leaf, sub, r);
            /* subleaves 1 and 2 of leaf 7 exist only up to CPUID.(7,0):EAX */
            if (leaf == 7 && sub > 0) {
                unsigned r0[4];
                cpuid(7, 0, r0);
                if (sub > r0[0]) r[0] = r[1] = r[2] = r[3] = 0;
            }
        }
        out[n++] = (probe_flag){f->name, f->group, f->in_cpuinfo, (int)(r[f->reg] >> f->bit & 1)};
    }
    return n;
}

void probe_x86_extras(probe_x86 *x)
{
    memset(x, 0, sizeof *x);
    unsigned r[4];
    cpuid(7, 0, r);
    const unsigned sub_max = r[0];
    cpuid(7, 1, r);
    if (sub_max >= 1 && (r[3] >> 19 & 1)) {
        cpuid(0x24, 0, r);
        x->avx10_version = r[1] & 0xff;
        /* EBX[16..18]: 128-, 256- and 512-bit vectors (AVX10.2 sets all) */
        x->avx10_max_bits = r[1] >> 18 & 1 ? 512 : r[1] >> 17 & 1 ? 256 : r[1] >> 16 & 1 ? 128 : 0;
    }
    cpuid(1, 0, r);
    if (r[2] >> 31 & 1) { /* the hypervisor bit: leaf 0x40000000 is the hypervisor's */
        unsigned h[4];
        __cpuid(0x40000000u, h[0], h[1], h[2], h[3]);
        memcpy(x->hypervisor, &h[1], 4), memcpy(x->hypervisor + 4, &h[2], 4);
        memcpy(x->hypervisor + 8, &h[3], 4);
        x->hypervisor[12] = 0;
    }
    cpuid(0x16, 0, r);
    x->base_mhz = r[0] & 0xffff, x->max_mhz = r[1] & 0xffff, x->bus_mhz = r[2] & 0xffff;
    /* the SMT level of the extended topology leaf (0x1F, else 0xB): level
     * type 1 in ECX[15:8], logical processors at that level in EBX[15:0] */
    static const unsigned topology_leaves[2] = {0x1f, 0xb};
    for (int k = 0; k < 2 && !x->threads_per_core; k++) {
        cpuid(topology_leaves[k], 0, r);
        if ((r[2] >> 8 & 0xff) == 1) x->threads_per_core = r[1] & 0xffff;
    }
}

#else /* not x86: the AArch64 file has the flags */

void probe_x86_extras(probe_x86 *x) { (void)x; }

#if !defined(__aarch64__) /* an architecture the probe has no flag table for */
size_t probe_flags(probe_flag *out, size_t max)
{
    (void)out, (void)max;
    return 0;
}
#endif

#endif
