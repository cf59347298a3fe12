/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Choosing the kernel table: the compiled-in tables best first, the first
 * runnable one wins unless SIMDLOSS_ISA (read on first use) or
 * simdloss_set_isa() says otherwise. Built with baseline flags, no LTO.
 */
#define _POSIX_C_SOURCE 200809L
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "internal.h"

#ifdef SL_HAVE_AVX512
SL_HIDDEN extern const struct sl_table sl_table_avx512;
#endif
#ifdef SL_HAVE_AVX2
SL_HIDDEN extern const struct sl_table sl_table_avx2;
#endif
#ifdef SL_HAVE_SVE
SL_HIDDEN extern const struct sl_table sl_table_sve512, sl_table_sve256, sl_table_sve128;
#endif
#ifdef SL_HAVE_NEON
SL_HIDDEN extern const struct sl_table sl_table_neon;
#endif
SL_HIDDEN extern const struct sl_table sl_table_scalar;
#ifdef SL_HAVE_SCALAR_NOFMA
SL_HIDDEN extern const struct sl_table sl_table_scalar_nofma;
#endif

const struct sl_table *const sl_tables[] = {
#ifdef SL_HAVE_AVX512
    &sl_table_avx512,
#endif
#ifdef SL_HAVE_AVX2
    &sl_table_avx2,
#endif
#ifdef SL_HAVE_SVE
    /* at most one of these runs: its vector length must be the CPU's */
    &sl_table_sve512, &sl_table_sve256, &sl_table_sve128,
#endif
#ifdef SL_HAVE_NEON
    &sl_table_neon,
#endif
    &sl_table_scalar,
#ifdef SL_HAVE_SCALAR_NOFMA
    &sl_table_scalar_nofma,
#endif
    NULL};

static _Atomic(const struct sl_table *) sl_current;
static _Atomic unsigned sl_bits_cache; /* CPU bits + 1 << 31 once known */

/* SIMDLOSS_CPU_DISABLE=fma,avx2,... hides CPU features from the dispatcher:
 * a diagnostic and testing aid (e.g. "fma" exercises the scalar-nofma
 * fallback on a machine that has FMA, "sve" the neon table on an SVE CPU). */
static unsigned sl_disabled_bits(void)
{
    static const struct {
        const char *name;
        unsigned bits;
    } names[] = {{"fma", SL_CPU_FMA},         {"avx", SL_CPU_AVX},     {"avx2", SL_CPU_AVX2},
                 {"avx512f", SL_CPU_AVX512F}, {"asimd", SL_CPU_ASIMD}, {"sve", SL_CPU_SVE}};
    const char *env = getenv("SIMDLOSS_CPU_DISABLE");
    unsigned off = 0;
    char buf[128];
    if (!env) return 0;
    snprintf(buf, sizeof buf, "%s", env);
    char *save = NULL;
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
            if (!strcmp(t, names[k].name)) off |= names[k].bits;
    return off;
}

static unsigned sl_bits(void)
{
    unsigned b = atomic_load_explicit(&sl_bits_cache, memory_order_relaxed);
    if (!(b >> 31)) {
        b = (sl_cpu_bits() & ~sl_disabled_bits()) | (1u << 31);
        atomic_store_explicit(&sl_bits_cache, b, memory_order_relaxed);
    }
    return b & ~(1u << 31);
}

int sl_table_runnable(const struct sl_table *t) { return (t->needs & ~sl_bits()) == 0; }

/* The best runnable table of an ISA (NULL if none). */
static const struct sl_table *sl_best_of(simdloss_isa isa)
{
    for (const struct sl_table *const *t = sl_tables; *t; t++)
        if ((*t)->isa == isa && sl_table_runnable(*t)) return *t;
    return NULL;
}

static const struct sl_table *sl_best(void)
{
    for (const struct sl_table *const *t = sl_tables; *t; t++)
        if (sl_table_runnable(*t)) return *t;
    return NULL; /* unreachable: the last scalar table of every architecture needs nothing */
}

/* SIMDLOSS_ISA as read once per process: a copy of the value (the caller may
 * change the environment later), the table it names if that one can run, and
 * the note simdloss_isa_note() returns. The library prints nothing, so an
 * ignored value is reported there, not on stderr. */
struct sl_env {
    int set;
    const struct sl_table *table;
    char value[64];
    char note[160];
};

