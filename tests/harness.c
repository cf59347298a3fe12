/* SPDX-License-Identifier: Apache-2.0 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int tl_current = -1;

/* (also called outside tests, by tl_main: no Check assertions) */
static simdloss_table_info tl_info(int t)
{
    simdloss_table_info info = {"?", SIMDLOSS_ISA_SCALAR, 0, 0};
    if (simdloss_table(t, &info) != SIMDLOSS_OK) {
        fprintf(stderr, "no table %d: %s\n", t, simdloss_last_error());
        abort();
    }
    return info;
}

int tl_ntables(void)
{
    simdloss_table_info info;
    int n = 0;
    while (simdloss_table(n, &info) == SIMDLOSS_OK) n++;
    return n;
}

const char *tl_table_name(int t) { return tl_info(t).name; }
int tl_table_runnable(int t) { return tl_info(t).runnable; }
int tl_table_exact(int t) { return tl_info(t).exact; }

int tl_use_table(int t)
{
    const simdloss_table_info info = tl_info(t);
    if (!info.runnable) return 0;
    ck_assert_msg(simdloss_set_table(info.name) == SIMDLOSS_OK, "set_table(%s) failed: %s",
                  info.name, simdloss_last_error());
    ck_assert_str_eq(simdloss_active_table(), info.name);
    tl_current = t;
    return 1;
}

const char *tl_table(void) { return tl_current < 0 ? "?" : tl_table_name(tl_current); }

/* ---- adapters: one per registry entry ------------------------------------ */
const char *tl_fn(int k) { return tl_losses[k].info->fn; }

uint64_t tl_seed(const char *a, const char *b, uint64_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = a; p && *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    for (const char *p = b; p && *p; p++) h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    return h ^ (n * 0x9e3779b97f4a7c15ull);
}

size_t tl_hex_floats(char *rest, float *out, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(rest, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
        ck_assert(n < max);
        out[n++] = tl_from_bits((uint32_t)strtoul(tok, NULL, 16));
    }
    return n;
}

uint64_t tl_hash_bytes(uint64_t h, const void *p, size_t bytes)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static size_t tl_gcd(size_t a, size_t b) { return b ? tl_gcd(b, a % b) : a; }

size_t tl_branch_multiple(int k, const ts_branch *b)
{
    size_t m = 1;
    for (int j = 0; j < tl_losses[k].info->ncyc; j++)
        if (b->cyc_len[j] > 0) m = m / tl_gcd(m, (size_t)b->cyc_len[j]) * (size_t)b->cyc_len[j];
    return m;
}

/* (usable outside Check tests too: no Check assertion, which reports even
 * when it holds) */
static float *tl_falloc(size_t n)
{
    float *v = malloc((n + 1) * sizeof(float));
    if (!v) abort();
    return v;
}

int tl_data_flags(int k, const tl_data *d)
{
    if (tl_losses[k].info->prescan != SL_PRE_BINARY_TARGET || d->n == 0) return 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->tgt[0][i] != 0.0f && d->tgt[0][i] != 1.0f) return 0;
    return SL_F_CONVERT;
}

void tl_data_make(tl_data *d, int k, const ts_branch *b, size_t n, int edges, uint64_t seed)
{
    const sl_elem_info *L = tl_losses[k].info;
    const ts_spec *sp = ts_specs[k];
    uint64_t s = seed;
    memset(d, 0, sizeof *d);
    d->n = n;
    for (int j = 0; j < L->nin; j++) d->in[j] = tl_falloc(n);
    for (int j = 0; j < L->ntgt; j++) d->tgt[j] = tl_falloc(n);
    for (int j = 0; j < L->ncyc; j++) {
        const int spec = b->cyc_len[j];
        d->cyc_len[j] = spec == TS_N ? n : (size_t)spec;
        if (spec == 0 && L->cyc[j].grad && n > 0) d->cyc_len[j] = 1; /* required: one value */
        if (d->cyc_len[j] == 0) continue;                            /* absent */
        d->cyc[j] = tl_falloc(d->cyc_len[j]);
    }
    for (int j = 0; j < SL_MAX_PF; j++) d->pf[j] = b->pf[j];
    for (int j = 0; j < SL_MAX_PI; j++) d->pi[j] = b->pi[j];
    for (size_t i = 0; i < n; i++) {
        double in[SL_MAX_IN] = {0}, tgt[SL_MAX_TGT] = {0};
        sp->gen(b, edges, i, &s, in, tgt);
        for (int j = 0; j < L->nin; j++) d->in[j][i] = (float)in[j];
        for (int j = 0; j < L->ntgt; j++) d->tgt[j][i] = (float)tgt[j];
    }
    for (int j = 0; j < L->ncyc; j++)
        for (size_t v = 0; d->cyc[j] && v < d->cyc_len[j]; v++)
            d->cyc[j][v] = (float)(sp->gen_cyc ? sp->gen_cyc(b, j, &s) : ts_U(&s, 0.1, 3.0));
    d->flags = tl_data_flags(k, d);
}

