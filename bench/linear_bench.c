/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss-linear-bench: one measurement of libsimdloss_linear per process,
 * for bench/linear_vs_torch.py, which interleaves these with PyTorch's.
 *
 *   simdloss-linear-bench MODE B D V ITERS     (MODE: fused, unfused, sgemm)
 *   simdloss-linear-bench adaptive B F N ITERS C1 C2 ...   (div_value 4)
 *   simdloss-linear-bench circle B D K ITERS   (K classes)
 *
 * fused: simdloss_linear_cross_entropy_f32, no bias (a language model's
 * head; Cut Cross-Entropy takes none), MEAN, the loss and both gradients.
 * unfused: the same through the full logits: sgemm, the core's
 * cross_entropy_f32 with its gradient in place, two sgemm.
 * sgemm: the logits' sgemm alone (B x V x D), the BLAS's own rate.
 * adaptive: simdloss_adaptive_log_softmax_f32, MEAN, loss and every
 * gradient, PyTorch's default layer sizes for div_value 4, no head bias.
 * circle: simdloss_circle_f32 on B unit-norm embeddings of D features with
 * labels from K classes, Keras' defaults, MEAN, loss and gradient.
 * Prints one line of JSON: the seconds of each timed iteration (after one
 * untimed), and the peak resident memory growth over the calls (getrusage's
 * high-water mark after them minus the resident size before them, with
 * inputs and outputs allocated and touched and the BLAS's threads and
 * buffers made by 2048^3 sgemm in each transposition). SIMDLOSS_BENCH_CHUNK_MB sets the chunk
 * bound (MiB).
 */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "simdloss_linear.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Current resident set (statm), and the high-water mark (getrusage), in MB. */
static double rss_mb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (double)resident * 4096.0 / 1e6;
}
static double peak_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_maxrss * 1024.0 / 1e6;
}

static float *filled(size_t n, float scale, uint64_t seed)
{
    float *p = malloc(n * sizeof(float));
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        p[i] = scale * ((float)(s >> 40) / 16777216.0f - 0.5f);
    }
    return p;
}

static int64_t *targets(size_t n, size_t classes)
{
    int64_t *t = malloc(n * sizeof(int64_t));
    uint64_t s = 12345;
    for (size_t i = 0; t && i < n; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        t[i] = (int64_t)((s >> 33) % classes);
    }
    return t;
}

