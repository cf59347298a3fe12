/* SPDX-License-Identifier: Apache-2.0 */
/* Keras poisson, per element: loss = x - y log(x + 1e-7); d/dx = 1 - y / (x + 1e-7). */
#ifndef SL_SPECS
SL_ELEMENT(poisson)
{
    const vf x = in->input, y = in->target;
    const vf xe = vf_add(x, vf_set1(1e-7f));
    out->grad_input = vf_mul(vf_sub(vf_set1(1.0f), vf_div(y, xe)), g);
    return vf_sub(x, vf_mul(y, vf_log(xe)));
}
#else /* the tests' reference and data (tests/spec.h); data as poisson_nll's */

static const ts_branch sl_poisson_branches[] = {{"plain", {0}, .cross = 1}};

static void sl_poisson_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                           double *tgt)
{
    (void)b, (void)i;
    sl_poisson_nll_pair(0, edges, s, in, tgt);
}

static void sl_poisson_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double eps = ts_eps7(), lg = log(x + eps);
    r->value = x - y * lg;
    r->mag = fabs(x) + fabs(y) * (fabs(lg) + 1.0);
    r->gmag[0] = 1.0 + fabs(y / (x + eps));
    r->sing[0] = fabs(x + eps);
}

static void sl_poisson_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0];
    *lt = fabs(x) + fabs(y * log(fabs(x + 1e-7)));
    gt[0] = 1 + fabs(y / (x + 1e-7));
    *gct = 0.0;
}

TS_SPEC(poisson, .gen = sl_poisson_gen, .ref = sl_poisson_ref, .golden = sl_poisson_golden,
        .mean_grad_ulps = 1);
#endif
