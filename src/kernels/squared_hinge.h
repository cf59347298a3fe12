/* SPDX-License-Identifier: Apache-2.0 */
/* Keras squared_hinge: y' as hinge (hinge.h); h = max(1 - y' x, 0);
 * loss = h^2; d/dx = -2 y' h. */
#ifndef SL_SPECS
SL_ELEMENT(squared_hinge)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf yp = sl_hinge_label(flags, y);
    const vf h = vf_max(zero, vf_sub(vf_set1(1.0f), vf_mul(yp, x)));
    out->grad_input = sl_nan_in(vf_mul(vf_mul(vf_add(h, h), vf_neg(yp)), g), x, y);
    return vf_mul(h, h);
}
#else /* the tests' reference and data (tests/spec.h); data as hinge's */

static const ts_branch sl_squared_hinge_branches[] = {
    {"binary labels (converted)", {0}, .variant = SL_HINGE_BINARY, .cross = 1, .keep_targets = 1},
    {"labels as-is", {0}, .variant = SL_HINGE_PM1, .cross = 1},
};

static void sl_squared_hinge_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], yp = sl_hinge_yp(e);
    const double h = fmax(1.0 - yp * x, 0.0);
    r->value = h * h;
    r->mag = h * h + 2.0 * h * (1.0 + fabs(yp * x));
    r->gmag[0] = 2.0 * fabs(yp) * (h + 1.0 + fabs(yp * x));
    if (yp != 0.0) r->kink[0] = fabs(1.0 - yp * x) / fabs(yp);
}

TS_SPEC(squared_hinge, .gen = sl_hinge_gen, .ref = sl_squared_hinge_ref, .mean_grad_ulps = 1);
#endif
