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
#include "probe.h"
#include "simdloss.h"

/* ------------------------------------------------------------ features --- */

#define MAX_FLAGS 512

typedef struct {
    probe_flag f[MAX_FLAGS];
    size_t n;
} flag_list;

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

static void caches_from_sysfs(cache_view *v)
{
    for (int i = 0; i < 16; i++) {
        char dir[96], path[160], buf[128];
        snprintf(dir, sizeof dir, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        snprintf(path, sizeof path, "%s/level", dir);
        if (probe_read_line(path, buf, sizeof buf) != 0) break;
        const unsigned level = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/type", dir);
        if (probe_read_line(path, buf, sizeof buf) != 0) continue;
        const char type = buf[0] == 'D' ? 'd' : (buf[0] == 'I' ? 'i' : 'u');
        const int slot = cache_slot(level, type);
        if (slot < 0 || v->c[slot].size) continue;
        struct sl_cpu_cache *c = &v->c[slot];
        c->level = level;
        c->type = type;
        snprintf(path, sizeof path, "%s/size", dir);
        if (probe_read_line(path, buf, sizeof buf) == 0) {
            char *end;
            unsigned long sz = strtoul(buf, &end, 10);
            if (*end == 'K') sz <<= 10;
            if (*end == 'M') sz <<= 20;
            c->size = sz;
        }
        snprintf(path, sizeof path, "%s/coherency_line_size", dir);
        if (probe_read_line(path, buf, sizeof buf) == 0) c->line = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/ways_of_associativity", dir);
        if (probe_read_line(path, buf, sizeof buf) == 0) c->ways = (unsigned)strtoul(buf, NULL, 10);
        snprintf(path, sizeof path, "%s/shared_cpu_list", dir);
        if (probe_read_line(path, buf, sizeof buf) == 0) c->shared_by = probe_count_cpu_list(buf);
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
        /* CPUID's sharing count is an upper bound (0 in AMD's legacy
         * leaves): the logical CPUs that do share it, where sysfs says */
        for (int k = 0; k < C_N; k++) {
            const unsigned n = probe_cache_shared_by(v.c[k].level, v.c[k].type);
            if (v.c[k].size && n) v.c[k].shared_by = n;
        }
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
    char allowed_list[256];  /* the mask as a CPU list ("0-3,8"), "" if unknown */
    int p_cores, e_cores;    /* hybrid parts: logical CPUs of each type (-1: not counted) */
} cpu_counts;

/* A CPU set as a list of ranges, as sysfs writes them. */
static void format_cpu_list(const cpu_set_t *m, char *out, size_t len)
{
    size_t at = 0;
    out[0] = 0;
    for (int k = 0; k < CPU_SETSIZE && at < len; k++) {
        if (!CPU_ISSET(k, m)) continue;
        int e = k;
        while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, m)) e++;
        const int w = e > k ? snprintf(out + at, len - at, "%s%d-%d", at ? "," : "", k, e)
                            : snprintf(out + at, len - at, "%s%d", at ? "," : "", k);
        if (w < 0 || (size_t)w >= len - at) { /* too long for the buffer: say so */
            snprintf(out, len, "(more than %zu characters)", len - 1);
            return;
        }
        at += (size_t)w;
        k = e;
    }
}

/* On hybrid parts, CPUID.1A answers for the CPU the thread runs on: run on
 * each allowed CPU in turn and ask. The affinity mask is restored after. */
static cpu_counts get_cpu_counts(const struct sl_cpu_info *cpu)
{
    cpu_counts n;
    n.online = sysconf(_SC_NPROCESSORS_ONLN);
    n.configured = sysconf(_SC_NPROCESSORS_CONF);
    n.allowed = -1;
    n.allowed_list[0] = 0;
    n.p_cores = n.e_cores = -1;
    cpu_set_t mask;
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) return n;
    n.allowed = CPU_COUNT(&mask);
    format_cpu_list(&mask, n.allowed_list, sizeof n.allowed_list);
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

/* ------------------------------------------------------------- report --- */

typedef struct {
    struct sl_cpu_info cpu;
    selection sel;
    cache_view caches;
    cpu_counts counts;
    flag_list flags;
    probe_x86 x86;
    probe_system sys;
    uint64_t midr;    /* AArch64, 0 when unknown */
    const char *core; /* x86: the microarchitecture; AArch64: the core from MIDR */
    unsigned sme_bits;
} report;

