#include "core/lab/scaling_demo.h"

#include "core/attention/softmax.h"
#include "core/base/seeded_random.h"

#include <algorithm>
#include <cmath>

namespace attnviz::lab {

namespace {

double std_dev(const std::vector<double>& x) {
    double mean = 0.0;
    for (double v : x) mean += v;
    mean /= static_cast<double>(x.size());
    double var = 0.0;
    for (double v : x) var += (v - mean) * (v - mean);
    return std::sqrt(var / static_cast<double>(x.size()));
}

/// Largest weight of softmax(row) at T = 1, through the engine's softmax.
double max_weight(const std::vector<float>& row, std::vector<float>& weights) {
    const int n = static_cast<int>(row.size());
    attention::softmax_row(row.data(), n, attention::KeyRange{0, n}, nullptr, 1.0, weights.data());
    return static_cast<double>(*std::max_element(weights.begin(), weights.end()));
}

}  // namespace

ScalingStats scaling_stats(int d, int n_keys, int n_queries, std::uint64_t seed) {
    d = std::max(1, d);
    n_keys = std::max(1, n_keys);
    n_queries = std::max(1, n_queries);
    SeededRandom rng(seed);
    std::vector<double> keys(static_cast<std::size_t>(n_keys) * static_cast<std::size_t>(d));
    for (double& v : keys) v = rng.normal();
    std::vector<double> q(static_cast<std::size_t>(d));
    std::vector<double> dots;
    dots.reserve(static_cast<std::size_t>(n_keys) * static_cast<std::size_t>(n_queries));
    std::vector<float> row(static_cast<std::size_t>(n_keys));
    std::vector<float> row_scaled(row.size());
    std::vector<float> weights(row.size());
    const double inv_sqrt_d = 1.0 / std::sqrt(static_cast<double>(d));

    ScalingStats st;
    st.d = d;
    for (int qi = 0; qi < n_queries; ++qi) {
        for (double& v : q) v = rng.normal();
        // pass 1: the dots of this query with every key
        for (int j = 0; j < n_keys; ++j) {
            const double* k = keys.data() + static_cast<std::size_t>(j) * static_cast<std::size_t>(d);
            double dot = 0.0;
            for (int c = 0; c < d; ++c) dot += q[static_cast<std::size_t>(c)] * k[c];
            dots.push_back(dot);
            row[static_cast<std::size_t>(j)] = static_cast<float>(dot);
            row_scaled[static_cast<std::size_t>(j)] = static_cast<float>(dot * inv_sqrt_d);
        }
        // pass 2: how peaked softmax is with and without the scale
        st.max_weight_unscaled += max_weight(row, weights);
        st.max_weight_scaled += max_weight(row_scaled, weights);
    }
    st.max_weight_unscaled /= n_queries;
    st.max_weight_scaled /= n_queries;
    st.std_unscaled = std_dev(dots);
    st.std_scaled = st.std_unscaled * inv_sqrt_d;
    return st;
}

std::vector<ScalingStats> scaling_curve(int max_d, int n_keys, int n_queries, std::uint64_t seed) {
    std::vector<ScalingStats> out;
    for (int d = 1; d <= std::max(1, max_d); d *= 2)
        out.push_back(scaling_stats(d, n_keys, n_queries, seed + static_cast<std::uint64_t>(d)));
    return out;
}

}  // namespace attnviz::lab
