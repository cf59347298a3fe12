/*
 * simdloss-cpu: what this CPU and OS offer, and which simdloss kernel table
 * runs here and why. Uses the library's own detection (sl_cpu_detect) and
 * dispatch (sl_tables, sl_table_runnable, sl_active, sl_env_isa), so what it
 * prints is what the library decides.
 *
 *   simdloss-cpu            plain-text report (one screen)
 *   simdloss-cpu --json     the same as one JSON object
 *   simdloss-cpu --bench    adds a short (<= 3 s) self-benchmark
 */
#define _POSIX_C_SOURCE 199309L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu.h"
#include "internal.h"
#include "simdloss.h"

/* ------------------------------------------------------------ features --- */

/* Every SIMD flag of sl_cpu_info, with its /proc/cpuinfo spelling. */
#define FEATURE(name, field)                                                                       \
    {                                                                                              \
        name, offsetof(struct sl_cpu_info, field)                                                  \
    }
static const struct {
    const char *name;
    size_t off;
} features[] = {
    FEATURE("sse2", sse2),
    FEATURE("pni", sse3), /* SSE3's /proc/cpuinfo name */
    FEATURE("ssse3", ssse3),
    FEATURE("sse4_1", sse41),
    FEATURE("sse4_2", sse42),
    FEATURE("avx", avx),
    FEATURE("f16c", f16c),
    FEATURE("fma", fma),
    FEATURE("avx2", avx2),
    FEATURE("avx512f", avx512f),
    FEATURE("avx512bw", avx512bw),
    FEATURE("avx512dq", avx512dq),
    FEATURE("avx512vl", avx512vl),
    FEATURE("avx512cd", avx512cd),
    FEATURE("avx512ifma", avx512ifma),
    FEATURE("avx512vbmi", avx512vbmi),
    FEATURE("avx512_vbmi2", avx512vbmi2),
    FEATURE("avx512_vnni", avx512vnni),
    FEATURE("avx512_bf16", avx512bf16),
    FEATURE("avx512_fp16", avx512fp16),
    FEATURE("avx512_bitalg", avx512bitalg),
    FEATURE("avx512_vpopcntdq", avx512vpopcntdq),
    FEATURE("avx_vnni", avx_vnni),
    FEATURE("amx_tile", amx_tile),
    FEATURE("amx_bf16", amx_bf16),
    FEATURE("amx_int8", amx_int8),
    FEATURE("gfni", gfni),
    FEATURE("vaes", vaes),
    FEATURE("asimd", asimd),
    FEATURE("sve", sve),
    FEATURE("sve2", sve2),
};
#define NFEATURES (sizeof features / sizeof features[0])

static int feature(const struct sl_cpu_info *c, size_t k)
{
    int v;
    memcpy(&v, (const char *)c + features[k].off, sizeof v);
    return v != 0;
}

/* Whether a feature belongs to this architecture (asimd, sve, sve2 only on
 * aarch64, the x86 flags only on x86). */
static int feature_is_arm(size_t k)
{
    const char *n = features[k].name;
    return strcmp(n, "asimd") == 0 || strcmp(n, "sve") == 0 || strcmp(n, "sve2") == 0;
}
static int feature_applies(const struct sl_cpu_info *c, size_t k)
{
    return strcmp(c->arch, "aarch64") == 0 ? feature_is_arm(k) : !feature_is_arm(k);
}

/* XCR0 state components the kernels care about. */
static const struct {
    const char *key, *label;
    unsigned long long mask;
} xcr0_bits[] = {
    {"x87", "x87 (bit 0)", 1ull << 0},
    {"sse", "SSE/XMM (bit 1)", 1ull << 1},
    {"ymm", "AVX/YMM upper (bit 2)", 1ull << 2},
    {"opmask", "AVX-512 opmask (bit 5)", 1ull << 5},
    {"zmm_hi256", "AVX-512 ZMM_Hi256 (bit 6)", 1ull << 6},
    {"hi16_zmm", "AVX-512 Hi16_ZMM (bit 7)", 1ull << 7},
    {"amx_tile", "AMX TILECFG+TILEDATA (bits 17-18)", 3ull << 17},
};
#define NXCR0 (sizeof xcr0_bits / sizeof xcr0_bits[0])

static int is_x86(const struct sl_cpu_info *c) { return strcmp(c->arch, "x86_64") == 0; }
static int os_has(const struct sl_cpu_info *c, unsigned long long m)
{
    return c->osxsave && (c->xcr0 & m) == m;
}
static int os_ymm(const struct sl_cpu_info *c) { return os_has(c, 0x6); }
static int os_zmm(const struct sl_cpu_info *c) { return os_has(c, 0xe6); }
static int os_amx(const struct sl_cpu_info *c) { return os_has(c, 3ull << 17); }

