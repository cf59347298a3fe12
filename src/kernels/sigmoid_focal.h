/* SPDX-License-Identifier: Apache-2.0 */
/* torchvision sigmoid_focal_loss on logits x; parameters alpha, gamma:
 *   p = sigmoid(x); ce = bce_with_logits(x, y); q = 1 - [p y + (1 - p)(1 - y)]
 *   loss = ce q^gamma, times a_t = alpha y + (1 - alpha)(1 - y) (SL_F_ALPHA)
 * d/dx = a_t [(p - y) q^gamma - gamma q^(gamma-1) (2y - 1) p (1 - p) ce].
 * 0 < gamma < 1 with a saturated logit (q = 0) gives NaN, as torchvision. */
#ifndef SL_SPECS
SL_ELEMENT(sigmoid_focal)
{
    const vf x = in->input, y = in->target;
    const int kind = sl_pow_kind(flags);
    const vf one = vf_set1(1.0f);
    const vf m = vf_max(vf_set1(0.0f), vf_neg(x));
    const vf e = vf_exp(vf_neg(vf_abs(x)));
    const vf p = sl_sigmoid_e(x, e);
    const vf omy = vf_sub(one, y), omp = vf_sub(one, p);
    const vf lm = vf_add(vf_mul(omy, x), m);
    const vf q = vf_sub(one, vf_add(vf_mul(p, y), vf_mul(omp, omy)));
    const vf qg = sl_pow_k(q, prm->gamma, kind);
    const vf at = vf_add(vf_mul(prm->alpha, y), vf_mul(vf_sub(one, prm->alpha), omy));
    vf gr = vf_mul(vf_sub(p, y), qg), fpo = gr;
    if (kind != SL_POW_0) {
        /* d q / d p term by term (autodiff's order): an infinite gq times a
         * zero label weight is NaN, as in torchvision's autograd */
        const vf gq = vf_mul(prm->gamma, sl_pow_km1(q, prm->gamma, kind));
        fpo = vf_mul(vf_mul(vf_sub(vf_mul(gq, omy), vf_mul(gq, y)), p), omp);
    }
    /* the log last: only what the loss and the gradient still need is live across it */
    const vf ce = vf_add(lm, vf_log(vf_add(one, e))); /* as bce_with_logits.h */
    vf loss = vf_mul(ce, qg);
    if (kind != SL_POW_0) gr = vf_add(gr, vf_mul(fpo, ce));
    if (flags & SL_F_ALPHA) {
        loss = vf_mul(at, loss);
        gr = vf_mul(at, gr);
    }
    out->grad_input = vf_mul(gr, g);
    return loss;
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_sigmoid_focal_branches[] = {
    {"alpha=-1.0 gamma=0.0", {-1.0f, 0.0f}, .cross = 1},
    {"alpha=-1.0 gamma=1.0", {-1.0f, 1.0f}, .cross = 1},
    {"alpha=-1.0 gamma=2.0", {-1.0f, 2.0f}, .cross = 0},
    {"alpha=-1.0 gamma=2.5", {-1.0f, 2.5f}, .cross = 0},
    {"alpha=0.25 gamma=0.0", {0.25f, 0.0f}, .cross = 0},
    {"alpha=0.25 gamma=1.0", {0.25f, 1.0f}, .cross = 0},
    {"alpha=0.25 gamma=2.0", {0.25f, 2.0f}, .cross = 1},
    {"alpha=0.25 gamma=2.5", {0.25f, 2.5f}, .cross = 1},
    {"alpha=0.25 gamma=0.5", {0.25f, 0.5f}, .cross = 1},
    {"alpha=0.5 gamma=3", {0.5f, 3.0f}, .cross = 1},
};

/* logits within +-12; labels and soft labels; edges as bce_with_logits' */
static void sl_sigmoid_focal_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                                 double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        sl_bce_with_logits_edges(s, in, tgt);
        return;
    }
    in[0] = fmax(-12.0, fmin(12.0, 3.0 * ts_N(s)));
    tgt[0] = ts_label01(s);
}

/* torchvision sigmoid_focal_loss on logits (no kink, no singularity). */
static void sl_sigmoid_focal_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double alpha = e->pf[0], gamma = e->pf[1];
    const double p = ts_sigmoid(x), pm = ts_sigmoid(-x); /* pm = 1 - p, exactly */
    const double L = ts_softplus(-x);
    const double ce = (1.0 - y) * x + L;
    /* q = 1 - [p y + (1 - p)(1 - y)] = y (1 - p) + (1 - y) p, without cancellation */
    const double q = y * pm + (1.0 - y) * p;
    const double qg = ts_pow(q, gamma);
    double at = 1.0;
    if (alpha >= 0) at = alpha * y + (1.0 - alpha) * (1.0 - y);
    r->value = at * ce * qg;
    /* float32 rounds p (so 1 - p and q carry ~1e-7 absolute) and (1 - y) x */
    r->mag = fabs(at) * (qg * (fabs((1.0 - y) * x) + fabs(x) + 1.0 + fabs(ce) * (1.0 + gamma)) +
                         ts_dpow(q, gamma) * fabs(ce));
    r->gmag[0] = fabs(at) * (qg * (fabs(p - y) + 1.0) +
                             ts_dpow(q, gamma) * (p * pm * fabs(ce) + fabs(ce) + fabs(x) + 1.0) +
                             ts_ddpow(q, gamma) * p * pm * fabs(ce));
}

static const ts_point sl_sigmoid_focal_points[] = {
    {-3.0, 1.0, 1.0, {0.25, 2.0}, {0}, 0, 0.69157016, 1e-6},
};

TS_SPEC(sigmoid_focal, .gen = sl_sigmoid_focal_gen, .ref = sl_sigmoid_focal_ref,
        .golden = sl_focal_golden, .mean_grad_ulps = 1, .points = sl_sigmoid_focal_points,
        .npoints = 1);
#endif
