/* SPDX-License-Identifier: Apache-2.0 */
/* Fashion-MNIST classification with an MLP (784 -> hidden -> 10, ReLU),
 * trained with Adam by each loss of --losses from the same initialisation
 * and the same data order (both from --seed):
 *   binary_focal:G and ale:G  ten sigmoid outputs, one-hot targets;
 *   cross_entropy             softmax over the ten outputs.
 * One CSV row per loss and epoch; a summary line per epoch on stdout. */
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
    "usage: fmnist_classifier [options]\n"
    "  --losses LIST      comma-separated: binary_focal:G, ale:G, cross_entropy\n"
    "                     (default: binary_focal:0,1,2, ale:0,1,2, cross_entropy)\n"
    "  --seed N           initialisation and data order (default 1)\n"
    "  --epochs N         (default 10; 0: none)  --hidden N  hidden units (default 256)\n"
    "  --batch N          (default 128)  --lr X      Adam's learning rate (default 1e-3)\n"
    "  --train-limit N    use the first N training images (default: all 60000)\n"
    "  --test-limit N     use the first N test images (default: all 10000)\n"
    "  --data DIR         the idx files (default: Debian's dataset-fashion-mnist)\n"
    "  --csv FILE         append per-epoch rows (header when the file is new)\n"
    "  --progress         progress bar on stderr (default: when stderr is a terminal)\n"
    "  --no-progress\n"
    "  --check            exit 1 unless each loss's mean training loss, over the\n"
    "                     training images, is lower after training than before\n";

static const char csv_header[] =
    "loss,gamma,seed,epoch,train_loss,train_acc,test_loss,test_acc,seconds";

typedef struct {
    mlp net;
    float *x;        /* batch x 784 */
    float *onehot;   /* batch x 10 */
    int64_t *labels; /* batch */
    size_t *idx;     /* batch: rows of an evaluated split */
    float *probs;    /* batch x 10 */
    float *grad;     /* batch x 10 */
} workspace;

static size_t count_correct(const float *logits, const int64_t *labels, size_t rows)
{
    size_t correct = 0;
    for (size_t r = 0; r < rows; r++) {
        const float *z = logits + r * FMNIST_CLASSES;
        size_t best = 0;
        for (size_t c = 1; c < FMNIST_CLASSES; c++)
            if (z[c] > z[best]) best = c;
        correct += (int64_t)best == labels[r];
    }
    return correct;
}

/* Gathers rows idx[0..rows) of the split into the workspace. */
static void gather(workspace *w, const fmnist_split *s, const size_t *idx, size_t rows)
{
    memset(w->onehot, 0, rows * FMNIST_CLASSES * sizeof(float));
    for (size_t r = 0; r < rows; r++) {
        memcpy(w->x + r * FMNIST_PIXELS, s->pixels + idx[r] * FMNIST_PIXELS,
               FMNIST_PIXELS * sizeof(float));
        w->labels[r] = s->labels[idx[r]];
        w->onehot[r * FMNIST_CLASSES + w->labels[r]] = 1.0f;
    }
}

/* Mean loss and accuracy over a whole split, without training. */
static int evaluate(workspace *w, const loss_head *h, const fmnist_split *s, size_t batch,
                    double *mean_loss, double *accuracy)
{
    double loss_sum = 0.0;
    size_t correct = 0;
    for (size_t start = 0; start < s->count; start += batch) {
        size_t rows = s->count - start < batch ? s->count - start : batch;
        for (size_t r = 0; r < rows; r++) w->idx[r] = start + r;
        gather(w, s, w->idx, rows);
        const float *logits = mlp_forward(&w->net, w->x, rows);
        float loss;
        int rc = loss_head_eval(h, rows, FMNIST_CLASSES, logits, w->onehot, w->labels, w->probs,
                                &loss, NULL);
        if (rc != SIMDLOSS_OK) return rc;
        loss_sum += (double)loss * (double)rows;
        correct += count_correct(logits, w->labels, rows);
    }
    *mean_loss = loss_sum / (double)s->count;
    *accuracy = (double)correct / (double)s->count;
    return SIMDLOSS_OK;
}

/* Trains one loss from the seed's initialisation; 0, 1 (--check failed) or
 * -1 (error). */
