/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checks simdloss-cpu --json: runs a command (the probe, possibly under
 * qemu-x86_64), parses its output as JSON and checks it.
 *
 *   test_probe [options] -- COMMAND [ARGS...]
 *
 *   --need PROGRAM         exit 77 (CTest: skipped) when PROGRAM is not in PATH
 *   --cpuinfo              every feature flag agrees with /proc/cpuinfo's
 *                          "flags" (x86) or "Features" (aarch64) line
 *   --system               topology and NUMA nodes agree with lscpu -p (when
 *                          lscpu is installed), cache sharing and
 *                          frequencies with sysfs
 *   --uarch NAME           the reported microarchitecture / core
 *   --runnable A,B,...     the runnable kernel tables are exactly these
 *   --selected NAME        the selected table
 *   --honoured yes|no      SIMDLOSS_ISA was set and honoured / not honoured
 *   --true F,G,...         these features are reported present
 *   --false F,G,...        these features are reported absent
 *
 * Always: the output is exactly one JSON object with every documented key.
 * Exit status 0 when every check passes, 1 otherwise, 77 to skip.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------ a small JSON tree --- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jv {
    int type;
    int b;
    double num;
    char *str;        /* J_STR value */
    char **keys;      /* J_OBJ */
    struct jv **kids; /* J_ARR, J_OBJ */
    size_t n;
} jv;

typedef struct {
    const char *p;
    const char *err;
} parser;

static void *xalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static void skip_ws(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static jv *parse_value(parser *ps, int depth);

static char *parse_string(parser *ps)
{
    if (*ps->p != '"') {
        ps->err = "expected a string";
        return NULL;
    }
    ps->p++;
    size_t cap = 16, len = 0;
    char *out = xalloc(cap);
    for (;;) {
        unsigned char ch = (unsigned char)*ps->p;
        if (ch == 0 || ch < 0x20) {
            ps->err = "unterminated string or control character in a string";
            free(out);
            return NULL;
        }
        ps->p++;
        if (ch == '"') break;
        if (ch == '\\') {
            const char e = *ps->p++;
            switch (e) {
            case '"': ch = '"'; break;
            case '\\': ch = '\\'; break;
            case '/': ch = '/'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'n': ch = '\n'; break;
            case 'r': ch = '\r'; break;
            case 't': ch = '\t'; break;
            case 'u':
                for (int k = 0; k < 4; k++)
                    if (!isxdigit((unsigned char)ps->p[k])) {
                        ps->err = "bad \\u escape";
                        free(out);
                        return NULL;
                    }
                ch = '?'; /* the checks only need ASCII keys */
                ps->p += 4;
                break;
            default:
                ps->err = "bad escape";
                free(out);
                return NULL;
            }
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *q = realloc(out, cap);
            if (!q) exit(1);
            out = q;
        }
        out[len++] = (char)ch;
    }
    out[len] = 0;
    return out;
}

static int parse_number(parser *ps, double *v)
{
    const char *s = ps->p;
    if (*s == '-') s++;
    if (*s == '0')
        s++;
    else if (isdigit((unsigned char)*s))
        while (isdigit((unsigned char)*s)) s++;
    else
        return -1;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s)) return -1;
        while (isdigit((unsigned char)*s)) s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!isdigit((unsigned char)*s)) return -1;
        while (isdigit((unsigned char)*s)) s++;
    }
    *v = strtod(ps->p, NULL);
    ps->p = s;
    return 0;
}

static void push(jv *v, jv *kid, char *key)
{
    jv **k = realloc(v->kids, (v->n + 1) * sizeof *k);
    if (!k) exit(1);
    v->kids = k;
    if (v->type == J_OBJ) {
        char **ks = realloc(v->keys, (v->n + 1) * sizeof *ks);
        if (!ks) exit(1);
        v->keys = ks;
        v->keys[v->n] = key;
    }
    v->kids[v->n++] = kid;
}

