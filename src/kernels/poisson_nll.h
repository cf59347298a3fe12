/* poisson_nll:
 *   SL_F_LOG_INPUT on:  loss = exp(x) - t x,         d/dx = exp(x) - t
 *   SL_F_LOG_INPUT off: loss = x - t log(x + eps),   d/dx = 1 - t / (x + eps)
 *   SL_F_FULL adds t log t - t + 0.5 log(2 pi t) where t > 1 (PyTorch's mask). */
SL_ELEMENT(poisson_nll)
{
    const vf x = in->input, y = in->target;
    const vf one = vf_set1(1.0f);
    vf loss;
    if (flags & SL_F_LOG_INPUT) {
        const vf ex = vf_exp(x);
        loss = vf_sub(ex, vf_mul(y, x));
        out->grad_input = vf_mul(vf_sub(ex, y), g);
    } else {
        const vf xe = vf_add(x, prm->eps);
        loss = vf_sub(x, vf_mul(y, vf_log(xe)));
        out->grad_input = vf_mul(vf_sub(one, vf_div(y, xe)), g);
    }
    if (flags & SL_F_FULL) {
        const vf st =
            vf_add(vf_sub(vf_mul(y, vf_log(y)), y),
                   vf_mul(vf_set1(0.5f), vf_log(vf_mul(vf_set1(6.28318530717958647692f), y))));
        loss = vf_add(loss, vf_select(vf_le(y, one), vf_set1(0.0f), st));
    }
    return loss;
}
