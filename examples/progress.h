/* SPDX-License-Identifier: Apache-2.0 */
/* A one-line progress bar on stderr, redrawn at most ten times a second;
 * disabled, it prints nothing. */
#ifndef EXAMPLES_PROGRESS_H
#define EXAMPLES_PROGRESS_H

#include <stddef.h>

typedef struct {
    int enabled;
    const char *label;
    size_t total;
    double last_draw;
} progress;

/* Seconds on a monotonic clock. */
double progress_now(void);
void progress_start(progress *p, int enabled, const char *label, size_t total);
/* metric < 0: not shown */
void progress_update(progress *p, size_t done, double loss, double metric, const char *metric_name);
/* Erases the bar. */
void progress_end(progress *p);

#endif