static jv *parse_value(parser *ps, int depth)
{
    if (depth > 32) {
        ps->err = "nested too deeply";
        return NULL;
    }
    skip_ws(ps);
    jv *v = xalloc(sizeof *v);
    const char c = *ps->p;
    if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        v->type = c == '{' ? J_OBJ : J_ARR;
        ps->p++;
        skip_ws(ps);
        if (*ps->p == close) {
            ps->p++;
            return v;
        }
        for (;;) {
            char *key = NULL;
            if (v->type == J_OBJ) {
                skip_ws(ps);
                if (!(key = parse_string(ps))) return NULL;
                skip_ws(ps);
                if (*ps->p != ':') {
                    ps->err = "expected ':'";
                    return NULL;
                }
                ps->p++;
            }
            jv *kid = parse_value(ps, depth + 1);
            if (!kid) return NULL;
            push(v, kid, key);
            skip_ws(ps);
            if (*ps->p == ',') {
                ps->p++;
                continue;
            }
            if (*ps->p == close) {
                ps->p++;
                return v;
            }
            ps->err = "expected ',' or a closing bracket";
            return NULL;
        }
    }
    if (c == '"') {
        v->type = J_STR;
        return (v->str = parse_string(ps)) ? v : NULL;
    }
    if (strncmp(ps->p, "true", 4) == 0 || strncmp(ps->p, "false", 5) == 0) {
        v->type = J_BOOL;
        v->b = c == 't';
        ps->p += v->b ? 4 : 5;
        return v;
    }
    if (strncmp(ps->p, "null", 4) == 0) {
        v->type = J_NULL;
        ps->p += 4;
        return v;
    }
    v->type = J_NUM;
    if (parse_number(ps, &v->num) != 0) {
        ps->err = "unexpected character";
        return NULL;
    }
    return v;
}

static void jv_free(jv *v)
{
    if (!v) return;
    for (size_t k = 0; k < v->n; k++) {
        jv_free(v->kids[k]);
        if (v->keys) free(v->keys[k]);
    }
    free(v->kids);
    free(v->keys);
    free(v->str);
    free(v);
}

static const jv *get(const jv *o, const char *key)
{
    if (!o || o->type != J_OBJ) return NULL;
    for (size_t k = 0; k < o->n; k++)
        if (strcmp(o->keys[k], key) == 0) return o->kids[k];
    return NULL;
}

/* --------------------------------------------------------------- checks --- */

static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
}

/* Is name in the comma-separated list? */
static int in_list(const char *list, const char *name)
{
    const size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0) return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (strchr(prog, '/')) return access(prog, X_OK) == 0;
    if (!path) return 0;
    char buf[4096];
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s/%s", (int)len, p, prog);
        if (access(buf, X_OK) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* Runs argv, returns its standard output (NULL on failure). */
static char *run(char **argv, int *status)
{
    int fd[2];
    if (pipe(fd) != 0) return NULL;
    const pid_t pid = fork();
    if (pid < 0) return NULL;
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        perror(argv[0]);
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 1 << 16, len = 0;
    char *out = xalloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            char *q = realloc(out, cap);
            if (!q) exit(1);
            out = q;
        }
        const ssize_t r = read(fd[0], out + len, cap - len - 1);
        if (r <= 0) break;
        len += (size_t)r;
    }
    out[len] = 0;
    close(fd[0]);
    waitpid(pid, status, 0);
    return out;
}

/* /proc/cpuinfo's feature line for this architecture, with a space on each
 * side so that " name " finds a whole word. */
static char *cpuinfo_flags(const char *arch)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return NULL;
    const char *want = strcmp(arch, "aarch64") == 0 ? "Features" : "flags";
    char *line = NULL, *out = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        if (strncmp(line, want, strlen(want)) != 0) continue;
        const char *colon = strchr(line, ':');
        if (!colon) continue;
        out = xalloc(strlen(colon) + 3);
        snprintf(out, strlen(colon) + 3, " %s ", colon + 1);
        for (char *p = out; *p; p++)
            if (*p == '\n' || *p == '\t') *p = ' ';
        break;
    }
    free(line);
    fclose(f);
    return out;
}

