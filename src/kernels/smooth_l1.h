/* SPDX-License-Identifier: Apache-2.0 */
/* smooth_l1: z = |d|; loss = 0.5 z z / beta if z < beta else
 * z - 0.5 beta; d/dx = -1 if d <= -beta, 1 if d >= beta, else d / beta.
 * beta = 0 is l1 with gradient -1 at d = 0, exactly as PyTorch. */
#ifndef SL_SPECS
SL_ELEMENT(smooth_l1)
{
    const vf x = in->input, y = in->target;
    const vf beta = prm->beta, half = vf_set1(0.5f);
    const vf d = vf_sub(x, y), z = vf_abs(d);
    const vf quad = vf_div(vf_mul(vf_mul(half, z), z), beta);
    const vf lin = vf_sub(z, vf_mul(half, beta));
    out->grad_input = vf_select(vf_le(d, vf_neg(beta)), vf_neg(g),
                                vf_select(vf_ge(d, beta), g, vf_div(vf_mul(g, d), beta)));
    return vf_select(vf_lt(z, beta), quad, lin);
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_smooth_l1_branches[] = {
    {"beta=1", {1.0f}, .cross = 1},   {"beta=0.5", {0.5f}, .cross = 0},
    {"beta=2", {2.0f}, .cross = 0},   {"beta=0", {0.0f}, .cross = 1},
    {"beta=0.3", {0.3f}, .cross = 1},
};

/* mse's data; edges: |x - y| exactly beta, and ties */
static void sl_smooth_l1_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                             double *tgt)
{
    (void)i;
    sl_mse_pair(edges, b->pf[0], s, in, tgt);
}

static void sl_smooth_l1_ref(const ts_elem *e, ts_ref *r) /* beta = 0 is l1 */
{
    const double beta = e->pf[0], z = fabs(e->in[0] - e->tgt[0]);
    if (beta == 0.0) {
        r->value = z;
        r->mag = z;
    } else if (z < beta) {
        r->value = 0.5 * z * z / beta;
        r->mag = r->value;
    } else {
        r->value = z - 0.5 * beta;
        r->mag = z + 0.5 * beta;
    }
    r->gmag[0] = beta == 0.0 ? 1.0 : ts_min(z / beta, 1.0);
    r->kink[0] = fabs(z - beta);
}

TS_SPEC(smooth_l1, .gen = sl_smooth_l1_gen, .ref = sl_smooth_l1_ref, .mean_grad_ulps = 4);
#endif
