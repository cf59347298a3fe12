/* SPDX-License-Identifier: Apache-2.0 */
// simdloss-bench: google-benchmark harness for every loss.
//
// Names:
//   <loss>/fwd/<isa>/<n>       loss MEAN only (gradient outputs NULL)
//   <loss>/fwdgrad/<isa>/<n>   loss MEAN + the gradient of every input (the
//                              fused pass); the elementwise losses are the
//                              registry's (src/losses.def, registry_calls.c)
//   <loss>/fwd|fwdgrad/<isa>/<shape>
//                              the class-dimension losses, shape BxC or BxCxI
//                              (batch x classes x inner), n = B*C*I elements,
//                              at the shapes of the loss's kind (class_shapes():
//                              kCeShapes for cross_entropy f32 and bf16,
//                              kRowShapes for most others); a loss with
//                              further inputs of the input's shape (X2:
//                              cosine_embedding, triplet_margin) gets them
//                              and, in fwdgrad, writes every input's gradient
//   ref_stream/<isa>/<n>       grad = x + y via the table's ref_stream kernel:
//                              read 2 arrays, write 1 = the memory bound of a
//                              fused loss + gradient
//   ref_stream_nt/<isa>/<n>    the same with non-temporal stores (x86 only,
//                              written here with intrinsics): no read for
//                              ownership of the output lines
//   ref_log|ref_exp|ref_log1p|ref_expm1/<isa>
//                              one SLEEF function over a cache-resident
//                              4096-element array: per-element compute cost
//   ref_stream_rw|ref_stream_rw_bf16|ref_stream_rw2|ref_stream_rw3|
//   ref_exp_stream|ref_stream/<isa>/<shape>
//                              the class losses' limits at a shape's size, at
//                              the shapes of the losses that use them (see
//                              run_ref_stream_rw, class_refs())
//
// Threads: every benchmark above runs the library on ONE thread
// (simdloss_set_num_threads(1)), whatever its default. With
// --sl_threads=K1,K2,... (parsed before google-benchmark's flags; 0 = the
// CPUs of the affinity mask; default "1", which adds nothing) these are added
// for each count k (0 resolved, duplicates dropped):
//   <loss>/fwdgrad/<isa>/<n>/threads:<k>      (n: kThreadSizes)
//   <loss>/fwdgrad/<isa>/<shape>/threads:<k>  (the class losses' shapes)
//                              simdloss_set_num_threads(k) for the timed loop,
//                              1 again after it
//   ref_stream/<isa>/<n>/threads:<k>,
//   ref_stream_rw|ref_stream_rw_bf16|ref_stream_rw2|ref_stream_rw3|
//   ref_stream/<isa>/<shape>/threads:<k>
//                              the reference kernel split into k contiguous
//                              chunks (whole 64-byte lines), one per OpenMP
//                              thread (only when bench.cc is built with OpenMP)
// Their items_per_second and bytes_per_second are per WALL second of the timed
// loop (plain counters: the CPU time google-benchmark measures is the calling
// thread's only), and the counter "threads" is simdloss_get_num_threads()
// (the ref_stream ones: k).
//
// Only ISAs that are compiled in and runnable here are registered. Loss
// benchmarks pin their ISA with simdloss_set_isa(); the reference kernels are
// called directly from the ISA's table in sl_tables.
//
// Exit status: 0; 1 when no benchmark matched the filter; 2 when one reported
// an error (a failing call, a non-finite loss: see fail()).
//
// Times are CPU time of the (single) benchmark thread, which on a shared
// machine is less affected by preemption than wall time (the /threads:<k>
// benchmarks: wall time, see above).
// Counters: items_per_second = elements/s; bytes_per_second = bytes the call
// must read plus bytes it writes (inputs, targets, full-length cyclic arrays,
// input gradients; class-index targets are 8 bytes per position);
// write-allocate traffic is not counted.

#include <benchmark/benchmark.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sched.h>

extern "C" {
#include "internal.h"
}
#include "registry_calls.h"

namespace
{

// ------------------------------------------------------------------ data --

struct AlignedFree {
    void operator()(void *p) const { std::free(p); }
};
template <class T> using Arr = std::unique_ptr<T[], AlignedFree>;
using Buf = Arr<float>;

template <class T> Arr<T> alloc_t(size_t n)
{
    void *p = nullptr;
    const size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
    if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) std::abort();
    std::memset(p, 0, bytes); // touch every page outside the timed loop
    return Arr<T>(static_cast<T *>(p));
}

Buf alloc(size_t n) { return alloc_t<float>(n); }

// xorshift64*: fast, reproducible, good enough for benchmark data.
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    float uniform() // (0, 1)
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        const uint64_t r = s * 2685821657736338717ull;
        return (static_cast<float>(r >> 40) + 0.5f) * (1.0f / 16777216.0f);
    }
    float range(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    uint64_t bits() // 64 random bits
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 2685821657736338717ull;
    }
    size_t below(size_t m) { return static_cast<size_t>(bits() % m); } // [0, m)
};

// What a loss's input / target / cyclic array hold (each loss's domain): the
// registry's SL_D_* (src/registry.h), in the same order (see domain_of()).
enum Domain {
    D_REAL,     // [-4, 4]
    D_PROB,     // (0, 1)
    D_LOGIT,    // [-8, 8]
    D_LABEL01,  // {0, 1}
    D_SOFT01,   // mostly {0, 1}, some soft labels in (0, 1)
    D_PM1,      // {-1, 1}
    D_LOGPROB,  // log of (0, 1): [-16.6, 0)
    D_COUNT,    // {0, ..., 7}
    D_POSITIVE, // (0.01, 4]
    D_AWAY0,    // +-[0.5, 2]: no division by ~0
    D_VAR,      // (0.05, 2]
};

void fill(float *p, size_t n, Domain d, uint64_t seed)
{
    Rng r(seed);
    for (size_t i = 0; i < n; i++) {
        float v;
        switch (d) {
        case D_REAL: v = r.range(-4.0f, 4.0f); break;
        case D_PROB: v = r.uniform(); break;
        case D_LOGIT: v = r.range(-8.0f, 8.0f); break;
        case D_LABEL01: v = r.uniform() < 0.5f ? 0.0f : 1.0f; break;
        case D_SOFT01: {
            const float u = r.uniform();
            v = u < 0.45f ? 0.0f : (u < 0.9f ? 1.0f : r.uniform());
            break;
        }
        case D_PM1: v = r.uniform() < 0.5f ? -1.0f : 1.0f; break;
        case D_LOGPROB: v = std::log(r.uniform()); break;
        case D_COUNT: v = std::floor(r.range(0.0f, 8.0f)); break;
        case D_POSITIVE: v = r.range(0.01f, 4.0f); break;
        case D_AWAY0: v = (r.uniform() < 0.5f ? -1.0f : 1.0f) * r.range(0.5f, 2.0f); break;
        default: v = r.range(0.05f, 2.0f); break;
        }
        p[i] = v;
    }
}

