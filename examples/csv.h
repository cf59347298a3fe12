/* SPDX-License-Identifier: Apache-2.0 */
/* Appending rows to a CSV file whose header is written once. */
#ifndef EXAMPLES_CSV_H
#define EXAMPLES_CSV_H

#include <stdio.h>

/* Opens `path` for appending; writes `header` (a line without its newline)
 * when the file is empty. NULL path: returns NULL (no CSV), as on error
 * (reported on stderr, *failed set). */
FILE *csv_open(const char *path, const char *header, int *failed);

#endif
