/* hinge_embedding:
 *   loss = [y != 1] max(0, margin - x) + [y != -1] x
 *   d/dx = [y != -1] - [y != 1][margin - x >= 0]  (the clamp passes at 0).
 * A NaN target gives NaN (PyTorch treats it as "neither 1 nor -1"). */
SL_ELEMENT(hinge_embedding)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f);
    const vf mx = vf_sub(prm->margin, x);
    const vm not_pos = vf_ne(y, one), not_neg = vf_ne(y, vf_neg(one));
    const vf loss = vf_add(vf_select(not_pos, vf_max(zero, mx), zero), vf_select(not_neg, x, zero));
    const vf gm = vf_select(vm_and(not_pos, vf_ge(mx, zero)), vf_neg(g), zero);
    out->grad_input = sl_nan_in(vf_add(gm, vf_select(not_neg, g, zero)), x, y);
    return sl_nan_in(loss, x, y);
}
