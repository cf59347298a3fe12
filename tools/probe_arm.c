/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AArch64: every HWCAP and HWCAP2 bit under the kernel's /proc/cpuinfo
 * "Features" names, the SME streaming vector length, MIDR_EL1 and the
 * core's name. The name tables are plain data and build everywhere (the
 * tests check them on any machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

/* ---- cores by MIDR_EL1 implementer and part number ---- */

static const struct {
    unsigned implementer;
    const char *name;
} implementers[] = {
    {0x41, "Arm"},       {0x42, "Broadcom"},  {0x43, "Cavium"}, {0x46, "Fujitsu"},
    {0x48, "HiSilicon"}, {0x4e, "NVIDIA"},    {0x50, "APM"},    {0x51, "Qualcomm"},
    {0x61, "Apple"},     {0x6d, "Microsoft"}, {0xc0, "Ampere"},
};

static const struct {
    unsigned implementer, part;
    const char *name;
} cores[] = {
    {0x41, 0xd02, "Cortex-A34"},
    {0x41, 0xd03, "Cortex-A53"},
    {0x41, 0xd04, "Cortex-A35"},
    {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd06, "Cortex-A65"},
    {0x41, 0xd07, "Cortex-A57"},
    {0x41, 0xd08, "Cortex-A72"},
    {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},
    {0x41, 0xd0b, "Cortex-A76"},
    {0x41, 0xd0c, "Neoverse N1"},
    {0x41, 0xd0d, "Cortex-A77"},
    {0x41, 0xd0e, "Cortex-A76AE"},
    {0x41, 0xd40, "Neoverse V1"},
    {0x41, 0xd41, "Cortex-A78"},
    {0x41, 0xd42, "Cortex-A78AE"},
    {0x41, 0xd43, "Cortex-A65AE"},
    {0x41, 0xd44, "Cortex-X1"},
    {0x41, 0xd46, "Cortex-A510"},
    {0x41, 0xd47, "Cortex-A710"},
    {0x41, 0xd48, "Cortex-X2"},
    {0x41, 0xd49, "Neoverse N2"},
    {0x41, 0xd4a, "Neoverse E1"},
    {0x41, 0xd4b, "Cortex-A78C"},
    {0x41, 0xd4c, "Cortex-X1C"},
    {0x41, 0xd4d, "Cortex-A715"},
    {0x41, 0xd4e, "Cortex-X3"},
    {0x41, 0xd4f, "Neoverse V2"},
    {0x41, 0xd80, "Cortex-A520"},
    {0x41, 0xd81, "Cortex-A720"},
    {0x41, 0xd82, "Cortex-X4"},
    {0x41, 0xd83, "Neoverse V3AE"},
    {0x41, 0xd84, "Neoverse V3"},
    {0x41, 0xd85, "Cortex-X925"},
    {0x41, 0xd87, "Cortex-A725"},
    {0x41, 0xd8e, "Neoverse N3"},
    {0x43, 0x0a1, "ThunderX"},
    {0x43, 0x0af, "ThunderX2"},
    {0x43, 0x0b8, "ThunderX3"},
    {0x46, 0x001, "A64FX"},
    {0x48, 0xd01, "TaiShan v110 (Kunpeng 920)"},
    {0x4e, 0x004, "Carmel"},
    {0x50, 0x000, "X-Gene"},
    {0x51, 0x001, "Oryon"},
    {0x51, 0x800, "Kryo 2xx Gold"},
    {0x51, 0x801, "Kryo 2xx Silver"},
    {0x51, 0x802, "Kryo 3xx Gold"},
    {0x51, 0x803, "Kryo 3xx Silver"},
    {0x51, 0x804, "Kryo 4xx Gold"},
    {0x51, 0x805, "Kryo 4xx Silver"},
    {0x51, 0xc00, "Falkor"},
    {0x61, 0x022, "M1 Icestorm"},
    {0x61, 0x023, "M1 Firestorm"},
    {0x61, 0x024, "M1 Pro Icestorm"},
    {0x61, 0x025, "M1 Pro Firestorm"},
    {0x61, 0x028, "M1 Max Icestorm"},
    {0x61, 0x029, "M1 Max Firestorm"},
    {0x61, 0x032, "M2 Blizzard"},
    {0x61, 0x033, "M2 Avalanche"},
    {0xc0, 0xac3, "AmpereOne"},
    {0xc0, 0xac4, "AmpereOne AC04"},
};

