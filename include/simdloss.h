/* SPDX-License-Identifier: Apache-2.0 */
/*
 * simdloss: fused loss + gradient kernels for C, with runtime ISA dispatch.
 *
 * Conventions shared by every elementwise loss
 * --------------------------------------------
 *   int simdloss_<name>_f32(size_t n, const float *input, const float *target,
 *                           <parameters>, simdloss_reduction reduction,
 *                           float *loss, float *grad_input);
 *
 * - `loss` receives n values (SIMDLOSS_NONE) or one value (MEAN, SUM). It may
 *   be NULL when only the gradient is wanted.
 * - `grad_input` (may be NULL) receives, for MEAN and SUM, the gradient of the
 *   reduced loss with respect to `input`; for NONE the elementwise derivative
 *   d loss[i] / d input[i]. At least one of `loss` and `grad_input` must be
 *   non-NULL.
 * - n == 0: NONE writes nothing, SUM gives 0, MEAN gives NaN. `input` and
 *   `target` may be NULL only when n == 0. An n, weight_len or var_len above
 *   SIZE_MAX / sizeof(float) (no such array can exist): SIMDLOSS_EINVAL.
 * - Any alignment works. `loss` (NONE) and `grad_input` may alias `input` or
 *   `target` exactly (in place); they must not overlap each other or any
 *   array partially.
 * - MEAN and SUM are accumulated in double in a fixed order (16 virtual lanes,
 *   blocks of 1024 elements) and rounded to float once: the result is within
 *   1 ulp of the exact sum of the float elementwise losses and bitwise
 *   identical on every ISA.
 * - A MEAN gradient is the elementwise gradient times (float)(1.0 / n), the
 *   factor formed in double and rounded once, as PyTorch does.
 * - NaN in any input element gives NaN loss and NaN gradient for that element
 *   (PyTorch sometimes returns a finite gradient, e.g. sign(NaN) = 0 in l1).
 *   Every NaN output, of any function, is the quiet NaN 0x7fc00000 (bfloat16
 *   0x7fc0), whatever the NaN in the input: the bits agree across ISAs and
 *   architectures for NaNs too.
 * - Arguments are validated before anything is written: on SIMDLOSS_EINVAL no
 *   output is touched. SIMDLOSS_EDOMAIN (an element outside the domain where
 *   PyTorch raises) is reported after the pass completes; the outputs then
 *   hold what was computed. simdloss_last_error() names the function, the
 *   argument and, for EDOMAIN, the first bad index and value.
 * - Float parameters accept every value of their stated range, infinities
 *   included where the range reaches them, and give what the reference
 *   computes there by IEEE rules (gamma = +inf: (1 - p_t)^gamma is 0 below 1
 *   and its derivative inf * 0 = NaN, as torch's and TensorFlow's pow
 *   gradients). NaN lies in no range: a NaN parameter is SIMDLOSS_EINVAL
 *   (the references accept it and return NaN everywhere).
 * - Per-class weights are short arrays broadcast cyclically: element i uses
 *   weight[i % weight_len]; weight_len must divide n (PyTorch's broadcast
 *   over the last dimension). NULL means no weight.
 *
 * Reference semantics: PyTorch 1.13 float32 (torchvision for sigmoid_focal,
 * Keras 3 for the Keras losses, ale.py for ALE).
 */
#ifndef SIMDLOSS_H
#define SIMDLOSS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SIMDLOSS_BUILDING) && defined(__GNUC__)
#define SIMDLOSS_API __attribute__((visibility("default")))
#else
#define SIMDLOSS_API
#endif

typedef enum { SIMDLOSS_NONE = 0, SIMDLOSS_MEAN = 1, SIMDLOSS_SUM = 2 } simdloss_reduction;

enum {
    SIMDLOSS_OK = 0,
    SIMDLOSS_EINVAL = 1,  /* NULL pointer where data is needed, bad size, parameter or reduction */
    SIMDLOSS_EDOMAIN = 2, /* an element outside the loss's domain (PyTorch raises) */
    SIMDLOSS_ENOTSUP = 3, /* ISA not compiled in or not supported by this CPU/OS */
    SIMDLOSS_ENOMEM = 4   /* a scratch allocation failed (gaussian_nll with var_len < n) */
};

/* Static description of a status code ("invalid argument", ...). */
SIMDLOSS_API const char *simdloss_strerror(int status);
/* Thread-local message of the last failing call in this thread, e.g.
 * "simdloss_bce_f32: input[17] = 1.5 is outside [0, 1]"; "" if none. */
SIMDLOSS_API const char *simdloss_last_error(void);
/* Sets this thread's last-error message (truncated to 255 bytes) and returns
 * status: for libraries built on simdloss, whose errors simdloss_last_error
 * then reports like the core's (libsimdloss_linear does). */
SIMDLOSS_API int simdloss_set_error(int status, const char *message);
/* The version of this header. The version is written here and nowhere else:
 * CMakeLists.txt reads these three lines for the project version, the
 * library's SOVERSION (MAJOR) and the pkg-config and CMake package files. */
#define SIMDLOSS_VERSION_MAJOR 0
#define SIMDLOSS_VERSION_MINOR 1
#define SIMDLOSS_VERSION_PATCH 0

/* The library's version, "MAJOR.MINOR.PATCH": that of the header it was
 * built with (a program may run with a newer library of the same MAJOR). */
SIMDLOSS_API const char *simdloss_version(void);

/* ---------------------------------------------------------------- ISA --- */
typedef enum {
    SIMDLOSS_ISA_SCALAR = 0,
    SIMDLOSS_ISA_AVX2 = 1,
    SIMDLOSS_ISA_AVX512 = 2,
    SIMDLOSS_ISA_NEON = 3
} simdloss_isa;

/* The kernel variant in use (chosen on first use: the best supported one, or
 * SIMDLOSS_ISA=scalar|avx2|avx512|neon from the environment; an unknown or
 * unsupported value is ignored, and simdloss_isa_note() says so). */
