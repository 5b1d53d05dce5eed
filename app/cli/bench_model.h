// The real-model part of the bench: a GPT-2-small-shaped model with random weights, timed end to end.
#pragma once

#include "core/base/expected.h"

#include <vector>

namespace attnviz::cli {

/// A GPT-2 shape: 12 x 12 x 768 with vocabulary 50257 is GPT-2 small.
struct ModelShape {
    const char* name = "gpt2-small";
    int n_layers = 12;
    int n_heads = 12;
    int width = 768;
    int vocab = 50257;
    int context = 1024;
};

/// A shape small enough for the --quick smoke run.
constexpr ModelShape kTinyGpt2Shape{"gpt2-tiny", 2, 4, 64, 1000, 128};

struct ModelBenchResult {
    const char* shape = "gpt2-small";
    int n = 0;
    bool keep_attention = false;
    double ms = 0.0;
    double gflops = 0.0;  ///< useful FLOP of the forward (see model_forward_flops) per second
    double tokens_per_s = 0.0;
};

/// Builds a GPT-2-shaped model (random float32 weights) in memory,
/// loads it as a checkpoint, and times run_forward at each n with every attention matrix kept and with
/// the flash path, logits of the last position only. Median of up to `max_runs` runs.
Expected<std::vector<ModelBenchResult>> run_model_bench(const ModelShape& shape,
                                                        const std::vector<int>& sizes, int max_runs);

}  // namespace attnviz::cli
