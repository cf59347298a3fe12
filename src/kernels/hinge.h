/* SPDX-License-Identifier: Apache-2.0 */
/* Keras hinge: y' = 2y - 1 (SL_F_CONVERT: every target of the call is 0 or 1)
 * or y; v = 1 - y' x; loss = max(v, 0); d/dx = -y' where v >= 0 (TensorFlow's
 * maximum passes the gradient at the tie), else 0. */
#ifndef SL_SPECS
SL_INLINE vf sl_hinge_label(int flags, vf y)
{
    if (flags & SL_F_CONVERT) return vf_sub(vf_add(y, y), vf_set1(1.0f));
    return y;
}

SL_ELEMENT(hinge)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf yp = sl_hinge_label(flags, y);
    const vf v = vf_sub(vf_set1(1.0f), vf_mul(yp, x));
    /* mask, then times -y': an infinite label gives 0 * inf = NaN, as autodiff does */
    out->grad_input = sl_nan_in(vf_mul(vf_select(vf_ge(v, zero), g, zero), vf_neg(yp)), x, y);
    return vf_max(zero, v);
}
#else /* the tests' reference and data (tests/spec.h); squared_hinge's too */

/* 0/1 labels (converted to -1/1: every target of the call is 0 or 1) or
 * labels as they are (the first is -1, so never all 0/1) */
enum { SL_HINGE_BINARY = 1, SL_HINGE_PM1 = 2 };
static const ts_branch sl_hinge_branches[] = {
    {"binary labels (converted)", {0}, .variant = SL_HINGE_BINARY, .cross = 1, .keep_targets = 1},
    {"labels as-is", {0}, .variant = SL_HINGE_PM1, .cross = 1},
};

static void sl_hinge_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                         double *tgt)
{
    static const double odd[] = {0.5, -0.25, 2.0, 0.0};
    if (b->variant == SL_HINGE_BINARY)
        tgt[0] = ts_coin(s, 0.5) ? 1.0 : 0.0;
    else
        tgt[0] = i == 0 ? -1.0 : (ts_coin(s, 0.85) ? ts_sgn(s) : ts_pick(s, odd, 4));
    in[0] = 1.5 * ts_N(s);
    if (edges && ts_coin(s, 0.1)) in[0] = ts_sgn(s); /* 1 - y' x == 0 for y' = +-1 */
}

/* the label as Keras sees it */
static double sl_hinge_yp(const ts_elem *e)
{
    return (e->flags & SL_F_CONVERT) ? 2.0 * e->tgt[0] - 1.0 : e->tgt[0];
}

static void sl_hinge_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], yp = sl_hinge_yp(e);
    r->value = fmax(1.0 - yp * x, 0.0);
    r->mag = 1.0 + fabs(yp * x);
    r->gmag[0] = fabs(yp);
    if (yp != 0.0) r->kink[0] = fabs(1.0 - yp * x) / fabs(yp);
}

static const ts_point sl_hinge_points[] = {{0.3f, 0.0, 1.0, {0}, {0}, SL_F_CONVERT, 1.3, 1e-6}};

TS_SPEC(hinge, .gen = sl_hinge_gen, .ref = sl_hinge_ref, .mean_grad_ulps = 1,
        .points = sl_hinge_points, .npoints = 1);
#endif