SIMDLOSS_API simdloss_isa simdloss_active_isa(void);
/* Why SIMDLOSS_ISA was ignored: "SIMDLOSS_ISA=sse9 is unknown here; using
 * avx512", "SIMDLOSS_ISA=avx512 is not supported here; using avx2"; "" when
 * the variable is unset, empty or honoured. The library never writes to
 * stdout or stderr: this string is its only report of an ignored value.
 * SIMDLOSS_ISA is read once per process (on the first call of this or any
 * other function that needs the kernel variant); the string is static. */
SIMDLOSS_API const char *simdloss_isa_note(void);
/* "scalar", "avx2", "avx512", "neon"; "unknown" for other values. */
SIMDLOSS_API const char *simdloss_isa_name(simdloss_isa isa);
/* 1 when the variant is compiled in and the CPU and OS support it. */
SIMDLOSS_API int simdloss_isa_supported(simdloss_isa isa);
/* Pin a variant for the whole process (thread-safe). SIMDLOSS_ENOTSUP when
 * not supported here; the active variant is then unchanged. */
SIMDLOSS_API int simdloss_set_isa(simdloss_isa isa);

/* The kernel tables compiled in, best first. Each belongs to an ISA, and
 * an ISA may have several: "scalar" and "scalar-nofma" (x86 without FMA) on
 * x86-64; "sve512", "sve256", "sve128" and "neon" for SIMDLOSS_ISA_NEON on
 * AArch64 (the SVE table matching the CPU's vector length). */
typedef struct {
    const char *name; /* "avx512", "avx2", "scalar", "scalar-nofma", "sve256", "neon", ... */
    simdloss_isa isa;
    int runnable; /* the CPU and the OS support it here */
    int exact;    /* bitwise identical to every other exact table; 0 for scalar-nofma */
} simdloss_table_info;
/* Describes table `index` (0 = the best) in *info; SIMDLOSS_EINVAL past the
 * last table or with info NULL. */
SIMDLOSS_API int simdloss_table(int index, simdloss_table_info *info);
/* Pins the table called `name` for the whole process (thread-safe), for
 * diagnostics and tests; SIMDLOSS_ENOTSUP when it is unknown or not runnable
 * here (the active table is then unchanged). */
SIMDLOSS_API int simdloss_set_table(const char *name);
/* The name of the table in use. */
SIMDLOSS_API const char *simdloss_active_table(void);

/* ---------------------------------------------------------- threads --- */

/*
 * Every loss splits its work across threads: elementwise losses into tasks
 * of consecutive elements, class-dimension losses into tasks of consecutive
 * positions (rows), at boundaries that depend only on the problem (n, or
 * batch, classes and inner), never on the thread count; each task's
 * reduction sums are kept and added in the canonical order. So every
 * output is bitwise identical for any thread count, through the built-in
 * engine or a caller's pool, and to the single-threaded result. A call too
 * small to split (one task) runs inline on the calling thread.
 *
 * The built-in engine is OpenMP (GCC's libgomp) when the library was built
 * with it, else none (one thread). A call made from inside an OpenMP
 * parallel region runs on its calling thread. In a child process after
 * fork(), once the parent has run a parallel call, the built-in engine is
 * not used (libgomp's threads do not survive fork and a team started there
 * would hang): calls run on one thread, or on a pool set in the child.
 */

/* Up to n threads per call: 0 restores the default (the CPUs this process
 * may run on, sched_getaffinity; or SIMDLOSS_NUM_THREADS, read on first use
 * like SIMDLOSS_ISA), 1 disables threading; n < 0: SIMDLOSS_EINVAL. A call
 * uses at most 256 threads (or pool workers), each with its own scratch.
 * Applies to the whole process (thread-safe; calls in flight keep their
 * count). */
SIMDLOSS_API int simdloss_set_num_threads(int n);
/* The number of threads a call may use: the pool's num_threads when one is
 * set (simdloss_set_parallel_for), else the set or default count; 1 when
 * the library has no built-in engine and no pool is set. */
SIMDLOSS_API int simdloss_get_num_threads(void);
/* Why SIMDLOSS_NUM_THREADS was ignored ("SIMDLOSS_NUM_THREADS=abc is not a
 * count >= 0; using 8"), or "": as simdloss_isa_note(). */
SIMDLOSS_API const char *simdloss_threads_note(void);
/* "openmp", "serial" (no built-in engine or after fork), or "caller" (a
 * pool set with simdloss_set_parallel_for). */
SIMDLOSS_API const char *simdloss_thread_engine(void);

/* A caller's thread pool: runs task(arg, i) once for every i in
 * [0, count), on any threads, concurrently or not, and returns when all
 * have returned. */
typedef void (*simdloss_parallel_for)(void *pool, void (*task)(void *arg, size_t index), void *arg,
                                      size_t count);
/* Runs simdloss's tasks on the caller's pool: fn(pool, task, arg, count)
 * with count <= num_threads (the number of tasks the pool can run at once,
 * >= 1, else SIMDLOSS_EINVAL). fn == NULL restores the built-in engine
 * (pool and num_threads are then ignored). Thread-safe; calls in flight
 * keep the pool they started with. */
SIMDLOSS_API int simdloss_set_parallel_for(simdloss_parallel_for fn, void *pool, int num_threads);

/* ------------------------------------------------- regression losses --- */

/* loss = (x - y)^2; d/dx = 2 (x - y). torch.nn.functional.mse_loss. */
SIMDLOSS_API int simdloss_mse_f32(size_t n, const float *input, const float *target,
                                  simdloss_reduction reduction, float *loss, float *grad_input);

/* loss = |x - y|; d/dx = sign(x - y) (0 at x == y). F.l1_loss. */
SIMDLOSS_API int simdloss_l1_f32(size_t n, const float *input, const float *target,
                                 simdloss_reduction reduction, float *loss, float *grad_input);

/* z = |x - y|; loss = 0.5 z^2 if z < delta else delta (z - 0.5 delta);
 * d/dx = clamp(x - y, -delta, delta). delta > 0 (+inf allowed), else EINVAL.
 * F.huber_loss. */