// ---------------------------------------------------------------- losses --
//
// The elementwise losses are the registry's (src/losses.def), in its order:
// registry_calls.c says which arrays each loss reads (inputs, targets, cyclic
// arrays) and their domains, and calls it with the registry's default
// parameters (those of the loss's reference library). A cyclic array is
// left out (NULL: all ones), except one that is required and has a gradient
// (CYCG), which gets n values of its domain and no gradient output.

// The registry's SL_D_* data domains are bench.cc's Domain, in the same order.
static_assert(SL_D_COUNT_OF_DOMAINS == D_VAR + 1, "SL_D_* and Domain differ");

Domain domain_of(int sl_d)
{
    switch (sl_d) {
    case SL_D_REAL: return D_REAL;
    case SL_D_PROB: return D_PROB;
    case SL_D_LOGIT: return D_LOGIT;
    case SL_D_LABEL01: return D_LABEL01;
    case SL_D_SOFT01: return D_SOFT01;
    case SL_D_PM1: return D_PM1;
    case SL_D_LOGPROB: return D_LOGPROB;
    case SL_D_COUNT: return D_COUNT;
    case SL_D_POSITIVE: return D_POSITIVE;
    case SL_D_AWAY0: return D_AWAY0;
    case SL_D_VAR: return D_VAR;
    default: break;
    }
    std::fprintf(stderr, "simdloss-bench: unknown data domain %d in the registry\n", sl_d);
    std::abort();
}

struct Loss {
    int k;                    // registry index (SL_K_<name>), for bench_call()
    const sl_elem_info *info; // its arrays, domains, parameters
};

constexpr simdloss_reduction MEAN = SIMDLOSS_MEAN;

// Benchmarks that reported an error (a failing call, a non-finite loss):
// the exit status says so, which is what the bench_smoke test checks.
int g_failed = 0;

void fail(benchmark::State &st, const std::string &msg)
{
    g_failed++;
    st.SkipWithError(msg.c_str());
}

// ---------------------------------------------------------------- threads --

// simdloss_set_num_threads(k) for one benchmark (k = 0: a plain benchmark,
// one thread), 1 again when it ends (also after fail()).
class ThreadScope
{
  public:
    explicit ThreadScope(int k) { simdloss_set_num_threads(k > 0 ? k : 1); }
    ~ThreadScope() { simdloss_set_num_threads(1); }
    ThreadScope(const ThreadScope &) = delete;
    ThreadScope &operator=(const ThreadScope &) = delete;
};

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The timed loop's items and bytes as rates. threads == 0 (a plain benchmark):
// per CPU second of the benchmark thread (google-benchmark's counters);
// else per second of wall time (wall: the loop's seconds), and "threads" =
// threads (the count the call could use).
void set_rates(benchmark::State &st, int64_t items, int64_t bytes, int threads, double wall)
{
    if (threads == 0) {
        st.SetItemsProcessed(items);
        st.SetBytesProcessed(bytes);
        return;
    }
    st.counters["items_per_second"] = benchmark::Counter(static_cast<double>(items) / wall);
    st.counters["bytes_per_second"] =
        benchmark::Counter(static_cast<double>(bytes) / wall, benchmark::Counter::kDefaults,
                           benchmark::Counter::kIs1024);
    st.counters["threads"] = threads;
}

const std::vector<Loss> &losses()
{
    static const std::vector<Loss> L = [] {
        std::vector<Loss> v;
        for (int k = 0; k < bench_nelem(); k++) v.push_back({k, bench_elem(k)});
        return v;
    }();
    return L;
}

