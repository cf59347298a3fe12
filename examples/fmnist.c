/* SPDX-License-Identifier: Apache-2.0 */
#include "fmnist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* gzopen reads plain files too; the .gz name is tried first. */
static gzFile open_idx(const char *dir, const char *split, const char *kind, char *path,
                       size_t path_len)
{
    snprintf(path, path_len, "%s/%s-%s.gz", dir, split, kind);
    gzFile f = gzopen(path, "rb");
    if (f) return f;
    snprintf(path, path_len, "%s/%s-%s", dir, split, kind);
    return gzopen(path, "rb");
}

static int read_exact(gzFile f, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
        int got = gzread(f, p, chunk);
        if (got <= 0) return -1;
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

/* idx headers are big-endian: magic (0x0000 08 ndims), then ndims sizes. */
static int read_header(gzFile f, int ndims, uint32_t *dims)
{
    unsigned char b[4 * 4];
    if (read_exact(f, b, 4 * (size_t)(1 + ndims))) return -1;
    if (b[0] != 0 || b[1] != 0 || b[2] != 0x08 || b[3] != ndims) return -1;
    for (int i = 0; i < ndims; i++) {
        const unsigned char *d = b + 4 * (i + 1);
        dims[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    }
    return 0;
}

int fmnist_load(const char *dir, const char *split, size_t limit, fmnist_split *out, char *err,
                size_t err_len)
{
    char path[4096];
    memset(out, 0, sizeof *out);
    gzFile images = open_idx(dir, split, "images-idx3-ubyte", path, sizeof path);
    if (!images) {
        snprintf(err, err_len, "cannot open %s (Debian: dataset-fashion-mnist)", path);
        return -1;
    }
    uint32_t idims[3];
    if (read_header(images, 3, idims) || idims[1] * idims[2] != FMNIST_PIXELS) {
        snprintf(err, err_len, "%s: not a 28x28 idx3 image file", path);
        gzclose(images);
        return -1;
    }
    gzFile labels = open_idx(dir, split, "labels-idx1-ubyte", path, sizeof path);
    uint32_t ldims[1];
    if (!labels || read_header(labels, 1, ldims) || ldims[0] != idims[0]) {
        snprintf(err, err_len, "%s: missing, or not the idx1 labels of the images", path);
        gzclose(images);
        if (labels) gzclose(labels);
        return -1;
    }
    size_t count = idims[0];
    if (limit > 0 && limit < count) count = limit;
    unsigned char *raw = malloc(count * FMNIST_PIXELS);
    out->pixels = malloc(count * FMNIST_PIXELS * sizeof(float));
    out->labels = malloc(count * sizeof(int64_t));
    int rc = -1;
    if (!raw || !out->pixels || !out->labels) {
        snprintf(err, err_len, "out of memory");
    } else if (read_exact(images, raw, count * FMNIST_PIXELS)) {
        snprintf(err, err_len, "%s/%s-images-idx3-ubyte: truncated", dir, split);
    } else {
        for (size_t i = 0; i < count * FMNIST_PIXELS; i++) out->pixels[i] = raw[i] / 255.0f;
        rc = 0;
        if (read_exact(labels, raw, count)) {
            snprintf(err, err_len, "%s: truncated", path);
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < count; i++) {
            if (raw[i] >= FMNIST_CLASSES) {
                snprintf(err, err_len, "%s: label %zu is %u", path, i, raw[i]);
                rc = -1;
            }
            out->labels[i] = raw[i];
        }
    }
    free(raw);
    gzclose(images);
    gzclose(labels);
    if (rc) {
        fmnist_free(out);
        return -1;
    }
    out->count = count;
    return 0;
}

void fmnist_free(fmnist_split *s)
{
    free(s->pixels);
    free(s->labels);
    memset(s, 0, sizeof *s);
}
