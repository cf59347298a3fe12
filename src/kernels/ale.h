/* SPDX-License-Identifier: Apache-2.0 */
/* ALE, Absolute Logarithmic Error (ale.py), in float32 with eps = 1e-7;
 * parameters alpha, gamma, label_smoothing (ls):
 *   t = clip(y, ls, 1 - ls); p = clip(x, eps, 1 - eps); a = clip(|t - p|, 0, 1)
 *   D = (1 + eps) - a; loss = -log D
 *   SL_F_ALPHA (alpha > 0): loss *= W = (y != 1 ? alpha : 1 - alpha)
 *   gamma >= 1:             loss *= a^gamma
 * d/dx = W [a^gamma / D + gamma a^(gamma-1) (-log D)] sign(p - t)
 *        (gamma = 0: W sign(p - t) / D), 0 where the clip of x is active
 *        (x < eps or x > 1 - eps) and 0 at p == t (TensorFlow's sign(0)).
 * gamma = +inf: gamma a^(gamma-1) = inf * 0 is NaN, as TensorFlow's and
 * torch's pow gradients; the clip still gives 0, a select in both. */
#ifndef SL_SPECS
SL_ELEMENT(ale)
{
    const vf x = in->input, y = in->target;
    const int kind = sl_pow_kind(flags);
    const vf one = vf_set1(1.0f), eps = vf_set1(1e-7f), ome = vf_set1(1.0f - 1e-7f);
    const vf t = sl_clip(y, prm->label_smoothing, vf_sub(one, prm->label_smoothing));
    const vf p = sl_clip(x, eps, ome);
    const vf e = vf_sub(p, t);
    /* ale.py clips |t - p| to [0, 1]: a no-op, since t and p lie in [0, 1]
     * (NaN propagates either way) */
    const vf a = vf_abs(e);
    const vf D = vf_sub(vf_set1(1.0f + 1e-7f), a);
    const vf s = sl_sign(e);
    const vf W = vf_select(vf_ne(y, one), prm->alpha, vf_sub(one, prm->alpha));
    const int alpha = flags & SL_F_ALPHA;
    const vm clipped = vm_or(vf_lt(x, eps), vf_gt(x, ome));
    /* where the clip blocks the gradient: 0, selected (not 0 * gr, which
     * would be NaN for an infinite gamma), or NaN for a NaN target */
    const vf blocked = vf_select(vf_isnan(y), y, vf_set1(0.0f));
    if (kind == SL_POW_0) {
        /* the gradient needs no log: finish it before the call */
        vf gr = vf_div(s, D);
        if (alpha) gr = vf_mul(gr, W);
        out->grad_input = vf_select(clipped, blocked, vf_mul(g, gr));
        const vf B = vf_neg(vf_log(D));
        return alpha ? vf_mul(B, W) : B;
    }
    const vf ag = sl_pow_k(a, prm->gamma, kind);
    const vf gm = vf_mul(prm->gamma, sl_pow_km1(a, prm->gamma, kind));
    const vf B = vf_neg(vf_log(D));
    vf gr = vf_mul(vf_add(vf_div(ag, D), vf_mul(gm, B)), s);
    if (alpha) gr = vf_mul(gr, W);
    out->grad_input = vf_select(clipped, blocked, vf_mul(g, gr));
    return vf_mul(alpha ? vf_mul(B, W) : B, ag);
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_ale_branches[] = {
    {"alpha=0.0 gamma=0.0 ls=0", {0.0f, 0.0f, 0.0f}, .cross = 1},
    {"alpha=0.0 gamma=0.0 ls=0.1", {0.0f, 0.0f, 0.1f}, .cross = 0},
    {"alpha=0.0 gamma=1.0 ls=0", {0.0f, 1.0f, 0.0f}, .cross = 0},
    {"alpha=0.0 gamma=1.0 ls=0.1", {0.0f, 1.0f, 0.1f}, .cross = 0},
    {"alpha=0.0 gamma=2.0 ls=0", {0.0f, 2.0f, 0.0f}, .cross = 0},
    {"alpha=0.0 gamma=2.0 ls=0.1", {0.0f, 2.0f, 0.1f}, .cross = 0},
    {"alpha=0.0 gamma=2.5 ls=0", {0.0f, 2.5f, 0.0f}, .cross = 0},
    {"alpha=0.0 gamma=2.5 ls=0.1", {0.0f, 2.5f, 0.1f}, .cross = 0},
    {"alpha=0.0 gamma=3.0 ls=0", {0.0f, 3.0f, 0.0f}, .cross = 0},
    {"alpha=0.0 gamma=3.0 ls=0.1", {0.0f, 3.0f, 0.1f}, .cross = 0},
    {"alpha=0 gamma=3 ls=0.5", {0.0f, 3.0f, 0.5f}, .cross = 1},
    {"alpha=0.25 gamma=0.0 ls=0", {0.25f, 0.0f, 0.0f}, .cross = 0},
    {"alpha=0.25 gamma=0.0 ls=0.1", {0.25f, 0.0f, 0.1f}, .cross = 0},
    {"alpha=0.25 gamma=1.0 ls=0", {0.25f, 1.0f, 0.0f}, .cross = 0},
    {"alpha=0.25 gamma=1.0 ls=0.1", {0.25f, 1.0f, 0.1f}, .cross = 0},
    {"alpha=0.25 gamma=2.0 ls=0", {0.25f, 2.0f, 0.0f}, .cross = 0},
    {"alpha=0.25 gamma=2.0 ls=0.1", {0.25f, 2.0f, 0.1f}, .cross = 1},
    {"alpha=0.25 gamma=2.5 ls=0", {0.25f, 2.5f, 0.0f}, .cross = 1},
    {"alpha=0.25 gamma=2.5 ls=0.1", {0.25f, 2.5f, 0.1f}, .cross = 0},
    {"alpha=0.25 gamma=3.0 ls=0", {0.25f, 3.0f, 0.0f}, .cross = 0},
    {"alpha=0.25 gamma=3.0 ls=0.1", {0.25f, 3.0f, 0.1f}, .cross = 0},
    {"alpha=1.0 gamma=0.0 ls=0", {1.0f, 0.0f, 0.0f}, .cross = 0},
    {"alpha=1.0 gamma=0.0 ls=0.1", {1.0f, 0.0f, 0.1f}, .cross = 0},
    {"alpha=1.0 gamma=1.0 ls=0", {1.0f, 1.0f, 0.0f}, .cross = 1},
    {"alpha=1.0 gamma=1.0 ls=0.1", {1.0f, 1.0f, 0.1f}, .cross = 0},
    {"alpha=1.0 gamma=2.0 ls=0", {1.0f, 2.0f, 0.0f}, .cross = 0},
    {"alpha=1.0 gamma=2.0 ls=0.1", {1.0f, 2.0f, 0.1f}, .cross = 0},
    {"alpha=1.0 gamma=2.5 ls=0", {1.0f, 2.5f, 0.0f}, .cross = 0},
    {"alpha=1.0 gamma=2.5 ls=0.1", {1.0f, 2.5f, 0.1f}, .cross = 0},
    {"alpha=1.0 gamma=3.0 ls=0", {1.0f, 3.0f, 0.0f}, .cross = 0},
    {"alpha=1.0 gamma=3.0 ls=0.1", {1.0f, 3.0f, 0.1f}, .cross = 0},
};

/* labels 0/1 and soft; predictions in [0, 1], a tenth of them slightly
 * outside (the clip); edges as bce's */
static void sl_ale_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                       double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        sl_bce_edges(s, in, tgt);
        return;
    }
    tgt[0] = ts_coin(s, 0.4) ? (ts_coin(s, 0.5) ? 1.0 : 0.0) : ts_U(s, 0.0, 1.0);
    in[0] = ts_coin(s, 0.9) ? ts_U(s, 0.0, 1.0) : ts_U(s, -0.2, 1.2);
}

