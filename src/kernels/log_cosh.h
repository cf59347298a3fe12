/* Keras log_cosh: d = x - y; loss = d + softplus(-2d) - log 2 (Keras' order),
 * d/dx = tanh(d). With em = expm1(-2|d|): softplus(-2d) = max(-2d, 0) +
 * log1p(1 + em) and tanh|d| = -em / (2 + em), accurate for tiny d too. */
SL_INLINE vf sl_log_cosh_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                              vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf one = vf_set1(1.0f), zero = vf_set1(0.0f);
    const vf d = vf_sub(x, y);
    const vf z = vf_mul(d, vf_set1(-2.0f));
    const vf em = vf_expm1(vf_neg(vf_abs(z)));
    const vf sp = vf_add(vf_max(zero, z), vf_log1p(vf_add(one, em)));
    const vf th = vf_div(vf_neg(em), vf_add(vf_set1(2.0f), em));
    *dx = vf_mul(vf_select(vf_lt(d, zero), vf_neg(th), th), g);
    return vf_sub(vf_add(d, sp), vf_set1(0.69314718055994530942f));
}
