/* torchvision sigmoid_focal_loss on logits x; parameters alpha, gamma:
 *   p = sigmoid(x); ce = bce_with_logits(x, y); q = 1 - [p y + (1 - p)(1 - y)]
 *   loss = ce q^gamma, times a_t = alpha y + (1 - alpha)(1 - y) (SL_F_ALPHA)
 * d/dx = a_t [(p - y) q^gamma - gamma q^(gamma-1) (2y - 1) p (1 - p) ce].
 * 0 < gamma < 1 with a saturated logit (q = 0) gives NaN, as torchvision. */
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
