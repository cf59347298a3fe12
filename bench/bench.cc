// simdloss-bench: google-benchmark harness for every elementwise loss.
//
// Names:
//   <loss>/fwd/<isa>/<n>       loss MEAN only (grad_input NULL)
//   <loss>/fwdgrad/<isa>/<n>   loss MEAN + grad_input (the fused pass)
//   ref_stream/<isa>/<n>       grad = x + y via the table's ref_stream kernel:
//                              read 2 arrays, write 1 = the memory bound of a
//                              fused loss + gradient
//   ref_stream_nt/<isa>/<n>    the same with non-temporal stores (x86 only,
//                              written here with intrinsics): no read for
//                              ownership of the output lines
//   ref_log|ref_exp|ref_log1p|ref_expm1/<isa>
//                              one SLEEF function over a cache-resident
//                              4096-element array: per-element compute cost
//
// Only ISAs that are compiled in and runnable here are registered. Loss
// benchmarks pin their ISA with simdloss_set_isa(); the reference kernels are
// called directly from the ISA's table in sl_tables.
//
// Times are CPU time of the (single) benchmark thread, which on a shared
// machine is less affected by preemption than wall time.
// Counters: items_per_second = elements/s; bytes_per_second = bytes the call
// must read plus bytes it writes (input, target, full-length aux arrays,
// grad_input); write-allocate traffic is not counted.

#include <benchmark/benchmark.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "internal.h"
}

namespace
{

// ------------------------------------------------------------------ data --

struct AlignedFree {
    void operator()(float *p) const { std::free(p); }
};
using Buf = std::unique_ptr<float[], AlignedFree>;

Buf alloc(size_t n)
{
    void *p = nullptr;
    const size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
    if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) std::abort();
    std::memset(p, 0, bytes); // touch every page outside the timed loop
    return Buf(static_cast<float *>(p));
}

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
};

// What a loss's input / target / aux array hold (each loss's domain).
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

struct Data {
    const float *x, *y, *aux;
};
using Call = std::function<int(size_t n, const Data &d, float *loss, float *grad)>;

struct Loss {
    const char *name;
    Domain dx, dy;
    bool has_aux; // a full-length third input array (gaussian_nll's var)
    Domain daux;
    Call call;
};

constexpr simdloss_reduction MEAN = SIMDLOSS_MEAN;

// Default parameters are PyTorch's / Keras' / torchvision's / ale.py's defaults.
const std::vector<Loss> &losses()
{
    static const std::vector<Loss> L = {
        {"mse", D_REAL, D_REAL, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_mse_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"l1", D_REAL, D_REAL, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_l1_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"huber", D_REAL, D_REAL, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_huber_f32(n, d.x, d.y, 1.0f, MEAN, l, g);
         }},
        {"smooth_l1", D_REAL, D_REAL, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_smooth_l1_f32(n, d.x, d.y, 1.0f, MEAN, l, g);
         }},
        {"bce", D_PROB, D_SOFT01, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_bce_f32(n, d.x, d.y, nullptr, 0, MEAN, l, g);
         }},
        {"bce_with_logits", D_LOGIT, D_SOFT01, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_bce_with_logits_f32(n, d.x, d.y, nullptr, 0, nullptr, 0, MEAN, l, g);
         }},
        {"ale", D_PROB, D_LABEL01, false, D_REAL, // alpha = 0, gamma = 0, ls = 0
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_ale_f32(n, d.x, d.y, 0.0f, 0.0f, 0.0f, MEAN, l, g);
         }},
        {"binary_focal", D_PROB, D_LABEL01, false, D_REAL, // gamma = 2, no class balancing
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_binary_focal_f32(n, d.x, d.y, 2.0f, -1.0f, 0.0f, MEAN, l, g);
         }},
        {"sigmoid_focal", D_LOGIT, D_LABEL01, false, D_REAL, // alpha = 0.25, gamma = 2
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_sigmoid_focal_f32(n, d.x, d.y, 0.25f, 2.0f, MEAN, l, g);
         }},
        {"soft_margin", D_LOGIT, D_PM1, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_soft_margin_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"hinge_embedding", D_REAL, D_PM1, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_hinge_embedding_f32(n, d.x, d.y, 1.0f, MEAN, l, g);
         }},
        {"kl_div", D_LOGPROB, D_PROB, false, D_REAL, // log_target = False
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_kl_div_f32(n, d.x, d.y, 0, MEAN, l, g);
         }},
        {"poisson_nll", D_REAL, D_COUNT, false, D_REAL, // log_input, not full, eps 1e-8
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_poisson_nll_f32(n, d.x, d.y, 1, 0, 1e-8f, MEAN, l, g);
         }},
        {"log_cosh", D_REAL, D_REAL, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_log_cosh_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"hinge", D_REAL, D_PM1, false, D_REAL, // -1/1 labels: no conversion pass
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_hinge_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"squared_hinge", D_REAL, D_PM1, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_squared_hinge_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"mape", D_REAL, D_AWAY0, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_mape_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"msle", D_POSITIVE, D_POSITIVE, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_msle_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"poisson", D_POSITIVE, D_COUNT, false, D_REAL,
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_poisson_f32(n, d.x, d.y, MEAN, l, g);
         }},
        {"gaussian_nll", D_REAL, D_REAL, true, D_VAR, // heteroscedastic var, eps 1e-6
         [](size_t n, const Data &d, float *l, float *g) {
             return simdloss_gaussian_nll_f32(n, d.x, d.y, d.aux, n, 0, 1e-6f, MEAN, l, g, nullptr);
         }},
    };
    return L;
}

