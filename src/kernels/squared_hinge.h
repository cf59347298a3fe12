/* Keras squared_hinge: y' as hinge (hinge.h); h = max(1 - y' x, 0);
 * loss = h^2; d/dx = -2 y' h. */
SL_INLINE vf sl_squared_hinge_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                                   vm *bad)
{
    (void)a0, (void)a1, (void)da, (void)bad;
    const vf zero = vf_set1(0.0f);
    const vf yp = sl_hinge_label(c, y);
    const vf h = vf_max(zero, vf_sub(vf_set1(1.0f), vf_mul(yp, x)));
    *dx = sl_nan_in(vf_mul(vf_mul(vf_add(h, h), vf_neg(yp)), g), x, y);
    return vf_mul(h, h);
}
