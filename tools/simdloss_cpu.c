/* SPDX-License-Identifier: Apache-2.0 */
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
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"
#include "internal.h"
#include "simdloss.h"

/* ------------------------------------------------------------ features --- */

/* Every SIMD flag of sl_cpu_info, with its /proc/cpuinfo spelling. */
#define FEATURE(name, field)                                                                       \
    {                                                                                              \
        name, offsetof(struct sl_cpu_info, field), 0                                               \
    }
#define ARM_FEATURE(name, field)                                                                   \
    {                                                                                              \
        name, offsetof(struct sl_cpu_info, field), 1                                               \
    }
static const struct {
    const char *name;
    size_t off;
    int arm; /* an aarch64 HWCAP flag (else x86 CPUID) */
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
    ARM_FEATURE("fp", fp),
    ARM_FEATURE("asimd", asimd),
    ARM_FEATURE("fphp", fphp),
    ARM_FEATURE("asimdhp", asimdhp),
    ARM_FEATURE("asimdrdm", asimdrdm),
    ARM_FEATURE("asimddp", asimddp),
    ARM_FEATURE("asimdfhm", asimdfhm),
    ARM_FEATURE("fcma", fcma),
    ARM_FEATURE("jscvt", jscvt),
    ARM_FEATURE("i8mm", i8mm),
    ARM_FEATURE("bf16", bf16),
    ARM_FEATURE("sve", sve),
    ARM_FEATURE("sve2", sve2),
    ARM_FEATURE("sve2p1", sve2p1),
    ARM_FEATURE("svebitperm", svebitperm),
    ARM_FEATURE("svei8mm", svei8mm),
    ARM_FEATURE("svef32mm", svef32mm),
    ARM_FEATURE("svef64mm", svef64mm),
    ARM_FEATURE("svebf16", svebf16),
    ARM_FEATURE("sme", sme),
    ARM_FEATURE("smefa64", smefa64),
    ARM_FEATURE("sme2", sme2),
    ARM_FEATURE("aes", aes),
    ARM_FEATURE("pmull", pmull),
    ARM_FEATURE("sha1", sha1),
    ARM_FEATURE("sha2", sha2),
    ARM_FEATURE("sha3", sha3),
    ARM_FEATURE("sha512", sha512),
    ARM_FEATURE("crc32", crc32),
    ARM_FEATURE("atomics", atomics),
};
#define NFEATURES (sizeof features / sizeof features[0])

static int feature(const struct sl_cpu_info *c, size_t k)
{
    int v;
    memcpy(&v, (const char *)c + features[k].off, sizeof v);
    return v != 0;
}

