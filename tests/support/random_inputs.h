// Seeded random Q/K/V of unit scale for property tests.
#pragma once

#include "core/attention/attention_inputs.h"

#include <random>

namespace attnviz::testing {

inline void fill_normal(Tensor3& t, std::mt19937& rng, float sigma = 1.0f) {
    std::normal_distribution<float> dist(0.0f, sigma);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = dist(rng);
}

/// Q [n_heads, n_q, d], K [n_kv_heads, n_k, d], V [n_kv_heads, n_k, d_v], entries ~ N(0, 1).
inline attention::AttentionInputs random_inputs(int n_heads, int n_kv_heads, int n_q, int n_k, int d, int d_v,
                                                unsigned seed) {
    std::mt19937 rng(seed);
    attention::AttentionInputs in{Tensor3(n_heads, n_q, d), Tensor3(n_kv_heads, n_k, d),
                                  Tensor3(n_kv_heads, n_k, d_v)};
    fill_normal(in.q, rng);
    fill_normal(in.k, rng);
    fill_normal(in.v, rng);
    return in;
}

}  // namespace attnviz::testing
