/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The header's version macros are integer constants (usable in #if), and
 * agree with the library's simdloss_version() and with the project version
 * CMake read from the header (SIMDLOSS_TEST_VERSION).
 */
#include <stdio.h>
#include <string.h>

#include "simdloss.h"

#if !(SIMDLOSS_VERSION_MAJOR >= 0 && SIMDLOSS_VERSION_MINOR >= 0 && SIMDLOSS_VERSION_PATCH >= 0)
#error "SIMDLOSS_VERSION_* are not integer constants"
#endif

int main(void)
{
    char header[64];
    snprintf(header, sizeof header, "%d.%d.%d", SIMDLOSS_VERSION_MAJOR, SIMDLOSS_VERSION_MINOR,
             SIMDLOSS_VERSION_PATCH);
    const char *library = simdloss_version();
    printf("header %s, library %s, project %s\n", header, library, SIMDLOSS_TEST_VERSION);
    if (strcmp(header, library) != 0 || strcmp(header, SIMDLOSS_TEST_VERSION) != 0) {
        printf("FAIL: the versions differ\n");
        return 1;
    }
    return 0;
}
