/* SPDX-License-Identifier: Apache-2.0 */
/* Keras log_cosh: d = x - y; loss = log(cosh d) (Keras: d + softplus(-2d)
 * - log 2), d/dx = tanh(d). With em = expm1(-2|d|):
 *   log(cosh d) = |d| + log1p(em / 2)  and  tanh|d| = -em / (2 + em),
 * the same function without Keras' cancellation against log 2, so small
 * errors keep their precision (Keras' float32 value is off by up to
 * ~6e-8 absolute there). */
#ifndef SL_SPECS
SL_ELEMENT(log_cosh)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf d = vf_sub(x, y), ad = vf_abs(d);
    const vf em = vf_expm1(vf_mul(ad, vf_set1(-2.0f)));
    const vf th = vf_div(vf_neg(em), vf_add(vf_set1(2.0f), em));
    out->grad_input = vf_mul(vf_select(vf_lt(d, zero), vf_neg(th), th), g);
    return vf_add(ad, vf_log1p(vf_mul(em, vf_set1(0.5f))));
}
#else /* the tests' reference and data (tests/spec.h); data as mse's */

static const ts_branch sl_log_cosh_branches[] = {{"plain", {0}, .cross = 1}};

/* Keras: x + softplus(-2x) - log 2 = log cosh x */
static void sl_log_cosh_ref(const ts_elem *e, ts_ref *r)
{
    const double d = e->in[0] - e->tgt[0], ad = fabs(d);
    r->value = ad + log1p(exp(-2.0 * ad)) - TS_LN2;
    /* Keras' order adds d, softplus(-2d) ~ max(-2d, 0) and -log 2 */
    r->mag = 3.0 * ad + 2.0 * TS_LN2;
    r->gmag[0] = fabs(tanh(d));
}

static void sl_log_cosh_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    *lt = 1 + fabs(e->in[0] - e->tgt[0]);
    gt[0] = 0.0;
    *gct = 0.0;
}

/* 12 - log 2 */
static const ts_point sl_log_cosh_points[] = {{10.0, -2.0, 1.0, {0}, {0}, 0, 12.0 - TS_LN2, 1e-9}};

TS_SPEC(log_cosh, .gen = sl_mse_gen, .ref = sl_log_cosh_ref, .golden = sl_log_cosh_golden,
        .mean_grad_ulps = 1, .points = sl_log_cosh_points, .npoints = 1);
#endif
