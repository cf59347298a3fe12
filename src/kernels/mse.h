/* SPDX-License-Identifier: Apache-2.0 */
/* mse: loss = d^2 with d = x - y; d/dx = 2d (the 2 is folded into g, as
 * PyTorch's norm = 2/N, so the gradient is g * d with g = 2/N or 2). */
#ifndef SL_SPECS
SL_ELEMENT(mse)
{
    const vf x = in->input, y = in->target;
    const vf d = vf_sub(x, y);
    out->grad_input = vf_mul(g, d);
    return vf_mul(d, d);
}
#else /* the tests' reference and data (tests/spec.h); l1's, smooth_l1's, log_cosh's data */

static const ts_branch sl_mse_branches[] = {{"plain", {0}, .cross = 1}};

/* errors at several scales; edges: scales 1, 1e-3 and 1e3, and in a tenth of
 * the elements x = y +- d exactly (d: smooth_l1's beta, 0 for a tie) */
static void sl_mse_pair(int edges, double d, uint64_t *s, double *in, double *tgt)
{
    if (edges) {
        const int tie = ts_coin(s, 0.1);
        const double sc = ts_coin(s, 0.8) ? 1.0 : (ts_coin(s, 0.5) ? 1e-3 : 1e3);
        tgt[0] = sc * ts_N(s);
        in[0] = sc * ts_N(s);
        if (tie) in[0] = (float)tgt[0] + (ts_coin(s, 0.5) ? d : -d);
    } else {
        static const double sc[] = {0.01, 1.0, 1.0, 1.0, 30.0};
        const double c = ts_pick(s, sc, 5);
        in[0] = c * ts_N(s);
        tgt[0] = c * ts_N(s);
    }
}

static void sl_mse_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                       double *tgt)
{
    (void)b, (void)i;
    sl_mse_pair(edges, 0.0, s, in, tgt);
}

static void sl_mse_ref(const ts_elem *e, ts_ref *r)
{
    const double d = e->in[0] - e->tgt[0];
    r->value = d * d;
    r->mag = d * d;
    r->gmag[0] = 2.0 * fabs(d);
}

TS_SPEC(mse, .gen = sl_mse_gen, .ref = sl_mse_ref, .mean_grad_ulps = 1);
#endif
