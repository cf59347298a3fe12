/* bce on probabilities p = x, weight w (1 when absent):
 *   loss = w [(y - 1) max(log(1 - p), -100) - y max(log p, -100)]
 *   d/dp = w (p - y) / max((1 - p) p, 1e-12)
 * (PyTorch 1.13's clamps and operation order). Domain: 0 <= p <= 1. */
SL_ELEMENT(bce)
{
    const vf x = in->input, y = in->target, w = in->weight;
    const vf one = vf_set1(1.0f), floor = vf_set1(-100.0f);
    const vf omp = vf_sub(one, x);
    /* everything that does not need a log first: fewer values live across the calls */
    *bad = vm_not(vm_and(vf_ge(x, vf_set1(0.0f)), vf_le(x, one)));
    out->grad_input =
        vf_mul(vf_div(vf_mul(g, vf_sub(x, y)), vf_max(vf_set1(1e-12f), vf_mul(omp, x))), w);
    const vf l1p = vf_max(floor, vf_log(omp));
    const vf lp = vf_max(floor, vf_log(x));
    return vf_mul(vf_sub(vf_mul(vf_sub(y, one), l1p), vf_mul(y, lp)), w);
}
