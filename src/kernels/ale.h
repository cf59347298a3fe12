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