SIMDLOSS_API int simdloss_huber_f32(size_t n, const float *input, const float *target, float delta,
                                    simdloss_reduction reduction, float *loss, float *grad_input);

/* z = |x - y|; loss = 0.5 z^2 / beta if z < beta else z - 0.5 beta;
 * d/dx = -1 if d <= -beta, 1 if d >= beta, else d / beta (so beta = 0 gives
 * -1 at d = 0, as PyTorch). beta >= 0, else EINVAL. F.smooth_l1_loss. */
SIMDLOSS_API int simdloss_smooth_l1_f32(size_t n, const float *input, const float *target,
                                        float beta, simdloss_reduction reduction, float *loss,
                                        float *grad_input);

/* ----------------------------------------------- binary cross-entropy --- */

/* input = probability p in [0, 1], target y (soft labels allowed, not checked).
 * loss = w [(y - 1) max(log(1 - p), -100) - y max(log p, -100)];
 * d/dp = w (p - y) / max(p (1 - p), 1e-12).
 * p < 0, p > 1 or NaN: SIMDLOSS_EDOMAIN. MEAN divides by n (not by sum w).
 * weight: NULL or weight_len values, element i uses weight[i % weight_len].
 * F.binary_cross_entropy. */
SIMDLOSS_API int simdloss_bce_f32(size_t n, const float *input, const float *target,
                                  const float *weight, size_t weight_len,
                                  simdloss_reduction reduction, float *loss, float *grad_input);

/* input = logit x. L = softplus(-x) = max(-x, 0) + log1p(exp(-|x|));
 * lw = 1 + (pos_weight - 1) y; loss = w [(1 - y) x + lw L];
 * d/dx = w [(pos_weight y + 1 - y) sigmoid(x) - pos_weight y].
 * weight / pos_weight: NULL or cyclic arrays (as bce's weight).
 * F.binary_cross_entropy_with_logits. */
SIMDLOSS_API int simdloss_bce_with_logits_f32(size_t n, const float *input, const float *target,
                                              const float *weight, size_t weight_len,
                                              const float *pos_weight, size_t pos_weight_len,
                                              simdloss_reduction reduction, float *loss,
                                              float *grad_input);

/* ---------------------------------------------------- focal and ALE ---- */

/* Absolute Logarithmic Error (ale.py), input = y_pred, target = y_true, all
 * in float32 with eps = 1e-7:
 *   t = clip(y_true, ls, 1 - ls); p = clip(y_pred, eps, 1 - eps);
 *   a = clip(|t - p|, 0, 1); loss = -log((1 + eps) - a);
 *   alpha > 0: loss *= (y_true != 1 ? alpha : 1 - alpha); gamma >= 1: loss *= a^gamma.
 * d/dy_pred = W [a^gamma / D + gamma a^(gamma-1) (-log D)] sign(p - t) with
 * D = (1 + eps) - a (gamma = 0: W sign(p - t) / D); 0 where the y_pred clip
 * is active (y_pred < eps or > 1 - eps) and 0 at p == t.
 * 0 <= alpha <= 1, gamma == 0 or gamma >= 1 (+inf included; ale.py's own
 * assertion), 0 <= label_smoothing <= 0.5, else EINVAL. ALE's 'sum'
 * reduction (sum / batch) is SUM divided by the caller; its
 * 'sum_over_batch_size' is SUM. */
SIMDLOSS_API int simdloss_ale_f32(size_t n, const float *input, const float *target, float alpha,
                                  float gamma, float label_smoothing, simdloss_reduction reduction,
                                  float *loss, float *grad_input);

/* Keras 3 BinaryFocalCrossentropy on probabilities (from_logits=False):
 *   y' = y (1 - ls) + 0.5 ls; o = clip(p, 1e-7, 1 - 1e-7);
 *   bce = -[y' log o + (1 - y') log(1 - o)]; q = 1 - [y' p + (1 - y')(1 - p)];
 *   loss = q^gamma bce, times [y' alpha + (1 - y')(1 - alpha)] when alpha >= 0
 *   (apply_class_balancing=True); alpha < 0 disables the balancing.
 * Gradient with TensorFlow's conventions (clip blocks the bce path outside
 * [eps, 1 - eps]; the focal factor uses the unclipped p). gamma >= 0
 * (+inf included), alpha <= 1 (-inf included), 0 <= label_smoothing <= 1,
 * else EINVAL. MEAN over all n equals
 * Keras' sum_over_batch_size when every sample has the same length. */
SIMDLOSS_API int simdloss_binary_focal_f32(size_t n, const float *input, const float *target,
                                           float gamma, float alpha, float label_smoothing,
                                           simdloss_reduction reduction, float *loss,
                                           float *grad_input);

/* torchvision.ops.sigmoid_focal_loss on logits x:
 *   p = sigmoid(x); ce = bce_with_logits(x, y); q = 1 - [p y + (1 - p)(1 - y)];
 *   loss = ce q^gamma, times alpha y + (1 - alpha)(1 - y) when alpha >= 0.
 * d/dx = a_t [(p - y) q^gamma - gamma q^(gamma-1) (2y - 1) p (1 - p) ce].
 * gamma >= 0 (+inf included), alpha <= 1 (-inf included), else EINVAL.
 * 0 < gamma < 1 gives a NaN gradient for saturated logits, as torchvision. */
SIMDLOSS_API int simdloss_sigmoid_focal_f32(size_t n, const float *input, const float *target,
                                            float alpha, float gamma, simdloss_reduction reduction,
                                            float *loss, float *grad_input);

/* ------------------------------------------------ other elementwise ---- */

/* loss = log(1 + exp(-y x)), evaluated as a stable softplus (finite where
 * PyTorch 1.13 overflows to inf); d/dx = -y sigmoid(-y x). F.soft_margin_loss. */
SIMDLOSS_API int simdloss_soft_margin_f32(size_t n, const float *input, const float *target,
                                          simdloss_reduction reduction, float *loss,
                                          float *grad_input);