void run_loss(benchmark::State &st, const Loss &L, simdloss_isa isa, size_t n, bool with_grad)
{
    if (simdloss_set_isa(isa) != SIMDLOSS_OK) {
        st.SkipWithError(simdloss_last_error());
        return;
    }
    Buf x = alloc(n), y = alloc(n), aux = alloc(L.has_aux ? n : 0), grad = alloc(n);
    fill(x.get(), n, L.dx, 1);
    fill(y.get(), n, L.dy, 2);
    if (L.has_aux) fill(aux.get(), n, L.daux, 3);
    const Data d{x.get(), y.get(), aux.get()};
    float loss = 0.0f;
    float *const g = with_grad ? grad.get() : nullptr;
    if (L.call(n, d, &loss, g) != SIMDLOSS_OK) { // also warms up
        st.SkipWithError(simdloss_last_error());
        return;
    }
    for (auto _ : st) {
        L.call(n, d, &loss, g);
        benchmark::DoNotOptimize(loss);
        benchmark::ClobberMemory();
    }
    const int64_t arrays_read = 2 + (L.has_aux ? 1 : 0);
    const int64_t arrays_written = with_grad ? 1 : 0;
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    st.SetItemsProcessed(items);
    st.SetBytesProcessed(items * (arrays_read + arrays_written) * int64_t(sizeof(float)));
    st.SetLabel(sl_active()->name);
}

// ------------------------------------------------------------- ref limits --

void run_ref_stream(benchmark::State &st, const sl_table *t, size_t n)
{
    Buf x = alloc(n), y = alloc(n), out = alloc(n);
    fill(x.get(), n, D_REAL, 1);
    fill(y.get(), n, D_REAL, 2);
    sl_args a{};
    a.n = n;
    a.x = x.get();
    a.y = y.get();
    a.grad = out.get();
    t->k[SL_K_ref_stream](&a);
    for (auto _ : st) {
        t->k[SL_K_ref_stream](&a);
        benchmark::ClobberMemory();
    }
    const int64_t items = static_cast<int64_t>(st.iterations()) * static_cast<int64_t>(n);
    st.SetItemsProcessed(items);
    st.SetBytesProcessed(items * 3 * int64_t(sizeof(float)));
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
    a.x = x.get();
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

void register_all()
{
    const std::vector<const sl_table *> tables = runnable_tables();
    for (const Loss &L : losses())
        for (const char *mode : {"fwd", "fwdgrad"})
            for (const sl_table *t : tables)
                for (size_t n : kSizes) {
                    const bool with_grad = std::strcmp(mode, "fwdgrad") == 0;
                    const std::string name = std::string(L.name) + "/" + mode + "/" +
                                             simdloss_isa_name(t->isa) + "/" + std::to_string(n);
                    const Loss *lp = &L;
                    const simdloss_isa isa = t->isa;
                    benchmark::RegisterBenchmark(name.c_str(),
                                                 [lp, isa, n, with_grad](benchmark::State &st) {
                                                     run_loss(st, *lp, isa, n, with_grad);
                                                 });
                }
    for (const sl_table *t : tables)
        for (size_t n : kSizes) {
            const std::string name =
                std::string("ref_stream/") + simdloss_isa_name(t->isa) + "/" + std::to_string(n);
            benchmark::RegisterBenchmark(
                name.c_str(), [t, n](benchmark::State &st) { run_ref_stream(st, t, n); });
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
}

} // namespace

int main(int argc, char **argv)
{
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    const size_t ran = benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (ran == 0) {
        std::fprintf(stderr, "simdloss-bench: no benchmark matched the filter\n");
        return 1;
    }
    return 0;
}