const char *probe_arm_implementer_name(unsigned implementer)
{
    for (size_t k = 0; k < sizeof implementers / sizeof implementers[0]; k++)
        if (implementers[k].implementer == implementer) return implementers[k].name;
    return "unknown";
}

const char *probe_arm_core_name(unsigned implementer, unsigned part)
{
    for (size_t k = 0; k < sizeof cores / sizeof cores[0]; k++)
        if (cores[k].implementer == implementer && cores[k].part == part) return cores[k].name;
    return "unknown";
}

#if defined(__aarch64__)

#include <sys/auxv.h>
#include <sys/prctl.h>

/* AT_HWCAP then AT_HWCAP2, bit by bit, as the kernel names them */
static const struct {
    const char *name;
    unsigned char hwcap2, bit, group;
} hwcaps[] = {
    {"fp", 0, 0, PG_BASE},         {"asimd", 0, 1, PG_BASE},     {"evtstrm", 0, 2, PG_SYSTEM},
    {"aes", 0, 3, PG_CRYPTO},      {"pmull", 0, 4, PG_CRYPTO},   {"sha1", 0, 5, PG_CRYPTO},
    {"sha2", 0, 6, PG_CRYPTO},     {"crc32", 0, 7, PG_CRYPTO},   {"atomics", 0, 8, PG_MEMORY},
    {"fphp", 0, 9, PG_BASE},       {"asimdhp", 0, 10, PG_BASE},  {"cpuid", 0, 11, PG_SYSTEM},
    {"asimdrdm", 0, 12, PG_BASE},  {"jscvt", 0, 13, PG_BASE},    {"fcma", 0, 14, PG_BASE},
    {"lrcpc", 0, 15, PG_MEMORY},   {"dcpop", 0, 16, PG_MEMORY},  {"sha3", 0, 17, PG_CRYPTO},
    {"sm3", 0, 18, PG_CRYPTO},     {"sm4", 0, 19, PG_CRYPTO},    {"asimddp", 0, 20, PG_BASE},
    {"sha512", 0, 21, PG_CRYPTO},  {"sve", 0, 22, PG_SVE},       {"asimdfhm", 0, 23, PG_BASE},
    {"dit", 0, 24, PG_SECURITY},   {"uscat", 0, 25, PG_MEMORY},  {"ilrcpc", 0, 26, PG_MEMORY},
    {"flagm", 0, 27, PG_BASE},     {"ssbs", 0, 28, PG_SECURITY}, {"sb", 0, 29, PG_SECURITY},
    {"paca", 0, 30, PG_SECURITY},  {"pacg", 0, 31, PG_SECURITY}, {"dcpodp", 1, 0, PG_MEMORY},
    {"sve2", 1, 1, PG_SVE},        {"sveaes", 1, 2, PG_SVE},     {"svepmull", 1, 3, PG_SVE},
    {"svebitperm", 1, 4, PG_SVE},  {"svesha3", 1, 5, PG_SVE},    {"svesm4", 1, 6, PG_SVE},
    {"flagm2", 1, 7, PG_BASE},     {"frint", 1, 8, PG_BASE},     {"svei8mm", 1, 9, PG_SVE},
    {"svef32mm", 1, 10, PG_SVE},   {"svef64mm", 1, 11, PG_SVE},  {"svebf16", 1, 12, PG_SVE},
    {"i8mm", 1, 13, PG_BASE},      {"bf16", 1, 14, PG_BASE},     {"dgh", 1, 15, PG_MEMORY},
    {"rng", 1, 16, PG_CRYPTO},     {"bti", 1, 17, PG_SECURITY},  {"mte", 1, 18, PG_SECURITY},
    {"ecv", 1, 19, PG_SYSTEM},     {"afp", 1, 20, PG_BASE},      {"rpres", 1, 21, PG_BASE},
    {"mte3", 1, 22, PG_SECURITY},  {"sme", 1, 23, PG_AMX},       {"smei16i64", 1, 24, PG_AMX},
    {"smef64f64", 1, 25, PG_AMX},  {"smei8i32", 1, 26, PG_AMX},  {"smef16f32", 1, 27, PG_AMX},
    {"smeb16f32", 1, 28, PG_AMX},  {"smef32f32", 1, 29, PG_AMX}, {"smefa64", 1, 30, PG_AMX},
    {"wfxt", 1, 31, PG_SYSTEM},    {"ebf16", 1, 32, PG_BASE},    {"sveebf16", 1, 33, PG_SVE},
    {"cssc", 1, 34, PG_BITS},      {"rprfm", 1, 35, PG_MEMORY},  {"sve2p1", 1, 36, PG_SVE},
    {"sme2", 1, 37, PG_AMX},       {"sme2p1", 1, 38, PG_AMX},    {"smei16i32", 1, 39, PG_AMX},
    {"smebi32i32", 1, 40, PG_AMX}, {"smeb16b16", 1, 41, PG_AMX}, {"smef16f16", 1, 42, PG_AMX},
    {"mops", 1, 43, PG_MEMORY},    {"hbc", 1, 44, PG_BASE},      {"sveb16b16", 1, 45, PG_SVE},
    {"lrcpc3", 1, 46, PG_MEMORY},  {"lse128", 1, 47, PG_MEMORY}, {"fpmr", 1, 48, PG_BASE},
    {"lut", 1, 49, PG_BASE},       {"faminmax", 1, 50, PG_BASE}, {"f8cvt", 1, 51, PG_BASE},
    {"f8fma", 1, 52, PG_BASE},     {"f8dp4", 1, 53, PG_BASE},    {"f8dp2", 1, 54, PG_BASE},
    {"f8e4m3", 1, 55, PG_BASE},    {"f8e5m2", 1, 56, PG_BASE},   {"smelutv2", 1, 57, PG_AMX},
    {"smef8f16", 1, 58, PG_AMX},   {"smef8f32", 1, 59, PG_AMX},  {"smesf8fma", 1, 60, PG_AMX},
    {"smesf8dp4", 1, 61, PG_AMX},  {"smesf8dp2", 1, 62, PG_AMX}, {"poe", 1, 63, PG_SECURITY},
};

