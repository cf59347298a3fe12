#include "call.h"

#include <math.h>
#include <stdint.h>

static const float sl_one = 1.0f;

int sl_begin(sl_call *c, const char *fn, size_t n, const float *input, const float *target,
             simdloss_reduction reduction, float *loss, float *grad, int need_out)
{
    c->fn = fn;
    c->red = reduction;
    c->out = loss;
    c->a = (sl_args){0};
    if (reduction != SIMDLOSS_NONE && reduction != SIMDLOSS_MEAN && reduction != SIMDLOSS_SUM)
        return sl_fail(SIMDLOSS_EINVAL, "%s: reduction = %d is not NONE, MEAN or SUM", fn,
                       (int)reduction);
    /* no array of n floats can exist: reject before any size is computed */
    if (n > SIZE_MAX / sizeof(float))
        return sl_fail(SIMDLOSS_EINVAL, "%s: n = %zu floats overflow size_t", fn, n);
    if (n > 0 && !input) return sl_fail(SIMDLOSS_EINVAL, "%s: input is NULL", fn);
    if (n > 0 && !target) return sl_fail(SIMDLOSS_EINVAL, "%s: target is NULL", fn);
    if (need_out && !loss && !grad)
        return sl_fail(SIMDLOSS_EINVAL, "%s: loss and grad_input are both NULL", fn);
    c->a.n = n;
    c->a.x = input;
    c->a.y = target;
    c->a.loss = reduction == SIMDLOSS_NONE ? loss : NULL;
    c->a.grad = grad;
    c->a.want_sum = reduction != SIMDLOSS_NONE && loss != NULL;
    return SIMDLOSS_OK;
}

int sl_aux(sl_call *c, int k, const char *name, const float *p, size_t len)
{
    if (!p) {
        c->a.aux[k] = &sl_one;
        c->a.aux_len[k] = 1;
        return SIMDLOSS_OK;
    }
    if (len == 0) return sl_fail(SIMDLOSS_EINVAL, "%s: %s_len = 0", c->fn, name);
    if (len > SIZE_MAX / sizeof(float))
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s_len = %zu floats overflow size_t", c->fn, name,
                       len);
    if (c->a.n % len != 0)
        return sl_fail(SIMDLOSS_EINVAL, "%s: %s_len = %zu does not divide n = %zu", c->fn, name,
                       len, c->a.n);
    c->a.aux[k] = p;
    c->a.aux_len[k] = len;
    return SIMDLOSS_OK;
}

int sl_run(sl_call *c, int id, double grad_mul, const char *domain)
{
    sl_args *a = &c->a;
    const size_t n = a->n;
    a->gscale = (float)(c->red == SIMDLOSS_MEAN && n > 0 ? grad_mul / (double)n : grad_mul);
    if (n > 0) sl_active()->k[id](a);
    if (c->red != SIMDLOSS_NONE && c->out) {
        if (c->red == SIMDLOSS_SUM)
            *c->out = sl_canon1((float)a->sum);
        else
            *c->out = n > 0 ? sl_canon1((float)(a->sum / (double)n)) : NAN;
    }
    if (domain && a->bad)
        return sl_fail(SIMDLOSS_EDOMAIN, "%s: input[%zu] = %.9g %s", c->fn, a->bad_index,
                       (double)a->bad_value, domain);
    return SIMDLOSS_OK;
}

int sl_pow_flags(float gamma)
{
    int kind = SL_POW_GEN;
    if (gamma == 0.0f) kind = SL_POW_0;
    if (gamma == 1.0f) kind = SL_POW_1;
    if (gamma == 2.0f) kind = SL_POW_2;
    if (gamma == 3.0f) kind = SL_POW_3;
    return kind << SL_F_POW_SHIFT;
}

int sl_not_nan(float v) { return v == v; }
