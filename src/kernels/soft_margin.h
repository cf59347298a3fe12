/* soft_margin: z = -y x; loss = softplus(z) = max(z, 0) + log(1 + exp(-|z|));
 * d/dx = -y sigmoid(z). For z <= 0 this is PyTorch 1.13's log(1 + exp(z));
 * for z > 0 it stays finite where PyTorch overflows (z > 88.7 gives z, not
 * inf). */
SL_ELEMENT(soft_margin)
{
    const vf x = in->input, y = in->target;
    const vf z = vf_mul(vf_neg(y), x);
    const vf e = vf_exp(vf_neg(vf_abs(z)));
    out->grad_input = vf_mul(vf_mul(vf_neg(y), sl_sigmoid_e(z, e)), g);
    const vf m = vf_max(vf_set1(0.0f), z);
    return vf_add(m, vf_log(vf_add(vf_set1(1.0f), e)));
}
