// The Q/K/V numbers attention runs on, their shape checks, and the finite-value rule.
#pragma once

#include "core/attention/attention_config.h"
#include "core/attention/mask.h"
#include "core/base/types.h"

#include <optional>

namespace attnviz::attention {

/// Per-head projections.
///   q: [n_heads,    n_q, head_dim]
///   k: [n_kv_heads, n_k, head_dim]
///   v: [n_kv_heads, n_k, d_v]
struct AttentionInputs {
    Tensor3 q;
    Tensor3 k;
    Tensor3 v;

    int n_q() const { return q.n_rows(); }
    int n_k() const { return k.n_rows(); }
    int d_v() const { return v.n_cols(); }
};

/// Checks the shapes against the config (and the config itself), and that every value that can reach
/// an output is finite: Q rows of queries that see a key, K and V rows of keys that some query sees.
/// Values nobody can see (padding, keys outside every window) may hold anything, even NaN.
/// Returns an empty Status when the inputs can be computed, else a sentence naming the problem.
Status validate_inputs(const AttentionConfig& config, const AttentionInputs& inputs);

/// Where inputs that passed validate_inputs still hold non-finite values (necessarily in rows nobody
/// can see), a copy with those rows set to 0, so that 0 * NaN cannot leak through a matrix product;
/// std::nullopt when the inputs are all finite (the common case: no copy).
std::optional<AttentionInputs> zero_non_finite_rows(const AttentionInputs& inputs);

/// True when none of data[0, n) is NaN or infinite. One vectorised pass (Eigen's allFinite() tests
/// coefficient by coefficient, which showed up in profiles of both attention paths).
bool all_finite(const float* data, std::size_t n);

/// The error for a visible score Q K^T * s that overflowed float in query head `head`, query row `row`
/// (inputs are finite but too large); shared by the reference and the flash path.
Status score_overflow_error(int head, int row);

}  // namespace attnviz::attention