/* loss = [y != 1] max(0, margin - x) + [y != -1] x; d/dx passes the clamp's
 * gradient at margin - x == 0. margin must not be NaN. F.hinge_embedding_loss. */
SIMDLOSS_API int simdloss_hinge_embedding_f32(size_t n, const float *input, const float *target,
                                              float margin, simdloss_reduction reduction,
                                              float *loss, float *grad_input);

/* loss = max(0, -y (x1 - x2) + margin) with y = target (usually +-1, any
 * value scales); where -y (x1 - x2) + margin >= 0 (the clamp passes the
 * gradient at 0): d/dx1 = -y, d/dx2 = y, else 0. The target is not
 * differentiated. margin: any value but NaN. Any of loss, grad_input1,
 * grad_input2 may be NULL, not all. F.margin_ranking_loss. */
SIMDLOSS_API int simdloss_margin_ranking_f32(size_t n, const float *input1, const float *input2,
                                             const float *target, float margin,
                                             simdloss_reduction reduction, float *loss,
                                             float *grad_input1, float *grad_input2);

/* input = log-probabilities x. log_target == 0: loss = xlogy(t, t) - t x
 * (t == 0 gives 0, t < 0 gives NaN), d/dx = -t; log_target != 0:
 * loss = exp(t) (t - x), d/dx = -exp(t). Pointwise; PyTorch's 'batchmean' is
 * SUM / batch, computed by the caller. F.kl_div. */
SIMDLOSS_API int simdloss_kl_div_f32(size_t n, const float *input, const float *target,
                                     int log_target, simdloss_reduction reduction, float *loss,
                                     float *grad_input);

/* log_input != 0: loss = exp(x) - t x, d/dx = exp(x) - t;
 * log_input == 0: loss = x - t log(x + eps), d/dx = 1 - t / (x + eps);
 * full != 0 adds t log t - t + 0.5 log(2 pi t) where t > 1. eps > 0, else
 * EINVAL. F.poisson_nll_loss. */
SIMDLOSS_API int simdloss_poisson_nll_f32(size_t n, const float *input, const float *target,
                                          int log_input, int full, float eps,
                                          simdloss_reduction reduction, float *loss,
                                          float *grad_input);

/* Keras log_cosh: x = input - target; loss = x + softplus(-2x) - log 2;
 * d/dx = tanh(x). */
SIMDLOSS_API int simdloss_log_cosh_f32(size_t n, const float *input, const float *target,
                                       simdloss_reduction reduction, float *loss,
                                       float *grad_input);

/* Keras hinge: y' = 2y - 1 when every target of the call is 0 or 1, else y;
 * loss = max(1 - y' x, 0); d/dx = -y' where 1 - y' x >= 0 (TensorFlow passes
 * the gradient at the tie). The 0/1 test reads the whole target first. */
SIMDLOSS_API int simdloss_hinge_f32(size_t n, const float *input, const float *target,
                                    simdloss_reduction reduction, float *loss, float *grad_input);

/* Keras squared_hinge: y' as hinge; loss = max(1 - y' x, 0)^2;
 * d/dx = -2 y' max(1 - y' x, 0). */
SIMDLOSS_API int simdloss_squared_hinge_f32(size_t n, const float *input, const float *target,
                                            simdloss_reduction reduction, float *loss,
                                            float *grad_input);

/* Keras mean_absolute_percentage_error (per element):
 * loss = 100 |(y - x) / max(|y|, 1e-7)|; d/dx = 100 sign(x - y) / max(|y|, 1e-7). */
SIMDLOSS_API int simdloss_mape_f32(size_t n, const float *input, const float *target,
                                   simdloss_reduction reduction, float *loss, float *grad_input);

/* Keras mean_squared_logarithmic_error (per element):
 * loss = (log(max(x, eps) + 1) - log(max(y, eps) + 1))^2, eps = 1e-7;
 * d/dx = 2 (a - b) / (max(x, eps) + 1) where x >= eps, else 0. */
SIMDLOSS_API int simdloss_msle_f32(size_t n, const float *input, const float *target,
                                   simdloss_reduction reduction, float *loss, float *grad_input);

/* Keras poisson (per element): loss = x - y log(x + 1e-7); d/dx = 1 - y / (x + 1e-7). */
SIMDLOSS_API int simdloss_poisson_f32(size_t n, const float *input, const float *target,
                                      simdloss_reduction reduction, float *loss, float *grad_input);

/* F.gaussian_nll_loss with var[i % var_len] (var_len must divide n):
 *   v = max(var, eps); loss = 0.5 (log v + (x - y)^2 / v) (+ 0.5 log(2 pi) if full);
 *   d/dx = (x - y) / v; d/dvar = 0.5 (1 / v - (x - y)^2 / v^2), also where
 *   var < eps (straight-through clamp, as PyTorch). grad_var (may be NULL)
 *   receives var_len values: when var_len < n each is the sum over the
 *   elements sharing that variance (zeros when n == 0). Any var < 0 or
 *   eps <= 0: EINVAL.
 *   At least one of loss, grad_input, grad_var must be non-NULL. */
SIMDLOSS_API int simdloss_gaussian_nll_f32(size_t n, const float *input, const float *target,
                                           const float *var, size_t var_len, int full, float eps,
                                           simdloss_reduction reduction, float *loss,
                                           float *grad_input, float *grad_var);

