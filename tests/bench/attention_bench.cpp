// The reference and flash paths over the cases of `attnviz-cli bench` (app/cli/bench_cases.h), as a
// Google Benchmark program. The GFLOP counter (shown per second) counts useful work, 4 * n^2 * d per
// head, halved for causal.
#include "app/cli/bench_cases.h"
#include "core/attention/attention.h"
#include "core/attention/flash_attention.h"

#include <benchmark/benchmark.h>

#include <random>
#include <string>

namespace attnviz {
namespace {

attention::AttentionInputs make_inputs(int n, int d, int heads, int kv_heads) {
    std::mt19937 rng(1);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    attention::AttentionInputs in{Tensor3(heads, n, d), Tensor3(kv_heads, n, d), Tensor3(kv_heads, n, d)};
    for (Tensor3* t : {&in.q, &in.k, &in.v}) {
        for (std::size_t i = 0; i < t->size(); ++i) t->data()[i] = dist(rng);
    }
    return in;
}

/// One case from the benchmark's arguments (n, d, heads, kv_heads, causal): its inputs and config.
struct PreparedCase {
    int n;
    int d;
    int heads;
    bool causal;
    attention::AttentionInputs inputs;
    attention::AttentionConfig config;
};

PreparedCase read_case(const benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    const int d = static_cast<int>(state.range(1));
    const int heads = static_cast<int>(state.range(2));
    const int kv_heads = static_cast<int>(state.range(3));
    const bool causal = state.range(4) != 0;
    attention::AttentionConfig config;
    config.n_heads = heads;
    config.n_kv_heads = kv_heads;
    config.head_dim = d;
    config.mask.causal = causal;
    return {n, d, heads, causal, make_inputs(n, d, heads, kv_heads), config};
}

/// Useful work, 4 * n^2 * d per head, halved for causal, as a rate.
void set_counters(benchmark::State& state, const PreparedCase& c) {
    const double flops = 4.0 * c.n * static_cast<double>(c.n) * c.d * c.heads * (c.causal ? 0.5 : 1.0);
    state.counters["GFLOP"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Reference(benchmark::State& state) {
    const PreparedCase c = read_case(state);
    attention::AttentionOptions options;
    options.keep_raw_scores = false;
    options.keep_scores = false;
    options.keep_weights = false;
    options.keep_entropy = false;
    for (auto _ : state) {
        Expected<attention::AttentionResult> r = attention::compute_attention(c.config, c.inputs, options);
        if (!r) state.SkipWithError(r.error().c_str());
        benchmark::DoNotOptimize(r);
    }
    set_counters(state, c);
}

void BM_Flash(benchmark::State& state) {
    const PreparedCase c = read_case(state);
    for (auto _ : state) {
        Expected<attention::FlashResult> r = attention::compute_flash_attention(c.config, c.inputs);
        if (!r) state.SkipWithError(r.error().c_str());
        benchmark::DoNotOptimize(r);
    }
    set_counters(state, c);
}

void mha_cases(benchmark::internal::Benchmark* b, bool flash) {
    b->ArgNames({"n", "d", "heads", "kv", "causal"});
    for (const cli::BenchCase& c : cli::bench_cases(false)) {
        const bool is_flash = std::string(c.impl) == "flash";
        if (is_flash == flash) b->Args({c.n, c.d, c.heads, c.kv_heads, c.causal ? 1 : 0});
    }
    b->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(BM_Reference)->Apply([](benchmark::internal::Benchmark* b) { mha_cases(b, false); });
BENCHMARK(BM_Flash)->Apply([](benchmark::internal::Benchmark* b) { mha_cases(b, true); });

}  // namespace
}  // namespace attnviz

BENCHMARK_MAIN();
