/* SPDX-License-Identifier: Apache-2.0 */
/* Fashion-MNIST autoencoder: soft targets. An MLP 784 -> hidden -> 784
 * (ReLU, then a sigmoid per pixel) reconstructs each image, its pixels in
 * [0, 1] being the targets, trained with Adam by each loss of --losses (bce,
 * ale:G, mse, binary_focal:G) from the same initialisation and data order.
 * Every model is judged on the test set by reconstruction MSE (and by BCE and
 * ALE). --identity-csv writes what each loss gives when the prediction equals
 * the target: ALE's claim is 0, where BCE gives the target's entropy. */
#include <simdloss.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fmnist.h"
#include "loss_head.h"
#include "mlp.h"
#include "options.h"
#include "progress.h"
#include "rng.h"

static const char usage[] =
    "usage: fmnist_autoencoder [options]\n"
    "  --losses LIST      comma-separated: bce, ale:G, mse, binary_focal:G\n"
    "                     (default: bce,ale:0,mse)\n"
    "  --seed N           initialisation and data order (default 1)\n"
    "  --epochs N         (default 10; 0: none)  --hidden N  code units (default 256)\n"
    "  --batch N          (default 128)  --lr X      Adam's learning rate (default 1e-3)\n"
    "  --train-limit N    use the first N training images (default: all 60000)\n"
    "  --test-limit N     use the first N test images (default: all 10000)\n"
    "  --data DIR         the idx files (default: Debian's dataset-fashion-mnist)\n"
    "  --csv FILE         append per-epoch rows (header when the file is new)\n"
    "  --identity-csv FILE  write each loss's value at prediction == target\n"
    "  --progress         progress bar on stderr (default: when stderr is a terminal)\n"
    "  --no-progress\n"
    "  --check            exit 1 unless each loss's mean training loss, over the\n"
    "                     training images, is lower after training than before\n";

static const char csv_header[] =
    "loss,gamma,seed,epoch,train_loss,test_mse,test_bce,test_ale,seconds";

typedef struct {
    mlp net;
    float *x;     /* batch x 784: input and target */
    float *probs; /* batch x 784 */
    float *grad;  /* batch x 784 */
} workspace;

typedef struct {
    double loss, mse, bce, ale; /* means over every pixel */
} recon_metrics;

static void gather(workspace *w, const fmnist_split *s, const size_t *idx, size_t rows)
{
    for (size_t r = 0; r < rows; r++)
        memcpy(w->x + r * FMNIST_PIXELS, s->pixels + idx[r] * FMNIST_PIXELS,
               FMNIST_PIXELS * sizeof(float));
}

/* The head's loss and the three reconstruction measures over a split. */
static int evaluate(workspace *w, const loss_head *h, const fmnist_split *s, size_t batch,
                    recon_metrics *out)
{
    static const loss_head mse = {HEAD_MSE, 0.0f}, bce = {HEAD_BCE, 0.0f}, ale = {HEAD_ALE, 0.0f};
    const loss_head *heads[4] = {h, &mse, &bce, &ale};
    double sums[4] = {0, 0, 0, 0};
    for (size_t start = 0; start < s->count; start += batch) {
        size_t rows = s->count - start < batch ? s->count - start : batch;
        const float *x = s->pixels + start * FMNIST_PIXELS;
        const float *logits = mlp_forward(&w->net, x, rows);
        for (size_t k = 0; k < 4; k++) {
            float loss;
            int rc = loss_head_eval(heads[k], rows, FMNIST_PIXELS, logits, x, NULL, w->probs, &loss,
                                    NULL);
            if (rc != SIMDLOSS_OK) return rc;
            sums[k] += (double)loss * (double)rows;
        }
    }
    out->loss = sums[0] / (double)s->count;
    out->mse = sums[1] / (double)s->count;
    out->bce = sums[2] / (double)s->count;
    out->ale = sums[3] / (double)s->count;
    return SIMDLOSS_OK;
}

