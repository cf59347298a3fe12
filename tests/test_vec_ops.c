/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The vector vocabulary op by op: every ISA header compiled into the library
 * on this architecture (arch/vec_<isa>.h) runs each op of vec_scalar.h's
 * contract on many lane patterns (NaNs of every kind, +-0, +-inf,
 * subnormals, bfloat16 ties and carries, values near FLT_MAX), and every lane
 * is compared with the scalar vocabulary (vec_ops_ref.c) or the contract
 * itself; partial and transposing loads and stores run next to PROT_NONE
 * pages. The generic body is vec_ops.h, compiled per header by
 * vec_ops_<isa>.c with the library's flags for that header.
 *
 * A header's ops run when the library's table built from it is runnable here
 * (simdloss_table): avx512, avx2, scalar, scalar-nofma on x86-64; sve512,
 * sve256, sve128, neon, scalar on AArch64. A runnable table whose header's
 * ops did not run is a failure, not a skip.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "vec_ops_ref.h"

typedef struct {
    const char *table; /* the library's table built from the header */
    const char *header;
    vo_fn run;
} tvo_header;

static const tvo_header tvo_headers[] = {
#ifdef TVO_X86
    {"avx512", "vec_avx512.h", vec_ops_avx512},
    {"avx2", "vec_avx2.h", vec_ops_avx2},
    {"scalar", "vec_scalar.h", vec_ops_scalar},
    {"scalar-nofma", "vec_scalar.h (SL_SCALAR_NOFMA)", vec_ops_scalar_nofma},
#endif
#ifdef TVO_ARM64
#ifdef TVO_SVE
    {"sve512", "vec_sve.h (512 bits)", vec_ops_sve512},
    {"sve256", "vec_sve.h (256 bits)", vec_ops_sve256},
    {"sve128", "vec_sve.h (128 bits)", vec_ops_sve128},
#endif
    {"neon", "vec_neon.h", vec_ops_neon},
    {"scalar", "vec_scalar.h", vec_ops_scalar},
#endif
#if !defined(TVO_X86) && !defined(TVO_ARM64)
    {"scalar", "vec_scalar.h", vec_ops_scalar},
#endif
};
#define TVO_NHEADERS ((int)(sizeof tvo_headers / sizeof tvo_headers[0]))

/* -1 when the library has no table of that name */
static int tvo_table(const char *name)
{
    simdloss_table_info info;
    for (int t = 0; simdloss_table(t, &info) == SIMDLOSS_OK; t++)
        if (strcmp(info.name, name) == 0) return t;
    return -1;
}

START_TEST(test_vec_ops)
{
    /* the reference: vec_scalar.h as the "scalar" table runs it (with FMA on
     * x86); on an x86 CPU without FMA its SL_SCALAR_NOFMA build */
    const vo_ref *ref = NULL;
    const int ts = tvo_table("scalar");
    if (ts >= 0 && tl_table_runnable(ts)) ref = &vo_ref_scalar;
#ifdef TVO_X86
    if (!ref) ref = &vo_ref_scalar_nofma;
#endif
    ck_assert_msg(ref != NULL, "no runnable scalar table for the reference");

    int ran[TVO_NHEADERS] = {0};
    char report[1024] = "", failures[8192] = "";
    size_t used = 0;
    long fails = 0;
    for (int h = 0; h < TVO_NHEADERS; h++) {
        const tvo_header *hd = &tvo_headers[h];
        const int t = tvo_table(hd->table);
        ck_assert_msg(t >= 0, "%s is compiled into this test but the library has no table \"%s\"",
                      hd->header, hd->table);
        char line[160];
        if (!tl_table_runnable(t)) {
            snprintf(line, sizeof line, " %s=SKIPPED(not runnable here)", hd->table);
        } else {
            char err[4096], note[256];
            long checks = 0;
            const long f = hd->run(ref, err, sizeof err, &checks, note, sizeof note);
            ran[h] = 1;
            if (note[0]) printf("note: %s: %s\n", hd->table, note);
            snprintf(line, sizeof line, " %s=%s(%ld lane checks%s)", hd->table,
                     f ? "FAILED" : "ran", checks, f ? ", failures below" : "");
            if (f) {
                fails += f;
                const int w =
                    snprintf(failures + used, sizeof failures - used,
                             "%s (%s): %ld failed lane checks:\n%s", hd->table, hd->header, f, err);
                if (w > 0) used += (size_t)w;
                if (used >= sizeof failures) used = sizeof failures - 1;
            }
        }
        strncat(report, line, sizeof report - strlen(report) - 1);
    }
    printf("vec_ops (reference %s):%s\n", ref->name, report);
    if (fails) printf("%s", failures);

    /* every runnable table of the library had its header's ops run */
    simdloss_table_info info;
    for (int t = 0; simdloss_table(t, &info) == SIMDLOSS_OK; t++) {
        int done = 0;
        for (int h = 0; h < TVO_NHEADERS; h++)
            if (strcmp(tvo_headers[h].table, info.name) == 0) done = ran[h];
        ck_assert_msg(done || !info.runnable,
                      "table %s is runnable here but its vector header's ops were not run",
                      info.name);
    }
    ck_assert_msg(fails == 0, "%ld failed lane checks; first of each op:\n%s", fails, failures);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vec_ops");
    TCase *tc = tcase_create("ops");
    /* also when run by hand, without ctest's CK_DEFAULT_TIMEOUT (qemu) */
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_vec_ops);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