/* x86 flags that Linux drops from /proc/cpuinfo when the OS does not enable
 * their register state in XCR0 (the CPU still reports them in CPUID), or
 * when the kernel does not use or allow what the bit offers: 5-level paging,
 * protection keys, TSX (tsx=off), MONITOR/MWAIT, SGX, TME, user wait, ENQCMD
 * without PASID, CET, VMX inside a guest, and the mitigations it reports
 * under its own names. */
static int os_gated(const char *flag, const jv *os)
{
    static const char *const kernel_cleared[] = {"la57",
                                                 "pku",
                                                 "ospke",
                                                 "hle",
                                                 "rtm",
                                                 "monitor",
                                                 "sgx",
                                                 "sgx_lc",
                                                 "tme",
                                                 "waitpkg",
                                                 "enqcmd",
                                                 "ibt",
                                                 "vmx",
                                                 "umip",
                                                 "mpx",
                                                 "pconfig",
                                                 "smx",
                                                 "est",
                                                 "tm2",
                                                 "ds_cpl",
                                                 "dtes64",
                                                 "pdcm",
                                                 "xtpr",
                                                 "dca",
                                                 "tm",
                                                 "pbe",
                                                 "acpi",
                                                 "dts",
                                                 "hwp",
                                                 "hwp_epp",
                                                 "ida",
                                                 "pts",
                                                 "pln",
                                                 "dtherm",
                                                 "arat",
                                                 "x2apic",
                                                 "tsxldtrk",
                                                 "avx512pf",
                                                 "avx512er",
                                                 "avx512_4vnniw",
                                                 "avx512_4fmaps",
                                                 "md_clear",
                                                 "flush_l1d",
                                                 "arch_capabilities",
                                                 "intel_pt",
                                                 "svm",
                                                 "cqm",
                                                 "rdt_a",
                                                 "bus_lock_detect",
                                                 "arch_lbr",
                                                 "hfi"};
    for (size_t k = 0; k < sizeof kernel_cleared / sizeof kernel_cleared[0]; k++)
        if (!strcmp(flag, kernel_cleared[k])) return 1;
    const jv *ymm = get(os, "ymm"), *zmm = get(os, "hi16_zmm"), *amx = get(os, "amx_tile");
    if (strncmp(flag, "avx512", 6) == 0) return !(zmm && zmm->b);
    if (strncmp(flag, "amx_", 4) == 0) return !(amx && amx->b);
    if (strncmp(flag, "avx", 3) == 0 || !strcmp(flag, "fma") || !strcmp(flag, "f16c") ||
        !strcmp(flag, "vaes"))
        return !(ymm && ymm->b);
    return 0;
}

static void check_cpuinfo(const jv *root)
{
    const jv *arch = get(root, "arch"), *feat = get(root, "features"), *os = get(root, "os");
    if (!arch || arch->type != J_STR || !feat) return; /* reported by the key check */
    char *flags = cpuinfo_flags(arch->str);
    if (!flags) {
        fail("no feature line for %s in /proc/cpuinfo%s", arch->str, "");
        return;
    }
    const jv *extra = get(root, "features_not_in_cpuinfo");
    size_t compared = 0, present = 0;
    for (size_t k = 0; k < feat->n; k++) {
        int linux_prints = 1; /* Linux names it in /proc/cpuinfo */
        for (size_t e = 0; extra && e < extra->n; e++)
            if (extra->kids[e]->type == J_STR && !strcmp(extra->kids[e]->str, feat->keys[k]))
                linux_prints = 0;
        if (!linux_prints) continue;
        char word[64];
        snprintf(word, sizeof word, " %s ", feat->keys[k]);
        const int in_cpuinfo = strstr(flags, word) != NULL;
        const int in_json = feat->kids[k]->type == J_BOOL && feat->kids[k]->b;
        compared++;
        present += in_json;
        if (in_json == in_cpuinfo) continue;
        if (in_json && !in_cpuinfo && os_gated(feat->keys[k], os)) continue;
        fail("feature %s: simdloss-cpu says %s, /proc/cpuinfo disagrees", feat->keys[k],
             in_json ? "present" : "absent");
    }
    printf("compared %zu feature flags with /proc/cpuinfo (%zu present)\n", compared, present);
    if (compared < 10) fail("only a few feature flags%s%s", "", "");
    free(flags);
}