/* ------------------------------------------------- class-dimension ----- */
/*
 * Conventions shared by the losses over a class dimension
 * --------------------------------------------------------
 * - PyTorch's (N, C, d1..dk) input is `batch` x `classes` x `inner`
 *   (inner = d1 * ... * dk, 1 for plain classification), row-major: element
 *   (b, c, i) is at [(b * classes + c) * inner + i]. A "position" is one
 *   (b, i) pair; there are batch * inner of them. The Keras and margin losses
 *   take rows of `classes` values (inner = 1).
 * - Class-index targets are int64_t, one per position. An index outside
 *   [0, classes) that is not ignore_index gives SIMDLOSS_EDOMAIN naming the
 *   position and value; every target is checked before any logit is read or
 *   any output written.
 * - `loss` receives one value per position (NONE) or one value (MEAN, SUM);
 *   the gradient has the shape of the input. For NONE the gradient is that of
 *   the sum of the per-position losses. At least one of loss and gradient must
 *   be non-NULL. The gradient may alias the input exactly (in place).
 * - batch == 0: NONE writes nothing, SUM gives 0, MEAN gives NaN, whatever
 *   classes, inner and the parameters (nothing is read); also for the margin
 *   losses, where PyTorch 1.13 returns uninitialised memory.
 *   classes == 0 with batch > 0, inner == 0 with batch > 0, or a size product
 *   that overflows: SIMDLOSS_EINVAL.
 * - Row reductions (max, sum of exponentials, sums over classes) follow one
 *   fixed order on every ISA, as the elementwise reduction does: results are
 *   bitwise identical across ISAs.
 * - label_smoothing must lie in [0, 1] (PyTorch silently treats a negative
 *   value as 0; simdloss reports SIMDLOSS_EINVAL).
 */

/* Softmax cross-entropy with class-index targets (F.cross_entropy).
 * lp = log_softmax(x) over classes (max-shifted); at a position with target y
 * (not ignore_index), with eps = label_smoothing and w = weight (ones if NULL):
 *   nll = -w[y] lp[y];  smooth = -sum_c w[c] lp[c];
 *   loss = (1 - eps) nll + (eps / classes) smooth;  0 at ignored positions.
 * MEAN divides by the sum of w[y] over the non-ignored positions; when that
 * is 0 the loss is NaN and, as in PyTorch, the gradient is all zeros if every
 * target is ignored and NaN where the targets' weights are 0.
 * d/dx[c] = (1 - eps) w[y] (p[c] - [c == y]) + (eps / classes)(W p[c] - w[c]),
 * p = softmax(x), W = sum_c w[c]. Ignored positions get loss 0 and a zero
 * gradient whatever their logits hold (PyTorch gives NaN gradients there
 * when such a row holds NaN or inf). weight: NULL or `classes` values. */
SIMDLOSS_API int simdloss_cross_entropy_f32(size_t batch, size_t classes, size_t inner,
                                            const float *logits, const int64_t *target,
                                            const float *weight, int64_t ignore_index,
                                            float label_smoothing, simdloss_reduction reduction,
                                            float *loss, float *grad_logits);

/* Options of the softmax cross-entropy used in language-model training
 * (simdloss_cross_entropy_ex_f32; all-zero options are plain cross-entropy).
 *   z_loss   > 0: adds z_loss * lse^2 per non-ignored position to the loss
 *            (PaLM's z-loss, Liger-Kernel's lse_square_scale), unweighted;
 *            MEAN divides it by the cross-entropy's divisor (the sum of the
 *            targets' weights: the count of non-ignored positions without
 *            weights). Its gradient is 2 z_loss lse softmax(x). Must be
 *            finite and >= 0.
 *   softcap  > 0: every logit x becomes softcap * tanh(x / softcap) before
 *            the softmax (Gemma 2's logit soft-capping); everything,
 *            smoothing included, is computed on the capped logits and the
 *            gradient goes through the cap (times 1 - tanh^2). Must be
 *            finite and >= 0 (0 = off).
 *   lse      NULL, or one float per position: the log-sum-exp of the
 *            (capped) logits, torch.logsumexp's value (-inf for a row of
 *            -inf, +inf with a +inf logit, NaN with a NaN).
 *   argmax   NULL, or one per position: torch.argmax of the (capped)
 *            logits: the lowest index among equal maxima, the first NaN in
 *            a row holding NaN.
 * lse and argmax are written at every position, ignored ones included
 * (they describe the logits, not the target). */
typedef struct {
    float z_loss;
    float softcap;
    float *lse;
    int64_t *argmax;
} simdloss_ce_options;

/* simdloss_cross_entropy_f32 with options (NULL: exactly
 * simdloss_cross_entropy_f32, bit for bit; so are options with only lse or
 * argmax set, for the loss and the gradient). With z_loss or softcap the
 * loss at a position is (1 - eps) nll + (eps / classes) smooth + z_loss lse^2
 * on the capped logits, rounded per position. loss and grad_logits may
 * both be NULL when lse or argmax is wanted; grad_logits may be logits (in
 * place); lse and argmax must not overlap the other arrays.
 * SIMDLOSS_EINVAL also for a NaN, negative or infinite z_loss or softcap. */
SIMDLOSS_API int
simdloss_cross_entropy_ex_f32(size_t batch, size_t classes, size_t inner, const float *logits,
                              const int64_t *target, const float *weight, int64_t ignore_index,
                              float label_smoothing, const simdloss_ce_options *options,
                              simdloss_reduction reduction, float *loss, float *grad_logits);

/* Cross-entropy with probability (soft) targets of the logits' shape:
 *   t' = (1 - eps) t + eps / classes;  loss = -sum_c w[c] t'[c] lp[c];
 *   d/dx[c] = (sum_k w[k] t'[k]) p[c] - w[c] t'[c].
 * Targets are not checked (need not sum to 1). MEAN divides by the number
 * of positions (not by the weights), as PyTorch. */
SIMDLOSS_API int simdloss_cross_entropy_probs_f32(size_t batch, size_t classes, size_t inner,
                                                  const float *logits, const float *target,
                                                  const float *weight, float label_smoothing,
                                                  simdloss_reduction reduction, float *loss,
                                                  float *grad_logits);

/* simdloss_cross_entropy_f32 on bfloat16 logits and gradient (the top 16
 * bits of a float32). All arithmetic is float32 on the widened logits; the
 * gradient is the float32 gradient rounded to nearest even (every NaN becomes
 * 0x7FC0, as PyTorch's conversion). The loss is float32. */
SIMDLOSS_API int simdloss_cross_entropy_bf16(size_t batch, size_t classes, size_t inner,
                                             const uint16_t *logits, const int64_t *target,
                                             const float *weight, int64_t ignore_index,
                                             float label_smoothing, simdloss_reduction reduction,
                                             float *loss, uint16_t *grad_logits);

