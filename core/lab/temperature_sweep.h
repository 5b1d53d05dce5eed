// One attention row's weights over a range of temperatures, through the engine's own softmax_row:
// what the temperature lab plots (and its T -> 0 and T -> inf limits).
#pragma once

#include "core/attention/mask.h"
#include "core/base/types.h"

#include <cstdint>
#include <vector>

namespace attnviz::lab {

struct TemperatureSweep {
    std::vector<double> temperatures;  ///< [n_t], increasing
    MatrixRM weights;                  ///< [n_t, n_k]: row t = softmax_row(scores, T = temperatures[t])
    std::vector<float> entropy;        ///< [n_t] in nats
    std::vector<float> argmax_limit;   ///< [n_k] T = 0: one-hot on the max (ties share)
    std::vector<float> uniform_limit;  ///< [n_k] T = inf: 1/k on each visible key
};

/// n_t temperatures spaced evenly in log T over [t_min, t_max]. Preconditions: 0 < t_min < t_max, n_t >= 2.
std::vector<double> log_spaced_temperatures(double t_min, double t_max, int n_t);

/// Sweeps one row of scaled scores (the engine's HeadResult::scores row) over `temperatures`.
///   scores: [n_k]; range and key_valid as for softmax_row (key_valid may be nullptr)
/// Preconditions: every temperature valid (validate_temperature); visible scores finite.
TemperatureSweep sweep_temperature(const float* scores, int n_k, attention::KeyRange range,
                                   const std::uint8_t* key_valid, const std::vector<double>& temperatures);

}  // namespace attnviz::lab
