/* bce on probabilities p = x, weight w = a0 (1 when absent):
 *   loss = w [(y - 1) max(log(1 - p), -100) - y max(log p, -100)]
 *   d/dp = w (p - y) / max((1 - p) p, 1e-12)
 * (PyTorch 1.13's clamps and operation order). Domain: 0 <= p <= 1. */
SL_INLINE vf sl_bce_elem(const sl_ctx *c, vf x, vf y, vf a0, vf a1, vf g, vf *dx, vf *da, vm *bad)
{
    (void)c, (void)a1, (void)da;
    const vf one = vf_set1(1.0f), floor = vf_set1(-100.0f);
    const vf omp = vf_sub(one, x);
    /* everything that does not need a log first: fewer values live across the calls */
    *bad = vm_not(vm_and(vf_ge(x, vf_set1(0.0f)), vf_le(x, one)));
    *dx = vf_mul(vf_div(vf_mul(g, vf_sub(x, y)), vf_max(vf_set1(1e-12f), vf_mul(omp, x))), a0);
    const vf l1p = vf_max(floor, vf_log(omp));
    const vf lp = vf_max(floor, vf_log(x));
    return vf_mul(vf_sub(vf_mul(vf_sub(y, one), l1p), vf_mul(y, lp)), a0);
}