/* Negative log-likelihood on log-probabilities (F.nll_loss; the input is not
 * checked to be log-probabilities): loss = -w[y] x[y], 0 at ignored
 * positions; MEAN divides by the sum of w[y] over non-ignored positions
 * (zero sum: as cross-entropy). d/dx[c] = -w[y] [c == y], and NaN where
 * x[y] is NaN (PyTorch: finite). Only x[y] is read. */
SIMDLOSS_API int simdloss_nll_f32(size_t batch, size_t classes, size_t inner, const float *logprobs,
                                  const int64_t *target, const float *weight, int64_t ignore_index,
                                  simdloss_reduction reduction, float *loss, float *grad_logprobs);

/* Keras 3 categorical_crossentropy on rows of probabilities (from_logits
 * False), e = 1e-7: t' = (1 - ls) t + ls / classes; S = sum_c p[c];
 * o = p / S; loss = -sum_c t'[c] log(clip(o[c], e, 1 - e)).
 * With u[c] = -t'[c] / o[c] where e <= o[c] <= 1 - e (else 0):
 * d/dp[k] = (u[k] - sum_c u[c] o[c]) / S. MEAN = Keras' sum_over_batch_size. */
SIMDLOSS_API int simdloss_categorical_crossentropy_f32(size_t batch, size_t classes,
                                                       const float *probs, const float *target,
                                                       float label_smoothing,
                                                       simdloss_reduction reduction, float *loss,
                                                       float *grad_probs);

/* Keras 3 categorical_hinge: pos = sum_c t[c] p[c]; neg = max_c (1 - t[c]) p[c];
 * loss = max(neg - pos + 1, 0). Where neg - pos + 1 >= 0 (TensorFlow passes
 * the gradient at the tie): d/dp[c] = -t[c] + (1 - t[c]) [c attains the max] /
 * (number of maxima); else 0. */
SIMDLOSS_API int simdloss_categorical_hinge_f32(size_t batch, size_t classes, const float *probs,
                                                const float *target, simdloss_reduction reduction,
                                                float *loss, float *grad_probs);

/* Keras 3 categorical_focal_crossentropy on probabilities: t', S, o as
 * categorical_crossentropy, oc = clip(o, e, 1 - e);
 *   loss = sum_c alpha[c] (1 - oc[c])^gamma (-t'[c] log oc[c]);
 * u[c] = alpha[c] [gamma (1 - oc)^(gamma - 1) t' log oc - (1 - oc)^gamma t' / oc]
 * (0 where the clip is active); d/dp[k] = (u[k] - sum_c u[c] o[c]) / S.
 * alpha: alpha_len == 1 (one value for every class) or classes values.
 * gamma >= 0 (+inf included), else EINVAL. */
SIMDLOSS_API int simdloss_categorical_focal_f32(size_t batch, size_t classes, const float *probs,
                                                const float *target, const float *alpha,
                                                size_t alpha_len, float gamma,
                                                float label_smoothing, simdloss_reduction reduction,
                                                float *loss, float *grad_probs);

/* F.multi_margin_loss: loss = (w[y] / classes) sum_{j != y} max(0, margin - x[y] + x[j])^p,
 * p in {1, 2} (else EINVAL), margin any value but NaN; the gradient uses the
 * strict test margin - x[y] + x[j] > 0. weight: NULL or `classes` values.
 * MEAN divides by batch. A NaN x[j] or x[y] makes its terms, the loss and
 * their gradients NaN (PyTorch drops such terms); a term that is NaN from
 * inf - inf alone is dropped, as in PyTorch. The same holds for
 * multilabel_margin. */
SIMDLOSS_API int simdloss_multi_margin_f32(size_t batch, size_t classes, const float *input,
                                           const int64_t *target, int p, float margin,
                                           const float *weight, simdloss_reduction reduction,
                                           float *loss, float *grad_input);

/* F.multilabel_margin_loss: target rows of `classes` int64 class indices; the
 * labels of a row are the entries before the first -1. Every entry (also
 * after the -1) must lie in [-1, classes), else EDOMAIN.
 * loss = sum_{j in labels} sum_{k not in labels} max(0, 1 - (x[j] - x[k])) / classes
 * (duplicate labels count twice); gradient with the strict test > 0. */
SIMDLOSS_API int simdloss_multilabel_margin_f32(size_t batch, size_t classes, const float *input,
                                                const int64_t *target, simdloss_reduction reduction,
                                                float *loss, float *grad_input);

/* F.multilabel_soft_margin_loss:
 * loss = -(1/classes) sum_c w[c] [t log sigmoid(x) + (1 - t) log sigmoid(-x)];
 * d/dx[c] = w[c] (sigmoid(x) - t) / classes. weight: NULL or `classes` values. */
SIMDLOSS_API int simdloss_multilabel_soft_margin_f32(size_t batch, size_t classes,
                                                     const float *input, const float *target,
                                                     const float *weight,
                                                     simdloss_reduction reduction, float *loss,
                                                     float *grad_input);

/* Keras 3 sparse_categorical_crossentropy on probabilities: categorical_crossentropy
 * (above) on the one-hot row of target[b], i.e. S = sum_c p[c], o = p / S,
 * loss = -log clip(o[y], e, 1 - e) (a NaN anywhere in the row makes it NaN);
 * d/dp[k] = (u[k] - u[y] o[y]) / S with u[y] = -1 / clip(o[y]) (0 where the
 * clip is active), u = 0 elsewhere; bitwise categorical_crossentropy's result
 * on one-hot rows. A row whose target equals ignore_class has loss 0 and a
 * zero gradient (pass a value outside [0, classes) to ignore none); any
 * other target outside [0, classes) is EDOMAIN (its row named), before
 * anything is written. MEAN divides by the number of rows not ignored, and is
 * 0 when every row is ignored (Keras' masked mean, which divides by that
 * count + 1e-7); Keras' gradient at an ignored row is NaN, ours 0. */
