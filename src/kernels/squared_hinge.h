/* Keras squared_hinge: y' as hinge (hinge.h); h = max(1 - y' x, 0);
 * loss = h^2; d/dx = -2 y' h. */
SL_ELEMENT(squared_hinge)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f);
    const vf yp = sl_hinge_label(flags, y);
    const vf h = vf_max(zero, vf_sub(vf_set1(1.0f), vf_mul(yp, x)));
    out->grad_input = sl_nan_in(vf_mul(vf_mul(vf_add(h, h), vf_neg(yp)), g), x, y);
    return vf_mul(h, h);
}
