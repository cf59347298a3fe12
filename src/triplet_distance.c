/* SPDX-License-Identifier: Apache-2.0 */
/*
 * F.triplet_margin_with_distance_loss: triplet_margin with a distance of the
 * caller's choice (include/simdloss.h). PAIRWISE is triplet_margin itself
 * (its kernels, its bits). COSINE and CUSTOM run here, a row at a time on the
 * class losses' chunks and threads (sl_crun: the canonical reduction, the
 * same bits for any thread count), in plain C compiled once: the same bits
 * on every table too.
 *
 * Not a registry entry: its distance argument (a kind, or a function and
 * its context) is none of the registry's kinds of argument.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "class_call.h"

/* 1 - cosine_similarity(u, v, eps = 1e-8) as PyTorch 1.13 computes it:
 * each vector divided by max(its norm, eps), then the sum of the products.
 * Sums in double, rounded once. Gradients (where not NULL):
 *   d d / d u[k] = -(vh[k] - cos uh[k]) / nu    where |u| >= eps,
 *                = -vh[k] / eps                 below (the clamp blocks the
 *                                               norm's path). */
static float sl_cosine_distance(size_t D, const float *u, const float *v, float *gu, float *gv)
{
    const float eps = 1e-8f;
    double su = 0.0, sv = 0.0;
    for (size_t c = 0; c < D; c++) su += (double)u[c] * u[c], sv += (double)v[c] * v[c];
    const float lu = (float)sqrt(su), lv = (float)sqrt(sv);
    const float nu = lu < eps ? eps : lu, nv = lv < eps ? eps : lv; /* NaN stays */
    double s = 0.0;
    for (size_t c = 0; c < D; c++) s += (double)((u[c] / nu) * (v[c] / nv));
    const float cos = (float)s;
    /* the norm's path: cos where the norm is not clamped, else 0 */
    const float cu = lu >= eps || lu != lu ? cos : 0.0f, cv = lv >= eps || lv != lv ? cos : 0.0f;
    for (size_t c = 0; gu && c < D; c++) gu[c] = -((v[c] / nv) - cu * (u[c] / nu)) / nu;
    for (size_t c = 0; gv && c < D; c++) gv[c] = -((u[c] / nu) - cv * (v[c] / nv)) / nv;
    return 1.0f - cos;
}

static float sl_distance_of(const simdloss_distance *d, size_t D, const float *u, const float *v,
                            float *gu, float *gv)
{
    if (d->kind == SIMDLOSS_DIST_COSINE) return sl_cosine_distance(D, u, v, gu, gv);
    return d->fn(D, u, v, gu, gv, d->ctx);
}

/* Rows [pos, pos + cnt): p[0] = margin, flags = swap, ext = the distance;
 * scratch: 6 rows (d d / d u and d d / d v of the three pairs). */
static void sl_triplet_distance_rows(const sl_rargs *a, size_t pos, size_t cnt, float *l0,
                                     float *l1)
{
    (void)l1;
    const simdloss_distance *dist = a->ext;
    const size_t D = a->classes;
    const int swap = a->flags & 1;
    for (size_t r = pos; r < pos + cnt; r++) {
        const float *x = (const float *)a->x + r * D, *p = a->x2[0] + r * D, *n = a->x2[1] + r * D;
        float *ga = a->grad ? (float *)a->grad + r * D : NULL;
        float *gp = a->g2[0] ? a->g2[0] + r * D : NULL, *gn = a->g2[1] ? a->g2[1] + r * D : NULL;
        const int grads = ga || gp || gn;
        float *s = a->scratch;
        float *ap_u = grads ? s : NULL, *ap_v = grads ? s + D : NULL;
        float *an_u = grads ? s + 2 * D : NULL, *an_v = grads ? s + 3 * D : NULL;
        float *pn_u = grads ? s + 4 * D : NULL, *pn_v = grads ? s + 5 * D : NULL;
        const float dap = sl_distance_of(dist, D, x, p, ap_u, ap_v);
        const float dan = sl_distance_of(dist, D, x, n, an_u, an_v);
        float dn = dan, wa = 1.0f, wp = 0.0f;
        if (swap) {
            const float dpn = sl_distance_of(dist, D, p, n, pn_u, pn_v);
            if (dpn < dan) dn = dpn, wa = 0.0f, wp = 1.0f;
            if (dpn == dan) wa = wp = 0.5f;
            if (dpn != dpn) dn = dpn;
        }
        const float z = (a->p[0] + dap) - dn;
        l0[r - pos] = z < 0.0f ? 0.0f : z; /* NaN stays */
        if (!grads) continue;
        if (z < 0.0f) { /* inactive: zeros, whatever the distance's gradients hold */
            if (ga) memset(ga, 0, D * sizeof(float));
            if (gp) memset(gp, 0, D * sizeof(float));
            if (gn) memset(gn, 0, D * sizeof(float));
            continue;
        }
        const float g = z != z ? NAN : a->gn;
        const float ga_n = g * wa, gp_n = g * wp;
        /* gradients: d z / d a = dap_u - wa dan_u; d z / d p = dap_v - wp dpn_u;
         * d z / d n = -wa dan_v - wp dpn_v (written after every read of the
         * inputs, which they may alias: the distances are done) */
        for (size_t c = 0; c < D; c++) {
            const float ea = g * ap_u[c] - ga_n * an_u[c];
            const float ep = g * ap_v[c] - (swap ? gp_n * pn_u[c] : 0.0f);
            const float en = -(ga_n * an_v[c]) - (swap ? gp_n * pn_v[c] : 0.0f);
            if (ga) ga[c] = sl_canon1(ea); /* NaN payloads of the inputs or the caller's */
            if (gp) gp[c] = sl_canon1(ep); /* distance do not reach the outputs */
            if (gn) gn[c] = sl_canon1(en);
        }
    }
}

