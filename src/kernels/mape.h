/* Keras mean_absolute_percentage_error, per element: den = max(|y|, 1e-7);
 * loss = 100 |(y - x) / den|; d/dx = 100 sign(x - y) / den. */
SL_ELEMENT(mape)
{
    const vf x = in->input, y = in->target;
    const vf hundred = vf_set1(100.0f);
    const vf den = vf_max(vf_set1(1e-7f), vf_abs(y));
    out->grad_input = vf_mul(vf_div(vf_mul(hundred, sl_sign(vf_sub(x, y))), den), g);
    return vf_mul(hundred, vf_abs(vf_div(vf_sub(y, x), den)));
}
