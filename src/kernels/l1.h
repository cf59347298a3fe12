/* SPDX-License-Identifier: Apache-2.0 */
/* l1: loss = |x - y|; d/dx = sign(x - y), 0 at a tie. Where x - y is NaN (a
 * NaN input, or inf - inf) the gradient is NaN like the loss: PyTorch's
 * sign(NaN) = 0 is not copied. */
#ifndef SL_SPECS
SL_ELEMENT(l1)
{
    const vf x = in->input, y = in->target;
    const vf d = vf_sub(x, y);
    out->grad_input = vf_mul(sl_sign(d), g);
    return vf_abs(d);
}
#else /* the tests' reference and data (tests/spec.h); data as mse's */

static const ts_branch sl_l1_branches[] = {{"plain", {0}, .cross = 1}};

static void sl_l1_ref(const ts_elem *e, ts_ref *r)
{
    const double d = e->in[0] - e->tgt[0];
    r->value = fabs(d);
    r->mag = fabs(d);
    r->gmag[0] = 1.0;
    r->kink[0] = fabs(d);
}

TS_SPEC(l1, .gen = sl_mse_gen, .ref = sl_l1_ref, .mean_grad_ulps = 1);
#endif
