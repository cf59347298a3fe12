/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The common path of every class-dimension entry point: the checks the
 * registry describes, then the loss's plan (sl_plan_<name>, the SL_PLANS
 * part of its kernel header), which sets the kernel's factors up and runs it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "class_call.h"

#define SL_PLANS 1
#include "losses.def"
#undef SL_PLANS

const sl_class_info sl_class_infos[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = SL_CLASS_INFO(name, __VA_ARGS__),
#include "losses.def"
#undef SL_CLASS
};

typedef int (*sl_plan_fn)(sl_ccall *c, const sl_class_call *q, double wsum);
static const sl_plan_fn sl_plans[SL_R_NCLASS] = {
#define SL_CLASS(name, ...) [SL_R_##name] = sl_plan_##name,
#include "losses.def"
#undef SL_CLASS
};

static int sl_in_range(const sl_range *r, float v)
{
    if (v != v) return 0;
    if (r->has_alt && v == r->alt) return 1;
    if (r->lo_open ? !(v > r->lo) : !(v >= r->lo)) return 0;
    return r->hi_open ? v < r->hi : v <= r->hi;
}

static int sl_check_class_params(const sl_class_info *L, const sl_class_call *q, const char *fn)
{
    for (int j = 0; j < L->npf; j++) {
        const sl_range *r = &L->pf[j].range;
        if (sl_in_range(r, q->pf[j])) continue;
        const char *name = L->pf[j].name;
        const double v = (double)q->pf[j];
        if (isinf(r->lo) && isinf(r->hi))
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NaN", fn, name);
        if (isinf(r->hi) && r->hi_open && isinf(q->pf[j]))
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %.9g is not finite", fn, name, v);
        if (isinf(r->hi))
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %.9g must be %s %g", fn, name, v,
                           r->lo_open ? ">" : ">=", (double)r->lo);
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %.9g is outside [%g, %g]", fn, name, v,
                       (double)r->lo, (double)r->hi);
    }
    for (int j = 0; j < L->npi; j++)
        if (L->pi[j].rule == SL_I_ONE_TWO && q->pi[j] != 1 && q->pi[j] != 2)
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %d is not 1 or 2", fn, L->pi[j].name,
                           q->pi[j]);
    return SIMDLOSS_OK;
}

/* Every entry of every label row (also after a row's -1) in [-1, classes),
 * before anything is read or written. */
/* Every label in [-1, classes): blocks scanned by the table's vector scan of
 * class indices (-1 as the ignored value; a scalar loop returning at the
 * first bad label took a third of multilabel_margin's time at 512 x 1000),
 * and a bad block searched for its first bad label. */
static int sl_check_labels(const sl_class_info *L, const sl_class_call *q, const char *fn)
{
    const sl_tscan scan = sl_active()->tscan;
    const size_t n = q->batch * q->classes;
    for (size_t b0 = 0; b0 < n; b0 += 4096) {
        const size_t len = n - b0 < 4096 ? n - b0 : 4096;
        size_t kept;
        if (!scan(q->tl + b0, len, (uint64_t)q->classes, -1, 1, &kept)) continue;
        for (size_t i = b0; i < b0 + len; i++) {
            const int64_t t = q->tl[i];
            if (sl_target_bad(t, (uint64_t)q->classes, -1, 1))
                return sl_fail(SIMDLOSS_EDOMAIN,
                               "%s: %s[%zu][%zu] = %" PRId64 " is outside [-1, %zu)", fn, L->tgt,
                               i / q->classes, i % q->classes, t, q->classes);
        }
    }
    return SIMDLOSS_OK;
}

int sl_class(int id, const sl_class_call *q)
{
    const sl_class_info *L = &sl_class_infos[id];
    const char *fn = q->fn ? q->fn : L->fn;
    sl_ccall c;
    double wsum = 0.0;
    /* "no output at all" looks at every gradient, and at cross-entropy's
     * per-position statistics */
    void *any_grad = q->grad ? q->grad : q->g2[0] ? (void *)q->g2[0] : (void *)q->g2[1];
    if (!any_grad && q->ce) any_grad = q->ce->lse ? (void *)q->ce->lse : (void *)q->ce->argmax;
    int rc = sl_cbegin(&c, fn, q->batch, q->classes, q->inner, q->x, q->red, q->loss, any_grad);
    if (rc) return rc;
    c.a.grad = q->batch > 0 ? q->grad : NULL;
    for (int k = 0; k < 2 && L->x2[k]; k++) {
        if (q->batch > 0 && !q->x2[k])
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", fn, L->x2[k]);
        c.a.x2[k] = q->x2[k];
        c.a.g2[k] = q->batch > 0 ? q->g2[k] : NULL;
    }
    if ((rc = sl_check_class_params(L, q, fn))) return rc;
    const void *tgt = L->target == SL_T_INDEX                            ? (const void *)q->ti
                      : L->target == SL_T_FLOAT || L->target == SL_T_ROW ? (const void *)q->tf
                                                                         : (const void *)q->tl;
    if (L->target != SL_T_NONE && q->batch > 0 && !tgt)
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", fn, L->tgt);
    if (L->alpha) {
        if (!q->alpha) return sl_fail(SIMDLOSS_EINVAL, "%s: %s is NULL", fn, L->alpha);
        if (q->alpha_len == 0) return sl_fail(SIMDLOSS_EINVAL, "%s: %s = 0", fn, L->alpha_len);
        if (q->alpha_len != 1 && q->alpha_len != q->classes)
            return sl_fail(SIMDLOSS_EINVAL, "%s: %s = %zu is neither 1 nor classes = %zu", fn,
                           L->alpha_len, q->alpha_len, q->classes);
    }
    if (L->target == SL_T_INDEX)
        rc = sl_check_targets(&c, q->ti, L->mean == SL_MEAN_WEIGHTS ? q->w : NULL, q->ignore,
                              L->ignore != NULL, L->mean != SL_MEAN_POSITIONS ? &wsum : NULL);
    else if (L->target == SL_T_LABELS)
        rc = sl_check_labels(L, q, fn);
    if (rc) return rc;
    if (L->rlab) /* the rows kept; labels are only compared with ignore_index */
        for (size_t b = 0; b < q->batch; b++) wsum += !q->rl || q->rl[b] != q->ignore;
    return sl_plans[id](&c, q, wsum);
}
