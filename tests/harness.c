#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tl_current = -1;

int tl_use_isa(int i)
{
    if (!simdloss_isa_supported((simdloss_isa)i)) return 0;
    ck_assert_msg(simdloss_set_isa((simdloss_isa)i) == SIMDLOSS_OK, "set_isa(%d) failed", i);
    ck_assert_int_eq(simdloss_active_isa(), i);
    tl_current = i;
    return 1;
}

const char *tl_isa(void)
{
    return tl_current < 0 ? "?" : simdloss_isa_name((simdloss_isa)tl_current);
}

/* ---- adapters: one per loss, in the header's order --------------------- */
#define TL_UNUSED (void)p, (void)ga
static int c_mse(size_t n, const float *x, const float *y, const tl_params *p, simdloss_reduction r,
                 float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_mse_f32(n, x, y, r, l, g);
}
static int c_l1(size_t n, const float *x, const float *y, const tl_params *p, simdloss_reduction r,
                float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_l1_f32(n, x, y, r, l, g);
}
static int c_huber(size_t n, const float *x, const float *y, const tl_params *p,
                   simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_huber_f32(n, x, y, p->f[0], r, l, g);
}
static int c_smooth_l1(size_t n, const float *x, const float *y, const tl_params *p,
                       simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_smooth_l1_f32(n, x, y, p->f[0], r, l, g);
}
static int c_bce(size_t n, const float *x, const float *y, const tl_params *p, simdloss_reduction r,
                 float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_bce_f32(n, x, y, p->aux0, p->aux0_len, r, l, g);
}
static int c_bce_with_logits(size_t n, const float *x, const float *y, const tl_params *p,
                             simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_bce_with_logits_f32(n, x, y, p->aux0, p->aux0_len, p->aux1, p->aux1_len, r, l,
                                        g);
}
static int c_ale(size_t n, const float *x, const float *y, const tl_params *p, simdloss_reduction r,
                 float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_ale_f32(n, x, y, p->f[0], p->f[1], p->f[2], r, l, g);
}
static int c_binary_focal(size_t n, const float *x, const float *y, const tl_params *p,
                          simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_binary_focal_f32(n, x, y, p->f[0], p->f[1], p->f[2], r, l, g);
}
static int c_sigmoid_focal(size_t n, const float *x, const float *y, const tl_params *p,
                           simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_sigmoid_focal_f32(n, x, y, p->f[0], p->f[1], r, l, g);
}
static int c_soft_margin(size_t n, const float *x, const float *y, const tl_params *p,
                         simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_soft_margin_f32(n, x, y, r, l, g);
}
static int c_hinge_embedding(size_t n, const float *x, const float *y, const tl_params *p,
                             simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_hinge_embedding_f32(n, x, y, p->f[0], r, l, g);
}
static int c_kl_div(size_t n, const float *x, const float *y, const tl_params *p,
                    simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_kl_div_f32(n, x, y, p->i[0], r, l, g);
}
static int c_poisson_nll(size_t n, const float *x, const float *y, const tl_params *p,
                         simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_poisson_nll_f32(n, x, y, p->i[0], p->i[1], p->f[0], r, l, g);
}
static int c_log_cosh(size_t n, const float *x, const float *y, const tl_params *p,
                      simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_log_cosh_f32(n, x, y, r, l, g);
}
static int c_hinge(size_t n, const float *x, const float *y, const tl_params *p,
                   simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_hinge_f32(n, x, y, r, l, g);
}
static int c_squared_hinge(size_t n, const float *x, const float *y, const tl_params *p,
                           simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_squared_hinge_f32(n, x, y, r, l, g);
}
static int c_mape(size_t n, const float *x, const float *y, const tl_params *p,
                  simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_mape_f32(n, x, y, r, l, g);
}
static int c_msle(size_t n, const float *x, const float *y, const tl_params *p,
                  simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_msle_f32(n, x, y, r, l, g);
}
static int c_poisson(size_t n, const float *x, const float *y, const tl_params *p,
                     simdloss_reduction r, float *l, float *g, float *ga)
{
    TL_UNUSED;
    return simdloss_poisson_f32(n, x, y, r, l, g);
}
static int c_gaussian_nll(size_t n, const float *x, const float *y, const tl_params *p,
                          simdloss_reduction r, float *l, float *g, float *ga)
{
    return simdloss_gaussian_nll_f32(n, x, y, p->aux0, p->aux0_len, p->i[0], p->f[0], r, l, g, ga);
}

const tl_loss tl_losses[] = {
    {"mse", 0, 0, 0, c_mse},
    {"l1", 0, 0, 0, c_l1},
    {"huber", 1, 0, 0, c_huber},
    {"smooth_l1", 1, 0, 0, c_smooth_l1},
    {"bce", 0, 0, 1, c_bce},
    {"bce_with_logits", 0, 0, 2, c_bce_with_logits},
    {"ale", 3, 0, 0, c_ale},
    {"binary_focal", 3, 0, 0, c_binary_focal},
    {"sigmoid_focal", 2, 0, 0, c_sigmoid_focal},
    {"soft_margin", 0, 0, 0, c_soft_margin},
    {"hinge_embedding", 1, 0, 0, c_hinge_embedding},
    {"kl_div", 0, 1, 0, c_kl_div},
    {"poisson_nll", 1, 2, 0, c_poisson_nll},
    {"log_cosh", 0, 0, 0, c_log_cosh},
    {"hinge", 0, 0, 0, c_hinge},
    {"squared_hinge", 0, 0, 0, c_squared_hinge},
    {"mape", 0, 0, 0, c_mape},
    {"msle", 0, 0, 0, c_msle},
    {"poisson", 0, 0, 0, c_poisson},
    {"gaussian_nll", 1, 1, 1, c_gaussian_nll},
};
const size_t tl_nlosses = sizeof tl_losses / sizeof tl_losses[0];