static void check(int rc)
{
    if (rc != SIMDLOSS_OK) {
        fprintf(stderr, "simdloss: %s\n", simdloss_last_error());
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr,
                "usage: %s fused|unfused|sgemm B D V ITERS | adaptive B F N ITERS C... | "
                "circle B D K ITERS\n",
                argv[0]);
        return 2;
    }
    const char *mode = argv[1];
    const size_t B = strtoull(argv[2], NULL, 10), D = strtoull(argv[3], NULL, 10),
                 V = strtoull(argv[4], NULL, 10);
    const int iters = atoi(argv[5]);
    { /* the BLAS's threads and their buffers (every transposition the
       * losses use), before anything is measured */
        const int n = 2048;
        float *a = filled((size_t)n * n, 1.0f, 9), *c = filled((size_t)n * n, 0.0f, 0);
        for (int k = 0; k < 3; k++)
            cblas_sgemm(CblasRowMajor, k == 2 ? CblasTrans : CblasNoTrans,
                        k == 0 ? CblasTrans : CblasNoTrans, n, n, n, 1.0f, a, n, a, n, 0.0f, c, n);
        free(a), free(c);
    }
    const char *mb = getenv("SIMDLOSS_BENCH_CHUNK_MB"); /* a chunk bound other than the default */
    if (mb) simdloss_linear_set_chunk_bytes((size_t)strtoull(mb, NULL, 10) << 20);
    float *h = filled(B * D, 2.0f, 1), *gh = filled(B * D, 0.0f, 0);
    int64_t *t = targets(B, V);
    double times[64];
    float loss = 0.0f;
    double rss0 = 0.0;
    if (!strcmp(mode, "adaptive")) {
        const size_t K = (size_t)argc - 6;
        size_t cut[16], hid[16];
        const float *proj[16], *out[16];
        float *gproj[16], *gout[16];
        for (size_t i = 0; i < K && i < 16; i++) {
            cut[i] = strtoull(argv[6 + i], NULL, 10);
            hid[i] = (size_t)floor((double)D / pow(4.0, (double)(i + 1)));
        }
        for (size_t i = 0; i < K; i++) {
            const size_t osz = (i + 1 < K ? cut[i + 1] : V) - cut[i];
            proj[i] = filled(hid[i] * D, 0.1f, 10 + i);
            out[i] = filled(osz * hid[i], 0.1f, 20 + i);
            gproj[i] = filled(hid[i] * D, 0.0f, 0);
            gout[i] = filled(osz * hid[i], 0.0f, 0);
        }
        const size_t head = cut[0] + K;
        float *hw = filled(head * D, 0.1f, 3), *ghw = filled(head * D, 0.0f, 0);
        const simdloss_adaptive_softmax m = {D, V, K, cut, hid, hw, NULL, proj, out};
        const simdloss_adaptive_softmax_grads g = {ghw, NULL, gproj, gout};
        rss0 = rss_mb();
        for (int k = -1; k < iters && k < 64; k++) {
            const double t0 = now();
            check(
                simdloss_adaptive_log_softmax_f32(&m, B, h, t, SIMDLOSS_MEAN, NULL, &loss, gh, &g));
            if (k >= 0) times[k] = now() - t0;
        }
    } else if (!strcmp(mode, "circle")) {
        for (size_t r = 0; r < B; r++) { /* unit rows, as Keras expects */
            double n2 = 0.0;
            for (size_t k = 0; k < D; k++) n2 += (double)h[r * D + k] * h[r * D + k];
            for (size_t k = 0; k < D; k++) h[r * D + k] = (float)(h[r * D + k] / sqrt(n2));
        }
        rss0 = rss_mb();
        for (int k = -1; k < iters && k < 64; k++) {
            const double t0 = now();
            check(simdloss_circle_f32(B, D, h, t, 80.0f, 0.4f, 1, SIMDLOSS_MEAN, &loss, gh));
            if (k >= 0) times[k] = now() - t0;
        }
    } else {
        float *w = filled(V * D, 0.1f, 2), *gw = filled(V * D, 0.0f, 0);
        rss0 = rss_mb();
        /* the unfused path's logits are its extra memory: allocated after */
        float *logits = strcmp(mode, "fused") ? malloc(B * V * sizeof(float)) : NULL;
        for (int k = -1; k < iters && k < 64; k++) {
            const double t0 = now();
            if (!strcmp(mode, "fused")) {
                check(simdloss_linear_cross_entropy_f32(B, D, V, h, w, NULL, t, -100, 0.0f, NULL,
                                                        SIMDLOSS_MEAN, &loss, gh, gw, NULL));
            } else {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)V, (int)D, 1.0f,
                            h, (int)D, w, (int)D, 0.0f, logits, (int)V);
                if (!strcmp(mode, "unfused")) {
                    check(simdloss_cross_entropy_f32(B, V, 1, logits, t, NULL, -100, 0.0f,
                                                     SIMDLOSS_MEAN, &loss, logits));
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)D, (int)V,
                                1.0f, logits, (int)V, w, (int)D, 0.0f, gh, (int)D);
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)V, (int)D, (int)B,
                                1.0f, logits, (int)V, h, (int)D, 0.0f, gw, (int)D);
                }
            }
            if (k >= 0) times[k] = now() - t0;
        }
    }
    const double growth = peak_mb() - rss0;
    printf("{\"mode\": \"%s\", \"loss\": %.9g, \"peak_growth_mb\": %.1f, \"times\": [", mode,
           (double)loss, growth);
    for (int k = 0; k < iters && k < 64; k++) printf("%s%.6f", k ? ", " : "", times[k]);
    printf("]}\n");
    return 0;
}
