/* mse: loss = d^2 with d = x - y; d/dx = 2d (the 2 is folded into g, as
 * PyTorch's norm = 2/N, so the gradient is g * d with g = 2/N or 2). */
SL_ELEMENT(mse)
{
    const vf x = in->input, y = in->target;
    const vf d = vf_sub(x, y);
    out->grad_input = vf_mul(g, d);
    return vf_mul(d, d);
}
