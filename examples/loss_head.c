/* SPDX-License-Identifier: Apache-2.0 */
#include "loss_head.h"

#include <math.h>
#include <simdloss.h>
#include <stdlib.h>
#include <string.h>

int loss_head_parse(const char *text, loss_head *h)
{
    static const struct {
        const char *name;
        head_kind kind;
    } names[] = {{"binary_focal", HEAD_BINARY_FOCAL},
                 {"ale", HEAD_ALE},
                 {"cross_entropy", HEAD_CROSS_ENTROPY},
                 {"bce", HEAD_BCE},
                 {"mse", HEAD_MSE}};
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) != len || strncmp(names[i].name, text, len) != 0) continue;
        h->kind = names[i].kind;
        h->gamma = 0.0f;
        if (colon) {
            char *end;
            h->gamma = strtof(colon + 1, &end);
            if (end == colon + 1 || *end != '\0') return -1;
        }
        return 0;
    }
    return -1;
}

const char *loss_head_name(const loss_head *h)
{
    switch (h->kind) {
    case HEAD_BINARY_FOCAL: return "binary_focal";
    case HEAD_ALE: return "ale";
    case HEAD_CROSS_ENTROPY: return "cross_entropy";
    case HEAD_BCE: return "bce";
    case HEAD_MSE: return "mse";
    }
    return "?";
}

/* simdloss's gradient with respect to its input p for the sigmoid heads */
static int sigmoid_head_loss(const loss_head *h, size_t n, const float *p, const float *target,
                             float *loss, float *grad_p)
{
    switch (h->kind) {
    case HEAD_BINARY_FOCAL:
        /* alpha < 0: no class balancing; no label smoothing */
        return simdloss_binary_focal_f32(n, p, target, h->gamma, -1.0f, 0.0f, SIMDLOSS_MEAN, loss,
                                         grad_p);
    case HEAD_ALE:
        /* alpha 0: no class weighting; no label smoothing */
        return simdloss_ale_f32(n, p, target, 0.0f, h->gamma, 0.0f, SIMDLOSS_MEAN, loss, grad_p);
    case HEAD_BCE: return simdloss_bce_f32(n, p, target, NULL, 0, SIMDLOSS_MEAN, loss, grad_p);
    case HEAD_MSE: return simdloss_mse_f32(n, p, target, SIMDLOSS_MEAN, loss, grad_p);
    case HEAD_CROSS_ENTROPY: break;
    }
    return SIMDLOSS_EINVAL;
}

int loss_head_eval(const loss_head *h, size_t rows, size_t cols, const float *logits,
                   const float *target, const int64_t *labels, float *probs, float *loss,
                   float *grad_logits)
{
    size_t n = rows * cols;
    if (h->kind == HEAD_CROSS_ENTROPY)
        return simdloss_cross_entropy_f32(rows, cols, 1, logits, labels, NULL, -100, 0.0f,
                                          SIMDLOSS_MEAN, loss, grad_logits);
    for (size_t i = 0; i < n; i++) probs[i] = 1.0f / (1.0f + expf(-logits[i]));
    float unused;
    int rc = sigmoid_head_loss(h, n, probs, target, loss ? loss : &unused, grad_logits);
    if (rc != SIMDLOSS_OK || !grad_logits) return rc;
    /* chain rule: dp/dz = sigmoid(z) (1 - sigmoid(z)), with 1 - sigmoid(z)
     * computed as sigmoid(-z): accurate where p rounds towards 1 */
    for (size_t i = 0; i < n; i++) grad_logits[i] *= probs[i] / (1.0f + expf(logits[i]));
    return SIMDLOSS_OK;
}