// threads: 0 for the plain benchmark (one thread), k for .../threads:<k>
void run_loss(benchmark::State &st, const Loss &L, simdloss_isa isa, size_t n, bool with_grad,
              int threads)
{
    const ThreadScope scope(threads);
    if (simdloss_set_isa(isa) != SIMDLOSS_OK) {
        fail(st, simdloss_last_error());
        return;
    }
    const sl_elem_info &I = *L.info;
    // the arrays read, filled in call order (inputs, targets, cyclic) with
    // seeds 1, 2, 3, ...; then one gradient output per input
    std::vector<Buf> bufs;
    const float *in[SL_MAX_IN] = {}, *tgt[SL_MAX_TGT] = {}, *cyc[SL_MAX_CYC] = {};
    float *grad[SL_MAX_IN] = {};
    uint64_t seed = 1;
    auto data = [&](int dom) {
        bufs.push_back(alloc(n));
        fill(bufs.back().get(), n, domain_of(dom), seed++);
        return static_cast<const float *>(bufs.back().get());
    };
    int64_t arrays_read = 0;
    for (int j = 0; j < I.nin; j++, arrays_read++) in[j] = data(I.in_dom[j]);
    for (int j = 0; j < I.ntgt; j++, arrays_read++) tgt[j] = data(I.tgt_dom[j]);
    for (int j = 0; j < I.ncyc; j++)
        if (I.cyc[j].grad) { // required, with a gradient (CYCG): full length
            cyc[j] = data(I.cyc[j].dom);
            arrays_read++;
        }
    for (int j = 0; j < I.nin; j++) {
        bufs.push_back(alloc(n));
        grad[j] = bufs.back().get();
    }
    float loss = 0.0f;
    float *const *const g = with_grad ? grad : nullptr;
    if (bench_call(L.k, n, in, tgt, cyc, MEAN, &loss, g) != SIMDLOSS_OK) { // also warms up
        fail(st, simdloss_last_error());
        return;
    }
    const Clock::time_point t0 = Clock::now();
    for (auto _ : st) {
        bench_call(L.k, n, in, tgt, cyc, MEAN, &loss, g);
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    const double wall = seconds_since(t0);
    const int64_t arrays_written = with_grad ? I.nin : 0;
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    set_rates(st, items, items * (arrays_read + arrays_written) * int64_t(sizeof(float)),
              threads ? simdloss_get_num_threads() : 0, wall);
    st.SetLabel(sl_active()->name);
}

// ---------------------------------------------------------- class losses --
//
// Losses over a class dimension: input batch x classes x inner, row-major
// (PyTorch's (N, C, d1..dk)); elements = batch * classes * inner, the unit of
// items_per_second. Named <loss>/<fwd|fwdgrad>/<isa>/<shape>, the shape
// "BxC" (inner 1) or "BxCxI".

struct Shape {
    size_t batch, classes, inner;
    size_t elems() const { return batch * classes * inner; }
    size_t positions() const { return batch * inner; }
    std::string name() const
    {
        std::string s = std::to_string(batch) + "x" + std::to_string(classes);
        return inner == 1 ? s : s + "x" + std::to_string(inner);
    }
};

// cross_entropy (f32 and bf16): classification from 10 to 128256 classes
// (a Llama 3 vocabulary; 4 and 64 rows), and semantic segmentation (21
// classes, 512 x 512 pixels per image, 8 images).
const Shape kCeShapes[] = {{8192, 10, 1},  {512, 1000, 1},  {8, 32000, 1},
                           {4, 128256, 1}, {64, 128256, 1}, {8, 21, 512 * 512}};
// most other class losses: small rows (10 classes, where per-row costs show)
// and 1000-class rows
const Shape kRowShapes[] = {{4096, 10, 1}, {512, 1000, 1}};
// class indices on probabilities (sparse_categorical_crossentropy): the rows
// above and a language model's 32000-token vocabulary
const Shape kSparseShapes[] = {{4096, 10, 1}, {512, 1000, 1}, {8, 32000, 1}};
// rows of features (cosine_similarity on embeddings of 128 and 512 values;
// dice and tversky on masks flattened to such rows; the losses over several
// inputs of embeddings: cosine_embedding, triplet_margin)
const Shape kFeatureShapes[] = {{4096, 128, 1}, {4096, 512, 1}};
// distillation (kl_div_logits on a teacher's logits, jsd on its
// log-probabilities): 1000 classes and a 32000-token vocabulary
const Shape kDistillShapes[] = {{512, 1000, 1}, {64, 32000, 1}};

enum ClassIn {
    CI_LOGITS,   // N(0, 3^2), like real logits (also SL_D_REAL inputs: features)
    CI_LOGPROBS, // log_softmax of such logits over the classes
    CI_PROBS,    // softmax of such logits
};
enum ClassTgt {
    CT_INDEX,    // one int64 class index per position, uniform, none ignored
    CT_SOFT,     // probabilities of the input's shape: uniform, normalised per position
    CT_ONEHOT,   // one-hot rows (float) of a uniform class
    CT_MULTIHOT, // rows with 1 to 8 distinct classes set (float)
    CT_LABELS,   // multilabel_margin rows: the same 1 to 8 classes, then -1s
    CT_REAL,     // N(0, 1) floats (cosine_similarity's y_true)
    CT_LOGITS,   // a teacher's logits: N(0, 3^2) as the input's, another seed
    CT_LOGPROBS, // a teacher's log-probabilities: log_softmax of CT_LOGITS' logits
    CT_ROW_PM1,  // one float per row, +-1 uniformly (cosine_embedding's y)
    CT_NONE,     // no target (triplet_margin: its further inputs play that part)
};

// N(0, sigma^2) by Box-Muller
void fill_normal(float *p, size_t n, float sigma, uint64_t seed)
{
    Rng r(seed);
    for (size_t i = 0; i < n; i += 2) {
        const float rad = sigma * std::sqrt(-2.0f * std::log(r.uniform()));
        const float th = 6.28318531f * r.uniform();
        p[i] = rad * std::cos(th);
        if (i + 1 < n) p[i + 1] = rad * std::sin(th);
    }
}

// softmax (or log_softmax) over the classes of every position, in place
void softmax_positions(float *x, const Shape &s, bool log)
{
    const size_t st = s.inner;
    for (size_t b = 0; b < s.batch; b++)
        for (size_t i = 0; i < s.inner; i++) {
            float *row = x + b * s.classes * s.inner + i;
            float m = row[0];
            for (size_t c = 1; c < s.classes; c++) m = std::fmax(m, row[c * st]);
            double z = 0.0;
            for (size_t c = 0; c < s.classes; c++) z += std::exp(double(row[c * st]) - m);
            const double lz = std::log(z);
            for (size_t c = 0; c < s.classes; c++) {
                const double v = double(row[c * st]) - m - lz;
                row[c * st] = static_cast<float>(log ? v : std::exp(v));
            }
        }
}

// float -> bfloat16, round to nearest even (the data hold no NaN)
uint16_t to_bf16(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    u += 0x7FFFu + ((u >> 16) & 1u);
    return static_cast<uint16_t>(u >> 16);
}

struct ClassData {
    Shape s;
    const float *x;     // f32 input (NULL for a bf16 loss)
    const uint16_t *xb; // bf16 input: the f32 data rounded to nearest even
    const int64_t *ti;  // CT_INDEX: positions() values; CT_LABELS: elems()
    const float *tf;    // float targets (CT_SOFT ... CT_LOGPROBS but CT_LABELS): elems();
                        // CT_ROW_PM1: batch values
    const float *x2[2]; // the further inputs (X2), elems() each; NULL past the last
};
// grad: the input's gradient or NULL; g2: the further inputs' gradients (NULL
// entries, or g2 NULL: none)
using ClassCall = std::function<int(const ClassData &d, float *loss, void *grad, float *const *g2)>;

struct ClassLoss {
    std::string name; // the registry's name without "_f32"
    bool bf16;        // bf16 input and gradient
    int nx2;          // further inputs of the input's shape (X2), each with a gradient
    ClassIn in;
    ClassTgt tgt;
    bool ce; // a softmax over class indices (cross_entropy): kCeShapes, ref_exp_stream
    std::vector<Shape> shapes;
    ClassCall call;
};

// The shapes of a class loss, from what the registry says of its data
// (bench/class_cases.py's shapes_of() mirrors this): the softmax losses over
// class indices (logits, an inner dimension) at kCeShapes; a teacher's
// logits or log-probabilities as targets (distillation) at kDistillShapes;
// real-valued targets, or probabilities against multi-hot masks (rows of
// features), and further inputs of the input's shape (pairs and triplets of
// embeddings) at kFeatureShapes; class indices on probabilities at
// kSparseShapes; the others at kRowShapes.
std::vector<Shape> class_shapes(const sl_class_info *I)
{
    const bool flt = I->target == SL_T_FLOAT;
    if (I->x2[0]) return {std::begin(kFeatureShapes), std::end(kFeatureShapes)};
    if (I->inner && I->target == SL_T_INDEX && I->x_dom == SL_D_LOGIT)
        return {std::begin(kCeShapes), std::end(kCeShapes)};
    if (flt && (I->tgt_dist == SL_TD_LOGITS || I->tgt_dist == SL_TD_LOGPROBS))
        return {std::begin(kDistillShapes), std::end(kDistillShapes)};
    if (flt &&
        (I->tgt_dist == SL_TD_REAL || (I->x_dom == SL_D_PROB && I->tgt_dist == SL_TD_MULTIHOT)))
        return {std::begin(kFeatureShapes), std::end(kFeatureShapes)};
    if (I->target == SL_T_INDEX && I->x_dom == SL_D_PROB)
        return {std::begin(kSparseShapes), std::end(kSparseShapes)};
    return {std::begin(kRowShapes), std::end(kRowShapes)};
}

ClassTgt float_target(int dist)
{
    switch (dist) {
    case SL_TD_PROBS: return CT_SOFT;
    case SL_TD_ONEHOT: return CT_ONEHOT;
    case SL_TD_MULTIHOT: return CT_MULTIHOT;
    case SL_TD_REAL: return CT_REAL;
    case SL_TD_LOGITS: return CT_LOGITS;
    case SL_TD_LOGPROBS: return CT_LOGPROBS;
    }
    std::fprintf(stderr, "simdloss-bench: unknown target distribution %d\n", dist);
    std::abort();
}

// The registry's class-dimension losses (registry_calls.c) with their
// default parameters (PyTorch's / Keras 3's / Liger-Kernel's), at class_shapes().
const std::vector<ClassLoss> &class_losses()
{
    static const std::vector<ClassLoss> L = [] {
        std::vector<ClassLoss> v;
        for (int k = 0; k < bench_nclass(); k++) {
            const sl_class_info *I = bench_class(k);
            std::string name = I->name;
            if (name.size() > 4 && name.compare(name.size() - 4, 4, "_f32") == 0)
                name.resize(name.size() - 4);
            const ClassIn in = I->x_dom == SL_D_LOGPROB ? CI_LOGPROBS
                               : I->x_dom == SL_D_PROB  ? CI_PROBS
                                                        : CI_LOGITS;
            ClassTgt tgt = CT_INDEX;
            if (I->target == SL_T_LABELS)
                tgt = CT_LABELS;
            else if (I->target == SL_T_FLOAT)
                tgt = float_target(I->tgt_dist);
            else if (I->target == SL_T_NONE)
                tgt = CT_NONE;
            else if (I->target == SL_T_ROW) {
                if (I->tgt_dist != SL_TD_PM1) {
                    std::fprintf(stderr, "simdloss-bench: %s: unknown row target distribution %d\n",
                                 I->name, I->tgt_dist);
                    std::abort();
                }
                tgt = CT_ROW_PM1;
            }
            const int nx2 = (I->x2[0] != nullptr) + (I->x2[1] != nullptr);
            const bool ce = I->inner && I->target == SL_T_INDEX && I->x_dom == SL_D_LOGIT;
            ClassCall call = [k](const ClassData &d, float *l, void *g, float *const *g2) {
                const void *x = d.xb ? static_cast<const void *>(d.xb) : d.x;
                return bench_class_call(k, d.s.batch, d.s.classes, d.s.inner, x, d.ti, d.tf, d.x2,
                                        MEAN, l, g, g2);
            };
            v.push_back({name, I->bf16 != 0, nx2, in, tgt, ce, class_shapes(I), call});
        }
        return v;
    }();
    return L;
}

size_t target_bytes(ClassTgt t, const Shape &s)
{
    switch (t) {
    case CT_INDEX: return s.positions() * sizeof(int64_t);
    case CT_LABELS: return s.elems() * sizeof(int64_t);
    case CT_ROW_PM1: return s.batch * sizeof(float);
    case CT_NONE: return 0;
    default: return s.elems() * sizeof(float);
    }
}

// The arrays of one class benchmark, made outside the timed loop.
struct ClassBufs {
    Buf x, tf, x2[2];
    Arr<uint16_t> xb;
    Arr<int64_t> ti;
    ClassData d{};
};

void make_class_data(ClassBufs &b, const ClassLoss &L, const Shape &s)
{
    const size_t n = s.elems();
    b.d.s = s;
    b.x = alloc(n);
    fill_normal(b.x.get(), n, 3.0f, 11);
    if (L.in != CI_LOGITS) softmax_positions(b.x.get(), s, L.in == CI_LOGPROBS);
    if (L.bf16) {
        b.xb = alloc_t<uint16_t>(n);
        for (size_t i = 0; i < n; i++) b.xb[i] = to_bf16(b.x[i]);
        b.x.reset();
    }
    // further inputs (X2: pairs and triplets of embeddings): N(0, 3^2) as the
    // input, each its own seed
    for (int j = 0; j < L.nx2; j++) {
        b.x2[j] = alloc(n);
        fill_normal(b.x2[j].get(), n, 3.0f, 21 + static_cast<uint64_t>(j));
    }
    Rng r(12);
    switch (L.tgt) {
    case CT_INDEX:
        b.ti = alloc_t<int64_t>(s.positions());
        for (size_t i = 0; i < s.positions(); i++)
            b.ti[i] = static_cast<int64_t>(r.below(s.classes));
        break;
    case CT_SOFT:
        b.tf = alloc(n);
        for (size_t i = 0; i < n; i++) b.tf[i] = r.uniform();
        for (size_t bb = 0; bb < s.batch; bb++)
            for (size_t i = 0; i < s.inner; i++) {
                float *row = b.tf.get() + bb * s.classes * s.inner + i;
                double z = 0.0;
                for (size_t c = 0; c < s.classes; c++) z += row[c * s.inner];
                for (size_t c = 0; c < s.classes; c++)
                    row[c * s.inner] = static_cast<float>(row[c * s.inner] / z);
            }
        break;
    case CT_ONEHOT: // rows (inner 1)
        b.tf = alloc(n);
        for (size_t bb = 0; bb < s.batch; bb++) b.tf[bb * s.classes + r.below(s.classes)] = 1.0f;
        break;
    case CT_REAL:
    case CT_LOGITS:
    case CT_LOGPROBS:
        b.tf = alloc(n);
        fill_normal(b.tf.get(), n, L.tgt == CT_REAL ? 1.0f : 3.0f, 13);
        if (L.tgt == CT_LOGPROBS) softmax_positions(b.tf.get(), s, true);
        break;
    case CT_ROW_PM1:
        b.tf = alloc(s.batch);
        for (size_t bb = 0; bb < s.batch; bb++) b.tf[bb] = r.below(2) ? 1.0f : -1.0f;
        break;
    case CT_NONE: break;
    case CT_MULTIHOT:
    case CT_LABELS: {
        if (L.tgt == CT_MULTIHOT)
            b.tf = alloc(n);
        else {
            b.ti = alloc_t<int64_t>(n);
            for (size_t i = 0; i < n; i++) b.ti[i] = -1;
        }
        std::vector<size_t> lab;
        for (size_t bb = 0; bb < s.batch; bb++) {
            const size_t k = std::min<size_t>(1 + r.below(8), s.classes);
            lab.clear();
            while (lab.size() < k) {
                const size_t c = r.below(s.classes);
                bool dup = false;
                for (size_t o : lab) dup = dup || o == c;
                if (!dup) lab.push_back(c);
            }
            for (size_t j = 0; j < k; j++) {
                if (L.tgt == CT_MULTIHOT)
                    b.tf[bb * s.classes + lab[j]] = 1.0f;
                else
                    b.ti[bb * s.classes + j] = static_cast<int64_t>(lab[j]);
            }
        }
        break;
    }
    }
    b.d.x = b.x.get();
    b.d.xb = b.xb.get();
    b.d.ti = b.ti.get();
    b.d.tf = b.tf.get();
    for (int j = 0; j < 2; j++) b.d.x2[j] = b.x2[j].get();
}

// threads: as run_loss()
void run_class(benchmark::State &st, const ClassLoss &L, simdloss_isa isa, const Shape &s,
               bool with_grad, int threads)
{
    const ThreadScope scope(threads);
    if (simdloss_set_isa(isa) != SIMDLOSS_OK) {
        fail(st, simdloss_last_error());
        return;
    }
    const size_t n = s.elems();
    const size_t esize = L.bf16 ? sizeof(uint16_t) : sizeof(float);
    ClassBufs b;
    make_class_data(b, L, s);
    Arr<unsigned char> grad = alloc_t<unsigned char>(with_grad ? n * esize : 0);
    void *const g = with_grad ? grad.get() : nullptr;
    Buf g2buf[2];
    float *g2[2] = {nullptr, nullptr};
    for (int j = 0; j < L.nx2 && with_grad; j++) {
        g2buf[j] = alloc(n);
        g2[j] = g2buf[j].get();
    }
    float loss = 0.0f;
    if (L.call(b.d, &loss, g, g2) != SIMDLOSS_OK) { // also warms up
        fail(st, simdloss_last_error());
        return;
    }
    if (!std::isfinite(loss)) { // no such input here: a wrong result
        fail(st, "loss = " + std::to_string(loss));
        return;
    }
    const Clock::time_point t0 = Clock::now();
    for (auto _ : st) {
        L.call(b.d, &loss, g, g2);
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    const double wall = seconds_since(t0);
    const int64_t iters = static_cast<int64_t>(st.iterations());
    // every input read, and in fwdgrad its gradient written
    const size_t inputs = 1 + static_cast<size_t>(L.nx2);
    set_rates(st, iters * static_cast<int64_t>(n),
              iters * static_cast<int64_t>(n * esize * inputs * (with_grad ? 2 : 1) +
                                           target_bytes(L.tgt, s)),
              threads ? simdloss_get_num_threads() : 0, wall);
    st.SetLabel(sl_active()->name);
}

// cross_entropy_ex: the options a language model's loss adds, against the
// plain call on the same data (N(0, 3^2) logits, uniform targets), fwdgrad
// with MEAN. Named cross_entropy_ex/<variant>/fwdgrad/<isa>/<shape>: plain
// (options NULL), z (z_loss 1e-4), cap (softcap 30), zcap (both), stats
// (lse and argmax).
const char *const kCeExVariants[] = {"plain", "z", "cap", "zcap", "stats"};
const Shape kCeExShapes[] = {{512, 1000, 1}, {8, 32000, 1}};

void run_ce_ex(benchmark::State &st, int variant, simdloss_isa isa, const Shape &s)
{
    if (simdloss_set_isa(isa) != SIMDLOSS_OK) {
        fail(st, simdloss_last_error());
        return;
    }
    const size_t n = s.elems(), P = s.positions();
    Buf x = alloc(n), g = alloc(n), lse = alloc(P);
    Arr<int64_t> t = alloc_t<int64_t>(P), am = alloc_t<int64_t>(P);
    fill_normal(x.get(), n, 3.0f, 11);
    Rng r(12);
    for (size_t p = 0; p < P; p++) t.get()[p] = static_cast<int64_t>(r.uniform() * s.classes);
    simdloss_ce_options o{};
    o.z_loss = variant == 1 || variant == 3 ? 1e-4f : 0.0f;
    o.softcap = variant == 2 || variant == 3 ? 30.0f : 0.0f;
    if (variant == 4) o.lse = lse.get(), o.argmax = am.get();
    const simdloss_ce_options *op = variant ? &o : nullptr;
    float loss = 0.0f;
    auto call = [&] {
        return simdloss_cross_entropy_ex_f32(s.batch, s.classes, s.inner, x.get(), t.get(), nullptr,
                                             -100, 0.0f, op, SIMDLOSS_MEAN, &loss, g.get());
    };
    if (call() != SIMDLOSS_OK || !std::isfinite(loss)) {
        fail(st, simdloss_last_error());
        return;
    }
    const Clock::time_point t0 = Clock::now();
    for (auto _ : st) {
        call();
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    const double wall = seconds_since(t0);
    const int64_t iters = static_cast<int64_t>(st.iterations());
    set_rates(st, iters * static_cast<int64_t>(n),
              iters * static_cast<int64_t>(n * 8 + P * sizeof(int64_t)), 0, wall);
    st.SetLabel(sl_active()->name);
}

void register_ce_ex(const std::vector<const sl_table *> &tables)
{
    for (int v = 0; v < 5; v++)
        for (const sl_table *t : tables)
            for (const Shape &s : kCeExShapes) {
                const std::string name = std::string("cross_entropy_ex/") + kCeExVariants[v] +
                                         "/fwdgrad/" + simdloss_isa_name(t->isa) + "/" + s.name();
                const simdloss_isa isa = t->isa;
                benchmark::RegisterBenchmark(
                    name.c_str(), [v, isa, s](benchmark::State &st) { run_ce_ex(st, v, isa, s); });
            }
}

// ------------------------------------------------------------- ref limits --

#if defined(_OPENMP)
constexpr bool kOpenMP = true; // the threaded reference kernels are registered
#else
constexpr bool kOpenMP = false;
#endif

// The table's ref_stream over a (grad[0] = in[0] + tgt[0]); threads > 1: split
// into that many contiguous chunks of whole 64-byte lines, one per OpenMP
// thread (the team of the library's engine when both are libgomp).
void ref_stream_call(const sl_table *t, sl_args &a, int threads)
{
#if defined(_OPENMP)
    if (threads > 1) {
        const size_t lines = (a.n + 15) / 16, k = static_cast<size_t>(threads);
#pragma omp parallel for num_threads(threads) schedule(static, 1)
        for (int j = 0; j < threads; j++) {
            const size_t lo = std::min(a.n, lines * static_cast<size_t>(j) / k * 16);
            const size_t hi = std::min(a.n, lines * static_cast<size_t>(j + 1) / k * 16);
            if (lo >= hi) continue;
            sl_args c{};
            c.n = hi - lo;
            c.in[0] = a.in[0] + lo;
            c.tgt[0] = a.tgt[0] + lo;
            c.grad[0] = a.grad[0] + lo;
            t->k[SL_K_ref_stream](&c);
        }
        return;
    }
#else
    (void)threads;
#endif
    t->k[SL_K_ref_stream](&a);
}

// threads: 0 for the plain benchmark, k for .../threads:<k> (k threads)
void run_ref_stream(benchmark::State &st, const sl_table *t, size_t n, int threads)
{
    Buf x = alloc(n), y = alloc(n), out = alloc(n);
    fill(x.get(), n, D_REAL, 1);
    fill(y.get(), n, D_REAL, 2);
    sl_args a{};
    a.n = n;
    a.in[0] = x.get();
    a.tgt[0] = y.get();
    a.grad[0] = out.get();
    ref_stream_call(t, a, threads);
    const Clock::time_point t0 = Clock::now();
    for (auto _ : st) {
        ref_stream_call(t, a, threads);
        benchmark::ClobberMemory();
    }
    const double wall = seconds_since(t0);
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    set_rates(st, items, items * 3 * int64_t(sizeof(float)), threads, wall);
    st.SetLabel(t->name);
}

#if defined(__x86_64__)
// Non-temporal read-2-write-1 kernels, one per x86 ISA (n is a multiple of
// 16 and every buffer 64-byte aligned in this harness).
using NtKernel = void (*)(const float *, const float *, float *, size_t);

__attribute__((target("avx512f"))) void nt_avx512(const float *x, const float *y, float *o,
                                                  size_t n)
{
    for (size_t i = 0; i < n; i += 16)
        _mm512_stream_ps(o + i, _mm512_add_ps(_mm512_load_ps(x + i), _mm512_load_ps(y + i)));
    _mm_sfence();
}

__attribute__((target("avx2"))) void nt_avx2(const float *x, const float *y, float *o, size_t n)
{
    for (size_t i = 0; i < n; i += 8)
        _mm256_stream_ps(o + i, _mm256_add_ps(_mm256_load_ps(x + i), _mm256_load_ps(y + i)));
    _mm_sfence();
}

// scalar: one 4-byte movnti per element (SSE2, x86-64 baseline)
void nt_scalar(const float *x, const float *y, float *o, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const float v = x[i] + y[i];
        int bits;
        std::memcpy(&bits, &v, sizeof bits);
        _mm_stream_si32(reinterpret_cast<int *>(o + i), bits);
    }
    _mm_sfence();
}

NtKernel nt_kernel(simdloss_isa isa)
{
    switch (isa) {
    case SIMDLOSS_ISA_AVX512: return nt_avx512;
    case SIMDLOSS_ISA_AVX2: return nt_avx2;
    case SIMDLOSS_ISA_SCALAR: return nt_scalar;
    default: return nullptr;
    }
}

void run_ref_stream_nt(benchmark::State &st, NtKernel k, const char *label, size_t n)
{
    Buf x = alloc(n), y = alloc(n), out = alloc(n);
    fill(x.get(), n, D_REAL, 1);
    fill(y.get(), n, D_REAL, 2);
    k(x.get(), y.get(), out.get(), n);
    for (auto _ : st) {
        k(x.get(), y.get(), out.get(), n);
        benchmark::ClobberMemory();
    }
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    st.SetItemsProcessed(items);
    st.SetBytesProcessed(items * 3 * int64_t(sizeof(float)));
    st.SetLabel(label);
}
#endif

constexpr size_t REF_MATH_N = 4096;

void run_ref_math(benchmark::State &st, const sl_table *t, int kid)
{
    const size_t n = REF_MATH_N;
    Buf x = alloc(n);
    // arguments in the range the losses feed these functions
    fill(x.get(), n,
         kid == SL_K_ref_exp || kid == SL_K_ref_expm1 ? D_REAL
                                                      : (kid == SL_K_ref_log ? D_PROB : D_POSITIVE),
         4);
    sl_args a{};
    a.n = n;
    a.in[0] = x.get();
    t->k[kid](&a);
    for (auto _ : st) {
        t->k[kid](&a);
        benchmark::DoNotOptimize(a.sum);
    }
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    st.SetItemsProcessed(items);
    st.SetBytesProcessed(items * int64_t(sizeof(float)));
    st.SetLabel(t->name);
}

// The limits of the class losses at a shape's size (registered per shape):
//   ref_stream_rw/<isa>/<shape>       read n floats, write n: the table's
//                                     ref_stream with y == x (the second load
//                                     of each vector hits L1) = read logits +
//                                     write gradient
//   ref_stream_rw_bf16/<isa>/<shape>  the same bytes for bf16: n/2 floats
//                                     read and written, counted as n elements
//   ref_stream_rw2|ref_stream_rw3/<isa>/<shape>
//                                     2n (3n) floats read and written, counted
//                                     as n elements: the bytes and the working
//                                     set of a loss that reads 2 (3) inputs of
//                                     n values and writes their gradients
//                                     (cosine_embedding, triplet_margin)
//   ref_exp_stream/<isa>/<shape>      ref_exp over the n logits (not cached
//                                     beyond what fits): read + one exp per
//                                     logit = the forward-only limit
//   ref_stream/<isa>/<shape>          read 2 write 1, for the losses with a
//                                     target array
//   .../threads:<k>                   the same on k threads (ref_stream_call)
// Each at the shapes of the losses whose limit it is (class_refs()).
void run_ref_stream_rw(benchmark::State &st, const sl_table *t, size_t nfloat, size_t items,
                       int threads)
{
    Buf x = alloc(nfloat), out = alloc(nfloat);
    fill(x.get(), nfloat, D_REAL, 1);
    sl_args a{};
    a.n = nfloat;
    a.in[0] = x.get();
    a.tgt[0] = x.get();
    a.grad[0] = out.get();
    ref_stream_call(t, a, threads);
    const Clock::time_point t0 = Clock::now();
    for (auto _ : st) {
        ref_stream_call(t, a, threads);
        benchmark::ClobberMemory();
    }
    const double wall = seconds_since(t0);
    const int64_t iters = static_cast<int64_t>(st.iterations());
    set_rates(st, iters * static_cast<int64_t>(items),
              iters * static_cast<int64_t>(nfloat) * 2 * int64_t(sizeof(float)), threads, wall);
    st.SetLabel(t->name);
}

void run_ref_exp_stream(benchmark::State &st, const sl_table *t, size_t n)
{
    Buf x = alloc(n);
    fill_normal(x.get(), n, 3.0f, 11);
    sl_args a{};
    a.n = n;
    a.in[0] = x.get();
    t->k[SL_K_ref_exp](&a);
    for (auto _ : st) {
        t->k[SL_K_ref_exp](&a);
        benchmark::DoNotOptimize(a.sum);
    }
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    st.SetItemsProcessed(items);
    st.SetBytesProcessed(items * int64_t(sizeof(float)));
    st.SetLabel(t->name);
}

// ----------------------------------------------------------- registration --

// The table simdloss_set_isa() would pick for each ISA: the first runnable
// one in sl_tables (best first), so "scalar-nofma" is skipped when "scalar" runs.
std::vector<const sl_table *> runnable_tables()
{
    std::vector<const sl_table *> out;
    for (const sl_table *const *t = sl_tables; *t; t++) {
        if (!sl_table_runnable(*t)) continue;
        bool seen = false;
        for (const sl_table *o : out) seen = seen || o->isa == (*t)->isa;
        if (!seen) out.push_back(*t);
    }
    return out;
}

const size_t kSizes[] = {4096, 65536, 1048576, 16777216};
// The elementwise /threads:<k> benchmarks: kSizes and 16384 (a small call:
// does a second thread cost more than it gains there?).
const size_t kThreadSizes[] = {4096, 16384, 65536, 1048576, 16777216};

// The reference kernels of the class losses' limits (bench/class_cases.py,
// mem_ref() and limits()) and the shapes they run at: those of the losses
// that use them. bfloat16 input: ref_stream_rw_bf16; class indices (8 bytes
// a row next to the input and its gradient): ref_stream_rw; a target array
// of the input's shape (or label rows): ref_stream; k inputs of the input's
// shape (the input and its X2), each read and its gradient written:
// ref_stream_rw<k> (k = 2, 3: reads and writes in the same 1:1 proportion as
// ref_stream_rw, over the same bytes; a row target adds 4 bytes a row); the
// f32 softmax losses over class indices also ref_exp_stream (their
// forward-only limit).
enum ClassRef { REF_RW, REF_RW_BF16, REF_RW2, REF_RW3, REF_EXP_STREAM, REF_STREAM };
const char *const kClassRefNames[] = {"ref_stream_rw",  "ref_stream_rw_bf16", "ref_stream_rw2",
                                      "ref_stream_rw3", "ref_exp_stream",     "ref_stream"};

ClassRef mem_ref(const ClassLoss &L)
{
    if (L.nx2) return L.nx2 == 1 ? REF_RW2 : REF_RW3;
    if (L.bf16) return REF_RW_BF16;
    return L.tgt == CT_INDEX ? REF_RW : REF_STREAM;
}

std::vector<std::pair<ClassRef, Shape>> class_refs()
{
    std::vector<std::pair<ClassRef, Shape>> out;
    const auto need = [&out](ClassRef r, const Shape &s) {
        for (const auto &o : out)
            if (o.first == r && o.second.name() == s.name()) return;
        out.push_back({r, s});
    };
    for (const ClassLoss &L : class_losses())
        for (const Shape &s : L.shapes) {
            need(mem_ref(L), s);
            if (L.ce && !L.bf16) need(REF_EXP_STREAM, s);
        }
    return out;
}

// One class reference benchmark; threads as run_ref_stream_rw() (0: the plain
// one). ref_exp_stream has no threaded form.
void run_class_ref(benchmark::State &st, const sl_table *t, ClassRef r, size_t n, int threads)
{
    switch (r) {
    case REF_RW: run_ref_stream_rw(st, t, n, n, threads); break;
    case REF_RW_BF16: run_ref_stream_rw(st, t, (n + 1) / 2, n, threads); break;
    case REF_RW2: run_ref_stream_rw(st, t, 2 * n, n, threads); break;
    case REF_RW3: run_ref_stream_rw(st, t, 3 * n, n, threads); break;
    case REF_EXP_STREAM: run_ref_exp_stream(st, t, n); break;
    case REF_STREAM: run_ref_stream(st, t, n, threads); break;
    }
}

void register_class(const std::vector<const sl_table *> &tables)
{
    for (const ClassLoss &L : class_losses())
        for (const char *mode : {"fwd", "fwdgrad"})
            for (const sl_table *t : tables) {
                const bool with_grad = std::strcmp(mode, "fwdgrad") == 0;
                for (const Shape &s : L.shapes) {
                    const std::string name =
                        L.name + "/" + mode + "/" + simdloss_isa_name(t->isa) + "/" + s.name();
                    const ClassLoss *lp = &L;
                    const simdloss_isa isa = t->isa;
                    benchmark::RegisterBenchmark(name.c_str(),
                                                 [lp, isa, s, with_grad](benchmark::State &st) {
                                                     run_class(st, *lp, isa, s, with_grad, 0);
                                                 });
                }
            }
    const std::vector<std::pair<ClassRef, Shape>> refs = class_refs();
    for (const sl_table *t : tables)
        for (const auto &rs : refs) {
            const ClassRef r = rs.first;
            const size_t n = rs.second.elems();
            const std::string name = std::string(kClassRefNames[r]) + "/" +
                                     simdloss_isa_name(t->isa) + "/" + rs.second.name();
            benchmark::RegisterBenchmark(
                name.c_str(), [t, r, n](benchmark::State &st) { run_class_ref(st, t, r, n, 0); });
        }
}

std::string threads_suffix(int k) { return "/threads:" + std::to_string(k); }

// The /threads:<k> benchmarks (see the top of the file), for each k.
void register_threads(const std::vector<const sl_table *> &tables, const std::vector<int> &threads)
{
    for (int k : threads) {
        for (const Loss &L : losses())
            for (const sl_table *t : tables)
                for (size_t n : kThreadSizes) {
                    const std::string name = std::string(L.info->name) + "/fwdgrad/" +
                                             simdloss_isa_name(t->isa) + "/" + std::to_string(n) +
                                             threads_suffix(k);
                    const Loss *lp = &L;
                    const simdloss_isa isa = t->isa;
                    benchmark::RegisterBenchmark(name.c_str(),
                                                 [lp, isa, n, k](benchmark::State &st) {
                                                     run_loss(st, *lp, isa, n, true, k);
                                                 });
                }
        for (const ClassLoss &L : class_losses())
            for (const sl_table *t : tables) {
                for (const Shape &s : L.shapes) {
                    const std::string name = L.name + "/fwdgrad/" + simdloss_isa_name(t->isa) +
                                             "/" + s.name() + threads_suffix(k);
                    const ClassLoss *lp = &L;
                    const simdloss_isa isa = t->isa;
                    benchmark::RegisterBenchmark(name.c_str(),
                                                 [lp, isa, s, k](benchmark::State &st) {
                                                     run_class(st, *lp, isa, s, true, k);
                                                 });
                }
            }
        if (!kOpenMP) continue; // no threaded reference kernels
        for (const sl_table *t : tables) {
            const std::string isa = simdloss_isa_name(t->isa);
            for (size_t n : kThreadSizes)
                benchmark::RegisterBenchmark(
                    ("ref_stream/" + isa + "/" + std::to_string(n) + threads_suffix(k)).c_str(),
                    [t, n, k](benchmark::State &st) { run_ref_stream(st, t, n, k); });
            for (const auto &rs : class_refs()) {
                const ClassRef r = rs.first;
                if (r == REF_EXP_STREAM) continue;
                const size_t n = rs.second.elems();
                const std::string name = std::string(kClassRefNames[r]) + "/" + isa + "/" +
                                         rs.second.name() + threads_suffix(k);
                benchmark::RegisterBenchmark(name.c_str(), [t, r, n, k](benchmark::State &st) {
                    run_class_ref(st, t, r, n, k);
                });
            }
        }
    }
}

// threads: the --sl_threads counts (none: only the one-thread benchmarks)
void register_all(const std::vector<int> &threads)
{
    const std::vector<const sl_table *> tables = runnable_tables();
    for (const Loss &L : losses())
        for (const char *mode : {"fwd", "fwdgrad"})
            for (const sl_table *t : tables)
                for (size_t n : kSizes) {
                    const bool with_grad = std::strcmp(mode, "fwdgrad") == 0;
                    const std::string name = std::string(L.info->name) + "/" + mode + "/" +
                                             simdloss_isa_name(t->isa) + "/" + std::to_string(n);
                    const Loss *lp = &L;
                    const simdloss_isa isa = t->isa;
                    benchmark::RegisterBenchmark(name.c_str(),
                                                 [lp, isa, n, with_grad](benchmark::State &st) {
                                                     run_loss(st, *lp, isa, n, with_grad, 0);
                                                 });
                }
    for (const sl_table *t : tables)
        for (size_t n : kSizes) {
            const std::string name =
                std::string("ref_stream/") + simdloss_isa_name(t->isa) + "/" + std::to_string(n);
            benchmark::RegisterBenchmark(
                name.c_str(), [t, n](benchmark::State &st) { run_ref_stream(st, t, n, 0); });
        }
#if defined(__x86_64__)
    for (const sl_table *t : tables) {
        const NtKernel k = nt_kernel(t->isa);
        if (!k) continue;
        for (size_t n : kSizes) {
            const std::string name =
                std::string("ref_stream_nt/") + simdloss_isa_name(t->isa) + "/" + std::to_string(n);
            const char *label = t->name;
            benchmark::RegisterBenchmark(name.c_str(), [k, label, n](benchmark::State &st) {
                run_ref_stream_nt(st, k, label, n);
            });
        }
    }
#endif
    const struct {
        const char *name;
        int kid;
    } math[] = {{"ref_log", SL_K_ref_log},
                {"ref_exp", SL_K_ref_exp},
                {"ref_log1p", SL_K_ref_log1p},
                {"ref_expm1", SL_K_ref_expm1}};
    for (const auto &m : math)
        for (const sl_table *t : tables) {
            const std::string name = std::string(m.name) + "/" + simdloss_isa_name(t->isa);
            const int kid = m.kid;
            benchmark::RegisterBenchmark(
                name.c_str(), [t, kid](benchmark::State &st) { run_ref_math(st, t, kid); });
        }
    register_class(tables);
    register_ce_ex(tables);
    register_threads(tables, threads);
}

// The CPUs this process may run on (sched_getaffinity), at least 1.
int affinity_cpus()
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
    return 1;
}

// Takes --sl_threads=K1,K2,... out of argv (the last one counts; default "1")
// and sets threads to its counts, 0 resolved to affinity_cpus(), duplicates
// dropped, in order; none for exactly "1". False (with a message) when the
// list is malformed.
bool parse_threads(int &argc, char **argv, std::vector<int> &threads, std::string &spec)
{
    static const char flag[] = "--sl_threads";
    spec = "1";
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (std::strncmp(a, flag, sizeof flag - 1) == 0 &&
            (a[sizeof flag - 1] == '=' || a[sizeof flag - 1] == '\0')) {
            if (a[sizeof flag - 1] == '\0') {
                std::fprintf(stderr, "simdloss-bench: %s needs =K1,K2,...\n", flag);
                return false;
            }
            spec = a + sizeof flag;
        } else
            argv[kept++] = argv[i];
    }
    argc = kept;
    argv[argc] = nullptr;
    threads.clear();
    if (spec == "1") return true;
    size_t pos = 0;
    for (;;) {
        const size_t comma = spec.find(',', pos);
        const std::string item =
            spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        char *end = nullptr;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || item[0] < '0' || item[0] > '9' || *end != '\0' || v > 1024) {
            std::fprintf(stderr,
                         "simdloss-bench: --sl_threads=%s: expected thread counts (0 to 1024, 0 = "
                         "the CPUs of the affinity mask) separated by commas\n",
                         spec.c_str());
            return false;
        }
        const int k = v == 0 ? affinity_cpus() : static_cast<int>(v);
        if (std::find(threads.begin(), threads.end(), k) == threads.end()) threads.push_back(k);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    std::vector<int> threads;
    std::string spec;
    if (!parse_threads(argc, argv, threads, spec)) return 1;
    register_all(threads);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // the plain benchmarks run on one thread (each also sets it, ThreadScope)
    simdloss_set_num_threads(1);
    std::string resolved;
    for (int k : threads) resolved += (resolved.empty() ? "" : ",") + std::to_string(k);
    benchmark::AddCustomContext("simdloss_threads", resolved.empty() ? "1" : resolved);
    benchmark::AddCustomContext("simdloss_thread_engine", simdloss_thread_engine());
    benchmark::AddCustomContext("affinity_cpus", std::to_string(affinity_cpus()));
    const size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (ran == 0) {
        std::fprintf(stderr, "simdloss-bench: no benchmark matched the filter\n");
        return 1;
    }
    if (g_failed) {
        std::fprintf(stderr, "simdloss-bench: %d benchmark run(s) reported an error\n", g_failed);
        return 2;
    }
    return 0;
}
