/* SPDX-License-Identifier: Apache-2.0 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define BAR_WIDTH 30

double progress_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void progress_start(progress *p, int enabled, const char *label, size_t total)
{
    p->enabled = enabled;
    p->label = label;
    p->total = total;
    p->last_draw = 0.0;
}

void progress_update(progress *p, size_t done, double loss, double metric, const char *metric_name)
{
    if (!p->enabled) return;
    double now = progress_now();
    if (done < p->total && now - p->last_draw < 0.1) return;
    p->last_draw = now;
    size_t filled = p->total ? done * BAR_WIDTH / p->total : BAR_WIDTH;
    char bar[BAR_WIDTH + 1];
    for (size_t i = 0; i < BAR_WIDTH; i++) bar[i] = i < filled ? '=' : (i == filled ? '>' : ' ');
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %zu/%zu loss %.4f", p->label, bar, done, p->total, loss);
    if (metric >= 0.0) fprintf(stderr, " %s %.4f", metric_name, metric);
    fprintf(stderr, "\033[K");
    fflush(stderr);
}

void progress_end(progress *p)
{
    if (!p->enabled) return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
