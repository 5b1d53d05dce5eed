// The temperature softmax of numerics.md: max first, then / T; T = 0 argmax with ties shared,
// T = +inf uniform, masked keys exactly 0, rows with no visible key all 0. Plus row entropy.
#pragma once

#include "core/attention/mask.h"

#include <cstdint>

namespace attnviz::attention {

/// Which formula a temperature selects.
enum class TemperatureRegime {
    kArgmax,   ///< T == 0 (or so small that it is 0 in float): the k keys at the max get 1/k each
    kFinite,   ///< 0 < T < inf: exp((s - m) / T) / sum
    kUniform,  ///< T == +inf (or beyond float's range): 1/k for each of the k visible keys
};

/// Precondition: validate_temperature(t) passed.
TemperatureRegime temperature_regime(double temperature);

/// What a softmax row leaves behind besides the weights: the flash path's bookkeeping (M, S) and lse.
struct SoftmaxRowStats {
    /// m_i, the max of the visible scaled scores; -inf when the row has no visible key.
    float max = 0.0f;
    /// S_i = sum over visible keys of exp((s_ij - m_i) / T): at T = 0 the number of keys tied at the
    /// max, at T = inf the number of visible keys; 0 when the row has no visible key.
    float sum = 0.0f;
    /// lse_i = m_i / T + ln S_i for 0 < T < inf. At T = inf the m_i / T term is 0, so lse_i = ln S_i;
    /// at T = 0 that term is infinite and is left out, so lse_i = ln S_i too (ln of the tie count).
    /// -inf when the row has no visible key.
    float lse = 0.0f;
    /// Number of visible keys k_i.
    int n_visible = 0;
    bool has_keys() const { return n_visible > 0; }
};

/// out[0, n) = exp((x - m) / t) (t == 1: exp(x - m)), returns their sum: the pass every softmax row
/// spends its time in, fused and vectorised. out may be x. The order of the additions depends on n
/// only, never on the address, so results are identical whichever thread or buffer computes them.
/// Precondition: t > 0 and finite; x[j] <= m.
float exp_shifted_sum(const float* x, float* out, int n, float m, float t);

/// Temperature softmax of one row.
///   scores:  [n_k] scaled scores s_i. of query row i (entries outside `range` or padded are not read)
///   range:   the row's position range (Mask::position_range)
///   key_valid: [n_k] padding (nonzero = real key), or nullptr when nothing is padded
///   weights: [n_k] out; exactly 0 for every invisible key; all 0 when no key is visible
/// Precondition: validate_temperature(temperature) passed; visible scores are finite.
SoftmaxRowStats softmax_row(const float* scores, int n_k, KeyRange range, const std::uint8_t* key_valid,
                            double temperature, float* weights);

/// The unnormalised weight of one visible key, as pass 2 of softmax_row computes it:
///   finite T: exp((s - m) / T);  T = 0: 1 if s == m (a key tied at the max) else 0;  T = inf: 1.
/// The weight is this over the row's SoftmaxRowStats::sum. For views that explain one cell.
/// Precondition: validate_temperature(temperature) passed; s <= m, both finite.
float softmax_numerator(float score, float row_max, double temperature);

/// Entropy H_i = -sum_j P_ij ln P_ij in nats (0 ln 0 = 0) of a row that softmax_row produced, computed
/// without a log per key: H = ln S - sum_j P_ij (s_ij - m) / T. 0 for a row with no visible key.
float softmax_row_entropy(const float* scores, const float* weights, KeyRange range,
                          const std::uint8_t* key_valid, const SoftmaxRowStats& stats, double temperature);

/// Entropy in nats of any probability row, directly: -sum p ln p over p > 0. [n] in, used by tests
/// and by views that show rows the engine did not produce (a weight sweep, a pooled head).
double entropy_nats(const float* p, int n);

}  // namespace attnviz::attention
