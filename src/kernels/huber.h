/* SPDX-License-Identifier: Apache-2.0 */
/* huber: z = |d|; loss = 0.5 z z if z < delta else
 * delta (z - 0.5 delta) (PyTorch's operation order, bit-exact);
 * d/dx = -delta if d <= -delta, delta if d >= delta, else d. */
#ifndef SL_SPECS
SL_ELEMENT(huber)
{
    const vf x = in->input, y = in->target;
    const vf delta = prm->delta, half = vf_set1(0.5f);
    const vf d = vf_sub(x, y), z = vf_abs(d);
    const vf quad = vf_mul(vf_mul(half, z), z);
    const vf lin = vf_mul(delta, vf_sub(z, vf_mul(half, delta)));
    out->grad_input = vf_select(vf_le(d, vf_neg(delta)), vf_mul(vf_neg(g), delta),
                                vf_select(vf_ge(d, delta), vf_mul(g, delta), vf_mul(g, d)));
    return vf_select(vf_lt(z, delta), quad, lin);
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_huber_branches[] = {
    {"delta=1", {1.0f}, .cross = 1},       {"delta=0.5", {0.5f}, .cross = 0},
    {"delta=2.5", {2.5f}, .cross = 0},     {"delta=0.3", {0.3f}, .cross = 1},
    {"delta=inf", {INFINITY}, .cross = 1},
};

/* errors at several scales; edges: |x - y| exactly delta, and ties */
static void sl_huber_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                         double *tgt)
{
    static const double sc[] = {0.01, 1.0, 1.0, 1.0, 30.0, 1e-3, 1e3};
    const double c = ts_pick(s, sc, edges ? 7 : 5);
    (void)i;
    in[0] = c * ts_N(s);
    tgt[0] = c * ts_N(s);
    if (edges && ts_coin(s, 0.1)) {
        const double d = ts_coin(s, 0.5) ? b->pf[0] : 0.0;
        in[0] = (float)tgt[0] + (ts_coin(s, 0.5) ? d : -d);
    }
}

static void sl_huber_ref(const ts_elem *e, ts_ref *r)
{
    const double delta = e->pf[0], z = fabs(e->in[0] - e->tgt[0]);
    if (z < delta) {
        r->value = 0.5 * z * z;
        r->mag = 0.5 * z * z;
    } else {
        r->value = delta * (z - 0.5 * delta);
        r->mag = delta * (z + 0.5 * delta);
    }
    r->gmag[0] = ts_min(z, delta);
    r->kink[0] = isinf(delta) ? INFINITY : fabs(z - delta);
}

static const ts_point sl_huber_points[] = {{2.0, 0.0, 1.0, {1.0}, {0}, 0, 1.5, 1e-12}};

TS_SPEC(huber, .gen = sl_huber_gen, .ref = sl_huber_ref, .mean_grad_ulps = 1,
        .points = sl_huber_points, .npoints = 1);
#endif
