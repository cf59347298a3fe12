/* Keras log_cosh: d = x - y; loss = log(cosh d) (Keras: d + softplus(-2d)
 * - log 2), d/dx = tanh(d). With em = expm1(-2|d|):
 *   log(cosh d) = |d| + log1p(em / 2)  and  tanh|d| = -em / (2 + em),
 * the same function without Keras' cancellation against log 2, so small
 * errors keep their precision (Keras' float32 value is off by up to
 * ~6e-8 absolute there). */
SL_ELEMENT(log_cosh)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf d = vf_sub(x, y), ad = vf_abs(d);
    const vf em = vf_expm1(vf_mul(ad, vf_set1(-2.0f)));
    const vf th = vf_div(vf_neg(em), vf_add(vf_set1(2.0f), em));
    out->grad_input = vf_mul(vf_select(vf_lt(d, zero), vf_neg(th), th), g);
    return vf_add(ad, vf_log1p(vf_mul(em, vf_set1(0.5f))));
}
