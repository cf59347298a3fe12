/* bce_with_logits on logits x, weight w, pos_weight pw (read only
 * with SL_F_POS_WEIGHT):
 *   m = max(-x, 0); L = m + log(1 + exp(-|x|)) = softplus(-x)
 *   loss = w [(1 - y) x + lw L],  lw = 1 + (pw - 1) y
 *   d/dx = w [(pw y + 1 - y) sigmoid(x) - pw y]   (w (sigmoid(x) - y) without pw)
 * This is 1.13's log(exp(-m) + exp(-x - m)) + m (one of its two exps is
 * exactly 1) with one exp instead of two. log(1 + e), like PyTorch, rather
 * than the slower log1p(e): both lose e below 2^-24, PyTorch included. */
SL_ELEMENT(bce_with_logits)
{
    const vf x = in->input, y = in->target, w = in->weight, pw = in->pos_weight;
    const vf one = vf_set1(1.0f);
    const vf m = vf_max(vf_set1(0.0f), vf_neg(x));
    const vf e = vf_exp(vf_neg(vf_abs(x)));
    const vf sig = sl_sigmoid_e(x, e);
    const vf lin = vf_mul(vf_sub(one, y), x);
    if (flags & SL_F_POS_WEIGHT) {
        const vf lw = vf_add(vf_mul(vf_sub(pw, one), y), one);
        const vf t = vf_mul(pw, y);
        out->grad_input = vf_mul(vf_mul(vf_sub(vf_mul(vf_sub(vf_add(t, one), y), sig), t), g), w);
        return vf_mul(vf_add(lin, vf_mul(lw, vf_add(vf_log(vf_add(one, e)), m))), w);
    }
    out->grad_input = vf_mul(vf_mul(vf_sub(sig, y), g), w);
    const vf lm = vf_add(lin, m);
    return vf_mul(vf_add(lm, vf_log(vf_add(one, e))), w);
}
