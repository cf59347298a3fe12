/* SPDX-License-Identifier: Apache-2.0 */
/* kl_div on log-probabilities x, pointwise:
 *   SL_F_LOG_TARGET off: loss = xlogy(t, t) - t x (0 for t = 0, NaN for
 *                        t < 0), d/dx = -t
 *   SL_F_LOG_TARGET on:  loss = exp(t) (t - x), d/dx = -exp(t) */
#ifndef SL_SPECS
SL_ELEMENT(kl_div)
{
    const vf x = in->input, y = in->target;
    vf loss, d;
    if (flags & SL_F_LOG_TARGET) {
        const vf et = vf_exp(y);
        loss = vf_mul(et, vf_sub(y, x));
        d = vf_neg(vf_mul(et, g));
    } else {
        const vf xl = vf_select(vf_eq(y, vf_set1(0.0f)), vf_set1(0.0f), vf_mul(y, vf_log(y)));
        loss = vf_sub(xl, vf_mul(y, x));
        d = vf_neg(vf_mul(y, g));
    }
    out->grad_input = sl_nan_in(d, x, y);
    return loss;
}
#else /* the tests' reference and data (tests/spec.h) */

static const ts_branch sl_kl_div_branches[] = {
    {"log_target=0", {0}, {0}, .cross = 1},
    {"log_target=1", {0}, {1}, .cross = 1},
};

/* log-probabilities in [-10, 0]; targets: log-probabilities (log_target) or
 * probabilities, some 0 (and, smooth, some small) */
static void sl_kl_div_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                          double *tgt)
{
    (void)i;
    if (edges) {
        tgt[0] = b->pi[0] ? ts_U(s, -10, 0) : (ts_coin(s, 0.2) ? 0.0 : ts_U(s, 0, 1));
        in[0] = ts_U(s, -10, 0);
        return;
    }
    if (b->pi[0]) {
        tgt[0] = ts_U(s, -10.0, 0.0);
    } else {
        const double u = ts_unit(s);
        tgt[0] = u < 0.2 ? 0.0 : (u < 0.35 ? ts_LU(s, 1e-6, 1e-2) : ts_U(s, 0.0, 1.0));
    }
    in[0] = ts_U(s, -10.0, 0.0);
}

static void sl_kl_div_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], t = e->tgt[0];
    if (e->pi[0]) {
        const double et = exp(t);
        r->value = et * (t - x);
        r->mag = et * (fabs(t) + fabs(x));
        r->gmag[0] = et;
    } else {
        const double xl = t == 0.0 ? 0.0 : t * log(t); /* xlogy(t, t); NaN for t < 0 */
        r->value = xl - t * x;
        r->mag = fabs(xl) + fabs(t * x);
        r->gmag[0] = fabs(t);
    }
}

static void sl_kl_div_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0];
    *lt = e->pi[0] ? exp(y) * (fabs(y) + fabs(x)) : fabs(y * log(fabs(y))) + fabs(y * x);
    gt[0] = 0.0;
    *gct = 0.0;
}

static const ts_point sl_kl_div_points[] = {
    {-1.3862944, -0.69314718, 1.0, {0}, {1, 0}, 0, 0.34657359, 1e-6},
};

TS_SPEC(kl_div, .gen = sl_kl_div_gen, .ref = sl_kl_div_ref, .golden = sl_kl_div_golden,
        .mean_grad_ulps = 1, .points = sl_kl_div_points, .npoints = 1);
#endif
