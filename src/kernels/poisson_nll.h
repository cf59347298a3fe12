/* poisson_nll (eps = p0):
 *   SL_F_LOG_INPUT on:  loss = exp(x) - t x,         d/dx = exp(x) - t
 *   SL_F_LOG_INPUT off: loss = x - t log(x + eps),   d/dx = 1 - t / (x + eps)
 *   SL_F_FULL adds t log t - t + 0.5 log(2 pi t) where t > 1 (PyTorch's mask). */
SL_INLINE vf sl_poisson_nll_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                                 vm *bad)
{
    (void)a0, (void)a1, (void)da, (void)bad;
    const vf one = vf_set1(1.0f);
    vf loss;
    if (c->flags & SL_F_LOG_INPUT) {
        const vf ex = vf_exp(x);
        loss = vf_sub(ex, vf_mul(y, x));
        *dx = vf_mul(vf_sub(ex, y), g);
    } else {
        const vf xe = vf_add(x, c->p0);
        loss = vf_sub(x, vf_mul(y, vf_log(xe)));
        *dx = vf_mul(vf_sub(one, vf_div(y, xe)), g);
    }
    if (c->flags & SL_F_FULL) {
        const vf st =
            vf_add(vf_sub(vf_mul(y, vf_log(y)), y),
                   vf_mul(vf_set1(0.5f), vf_log(vf_mul(vf_set1(6.28318530717958647692f), y))));
        loss = vf_add(loss, vf_select(vf_le(y, one), vf_set1(0.0f), st));
    }
    return loss;
}