static const char *verdict(int cpu, int os)
{
    if (!cpu) return "not supported by the CPU";
    return os ? "supported by the CPU and enabled by the OS"
              : "supported by the CPU but disabled by the OS";
}

/* ----------------------------------------------------------- selection --- */

typedef struct {
    const char *env; /* SIMDLOSS_ISA seen at first use, or NULL */
    int honoured;
    const char *name; /* sl_active()->name */
    simdloss_isa isa;
} selection;

static selection get_selection(void)
{
    selection s;
    s.env = sl_env_isa(&s.honoured);
    s.name = sl_active()->name;
    s.isa = simdloss_active_isa();
    return s;
}

/* --------------------------------------------------------------- bench --- */

#define BENCH_N (1u << 20)
#define BENCH_BUDGET_S 2.4 /* timed part; allocation and setup come on top */

enum { B_MSE, B_BCE, B_BCE_LOGITS, B_ALE, B_NLOSS };
static const char *const bench_loss_names[B_NLOSS] = {"mse", "bce", "bce_with_logits", "ale"};

typedef struct {
    int nisa;
    simdloss_isa isa[4];
    double melem[4][B_NLOSS]; /* 0 when it failed */
} bench_result;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_call(int loss, size_t n, const float *prob, const float *logit, const float *y,
                      float *out, float *grad)
{
    switch (loss) {
    case B_MSE: return simdloss_mse_f32(n, logit, y, SIMDLOSS_MEAN, out, grad);
    case B_BCE: return simdloss_bce_f32(n, prob, y, NULL, 0, SIMDLOSS_MEAN, out, grad);
    case B_BCE_LOGITS:
        return simdloss_bce_with_logits_f32(n, logit, y, NULL, 0, NULL, 0, SIMDLOSS_MEAN, out,
                                            grad);
    default: return simdloss_ale_f32(n, prob, y, 0.0f, 0.0f, 0.0f, SIMDLOSS_MEAN, out, grad);
    }
}

/* Returns 0 on success; fills r. The active ISA is restored afterwards. */
static int run_bench(bench_result *r)
{
    const size_t n = BENCH_N;
    float *prob = malloc(n * sizeof *prob), *logit = malloc(n * sizeof *logit);
    float *y = malloc(n * sizeof *y), *grad = malloc(n * sizeof *grad);
    if (!prob || !logit || !y || !grad) {
        free(prob), free(logit), free(y), free(grad);
        return -1;
    }
    unsigned s = 12345u;
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        const float u = (float)((s >> 8) + 1) / 16777218.0f; /* (0, 1) */
        prob[i] = u;
        logit[i] = 8.0f * u - 4.0f;
        y[i] = (i % 3 == 0) ? 1.0f : (i % 3 == 1 ? 0.0f : 0.5f * u);
    }

    const simdloss_isa before = simdloss_active_isa();
    const simdloss_isa order[] = {SIMDLOSS_ISA_SCALAR, SIMDLOSS_ISA_AVX2, SIMDLOSS_ISA_AVX512,
                                  SIMDLOSS_ISA_NEON};
    r->nisa = 0;
    for (int k = 0; k < 4; k++)
        if (simdloss_isa_supported(order[k])) r->isa[r->nisa++] = order[k];

    const double cell_budget = BENCH_BUDGET_S / (double)(r->nisa * B_NLOSS);
    for (int k = 0; k < r->nisa; k++) {
        simdloss_set_isa(r->isa[k]);
        for (int l = 0; l < B_NLOSS; l++) {
            float out;
            r->melem[k][l] = 0.0;
            if (bench_call(l, n, prob, logit, y, &out, grad) != SIMDLOSS_OK) continue; /* warm-up */
            const double t0 = now_s();
            double best = 1e30, t = t0;
            int reps = 0;
            /* best of the repetitions that fit the cell's budget, at least 2 */
            while (reps < 2 || (t - t0 < cell_budget && reps < 1000)) {
                const double a = now_s();
                bench_call(l, n, prob, logit, y, &out, grad);
                t = now_s();
                if (t - a < best) best = t - a;
                reps++;
            }
            r->melem[k][l] = (double)n / best / 1e6;
        }
    }
    simdloss_set_isa(before);
    free(prob), free(logit), free(y), free(grad);
    return 0;
}