static void collect(report *r)
{
    sl_cpu_detect(&r->cpu);
    r->sel = get_selection(); /* before --bench pins anything */
    r->caches = get_caches(&r->cpu);
    r->counts = get_cpu_counts(&r->cpu);
    r->flags.n = probe_flags(r->flags.f, MAX_FLAGS);
    probe_x86_extras(&r->x86);
    probe_system_read(&r->sys);
    r->midr = probe_midr();
    r->sme_bits = probe_sme_bits();
    /* without sysfs topology, CPUID's SMT width (leaf 0x1F / 0xB) */
    if (!r->sys.known && r->x86.threads_per_core)
        r->sys.threads_per_core = (int)r->x86.threads_per_core;
    r->core = r->cpu.uarch;
    if (!is_x86(&r->cpu))
        r->core = r->midr ? probe_arm_core_name((unsigned)(r->midr >> 24 & 0xff),
                                                (unsigned)(r->midr >> 4 & 0xfff))
                          : "unknown";
    /* the frequencies: cpufreq, else CPUID 0x16 (MHz) */
    if (!r->sys.freq_source[0] && (r->x86.base_mhz || r->x86.max_mhz)) {
        r->sys.base_khz = r->x86.base_mhz ? 1000ll * r->x86.base_mhz : -1;
        r->sys.max_khz = r->x86.max_mhz ? 1000ll * r->x86.max_mhz : -1;
        snprintf(r->sys.freq_source, sizeof r->sys.freq_source, "cpuid 0x16");
    }
}

/* ---------------------------------------------------------------- text --- */

static const char *yn(int b) { return b ? "yes" : "no"; }

static void print_mhz(const char *label, long long khz, int *first)
{
    if (khz <= 0) return;
    printf("%s%s %lld MHz", *first ? "" : ", ", label, khz / 1000);
    *first = 0;
}

static void print_system_text(const report *r)
{
    const cpu_counts *cn = &r->counts;
    const probe_system *sy = &r->sys;
    printf("logical CPUs       %ld online", cn->online);
    if (cn->configured > cn->online) printf(" (%ld configured)", cn->configured);
    if (cn->allowed >= 0)
        printf(", %d allowed for this process (%s)", cn->allowed, cn->allowed_list);
    printf("\n");
    if (sy->known)
        printf("topology           %d package%s, %d core%s, %d thread%s per core [sysfs]\n",
               sy->packages, sy->packages == 1 ? "" : "s", sy->cores, sy->cores == 1 ? "" : "s",
               sy->threads_per_core, sy->threads_per_core == 1 ? "" : "s");
    else if (sy->threads_per_core)
        printf("topology           %d thread%s per core [cpuid]; packages and cores unknown (no "
               "sysfs topology)\n",
               sy->threads_per_core, sy->threads_per_core == 1 ? "" : "s");
    else
        printf("topology           unknown (no sysfs topology)\n");
    if (sy->nodes == 0) {
        printf("NUMA               unknown (no /sys/devices/system/node)\n");
    } else {
        printf("NUMA               %d node%s:", sy->nodes, sy->nodes == 1 ? "" : "s");
        for (int k = 0; k < sy->nodes; k++) {
            printf("%s node%d CPUs %s", k ? ";" : "", sy->node[k].id, sy->node[k].cpus);
            if (sy->node[k].mem_kb >= 0)
                printf(", %.1f GiB", (double)sy->node[k].mem_kb / (1024.0 * 1024.0));
        }
        printf("\n");
    }
    printf("frequency          ");
    if (!sy->freq_source[0]) {
        printf("unknown (neither cpufreq nor CPUID leaf 0x16)\n");
    } else {
        int first = 1;
        print_mhz("base", sy->base_khz, &first);
        print_mhz("max", sy->max_khz, &first);
        print_mhz("min", sy->min_khz, &first);
        print_mhz("current", sy->cur_khz, &first);
        printf(" [%s]\n", sy->freq_source);
    }
}