/* lscpu -p=CPU,CORE,SOCKET,NODE: distinct packages, cores and nodes of the
 * online CPUs; 0 when lscpu is missing or says nothing */
static void lscpu_counts(int *packages, int *cores, int *nodes)
{
    *packages = *cores = *nodes = 0;
    FILE *p = popen("lscpu -p=CPU,CORE,SOCKET,NODE 2>/dev/null", "r");
    if (!p) return;
    static long seen_pkg[4096], seen_core[4096], seen_node[4096];
    char line[256];
    while (fgets(line, sizeof line, p)) {
        long cpu, core, sock, node = 0;
        if (line[0] == '#') continue;
        const int got = sscanf(line, "%ld,%ld,%ld,%ld", &cpu, &core, &sock, &node);
        if (got < 3) continue;
        const long ck = sock << 20 | core;
        int have = 0;
        for (int k = 0; k < *packages; k++) have |= seen_pkg[k] == sock;
        if (!have && *packages < 4096) seen_pkg[(*packages)++] = sock;
        have = 0;
        for (int k = 0; k < *cores; k++) have |= seen_core[k] == ck;
        if (!have && *cores < 4096) seen_core[(*cores)++] = ck;
        have = 0;
        for (int k = 0; k < *nodes; k++) have |= seen_node[k] == node;
        if (got == 4 && !have && *nodes < 4096) seen_node[(*nodes)++] = node;
    }
    pclose(p);
}

/* a JSON count or null: -1 for null, -2 when missing or of another type */
static long long count_of(const jv *o, const char *key)
{
    const jv *v = o ? get(o, key) : NULL;
    if (!v) return -2;
    if (v->type == J_NULL) return -1;
    return v->type == J_NUM ? (long long)v->num : -2;
}

static long long sysfs_ll(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = -1;
    if (f) {
        if (fscanf(f, "%lld", &v) != 1) v = -1;
        fclose(f);
    }
    return v;
}

