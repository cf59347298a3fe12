/* Keras mean_absolute_percentage_error, per element: den = max(|y|, 1e-7);
 * loss = 100 |(y - x) / den|; d/dx = 100 sign(x - y) / den. */
SL_INLINE vf sl_mape_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf hundred = vf_set1(100.0f);
    const vf den = vf_max(vf_set1(1e-7f), vf_abs(y));
    *dx = vf_mul(vf_div(vf_mul(hundred, sl_sign(vf_sub(x, y))), den), g);
    return vf_mul(hundred, vf_abs(vf_div(vf_sub(y, x), den)));
}
