/* gaussian_nll with variance var and parameter eps:
 *   v = max(var, eps); loss = 0.5 (log v + d^2 / v) (+ 0.5 log(2 pi), SL_F_FULL)
 *   d/dx = d / v;  d/dvar = 0.5 (1 / v - d^2 / v^2), also where var < eps
 *   (PyTorch clamps under no_grad: a straight-through gradient). */
SL_ELEMENT(gaussian_nll)
{
    const vf x = in->input, y = in->target, var = in->var;
    const vf half = vf_set1(0.5f);
    const vf v = vf_max(prm->eps, var);
    const vf d = vf_sub(x, y);
    /* one division instead of three: each quotient is then within an ulp of
     * PyTorch's divisions (same operations on every ISA, so still bitwise
     * reproducible) */
    const vf r = vf_div(vf_set1(1.0f), v);
    const vf q = vf_mul(vf_mul(d, d), r);
    out->grad_input = vf_mul(vf_mul(d, r), g);
    out->grad_var = vf_mul(vf_mul(half, g), vf_mul(vf_sub(vf_set1(1.0f), q), r));
    vf loss = vf_mul(half, vf_add(vf_log(v), q));
    if (flags & SL_F_FULL) loss = vf_add(loss, vf_set1(0.91893853320467274178f));
    return loss;
}
