/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program using an installed simdloss, as scripts/consumer-test.sh builds
 * it (plain cc, pkg-config, find_package, add_subdirectory): one loss with a
 * known result, the version macros against the library, and functions named
 * like the library's internal ones, which must not clash with it.
 */
#include <stdio.h>
#include <string.h>

#include <simdloss.h>

/* The library's internal functions and tables are local to it (static
 * archive included): these definitions must link. */
int sl_fail(int status);
int sl_fail(int status) { return status; }
const char *const sl_tables[] = {"not the library's", NULL};

int main(void)
{
    /* mse: d = {1, 0, -2, 0}, MEAN = 5 / 4, gradient 2 d / n (exact in float) */
    const float x[4] = {1, 2, 3, 4}, y[4] = {0, 2, 5, 4};
    const float want_grad[4] = {0.5f, 0.0f, -1.0f, 0.0f};
    float loss = 0, grad[4] = {0};
    const int rc = simdloss_mse_f32(4, x, y, SIMDLOSS_MEAN, &loss, grad);
    if (rc != SIMDLOSS_OK) {
        printf("FAIL: simdloss_mse_f32: %s\n", simdloss_last_error());
        return 1;
    }
    if (loss != 1.25f || memcmp(grad, want_grad, sizeof grad) != 0) {
        printf("FAIL: mse = %g, gradient %g %g %g %g\n", loss, grad[0], grad[1], grad[2], grad[3]);
        return 1;
    }
    char header[32];
    snprintf(header, sizeof header, "%d.%d.%d", SIMDLOSS_VERSION_MAJOR, SIMDLOSS_VERSION_MINOR,
             SIMDLOSS_VERSION_PATCH);
    if (strcmp(header, simdloss_version()) != 0) {
        printf("FAIL: header %s, library %s\n", header, simdloss_version());
        return 1;
    }
    printf("consumer OK: simdloss %s, table %s\n", simdloss_version(), simdloss_active_table());
    return sl_fail(0) + (sl_tables[1] != NULL);
}
