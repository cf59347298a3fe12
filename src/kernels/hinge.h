/* Keras hinge: y' = 2y - 1 (SL_F_CONVERT: every target of the call is 0 or 1)
 * or y; v = 1 - y' x; loss = max(v, 0); d/dx = -y' where v >= 0 (TensorFlow's
 * maximum passes the gradient at the tie), else 0. */
SL_INLINE vf sl_hinge_label(int flags, vf y)
{
    if (flags & SL_F_CONVERT) return vf_sub(vf_add(y, y), vf_set1(1.0f));
    return y;
}

SL_ELEMENT(hinge)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf yp = sl_hinge_label(flags, y);
    const vf v = vf_sub(vf_set1(1.0f), vf_mul(yp, x));
    /* mask, then times -y': an infinite label gives 0 * inf = NaN, as autodiff does */
    out->grad_input = sl_nan_in(vf_mul(vf_select(vf_ge(v, zero), g, zero), vf_neg(yp)), x, y);
    return vf_max(zero, v);
}