size_t probe_flags(probe_flag *out, size_t max)
{
    const unsigned long h[2] = {getauxval(AT_HWCAP), getauxval(AT_HWCAP2)};
    size_t n = 0;
    for (size_t k = 0; k < sizeof hwcaps / sizeof hwcaps[0] && n < max; k++)
        out[n++] = (probe_flag){hwcaps[k].name, hwcaps[k].group, 1,
                                (int)(h[hwcaps[k].hwcap2] >> hwcaps[k].bit & 1)};
    return n;
}

#ifndef PR_SME_GET_VL
#define PR_SME_GET_VL 64
#endif
#define SL_HWCAP2_SME (1ul << 23)

unsigned probe_sme_bits(void)
{
    if (!(getauxval(AT_HWCAP2) & SL_HWCAP2_SME)) return 0;
    const int r = prctl(PR_SME_GET_VL);
    return r < 0 ? 0 : (unsigned)(r & 0xffff) * 8;
}

/* "0x41" or "0xd0c" after "key<TAB>: " in /proc/cpuinfo's first processor */
static long cpuinfo_field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p) return -1;
    p = strchr(p, ':');
    return p ? strtol(p + 1, NULL, 0) : -1;
}

uint64_t probe_midr(void)
{
    char buf[8192];
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1", "r");
    if (f) {
        const int ok = fgets(buf, sizeof buf, f) != NULL;
        fclose(f);
        if (ok) return strtoull(buf, NULL, 16);
    }
    f = fopen("/proc/cpuinfo", "r");
    if (f) {
        const size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        const long imp = cpuinfo_field(buf, "CPU implementer"),
                   var = cpuinfo_field(buf, "CPU variant"), part = cpuinfo_field(buf, "CPU part"),
                   rev = cpuinfo_field(buf, "CPU revision");
        if (imp >= 0 && part >= 0)
            return (uint64_t)imp << 24 | (uint64_t)(var < 0 ? 0 : var) << 20 | 0xfu << 16 |
                   (uint64_t)part << 4 | (uint64_t)(rev < 0 ? 0 : rev);
    }
    /* the kernel (and qemu-user) emulate EL0 reads of the ID registers when
     * HWCAP_CPUID is set */
    if (getauxval(AT_HWCAP) & (1ul << 11)) {
        uint64_t v;
        __asm__ volatile("mrs %0, midr_el1" : "=r"(v));
        return v;
    }
    return 0;
}

#else

uint64_t probe_midr(void) { return 0; }
unsigned probe_sme_bits(void) { return 0; }

#endif
