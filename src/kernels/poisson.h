/* Keras poisson, per element: loss = x - y log(x + 1e-7); d/dx = 1 - y / (x + 1e-7). */
SL_ELEMENT(poisson)
{
    const vf x = in->input, y = in->target;
    const vf xe = vf_add(x, vf_set1(1e-7f));
    out->grad_input = vf_mul(vf_sub(vf_set1(1.0f), vf_div(y, xe)), g);
    return vf_sub(x, vf_mul(y, vf_log(xe)));
}
