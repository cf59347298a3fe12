/* SPDX-License-Identifier: Apache-2.0 */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FMNIST_DIR
#define FMNIST_DIR "/usr/share/datasets/fashion-mnist"
#endif

static void fail(const char *usage, const char *what, const char *value)
{
    fprintf(stderr, "%s%s\n%s", what, value ? value : "", usage);
    exit(2);
}

static void parse_heads(options *o, const char *list, const char *usage)
{
    char buf[512];
    if (strlen(list) >= sizeof buf) fail(usage, "--losses: list too long: ", list);
    strcpy(buf, list);
    o->head_count = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (o->head_count == OPTIONS_MAX_HEADS) fail(usage, "--losses: too many: ", list);
        if (loss_head_parse(tok, &o->heads[o->head_count]))
            fail(usage, "--losses: unknown loss: ", tok);
        o->head_count++;
    }
    if (o->head_count == 0) fail(usage, "--losses: empty list", NULL);
}

static unsigned long long parse_number(const char *opt, const char *text, const char *usage)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || text[0] == '-') fail(usage, opt, text);
    return v;
}

void options_parse(options *o, int argc, char **argv, const char *default_losses, const char *usage)
{
    memset(o, 0, sizeof *o);
    o->data_dir = FMNIST_DIR;
    o->seed = 1;
    o->epochs = 10;
    o->hidden = 256;
    o->batch = 128;
    o->lr = 1e-3f;
    o->progress = isatty(STDERR_FILENO);
    parse_heads(o, default_losses, usage);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            exit(0);
        }
        if (!strcmp(a, "--progress")) {
            o->progress = 1;
            continue;
        }
        if (!strcmp(a, "--no-progress")) {
            o->progress = 0;
            continue;
        }
        if (!strcmp(a, "--check")) {
            o->check = 1;
            continue;
        }
        if (i + 1 >= argc) fail(usage, "missing value or unknown option: ", a);
        const char *v = argv[++i];
        if (!strcmp(a, "--data")) {
            o->data_dir = v;
        } else if (!strcmp(a, "--csv")) {
            o->csv_path = v;
        } else if (!strcmp(a, "--losses")) {
            parse_heads(o, v, usage);
        } else if (!strcmp(a, "--seed")) {
            o->seed = parse_number("--seed: ", v, usage);
        } else if (!strcmp(a, "--epochs")) {
            unsigned long long e = parse_number("--epochs: ", v, usage);
            if (e > 100000) fail(usage, "--epochs: too many: ", v);
            o->epochs = (int)e;
        } else if (!strcmp(a, "--hidden")) {
            o->hidden = parse_number("--hidden: ", v, usage);
        } else if (!strcmp(a, "--batch")) {
            o->batch = parse_number("--batch: ", v, usage);
        } else if (!strcmp(a, "--train-limit")) {
            o->train_limit = parse_number("--train-limit: ", v, usage);
        } else if (!strcmp(a, "--test-limit")) {
            o->test_limit = parse_number("--test-limit: ", v, usage);
        } else if (!strcmp(a, "--lr")) {
            char *end;
            o->lr = strtof(v, &end);
            if (end == v || *end != '\0' || !(o->lr > 0.0f)) fail(usage, "--lr: ", v);
        } else {
            fail(usage, "unknown option: ", a);
        }
    }
    if (o->hidden < 1 || o->batch < 1) fail(usage, "--hidden and --batch must be at least 1", NULL);
}