void tl_data_free(tl_data *d)
{
    for (int j = 0; j < SL_MAX_IN; j++) free(d->in[j]);
    for (int j = 0; j < SL_MAX_TGT; j++) free(d->tgt[j]);
    for (int j = 0; j < SL_MAX_CYC; j++) free(d->cyc[j]);
    memset(d, 0, sizeof *d);
}

void tl_args_of(tl_args *a, const tl_data *d)
{
    memset(a, 0, sizeof *a);
    a->n = d->n;
    for (int j = 0; j < SL_MAX_IN; j++) a->in[j] = d->in[j];
    for (int j = 0; j < SL_MAX_TGT; j++) a->tgt[j] = d->tgt[j];
    for (int j = 0; j < SL_MAX_CYC; j++) a->cyc[j] = d->cyc[j], a->cyc_len[j] = d->cyc_len[j];
    memcpy(a->pf, d->pf, sizeof a->pf);
    memcpy(a->pi, d->pi, sizeof a->pi);
}

void tl_elem_at(ts_elem *e, int k, const tl_args *a, int flags, size_t i)
{
    const sl_elem_info *L = tl_losses[k].info;
    memset(e, 0, sizeof *e);
    for (int j = 0; j < L->nin; j++) e->in[j] = a->in[j][i];
    for (int j = 0; j < L->ntgt; j++) e->tgt[j] = a->tgt[j][i];
    for (int j = 0; j < SL_MAX_CYC; j++) {
        e->has_cyc[j] = a->cyc[j] != NULL;
        e->cyc[j] = a->cyc[j] ? a->cyc[j][i % a->cyc_len[j]] : 1.0;
    }
    for (int j = 0; j < SL_MAX_PF; j++) e->pf[j] = a->pf[j];
    for (int j = 0; j < SL_MAX_PI; j++) e->pi[j] = a->pi[j];
    e->flags = flags;
}

void tl_elem_of(ts_elem *e, int k, const tl_data *d, size_t i)
{
    tl_args a;
    tl_args_of(&a, d);
    tl_elem_at(e, k, &a, d->flags, i);
}

void tl_ref(int k, const ts_elem *e, ts_ref *r)
{
    memset(r, 0, sizeof *r);
    for (int j = 0; j < SL_MAX_IN; j++) r->kink[j] = r->sing[j] = INFINITY;
    ts_specs[k]->ref(e, r);
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

/* Values just outside a float parameter's range (and NaN), and inside it at
 * its ends. */
int tl_out_of_range(const sl_range *r, float *v)
{
    int m = 0;
    v[m++] = NAN;
    v[m++] = -NAN;
    if (!isinf(r->lo)) {
        v[m++] = r->lo_open ? r->lo : nextafterf(r->lo, -INFINITY);
        v[m++] = r->lo - 1.0f;
        v[m++] = -INFINITY;
    }
    if (!isinf(r->hi)) {
        v[m++] = r->hi_open ? r->hi : nextafterf(r->hi, INFINITY);
        v[m++] = r->hi + 1.0f;
        v[m++] = INFINITY;
    }
    if (r->has_alt) { /* beside the single allowed value, below the interval */
        v[m++] = nextafterf(r->alt, INFINITY);
        v[m++] = (r->alt + r->lo) / 2.0f;
        int kept = 0; /* the allowed value itself is not outside */
        for (int q = 0; q < m; q++)
            if (v[q] != r->alt) v[kept++] = v[q];
        m = kept;
    }
    return m;
}

int tl_in_range(const sl_range *r, float *v)
{
    int m = 0;
    v[m++] = r->lo_open ? nextafterf(r->lo, INFINITY) : r->lo;
    v[m++] = r->hi_open ? nextafterf(r->hi, -INFINITY) : r->hi;
    if (!isinf(r->lo) && !isinf(r->hi)) v[m++] = (r->lo + r->hi) / 2.0f;
    if (r->has_alt) v[m++] = r->alt;
    return m;
}

/* ---- runner ------------------------------------------------------------ */
static int tl_check_required(void)
{
    const char *req = getenv("SIMDLOSS_REQUIRE_ISAS");
    int ok = 1;
    printf("tables:");
    for (int t = 0; t < tl_ntables(); t++)
        printf(" %s=%s%s", tl_table_name(t),
               tl_table_runnable(t) ? "tested" : "SKIPPED(not supported here)",
               tl_table_exact(t) ? "" : "(inexact)");
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

void tl_in_capped_child(size_t bytes, int (*body)(void *ctx), void *ctx)
{
    const pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        const struct rlimit lim = {(rlim_t)bytes, (rlim_t)bytes};
        if (setrlimit(RLIMIT_AS, &lim) != 0) _exit(3);
        _exit(body(ctx) == 1 ? 0 : 1);
    }
    int status = 0;
    ck_assert(waitpid(pid, &status, 0) == pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the capped child failed (status %d)", status);
}