static void print_bench_text(const bench_result *r)
{
    int scalar = -1;
    for (int k = 0; k < r->nisa; k++)
        if (r->isa[k] == SIMDLOSS_ISA_SCALAR) scalar = k;
    printf("\nSelf-benchmark: forward + gradient, MEAN, n = %u, one thread, best of a few runs\n",
           BENCH_N);
    printf("  Melem/s (speed-up over scalar)\n");
    printf("  %-16s", "loss");
    for (int k = 0; k < r->nisa; k++) printf(" %18s", simdloss_isa_name(r->isa[k]));
    printf("\n");
    for (int l = 0; l < B_NLOSS; l++) {
        printf("  %-16s", bench_loss_names[l]);
        for (int k = 0; k < r->nisa; k++) {
            char cell[40];
            const double v = r->melem[k][l];
            if (v <= 0.0)
                snprintf(cell, sizeof cell, "failed");
            else if (scalar >= 0 && r->melem[scalar][l] > 0.0)
                snprintf(cell, sizeof cell, "%8.0f (%5.1fx)", v, v / r->melem[scalar][l]);
            else
                snprintf(cell, sizeof cell, "%8.0f", v);
            printf(" %18s", cell);
        }
        printf("\n");
    }
}

/* ---------------------------------------------------------------- text --- */

static const char *yn(int b) { return b ? "yes" : "no"; }

static void print_text(const struct sl_cpu_info *c, const selection *s)
{
    printf("simdloss %s -- CPU and kernel selection\n\n", simdloss_version());
    printf("arch      %s\n", c->arch);
    if (is_x86(c)) {
        printf("vendor    %s\n", c->vendor[0] ? c->vendor : "(unknown)");
        printf("brand     %s\n", c->brand[0] ? c->brand : "(none reported)");
        printf("family %u (0x%x), model %u (0x%x), stepping %u\n", c->family, c->family, c->model,
               c->model, c->stepping);
    }

    printf("\nCPU features (%s, /proc/cpuinfo names):\n", is_x86(c) ? "CPUID" : "HWCAP");
    int col = 0;
    for (size_t k = 0; k < NFEATURES; k++) {
        if (!feature_applies(c, k)) continue;
        printf(col % 4 ? "   %-17s%-3s" : "  %-17s%-3s", features[k].name, yn(feature(c, k)));
        if (++col % 4 == 0) printf("\n");
    }
    if (col % 4) printf("\n");
    if (strcmp(c->arch, "aarch64") == 0) {
        if (c->sve_bits)
            printf("  SVE vector length of this thread: %u bits\n", c->sve_bits);
        else
            printf("  SVE vector length: %s\n", c->sve ? "unknown" : "n/a (no SVE)");
    }

    if (is_x86(c)) {
        printf("\nOS state (XCR0):\n");
        if (!c->osxsave) {
            printf("  OSXSAVE no: XSAVE absent or not enabled by the OS; XCR0 unreadable (taken as "
                   "0)\n");
        } else {
            printf("  XCR0 = 0x%llx\n", (unsigned long long)c->xcr0);
            for (size_t k = 0; k < NXCR0; k++)
                printf("  %-36s %s\n", xcr0_bits[k].label, yn(os_has(c, xcr0_bits[k].mask)));
        }
        printf("  AVX:     %s\n", verdict(c->avx, os_ymm(c)));
        printf("  AVX2:    %s\n", verdict(c->avx2, os_ymm(c)));
        printf("  AVX-512: %s\n", verdict(c->avx512f, os_zmm(c)));
        printf("  AMX:     %s\n", verdict(c->amx_tile, os_amx(c)));
    }

    printf("\nsimdloss kernel tables (best first):\n");
    printf("  %-14s %-8s %-12s %s\n", "table", "ISA", "compiled-in", "runnable");
    int have[4] = {0, 0, 0, 0};
    for (const struct sl_table *const *t = sl_tables; *t; t++) {
        printf("  %-14s %-8s %-12s %s\n", (*t)->name, simdloss_isa_name((*t)->isa), "yes",
               yn(sl_table_runnable(*t)));
        if ((unsigned)(*t)->isa < 4) have[(*t)->isa] = 1;
    }
    for (int k = 0; k < 4; k++)
        if (!have[k])
            printf("  %-14s %-8s %-12s %s\n", "-", simdloss_isa_name((simdloss_isa)k), "no", "no");

    printf("\nselected: %s (ISA %s)\n", s->name, simdloss_isa_name(s->isa));
    if (s->env && s->honoured)
        printf("  because SIMDLOSS_ISA=%s was set and honoured\n", s->env);
    else if (s->env)
        printf("  SIMDLOSS_ISA=%s was set but not honoured (unknown or not runnable here);\n"
               "  using the best runnable table instead\n",
               s->env);
    else
        printf("  because it is the best runnable table (SIMDLOSS_ISA not set)\n");
}

