/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sl_cpu_uarch: microarchitecture names from CPUID vendor/family/model/stepping
 * (the values of real parts; family and model as sl_cpu_detect decodes them).
 */
#include <stdio.h>
#include <string.h>

#include "cpu.h"

static const struct {
    const char *vendor;
    unsigned family, model, stepping;
    const char *want;
} cases[] = {
    {"GenuineIntel", 6, 0x3c, 3, "Haswell"},
    {"GenuineIntel", 6, 0x3f, 2, "Haswell-E/EP"},
    {"GenuineIntel", 6, 0x3d, 4, "Broadwell"},
    {"GenuineIntel", 6, 0x4f, 1, "Broadwell-E/EP"},
    {"GenuineIntel", 6, 0x5e, 3, "Skylake"},
    {"GenuineIntel", 6, 0x55, 4, "Skylake-SP"},
    {"GenuineIntel", 6, 0x55, 7, "Cascade Lake"},
    {"GenuineIntel", 6, 0x55, 11, "Cooper Lake"},
    {"GenuineIntel", 6, 0x8e, 10, "Kaby Lake R"},
    {"GenuineIntel", 6, 0x8e, 12, "Comet Lake"},
    {"GenuineIntel", 6, 0x9e, 9, "Kaby Lake"},
    {"GenuineIntel", 6, 0x9e, 13, "Coffee Lake"},
    {"GenuineIntel", 6, 0x9e, 14, "Kaby Lake"}, /* unlisted stepping: the model's first name */
    {"GenuineIntel", 6, 0xa5, 5, "Comet Lake"},
    {"GenuineIntel", 6, 0x7e, 5, "Ice Lake"},
    {"GenuineIntel", 6, 0x6a, 6, "Ice Lake-SP"},
    {"GenuineIntel", 6, 0x8c, 1, "Tiger Lake"},
    {"GenuineIntel", 6, 0xa7, 1, "Rocket Lake"},
    {"GenuineIntel", 6, 0x97, 2, "Alder Lake"},
    {"GenuineIntel", 6, 0xb7, 1, "Raptor Lake"},
    {"GenuineIntel", 6, 0xaa, 4, "Meteor Lake"},
    {"GenuineIntel", 6, 0x8f, 8, "Sapphire Rapids"},
    {"GenuineIntel", 6, 0xcf, 2, "Emerald Rapids"},
    {"GenuineIntel", 6, 0xad, 1, "Granite Rapids"},
    {"GenuineIntel", 6, 0x01, 0, "unknown"},
    {"GenuineIntel", 15, 0x06, 5, "unknown"},
    {"AuthenticAMD", 0x17, 0x01, 1, "Zen"},
    {"AuthenticAMD", 0x17, 0x08, 2, "Zen+"},
    {"AuthenticAMD", 0x17, 0x31, 0, "Zen 2"},
    {"AuthenticAMD", 0x17, 0x71, 0, "Zen 2"},
    {"AuthenticAMD", 0x19, 0x01, 1, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x21, 0, "Zen 3"},
    {"AuthenticAMD", 0x19, 0x44, 1, "Zen 3+"},
    {"AuthenticAMD", 0x19, 0x11, 1, "Zen 4"},
    {"AuthenticAMD", 0x19, 0x61, 2, "Zen 4"},
    {"AuthenticAMD", 0x19, 0xa0, 1, "Zen 4"},
    {"AuthenticAMD", 0x1a, 0x02, 0, "Zen 5"},
    {"AuthenticAMD", 0x1a, 0x44, 0, "Zen 5"},
    {"AuthenticAMD", 0x0f, 0x6b, 1, "unknown"}, /* qemu64 */
    {"CentaurHauls", 6, 0x0f, 0, "unknown"},
};

int main(void)
{
    int bad = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *got =
            sl_cpu_uarch(cases[k].vendor, cases[k].family, cases[k].model, cases[k].stepping);
        if (strcmp(got, cases[k].want) != 0) {
            printf("FAIL: %s family 0x%x model 0x%x stepping %u: %s, expected %s\n",
                   cases[k].vendor, cases[k].family, cases[k].model, cases[k].stepping, got,
                   cases[k].want);
            bad++;
        }
    }
    struct sl_cpu_info info;
    sl_cpu_detect(&info);
    printf("this CPU: %s, %s family 0x%x model 0x%x: %s\n", info.arch, info.vendor, info.family,
           info.model, info.uarch);
    if (!info.uarch) bad++;
    if (bad)
        printf("%d failure(s)\n", bad);
    else
        printf("OK\n");
    return bad != 0;
}
