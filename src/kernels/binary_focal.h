/* SPDX-License-Identifier: Apache-2.0 */
/* Keras 3 binary focal crossentropy on probabilities s = x; parameters
 * gamma, alpha, label_smoothing (ls); eps = 1e-7:
 *   y' = y (1 - ls) + 0.5 ls (SL_F_SMOOTH); o = clip(s, eps, 1 - eps)
 *   bce = -[y' log o + (1 - y') log(1 - o)]; q = 1 - [y' s + (1 - y')(1 - s)]
 *   loss = q^gamma bce, times w = y' alpha + (1 - y')(1 - alpha) (SL_F_ALPHA)
 * d/ds = w [gamma q^(gamma-1) (1 - 2y') bce + q^gamma dbce], with
 * dbce = (1 - y') / (1 - o) - y' / o inside [eps, 1 - eps] and 0 where the
 * clip is active (TensorFlow's clip gradient); the focal factor uses the
 * unclipped s, so a clipped prediction still gets that part. */
#ifndef SL_SPECS
SL_ELEMENT(binary_focal)
{
    const vf x = in->input, y = in->target;
    const int kind = sl_pow_kind(flags);
    const vf one = vf_set1(1.0f), eps = vf_set1(1e-7f), ome = vf_set1(1.0f - 1e-7f);
    vf yp = y;
    if (flags & SL_F_SMOOTH)
        yp = vf_add(vf_mul(y, vf_sub(one, prm->label_smoothing)),
                    vf_mul(vf_set1(0.5f), prm->label_smoothing));
    const vf omy = vf_sub(one, yp);
    const vf o = sl_clip(x, eps, ome);
    const vf omo = vf_sub(one, o);
    const vf bce = vf_neg(vf_add(vf_mul(yp, vf_log(o)), vf_mul(omy, vf_log(omo))));
    const vf pt = vf_add(vf_mul(yp, x), vf_mul(omy, vf_sub(one, x)));
    const vf q = vf_sub(one, pt);
    const vf qg = sl_pow_k(q, prm->gamma, kind);
    const vm inside = vm_and(vf_ge(x, eps), vf_le(x, ome));
    /* Both paths differentiated term by term, as autodiff does: an infinite
     * factor times a zero label weight gives NaN there too, and the clip
     * blocks its path after the product. */
    const vf db = vf_sub(vf_div(vf_mul(qg, omy), omo), vf_div(vf_mul(qg, yp), o));
    vf gr = vf_select(inside, db, vf_set1(0.0f));
    if (kind != SL_POW_0) {
        const vf gq = vf_mul(vf_mul(prm->gamma, sl_pow_km1(q, prm->gamma, kind)), bce);
        gr = vf_add(vf_sub(vf_mul(gq, omy), vf_mul(gq, yp)), gr);
    }
    vf loss = vf_mul(qg, bce);
    if (flags & SL_F_ALPHA) {
        const vf w = vf_add(vf_mul(yp, prm->alpha), vf_mul(omy, vf_sub(one, prm->alpha)));
        loss = vf_mul(w, loss);
        gr = vf_mul(w, gr);
    }
    out->grad_input = sl_nan_in(vf_mul(gr, g), x, y);
    return loss;
}
#else /* the tests' reference and data (tests/spec.h); data as bce's */