SIMDLOSS_API int simdloss_triplet_margin_with_distance_f32(
    size_t batch, size_t dim, const float *anchor, const float *positive, const float *negative,
    const simdloss_distance *distance, float margin, int swap, simdloss_reduction reduction,
    float *loss, float *grad_anchor, float *grad_positive, float *grad_negative)
{
    static const char fn[] = "simdloss_triplet_margin_with_distance_f32";
    static const simdloss_distance pairwise_default = {SIMDLOSS_DIST_PAIRWISE, 2.0f, 1e-6f, NULL,
                                                       NULL};
    const simdloss_distance *d = distance ? distance : &pairwise_default;
    if (d->kind != SIMDLOSS_DIST_PAIRWISE && d->kind != SIMDLOSS_DIST_COSINE &&
        d->kind != SIMDLOSS_DIST_CUSTOM)
        return sl_fail(SIMDLOSS_EINVAL, "%s: distance->kind = %d is not PAIRWISE, COSINE or CUSTOM",
                       fn, d->kind);
    if (d->kind == SIMDLOSS_DIST_CUSTOM && !d->fn)
        return sl_fail(SIMDLOSS_EINVAL, "%s: distance->fn is NULL for a CUSTOM distance", fn);
    if (d->kind == SIMDLOSS_DIST_PAIRWISE && !(d->p > 0.0f && d->p < INFINITY))
        return sl_fail(SIMDLOSS_EINVAL, "%s: distance->p = %.9g is not finite and > 0", fn,
                       (double)d->p);
    if (d->kind == SIMDLOSS_DIST_PAIRWISE && d->eps != d->eps)
        return sl_fail(SIMDLOSS_EINVAL, "%s: distance->eps is NaN", fn);
    if (margin != margin) return sl_fail(SIMDLOSS_EINVAL, "%s: margin is NaN", fn);
    sl_ccall c;
    void *any_grad = grad_anchor     ? (void *)grad_anchor
                     : grad_positive ? (void *)grad_positive
                                     : (void *)grad_negative;
    int rc = sl_cbegin(&c, fn, batch, dim, 1, anchor, reduction, loss, any_grad);
    if (rc) return rc;
    if (batch > 0 && !positive) return sl_fail(SIMDLOSS_EINVAL, "%s: positive is NULL", fn);
    if (batch > 0 && !negative) return sl_fail(SIMDLOSS_EINVAL, "%s: negative is NULL", fn);
    if (d->kind == SIMDLOSS_DIST_PAIRWISE)
        return simdloss_triplet_margin_f32(batch, dim, anchor, positive, negative, margin, d->p,
                                           d->eps, swap, reduction, loss, grad_anchor,
                                           grad_positive, grad_negative);
    c.a.grad = batch > 0 ? grad_anchor : NULL;
    c.a.x2[0] = positive, c.a.x2[1] = negative;
    c.a.g2[0] = batch > 0 ? grad_positive : NULL, c.a.g2[1] = batch > 0 ? grad_negative : NULL;
    c.a.p[0] = margin;
    c.a.flags = swap != 0;
    c.a.ext = d;
    c.a.gn = reduction == SIMDLOSS_MEAN && batch > 0 ? (float)(1.0 / (double)batch) : 1.0f;
    const sl_cplan p = {sl_triplet_distance_rows, 0, 1.0f, 0.0f, (double)c.npos, 1.0,
                        sl_scratch(6, dim)};
    return sl_crun(&c, &p);
}
