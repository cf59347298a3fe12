/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss-cpu's AArch64 core names from MIDR_EL1's implementer and part
 * number (tools/probe_arm.c), on the MIDR values of real parts: the table
 * is plain data, so this runs on every architecture.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"

static const struct {
    uint32_t midr;
    const char *want, *implementer;
} cases[] = {
    {0x410fd034, "Cortex-A53", "Arm"},   {0x410fd083, "Cortex-A72", "Arm"},
    {0x414fd0b1, "Cortex-A76", "Arm"},   {0x413fd0c1, "Neoverse N1", "Arm"},
    {0x411fd400, "Neoverse V1", "Arm"},  {0x410fd490, "Neoverse N2", "Arm"},
    {0x410fd4f0, "Neoverse V2", "Arm"},  {0x410fd840, "Neoverse V3", "Arm"},
    {0x410fd8e0, "Neoverse N3", "Arm"},  {0x410fd440, "Cortex-X1", "Arm"},
    {0x410fd4e0, "Cortex-X3", "Arm"},    {0x410fd820, "Cortex-X4", "Arm"},
    {0x410fd470, "Cortex-A710", "Arm"},  {0x410fd4d0, "Cortex-A715", "Arm"},
    {0x410fd410, "Cortex-A78", "Arm"},   {0x461f0010, "A64FX", "Fujitsu"},
    {0xc00fac30, "AmpereOne", "Ampere"}, {0x610f0230, "M1 Firestorm", "Apple"},
    {0x431f0af1, "ThunderX2", "Cavium"}, {0x481fd010, "TaiShan v110 (Kunpeng 920)", "HiSilicon"},
    {0x410fd0f0, "unknown", "Arm"},      {0x000f0000, "unknown", "unknown"},
};

int main(void)
{
    int failures = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const unsigned imp = cases[k].midr >> 24 & 0xff, part = cases[k].midr >> 4 & 0xfff;
        const char *got = probe_arm_core_name(imp, part), *gi = probe_arm_implementer_name(imp);
        if (strcmp(got, cases[k].want) != 0 || strcmp(gi, cases[k].implementer) != 0) {
            printf("FAIL: MIDR 0x%08x: %s (%s), expected %s (%s)\n", (unsigned)cases[k].midr, got,
                   gi, cases[k].want, cases[k].implementer);
            failures++;
        }
    }
    printf("%zu MIDR values, %d failure(s)\n", sizeof cases / sizeof cases[0], failures);
    return failures != 0;
}