/* Whether a feature belongs to this architecture. */
static int feature_applies(const struct sl_cpu_info *c, size_t k)
{
    return strcmp(c->arch, "aarch64") == 0 ? features[k].arm : !features[k].arm;
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

/* ------------------------------------------------ caches, CPUs, hybrid --- */

/* L1d, L1i, L2, L3: from CPUID when sl_cpu_detect found them, else sysfs. */
enum { C_L1D, C_L1I, C_L2, C_L3, C_N };
static const char *const cache_keys[C_N] = {"l1d", "l1i", "l2", "l3"};

typedef struct {
    struct sl_cpu_cache c[C_N]; /* size 0: not found */
    const char *source;         /* NULL: none */
} cache_view;

static int cache_slot(unsigned level, char type)
{
    if (level == 1) return type == 'd' ? C_L1D : (type == 'i' ? C_L1I : -1);
    if (level == 2 && type != 'i') return C_L2;
    if (level == 3 && type != 'i') return C_L3;
    return -1;
}

/* Reads one line of a small sysfs file; 0 on success. */
static int read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    const int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* Number of CPUs in a list such as "0-3,8,10-11". */
static unsigned count_cpu_list(const char *s)
{
    unsigned n = 0;
    while (*s) {
        char *end;
        const unsigned long a = strtoul(s, &end, 10);
        if (end == s) break;
        unsigned long b = a;
        if (*end == '-') {
            const char *t = end + 1;
            b = strtoul(t, &end, 10);
            if (end == t || b < a) break;
        }
        n += (unsigned)(b - a + 1);
        s = *end == ',' ? end + 1 : end;
        if (*end != ',') break;
    }
    return n;
}

static void caches_from_sysfs(cache_view *v)
{
    for (int i = 0; i < 16; i++) {
        char dir[96], path[160], buf[128];
        snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        snprintf(path, sizeof path, "%s/level", dir);
        if (read_line(path, buf, sizeof buf) != 0) break;
        const unsigned level = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/type", dir);
        if (read_line(path, buf, sizeof buf) != 0) continue;
        const char type = buf[0] == 'D' ? 'd' : (buf[0] == 'I' ? 'i' : 'u');
        const int slot = cache_slot(level, type);
        if (slot < 0 || v->c[slot].size) continue;
        struct sl_cpu_cache *c = &v->c[slot];
        c->level = level;
        c->type = type;
        snprintf(path, sizeof path, "%s/size", dir);
        if (read_line(path, buf, sizeof buf) == 0) {
            char *end;
            unsigned long sz = strtoul(buf, &end, 10);
            if (*end == 'K') sz <<= 10;
            if (*end == 'M') sz <<= 20;
            c->size = sz;
        }
        snprintf(path, sizeof path, "%s/coherency_line_size", dir);
        if (read_line(path, buf, sizeof buf) == 0) c->line = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/ways_of_associativity", dir);
        if (read_line(path, buf, sizeof buf) == 0) c->ways = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/shared_cpu_list", dir);
        if (read_line(path, buf, sizeof buf) == 0) c->shared_by = count_cpu_list(buf);
    }
}

static cache_view get_caches(const struct sl_cpu_info *cpu)
{
    cache_view v;
    memset(&v, 0, sizeof v);
    for (unsigned k = 0; k < cpu->ncache; k++) {
        const int slot = cache_slot(cpu->cache[k].level, cpu->cache[k].type);
        if (slot >= 0 && !v.c[slot].size) v.c[slot] = cpu->cache[k];
    }
    int found = 0;
    for (int k = 0; k < C_N; k++) found += v.c[k].size != 0;
    if (found) {
        v.source = cpu->cache_source;
        return v;
    }
    caches_from_sysfs(&v);
    for (int k = 0; k < C_N; k++) found += v.c[k].size != 0;
    v.source = found ? "sysfs" : NULL;
    return v;
}

typedef struct {
    long online, configured; /* logical CPUs (sysconf), -1 if unknown */
    int allowed;             /* CPUs in this process's affinity mask, -1 if unknown */
    int p_cores, e_cores;    /* hybrid parts: logical CPUs of each type (-1: not counted) */
} cpu_counts;

/* On hybrid parts, CPUID.1A answers for the CPU the thread runs on: run on
 * each allowed CPU in turn and ask. The affinity mask is restored after. */
static cpu_counts get_cpu_counts(const struct sl_cpu_info *cpu)
{
    cpu_counts n;
    n.online = sysconf(_SC_NPROCESSORS_ONLN);
    n.configured = sysconf(_SC_NPROCESSORS_CONF);
    n.allowed = -1;
    n.p_cores = n.e_cores = -1;
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) return n;
    n.allowed = CPU_COUNT(&mask);
    if (!cpu->hybrid) return n;
    n.p_cores = n.e_cores = 0;
    for (int k = 0; k < CPU_SETSIZE; k++) {
        if (!CPU_ISSET(k, &mask)) continue;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(k, &one);
        if (sched_setaffinity(0, sizeof one, &one) != 0) continue;
        const unsigned t = sl_cpu_core_type();
        if (t == 0x40) n.p_cores++;
        if (t == 0x20) n.e_cores++;
    }
    sched_setaffinity(0, sizeof mask, &mask);
    return n;
}

static const char *core_type_name(unsigned t)
{
    return t == 0x40 ? "P-core (Core)" : (t == 0x20 ? "E-core (Atom)" : "unknown");
}

static void format_size(unsigned long b, char *out, size_t len)
{
    if (b >= (1ul << 20) && b % (1ul << 20) == 0)
        snprintf(out, len, "%lu MiB", b >> 20);
    else if (b >= 1024)
        snprintf(out, len, "%lu KiB", b >> 10);
    else
        snprintf(out, len, "%lu B", b);
}

/* --------------------------------------------------------------- bench --- */

#define BENCH_N (1u << 20)
#define BENCH_BUDGET_S 2.0 /* timed part; allocation and setup come on top */

enum { B_MSE, B_BCE, B_BCE_LOGITS, B_ALE, B_NLOSS };
static const char *const bench_loss_names[B_NLOSS] = {"mse", "bce", "bce_with_logits", "ale"};

typedef struct {
    int nisa;
    simdloss_isa isa[4];
    double melem[4][B_NLOSS]; /* one thread; 0 when it failed */
    simdloss_isa all_isa;     /* the selected one, at every thread */
    int threads;
    double melem_all[B_NLOSS];
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

    const double cell_budget = BENCH_BUDGET_S / (double)((r->nisa + 1) * B_NLOSS);
    r->threads = simdloss_get_num_threads();
    r->all_isa = before;
    /* every ISA on one thread, then the selected one on every thread */
    for (int k = 0; k <= r->nisa; k++) {
        simdloss_set_isa(k < r->nisa ? r->isa[k] : before);
        simdloss_set_num_threads(k < r->nisa ? 1 : 0);
        for (int l = 0; l < B_NLOSS; l++) {
            double *cell = k < r->nisa ? &r->melem[k][l] : &r->melem_all[l];
            float out;
            *cell = 0.0;
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
            *cell = (double)n / best / 1e6;
        }
    }
    simdloss_set_isa(before);
    simdloss_set_num_threads(0);
    free(prob), free(logit), free(y), free(grad);
    return 0;
}

