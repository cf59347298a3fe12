/* Keras poisson, per element: loss = x - y log(x + 1e-7); d/dx = 1 - y / (x + 1e-7). */
SL_INLINE vf sl_poisson_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da,
                             vm *bad)
{
    (void)c, (void)a0, (void)a1, (void)da, (void)bad;
    const vf xe = vf_add(x, vf_set1(1e-7f));
    *dx = vf_mul(vf_sub(vf_set1(1.0f), vf_div(y, xe)), g);
    return vf_sub(x, vf_mul(y, vf_log(xe)));
}
