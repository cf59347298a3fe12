/* Keras 3 binary focal crossentropy on probabilities s = x; parameters
 * gamma, alpha, label_smoothing (ls); eps = 1e-7:
 *   y' = y (1 - ls) + 0.5 ls (SL_F_SMOOTH); o = clip(s, eps, 1 - eps)
 *   bce = -[y' log o + (1 - y') log(1 - o)]; q = 1 - [y' s + (1 - y')(1 - s)]
 *   loss = q^gamma bce, times w = y' alpha + (1 - y')(1 - alpha) (SL_F_ALPHA)
 * d/ds = w [gamma q^(gamma-1) (1 - 2y') bce + q^gamma dbce], with
 * dbce = (1 - y') / (1 - o) - y' / o inside [eps, 1 - eps] and 0 where the
 * clip is active (TensorFlow's clip gradient); the focal factor uses the
 * unclipped s, so a clipped prediction still gets that part. */
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
