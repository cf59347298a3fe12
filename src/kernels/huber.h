/* huber: z = |d|; loss = 0.5 z z if z < delta else
 * delta (z - 0.5 delta) (PyTorch's operation order, bit-exact);
 * d/dx = -delta if d <= -delta, delta if d >= delta, else d. */
SL_ELEMENT(huber)
{
    const vf x = in->input, y = in->target;
    const vf delta = prm->delta, half = vf_set1(0.5f);
    const vf d = vf_sub(x, y), z = vf_abs(d);
    const vf quad = vf_mul(vf_mul(half, z), z);
    const vf lin = vf_mul(delta, vf_sub(z, vf_mul(half, delta)));
    out->grad_input = vf_select(vf_le(d, vf_neg(delta)), vf_mul(vf_neg(g), delta),
                                vf_select(vf_ge(d, delta), vf_mul(g, delta), vf_mul(g, d)));
    return vf_select(vf_lt(z, delta), quad, lin);
}
