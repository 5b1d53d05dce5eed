// The machine's own limit for the bench: the FMA peak of one thread and of every thread at once.
#pragma once

namespace attnviz::cli {

struct FmaPeak {
    double one_thread_gflops = 0.0;   ///< one thread alone
    double all_threads_gflops = 0.0;  ///< every thread at once, summed
    int n_threads = 1;
    int vector_floats = 1;  ///< floats per FMA instruction of the loop (8 with AVX2)
};

/// Runs a register-only loop of independent fused multiply-add chains (enough of them to hide the FMA
/// latency) built for the native vector width; the best of a few runs of about `seconds` each.
FmaPeak measure_fma_peak(int n_threads, double seconds);

}  // namespace attnviz::cli
