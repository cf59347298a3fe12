/* SPDX-License-Identifier: Apache-2.0 */
#include "csv.h"

#include <errno.h>
#include <string.h>

FILE *csv_open(const char *path, const char *header, int *failed)
{
    *failed = 0;
    if (!path) return NULL;
    FILE *f = fopen(path, "a");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        *failed = 1;
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    if (ftell(f) == 0) fprintf(f, "%s\n", header);
    return f;
}
