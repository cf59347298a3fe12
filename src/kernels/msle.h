/* SPDX-License-Identifier: Apache-2.0 */
/* Keras mean_squared_logarithmic_error, per element, eps = 1e-7:
 * a = log(max(x, eps) + 1), b = log(max(y, eps) + 1); loss = (a - b)^2;
 * d/dx = 2 (a - b) / (max(x, eps) + 1) where x >= eps, else 0. */
#ifndef SL_SPECS
SL_ELEMENT(msle)
{
    const vf x = in->input, y = in->target;
    const vf one = vf_set1(1.0f), eps = vf_set1(1e-7f);
    const vf xp = vf_add(vf_max(eps, x), one);
    const vf d = vf_sub(vf_log(xp), vf_log(vf_add(vf_max(eps, y), one)));
    const vf gr = vf_select(vf_ge(x, eps), vf_div(vf_add(d, d), xp), vf_set1(0.0f));
    out->grad_input = sl_nan_in(vf_mul(gr, g), x, y);
    return vf_mul(d, d);
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_msle_branches[] = {{"plain", {0}, .cross = 1}};

/* values log-uniform in [1e-3, 1e3], some in [-1, 0] and [0, 1e-3] (the clip
 * at eps); edges: ties x == y and x exactly eps in a tenth of the elements */
static void sl_msle_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                        double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        const int tie = ts_coin(s, 0.1);
        tgt[0] = ts_coin(s, 0.8) ? exp(ts_U(s, -7, 7)) : ts_U(s, -1, 1e-3);
        in[0] = ts_coin(s, 0.8) ? exp(ts_U(s, -7, 7)) : ts_U(s, -1, 1e-3);
        if (tie) in[0] = ts_coin(s, 0.5) ? tgt[0] : (double)1e-7f;
        return;
    }
    double v[2];
    for (int j = 0; j < 2; j++) {
        const double u = ts_unit(s);
        v[j] = u < 0.8 ? ts_LU(s, 1e-3, 1e3) : (u < 0.9 ? ts_U(s, -1.0, 0.0) : ts_U(s, 0.0, 1e-3));
    }
    in[0] = v[0];
    tgt[0] = v[1];
}

static void sl_msle_ref(const ts_elem *e, ts_ref *r) /* Keras: log(v + 1), not log1p */
{
    const double x = e->in[0], y = e->tgt[0];
    const double eps = ts_eps7();
    const double xc = fmax(x, eps), yc = fmax(y, eps);
    const double la = log(xc + 1.0), lb = log(yc + 1.0), d = la - lb;
    r->value = d * d;
    /* float32 rounds v + 1 and both logs: ~1e-7 (1 + |la| + |lb|) on d */
    r->mag = d * d + 2.0 * fabs(d) * (2.0 + fabs(la) + fabs(lb));
    r->gmag[0] = 2.0 * (fabs(d) + 2.0 + fabs(la) + fabs(lb)) / (xc + 1.0);
    r->kink[0] = fabs(x - eps);
    r->sing[0] = fabs(xc + 1.0);
}

static void sl_msle_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0];
    const double a = log(fmax(x, 1e-7) + 1), b = log(fmax(y, 1e-7) + 1);
    *lt = 2 * (fabs(a) + fabs(b)) * fabs(a - b);
    gt[0] = 2 * (fabs(a) + fabs(b)) / (fmax(x, 1e-7) + 1);
    *gct = 0.0;
}

TS_SPEC(msle, .gen = sl_msle_gen, .ref = sl_msle_ref, .golden = sl_msle_golden,
        .mean_grad_ulps = 1);
#endif
