/* gaussian_nll with variance var = a0, eps = p0:
 *   v = max(var, eps); loss = 0.5 (log v + d^2 / v) (+ 0.5 log(2 pi), SL_F_FULL)
 *   d/dx = d / v;  d/dvar = 0.5 (1 / v - d^2 / v^2), also where var < eps
 *   (PyTorch clamps under no_grad: a straight-through gradient). */
SL_INLINE vf sl_gaussian_nll_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                                  vm *bad)
{
    (void)a1, (void)bad;
    const vf half = vf_set1(0.5f);
    const vf v = vf_max(c->p0, a0);
    const vf d = vf_sub(x, y);
    /* one division instead of three: each quotient is then within an ulp of
     * PyTorch's divisions (same operations on every ISA, so still bitwise
     * reproducible) */
    const vf r = vf_div(vf_set1(1.0f), v);
    const vf q = vf_mul(vf_mul(d, d), r);
    *dx = vf_mul(vf_mul(d, r), g);
    *da = vf_mul(vf_mul(half, g), vf_mul(vf_sub(vf_set1(1.0f), q), r));
    vf loss = vf_mul(half, vf_add(vf_log(v), q));
    if (c->flags & SL_F_FULL) loss = vf_add(loss, vf_set1(0.91893853320467274178f));
    return loss;
}
