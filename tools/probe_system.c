/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What Linux says of the machine around the CPU: packages, cores and SMT
 * (sysfs topology of the online CPUs), the logical CPUs sharing each cache
 * (shared_cpu_list), NUMA nodes with their CPUs and memory, and cpufreq's
 * frequencies. Anything sysfs does not expose stays unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

const char *const probe_group_names[PG_N] = {
    "base",
    "SSE",
    "AVX",
    "AVX-512",
    "AMX / SME",
    "SVE",
    "crypto",
    "bit manipulation",
    "memory",
    "security",
    "virtualization",
    "system",
};

int probe_read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    const int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    if (!ok) return -1;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

static long long read_ll(const char *path)
{
    char buf[64];
    return probe_read_line(path, buf, sizeof buf) == 0 ? strtoll(buf, NULL, 10) : -1;
}

/* Calls fn(cpu) for every CPU of a list such as "0-3,8,10-11". */
static void for_cpu_list(const char *s, void (*fn)(long cpu, void *ctx), void *ctx)
{
    while (*s) {
        char *end;
        const long a = strtol(s, &end, 10);
        if (end == s) break;
        long b = a;
        if (*end == '-') {
            const char *t = end + 1;
            b = strtol(t, &end, 10);
            if (end == t || b < a) break;
        }
        for (long c = a; c <= b; c++) fn(c, ctx);
        if (*end != ',') break;
        s = end + 1;
    }
}

static void count_one(long cpu, void *ctx)
{
    (void)cpu;
    ++*(unsigned *)ctx;
}

unsigned probe_count_cpu_list(const char *list)
{
    unsigned n = 0;
    for_cpu_list(list, count_one, &n);
    return n;
}

unsigned probe_cache_shared_by(unsigned level, char type)
{
    for (int i = 0; i < 16; i++) {
        char path[128], buf[512];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        if (probe_read_line(path, buf, sizeof buf) != 0) break;
        if ((unsigned)strtoul(buf, NULL, 10) != level) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        if (probe_read_line(path, buf, sizeof buf) != 0) continue;
        const char t = buf[0] == 'D' ? 'd' : buf[0] == 'I' ? 'i' : 'u';
        if (t != type) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list",
                 i);
        if (probe_read_line(path, buf, sizeof buf) != 0) return 0;
        return probe_count_cpu_list(buf);
    }
    return 0;
}

/* distinct (package) and (package, core) pairs of the online CPUs */
#define MAX_IDS 4096
typedef struct {
    long pkg[MAX_IDS], core[MAX_IDS];
    int npkg, ncore, ok;
} topo_walk;

static int seen(const long *v, int n, long x)
{
    for (int k = 0; k < n; k++)
        if (v[k] == x) return 1;
    return 0;
}

static void topo_cpu(long cpu, void *ctx)
{
    topo_walk *w = ctx;
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/topology/physical_package_id", cpu);
    const long long pkg = read_ll(path);
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%ld/topology/core_id", cpu);
    const long long core = read_ll(path);
    if (pkg < 0 || core < 0) {
        w->ok = 0;
        return;
    }
    if (!seen(w->pkg, w->npkg, (long)pkg) && w->npkg < MAX_IDS) w->pkg[w->npkg++] = (long)pkg;
    /* cores are numbered within their package */
    const long key = (long)(pkg << 20 | core);
    if (!seen(w->core, w->ncore, key) && w->ncore < MAX_IDS) w->core[w->ncore++] = key;
}

/* MemTotal of a node's meminfo ("Node 0 MemTotal:  123456 kB") */
static long long node_mem_kb(int node)
{
    char path[96], line[256];
    snprintf(path, sizeof path, "/sys/devices/system/node/node%d/meminfo", node);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long long kb = -1;
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "MemTotal:");
        if (p) {
            kb = strtoll(p + 9, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

void probe_system_read(probe_system *s)
{
    memset(s, 0, sizeof *s);
    char buf[1024];
    static topo_walk w;
    memset(&w, 0, sizeof w);
    w.ok = 1;
    if (probe_read_line("/sys/devices/system/cpu/online", buf, sizeof buf) == 0) {
        for_cpu_list(buf, topo_cpu, &w);
        if (w.ok && w.npkg > 0) {
            s->known = 1;
            s->packages = w.npkg;
            s->cores = w.ncore;
            unsigned n = 0;
            if (probe_read_line("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", buf,
                                sizeof buf) == 0)
                for_cpu_list(buf, count_one, &n);
            s->threads_per_core = (int)n;
        }
    }
    for (int node = 0; node < 1024 && s->nodes < PROBE_MAX_NODES; node++) {
        char path[96];
        snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", node);
        if (probe_read_line(path, buf, sizeof buf) != 0) continue;
        s->node[s->nodes].id = node;
        snprintf(s->node[s->nodes].cpus, sizeof s->node[s->nodes].cpus, "%.127s", buf);
        s->node[s->nodes].mem_kb = node_mem_kb(node);
        s->nodes++;
    }
    s->base_khz = read_ll("/sys/devices/system/cpu/cpu0/cpufreq/base_frequency");
    s->max_khz = read_ll("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    s->min_khz = read_ll("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_min_freq");
    s->cur_khz = read_ll("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
    if (s->max_khz > 0 || s->base_khz > 0)
        snprintf(s->freq_source, sizeof s->freq_source, "cpufreq");
}