static int train_one(const options *o, const loss_head *h, const fmnist_split *train,
                     const fmnist_split *test, FILE *csv)
{
    const size_t sizes[3] = {FMNIST_PIXELS, o->hidden, FMNIST_PIXELS};
    workspace w;
    memset(&w, 0, sizeof w);
    size_t *order = malloc(train->count * sizeof *order);
    w.x = malloc(o->batch * FMNIST_PIXELS * sizeof(float));
    w.probs = malloc(o->batch * FMNIST_PIXELS * sizeof(float));
    w.grad = malloc(o->batch * FMNIST_PIXELS * sizeof(float));
    int status = -1;
    if (!order || !w.x || !w.probs || !w.grad || mlp_init(&w.net, 2, sizes, o->batch, o->seed)) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    const adam_config adam = {o->lr, 0.9f, 0.999f, 1e-8f};
    rng shuffle;
    rng_seed(&shuffle, o->seed, 1);
    for (size_t i = 0; i < train->count; i++) order[i] = i;
    char label[64];
    snprintf(label, sizeof label, "%s:%g", loss_head_name(h), (double)h->gamma);
    recon_metrics before = {0, 0, 0, 0}, after, on_test;
    int rc = SIMDLOSS_OK;
    if (o->check) rc = evaluate(&w, h, train, o->batch, &before);
    for (int epoch = 1; epoch <= o->epochs && rc == SIMDLOSS_OK; epoch++) {
        double t0 = progress_now(), loss_sum = 0.0;
        size_t seen = 0;
        progress bar;
        progress_start(&bar, o->progress, label, train->count);
        rng_shuffle(&shuffle, order, train->count);
        for (size_t start = 0; start < train->count; start += o->batch) {
            size_t rows = train->count - start < o->batch ? train->count - start : o->batch;
            gather(&w, train, order + start, rows);
            const float *logits = mlp_forward(&w.net, w.x, rows);
            float loss;
            rc = loss_head_eval(h, rows, FMNIST_PIXELS, logits, w.x, NULL, w.probs, &loss, w.grad);
            if (rc != SIMDLOSS_OK) break;
            mlp_backward(&w.net, rows, w.grad);
            mlp_adam_step(&w.net, &adam);
            loss_sum += (double)loss * (double)rows;
            seen += rows;
            progress_update(&bar, seen, loss_sum / (double)seen, -1.0, NULL);
        }
        progress_end(&bar);
        if (rc == SIMDLOSS_OK) rc = evaluate(&w, h, test, o->batch, &on_test);
        if (rc != SIMDLOSS_OK) break;
        double secs = progress_now() - t0, train_loss = loss_sum / (double)seen;
        printf("%-15s seed %llu epoch %2d/%d: loss %.5f test mse %.5f bce %.5f ale %.5f "
               "(%.1f s)\n",
               label, (unsigned long long)o->seed, epoch, o->epochs, train_loss, on_test.mse,
               on_test.bce, on_test.ale, secs);
        fflush(stdout);
        if (csv)
            fprintf(csv, "%s,%g,%llu,%d,%.6g,%.6g,%.6g,%.6g,%.3f\n", loss_head_name(h),
                    (double)h->gamma, (unsigned long long)o->seed, epoch, train_loss, on_test.mse,
                    on_test.bce, on_test.ale, secs);
    }
    if (rc != SIMDLOSS_OK) {
        fprintf(stderr, "%s: %s\n", label, simdloss_last_error());
        goto done;
    }
    status = 0;
    if (o->check) {
        if (evaluate(&w, h, train, o->batch, &after) != SIMDLOSS_OK) {
            status = -1;
        } else {
            int ok = after.loss < before.loss;
            printf("%-15s check: training loss %.5f -> %.5f %s\n", label, before.loss, after.loss,
                   ok ? "decreased" : "DID NOT DECREASE");
            status = ok ? 0 : 1;
        }
    }
done:
    mlp_free(&w.net);
    free(order);
    free(w.x);
    free(w.probs);
    free(w.grad);
    return status;
}

