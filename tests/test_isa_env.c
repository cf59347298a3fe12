/*
 * Run once per ISA by CTest with SIMDLOSS_ISA=<isa> in the environment:
 * checks that the override was honoured and that the variant computes a
 * known value through the public API. argv[1] is the ISA expected to be
 * active ("best" = the best runnable one, for an invalid override).
 * Exit 77 (CTest's skip) when the ISA is not runnable here, unless
 * SIMDLOSS_REQUIRE_ISAS lists it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simdloss.h"

static int required(const char *isa)
{
    const char *req = getenv("SIMDLOSS_REQUIRE_ISAS");
    char buf[256];
    if (!req) return 0;
    snprintf(buf, sizeof buf, "%s", req);
    for (char *t = strtok(buf, ", "); t; t = strtok(NULL, ", "))
        if (!strcmp(t, isa)) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    const char *want = argv[1];
    simdloss_isa expect = SIMDLOSS_ISA_SCALAR;
    if (!strcmp(want, "best")) {
        const simdloss_isa order[] = {SIMDLOSS_ISA_AVX512, SIMDLOSS_ISA_AVX2, SIMDLOSS_ISA_NEON};
        for (int k = 2; k >= 0; k--)
            if (simdloss_isa_supported(order[k])) expect = order[k];
        if (simdloss_isa_supported(SIMDLOSS_ISA_AVX512)) expect = SIMDLOSS_ISA_AVX512;
    } else if (!strcmp(want, "scalar-nofma")) {
        /* SIMDLOSS_CPU_DISABLE=fma: only the no-FMA scalar table can run */
        if (simdloss_isa_supported(SIMDLOSS_ISA_AVX2) ||
            simdloss_isa_supported(SIMDLOSS_ISA_AVX512)) {
            printf("FAIL: SIMDLOSS_CPU_DISABLE=fma did not hide the FMA variants\n");
            return 1;
        }
    } else {
        int found = 0;
        for (int i = 0; i < 4; i++)
            if (!strcmp(simdloss_isa_name((simdloss_isa)i), want))
                expect = (simdloss_isa)i, found = 1;
        if (!found) return 2;
        if (!simdloss_isa_supported(expect)) {
            if (required(want)) {
                printf("FAIL: %s is required (SIMDLOSS_REQUIRE_ISAS) but not runnable here\n",
                       want);
                return 1;
            }
            printf("SKIP: %s is not runnable on this machine\n", want);
            return 77;
        }
    }
    const simdloss_isa got = simdloss_active_isa();
    if (got != expect) {
        printf("FAIL: SIMDLOSS_ISA=%s: active ISA is %s, want %s\n", getenv("SIMDLOSS_ISA"),
               simdloss_isa_name(got), simdloss_isa_name(expect));
        return 1;
    }
    /* SPEC 3.1 E1 and 4.1 E1 through this variant */
    const float x[] = {0.5f, -1.25f, 2, 3}, y[] = {1, -1, 0, 3};
    const float p[] = {0.2f, 0.5f, 0.89999998f, 0.99900001f}, t[] = {1, 0, 1, 0};
    float m, g[4];
    if (simdloss_mse_f32(4, x, y, SIMDLOSS_MEAN, &m, g) || m != 1.078125f || g[2] != 1.0f) {
        printf("FAIL: mse on %s: mean %.9g grad %.9g\n", simdloss_isa_name(got), (double)m,
               (double)g[2]);
        return 1;
    }
    if (simdloss_bce_f32(4, p, t, NULL, 0, SIMDLOSS_MEAN, &m, g) || m < 2.3289280f ||
        m > 2.3289290f) {
        printf("FAIL: bce on %s: mean %.9g\n", simdloss_isa_name(got), (double)m);
        return 1;
    }
    printf("OK: SIMDLOSS_ISA=%s honoured, active %s\n", getenv("SIMDLOSS_ISA"),
           simdloss_isa_name(got));
    return 0;
}
