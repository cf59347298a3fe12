/* l1: loss = |x - y|; d/dx = sign(x - y), 0 at a tie. Where x - y is NaN (a
 * NaN input, or inf - inf) the gradient is NaN like the loss: PyTorch's
 * sign(NaN) = 0 is not copied. */
SL_ELEMENT(l1)
{
    const vf x = in->input, y = in->target;
    const vf d = vf_sub(x, y);
    out->grad_input = vf_mul(sl_sign(d), g);
    return vf_abs(d);
}