static void sl_env_read(struct sl_env *e)
{
    static const char *const names[] = {"scalar", "avx2", "avx512", "neon"};
    const char *env = getenv("SIMDLOSS_ISA");
    if (!env || !*env) return;
    int known = 0;
    for (int k = 0; k < 4; k++)
        if (strcmp(env, names[k]) == 0) {
            known = 1;
            e->table = sl_best_of((simdloss_isa)k);
        }
    e->set = 1;
    snprintf(e->value, sizeof e->value, "%s", env);
    if (!e->table)
        snprintf(e->note, sizeof e->note, "SIMDLOSS_ISA=%s is %s here; using %s", e->value,
                 known ? "not supported" : "unknown", sl_best()->name);
}

/* Read once, by the first thread to get here; any thread racing it waits the
 * few microseconds that takes, so every caller sees the same record. */
static const struct sl_env *sl_env(void)
{
    static struct sl_env env;
    static atomic_int state; /* 0: unread, 1: being read, 2: ready */
    if (atomic_load_explicit(&state, memory_order_acquire) == 2) return &env;
    int expected = 0;
    if (atomic_compare_exchange_strong(&state, &expected, 1)) {
        sl_env_read(&env);
        atomic_store_explicit(&state, 2, memory_order_release);
    } else {
        while (atomic_load_explicit(&state, memory_order_acquire) != 2) sched_yield();
    }
    return &env;
}

static const struct sl_table *sl_choose(void)
{
    const struct sl_table *t = sl_env()->table;
    return t ? t : sl_best();
}

const struct sl_table *sl_active(void)
{
    const struct sl_table *t = atomic_load_explicit(&sl_current, memory_order_acquire);
    if (t) return t;
    t = sl_choose();
    /* a racing thread computed the same choice, or simdloss_set_isa() won */
    const struct sl_table *expected = NULL;
    if (!atomic_compare_exchange_strong(&sl_current, &expected, t)) return expected;
    return t;
}

const char *sl_env_isa(int *honoured)
{
    const struct sl_env *e = sl_env();
    *honoured = e->table != NULL;
    return e->set ? e->value : NULL;
}

const char *simdloss_isa_note(void) { return sl_env()->note; }

simdloss_isa simdloss_active_isa(void) { return sl_active()->isa; }

const char *simdloss_isa_name(simdloss_isa isa)
{
    switch (isa) {
    case SIMDLOSS_ISA_SCALAR: return "scalar";
    case SIMDLOSS_ISA_AVX2: return "avx2";
    case SIMDLOSS_ISA_AVX512: return "avx512";
    case SIMDLOSS_ISA_NEON: return "neon";
    }
    return "unknown";
}

int simdloss_isa_supported(simdloss_isa isa) { return sl_best_of(isa) != NULL; }

int simdloss_table(int index, simdloss_table_info *info)
{
    int count = 0;
    while (sl_tables[count]) count++;
    if (index < 0 || index >= count || !info)
        return sl_fail(SIMDLOSS_EINVAL, "simdloss_table: index %d is not in [0, %d)%s", index,
                       count, info ? "" : " or info is NULL");
    const struct sl_table *t = sl_tables[index];
    info->name = t->name;
    info->isa = t->isa;
    info->runnable = sl_table_runnable(t);
    info->exact = t->exact;
    return SIMDLOSS_OK;
}

int simdloss_set_table(const char *name)
{
    for (const struct sl_table *const *t = sl_tables; name && *t; t++)
        if (!strcmp((*t)->name, name)) {
            if (!sl_table_runnable(*t))
                return sl_fail(SIMDLOSS_ENOTSUP, "simdloss_set_table: %s is not supported here",
                               name);
            atomic_store_explicit(&sl_current, *t, memory_order_release);
            return SIMDLOSS_OK;
        }
    return sl_fail(SIMDLOSS_ENOTSUP, "simdloss_set_table: no table called '%s' in this build",
                   name ? name : "(null)");
}

const char *simdloss_active_table(void) { return sl_active()->name; }

int simdloss_set_isa(simdloss_isa isa)
{
    const struct sl_table *t = sl_best_of(isa);
    if (!t)
        return sl_fail(SIMDLOSS_ENOTSUP, "simdloss_set_isa: %s (%d) is not supported here",
                       simdloss_isa_name(isa), (int)isa);
    atomic_store_explicit(&sl_current, t, memory_order_release);
    return SIMDLOSS_OK;
}