static void check_system(const jv *root)
{
    const jv *topo = get(root, "topology"), *numa = get(root, "numa"),
             *freq = get(root, "frequency");
    int packages, cores, nodes;
    lscpu_counts(&packages, &cores, &nodes);
    if (packages > 0) {
        if (count_of(topo, "packages") != packages || count_of(topo, "cores") != cores)
            fail("topology: simdloss-cpu and lscpu disagree on packages or cores%s%s", "", "");
        else
            printf("topology: %d package(s), %d core(s), as lscpu\n", packages, cores);
    } else {
        printf("topology: no lscpu here, not compared\n");
    }
    const size_t jnodes = numa && numa->type == J_ARR ? numa->n : 0;
    if (nodes > 0 && (size_t)nodes != jnodes)
        fail("numa: %zu node(s) reported, lscpu has %d", jnodes, nodes);
    /* the logical CPUs sharing each cache: sysfs's shared_cpu_list of CPU 0 */
    const jv *caches = get(root, "caches");
    static const char *const ck[] = {"l1d", "l1i", "l2", "l3"};
    for (int i = 0; i < 16; i++) {
        char path[128], type[32] = "", list[256] = "";
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        const long long level = sysfs_ll(path);
        if (level < 0) break;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        FILE *f = fopen(path, "r");
        if (f) {
            if (!fgets(type, sizeof type, f)) type[0] = 0;
            fclose(f);
        }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/shared_cpu_list",
                 i);
        f = fopen(path, "r");
        if (!f) continue;
        if (!fgets(list, sizeof list, f)) list[0] = 0;
        fclose(f);
        long n = 0;
        for (char *p = list; *p && *p != '\n';) {
            char *e;
            const long a = strtol(p, &e, 10);
            long b = a;
            if (*e == '-') b = strtol(e + 1, &e, 10);
            n += b - a + 1;
            p = *e == ',' ? e + 1 : e;
            if (e == p && *p != ',') break;
        }
        const int slot = level == 1   ? (type[0] == 'D'   ? 0
                                         : type[0] == 'I' ? 1
                                                          : -1)
                         : level == 2 ? 2
                         : level == 3 ? 3
                                      : -1;
        if (slot < 0 || !caches) continue;
        const jv *c = get(caches, ck[slot]);
        if (!c || c->type != J_OBJ) continue;
        if (count_of(c, "shared_by") != n)
            fail("caches.%s.shared_by disagrees with sysfs's shared_cpu_list (%s)", ck[slot], list);
    }
    /* frequencies: cpufreq's, or null without cpufreq and CPUID 0x16 */
    const long long max_khz = sysfs_ll("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    const long long max_mhz = count_of(freq, "max_mhz");
    if (max_khz > 0 && max_mhz != max_khz / 1000)
        fail("frequency.max_mhz %lld, cpufreq says %lld kHz", max_mhz, max_khz);
    if (max_mhz == -2) fail("frequency.max_mhz missing or not a number%s%s", "", "");
}