static void print_flags_text(const report *r)
{
    printf("\nCPU features (%s; /proc/cpuinfo names, * = a bit Linux does not print):\n",
           is_x86(&r->cpu) ? "CPUID as the CPU reports it" : "HWCAP/HWCAP2");
    for (int g = 0; g < PG_N; g++) {
        int col = 0, any = 0;
        for (size_t k = 0; k < r->flags.n; k++) {
            const probe_flag *f = &r->flags.f[k];
            if (f->group != g || !f->present) continue;
            const int w = (int)strlen(f->name) + 1 + !f->in_cpuinfo;
            if (!any || col + w > 78) {
                printf(any ? "\n  %-18s" : "  %-18s", any ? "" : probe_group_names[g]);
                col = 0;
            }
            printf(" %s%s", f->name, f->in_cpuinfo ? "" : "*");
            col += w;
            any = 1;
        }
        if (any) printf("\n");
    }
    size_t on = 0;
    for (size_t k = 0; k < r->flags.n; k++) on += r->flags.f[k].present != 0;
    printf("  (%zu of the %zu flags known here; --json lists all of them)\n", on, r->flags.n);
    if (r->x86.avx10_version)
        printf("  AVX10: version %u, vectors up to %u bits\n", r->x86.avx10_version,
               r->x86.avx10_max_bits);
    if (!is_x86(&r->cpu)) {
        if (r->cpu.sve_bits)
            printf("  SVE vector length of this thread: %u bits\n", r->cpu.sve_bits);
        else
            printf("  SVE vector length: %s\n", r->cpu.sve ? "unknown" : "n/a (no SVE)");
        if (r->sme_bits) printf("  SME streaming vector length: %u bits\n", r->sme_bits);
    }
}

