/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run once per ISA by CTest with SIMDLOSS_ISA=<isa> in the environment:
 * checks that the override was honoured and that the variant computes every
 * loss of the registry within its reference's tolerance. argv[1] is the ISA expected to be
 * active ("best" = the best runnable one, for an invalid override).
 * Exit 77 (CTest's skip) when the ISA is not runnable here, unless
 * SIMDLOSS_REQUIRE_ISAS lists it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

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
    /* An ignored value is explained by simdloss_isa_note(), an honoured one
     * leaves it empty; CTest matches the note of the unknown value. */
    const char *note = simdloss_isa_note();
    printf("note: %s\n", note);
    if (!strcmp(want, "best") != (*note != 0)) {
        printf("FAIL: SIMDLOSS_ISA=%s: note '%s'\n", getenv("SIMDLOSS_ISA"), note);
        return 1;
    }
    /* every loss of the registry through this variant, against its
     * reference (the tolerance of test_reference's check (a)) */
    for (int k = 0; k < TL_NLOSSES; k++) {
        const ts_branch *b = &ts_specs[k]->branches[0];
        const size_t n = 37 * tl_branch_multiple(k, b);
        tl_data d;
        tl_data_make(&d, k, b, n, 0, tl_seed(tl_losses[k].info->name, "isa_env", n));
        float *l = malloc(n * sizeof *l);
        tl_args a;
        tl_args_of(&a, &d);
        a.red = SIMDLOSS_NONE;
        a.loss = l;
        const int rc = tl_losses[k].call(&a);
        int bad = rc != SIMDLOSS_OK;
        for (size_t i = 0; !bad && i < n; i++) {
            ts_elem e;
            ts_ref r;
            tl_elem_of(&e, k, &d, i);
            tl_ref(k, &e, &r);
            if (isfinite(r.value) &&
                !(fabs(l[i] - r.value) <= 1e-5 * fabs(r.value) + 1e-6 * r.mag)) {
                printf("FAIL: %s on %s: loss[%zu] = %.9g, reference %.9g\n", tl_fn(k),
                       simdloss_isa_name(got), i, (double)l[i], r.value);
                bad = 1;
            }
        }
        if (rc != SIMDLOSS_OK)
            printf("FAIL: %s on %s: %s\n", tl_fn(k), simdloss_isa_name(got), simdloss_last_error());
        free(l);
        tl_data_free(&d);
        if (bad) return 1;
    }
    printf("OK: SIMDLOSS_ISA=%s honoured, active %s\n", getenv("SIMDLOSS_ISA"),
           simdloss_isa_name(got));
    return 0;
}
