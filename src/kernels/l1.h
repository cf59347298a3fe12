/* l1: loss = |x - y|; d/dx = sign(x - y), 0 at a tie. Where x - y is NaN (a
 * NaN input, or inf - inf) the gradient is NaN like the loss: PyTorch's
 * sign(NaN) = 0 is not copied. */
SL_INLINE vf sl_l1_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf d = vf_sub(x, y);
    *dx = vf_mul(sl_sign(d), g);
    return vf_abs(d);
}