/* ---------------------------------------------------------------- JSON --- */

static void json_str(const char *v)
{
    if (!v) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static const char *jb(int b) { return b ? "true" : "false"; }

static void print_json(const struct sl_cpu_info *c, const selection *s, const bench_result *b)
{
    printf("{\"arch\":");
    json_str(c->arch);
    printf(",\"vendor\":");
    json_str(c->vendor);
    printf(",\"brand\":");
    json_str(c->brand);
    printf(",\"family\":%u,\"model\":%u,\"stepping\":%u", c->family, c->model, c->stepping);
    printf(",\"features\":{");
    for (size_t k = 0; k < NFEATURES; k++)
        printf("%s\"%s\":%s", k ? "," : "", features[k].name, jb(feature(c, k)));
    printf("},\"sve_bits\":%u", c->sve_bits);
    printf(",\"xcr0\":\"0x%llx\"", (unsigned long long)c->xcr0);
    printf(",\"os\":{\"osxsave\":%s", jb(c->osxsave));
    for (size_t k = 0; k < NXCR0; k++)
        printf(",\"%s\":%s", xcr0_bits[k].key, jb(os_has(c, xcr0_bits[k].mask)));
    printf(",\"avx_usable\":%s,\"avx512_usable\":%s}", jb(c->avx && os_ymm(c)),
           jb(c->avx512f && os_zmm(c)));
    printf(",\"kernels\":[");
    for (const struct sl_table *const *t = sl_tables; *t; t++) {
        printf("%s{\"name\":", t == sl_tables ? "" : ",");
        json_str((*t)->name);
        printf(",\"isa\":");
        json_str(simdloss_isa_name((*t)->isa));
        printf(",\"runnable\":%s}", jb(sl_table_runnable(*t)));
    }
    printf("],\"selected\":");
    json_str(s->name);
    printf(",\"selected_isa\":");
    json_str(simdloss_isa_name(s->isa));
    printf(",\"env_override\":");
    json_str(s->env);
    printf(",\"env_honoured\":%s", s->env ? jb(s->honoured) : "null");
    if (b) {
        printf(",\"bench\":{\"n\":%u,\"reduction\":\"mean\",\"unit\":\"Melem/s\",\"results\":[",
               BENCH_N);
        int first = 1;
        for (int k = 0; k < b->nisa; k++)
            for (int l = 0; l < B_NLOSS; l++) {
                printf("%s{\"isa\":\"%s\",\"loss\":\"%s\",\"melem_per_s\":%.1f}", first ? "" : ",",
                       simdloss_isa_name(b->isa[k]), bench_loss_names[l], b->melem[k][l]);
                first = 0;
            }
        printf("]}");
    }
    printf("}\n");
}

/* ---------------------------------------------------------------- main --- */

static void usage(FILE *f)
{
    fprintf(f, "usage: simdloss-cpu [--json] [--bench] [--help]\n"
               "\n"
               "Reports the CPU (vendor, model, SIMD features), what the OS enables (XCR0),\n"
               "the simdloss kernel tables compiled in, which are runnable here, and which\n"
               "one is selected and why (SIMDLOSS_ISA=scalar|avx2|avx512|neon overrides).\n"
               "\n"
               "  --json   print one JSON object instead of text (keys: arch, vendor, brand,\n"
               "           family, model, stepping, features, sve_bits, xcr0, os, kernels,\n"
               "           selected,"
               " selected_isa, env_override (null if unset), env_honoured\n"
               "           (null if unset); with --bench also bench)\n"
               "  --bench  also time mse, bce, bce_with_logits and ale (forward + gradient,\n"
               "           MEAN, n = 1M) on every runnable ISA (about 3 s)\n"
               "  --help   show this help\n");
}

int main(int argc, char **argv)
{
    int json = 0, bench = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--bench") == 0) {
            bench = 1;
        } else {
            fprintf(stderr, "simdloss-cpu: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 1;
        }
    }

    struct sl_cpu_info cpu;
    sl_cpu_detect(&cpu);
    const selection sel = get_selection(); /* before --bench pins anything */

    bench_result br;
    int have_bench = 0;
    if (bench) {
        if (run_bench(&br) != 0) {
            fprintf(stderr, "simdloss-cpu: out of memory for the benchmark\n");
            return 1;
        }
        have_bench = 1;
    }

    if (json) {
        print_json(&cpu, &sel, have_bench ? &br : NULL);
    } else {
        print_text(&cpu, &sel);
        if (have_bench) print_bench_text(&br);
    }
    return 0;
}
