/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the entry points, the dispatcher and the per-ISA kernel tables share.
 * Nothing here is public: every symbol is hidden in the shared library.
 */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "registry.h"
#include "simdloss.h"

#define SL_HIDDEN __attribute__((visibility("hidden")))

/* One call of an elementwise kernel: its arrays, outputs and parameters, and
 * what the kernel reports back. */
/* Elements per block of the canonical reduction (the elementwise driver). */
#define SL_BLOCK 1024

typedef struct sl_args {
    size_t n;
    const float *in[SL_MAX_IN];   /* differentiable inputs, n values each */
    const float *tgt[SL_MAX_TGT]; /* targets, n values each */
    const float *cyc[SL_MAX_CYC]; /* cyclic arrays (ones when the caller gave NULL) */
    size_t cyc_len[SL_MAX_CYC];
    float *loss;            /* NONE: n values, or NULL */
    float *grad[SL_MAX_IN]; /* per input: n values, or NULL */
    float *grad_cyc;        /* gradient w.r.t. cyc[0], stored when cyc_len[0] == n */
    double *cyc_acc;        /* ... accumulated in element order when cyc_len[0] < n */
    int want_sum;           /* accumulate the canonical sum of the losses */
    double *bsum;           /* ... NULL: into sum; else block b's total to bsum[b] */
    size_t first;           /* index of element 0 in the call (a task's start): the
                             * cyclic arrays' phase */
    float gscale;           /* gradient factor: 1/n for MEAN (times a loss's own constant) */
    const void *params;     /* the loss's sl_<name>_args (registry.h) */
    int flags;              /* its flags */
    /* results */
    double sum;
    int bad; /* some element was outside the domain */
    size_t bad_index;
    float bad_value;
} sl_args;

typedef void (*sl_kernel)(sl_args *);

/* Kernels besides the losses (numbered after them): whole-array scans and
 * the benchmark's reference limits. */
#define SL_OTHER_KERNELS(X)                                                                        \
    X(all_binary)     /* bad = some tgt[0] is neither 0 nor 1 */                                   \
    X(first_negative) /* bad = some cyc[0] < 0; bad_index = the first */                           \
    X(ref_stream)     /* grad[0] = in[0] + tgt[0]: the read-2-write-1 memory limit */              \
    X(ref_log)        /* sum of log(in[0]): SLEEF throughput */                                    \
    X(ref_exp)                                                                                     \
    X(ref_log1p)                                                                                   \
    X(ref_expm1)                                                                                   \
    X(ctc_step) /* CTC's vector steps: src/ctc.h */                                                \
    X(ctc_expdiff)                                                                                 \
    X(ctc_logadd)                                                                                  \
    X(ctc_grad)

enum {
    SL_K_OTHER_FIRST_ = SL_K_NELEM - 1,
#define SL_ENUM_OTHER(name) SL_K_##name,
    SL_OTHER_KERNELS(SL_ENUM_OTHER) SL_K_COUNT
#undef SL_ENUM_OTHER
};

/* Classes per block of a row: a row sum's float lanes are closed into its
 * double total at every block's end (src/kernels/rows.h), and losses that
 * work a row block by block size their per-block scratch by it. */
#define SL_RBLOCK 1024

/* One call of a class-dimension kernel (cross-entropy, Keras categorical,
 * margin losses). Positions are (b, i) pairs, position P = b * inner + i;
 * element (b, c, i) is at [(b * classes + c) * inner + i]. */
typedef struct sl_rargs {
    size_t batch, classes, inner;
    const void *x;      /* float, or uint16_t bfloat16 */
    const int64_t *ti;  /* class-index targets (validated), or NULL */
    const float *tf;    /* float targets of the input's shape (one per row: SL_T_ROW), or NULL */
    const float *x2[2]; /* more inputs of the input's shape (X2), or NULL */
    float *g2[2];       /* their gradients, or NULL */
    const float *w;     /* classes values (weight, alpha), or NULL */
    int64_t ignore;     /* ignore_index */
    void *grad;         /* float or uint16_t, or NULL */
    float *scratch;     /* what the entry point's plan asked for (sl_cplan.scratch) */
    float p[4];         /* loss-specific parameters (header of each kernel) */
    int flags;          /* loss-specific bits */
    float wsum;         /* sum of w over classes (classes if w == NULL) */
    float gn, gs;       /* gradient factors (cross-entropy: nll and smoothing parts) */
    const void *ext;    /* a loss's own description (triplet_margin_with_distance's distance) */
    float gz;           /* cross-entropy's z-loss gradient factor (2 z_loss, / the MEAN divisor) */
    float *lse;         /* cross-entropy's log-sum-exp per position, or NULL */
    int64_t *amax;      /* cross-entropy's argmax per position, or NULL */
} sl_rargs;

