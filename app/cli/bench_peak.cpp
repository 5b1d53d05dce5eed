// A register-only FMA loop: 12 independent accumulators of the widest vector the build targets, so that
// the FMA units, not their latency, bound the rate (Zen 3: 4-cycle latency, 2 FMA pipes -> 8 in flight).
#include "app/cli/bench_peak.h"

#include "core/base/parallel.h"

#include <algorithm>
#include <chrono>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace attnviz::cli {

namespace {

constexpr int kChains = 12;

#if defined(__AVX2__) && defined(__FMA__)
constexpr int kVectorFloats = 8;

/// `iterations` x kChains FMAs of 8 floats; returns a value that depends on every chain so that the
/// compiler keeps them all.
float fma_chains(long iterations, float seed) {
    __m256 acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = _mm256_set1_ps(seed + 0.001f * static_cast<float>(c));
    const __m256 a = _mm256_set1_ps(0.999999f);
    const __m256 b = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iterations; ++i) {
        for (int c = 0; c < kChains; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    }
    __m256 sum = acc[0];
    for (int c = 1; c < kChains; ++c) sum = _mm256_add_ps(sum, acc[c]);
    alignas(32) float out[8];
    _mm256_store_ps(out, sum);
    return out[0] + out[7];
}
#else
constexpr int kVectorFloats = 1;

float fma_chains(long iterations, float seed) {
    float acc[kChains];
    for (int c = 0; c < kChains; ++c) acc[c] = seed + 0.001f * static_cast<float>(c);
    for (long i = 0; i < iterations; ++i) {
        for (int c = 0; c < kChains; ++c) acc[c] = acc[c] * 0.999999f + 1e-7f;
    }
    float sum = 0.0f;
    for (int c = 0; c < kChains; ++c) sum += acc[c];
    return sum;
}
#endif

using Clock = std::chrono::steady_clock;

/// GFLOP/s of n_threads threads each running `iterations` of the loop at once (2 FLOP per lane per FMA).
double run_threads(int n_threads, long iterations) {
    std::vector<float> sink(static_cast<std::size_t>(n_threads));
    const Clock::time_point t0 = Clock::now();
    parallel_for(n_threads, n_threads, [&](int t) {
        sink[static_cast<std::size_t>(t)] = fma_chains(iterations, 1.0f + static_cast<float>(t));
    });
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    volatile float keep = sink[0];
    (void)keep;
    const double flops = 2.0 * kVectorFloats * kChains * static_cast<double>(iterations) * n_threads;
    return flops / s * 1e-9;
}

double best_rate(int n_threads, double seconds) {
    // Size the loop from a short probe so that each run takes about `seconds`.
    const long probe = 1 << 20;
    const double probe_gflops = run_threads(1, probe);
    const double per_iteration_s = 2.0 * kVectorFloats * kChains / (probe_gflops * 1e9);
    const long iterations = std::max(probe, static_cast<long>(seconds / per_iteration_s));
    double best = 0.0;
    for (int run = 0; run < 3; ++run) best = std::max(best, run_threads(n_threads, iterations));
    return best;
}

}  // namespace

FmaPeak measure_fma_peak(int n_threads, double seconds) {
    FmaPeak peak;
    peak.n_threads = std::max(1, n_threads);
    peak.vector_floats = kVectorFloats;
    peak.one_thread_gflops = best_rate(1, seconds);
    peak.all_threads_gflops = best_rate(peak.n_threads, seconds);
    return peak;
}

}  // namespace attnviz::cli
