/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_vec_ops: the vector vocabulary (arch/vec_<isa>.h) op by op.
 *
 * The reference is the scalar vocabulary (arch/vec_scalar.h) compiled in a
 * translation unit of its own (vec_ops_ref.c, with -mfma on x86 like
 * arch/scalar.c; vec_ops_ref_nofma.c is its SL_SCALAR_NOFMA build), seen
 * here through plain float functions, one per op. The generic test body
 * (vec_ops.h) is compiled once per ISA header (vec_ops_<isa>.c, with the
 * library's flags for that header) and compares every lane of every op with
 * this reference and, where the scalar layer cannot express it (or would
 * share a bug with itself), with the contract in vec_scalar.h's top comment.
 */
#ifndef VO_REF_H
#define VO_REF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const char *name; /* "scalar" or "scalar-nofma" */
    int fma;          /* SLEEF's purecfma functions: the exact tables' bits */
    float (*add)(float, float);
    float (*sub)(float, float);
    float (*mul)(float, float);
    float (*div)(float, float);
    float (*fma3)(float, float, float);
    float (*neg)(float);
    float (*abs)(float);
    float (*min)(float, float);
    float (*max)(float, float);
    int (*lt)(float, float);
    int (*le)(float, float);
    int (*gt)(float, float);
    int (*ge)(float, float);
    int (*eq)(float, float);
    int (*ne)(float, float);
    int (*is_nan)(float);
    int (*m_and)(int, int);
    int (*m_or)(int, int);
    int (*m_andnot)(int, int);
    int (*m_not)(int);
    float (*select)(int, float, float);
    float (*load_bf16)(uint16_t);
    uint16_t (*store_bf16)(float);
    float (*log)(float);
    float (*exp)(float);
    float (*log1p)(float);
    float (*expm1)(float);
    float (*pow)(float, float);
} vo_ref;

/* vec_ops_ref.c: runs where the library's "scalar" table is runnable */
extern const vo_ref vo_ref_scalar;
#ifdef TVO_X86
/* vec_ops_ref_nofma.c: runs on every x86-64 CPU */
extern const vo_ref vo_ref_scalar_nofma;
#endif

/* The generic body for one ISA header: every op on every lane pattern.
 * Returns the number of failed lane checks (0: all passed) and writes the
 * first failure of each failing op to err, one line each
 * ("avx2: vf_store_bf16 lane 3: in 0x3f818000 got 0x3f81 want 0x3f82");
 * *checks counts the lane checks made; note gets what is shown but allowed
 * (SLEEF NaN results whose sign or payload differ from the reference's). */
typedef long (*vo_fn)(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                      size_t notelen);
long vec_ops_scalar(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                    size_t notelen);
#ifdef TVO_X86
long vec_ops_scalar_nofma(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                          size_t notelen);
long vec_ops_avx2(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                  size_t notelen);
long vec_ops_avx512(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                    size_t notelen);
#endif
#ifdef TVO_ARM64
long vec_ops_neon(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                  size_t notelen);
#ifdef TVO_SVE
long vec_ops_sve128(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                    size_t notelen);
long vec_ops_sve256(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                    size_t notelen);
long vec_ops_sve512(const vo_ref *ref, char *err, size_t errlen, long *checks, char *note,
                    size_t notelen);
#endif
#endif

#endif