/* "  1234 (  5.6x)": v Melem/s and its ratio to base (none when base <= 0) */
static void print_bench_cell(double v, double base, const char *ratio_fmt)
{
    char cell[40], ratio[16];
    if (v <= 0.0) {
        snprintf(cell, sizeof cell, "failed");
    } else if (base > 0.0) {
        snprintf(ratio, sizeof ratio, ratio_fmt, v / base);
        snprintf(cell, sizeof cell, "%8.0f (%s)", v, ratio);
    } else {
        snprintf(cell, sizeof cell, "%8.0f", v);
    }
    printf(" %18s", cell);
}

static void print_bench_text(const bench_result *r)
{
    int scalar = -1;
    for (int k = 0; k < r->nisa; k++)
        if (r->isa[k] == SIMDLOSS_ISA_SCALAR) scalar = k;
    int sel = -1;
    for (int k = 0; k < r->nisa; k++)
        if (r->isa[k] == r->all_isa) sel = k;
    printf("\nSelf-benchmark: forward + gradient, MEAN, n = %u, best of a few runs\n", BENCH_N);
    printf("  Melem/s on one thread (speed-up over scalar); on %d threads (speed-up over one)\n",
           r->threads);
    printf("  %-16s", "loss");
    for (int k = 0; k < r->nisa; k++) printf(" %18s", simdloss_isa_name(r->isa[k]));
    char head[48];
    snprintf(head, sizeof head, "%s x%d", simdloss_isa_name(r->all_isa), r->threads);
    printf(" %18s\n", head);
    for (int l = 0; l < B_NLOSS; l++) {
        printf("  %-16s", bench_loss_names[l]);
        for (int k = 0; k < r->nisa; k++)
            print_bench_cell(r->melem[k][l], scalar >= 0 ? r->melem[scalar][l] : 0.0, "%5.1fx");
        print_bench_cell(r->melem_all[l], sel >= 0 ? r->melem[sel][l] : 0.0, "%5.2fx");
        printf("\n");
    }
}

/* ---------------------------------------------------------------- text --- */

static const char *yn(int b) { return b ? "yes" : "no"; }

