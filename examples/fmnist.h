/* SPDX-License-Identifier: Apache-2.0 */
/* Fashion-MNIST from its idx files (gzip-compressed or plain), as Debian's
 * dataset-fashion-mnist installs them. */
#ifndef EXAMPLES_FMNIST_H
#define EXAMPLES_FMNIST_H

#include <stddef.h>
#include <stdint.h>

#define FMNIST_PIXELS 784
#define FMNIST_CLASSES 10

typedef struct {
    size_t count;
    float *pixels;   /* count x 784, scaled to [0, 1] */
    int64_t *labels; /* count class indices in [0, 10) */
} fmnist_split;

/* Loads "<dir>/<split>-images-idx3-ubyte[.gz]" and the matching labels
 * (split: "train" or "t10k"), at most `limit` images (0: all). Returns 0, or
 * -1 with a message in err. */
int fmnist_load(const char *dir, const char *split, size_t limit, fmnist_split *out, char *err,
                size_t err_len);
void fmnist_free(fmnist_split *s);

#endif