/* sl_rargs.flags of the cross-entropy kernels */
enum {
    SL_CE_W = 1,
    SL_CE_SMOOTH = 2,
    SL_CE_EX = 4,   /* simdloss_cross_entropy_ex_f32's options: the kernels that read them */
    SL_CE_CAP = 8,  /* soft-capping (p[3] = softcap) */
    SL_CE_ONE = 16, /* z-loss or soft-capping: l0 = p[0] nll + p[1] smooth + p[2] lse^2 */
};
/* sl_rargs.flags of the margin kernels: multi_margin with p == 2; the caller
 * wants no loss (l0 gets zeros). */
enum { SL_MM_P2 = 1, SL_MM_NOLOSS = 2 };

/* Computes positions [pos, pos + cnt): their losses go to l0[0..cnt) (and a
 * second per-position term to l1 when the loss has one, else l1 is NULL),
 * their gradients to grad. cnt <= SL_RCHUNK; a chunk never splits a row. */
typedef void (*sl_rkernel)(const sl_rargs *a, size_t pos, size_t cnt, float *l0, float *l1);
/* Class-index target t counts (is not ignore_index, when use_ignore), and a
 * counted one outside [0, C) is bad (negative targets wrap above C). */
static inline int sl_target_on(int64_t t, int64_t ign, int use_ignore)
{
    return !use_ignore || t != ign;
}
static inline int sl_target_bad(int64_t t, uint64_t C, int64_t ign, int use_ignore)
{
    return sl_target_on(t, ign, use_ignore) & ((uint64_t)t >= C);
}
/* Of n class-index targets: the count kept (not ignore_index, when
 * use_ignore) and whether any kept one lies outside [0, C). */
typedef int (*sl_tscan)(const int64_t *t, size_t n, uint64_t C, int64_t ign, int use_ignore,
                        size_t *kept);
#define SL_RCHUNK 1024

/* Every NaN an output holds is this one (0x7fc00000): a NaN's sign and
 * payload depend on operand order and on the architecture (x86's default NaN
 * is negative, Arm's positive), and outputs are bitwise identical across
 * ISAs, NaNs included. */
static inline float sl_canon1(float v) { return v != v ? __builtin_nanf("") : v; }

/* Cross-entropy over inner == 1 rows of more than 16 classes runs along the
 * classes (16 canonical lanes per row); everything else runs across
 * positions, SL_VL positions per vector, classes in sequence. The choice
 * depends on the shape only, never on the ISA. */
static inline int sl_rowwise(size_t classes, size_t inner) { return inner == 1 && classes > 16; }
/* Groups of 16 positions the across-positions loop loads at once (a tile of
 * up to 16 KiB); its scratch holds 16 * classes * sl_col_groups(classes)
 * floats of tiles. */
static inline size_t sl_col_groups(size_t classes)
{
    /* 4096 / (16 * classes) without the product, which wraps to 0 for
     * classes a multiple of 2^60 */
    const size_t u = classes ? 256 / classes : 1;
    return u < 1 ? 1 : u > 8 ? 8 : u;
}

/* CPU capability bits a table may need (see cpu.c). */
enum {
    SL_CPU_FMA = 1u << 0,
    SL_CPU_AVX = 1u << 1,
    SL_CPU_AVX2 = 1u << 2,
    SL_CPU_AVX512F = 1u << 3,
    SL_CPU_AVX512BW = 1u << 4,
    SL_CPU_AVX512DQ = 1u << 5,
    SL_CPU_AVX512VL = 1u << 6,
    SL_CPU_OS_YMM = 1u << 7, /* XCR0: SSE + AVX state */
    SL_CPU_OS_ZMM = 1u << 8, /* XCR0: opmask + ZMM_Hi256 + Hi16_ZMM */
    SL_CPU_ASIMD = 1u << 9,
    SL_CPU_SVE = 1u << 10,       /* HWCAP_SVE */
    SL_CPU_SVE_VL128 = 1u << 11, /* the SVE vector length is exactly 128 bits */
    SL_CPU_SVE_VL256 = 1u << 12,
    SL_CPU_SVE_VL512 = 1u << 13
};

struct sl_table {
    const char *name; /* "avx512", "avx2", "scalar", "scalar-nofma", "neon", "sve256", ... */
    simdloss_isa isa;
    unsigned needs;      /* SL_CPU_* bits */
    const sl_kernel *k;  /* SL_K_COUNT kernels */
    const sl_rkernel *r; /* SL_R_COUNT class kernels */
    sl_tscan tscan;
    int exact; /* bitwise identical to every other exact table (FMA); 0: scalar-nofma */
};

/* dispatch.c */
SL_HIDDEN const struct sl_table *sl_active(void);
/* Compiled-in tables, best first, NULL-terminated. */
SL_HIDDEN extern const struct sl_table *const sl_tables[];
SL_HIDDEN int sl_table_runnable(const struct sl_table *t);
/* SIMDLOSS_ISA as read once per process (NULL if unset or empty) and whether
 * it names a runnable ISA. */
SL_HIDDEN const char *sl_env_isa(int *honoured);

/* cpu.c */
SL_HIDDEN unsigned sl_cpu_bits(void);

/* error.c */
SL_HIDDEN int sl_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SL_HIDDEN void sl_clear_error(void);

#endif
