/* SPDX-License-Identifier: Apache-2.0 */
/* gaussian_nll with variance var and parameter eps:
 *   v = max(var, eps); loss = 0.5 (log v + d^2 / v) (+ 0.5 log(2 pi), SL_F_FULL)
 *   d/dx = d / v;  d/dvar = 0.5 (1 / v - d^2 / v^2), also where var < eps
 *   (PyTorch clamps under no_grad: a straight-through gradient). */
#ifndef SL_SPECS
SL_ELEMENT(gaussian_nll)
{
    const vf x = in->input, y = in->target, var = in->var;
    const vf half = vf_set1(0.5f);
    const vf v = vf_max(prm->eps, var);
    const vf d = vf_sub(x, y);
    /* one division instead of three: each quotient is then within an ulp of
     * PyTorch's divisions (same operations on every ISA, so still bitwise
     * reproducible) */
    const vf r = vf_div(vf_set1(1.0f), v);
    const vf q = vf_mul(vf_mul(d, d), r);
    out->grad_input = vf_mul(vf_mul(d, r), g);
    out->grad_var = vf_mul(vf_mul(half, g), vf_mul(vf_sub(vf_set1(1.0f), q), r));
    vf loss = vf_mul(half, vf_add(vf_log(v), q));
    if (flags & SL_F_FULL) loss = vf_add(loss, vf_set1(0.91893853320467274178f));
    return loss;
}
#else /* the tests' reference and data (tests/spec.h) */

enum { SL_GNLL_LOWVAR = 1 }; /* some variances below eps */
static const ts_branch sl_gaussian_nll_branches[] = {
    {"full=0 var_len=1", {1e-6f}, {0}, {1}, .cross = 1},
    {"full=1 var_len=1", {1e-6f}, {1}, {1}, .cross = 0},
    {"full=0 var_len=3", {1e-6f}, {0}, {3}, .cross = 1},
    {"full=0 var_len=4", {1e-6f}, {0}, {4}, .cross = 0},
    {"full=1 var_len=4", {1e-6f}, {1}, {4}, .cross = 1},
    {"full=0 var_len=n", {1e-6f}, {0}, {TS_N}, .cross = 1},
    {"full=1 var_len=n", {1e-6f}, {1}, {TS_N}, .cross = 0},
    {"full=0 var_len=n, some var < eps", {1e-6f}, {0}, {TS_N}, SL_GNLL_LOWVAR, .cross = 0},
    {"full=1 var_len=4 eps=0.5", {0.5f}, {1}, {4}, SL_GNLL_LOWVAR, .cross = 1},
};

static void sl_gaussian_nll_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                                double *tgt)
{
    static const double sc[] = {0.01, 1.0, 1.0, 1.0, 30.0, 1e-3, 1e3};
    const double c = ts_pick(s, sc, edges ? 7 : 5);
    (void)b, (void)i;
    in[0] = c * ts_N(s);
    tgt[0] = c * ts_N(s);
    if (edges && ts_coin(s, 0.1)) in[0] = tgt[0];
}

static double sl_gaussian_nll_var(const ts_branch *b, int j, uint64_t *s)
{
    static const double low[] = {0.0, 1e-8, 5e-7, 1e-6};
    (void)j;
    if (b->variant == SL_GNLL_LOWVAR && ts_coin(s, 0.2)) return ts_pick(s, low, 4);
    return ts_U(s, 0.05, 3.0);
}

static void sl_gaussian_nll_ref(const ts_elem *e, ts_ref *r)
{
    const double v = fmax(e->cyc[0], e->pf[0]), d = e->in[0] - e->tgt[0];
    const double full = e->pi[0] ? TS_HALF_LOG_2PI : 0.0;
    r->value = 0.5 * (log(v) + d * d / v) + full;
    r->mag = 0.5 * (fabs(log(v)) + d * d / v) + full;
    r->gmag[0] = fabs(d) / v;
    r->cgmag = 0.5 * (1.0 / v + d * d / (v * v));
}

/* the variance gradient passes the clamp at eps: differentiate at max(var, eps) */
static void sl_gaussian_nll_cyc_fd(ts_elem *e)
{
    e->cyc[0] = fmax(e->cyc[0], e->pf[0]);
    e->pf[0] = 0.0;
}

static void sl_gaussian_nll_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double v = fmax(e->cyc[0], e->pf[0]), d = e->in[0] - e->tgt[0];
    *lt = 0.5 * (fabs(log(v)) + d * d / v) + 1;
    gt[0] = 0.0;
    *gct = 0.5 * (1 / v + d * d / (v * v));
}

static const ts_point sl_gaussian_nll_points[] = {{2.0, 0.0, 2.0, {1e-6}, {0}, 0, 1.3465736, 1e-6}};

TS_SPEC(gaussian_nll, .gen = sl_gaussian_nll_gen, .gen_cyc = sl_gaussian_nll_var,
        .ref = sl_gaussian_nll_ref, .golden = sl_gaussian_nll_golden, .mean_grad_ulps = 1,
        .cyc_fd = sl_gaussian_nll_cyc_fd, .points = sl_gaussian_nll_points, .npoints = 1);
#endif
