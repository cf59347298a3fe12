/* SPDX-License-Identifier: Apache-2.0 */
/* hinge_embedding:
 *   loss = [y != 1] max(0, margin - x) + [y != -1] x
 *   d/dx = [y != -1] - [y != 1][margin - x >= 0]  (the clamp passes at 0).
 * A NaN target gives NaN (PyTorch treats it as "neither 1 nor -1"). */
#ifndef SL_SPECS
SL_ELEMENT(hinge_embedding)
{
    const vf x = in->input, y = in->target;
    const vf zero = vf_set1(0.0f), one = vf_set1(1.0f);
    const vf mx = vf_sub(prm->margin, x);
    const vm not_pos = vf_ne(y, one), not_neg = vf_ne(y, vf_neg(one));
    const vf loss = vf_add(vf_select(not_pos, vf_max(zero, mx), zero), vf_select(not_neg, x, zero));
    const vf gm = vf_select(vm_and(not_pos, vf_ge(mx, zero)), vf_neg(g), zero);
    out->grad_input = sl_nan_in(vf_add(gm, vf_select(not_neg, g, zero)), x, y);
    return sl_nan_in(loss, x, y);
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_hinge_embedding_branches[] = {
    {"margin=1", {1.0f}, .cross = 1},
    {"margin=2.5", {2.5f}, .cross = 0},
    {"margin=0", {0.0f}, .cross = 1},
    {"margin=-0.5", {-0.5f}, .cross = 1},
};

/* labels 1 and -1, some others (0, 2; edges: 0, 1, 2); inputs around 0 and
 * the margin; edges: x exactly the margin in a tenth of the elements */
static void sl_hinge_embedding_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                                   double *tgt)
{
    static const double odd[] = {0.0, 2.0};
    (void)i;
    if (edges) {
        const int tie = ts_coin(s, 0.1);
        tgt[0] = ts_coin(s, 0.45) ? 1.0 : (ts_coin(s, 0.8) ? -1.0 : (double)(int)ts_U(s, 0, 3));
        in[0] = tie ? b->pf[0] : 2.0 * ts_N(s);
        return;
    }
    const double u = ts_unit(s);
    tgt[0] = u < 0.45 ? 1.0 : (u < 0.9 ? -1.0 : ts_pick(s, odd, 2));
    in[0] = ts_coin(s, 0.5) ? b->pf[0] + 2.0 * ts_N(s) : 2.0 * ts_N(s);
}

static void sl_hinge_embedding_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double m = e->pf[0];
    double v = 0.0;
    if (y != 1.0) v += fmax(0.0, m - x);
    if (y != -1.0) v += x;
    r->value = v;
    r->mag = fabs(x) + fabs(m) + fabs(m - x);
    r->gmag[0] = 1.0;
    if (y != 1.0) r->kink[0] = fabs(m - x);
}

static void sl_hinge_embedding_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0];
    *lt = fabs(e->pf[0] - x) + fabs(x);
    gt[0] = 0.0;
    *gct = 0.0;
}

TS_SPEC(hinge_embedding, .gen = sl_hinge_embedding_gen, .ref = sl_hinge_embedding_ref,
        .golden = sl_hinge_embedding_golden, .mean_grad_ulps = 1);
#endif