SIMDLOSS_API int simdloss_sparse_categorical_crossentropy_f32(
    size_t batch, size_t classes, const float *probs, const int64_t *target, int64_t ignore_class,
    simdloss_reduction reduction, float *loss, float *grad_probs);

/* ---- losses over rows of features ---------------------------------------
 * `batch` rows of `dim` contiguous features; NONE gives one loss per row and
 * MEAN divides their sum by batch. */

/* Keras 3 cosine_similarity (input = y_pred x, target = y_true t):
 *   rx = 1 / sqrt(max(sum x^2, 1e-14)), rt likewise (Keras' normalize with
 *   epsilon 1e-7); loss = -sum_c (t[c] rt) (x[c] rx), in [-1, 1];
 *   d/dx[k] = rx (cos x[k] rx - t[k] rt) with cos = -loss, or -rx t[k] rt
 *   where sum x^2 < 1e-14 (1e7-scale for a zero x). A zero row gives -0. */
SIMDLOSS_API int simdloss_cosine_similarity_f32(size_t batch, size_t dim, const float *input,
                                                const float *target, simdloss_reduction reduction,
                                                float *loss, float *grad_input);

/* Keras 3 dice over each row (input = y_pred x, target = y_true t; batch = 1
 * is Keras' axis=None): loss = 1 - (2 sum t x) / ((sum t + sum x) + 1e-7);
 * d/dx[k] = (D - 2 t[k]) / den with D = 1 - loss, den the denominator. */
SIMDLOSS_API int simdloss_dice_f32(size_t batch, size_t dim, const float *input,
                                   const float *target, simdloss_reduction reduction, float *loss,
                                   float *grad_input);

/* Keras 3 tversky over each row (Keras flattens the whole tensor: batch = 1):
 *   I = sum t x, fp = sum (1 - x) t, fn = sum x (1 - t) (Keras' names),
 *   loss = 1 - I / (((I + fp alpha) + fn beta) + 1e-7);
 * d/dx[k] = (T dd[k] - t[k]) / den, T = 1 - loss, dd[k] = t - alpha t + beta (1 - t).
 * alpha, beta: any value but NaN (Keras' defaults 0.5, 0.5). */
SIMDLOSS_API int simdloss_tversky_f32(size_t batch, size_t dim, const float *input,
                                      const float *target, float alpha, float beta,
                                      simdloss_reduction reduction, float *loss, float *grad_input);

/* F.cosine_embedding_loss: per row, with target[b] the row's y,
 *   cos = sum x1 x2 / sqrt((sum x1^2 + 1e-12) (sum x2^2 + 1e-12));
 *   y = 1: 1 - cos; y = -1: max(0, cos - margin); any other y: 0 (and a zero
 *   gradient). d/dx1 = s (x2 / sqrt(m1 m2) - cos x1 / m1) (m the squared
 *   norms with 1e-12), d/dx2 symmetrically, s = -1 for y = 1 and +1 for
 *   y = -1 where cos - margin >= 0. margin: any value but NaN. Either
 *   gradient may be NULL, and may alias its input. */
SIMDLOSS_API int simdloss_cosine_embedding_f32(size_t batch, size_t dim, const float *input1,
                                               const float *input2, const float *target,
                                               float margin, simdloss_reduction reduction,
                                               float *loss, float *grad_input1, float *grad_input2);

/* F.triplet_margin_loss: per row, d(u, v) = (sum_c |u - v + eps|^p)^(1/p)
 * (eps added to every component of the difference), dn = d(anchor,
 * negative), or with swap != 0 min(dn, d(positive, negative));
 *   loss = max(0, (margin + d(anchor, positive)) - dn).
 * p: any finite p > 0 (else EINVAL; 1 and 2 without pow); margin and eps: any
 * value but NaN. Gradients where the clamp's argument is >= 0 (equality
 * counts), through d d / d u = (u - v + eps) / d for p = 2, its sign for
 * p = 1, sign |.|^(p-1) / d^(p-1) otherwise (0 where d = 0); a tie of the
 * swap's minimum splits its gradient 1/2, 1/2, as PyTorch. Any gradient may
 * be NULL, and may alias its input. */
SIMDLOSS_API int simdloss_triplet_margin_f32(size_t batch, size_t dim, const float *anchor,
                                             const float *positive, const float *negative,
                                             float margin, float p, float eps, int swap,
                                             simdloss_reduction reduction, float *loss,
                                             float *grad_anchor, float *grad_positive,
                                             float *grad_negative);

/* Distances for simdloss_triplet_margin_with_distance_f32. A custom distance
 * returns d(u, v) for `dim` features and writes d d / d u to grad_u and
 * d d / d v to grad_v where they are not NULL (dim floats each); it is called
 * once per (row, pair), from any thread, concurrently when the library runs
 * on several threads. */
typedef float (*simdloss_distance_fn)(size_t dim, const float *u, const float *v, float *grad_u,
                                      float *grad_v, void *ctx);
enum {
    SIMDLOSS_DIST_PAIRWISE = 0, /* F.pairwise_distance(u, v, p, eps): triplet_margin's distance */
    SIMDLOSS_DIST_COSINE = 1,   /* 1 - F.cosine_similarity(u, v, dim=-1, eps=1e-8) */
    SIMDLOSS_DIST_CUSTOM = 2    /* fn(dim, u, v, grad_u, grad_v, ctx) */
};
typedef struct {
    int kind;                /* SIMDLOSS_DIST_* */
    float p, eps;            /* PAIRWISE only (PyTorch's defaults: 2, 1e-6) */
    simdloss_distance_fn fn; /* CUSTOM only */
    void *ctx;               /* passed to fn */
} simdloss_distance;

/* F.triplet_margin_with_distance_loss: loss = max(0, (margin + d(a, p)) - dn),
 * dn = d(a, n), or with swap != 0 min(d(a, n), d(p, n)) (a tie splits its
 * gradient 1/2, 1/2); gradients where the clamp's argument is >= 0.
 * distance NULL: PAIRWISE with p = 2, eps = 1e-6 (PyTorch's default). PAIRWISE
 * gives simdloss_triplet_margin_f32's bits. COSINE, as PyTorch 1.13 computes
 * cosine_similarity: 1 - sum (u / max(|u|, 1e-8)) (v / max(|v|, 1e-8)) (the
 * struct's p and eps unused). A bad kind, a CUSTOM without fn, PAIRWISE's p
 * not finite and > 0, a NaN eps or margin: EINVAL. */
