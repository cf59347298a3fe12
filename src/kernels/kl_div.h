/* kl_div on log-probabilities x, pointwise:
 *   SL_F_LOG_TARGET off: loss = xlogy(t, t) - t x (0 for t = 0, NaN for
 *                        t < 0), d/dx = -t
 *   SL_F_LOG_TARGET on:  loss = exp(t) (t - x), d/dx = -exp(t) */
SL_INLINE vf sl_kl_div_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                            vm *bad)
{
    (void)a0, (void)a1, (void)da, (void)bad;
    vf loss, d;
    if (c->flags & SL_F_LOG_TARGET) {
        const vf et = vf_exp(y);
        loss = vf_mul(et, vf_sub(y, x));
        d = vf_neg(vf_mul(et, g));
    } else {
        const vf xl = vf_select(vf_eq(y, vf_set1(0.0f)), vf_set1(0.0f), vf_mul(y, vf_log(y)));
        loss = vf_sub(xl, vf_mul(y, x));
        d = vf_neg(vf_mul(y, g));
    }
    *dx = sl_nan_in(d, x, y);
    return loss;
}
