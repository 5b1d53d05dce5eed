// Why attention divides by sqrt(d): statistics of q.k for random unit-variance vectors as d grows.
#pragma once

#include <cstdint>
#include <vector>

namespace attnviz::lab {

/// q.k statistics for one dimension d. Unscaled dots q.k have std ~ sqrt(d); scaled by 1/sqrt(d), ~ 1.
struct ScalingStats {
    int d = 0;
    double std_unscaled = 0.0;         ///< std of q.k over every (query, key) pair
    double std_scaled = 0.0;           ///< std of q.k / sqrt(d)
    double max_weight_unscaled = 0.0;  ///< mean over queries of the largest softmax(q.k) weight (T = 1)
    double max_weight_scaled = 0.0;    ///< the same for softmax(q.k / sqrt(d))
};

/// Draws n_queries queries and n_keys keys of dimension d with independent N(0, 1) entries (a fixed
/// seed: the same numbers on every machine), and measures the dots and their softmax saturation with the
/// engine's softmax_row. Preconditions: d >= 1, n_queries >= 1, n_keys >= 1.
ScalingStats scaling_stats(int d, int n_keys, int n_queries, std::uint64_t seed);

/// scaling_stats for d = 1, 2, 4, ..., max_d (powers of two up to max_d >= 1).
std::vector<ScalingStats> scaling_curve(int max_d, int n_keys, int n_queries, std::uint64_t seed);

}  // namespace attnviz::lab
