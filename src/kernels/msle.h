/* Keras mean_squared_logarithmic_error, per element, eps = 1e-7:
 * a = log(max(x, eps) + 1), b = log(max(y, eps) + 1); loss = (a - b)^2;
 * d/dx = 2 (a - b) / (max(x, eps) + 1) where x >= eps, else 0. */
SL_ELEMENT(msle)
{
    const vf x = in->input, y = in->target;
    const vf one = vf_set1(1.0f), eps = vf_set1(1e-7f);
    const vf xp = vf_add(vf_max(eps, x), one);
    const vf d = vf_sub(vf_log(xp), vf_log(vf_add(vf_max(eps, y), one)));
    const vf gr = vf_select(vf_ge(x, eps), vf_div(vf_add(d, d), xp), vf_set1(0.0f));
    out->grad_input = sl_nan_in(vf_mul(gr, g), x, y);
    return vf_mul(d, d);
}