/* Each loss with the prediction equal to the target (MEAN over n values). */
static int identity_row(FILE *f, const char *what, size_t n, const float *y)
{
    float bce, keras_bce, ale, mse;
    if (simdloss_bce_f32(n, y, y, NULL, 0, SIMDLOSS_MEAN, &bce, NULL) != SIMDLOSS_OK ||
        simdloss_binary_focal_f32(n, y, y, 0.0f, -1.0f, 0.0f, SIMDLOSS_MEAN, &keras_bce, NULL) !=
            SIMDLOSS_OK ||
        simdloss_ale_f32(n, y, y, 0.0f, 0.0f, 0.0f, SIMDLOSS_MEAN, &ale, NULL) != SIMDLOSS_OK ||
        simdloss_mse_f32(n, y, y, SIMDLOSS_MEAN, &mse, NULL) != SIMDLOSS_OK) {
        fprintf(stderr, "identity: %s\n", simdloss_last_error());
        return -1;
    }
    fprintf(f, "%s,%.9g,%.9g,%.9g,%.9g\n", what, (double)bce, (double)keras_bce, (double)ale,
            (double)mse);
    printf("prediction == target = %-9s bce %.6g  keras bce %.6g  ale %.6g  mse %.6g\n", what,
           (double)bce, (double)keras_bce, (double)ale, (double)mse);
    return 0;
}

static int write_identity(const char *path, const fmnist_split *test)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fprintf(f, "target,bce,keras_bce,ale,mse\n");
    static const float values[] = {0.0f, 0.1f, 0.2f, 0.5f, 0.6f, 0.9f, 1.0f};
    int rc = 0;
    for (size_t i = 0; i < sizeof values / sizeof values[0] && rc == 0; i++) {
        char what[16];
        snprintf(what, sizeof what, "%g", (double)values[i]);
        rc = identity_row(f, what, 1, &values[i]);
    }
    if (rc == 0) rc = identity_row(f, "test_set", test->count * FMNIST_PIXELS, test->pixels);
    if (fclose(f)) rc = -1;
    return rc;
}

int main(int argc, char **argv)
{
    /* --identity-csv is this program's own option; the rest are shared */
    const char *identity_path = NULL;
    char **args = malloc((size_t)(argc + 1) * sizeof *args);
    if (!args) return 1;
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && !strcmp(argv[i], "--identity-csv") && i + 1 < argc)
            identity_path = argv[++i];
        else
            args[nargs++] = argv[i];
    }
    args[nargs] = NULL;
    options o;
    options_parse(&o, nargs, args, "bce,ale:0,mse", usage);
    free(args);
    for (size_t i = 0; i < o.head_count; i++) {
        if (o.heads[i].kind == HEAD_CROSS_ENTROPY) {
            fprintf(stderr, "fmnist_autoencoder: cross_entropy is for the classifier\n%s", usage);
            return 2;
        }
    }
    fmnist_split train, test;
    char err[512];
    if (fmnist_load(o.data_dir, "train", o.train_limit, &train, err, sizeof err) ||
        fmnist_load(o.data_dir, "t10k", o.test_limit, &test, err, sizeof err)) {
        fprintf(stderr, "fmnist_autoencoder: %s\n", err);
        return 1;
    }
    int status = 0;
    if (identity_path && write_identity(identity_path, &test)) status = -1;
    int csv_failed;
    FILE *csv = csv_open(o.csv_path, csv_header, &csv_failed);
    if (csv_failed) status = -1;
    for (size_t i = 0; i < o.head_count && status >= 0; i++) {
        int s = train_one(&o, &o.heads[i], &train, &test, csv);
        if (s != 0) status = s < 0 ? -1 : 1;
    }
    if (csv && fclose(csv)) status = -1;
    fmnist_free(&train);
    fmnist_free(&test);
    return status == 0 ? 0 : 1;
}
