/* SPDX-License-Identifier: Apache-2.0 */
/* poisson_nll:
 *   SL_F_LOG_INPUT on:  loss = exp(x) - t x,         d/dx = exp(x) - t
 *   SL_F_LOG_INPUT off: loss = x - t log(x + eps),   d/dx = 1 - t / (x + eps)
 *   SL_F_FULL adds t log t - t + 0.5 log(2 pi t) where t > 1 (PyTorch's mask). */
#ifndef SL_SPECS
SL_ELEMENT(poisson_nll)
{
    const vf x = in->input, y = in->target;
    const vf one = vf_set1(1.0f);
    vf loss;
    if (flags & SL_F_LOG_INPUT) {
        const vf ex = vf_exp(x);
        loss = vf_sub(ex, vf_mul(y, x));
        out->grad_input = vf_mul(vf_sub(ex, y), g);
    } else {
        const vf xe = vf_add(x, prm->eps);
        loss = vf_sub(x, vf_mul(y, vf_log(xe)));
        out->grad_input = vf_mul(vf_sub(one, vf_div(y, xe)), g);
    }
    if (flags & SL_F_FULL) {
        const vf st =
            vf_add(vf_sub(vf_mul(y, vf_log(y)), y),
                   vf_mul(vf_set1(0.5f), vf_log(vf_mul(vf_set1(6.28318530717958647692f), y))));
        loss = vf_add(loss, vf_select(vf_le(y, one), vf_set1(0.0f), st));
    }
    return loss;
}
#else /* the tests' reference and data (tests/spec.h); poisson's data too */

static const ts_branch sl_poisson_nll_branches[] = {
    {"log_input=1 full=0", {1e-8f}, {1, 0}, .cross = 1},
    {"log_input=1 full=1", {1e-8f}, {1, 1}, .cross = 1},
    {"log_input=0 full=0", {1e-8f}, {0, 0}, .cross = 1},
    {"log_input=0 full=1", {1e-8f}, {0, 1}, .cross = 0},
    {"log_input=0 full=1 eps=0.5", {0.5f}, {0, 1}, .cross = 0},
    {"log_input=0 full=1 eps=0.1", {0.1f}, {0, 1}, .cross = 1},
};

/* Poisson-like counts; log-rates in [-3, 3] (log_input) or positive rates,
 * some small; edges: rates in [0, 6], a tenth of them exactly 0 */
static void sl_poisson_nll_pair(int log_input, int edges, uint64_t *s, double *in, double *tgt)
{
    if (edges) {
        const int tie = ts_coin(s, 0.1);
        tgt[0] = ts_count(s);
        in[0] = log_input ? ts_U(s, -3, 3) : ts_U(s, 0, 6);
        if (tie) in[0] = 0.0;
        return;
    }
    tgt[0] = ts_count(s);
    if (log_input)
        in[0] = ts_U(s, -3.0, 3.0);
    else
        in[0] = ts_coin(s, 0.8) ? ts_U(s, 1e-3, 6.0) : ts_LU(s, 1e-4, 1.0);
}

static void sl_poisson_nll_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                               double *tgt)
{
    (void)i;
    sl_poisson_nll_pair(b->pi[0], edges, s, in, tgt);
}

static void sl_poisson_nll_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0];
    const double t = e->tgt[0], eps = e->pf[0];
    if (e->pi[0]) {
        r->value = exp(x) - t * x;
        r->mag = exp(x) + fabs(t * x);
        r->gmag[0] = exp(x) + fabs(t);
    } else {
        const double lg = log(x + eps);
        r->value = x - t * lg;
        r->mag = fabs(x) + fabs(t) * (fabs(lg) + 1.0);
        r->gmag[0] = 1.0 + fabs(t / (x + eps));
        r->sing[0] = fabs(x + eps);
    }
    if (e->pi[1] && t > 1.0) { /* Stirling term, masked to t > 1 */
        const double st = t * log(t) - t + 0.5 * log(TS_2PI * t);
        r->value += st;
        r->mag += fabs(t * log(t)) + fabs(t) + 0.5 * fabs(log(TS_2PI * t));
    }
}

static void sl_poisson_nll_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0];
    const double eps = e->pf[0];
    if (e->pi[0]) {
        *lt = exp(x) + fabs(y * x);
        gt[0] = exp(x) + fabs(y);
    } else {
        *lt = fabs(x) + fabs(y * log(fabs(x + eps)));
        gt[0] = 1 + fabs(y / (x + eps));
    }
    if (e->pi[1] && y > 1) *lt += fabs(y * log(y)) + y + fabs(0.5 * log(6.283185307179586 * y));
    *gct = 0.0;
}

static const ts_point sl_poisson_nll_points[] = {
    {2.0, 3.0, 1.0, {1e-8}, {1, 1}, 0, 3.1531377, 1e-6},
};

TS_SPEC(poisson_nll, .gen = sl_poisson_nll_gen, .ref = sl_poisson_nll_ref,
        .golden = sl_poisson_nll_golden, .mean_grad_ulps = 1, .points = sl_poisson_nll_points,
        .npoints = 1);
#endif
