/* SPDX-License-Identifier: Apache-2.0 */
/* Keras mean_absolute_percentage_error, per element: den = max(|y|, 1e-7);
 * loss = 100 |(y - x) / den|; d/dx = 100 sign(x - y) / den. */
#ifndef SL_SPECS
SL_ELEMENT(mape)
{
    const vf x = in->input, y = in->target;
    const vf hundred = vf_set1(100.0f);
    const vf den = vf_max(vf_set1(1e-7f), vf_abs(y));
    out->grad_input = vf_mul(vf_div(vf_mul(hundred, sl_sign(vf_sub(x, y))), den), g);
    return vf_mul(hundred, vf_abs(vf_div(vf_sub(y, x), den)));
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_mape_branches[] = {{"plain", {0}, .cross = 1}};

/* targets of either sign, some small, some 0; inputs around them; edges:
 * ties x == y in a tenth of the elements */
static void sl_mape_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                        double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        const int tie = ts_coin(s, 0.1);
        tgt[0] = ts_coin(s, 0.9) ? ts_U(s, -10, 10) : 0.0;
        in[0] = tie ? tgt[0] : tgt[0] + ts_N(s);
        return;
    }
    const double u = ts_unit(s);
    tgt[0] = u < 0.85 ? ts_sgn(s) * ts_U(s, 0.1, 10.0)
                      : (u < 0.95 ? ts_sgn(s) * ts_LU(s, 1e-4, 1e-1) : 0.0);
    in[0] = tgt[0] + (0.5 * fabs(tgt[0]) + 0.1) * ts_N(s);
}

static void sl_mape_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double den = fmax(fabs(y), ts_eps7());
    r->value = 100.0 * fabs((y - x) / den);
    r->mag = r->value;
    r->gmag[0] = 100.0 / den;
    r->kink[0] = fabs(x - y);
}

TS_SPEC(mape, .gen = sl_mape_gen, .ref = sl_mape_ref, .mean_grad_ulps = 1);
#endif