static int train_one(const options *o, const loss_head *h, const fmnist_split *train,
                     const fmnist_split *test, FILE *csv)
{
    const size_t sizes[3] = {FMNIST_PIXELS, o->hidden, FMNIST_CLASSES};
    workspace w;
    memset(&w, 0, sizeof w);
    size_t *order = malloc(train->count * sizeof *order);
    w.x = malloc(o->batch * FMNIST_PIXELS * sizeof(float));
    w.onehot = malloc(o->batch * FMNIST_CLASSES * sizeof(float));
    w.labels = malloc(o->batch * sizeof(int64_t));
    w.idx = malloc(o->batch * sizeof(size_t));
    w.probs = malloc(o->batch * FMNIST_CLASSES * sizeof(float));
    w.grad = malloc(o->batch * FMNIST_CLASSES * sizeof(float));
    int status = -1;
    if (!order || !w.x || !w.onehot || !w.labels || !w.idx || !w.probs || !w.grad ||
        mlp_init(&w.net, 2, sizes, o->batch, o->seed)) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    const adam_config adam = {o->lr, 0.9f, 0.999f, 1e-8f};
    rng shuffle;
    rng_seed(&shuffle, o->seed, 1);
    for (size_t i = 0; i < train->count; i++) order[i] = i;
    char label[64];
    snprintf(label, sizeof label, "%s:%g", loss_head_name(h), (double)h->gamma);
    double before_loss = 0.0, acc, test_loss, test_acc;
    int rc = SIMDLOSS_OK;
    if (o->check) rc = evaluate(&w, h, train, o->batch, &before_loss, &acc);
    for (int epoch = 1; epoch <= o->epochs && rc == SIMDLOSS_OK; epoch++) {
        double t0 = progress_now(), loss_sum = 0.0;
        size_t correct = 0, seen = 0;
        progress bar;
        progress_start(&bar, o->progress, label, train->count);
        rng_shuffle(&shuffle, order, train->count);
        for (size_t start = 0; start < train->count && rc == SIMDLOSS_OK; start += o->batch) {
            size_t rows = train->count - start < o->batch ? train->count - start : o->batch;
            gather(&w, train, order + start, rows);
            const float *logits = mlp_forward(&w.net, w.x, rows);
            float loss;
            rc = loss_head_eval(h, rows, FMNIST_CLASSES, logits, w.onehot, w.labels, w.probs, &loss,
                                w.grad);
            if (rc != SIMDLOSS_OK) break;
            correct += count_correct(logits, w.labels, rows);
            mlp_backward(&w.net, rows, w.grad);
            mlp_adam_step(&w.net, &adam);
            loss_sum += (double)loss * (double)rows;
            seen += rows;
            progress_update(&bar, seen, loss_sum / (double)seen, (double)correct / (double)seen,
                            "acc");
        }
        progress_end(&bar);
        if (rc == SIMDLOSS_OK) rc = evaluate(&w, h, test, o->batch, &test_loss, &test_acc);
        if (rc != SIMDLOSS_OK) break;
        double secs = progress_now() - t0;
        double train_loss = loss_sum / (double)seen, train_acc = (double)correct / (double)seen;
        printf("%-15s seed %llu epoch %2d/%d: loss %.5f train acc %.4f test acc %.4f (%.1f s)\n",
               label, (unsigned long long)o->seed, epoch, o->epochs, train_loss, train_acc,
               test_acc, secs);
        fflush(stdout);
        if (csv)
            fprintf(csv, "%s,%g,%llu,%d,%.6g,%.6g,%.6g,%.6g,%.3f\n", loss_head_name(h),
                    (double)h->gamma, (unsigned long long)o->seed, epoch, train_loss, train_acc,
                    test_loss, test_acc, secs);
    }
    if (rc != SIMDLOSS_OK) {
        fprintf(stderr, "%s: %s\n", label, simdloss_last_error());
        goto done;
    }
    status = 0;
    if (o->check) {
        double after_loss;
        if (evaluate(&w, h, train, o->batch, &after_loss, &acc) != SIMDLOSS_OK) {
            status = -1;
        } else {
            int ok = after_loss < before_loss;
            printf("%-15s check: training loss %.5f -> %.5f %s\n", label, before_loss, after_loss,
                   ok ? "decreased" : "DID NOT DECREASE");
            status = ok ? 0 : 1;
        }
    }
done:
    mlp_free(&w.net);
    free(order);
    free(w.x);
    free(w.onehot);
    free(w.labels);
    free(w.idx);
    free(w.probs);
    free(w.grad);
    return status;
}

int main(int argc, char **argv)
{
    options o;
    options_parse(&o, argc, argv,
                  "binary_focal:0,binary_focal:1,binary_focal:2,ale:0,ale:1,ale:2,cross_entropy",
                  usage);
    for (size_t i = 0; i < o.head_count; i++) {
        if (o.heads[i].kind == HEAD_BCE || o.heads[i].kind == HEAD_MSE) {
            fprintf(stderr, "fmnist_classifier: %s is for the autoencoder\n%s",
                    loss_head_name(&o.heads[i]), usage);
            return 2;
        }
    }
    fmnist_split train, test;
    char err[512];
    if (fmnist_load(o.data_dir, "train", o.train_limit, &train, err, sizeof err) ||
        fmnist_load(o.data_dir, "t10k", o.test_limit, &test, err, sizeof err)) {
        fprintf(stderr, "fmnist_classifier: %s\n", err);
        return 1;
    }
    int csv_failed;
    FILE *csv = csv_open(o.csv_path, csv_header, &csv_failed);
    int status = csv_failed ? 1 : 0;
    for (size_t i = 0; i < o.head_count && status >= 0 && !csv_failed; i++) {
        int s = train_one(&o, &o.heads[i], &train, &test, csv);
        if (s != 0) status = s < 0 ? -1 : 1;
    }
    if (csv && fclose(csv)) status = -1;
    fmnist_free(&train);
    fmnist_free(&test);
    return status == 0 ? 0 : 1;
}
