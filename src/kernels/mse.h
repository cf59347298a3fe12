/* mse: loss = d^2 with d = x - y; d/dx = 2d (the 2 is folded into g, as
 * PyTorch's norm = 2/N, so the gradient is g * d with g = 2/N or 2). */
SL_INLINE vf sl_mse_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf d = vf_sub(x, y);
    *dx = vf_mul(g, d);
    return vf_mul(d, d);
}
