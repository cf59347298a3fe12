/* SPDX-License-Identifier: Apache-2.0 */
/* bce_with_logits on logits x, weight w, pos_weight pw (read only
 * with SL_F_POS_WEIGHT):
 *   m = max(-x, 0); L = m + log(1 + exp(-|x|)) = softplus(-x)
 *   loss = w [(1 - y) x + lw L],  lw = 1 + (pw - 1) y
 *   d/dx = w [(pw y + 1 - y) sigmoid(x) - pw y]   (w (sigmoid(x) - y) without pw)
 * This is 1.13's log(exp(-m) + exp(-x - m)) + m (one of its two exps is
 * exactly 1) with one exp instead of two. log(1 + e), like PyTorch, rather
 * than the slower log1p(e): both lose e below 2^-24, PyTorch included. */
#ifndef SL_SPECS
SL_ELEMENT(bce_with_logits)
{
    const vf x = in->input, y = in->target, w = in->weight, pw = in->pos_weight;
    const vf one = vf_set1(1.0f);
    const vf m = vf_max(vf_set1(0.0f), vf_neg(x));
    const vf e = vf_exp(vf_neg(vf_abs(x)));
    const vf sig = sl_sigmoid_e(x, e);
    const vf lin = vf_mul(vf_sub(one, y), x);
    if (flags & SL_F_POS_WEIGHT) {
        const vf lw = vf_add(vf_mul(vf_sub(pw, one), y), one);
        const vf t = vf_mul(pw, y);
        out->grad_input = vf_mul(vf_mul(vf_sub(vf_mul(vf_sub(vf_add(t, one), y), sig), t), g), w);
        return vf_mul(vf_add(lin, vf_mul(lw, vf_add(vf_log(vf_add(one, e)), m))), w);
    }
    out->grad_input = vf_mul(vf_mul(vf_sub(sig, y), g), w);
    const vf lm = vf_add(lin, m);
    return vf_mul(vf_add(lm, vf_log(vf_add(one, e))), w);
}
#else /* the tests' reference and data (tests/spec.h); sigmoid_focal's edges too */

static const ts_branch sl_bce_with_logits_branches[] = {
    {"plain", {0}, {0}, {0, 0}, .cross = 1},
    {"weight_len=n", {0}, {0}, {TS_N, 0}, .cross = 1},
    {"pos_weight_len=3", {0}, {0}, {0, 3}, .cross = 1},
    {"weight_len=1 pos_weight_len=n", {0}, {0}, {1, TS_N}, .cross = 0},
    {"weight_len=3 pos_weight_len=1", {0}, {0}, {3, 1}, .cross = 0},
    {"weight_len=3 pos_weight_len=n", {0}, {0}, {3, TS_N}, .cross = 1},
    {"weight_len=1 pos_weight_len=1", {0}, {0}, {1, 1}, .cross = 1},
};

/* edges: labels and soft labels; logits mostly moderate, some beyond the
 * float exp's range, and in a tenth of the elements exactly 0 or 88.5 */
static void sl_bce_with_logits_edges(uint64_t *s, double *in, double *tgt)
{
    const int tie = ts_coin(s, 0.1);
    tgt[0] = ts_label01(s);
    in[0] = ts_coin(s, 0.85) ? 4.0 * ts_N(s) : ts_U(s, -120, 120);
    if (tie) in[0] = ts_coin(s, 0.5) ? 0.0 : 88.5;
}

static void sl_bce_with_logits_gen(const ts_branch *b, int edges, size_t i, uint64_t *s, double *in,
                                   double *tgt)
{
    (void)b, (void)i;
    if (edges) {
        sl_bce_with_logits_edges(s, in, tgt);
        return;
    }
    in[0] = ts_coin(s, 0.8) ? 3.0 * ts_N(s) : ts_U(s, -120.0, 120.0);
    tgt[0] = ts_label01(s);
}

/* weight in (0.1, 3), pos_weight in (0.5, 3) */
static double sl_bce_with_logits_cyc(const ts_branch *b, int j, uint64_t *s)
{
    (void)b;
    return j == 0 ? ts_U(s, 0.1, 3.0) : ts_U(s, 0.5, 3.0);
}

static void sl_bce_with_logits_ref(const ts_elem *e, ts_ref *r)
{
    const double x = e->in[0], y = e->tgt[0];
    const double w = e->cyc[0], pw = e->cyc[1];
    const double L = ts_softplus(-x), lw = 1.0 + (pw - 1.0) * y;
    r->value = w * ((1.0 - y) * x + lw * L);
    r->mag =
        fabs(w) * (fabs((1.0 - y) * x) + fabs(x) + (fabs(lw) + fabs(pw * y) + 1.0) * (L + 1.0));
    r->gmag[0] = fabs(w) * (fabs(pw * y) + fabs(1.0 - y) + 1.0);
}

static void sl_bce_with_logits_golden(const ts_elem *e, double *lt, double *gt, double *gct)
{
    const double x = e->in[0], y = e->tgt[0], w = fabs(e->cyc[0]);
    const double pw = e->cyc[1];
    const double lw = fabs(1 + (pw - 1) * y);
    *lt = w * (fabs(1 - y) * fabs(x) + lw * (fabs(x) + 1));
    gt[0] = w * (2 * fabs(pw * y) + fabs(1 - y) + 1);
    *gct = 0.0;
}

TS_SPEC(bce_with_logits, .gen = sl_bce_with_logits_gen, .gen_cyc = sl_bce_with_logits_cyc,
        .ref = sl_bce_with_logits_ref, .golden = sl_bce_with_logits_golden, .mean_grad_ulps = 4);
#endif
