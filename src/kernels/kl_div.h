/* kl_div on log-probabilities x, pointwise:
 *   SL_F_LOG_TARGET off: loss = xlogy(t, t) - t x (0 for t = 0, NaN for
 *                        t < 0), d/dx = -t
 *   SL_F_LOG_TARGET on:  loss = exp(t) (t - x), d/dx = -exp(t) */
SL_ELEMENT(kl_div)
{
    const vf x = in->input, y = in->target;
    vf loss, d;
    if (flags & SL_F_LOG_TARGET) {
        const vf et = vf_exp(y);
        loss = vf_mul(et, vf_sub(y, x));
        d = vf_neg(vf_mul(et, g));
    } else {
        const vf xl = vf_select(vf_eq(y, vf_set1(0.0f)), vf_set1(0.0f), vf_mul(y, vf_log(y)));
        loss = vf_sub(xl, vf_mul(y, x));
        d = vf_neg(vf_mul(y, g));
    }
    out->grad_input = sl_nan_in(d, x, y);
    return loss;
}