int main(int argc, char **argv)
{
    const char *need = NULL, *runnable = NULL, *selected = NULL, *honoured = NULL;
    const char *want_true = NULL, *want_false = NULL;
    const char *want_uarch = NULL;
    int cpuinfo = 0, system = 0, k = 1;
    for (; k < argc && strcmp(argv[k], "--") != 0; k++) {
        const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "--cpuinfo")) {
            cpuinfo = 1;
            continue;
        }
        if (!strcmp(a, "--system")) {
            system = 1;
            continue;
        }
        if (!v) {
            fprintf(stderr, "test_probe: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--need"))
            need = v;
        else if (!strcmp(a, "--runnable"))
            runnable = v;
        else if (!strcmp(a, "--selected"))
            selected = v;
        else if (!strcmp(a, "--honoured"))
            honoured = v;
        else if (!strcmp(a, "--true"))
            want_true = v;
        else if (!strcmp(a, "--false"))
            want_false = v;
        else if (!strcmp(a, "--uarch"))
            want_uarch = v;
        else {
            fprintf(stderr, "test_probe: unknown option %s\n", a);
            return 2;
        }
        k++;
    }
    if (k + 1 >= argc) {
        fprintf(stderr, "usage: test_probe [options] -- COMMAND [ARGS...]\n");
        return 2;
    }
    if (need && !on_path(need)) {
        printf("SKIP: %s is not installed\n", need);
        return 77;
    }

    int status = 0;
    char *out = run(argv + k + 1, &status);
    if (!out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("FAIL: %s did not run or exited with an error\n", argv[k + 1]);
        return 1;
    }
    parser ps = {out, NULL};
    jv *root = parse_value(&ps, 0);
    if (root) {
        skip_ws(&ps);
        if (*ps.p) ps.err = "text after the JSON value";
    }
    if (!root || ps.err) {
        printf("FAIL: not JSON: %s at offset %ld\n%s\n", ps.err ? ps.err : "?", (long)(ps.p - out),
               out);
        return 1;
    }
    if (root->type != J_OBJ) {
        printf("FAIL: the output is not a JSON object\n");
        return 1;
    }

    /* every documented key (README, "simdloss-cpu --json") with its type */
    static const struct {
        const char *key;
        int type, nullable;
    } keys[] = {{"schema", J_NUM, 0},
                {"midr", J_STR, 1},
                {"hypervisor", J_STR, 1},
                {"topology", J_OBJ, 0},
                {"numa", J_ARR, 1},
                {"frequency", J_OBJ, 0},
                {"features_not_in_cpuinfo", J_ARR, 0},
                {"avx10", J_OBJ, 1},
                {"sme_bits", J_NUM, 0},
                {"arch", J_STR, 0},
                {"vendor", J_STR, 0},
                {"brand", J_STR, 0},
                {"family", J_NUM, 0},
                {"model", J_NUM, 0},
                {"stepping", J_NUM, 0},
                {"uarch", J_STR, 0},
                {"logical_cpus", J_NUM, 0},
                {"cpus_allowed", J_NUM, 0},
                {"hybrid", J_BOOL, 0},
                {"p_cores", J_NUM, 1},
                {"e_cores", J_NUM, 1},
                {"caches", J_OBJ, 0},
                {"features", J_OBJ, 0},
                {"sve_bits", J_NUM, 0},
                {"xcr0", J_STR, 0},
                {"os", J_OBJ, 0},
                {"kernels", J_ARR, 0},
                {"selected", J_STR, 0},
                {"selected_isa", J_STR, 0},
                {"env_override", J_STR, 1},
                {"env_honoured", J_BOOL, 1},
                {"env_note", J_STR, 1},
                {"threads", J_NUM, 0},
                {"thread_engine", J_STR, 0},
                {"threads_note", J_STR, 1}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const jv *v = get(root, keys[i].key);
        if (!v)
            fail("key %s missing%s", keys[i].key, "");
        else if (v->type != keys[i].type && !(keys[i].nullable && v->type == J_NULL))
            fail("key %s has the wrong type%s", keys[i].key, "");
    }
    const jv *schema = get(root, "schema");
    if (schema && (schema->type != J_NUM || schema->num != 1)) fail("schema is not 1%s%s", "", "");
    /* the documented members of the nested objects, each a number or null */
    static const char *const topo_keys[] = {"packages", "cores", "threads_per_core"};
    static const char *const freq_keys[] = {"base_mhz", "max_mhz", "min_mhz", "current_mhz"};
    for (int pass = 0; pass < 2; pass++) {
        const jv *o = get(root, pass ? "frequency" : "topology");
        const char *const *names = pass ? freq_keys : topo_keys;
        for (size_t i = 0; o && i < (pass ? 4u : 3u); i++)
            if (count_of(o, names[i]) == -2)
                fail("%s.%s missing or not a number or null", pass ? "frequency" : "topology",
                     names[i]);
        const jv *src = o ? get(o, "source") : NULL;
        if (o && (!src || (src->type != J_STR && src->type != J_NULL)))
            fail("%s.source missing%s", pass ? "frequency" : "topology", "");
    }
    const jv *numa = get(root, "numa");
    for (size_t i = 0; numa && numa->type == J_ARR && i < numa->n; i++) {
        const jv *n = numa->kids[i], *cpus = get(n, "cpus");
        if (count_of(n, "node") < 0 || !cpus || cpus->type != J_STR || count_of(n, "mem_kb") == -2)
            fail("numa[%zu] malformed%s", i, "");
    }
    const jv *avx10 = get(root, "avx10");
    if (avx10 && avx10->type == J_OBJ &&
        (count_of(avx10, "version") < 1 || count_of(avx10, "max_bits") < 0))
        fail("avx10 malformed%s%s", "", "");
    const jv *caches = get(root, "caches");
    for (size_t i = 0; caches && i < 4; i++) {
        static const char *const ck[] = {"l1d", "l1i", "l2", "l3"};
        const jv *c = get(caches, ck[i]);
        if (!c || (c->type != J_NULL && (c->type != J_OBJ || !get(c, "size") || !get(c, "line"))))
            fail("caches.%s missing or malformed%s", ck[i], "");
    }
    const jv *feat = get(root, "features");
    for (size_t i = 0; feat && i < feat->n; i++)
        if (feat->kids[i]->type != J_BOOL)
            fail("features.%s is not a boolean%s", feat->keys[i], "");

    /* the runnable set and the selection */
    const jv *kern = get(root, "kernels"), *sel = get(root, "selected");
    char got[256] = "";
    int sel_runnable = 0;
    for (size_t i = 0; kern && i < kern->n; i++) {
        const jv *name = get(kern->kids[i], "name"), *r = get(kern->kids[i], "runnable");
        if (!name || name->type != J_STR || !r || r->type != J_BOOL) {
            fail("kernels[] entry malformed%s%s", "", "");
            continue;
        }
        if (r->b) {
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", got[0] ? "," : "",
                     name->str);
            if (sel && sel->type == J_STR && !strcmp(sel->str, name->str)) sel_runnable = 1;
        }
    }
    if (sel && sel->type == J_STR && !sel_runnable)
        fail("the selected table %s is not runnable%s", sel->str, "");
    if (runnable) {
        int same = 1;
        for (size_t i = 0; kern && i < kern->n; i++) {
            const jv *name = get(kern->kids[i], "name"), *r = get(kern->kids[i], "runnable");
            if (name && name->type == J_STR && r && r->type == J_BOOL)
                same &= r->b == in_list(runnable, name->str);
        }
        for (const char *p = runnable; same && p && *p;) {
            const char *e = strchr(p, ',');
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
            same &= in_list(got, name);
            p = e ? e + 1 : NULL;
        }
        if (!same)
            fail("runnable tables: got %s, expected %s", got, runnable);
        else
            printf("runnable tables: %s\n", got);
    }
    if (selected) {
        if (!sel || sel->type != J_STR || strcmp(sel->str, selected) != 0)
            fail("selected %s, expected %s", sel && sel->type == J_STR ? sel->str : "?", selected);
        else
            printf("selected: %s\n", sel->str);
    }
    if (honoured) {
        const jv *h = get(root, "env_honoured");
        const int want = strcmp(honoured, "yes") == 0;
        if (!h || h->type != J_BOOL || h->b != want)
            fail("env_honoured: expected %s%s", want ? "true" : "false", "");
        /* the library's own note (simdloss_isa_note) explains an ignored value */
        const jv *note = get(root, "env_note");
        if (want ? !note || note->type != J_NULL
                 : !note || note->type != J_STR || strncmp(note->str, "SIMDLOSS_ISA=", 13) != 0)
            fail("env_note: expected %s%s", want ? "null" : "\"SIMDLOSS_ISA=...\"", "");
    }
    for (int pass = 0; pass < 2; pass++) {
        const char *list = pass ? want_false : want_true;
        for (const char *p = list; p && *p;) {
            const char *e = strchr(p, ',');
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
            const jv *f = get(feat, name);
            if (!f || f->type != J_BOOL || f->b != !pass)
                fail("feature %s should be %s", name, pass ? "absent" : "present");
            p = e ? e + 1 : NULL;
        }
    }
    if (cpuinfo) check_cpuinfo(root);
    if (system) check_system(root);
    if (want_uarch) {
        const jv *u = get(root, "uarch");
        if (!u || u->type != J_STR || strcmp(u->str, want_uarch) != 0)
            fail("uarch %s, expected %s", u && u->type == J_STR ? u->str : "?", want_uarch);
        else
            printf("uarch: %s\n", u->str);
    }

    if (failures) printf("%d check(s) failed; the output was:\n%s", failures, out);
    jv_free(root);
    free(out);
    if (failures) return 1;
    printf("OK\n");
    return 0;
}
