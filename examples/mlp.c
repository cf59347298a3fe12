/* SPDX-License-Identifier: Apache-2.0 */
#include "mlp.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(float)); }

int mlp_init(mlp *m, size_t depth, const size_t *sizes, size_t max_batch, uint64_t seed)
{
    memset(m, 0, sizeof *m);
    m->depth = depth;
    m->max_batch = max_batch;
    m->layers = calloc(depth, sizeof *m->layers);
    m->acts = calloc(depth, sizeof *m->acts);
    m->outs = calloc(depth, sizeof *m->outs);
    if (!m->layers || !m->acts || !m->outs) goto fail;
    size_t widest = 0;
    rng init;
    rng_seed(&init, seed, 0);
    for (size_t l = 0; l < depth; l++) {
        dense_layer *d = &m->layers[l];
        d->in = sizes[l];
        d->out = sizes[l + 1];
        size_t nw = d->in * d->out;
        d->w = zeros(nw);
        d->b = zeros(d->out);
        d->grad_w = zeros(nw);
        d->grad_b = zeros(d->out);
        d->m_w = zeros(nw);
        d->v_w = zeros(nw);
        d->m_b = zeros(d->out);
        d->v_b = zeros(d->out);
        m->outs[l] = zeros(max_batch * d->out);
        if (!d->w || !d->b || !d->grad_w || !d->grad_b || !d->m_w || !d->v_w || !d->m_b ||
            !d->v_b || !m->outs[l])
            goto fail;
        const float bound = 1.0f / sqrtf((float)d->in);
        for (size_t i = 0; i < nw; i++) d->w[i] = (2.0f * rng_uniform(&init) - 1.0f) * bound;
        for (size_t i = 0; i < d->out; i++) d->b[i] = (2.0f * rng_uniform(&init) - 1.0f) * bound;
        if (d->in > widest) widest = d->in;
        if (d->out > widest) widest = d->out;
    }
    m->delta = zeros(max_batch * widest);
    m->delta_next = zeros(max_batch * widest);
    if (!m->delta || !m->delta_next) goto fail;
    return 0;
fail:
    mlp_free(m);
    return -1;
}

void mlp_free(mlp *m)
{
    for (size_t l = 0; m->layers && l < m->depth; l++) {
        dense_layer *d = &m->layers[l];
        free(d->w);
        free(d->b);
        free(d->grad_w);
        free(d->grad_b);
        free(d->m_w);
        free(d->v_w);
        free(d->m_b);
        free(d->v_b);
    }
    for (size_t l = 0; m->outs && l < m->depth; l++) free(m->outs[l]);
    free(m->layers);
    free(m->acts);
    free(m->outs);
    free(m->delta);
    free(m->delta_next);
    memset(m, 0, sizeof *m);
}

const float *mlp_forward(mlp *m, const float *x, size_t batch)
{
    const float *in = x;
    for (size_t l = 0; l < m->depth; l++) {
        const dense_layer *d = &m->layers[l];
        float *out = m->outs[l];
        m->acts[l] = in;
        /* out = b (broadcast), then out += in W^T */
        for (size_t r = 0; r < batch; r++) memcpy(out + r * d->out, d->b, d->out * sizeof(float));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)batch, (int)d->out, (int)d->in,
                    1.0f, in, (int)d->in, d->w, (int)d->in, 1.0f, out, (int)d->out);
        if (l + 1 < m->depth)
            for (size_t i = 0; i < batch * d->out; i++) out[i] = out[i] > 0.0f ? out[i] : 0.0f;
        in = out;
    }
    return in;
}

void mlp_backward(mlp *m, size_t batch, const float *grad_logits)
{
    const float *delta = grad_logits;
    for (size_t l = m->depth; l-- > 0;) {
        dense_layer *d = &m->layers[l];
        const float *in = m->acts[l];
        /* grad_w = delta^T in; grad_b = column sums of delta */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d->out, (int)d->in, (int)batch,
                    1.0f, delta, (int)d->out, in, (int)d->in, 0.0f, d->grad_w, (int)d->in);
        memset(d->grad_b, 0, d->out * sizeof(float));
        for (size_t r = 0; r < batch; r++)
            for (size_t j = 0; j < d->out; j++) d->grad_b[j] += delta[r * d->out + j];
        if (l == 0) break;
        /* gradient of the previous layer's output: delta W, through its ReLU
         * (in is that ReLU's output: zero exactly where it was inactive) */
        float *prev = m->delta_next;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)batch, (int)d->in, (int)d->out,
                    1.0f, delta, (int)d->out, d->w, (int)d->in, 0.0f, prev, (int)d->in);
        for (size_t i = 0; i < batch * d->in; i++)
            if (in[i] <= 0.0f) prev[i] = 0.0f;
        m->delta_next = m->delta;
        m->delta = prev;
        delta = prev;
    }
}

void mlp_adam_step(mlp *m, const adam_config *c)
{
    m->step++;
    for (size_t l = 0; l < m->depth; l++) {
        dense_layer *d = &m->layers[l];
        adam_update(c, m->step, d->in * d->out, d->w, d->grad_w, d->m_w, d->v_w);
        adam_update(c, m->step, d->out, d->b, d->grad_b, d->m_b, d->v_b);
    }
}
