/* SPDX-License-Identifier: Apache-2.0 */
/* Command-line options shared by the Fashion-MNIST programs. */
#ifndef EXAMPLES_OPTIONS_H
#define EXAMPLES_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "loss_head.h"

#define OPTIONS_MAX_HEADS 16

typedef struct {
    const char *data_dir;
    const char *csv_path; /* NULL: no CSV */
    loss_head heads[OPTIONS_MAX_HEADS];
    size_t head_count;
    uint64_t seed;
    int epochs;
    size_t hidden;
    size_t batch;
    float lr;
    size_t train_limit, test_limit; /* 0: all */
    int progress;                   /* bar on stderr */
    int check;                      /* fail unless the training loss decreased */
} options;

/* Defaults first (default_losses: a comma-separated list of heads), then
 * argv. Prints `usage` and exits on --help or a bad option. */
void options_parse(options *o, int argc, char **argv, const char *default_losses,
                   const char *usage);

#endif
