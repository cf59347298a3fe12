/* Keras mean_squared_logarithmic_error, per element, eps = 1e-7:
 * a = log(max(x, eps) + 1), b = log(max(y, eps) + 1); loss = (a - b)^2;
 * d/dx = 2 (a - b) / (max(x, eps) + 1) where x >= eps, else 0. */
SL_INLINE vf sl_msle_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf one = vf_set1(1.0f), eps = vf_set1(1e-7f);
    const vf xp = vf_add(vf_max(eps, x), one);
    const vf d = vf_sub(vf_log(xp), vf_log(vf_add(vf_max(eps, y), one)));
    const vf gr = vf_select(vf_ge(x, eps), vf_div(vf_add(d, d), xp), vf_set1(0.0f));
    *dx = sl_nan_in(vf_mul(gr, g), x, y);
    return vf_mul(d, d);
}
