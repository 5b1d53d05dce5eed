// An independent float64 attention, written the naive way (loops, no shared code with core/ beyond
// the input structs), that the engine and the flash path are compared against.
#pragma once

#include "core/attention/attention_config.h"
#include "core/attention/attention_inputs.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace attnviz::testing {

struct ReferenceF64 {
    // [n_heads][n_q][n_k] and [n_heads][n_q][d_v], [n_heads][n_q]
    std::vector<std::vector<std::vector<double>>> weights;
    std::vector<std::vector<std::vector<double>>> output;
    std::vector<std::vector<double>> lse;
    std::vector<std::vector<double>> entropy;
};

/// Visibility straight from numerics.md's sentences.
inline bool f64_visible(const attention::MaskConfig& m, int n_q, int n_k, int i, int j) {
    const long p = static_cast<long>(i) + (n_k - n_q);
    if (!m.key_valid.empty() && m.key_valid[static_cast<std::size_t>(j)] == 0) return false;
    if (m.causal && j > p) return false;
    if (m.window > 0) {
        if (m.causal) {
            if (!(p - m.window < j)) return false;
        } else if (std::labs(p - j) >= m.window) {
            return false;
        }
    }
    return true;
}

inline ReferenceF64 reference_f64(const attention::AttentionConfig& c, const attention::AttentionInputs& in) {
    const int n_q = in.q.n_rows(), n_k = in.k.n_rows(), d = in.q.n_cols(), d_v = in.v.n_cols();
    double s = 1.0 / std::sqrt(static_cast<double>(d));
    if (c.scale_mode == attention::ScaleMode::kNone) s = 1.0;
    if (c.scale_mode == attention::ScaleMode::kCustom) s = c.custom_scale;
    const double T = c.temperature;
    ReferenceF64 r;
    r.weights.assign(c.n_heads, std::vector<std::vector<double>>(n_q, std::vector<double>(n_k, 0.0)));
    r.output.assign(c.n_heads, std::vector<std::vector<double>>(n_q, std::vector<double>(d_v, 0.0)));
    r.lse.assign(c.n_heads, std::vector<double>(n_q, -std::numeric_limits<double>::infinity()));
    r.entropy.assign(c.n_heads, std::vector<double>(n_q, 0.0));
    for (int h = 0; h < c.n_heads; ++h) {
        const int g = h / (c.n_heads / c.n_kv_heads);
        for (int i = 0; i < n_q; ++i) {
            std::vector<double> score(n_k, 0.0);
            double m = -std::numeric_limits<double>::infinity();
            int k = 0;
            for (int j = 0; j < n_k; ++j) {
                if (!f64_visible(c.mask, n_q, n_k, i, j)) continue;
                double dot = 0.0;
                for (int t = 0; t < d; ++t) dot += double(in.q.mat(h)(i, t)) * double(in.k.mat(g)(j, t));
                score[j] = dot * s;
                m = std::max(m, score[j]);
                ++k;
            }
            if (k == 0) continue;
            std::vector<double>& w = r.weights[h][i];
            double sum = 0.0;
            for (int j = 0; j < n_k; ++j) {
                if (!f64_visible(c.mask, n_q, n_k, i, j)) continue;
                if (T == 0.0)
                    w[j] = score[j] == m ? 1.0 : 0.0;
                else if (std::isinf(T))
                    w[j] = 1.0;
                else
                    w[j] = std::exp((score[j] - m) / T);
                sum += w[j];
            }
            for (double& x : w) x /= sum;
            r.lse[h][i] = (T > 0.0 && !std::isinf(T) ? m / T : 0.0) + std::log(sum);
            for (int j = 0; j < n_k; ++j) {
                if (w[j] > 0.0) r.entropy[h][i] -= w[j] * std::log(w[j]);
                for (int t = 0; t < d_v; ++t) r.output[h][i][t] += w[j] * double(in.v.mat(g)(j, t));
            }
        }
    }
    return r;
}

}  // namespace attnviz::testing
