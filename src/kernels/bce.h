/* SPDX-License-Identifier: Apache-2.0 */
/* bce on probabilities p = x, weight w (1 when absent):
 *   loss = w [(y - 1) max(log(1 - p), -100) - y max(log p, -100)]
 *   d/dp = w (p - y) / max((1 - p) p, 1e-12)
 * (PyTorch 1.13's clamps and operation order). Domain: 0 <= p <= 1. */
#ifndef SL_SPECS
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
#else /* the tests' reference and data (tests/spec.h); binary_focal's data and ale's edges too */

static const ts_branch sl_bce_branches[] = {
    {"no weight", {0}, {0}, {0}, .cross = 1},
    {"weight_len=1", {0}, {0}, {1}, .cross = 1},
    {"weight_len=3", {0}, {0}, {3}, .cross = 1},
    {"weight_len=n", {0}, {0}, {TS_N}, .cross = 1},
};

/* edges: labels and soft labels; probabilities uniform, or in a tenth of the
 * elements equal to the label or at 0, 1, the clip bounds 1e-7 and 1 - 1e-7,
 * 0.5, the float below 1 and 1e-30 */
static void sl_bce_edges(uint64_t *s, double *in, double *tgt)
{
    static const double sp[] = {
        0.0, 1.0, (double)1e-7f, (double)(1.0f - 1e-7f), 0.5, (double)0.99999994f, (double)1e-30f};
    const int tie = ts_coin(s, 0.1);
    tgt[0] = ts_label01(s);
    in[0] = tie ? (ts_coin(s, 0.5) ? tgt[0] : ts_pick(s, sp, 7)) : ts_U(s, 0, 1);
}

/* probabilities, also close to 0 and 1; labels and soft labels */
static void sl_bce_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                       double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        sl_bce_edges(s, in, tgt);
        return;
    }
    in[0] = ts_prob(s);
    tgt[0] = ts_label01(s);
}

static void sl_bce_ref(const ts_elem *e, ts_ref *r) /* logs clamped at -100 */
{
    const double p = e->in[0], y = e->tgt[0], w = e->cyc[0];
    const double l1p = fmax(log(1.0 - p), -100.0), lp = fmax(log(p), -100.0);
    r->value = w * ((y - 1.0) * l1p - y * lp);
    /* float32 forms 1 - p (one rounding) before its log */
    r->mag = fabs(w) * (fabs(1.0 - y) * (fabs(l1p) + 1.0) + fabs(y) * (fabs(lp) + 1.0));
    r->gmag[0] = fabs(w) * (fabs(p) + fabs(y)) / fmax(p * (1.0 - p), 1e-12);
    r->sing[0] = ts_min(fabs(p), fabs(1.0 - p));
}

static void sl_bce_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0], w = fabs(e->cyc[0]);
    *lt = w * (fabs(y - 1) * fmin(100.0, fabs(log(1 - x))) + fabs(y) * fmin(100.0, fabs(log(x))));
    gt[0] = 0.0;
    *gct = 0.0;
}

static const ts_point sl_bce_points[] = {
    {0.2f, 1.0, 1.0, {0}, {0}, 0, 1.6094379, 1e-6},
    {0.0f, 1.0, 0.5, {0}, {0}, 0, 50.0, 1e-6},
};

static const float sl_bce_bad[] = {1.5f, -0.5f, NAN, INFINITY, 1.0000001f, -1e-30f};

TS_SPEC(bce, .gen = sl_bce_gen, .ref = sl_bce_ref, .golden = sl_bce_golden, .mean_grad_ulps = 4,
        .points = sl_bce_points, .npoints = 2, .bad_inputs = sl_bce_bad, .nbad_inputs = 6);
#endif
