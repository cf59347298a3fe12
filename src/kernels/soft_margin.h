/* SPDX-License-Identifier: Apache-2.0 */
/* soft_margin: z = -y x; loss = softplus(z) = max(z, 0) + log(1 + exp(-|z|));
 * d/dx = -y sigmoid(z). For z <= 0 this is PyTorch 1.13's log(1 + exp(z));
 * for z > 0 it stays finite where PyTorch overflows (z > 88.7 gives z, not
 * inf). */
#ifndef SL_SPECS
SL_ELEMENT(soft_margin)
{
    const vf x = in->input, y = in->target;
    const vf z = vf_mul(vf_neg(y), x);
    const vf e = vf_exp(vf_neg(vf_abs(z)));
    out->grad_input = vf_mul(vf_mul(vf_neg(y), sl_sigmoid_e(z, e)), g);
    const vf m = vf_max(vf_set1(0.0f), z);
    return vf_add(m, vf_log(vf_add(vf_set1(1.0f), e)));
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_soft_margin_branches[] = {{"plain", {0}, .cross = 1}};

/* labels +-1 mostly, some others; logits mostly moderate, some large */
static void sl_soft_margin_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                               double *tgt)
{
    static const double odd[] = {0.5, -2.0, 0.25, 0.0};
    (void)b, (void)i;
    if (edges) {
        tgt[0] = ts_coin(s, 0.85) ? (ts_coin(s, 0.5) ? 1.0 : -1.0) : ts_U(s, -2, 2);
        in[0] = ts_coin(s, 0.85) ? 4.0 * ts_N(s) : ts_U(s, -120, 120);
        return;
    }
    tgt[0] = ts_coin(s, 0.8) ? ts_sgn(s) : ts_pick(s, odd, 4);
    /* |y x| > 88.7 too: finite where PyTorch 1.13 overflows (docs/semantics.md) */
    in[0] = ts_coin(s, 0.8) ? 3.0 * ts_N(s) : ts_U(s, -120.0, 120.0);
}

static void sl_soft_margin_ref(const ts_elem *e, ts_ref *r) /* stable (docs/semantics.md) */
{
    const double x = e->in[0], y = e->tgt[0];
    const double z = -y * x;
    r->value = ts_softplus(z);
    r->mag = r->value + fabs(z);
    r->gmag[0] = fabs(y) * ts_sigmoid(z) * (1.0 + fabs(z));
}

TS_SPEC(soft_margin, .gen = sl_soft_margin_gen, .ref = sl_soft_margin_ref, .mean_grad_ulps = 1);
#endif
