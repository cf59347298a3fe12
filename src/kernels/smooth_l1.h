/* smooth_l1: z = |d|; loss = 0.5 z z / beta if z < beta else
 * z - 0.5 beta; d/dx = -1 if d <= -beta, 1 if d >= beta, else d / beta.
 * beta = 0 is l1 with gradient -1 at d = 0, exactly as PyTorch. */
SL_ELEMENT(smooth_l1)
{
    const vf x = in->input, y = in->target;
    const vf beta = prm->beta, half = vf_set1(0.5f);
    const vf d = vf_sub(x, y), z = vf_abs(d);
    const vf quad = vf_div(vf_mul(vf_mul(half, z), z), beta);
    const vf lin = vf_sub(z, vf_mul(half, beta));
    out->grad_input = vf_select(vf_le(d, vf_neg(beta)), vf_neg(g),
                                vf_select(vf_ge(d, beta), g, vf_div(vf_mul(g, d), beta)));
    return vf_select(vf_lt(z, beta), quad, lin);
}
