/* bce_with_logits on logits x, weight w = a0, pos_weight pw = a1 (read only
 * with SL_F_POS_WEIGHT):
 *   m = max(-x, 0); L = m + log(1 + exp(-|x|)) = softplus(-x)
 *   loss = w [(1 - y) x + lw L],  lw = 1 + (pw - 1) y
 *   d/dx = w [(pw y + 1 - y) sigmoid(x) - pw y]   (w (sigmoid(x) - y) without pw)
 * This is 1.13's log(exp(-m) + exp(-x - m)) + m (one of its two exps is
 * exactly 1) with one exp instead of two. log(1 + e), like PyTorch, rather
 * than the slower log1p(e): both lose e below 2^-24, PyTorch included. */
SL_INLINE vf sl_bce_with_logits_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx,
                                     vf *da, vm *bad)
{
    (void)da, (void)bad;
    const vf one = vf_set1(1.0f);
    const vf m = vf_max(vf_set1(0.0f), vf_neg(x));
    const vf e = vf_exp(vf_neg(vf_abs(x)));
    const vf sig = sl_sigmoid_e(x, e);
    const vf lin = vf_mul(vf_sub(one, y), x);
    if (c->flags & SL_F_POS_WEIGHT) {
        const vf lw = vf_add(vf_mul(vf_sub(a1, one), y), one);
        const vf t = vf_mul(a1, y);
        *dx = vf_mul(vf_mul(vf_sub(vf_mul(vf_sub(vf_add(t, one), y), sig), t), g), a0);
        return vf_mul(vf_add(lin, vf_mul(lw, vf_add(vf_log(vf_add(one, e)), m))), a0);
    }
    *dx = vf_mul(vf_mul(vf_sub(sig, y), g), a0);
    const vf lm = vf_add(lin, m);
    return vf_mul(vf_add(lm, vf_log(vf_add(one, e))), a0);
}