int tl_index(const char *name)
{
    for (size_t k = 0; k < tl_nlosses; k++)
        if (strcmp(tl_losses[k].name, name) == 0) return (int)k;
    return -1;
}

const tl_loss *tl_find(const char *name)
{
    for (size_t k = 0; k < tl_nlosses; k++)
        if (strcmp(tl_losses[k].name, name) == 0) return &tl_losses[k];
    return NULL;
}

/* ---- floats ------------------------------------------------------------ */
uint32_t tl_bits(float v)
{
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}

float tl_from_bits(uint32_t b)
{
    float v;
    memcpy(&v, &b, 4);
    return v;
}

/* Maps floats to integers that are ordered like the floats. */
static int64_t tl_ordered(float v)
{
    const uint32_t b = tl_bits(v);
    return (b & 0x80000000u) ? -(int64_t)(b & 0x7fffffffu) : (int64_t)b;
}

uint64_t tl_ulps(float a, float b)
{
    if (isnan(a) || isnan(b)) return UINT64_MAX;
    const int64_t d = tl_ordered(a) - tl_ordered(b);
    return (uint64_t)(d < 0 ? -d : d);
}

int tl_close(float got, float want, unsigned max_ulps, double rel, double abs_scale)
{
    if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
    if (got == want) return 1;
    if (isinf(want) || isinf(got)) return 0;
    if (tl_ulps(got, want) <= max_ulps) return 1;
    return fabs((double)got - (double)want) <= rel * fabs((double)want) + abs_scale;
}

int tl_close_elem(float got, float want, double scale)
{
    return tl_close(got, want, 4, 1e-6, 1e-7 * scale);
}

double tl_scale(const float *v, size_t n)
{
    double s = 1e-30;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]) && fabs(v[i]) > s) s = fabs(v[i]);
    return s;
}

uint64_t tl_rand_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double tl_rand_unit(uint64_t *s) { return (double)(tl_rand_u64(s) >> 11) * 0x1.0p-53; }

double tl_rand_normal(uint64_t *s)
{
    double u = tl_rand_unit(s), v = tl_rand_unit(s);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* ---- runner ------------------------------------------------------------ */
static int tl_check_required(void)
{
    const char *req = getenv("SIMDLOSS_REQUIRE_ISAS");
    int ok = 1;
    printf("ISAs:");
    for (int i = 0; i < TL_NISA; i++)
        printf(" %s=%s", simdloss_isa_name((simdloss_isa)i),
               simdloss_isa_supported((simdloss_isa)i) ? "tested" : "SKIPPED(not supported here)");
    printf("\n");
    if (!req || !*req) return 1;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", req);
    for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
        int found = 0;
        for (int i = 0; i < TL_NISA; i++)
            if (strcmp(tok, simdloss_isa_name((simdloss_isa)i)) == 0) {
                found = 1;
                if (!simdloss_isa_supported((simdloss_isa)i)) {
                    printf("FAIL: SIMDLOSS_REQUIRE_ISAS lists %s, which is not runnable here\n",
                           tok);
                    ok = 0;
                }
            }
        if (!found) {
            printf("FAIL: SIMDLOSS_REQUIRE_ISAS lists unknown ISA '%s'\n", tok);
            ok = 0;
        }
    }
    return ok;
}

int tl_main(Suite *s)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* forked tests exit without flushing */
    if (!tl_check_required()) return EXIT_FAILURE;
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

double tl_fsum(const double *v, size_t n)
{
    /* Shewchuk / Python's math.fsum: partials without rounding error */
    double *part = malloc((n + 1) * sizeof *part);
    if (!part) abort();
    size_t np = 0;
    double special = 0;
    int have_special = 0;
    for (size_t i = 0; i < n; i++) {
        double x = v[i];
        if (!isfinite(x)) {
            special = have_special ? special + x : x;
            have_special = 1;
            continue;
        }
        size_t j = 0;
        for (size_t k = 0; k < np; k++) {
            double y = part[k];
            if (fabs(x) < fabs(y)) {
                const double t = x;
                x = y;
                y = t;
            }
            const double hi = x + y, lo = y - (hi - x);
            if (lo != 0.0) part[j++] = lo;
            x = hi;
        }
        part[j++] = x;
        np = j;
    }
    if (have_special) {
        free(part);
        return special;
    }
    /* add the partials from the top, with the half-way correction */
    double hi = 0;
    if (np > 0) {
        size_t k = np;
        hi = part[--k];
        double lo = 0;
        while (k > 0) {
            const double x = hi, y = part[--k];
            hi = x + y;
            const double yr = hi - x;
            lo = y - yr;
            if (lo != 0.0) break;
        }
        if (k > 0 && ((lo < 0 && part[k - 1] < 0) || (lo > 0 && part[k - 1] > 0))) {
            const double y = lo * 2.0, x = hi + y, yr = x - hi;
            if (y == yr) hi = x;
        }
    }
    free(part);
    return hi;
}