/* ALE (ale.py) in float32 arithmetic with eps = 1e-7. */
static void sl_ale_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double alpha = e->pf[0], gamma = e->pf[1], ls = e->pf[2];
    const double eps = ts_eps7(), ope = ts_one_plus_eps7(), ome = ts_one_minus_eps7();
    const double t = ts_clip(y, ls, (double)(float)(1.0 - ls)); /* 1 - ls in float32 */
    const double p = ts_clip(x, eps, ome);
    const double pmt = p - t;
    const double ae = ts_clip(fabs(pmt), 0.0, 1.0);
    const double D = ope - ae;
    const double B = -log(D);
    double W = 1.0;
    if (alpha > 0) W = (y != 1.0) ? alpha : 1.0 - alpha;
    const double ag = ts_pow(ae, gamma);
    r->value = W * B * ag;
    /* B is sensitive to the rounding of a = |p - t| and of D: ~1 ulp / D */
    r->mag = fabs(W) * (ag * (fabs(B) * (1.0 + gamma) + 1.0 / D));
    r->gmag[0] = fabs(W) * (ag / D + ts_dpow(ae, gamma) * fabs(B) + ag / (D * D) +
                            ts_dpow(ae, gamma) / D + ts_ddpow(ae, gamma) * fabs(B));
    if (x < eps) {
        r->kink[0] = eps - x;
        r->sing[0] = INFINITY;
    } else if (x > ome) {
        r->kink[0] = x - ome;
        r->sing[0] = INFINITY;
    } else {
        r->kink[0] = ts_min(ts_min(x - eps, ome - x), fabs(pmt));
        /* D = 0 at |p - t| = 1 + eps; a^gamma is centred at a = 0 */
        r->sing[0] = ts_min(fabs(fabs(pmt) - ope), fabs(pmt));
    }
}

static const ts_point sl_ale_points[] = {
    /* ale.py gives 15.249238 (float32 rounds a = 1 - 1e-7 to 1 - 2^-23); in
     * double D = (1 + 2^-23) - (1 - 1e-7f) and the loss is 15.33, inside the
     * tolerance 1e-6 mag that the reference gives this point (mag ~ 1/D) */
    {0.0, 1.0, 1.0, {0, 0, 0}, {0}, 0, 15.33, 0.01},
    {0.2f, 1.0, 1.0, {0, 0, 0}, {0}, 0, 1.6094373, 1e-6},
    {0.1f, 0.1f, 1.0, {0, 0, 0}, {0}, 0, -1.1920928e-07, 1e-13},
};

TS_SPEC(ale, .gen = sl_ale_gen, .ref = sl_ale_ref, .mean_grad_ulps = 1, .points = sl_ale_points,
        .npoints = 3);
#endif