static const ts_branch sl_binary_focal_branches[] = {
    {"gamma=0.0 alpha=-1.0 ls=0", {0.0f, -1.0f, 0.0f}, .cross = 1},
    {"gamma=0.0 alpha=-1.0 ls=0.1", {0.0f, -1.0f, 0.1f}, .cross = 0},
    {"gamma=0.0 alpha=0.25 ls=0", {0.0f, 0.25f, 0.0f}, .cross = 0},
    {"gamma=0.0 alpha=0.25 ls=0.1", {0.0f, 0.25f, 0.1f}, .cross = 0},
    {"gamma=0.5 alpha=-1.0 ls=0", {0.5f, -1.0f, 0.0f}, .cross = 0},
    {"gamma=0.5 alpha=-1.0 ls=0.1", {0.5f, -1.0f, 0.1f}, .cross = 0},
    {"gamma=0.5 alpha=0.25 ls=0", {0.5f, 0.25f, 0.0f}, .cross = 0},
    {"gamma=0.5 alpha=0.25 ls=0.1", {0.5f, 0.25f, 0.1f}, .cross = 1},
    {"gamma=1.0 alpha=-1.0 ls=0", {1.0f, -1.0f, 0.0f}, .cross = 0},
    {"gamma=1.0 alpha=-1.0 ls=0.1", {1.0f, -1.0f, 0.1f}, .cross = 1},
    {"gamma=1.0 alpha=0.25 ls=0", {1.0f, 0.25f, 0.0f}, .cross = 0},
    {"gamma=1.0 alpha=0.25 ls=0.1", {1.0f, 0.25f, 0.1f}, .cross = 0},
    {"gamma=2.0 alpha=-1.0 ls=0", {2.0f, -1.0f, 0.0f}, .cross = 0},
    {"gamma=2.0 alpha=-1.0 ls=0.1", {2.0f, -1.0f, 0.1f}, .cross = 0},
    {"gamma=2.0 alpha=0.25 ls=0", {2.0f, 0.25f, 0.0f}, .cross = 1},
    {"gamma=2.0 alpha=0.25 ls=0.1", {2.0f, 0.25f, 0.1f}, .cross = 0},
    {"gamma=3.5 alpha=-1.0 ls=0", {3.5f, -1.0f, 0.0f}, .cross = 0},
    {"gamma=3.5 alpha=-1.0 ls=0.1", {3.5f, -1.0f, 0.1f}, .cross = 0},
    {"gamma=3.5 alpha=0.25 ls=0", {3.5f, 0.25f, 0.0f}, .cross = 1},
    {"gamma=3.5 alpha=0.25 ls=0.1", {3.5f, 0.25f, 0.1f}, .cross = 0},
};

/* Keras 3 BinaryFocalCrossentropy on probabilities. */
static void sl_binary_focal_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double gamma = e->pf[0], alpha = e->pf[1], ls = e->pf[2];
    const double eps = ts_eps7(), ome = ts_one_minus_eps7();
    const double yp = ls != 0.0 ? y * (1.0 - ls) + 0.5 * ls : y;
    const double oc = ts_clip(x, eps, ome);
    const double lo = log(oc), l1o = log(1.0 - oc);
    const double bce = -(yp * lo + (1.0 - yp) * l1o);
    const double pt = yp * x + (1.0 - yp) * (1.0 - x);
    const double q = 1.0 - pt;
    const double qg = ts_pow(q, gamma);
    double w = 1.0;
    if (alpha >= 0) w = yp * alpha + (1.0 - yp) * (1.0 - alpha);
    r->value = w * qg * bce;
    /* float32 rounds y', 1 - o and q (pt is three roundings): sensitivities */
    r->mag =
        fabs(w) * (qg * (fabs(bce) + fabs(lo) + fabs(l1o) + 1.0) + ts_dpow(q, gamma) * fabs(bce));
    const int inside = x >= eps && x <= ome;
    const double b1 = inside ? (1.0 - yp) / (1.0 - oc) : 0.0, b2 = inside ? yp / oc : 0.0;
    r->gmag[0] = fabs(w) * (ts_dpow(q, gamma) * fabs((1.0 - 2.0 * yp) * bce) + qg * (b1 + b2) +
                            ts_ddpow(q, gamma) * fabs(bce) + ts_dpow(q, gamma) * (b1 + b2 + 1.0));
    if (x < eps)
        r->kink[0] = eps - x;
    else if (x > ome)
        r->kink[0] = x - ome;
    else
        r->kink[0] = ts_min(x - eps, ome - x);
    /* q = 0 at x = y' / (2y' - 1); log o and log(1 - o) at 0 and 1 */
    double s = ts_min(fabs(x), fabs(1.0 - x));
    if (2.0 * yp - 1.0 != 0.0) s = ts_min(s, fabs(x - yp / (2.0 * yp - 1.0)));
    r->sing[0] = s;
}

/* the focal losses' cancelling terms (sigmoid_focal's too: parameters 0 and 1
 * are gamma and alpha in either order) */
static void sl_focal_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0];
    *lt = (fabs(x) + 1) * (fabs(y) + 1);
    gt[0] = 4 * (fabs(x) + 1) * (fabs(y) + 1) * (1 + fabs(e->pf[0]) + fabs(e->pf[1]));
    *gct = 0.0;
}

static void sl_binary_focal_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0];
    const double o = fmin(fmax(x, 1e-7), 1 - 1e-7);
    sl_focal_golden(e, lt, gt, gct);
    gt[0] *= (1 / o + 1 / (1 - o));
}

TS_SPEC(binary_focal, .gen = sl_bce_gen, .ref = sl_binary_focal_ref,
        .golden = sl_binary_focal_golden, .mean_grad_ulps = 1);
#endif