SIMDLOSS_API int simdloss_triplet_margin_with_distance_f32(
    size_t batch, size_t dim, const float *anchor, const float *positive, const float *negative,
    const simdloss_distance *distance, float margin, int swap, simdloss_reduction reduction,
    float *loss, float *grad_anchor, float *grad_positive, float *grad_negative);

/* ---- distillation ---------------------------------------------------------- */

/* Knowledge distillation on logits: per row of student logits (input) and
 * teacher logits (target), temperature > 0 (else EINVAL),
 *   loss = T^2 KL(softmax(target / T) || softmax(input / T)),
 * as F.kl_div(F.log_softmax(input / T, 1), F.softmax(target / T, 1)) * T * T
 * (xlogy: a teacher probability of 0 contributes 0). MEAN is PyTorch's
 * reduction='batchmean' (the row losses' sum / batch); SUM and NONE as
 * kl_div's 'sum' and the per-row sums. grad_input = T (p sum_c q[c] - q),
 * p and q the student's and teacher's softmax at temperature T. */
SIMDLOSS_API int simdloss_kl_div_logits_f32(size_t batch, size_t classes, const float *input,
                                            const float *target, float temperature,
                                            simdloss_reduction reduction, float *loss,
                                            float *grad_input);

/* Liger-Kernel's generalised Jensen-Shannon divergence (LigerJSD) on rows of
 * log-probabilities: input X (student), target Y (teacher), Q = exp(X),
 * P = exp(Y), beta in [0, 1] (else EINVAL); per element, as Liger computes it:
 *   beta = 0: P (Y - X)  (forward KL(P || Q)),        d/dX = -P;
 *   beta = 1: Q (X - Y)  (reverse KL(Q || P)),        d/dX = Q (X - Y) + Q;
 *   else, with M = beta P + (1 - beta) Q:
 *     (beta P Y + (1 - beta) Q X) - M log M
 *     (= beta KL(P || M) + (1 - beta) KL(Q || M)),    d/dX = (1 - beta) Q (X - log M);
 * a row's loss is the sum over its classes. labels: NULL, or one per row;
 * a row whose label equals ignore_index has loss 0 and a zero gradient
 * (other label values are not checked). MEAN divides by the rows kept and is
 * 0 when none is (Liger's batchmean over non-ignored rows). A probability
 * that is exactly 0 (underflow below a log-probability of about -103, or
 * -inf) times a logarithm counts 0, its limit, where Liger returns NaN. */
SIMDLOSS_API int simdloss_jsd_f32(size_t batch, size_t classes, const float *input,
                                  const float *target, float beta, const int64_t *labels,
                                  int64_t ignore_index, simdloss_reduction reduction, float *loss,
                                  float *grad_input);

/* Connectionist temporal classification, F.ctc_loss. log_probs is (time,
 * batch, classes), PyTorch's layout: element (t, n, c) at (t * batch + n) *
 * classes + c, meant to be log-softmax output (not checked). Sample n reads
 * frames [0, input_lengths[n]) and target_lengths[n] labels: with
 * target_stride == 0 the targets are concatenated (sample n's start after
 * the previous samples' lengths), else sample n's start at n *
 * target_stride. Per sample, loss = -log of the summed probability of every
 * alignment (PyTorch's log-space alpha recursion); an input length of 0
 * gives -0.0 for an empty target (as PyTorch) and inf otherwise (PyTorch
 * 1.13 reads before its alpha array there and returns garbage).
 * Infeasible alignments give inf, or 0 with zero_infinity != 0 (and a zero
 * gradient for that sample).
 * - NONE: one loss per sample; SUM: their sum; MEAN: the mean over the batch
 *   of loss / max(target_length, 1) (PyTorch's 'mean'); sums in double, in
 *   sample order, rounded once. batch == 0: NONE writes nothing, SUM gives
 *   0, MEAN NaN; nothing is read.
 * - The gradient is PyTorch's, quirk included: d loss / d log_probs PLUS
 *   exp(log_probs), times the reduction's factor. With log_probs =
 *   log_softmax(logits) that is the gradient with respect to the logits: a
 *   frame's true partials sum to -1 and the exp terms to +1, so
 *   log_softmax's backward (PyTorch's next step) passes it through
 *   unchanged. Frames past a sample's input length get 0; an infeasible
 *   sample without zero_infinity gets NaN in its frames, as in PyTorch.
 *   MEAN's factor is (float)(1 / batch) / max(target_length, 1).
 * - grad_log_probs may alias log_probs exactly (in place); nothing else may
 *   overlap.
 * - EINVAL: blank outside [0, classes); an input length outside [0, time];
 *   a negative target length, or one above target_stride (> 0); sizes that
 *   overflow; a NULL array that is needed. EDOMAIN: a label outside [0,
 *   classes) or equal to blank (PyTorch reads out of bounds). Every check
 *   names the sample and index and comes before anything is written.
 *   ENOMEM: the scratch does not fit (per thread, for the largest sample:
 *   (input length + 16) * (2 * target length + 3) floats and 2 * classes;
 *   alpha is kept for every frame, as PyTorch does).
 * - The same bits on every table and for any thread count (a sample is one
 *   task); NaN outputs are the canonical NaN. */
SIMDLOSS_API int simdloss_ctc_f32(size_t time, size_t batch, size_t classes, const float *log_probs,
                                  const int64_t *targets, size_t target_stride,
                                  const int64_t *input_lengths, const int64_t *target_lengths,
                                  int64_t blank, int zero_infinity, simdloss_reduction reduction,
                                  float *loss, float *grad_log_probs);

#ifdef __cplusplus
}
#endif

#endif /* SIMDLOSS_H */