static void print_text(const struct sl_cpu_info *c, const selection *s, const cache_view *cv,
                       const cpu_counts *cn)
{
    printf("simdloss %s -- CPU and kernel selection\n\n", simdloss_version());
    printf("arch               %s\n", c->arch);
    if (is_x86(c)) {
        printf("vendor             %s\n", c->vendor[0] ? c->vendor : "(unknown)");
        printf("brand              %s\n", c->brand[0] ? c->brand : "(none reported)");
        printf("family, model      %u (0x%x), %u (0x%x), stepping %u\n", c->family, c->family,
               c->model, c->model, c->stepping);
        printf("microarchitecture  %s\n", c->uarch);
    }
    printf("logical CPUs       %ld online", cn->online);
    if (cn->configured > cn->online) printf(" (%ld configured)", cn->configured);
    if (cn->allowed >= 0) printf(", %d allowed for this process", cn->allowed);
    printf("\n");
    if (is_x86(c)) {
        if (c->hybrid)
            printf("hybrid             yes: %d P-core and %d E-core logical CPUs allowed here; "
                   "this thread runs on a %s\n",
                   cn->p_cores, cn->e_cores, core_type_name(c->core_type));
        else
            printf("hybrid             no (CPUID.7:EDX[15] = 0)\n");
    }
    printf("caches             ");
    if (!cv->source) {
        printf("unknown (neither CPUID nor sysfs describes them)\n");
    } else {
        int first = 1;
        for (int k = 0; k < C_N; k++) {
            const struct sl_cpu_cache *cc = &cv->c[k];
            if (!cc->size) continue;
            char sz[32];
            format_size(cc->size, sz, sizeof sz);
            printf("%s%s %s", first ? "" : ", ", cache_keys[k], sz);
            if (cc->shared_by > 1) printf(" (shared by %u)", cc->shared_by);
            first = 0;
        }
        unsigned line = 0;
        for (int k = 0; k < C_N && !line; k++) line = cv->c[k].line;
        printf("; %u-byte lines [%s]\n", line, cv->source);
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
        printf("  SIMDLOSS_ISA was set but not honoured: %s\n", simdloss_isa_note());
    else
        printf("  because it is the best runnable table (SIMDLOSS_ISA not set)\n");
    printf("\nthreads: %d per call (engine: %s)\n", simdloss_get_num_threads(),
           simdloss_thread_engine());
    if (*simdloss_threads_note()) printf("  %s\n", simdloss_threads_note());
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

static void print_json(const struct sl_cpu_info *c, const selection *s, const cache_view *cv,
                       const cpu_counts *cn, const bench_result *b)
{
    printf("{\"arch\":");
    json_str(c->arch);
    printf(",\"vendor\":");
    json_str(c->vendor);
    printf(",\"brand\":");
    json_str(c->brand);
    printf(",\"family\":%u,\"model\":%u,\"stepping\":%u", c->family, c->model, c->stepping);
    printf(",\"uarch\":");
    json_str(c->uarch);
    printf(",\"logical_cpus\":%ld,\"cpus_allowed\":%d", cn->online, cn->allowed);
    printf(",\"hybrid\":%s", jb(c->hybrid));
    if (c->hybrid)
        printf(",\"p_cores\":%d,\"e_cores\":%d", cn->p_cores, cn->e_cores);
    else
        printf(",\"p_cores\":null,\"e_cores\":null");
    printf(",\"caches\":{\"source\":");
    json_str(cv->source);
    for (int k = 0; k < C_N; k++) {
        const struct sl_cpu_cache *cc = &cv->c[k];
        printf(",\"%s\":", cache_keys[k]);
        if (!cc->size)
            printf("null");
        else
            printf("{\"size\":%lu,\"line\":%u,\"ways\":%u,\"shared_by\":%u}", cc->size, cc->line,
                   cc->ways, cc->shared_by);
    }
    printf("},\"features\":{");
    int firstf = 1;
    for (size_t k = 0; k < NFEATURES; k++) {
        if (!feature_applies(c, k)) continue;
        printf("%s\"%s\":%s", firstf ? "" : ",", features[k].name, jb(feature(c, k)));
        firstf = 0;
    }
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
    printf(",\"env_note\":");
    json_str(s->env && !s->honoured ? simdloss_isa_note() : NULL);
    printf(",\"threads\":%d,\"thread_engine\":", simdloss_get_num_threads());
    json_str(simdloss_thread_engine());
    printf(",\"threads_note\":");
    json_str(*simdloss_threads_note() ? simdloss_threads_note() : NULL);
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
        printf("],\"threads\":%d,\"all_threads\":[", b->threads);
        for (int l = 0; l < B_NLOSS; l++)
            printf("%s{\"isa\":\"%s\",\"loss\":\"%s\",\"melem_per_s\":%.1f}", l ? "," : "",
                   simdloss_isa_name(b->all_isa), bench_loss_names[l], b->melem_all[l]);
        printf("]}");
    }
    printf("}\n");
}

/* ---------------------------------------------------------------- main --- */

static void usage(FILE *f)
{
    fprintf(f, "usage: simdloss-cpu [--json] [--bench] [--help]\n"
               "\n"
               "Reports the CPU (vendor, model, microarchitecture, caches, logical CPUs,\n"
               "hybrid cores, SIMD features), what the OS enables (XCR0), the simdloss\n"
               "kernel tables compiled in, which are runnable here, and which one is\n"
               "selected and why (SIMDLOSS_ISA=scalar|avx2|avx512|neon overrides).\n"
               "\n"
               "  --json   print one JSON object instead of text (keys: arch, vendor, brand,\n"
               "           family, model, stepping, uarch, logical_cpus, cpus_allowed,\n"
               "           hybrid, p_cores, e_cores, caches, features, sve_bits, xcr0, os,\n"
               "           kernels, selected, selected_isa, env_override, env_honoured,\n"
               "           env_note, threads, thread_engine, threads_note;\n"
               "           with --bench also bench; README.md describes them)\n"
               "  --bench  also time mse, bce, bce_with_logits and ale (forward + gradient,\n"
               "           MEAN, n = 1M) on every runnable ISA on one thread, and on the\n"
               "           selected one on every thread (about 3 s)\n"
               "  --help   show this help\n"
               "\n"
               "Environment:\n"
               "  SIMDLOSS_ISA=scalar|avx2|avx512|neon   the kernel variant to use\n"
               "  SIMDLOSS_CPU_DISABLE=fma,avx2,...      hide CPU features from the dispatcher\n"
               "                                         (fma, avx2, avx512f, asimd, sve)\n"
               "  SIMDLOSS_NUM_THREADS=n                 threads per call (default: the CPUs\n"
               "                                         of the affinity mask)\n");
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
    const cache_view caches = get_caches(&cpu);
    const cpu_counts counts = get_cpu_counts(&cpu);

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
        print_json(&cpu, &sel, &caches, &counts, have_bench ? &br : NULL);
    } else {
        print_text(&cpu, &sel, &caches, &counts);
        if (have_bench) print_bench_text(&br);
    }
    return 0;
}