static void print_text(const report *r)
{
    const struct sl_cpu_info *c = &r->cpu;
    const selection *s = &r->sel;
    const cache_view *cv = &r->caches;
    const cpu_counts *cn = &r->counts;
    printf("simdloss %s -- CPU and kernel selection\n\n", simdloss_version());
    printf("arch               %s\n", c->arch);
    if (is_x86(c)) {
        printf("vendor             %s\n", c->vendor[0] ? c->vendor : "(unknown)");
        printf("brand              %s\n", c->brand[0] ? c->brand : "(none reported)");
        printf("family, model      %u (0x%x), %u (0x%x), stepping %u\n", c->family, c->family,
               c->model, c->model, c->stepping);
        printf("microarchitecture  %s\n", r->core);
        printf("hypervisor         %s\n",
               r->x86.hypervisor[0] ? r->x86.hypervisor : "none (CPUID.1:ECX[31] = 0)");
    } else if (r->midr) {
        const unsigned imp = (unsigned)(r->midr >> 24 & 0xff),
                       part = (unsigned)(r->midr >> 4 & 0xfff);
        printf("core               %s (%s, implementer 0x%02x, part 0x%03x, r%up%u; MIDR_EL1 "
               "0x%08llx)\n",
               r->core, probe_arm_implementer_name(imp), imp, part, (unsigned)(r->midr >> 20 & 0xf),
               (unsigned)(r->midr & 0xf), (unsigned long long)r->midr);
    } else {
        printf("core               unknown (MIDR_EL1 not readable)\n");
    }
    print_system_text(r);
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

    print_flags_text(r);

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

/* a count, or null when unknown (<= 0) */
static void json_count(const char *key, long long v, int comma)
{
    printf(v > 0 ? "%s\"%s\":%lld" : "%s\"%s\":null", comma ? "," : "", key, v);
}

static void print_system_json(const report *r)
{
    const probe_system *sy = &r->sys;
    printf(",\"topology\":{");
    json_count("packages", sy->known ? sy->packages : 0, 0);
    json_count("cores", sy->known ? sy->cores : 0, 1);
    json_count("threads_per_core", sy->threads_per_core, 1);
    printf(",\"source\":");
    json_str(sy->known ? "sysfs" : sy->threads_per_core ? "cpuid" : NULL);
    printf("},\"numa\":");
    if (sy->nodes == 0) {
        printf("null");
    } else {
        printf("[");
        for (int k = 0; k < sy->nodes; k++) {
            printf("%s{\"node\":%d,\"cpus\":", k ? "," : "", sy->node[k].id);
            json_str(sy->node[k].cpus);
            json_count("mem_kb", sy->node[k].mem_kb, 1);
            printf("}");
        }
        printf("]");
    }
    printf(",\"frequency\":{");
    json_count("base_mhz", sy->base_khz > 0 ? sy->base_khz / 1000 : 0, 0);
    json_count("max_mhz", sy->max_khz > 0 ? sy->max_khz / 1000 : 0, 1);
    json_count("min_mhz", sy->min_khz > 0 ? sy->min_khz / 1000 : 0, 1);
    json_count("current_mhz", sy->cur_khz > 0 ? sy->cur_khz / 1000 : 0, 1);
    printf(",\"source\":");
    json_str(sy->freq_source[0] ? sy->freq_source : NULL);
    printf("}");
}

static void print_json(const report *r, const bench_result *b)
{
    const struct sl_cpu_info *c = &r->cpu;
    const selection *s = &r->sel;
    const cache_view *cv = &r->caches;
    const cpu_counts *cn = &r->counts;
    printf("{\"schema\":1,\"arch\":");
    json_str(c->arch);
    printf(",\"vendor\":");
    json_str(c->vendor);
    printf(",\"brand\":");
    json_str(c->brand);
    printf(",\"family\":%u,\"model\":%u,\"stepping\":%u", c->family, c->model, c->stepping);
    printf(",\"uarch\":");
    json_str(r->core);
    printf(",\"midr\":");
    if (r->midr) {
        char m[32];
        snprintf(m, sizeof m, "0x%08llx", (unsigned long long)r->midr);
        json_str(m);
    } else {
        printf("null");
    }
    printf(",\"hypervisor\":");
    json_str(r->x86.hypervisor[0] ? r->x86.hypervisor : NULL);
    printf(",\"logical_cpus\":%ld,\"cpus_allowed\":%d,\"cpus_allowed_list\":", cn->online,
           cn->allowed);
    json_str(cn->allowed_list[0] ? cn->allowed_list : NULL);
    print_system_json(r);
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
        if (!cc->size) {
            printf("null");
            continue;
        }
        printf("{\"size\":%lu,\"line\":%u,\"ways\":%u", cc->size, cc->line, cc->ways);
        json_count("shared_by", cc->shared_by, 1);
        printf("}");
    }
    printf("},\"features\":{");
    for (size_t k = 0; k < r->flags.n; k++)
        printf("%s\"%s\":%s", k ? "," : "", r->flags.f[k].name, jb(r->flags.f[k].present));
    printf("},\"features_not_in_cpuinfo\":[");
    int first = 1;
    for (size_t k = 0; k < r->flags.n; k++) {
        if (r->flags.f[k].in_cpuinfo) continue;
        printf("%s", first ? "" : ",");
        json_str(r->flags.f[k].name);
        first = 0;
    }
    printf("],\"avx10\":");
    if (r->x86.avx10_version)
        printf("{\"version\":%u,\"max_bits\":%u}", r->x86.avx10_version, r->x86.avx10_max_bits);
    else
        printf("null");
    printf(",\"sve_bits\":%u,\"sme_bits\":%u", c->sve_bits, r->sme_bits);
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
        int firstb = 1;
        for (int k = 0; k < b->nisa; k++)
            for (int l = 0; l < B_NLOSS; l++) {
                printf("%s{\"isa\":\"%s\",\"loss\":\"%s\",\"melem_per_s\":%.1f}", firstb ? "" : ",",
                       simdloss_isa_name(b->isa[k]), bench_loss_names[l], b->melem[k][l]);
                firstb = 0;
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
               "Reports the CPU (vendor, model, microarchitecture or the AArch64 core from\n"
               "MIDR_EL1, hypervisor), the system (packages, cores, threads per core, NUMA\n"
               "nodes, frequencies, caches and who shares them), every CPUID feature flag\n"
               "under its /proc/cpuinfo name (AArch64: every HWCAP flag, SVE and SME\n"
               "lengths), what the OS enables (XCR0), the simdloss kernel tables compiled\n"
               "in, which are runnable here, and which one is selected and why.\n"
               "\n"
               "  --json   print one JSON object instead of text (schema 1; keys: schema,\n"
               "           arch, vendor, brand, family, model, stepping, uarch, midr,\n"
               "           hypervisor, logical_cpus, cpus_allowed, cpus_allowed_list,\n"
               "           topology, numa,\n"
               "           frequency, hybrid, p_cores, e_cores, caches, features,\n"
               "           features_not_in_cpuinfo, avx10, sve_bits, sme_bits, xcr0, os,\n"
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

    static report r;
    collect(&r);

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
        print_json(&r, have_bench ? &br : NULL);
    } else {
        print_text(&r);
        if (have_bench) print_bench_text(&br);
    }
    return 0;
}
