/* SPDX-License-Identifier: Apache-2.0 */
/* margin_ranking (F.margin_ranking_loss): z = (-y)(x1 - x2) + margin;
 * loss = max(0, z); where z >= 0 (the clamp passes the gradient at 0):
 * d/dx1 = g (-y), d/dx2 = -(g (-y)), else +-0 as autograd's 0 * (-y). The
 * target is not differentiated. A NaN x1, x2 or y gives NaN gradients (the
 * clamp's test alone would give 0); z = NaN from inf - inf gives a NaN loss
 * and zero gradients, as PyTorch. */
#ifndef SL_SPECS
SL_ELEMENT(margin_ranking)
{
    const vf x1 = in->input1, x2 = in->input2, y = in->target, zero = vf_set1(0.0f);
    const vf ny = vf_neg(y);
    const vf z = vf_add(vf_mul(ny, vf_sub(x1, x2)), prm->margin);
    const vf d1 = vf_mul(vf_select(vf_ge(z, zero), g, zero), ny);
    const vm nan_in = vm_or(vm_or(vf_isnan(x1), vf_isnan(x2)), vf_isnan(y));
    out->grad_input1 = vf_select(nan_in, z, d1);
    out->grad_input2 = vf_select(nan_in, z, vf_neg(d1));
    return vf_max(zero, z); /* NaN stays */
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_margin_ranking_branches[] = {
    {"margin=0", {0.0f}, .cross = 1},
    {"margin=0.5", {0.5f}, .cross = 1},
    {"margin=-0.25", {-0.25f}, .cross = 0},
    {"margin=2", {2.0f}, .cross = 0},
};

/* scores of two items and the order, mostly +-1 (other values scale the
 * loss); edges: z == 0 exactly (x1 - x2 = y margin) */
static void sl_margin_ranking_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                                  double *tgt)
{
    static const double odd[] = {0.5, 2.0, -0.25, 0.0};
    (void)i;
    tgt[0] = ts_coin(s, 0.85) ? ts_sgn(s) : ts_pick(s, odd, 4);
    in[0] = 2.0 * ts_N(s);
    in[1] = 2.0 * ts_N(s);
    if (edges && ts_coin(s, 0.1)) in[0] = (float)in[1] + (float)(tgt[0] * b->pf[0]);
}

static void sl_margin_ranking_ref(const ts_elem *e, ts_ref *r)
{
    const double x1 = e->in[0], x2 = e->in[1], y = e->tgt[0], m = e->pf[0];
    const double z = -y * (x1 - x2) + m;
    r->value = fmax(0.0, z);
    r->mag = fabs(y) * (fabs(x1) + fabs(x2)) + fabs(m);
    r->gmag[0] = r->gmag[1] = fabs(y);
    if (y != 0.0) r->kink[0] = r->kink[1] = fabs(z) / fabs(y);
}

/* x1 = 0.2, x2 = 0, y = 1, margin 0.5: max(0, -0.2 + 0.5) */
static const ts_point sl_margin_ranking_points[] = {{0.2, 1.0, 1.0, {0.5}, {0}, 0, 0.3, 1e-12}};

TS_SPEC(margin_ranking, .gen = sl_margin_ranking_gen, .ref = sl_margin_ranking_ref,
        .mean_grad_ulps = 1, .points = sl_margin_ranking_points, .npoints = 1);
#endif
